#!/usr/bin/env bash
# One issue per key, kept through GitHub's REST API with plain curl and jq: the functions the
# scheduled workflows' alert job (alert.sh) and the nightly drift job (src/operations/sh/
# drift-issue.sh) share. The renderers put this body before theirs in the same step, since the
# issue jobs check out nothing to source from. It defines functions and two values, runs nothing.
# An issue is found by its exact title among the open issues the Actions bot opened (a label
# alone could be dropped when the token may not set labels). Reads are retried; writes are sent
# once (a retried POST could open a second issue). A body goes to jq as an argument, never into
# JSON by hand.
# Inputs (environment):
#   GH_TOKEN         the job's token (`issues: write`)
# shellcheck disable=SC2034 # run_url: read by the files composed after this one (alert.sh, drift-issue.sh)

repo="${GITHUB_API_URL}/repos/${GITHUB_REPOSITORY}"
run_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}"
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
# issue_find TITLE: the number of the open issue the Actions bot opened with exactly that title, or nothing.
issue_find() {
  api "${repo}/issues?state=open&creator=github-actions%5Bbot%5D&per_page=100" \
    | jq -r --arg t "$1" '[.[] | select(.title == $t and (.pull_request | not))][0].number // empty'
}
# issue_comment NUMBER BODY
issue_comment() {
  jq -n --arg body "$2" '{body: $body}' \
    | send -X POST "${repo}/issues/$1/comments" --data-binary @- > /dev/null
}
# issue_open TITLE BODY LABEL [ASSIGNEES (a JSON array)]: opens the issue and prints its number.
issue_open() {
  jq -n --arg title "$1" --arg body "$2" --arg alert_label "$3" --argjson assignees "${4:-null}" \
    '{title: $title, body: $body, labels: [$alert_label]} + (if $assignees == null then {} else {assignees: $assignees} end)' \
    | send -X POST "${repo}/issues" --data-binary @- | jq -r .number
}
# issue_close NUMBER BODY: comments, then closes it as completed.
issue_close() {
  issue_comment "$1" "$2"
  jq -n '{state: "closed", state_reason: "completed"}' \
    | send -X PATCH "${repo}/issues/$1" --data-binary @- > /dev/null
}
