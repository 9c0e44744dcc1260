#!/usr/bin/env bash
# The drift issue of one stack, kept with the functions the scheduled workflows' alert job keeps
# its issue with (src/plan/workflows/sh/issue-keep.sh, whose body the renderer puts before this
# one): found by its exact title among the open issues the Actions bot opened; opened when a
# night finds drift, commented on each further night that does, commented and closed
# (completed) after a night that finds nothing. Plain curl and jq with the job's GITHUB_TOKEN
# (`issues: write` and nothing else); nothing of the repository runs here.
# A stack whose drift job wrote no report (it failed before, or was cancelled) keeps its issue
# open, or gets one: a night that could not compare is not a clean night.
# Inputs (environment):
#   STACK            the stack
#   REPORT_DIR       the drift job's report, downloaded (drift.json, issue.md)
#   DRIFT_RESULT     the drift jobs' result (success, failure, cancelled, skipped)
#   ALERT_LABEL      the issue's label
#   ISSUE_LIST_CHARS the most characters of a body this writes
# shellcheck disable=SC2154 # run_url: set by issue-keep.sh, composed before this file

set -euo pipefail
if ! [[ "${STACK}" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ ]]; then
  echo "::error::not a stack name: ${STACK:0:60}"
  exit 2
fi
title="tenant-fleet: drift in stack ${STACK}"
if [ -f "${REPORT_DIR}/drift.json" ] && [ -f "${REPORT_DIR}/issue.md" ]; then
  clean="$(jq -r '.clean == true' "${REPORT_DIR}/drift.json")"
  body="$(head -c "${ISSUE_LIST_CHARS}" "${REPORT_DIR}/issue.md")"
else
  clean=false
  body="$(printf 'The drift job of stack `%s` wrote no report ([run %s](%s): %s): the stack could not be compared tonight.' \
    "${STACK}" "${GITHUB_RUN_ID}" "${run_url}" "${DRIFT_RESULT}")"
fi
issue="$(issue_find "${title}")"
if [ "${clean}" != "true" ]; then
  if [ -n "${issue}" ]; then
    issue_comment "${issue}" "${body}"
    echo "::warning::stack ${STACK} drifted; commented on issue #${issue}"
  else
    issue="$(issue_open "${title}" "${body}" "${ALERT_LABEL}")"
    echo "::warning::stack ${STACK} drifted; opened issue #${issue}"
  fi
  exit 0
fi
if [ -n "${issue}" ]; then
  issue_close "${issue}" "[Run ${GITHUB_RUN_ID}](${run_url}): no drift in stack ${STACK}."
  echo "no drift in stack ${STACK}; closed issue #${issue}"
else
  echo "no drift in stack ${STACK}"
fi
