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
# The issue is kept by the functions of issue-keep.sh, whose body the renderer puts before this one.
# Inputs (environment):
#   RESULT                 the tenant jobs' result: success or failure
#   JOB_PREFIX             the batch jobs' name prefix
#   RESULTS_DIR            where the run's result lines were downloaded
#   ALERT_LABEL            the issue's label
#   ALERT_ASSIGNEES        the issue's assignees (JSON array)
#   FAILED_TENANTS_TITLE   the title of a batch job's annotation naming its failed tenants
#   ISSUE_LIST_CHARS       characters of the issue's list before it says how many more
# shellcheck disable=SC2154 # repo, run_url: set by issue-keep.sh, composed before this file

set -euo pipefail
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
issue="$(issue_find "${title}")"
if [ "${failed}" -gt 0 ]; then
  shown="$(awk -v max="${ISSUE_LIST_CHARS}" '
    { n += length($0) + 1; if (n > max) more++; else print }
    END { if (more) printf "- and %d more: each is in its batch job summary and result lines of the run\n", more }' \
    "${work}/failed.txt")"
  body="$(printf '[Run %s](%s) of %s failed for %s tenant(s):\n\n%s\n\nThis issue closes itself after the next run in which every tenant succeeds.' \
    "${GITHUB_RUN_ID}" "${run_url}" "${GITHUB_WORKFLOW}" "${failed}" "${shown}")"
  if [ -n "${issue}" ]; then
    issue_comment "${issue}" "${body}"
    echo "::error::${failed} tenant job(s) failed; commented on issue #${issue}"
  else
    issue="$(issue_open "${title}" "${body}" "${ALERT_LABEL}" "${ALERT_ASSIGNEES}")"
    echo "::error::${failed} tenant job(s) failed; opened issue #${issue}"
  fi
  exit 1
fi
if [ -n "${issue}" ]; then
  issue_close "${issue}" "[Run ${GITHUB_RUN_ID}](${run_url}): every tenant succeeded."
  echo "every tenant succeeded; closed issue #${issue}"
else
  echo "every tenant succeeded"
fi
