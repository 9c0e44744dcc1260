#!/usr/bin/env bash
# The signup workflow's approve job, first step (.github/workflows/tenant-signup.yml): waits
# for the tenant-diff run (pull_request_target: the base's checker, never the pull request's
# code) of the signup pull request's head commit, downloads its per-stack verdicts (plan
# --verdict), combines them (npm run signup -- verdict) and posts the commit status
# tenant-fleet/auto-merge-eligible on that commit: success only when every stack's checker
# found tenants added and nothing else changed, each verdict about that very commit (headSha).
# gh reads GH_TOKEN (GITHUB_TOKEN: actions read, statuses write, pull-requests read) itself.
# Inputs (environment):
#   PR_URL          the signup pull request
#   STATUS_CONTEXT  the commit status's context (tenant-fleet/auto-merge-eligible)
#   WAIT_SECONDS    how long to wait for the tenant-diff run

set -euo pipefail
number="${PR_URL##*/}"
if ! [[ "${number}" =~ ^[0-9]+$ ]]; then
  echo "::error::${PR_URL@Q} is not a pull request's address"
  exit 1
fi
head_sha="$(gh pr view "${PR_URL}" --json headRefOid --jq .headRefOid)"
deadline=$(($(date +%s) + WAIT_SECONDS))
# A run of the head commit itself (its head_sha); the run's pull_requests[] names the pull
# request's current head, not the commit the run judged, so it never selects a run.
filter="[.workflow_runs[] | select(.status == \"completed\") | select(.head_sha == \"${head_sha}\")][0].id // empty"
while :; do
  run="$(gh api "repos/${GITHUB_REPOSITORY}/actions/workflows/tenant-diff.yml/runs?event=pull_request_target&per_page=100" --jq "${filter}")"
  if [ -n "${run}" ]; then break; fi
  if [ "$(date +%s)" -ge "${deadline}" ]; then
    echo "::error::no finished tenant-diff run for ${head_sha} after ${WAIT_SECONDS} s: the pull request waits for a person"
    exit 1
  fi
  sleep 20
done
gh run download "${run}" --repo "${GITHUB_REPOSITORY}" --pattern 'tenant-diff-*' --dir "${RUNNER_TEMP}/reports"
npm run --silent signup -- verdict --from "${RUNNER_TEMP}/reports" --head-sha "${head_sha}" --github-output > "${RUNNER_TEMP}/verdict.txt"
eligible="$(sed -n 's/^eligible=//p' "${RUNNER_TEMP}/verdict.txt")"
description="$(sed -n 's/^description=//p' "${RUNNER_TEMP}/verdict.txt")"
state=failure
if [ "${eligible}" = "true" ]; then state=success; fi
gh api --method POST "repos/${GITHUB_REPOSITORY}/statuses/${head_sha}" -f state="${state}" -f context="${STATUS_CONTEXT}" \
  -f description="${description}" -f target_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${run}" > /dev/null
echo "${STATUS_CONTEXT}: ${state}: ${description}" >> "${GITHUB_STEP_SUMMARY}"
{
  echo "eligible=${eligible}"
  echo "head_sha=${head_sha}"
  echo "number=${number}"
} >> "${GITHUB_OUTPUT}"
