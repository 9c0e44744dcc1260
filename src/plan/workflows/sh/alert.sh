#!/usr/bin/env bash
# The alert job's step: GitHub mails a scheduled run's failure only to whoever last changed its
# cron line (here, the token behind `pulumi up`), so each scheduled workflow keeps one issue of
# its own instead. Plain curl and jq against the REST API with the job's GITHUB_TOKEN
# (`issues: write`, `actions: read`): nothing external, nothing installed.
#
# The issue lists tenants, not batches. A failed batch job's tenants come from the result lines
# it kept (RESULTS_DIR, `<batch key>.tsv`, the artifacts the step before this one downloads): a
# file holds every tenant, where GitHub shows only a step's first 10 error annotations. Without
# lines, from the annotation the batch job writes first (FAILED_TENANTS_TITLE, `checks: read`);
# a job that failed with neither (cancelled, timed out before its lines) is listed by its name.
# The issue is found by its exact title among the open issues the Actions bot opened (a label
# alone could be dropped when the token may not set labels).
# Inputs (environment):
#   GH_TOKEN               the job's token
#   RESULT                 the tenant jobs' result: success or failure
#   JOB_PREFIX             the batch jobs' name prefix
#   RESULTS_DIR            where the run's result lines were downloaded
#   ALERT_LABEL            the issue's label
#   ALERT_ASSIGNEES        the issue's assignees (JSON array)
#   FAILED_TENANTS_TITLE   the title of a batch job's annotation naming its failed tenants
#   ISSUE_LIST_CHARS       characters of the issue's list before it says how many more

set -euo pipefail
# Reads are retried; writes are sent once (a retried POST could open a second issue).
api() {
  curl -sS --fail-with-body --retry 3 \
    -H "Authorization: Bearer ${GH_TOKEN}" \
    -H "Accept: application/vnd.github+json" \
    -H "X-GitHub-Api-Version: 2022-11-28" \
    "$@"
}
send() {
  curl -sS --fail-with-body \
    -H "Authorization: Bearer ${GH_TOKEN}" \
    -H "Accept: application/vnd.github+json" \
    -H "X-GitHub-Api-Version: 2022-11-28" \
    -H "Content-Type: application/json" \
    "$@"
}
repo="${GITHUB_API_URL}/repos/${GITHUB_REPOSITORY}"
run_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}"
title="tenant-fleet: ${GITHUB_WORKFLOW} is failing"
work="$(mktemp -d "${RUNNER_TEMP}/alert.XXXXXX")"
# Every tenant job of this attempt, over all pages.
page=1
: > "${work}/jobs.ndjson"
while :; do
  api "${repo}/actions/runs/${GITHUB_RUN_ID}/attempts/${GITHUB_RUN_ATTEMPT}/jobs?per_page=100&page=${page}" \
    > "${work}/page.json"
  jq -c '.jobs[]' "${work}/page.json" >> "${work}/jobs.ndjson"
  if [ "$(jq '.jobs | length' "${work}/page.json")" -lt 100 ]; then break; fi
  page=$(( page + 1 ))
done
# Each failed tenant job; a batch job keeps a result line per tenant and names its failed tenants
# in its first annotation (batch.sh).
jq -c --arg p "${JOB_PREFIX}" '
  select(.name | startswith($p))
  | select(.conclusion != "success" and .conclusion != "skipped")
  | {job: (.name | ltrimstr($p)), conclusion: (.conclusion // "did not finish"), url: .html_url,
     check: (.check_run_url // "")}' \
  "${work}/jobs.ndjson" > "${work}/failed.ndjson"
: > "${work}/failed.txt"
while IFS= read -r job; do
  name="$(jq -r .job <<< "${job}")" conclusion="$(jq -r .conclusion <<< "${job}")" \
    url="$(jq -r .url <<< "${job}")" check="$(jq -r .check <<< "${job}")"
  tenants=""
  # The job's name after the prefix is its batch key, and its lines' file name (ids only: the key of a generated job).
  if [[ "${name}" =~ ^[A-Za-z0-9._-]+$ ]] && [ -f "${RESULTS_DIR:-/nonexistent}/${name}.tsv" ]; then
    tenants="$(awk -F '\t' '$2 == "failed" && $1 ~ /^[a-z0-9-]+$/ { printf "%s ", $1 }' "${RESULTS_DIR}/${name}.tsv")"
  fi
  if [ -z "${tenants}" ] && [ -n "${check}" ]; then
    tenants="$(api "${check}/annotations?per_page=100" \
      | jq -r --arg t "${FAILED_TENANTS_TITLE}" '[.[] | select(.title == $t) | .message] | join(" ")' || true)"
  fi
  if [ -n "${tenants}" ]; then
    for t in ${tenants}; do
      echo "- ${t}: failed in ${name} (${url})" >> "${work}/failed.txt"
    done
  else
    echo "- ${name}: ${conclusion} (${url})" >> "${work}/failed.txt"
  fi
done < "${work}/failed.ndjson"
failed="$(wc -l < "${work}/failed.txt")"
if [ "${failed}" -eq 0 ] && [ "${RESULT}" != "success" ]; then
  echo "- the run itself: ${RESULT}" > "${work}/failed.txt"
  failed=1
fi
# The open issue of this workflow, if any.
api "${repo}/issues?state=open&creator=github-actions%5Bbot%5D&per_page=100" \
  | jq -r --arg t "${title}" '[.[] | select(.title == $t and (.pull_request | not))][0].number // empty' \
  > "${work}/issue"
issue="$(cat "${work}/issue")"
if [ "${failed}" -gt 0 ]; then
  shown="$(awk -v max="${ISSUE_LIST_CHARS}" '
    { n += length($0) + 1; if (n > max) more++; else print }
    END { if (more) printf "- and %d more: each is in its batch job summary and result lines of the run\n", more }' \
    "${work}/failed.txt")"
  body="$(printf '[Run %s](%s) of %s failed for %s tenant(s):\n\n%s\n\nThis issue closes itself after the next run in which every tenant succeeds.' \
    "${GITHUB_RUN_ID}" "${run_url}" "${GITHUB_WORKFLOW}" "${failed}" "${shown}")"
  if [ -n "${issue}" ]; then
    jq -n --arg body "${body}" '{body: $body}' \
      | send -X POST "${repo}/issues/${issue}/comments" --data-binary @- > /dev/null
    echo "::error::${failed} tenant job(s) failed; commented on issue #${issue}"
  else
    issue="$(jq -n --arg title "${title}" --arg body "${body}" --arg alert_label "${ALERT_LABEL}" \
      --argjson assignees "${ALERT_ASSIGNEES}" \
      '{title: $title, body: $body, labels: [$alert_label], assignees: $assignees}' \
      | send -X POST "${repo}/issues" --data-binary @- | jq -r .number)"
    echo "::error::${failed} tenant job(s) failed; opened issue #${issue}"
  fi
  exit 1
fi
if [ -n "${issue}" ]; then
  jq -n --arg body "[Run ${GITHUB_RUN_ID}](${run_url}): every tenant succeeded." '{body: $body}' \
    | send -X POST "${repo}/issues/${issue}/comments" --data-binary @- > /dev/null
  jq -n '{state: "closed", state_reason: "completed"}' \
    | send -X PATCH "${repo}/issues/${issue}" --data-binary @- > /dev/null
  echo "every tenant succeeded; closed issue #${issue}"
else
  echo "every tenant succeeded"
fi
