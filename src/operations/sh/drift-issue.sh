#!/usr/bin/env bash
# The drift issue of one stack, kept the way the scheduled workflows' alert job keeps its issue
# (src/plan/workflows/sh/alert.sh): found by its exact title among the open issues the Actions
# bot opened; opened when a night finds drift, commented on each further night that does,
# commented and closed (completed) after a night that finds nothing. Reads are retried; writes
# are sent once (a retried POST could open a second issue). Plain curl and jq with the job's
# GITHUB_TOKEN (`issues: write` and nothing else); nothing of the repository runs here.
# A stack whose drift job wrote no report (it failed before, or was cancelled) keeps its issue
# open, or gets one: a night that could not compare is not a clean night.
# Inputs (environment):
#   GH_TOKEN         the job's token
#   STACK            the stack
#   REPORT_DIR       the drift job's report, downloaded (drift.json, issue.md)
#   DRIFT_RESULT     the drift jobs' result (success, failure, cancelled, skipped)
#   ALERT_LABEL      the issue's label
#   ISSUE_LIST_CHARS the most characters of a body this writes

set -euo pipefail
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
if ! [[ "${STACK}" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ ]]; then
  echo "::error::not a stack name: ${STACK:0:60}"
  exit 2
fi
repo="${GITHUB_API_URL}/repos/${GITHUB_REPOSITORY}"
run_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}"
title="tenant-fleet: drift in stack ${STACK}"
if [ -f "${REPORT_DIR}/drift.json" ] && [ -f "${REPORT_DIR}/issue.md" ]; then
  clean="$(jq -r '.clean == true' "${REPORT_DIR}/drift.json")"
  body="$(head -c "${ISSUE_LIST_CHARS}" "${REPORT_DIR}/issue.md")"
else
  clean=false
  body="$(printf 'The drift job of stack `%s` wrote no report ([run %s](%s): %s): the stack could not be compared tonight.' \
    "${STACK}" "${GITHUB_RUN_ID}" "${run_url}" "${DRIFT_RESULT}")"
fi
issue="$(api "${repo}/issues?state=open&creator=github-actions%5Bbot%5D&per_page=100" \
  | jq -r --arg t "${title}" '[.[] | select(.title == $t and (.pull_request | not))][0].number // empty')"
if [ "${clean}" != "true" ]; then
  if [ -n "${issue}" ]; then
    jq -n --arg body "${body}" '{body: $body}' | send -X POST "${repo}/issues/${issue}/comments" --data-binary @- > /dev/null
    echo "::warning::stack ${STACK} drifted; commented on issue #${issue}"
  else
    issue="$(jq -n --arg title "${title}" --arg body "${body}" --arg alert_label "${ALERT_LABEL}" \
      '{title: $title, body: $body, labels: [$alert_label]}' | send -X POST "${repo}/issues" --data-binary @- | jq -r .number)"
    echo "::warning::stack ${STACK} drifted; opened issue #${issue}"
  fi
  exit 0
fi
if [ -n "${issue}" ]; then
  jq -n --arg body "[Run ${GITHUB_RUN_ID}](${run_url}): no drift in stack ${STACK}." '{body: $body}' \
    | send -X POST "${repo}/issues/${issue}/comments" --data-binary @- > /dev/null
  jq -n '{state: "closed", state_reason: "completed"}' | send -X PATCH "${repo}/issues/${issue}" --data-binary @- > /dev/null
  echo "no drift in stack ${STACK}; closed issue #${issue}"
else
  echo "no drift in stack ${STACK}"
fi
