#!/usr/bin/env bash
# The signup job's pull request (.github/workflows/tenant-signup.yml): the edited tenants file
# committed on the request's branch and pushed, the pull request opened and auto-merge turned
# on, all as the signup GitHub App (a pull request opened with GITHUB_TOKEN would start no
# workflow, so its tenant diff would never run). The merge waits for the required checks and
# the approval the base's checker gives only to a change that adds tenants and nothing else.
# A request whose pull request is already open is answered with it (the application retries).
# Inputs (environment):
#   GH_TOKEN      the signup App's installation token
#   APP_SLUG      the signup App's slug (its commits' author: <slug>[bot])
#   ACTION        add or retire
#   TENANT        the tenant id
#   REQUEST       the application's request id
#   BRANCH        the request's branch (signup/<stack>/<tenant>)
#   BASE_BRANCH   the branch the pull request merges into
#   SIGNUP_LABEL  the label every signup pull request carries

set -euo pipefail
open="$(gh pr list --repo "${GITHUB_REPOSITORY}" --head "${BRANCH}" --state open --json url --jq '.[0].url // ""')"
if [ -n "${open}" ]; then
  echo "pull_request=${open}" >> "${GITHUB_OUTPUT}"
  echo "::notice::the request's pull request is already open: ${open}"
  exit 0
fi
changed="$(git status --porcelain | wc -l)"
if [ "${changed}" != "1" ]; then
  echo "::error::the edit changed ${changed} files; a signup changes the tenants file only"
  git status --porcelain
  exit 1
fi
bot="${APP_SLUG}[bot]"
bot_id="$(gh api "users/${bot}" --jq .id)"
git config user.name "${bot}"
git config user.email "${bot_id}+${bot}@users.noreply.github.com"
git switch --quiet -c "${BRANCH}"
git commit --quiet -am "tenant signup: ${ACTION} ${TENANT} (request ${REQUEST})"
auth="$(printf 'x-access-token:%s' "${GH_TOKEN}" | base64 -w0)"
echo "::add-mask::${auth}"
git -c "http.extraheader=AUTHORIZATION: basic ${auth}" push --quiet --force origin "HEAD:refs/heads/${BRANCH}"
npm run --silent signup -- body --diff "${RUNNER_TEMP}/diff.txt" > "${RUNNER_TEMP}/body.md"
url="$(gh pr create --repo "${GITHUB_REPOSITORY}" --base "${BASE_BRANCH}" --head "${BRANCH}" --title "tenant signup: ${ACTION} ${TENANT}" --body-file "${RUNNER_TEMP}/body.md" --label "${SIGNUP_LABEL}")"
# Auto-merge pinned to the commit pushed here (--match-head-commit, GraphQL expectedHeadOid;
# https://cli.github.com/manual/gh_pr_merge): a later push to the branch is not merged by it.
gh pr merge --repo "${GITHUB_REPOSITORY}" --auto --squash --match-head-commit "$(git rev-parse HEAD)" "${url}"
echo "pull_request=${url}" >> "${GITHUB_OUTPUT}"
echo "opened ${url}; it merges by itself once the base's checker finds it adds tenants and nothing else" >> "${GITHUB_STEP_SUMMARY}"
