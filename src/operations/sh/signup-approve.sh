#!/usr/bin/env bash
# The signup workflow's approve job, last step (.github/workflows/tenant-signup.yml): the
# approver App approves the signup pull request at the commit the base's checker judged
# eligible, and only while that commit is the pull request's head. The review names the
# commit (commit_id); auto-merge was armed for that commit only (--match-head-commit). A push
# between the verdict and the approval is refused before approving; one that lands while
# approving is caught after it: the approval is dismissed and auto-merge turned off, and the
# pull request waits for a person (docs/signup.md).
# gh reads GH_TOKEN (the approver App's installation token, pull requests: write) itself.
# Inputs (environment):
#   NUMBER     the pull request's number
#   HEAD_SHA   the commit the verdict is about

set -euo pipefail
head_now() { gh pr view "${NUMBER}" --repo "${GITHUB_REPOSITORY}" --json headRefOid --jq .headRefOid; }
before="$(head_now)"
if [ "${before}" != "${HEAD_SHA}" ]; then
  echo "::error::#${NUMBER} moved to ${before} after the verdict on ${HEAD_SHA}: not approved; a person reviews it"
  echo "not approved: #${NUMBER} moved to ${before} after the verdict on ${HEAD_SHA}" >> "${GITHUB_STEP_SUMMARY}"
  exit 1
fi
review="$(gh api --method POST "repos/${GITHUB_REPOSITORY}/pulls/${NUMBER}/reviews" -f commit_id="${HEAD_SHA}" -f event=APPROVE \
  -f body="The base's checker found that commit ${HEAD_SHA} adds tenants and nothing else changed (tenant-fleet/auto-merge-eligible); approved for auto-merge (docs/signup.md)." --jq .id)"
after="$(head_now)"
if [ "${after}" != "${HEAD_SHA}" ]; then
  # Dismiss this approval (PUT .../reviews/{id}/dismissals) and stop auto-merge; either alone keeps the new commit out.
  gh api --method PUT "repos/${GITHUB_REPOSITORY}/pulls/${NUMBER}/reviews/${review}/dismissals" \
    -f message="#${NUMBER} moved to ${after} while ${HEAD_SHA} was being approved" -f event=DISMISS > /dev/null ||
    echo "::warning::could not dismiss review ${review}; the ruleset's approval of the most recent push keeps it from counting"
  gh pr merge --repo "${GITHUB_REPOSITORY}" --disable-auto "${NUMBER}" || echo "::warning::could not turn off auto-merge of #${NUMBER}"
  echo "::error::#${NUMBER} moved to ${after} while ${HEAD_SHA} was approved: approval dismissed, auto-merge off; a person reviews it"
  echo "approval withdrawn: #${NUMBER} moved to ${after} while ${HEAD_SHA} was approved" >> "${GITHUB_STEP_SUMMARY}"
  exit 1
fi
echo "approved #${NUMBER} at ${HEAD_SHA}" >> "${GITHUB_STEP_SUMMARY}"
