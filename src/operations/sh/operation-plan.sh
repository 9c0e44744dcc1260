#!/usr/bin/env bash
# The plan job's step of a tenant-operation workflow (after operation-command.sh and the
# operation's args file): plans without secrets, shows the plan in the run's summary, and
# tells the apply job the vault's region and where it runs (the tenant's residency's runner
# labels, runnerLabels, else GitHub-hosted). A refusal stops the run before approval, unless
# only the fleet catalog or Neon's snapshots, which the apply job reads, can decide it.
# Inputs (environment):
#   STACK                the stack input
#   TENANT               the tenant input
#   TICKET               the ticket input
#   DEFAULT_RUNNER       where the apply job runs when the tenant's residency names no runners
#   PLAN_NEEDS_CATALOG   true: a refusal planned without the catalog (and a restore's snapshots) is not final (a warning)
# shellcheck disable=SC2154 # args is built by operation-command.sh and the operation's args file, which run first

status=0
npm run --silent tenant -- "${args[@]}" > "${RUNNER_TEMP}/plan.txt" 2>&1 || status=$?
npm run --silent tenant -- "${args[@]}" --json > "${RUNNER_TEMP}/plan.json" 2> /dev/null || true
{
  echo "### ${TENANT}: ${GITHUB_WORKFLOW} (${STACK}), ticket ${TICKET}"
  echo
  echo "\`\`\`"
  cat "${RUNNER_TEMP}/plan.txt"
  echo "\`\`\`"
} >> "${GITHUB_STEP_SUMMARY}"
cat "${RUNNER_TEMP}/plan.txt"
echo "aws_region=$(jq -r '.awsRegion // empty' "${RUNNER_TEMP}/plan.json" 2> /dev/null)" >> "${GITHUB_OUTPUT}"
echo "runs_on=$(jq -c --arg runner "${DEFAULT_RUNNER}" '.runsOn // $runner' "${RUNNER_TEMP}/plan.json" 2> /dev/null)" \
  >> "${GITHUB_OUTPUT}"
if [ "${status}" -ne 0 ] && [ "${PLAN_NEEDS_CATALOG}" = true ]; then
  echo "::warning::planned without the fleet catalog (and Neon's snapshots); the apply job plans again with them, and refuses if it must"
  status=0
fi
exit "${status}"
