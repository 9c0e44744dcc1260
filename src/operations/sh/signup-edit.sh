#!/usr/bin/env bash
# The signup job's edit (.github/workflows/tenant-signup.yml): the request checked and the
# rate of signups judged (npm run signup), then the tenants file edited by npm run tenant --
# add (or retire), which validates it as the program does and prints the tenant diff. Every
# field of the request reaches this script through the environment only.
# gh and npm run signup read GH_TOKEN and the request (REQUEST) from the environment themselves.
# Inputs (environment):
#   ACTION      add (a new tenant) or retire
#   STACK       the stack whose tenants file is edited
#   TENANT      the tenant id
#   NAME        the customer's display name (add)
#   REGION      the Neon region (add)
#   RESIDENCY   the residency, an ISO 3166-1 alpha-2 code or EU (add)
#   TIER        one of the tenants file's tiers (add; empty: none)
#   SIGNUP_LABEL  the label every signup pull request carries

set -euo pipefail
npm run --silent signup -- request --github-output >> "${GITHUB_OUTPUT}"
since="$(date -u -d '24 hours ago' +%Y-%m-%dT%H:%M:%SZ)"
gh pr list --repo "${GITHUB_REPOSITORY}" --label "${SIGNUP_LABEL}" --state all --search "created:>=${since}" --limit 1000 --json createdAt > "${RUNNER_TEMP}/signups.json"
npm run --silent signup -- rate --prs "${RUNNER_TEMP}/signups.json" --stack "${STACK}"
args=("${ACTION}" "${TENANT}" --stack "${STACK}")
if [ "${ACTION}" = "add" ]; then
  args+=(--name "${NAME}" --region "${REGION}" --residency "${RESIDENCY}")
  if [ -n "${TIER:-}" ]; then
    args+=(--tier "${TIER}")
  fi
fi
npm run --silent tenant -- "${args[@]}" > "${RUNNER_TEMP}/diff.txt"
cat "${RUNNER_TEMP}/diff.txt" >> "${GITHUB_STEP_SUMMARY}"
