#!/usr/bin/env bash
# deploy.yml's up jobs: tell the application which tenants an update created (docs/signup.md,
# "The application learns it is ready"). `before` (ahead of pulumi up) records the active
# tenants of the stack's outputs (databasesByTenant, credential set); `after` (once the update
# and the catalog sync succeeded) compares again and, for the tenants created:
#   - posts the commit status <STATUS_PREFIX>/<stack> (success, naming them) on the deployed
#     commit of this repository with GITHUB_TOKEN (statuses: write)
#     (POST /repos/{o}/{r}/statuses/{sha}, https://docs.github.com/en/rest/commits/statuses#create-a-commit-status);
#   - sends repository_dispatch <DISPATCH_EVENT> to the stack's application repository with
#     the App's installation token, which already holds Contents: write there
#     (POST /repos/{o}/{r}/dispatches, https://docs.github.com/en/rest/repos/repos#create-a-repository-dispatch-event).
# A tenant is ready for the application once the update created it and its credential is written.
# gh reads GH_TOKEN (GITHUB_TOKEN: statuses write) itself; the dispatch passes APP_TOKEN as GH_TOKEN.
# Nothing here fails the deploy: an update that succeeded stays a success, with a warning.
# Inputs (environment):
#   STACK           the stack
#   PULUMI_BACKEND_URL  the state backend (empty: Pulumi Cloud; its credentials from the step's env as well)
#   RECORD          where `before` writes the tenants and `after` reads them
#   STATUS_PREFIX   the status context's prefix (tenant-fleet/ready)
#   DISPATCH_EVENT  the event type (tenant-fleet-ready)
#   APP_REPOSITORY  OWNER/REPO of the stack's application
#   APP_TOKEN       the App's installation token for the application repository (the dispatch)

set -uo pipefail
active_tenants() {
  if [ -n "${PULUMI_BACKEND_URL:-}" ]; then pulumi login "${PULUMI_BACKEND_URL}" > /dev/null || return 1; fi
  pulumi stack output --stack "${STACK}" --json databasesByTenant | jq -c '[to_entries[] | select(.value.credential != null) | .key] | sort'
}
# The backend URL is a variable, not a secret; a URL that carries a credential (a database
# backend) must not reach the log through an error message below.
if [ -n "${PULUMI_BACKEND_URL:-}" ]; then echo "::add-mask::${PULUMI_BACKEND_URL}"; fi
if [ "${1:-}" = "before" ]; then
  # A stack never deployed has no outputs: every tenant it creates is new.
  if ! list="$(active_tenants 2> "${RECORD}.err")"; then
    if grep -qi "does not have output\|no output\|does not exist\|no stack named" "${RECORD}.err"; then list="[]"; else
      echo "::warning::the tenants before the update could not be read: no readiness will be reported ($(head -c 200 "${RECORD}.err"))"
      exit 0
    fi
  fi
  echo "${list:-[]}" > "${RECORD}"
  echo "active tenants before the update: $(jq -r 'length' "${RECORD}")"
  exit 0
fi
if [ ! -s "${RECORD}" ]; then
  echo "::warning::no record of the tenants before the update: no readiness reported"
  exit 0
fi
if ! after="$(active_tenants)"; then
  echo "::warning::the tenants after the update could not be read: no readiness reported"
  exit 0
fi
created="$(jq -c --argjson before "$(cat "${RECORD}")" '. - $before' <<< "${after}")"
if [ "$(jq 'length' <<< "${created}")" = "0" ]; then
  echo "the update created no tenant"
  exit 0
fi
names="$(jq -r 'join(", ")' <<< "${created}")"
description="ready: ${names}"
# A commit status's description holds 140 characters.
if [ "${#description}" -gt 140 ]; then
  suffix="… ($(jq 'length' <<< "${created}") tenants)"
  description="${description:0:$((140 - ${#suffix}))}${suffix}"
fi
run_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}"
if gh api --method POST "repos/${GITHUB_REPOSITORY}/statuses/${GITHUB_SHA}" -f state=success -f context="${STATUS_PREFIX}/${STACK}" \
  -f description="${description}" -f target_url="${run_url}" > /dev/null; then
  echo "${STATUS_PREFIX}/${STACK} on ${GITHUB_SHA}: ${description}"
else
  echo "::warning::the commit status ${STATUS_PREFIX}/${STACK} could not be posted"
fi
payload="$(jq -nc --arg stack "${STACK}" --argjson tenants "${created}" --arg sha "${GITHUB_SHA}" --arg repository "${GITHUB_REPOSITORY}" --arg run "${run_url}" \
  --arg event "${DISPATCH_EVENT}" \
  '{event_type: $event, client_payload: {stack: $stack, tenants: $tenants, sha: $sha, repository: $repository, run: $run}}')"
if GH_TOKEN="${APP_TOKEN}" gh api --method POST "repos/${APP_REPOSITORY}/dispatches" --input - <<< "${payload}" > /dev/null; then
  echo "${DISPATCH_EVENT} sent to ${APP_REPOSITORY}"
else
  echo "::warning::${DISPATCH_EVENT} could not be sent to ${APP_REPOSITORY}; the status ${STATUS_PREFIX}/${STACK} and the manifest still say it"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then echo "${STACK}: ${description}" >> "${GITHUB_STEP_SUMMARY}"; fi
exit 0
