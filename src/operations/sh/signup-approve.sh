#!/usr/bin/env bash
# The signup workflow's approve job, last step (.github/workflows/tenant-signup.yml): the
# approver App approves the signup pull request at the commit the base's checker found
# eligible (commit_id: a later push is not approved, and dismissing stale approvals drops
# this one). Auto-merge, turned on by the signup App, then merges once the required checks pass.
# gh reads GH_TOKEN (the approver App's installation token, pull requests: write) itself.
# Inputs (environment):
#   NUMBER     the pull request's number
#   HEAD_SHA   the commit the verdict is about

set -euo pipefail
gh api --method POST "repos/${GITHUB_REPOSITORY}/pulls/${NUMBER}/reviews" -f commit_id="${HEAD_SHA}" -f event=APPROVE \
  -f body="The base's checker found that this adds tenants and nothing else changed (tenant-fleet/auto-merge-eligible); approved for auto-merge (docs/signup.md)." > /dev/null
echo "approved #${NUMBER} at ${HEAD_SHA}" >> "${GITHUB_STEP_SUMMARY}"
