#!/usr/bin/env bash
# The apply job's step of a tenant-operation workflow (after operation-command.sh and the
# operation's args file), once approved: reads the stack's outputs and, when the stack has a
# fleet catalog, the catalog owner's string (a secret output, masked before anything could
# print it), then carries the plan out and writes the operation's record for the next step to
# keep. npm run tenant and pulumi read NEON_API_KEY, PULUMI_ACCESS_TOKEN and
# PULUMI_CONFIG_PASSPHRASE from the step's environment themselves.
# Inputs (environment):
#   STACK                the stack input
#   TENANT               the tenant input
#   TICKET               the ticket input
#   PULUMI_BACKEND_URL   the state backend to log in to (empty: Pulumi Cloud)
# shellcheck disable=SC2154 # args is built by operation-command.sh and the operation's args file, which run first

if [ -n "${PULUMI_BACKEND_URL}" ]; then
  pulumi login "${PULUMI_BACKEND_URL}" > /dev/null
fi
outputs="${RUNNER_TEMP}/outputs.json"
pulumi stack output --stack "${STACK}" --json > "${outputs}"
if [ -n "$(jq -r '.fleetCatalog.projectId // empty' "${outputs}")" ]; then
  CATALOG_DATABASE_URL="$(pulumi stack output --stack "${STACK}" --show-secrets catalogOwnerUrl)"
  echo "::add-mask::${CATALOG_DATABASE_URL}"
  export CATALOG_DATABASE_URL
fi
mkdir -p "${RUNNER_TEMP}/record"
npm run --silent tenant -- "${args[@]}" --apply --ticket "${TICKET}" --outputs "${outputs}" \
  --record "${RUNNER_TEMP}/record/${TENANT}-${GITHUB_RUN_ID}.json"
