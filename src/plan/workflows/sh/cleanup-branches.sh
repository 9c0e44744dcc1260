#!/usr/bin/env bash
# Deletes the dev/test project's preview branches older than MAX_AGE_HOURS (after neon-api.sh).
# Every old branch is tried; one already gone (a closed pull request's job was first) is fine.
# Inputs (environment):
#   NEON_API                the Neon API's base URL
#   NEON_PROJECT_ID         the dev/test project
#   MAX_AGE_HOURS           how old a preview branch may grow
#   PREVIEW_BRANCH_PREFIX   the preview branches' name prefix
# shellcheck disable=SC2154 # code, reply: set by neon-api.sh, composed before this file

cutoff="$(date -u -d "-${MAX_AGE_HOURS} hours" +%s)"
api "${NEON_API}/projects/${NEON_PROJECT_ID}/branches" \
  | jq -r --arg prefix "${PREVIEW_BRANCH_PREFIX}" --argjson cutoff "${cutoff}" '
    .branches[] | select(.name | startswith($prefix))
    | select((.created_at | sub("\\.[0-9]+"; "") | fromdateiso8601) < $cutoff) | "\(.id) \(.name)"' \
  > old-branches.txt
failed=0 deleted=0
while read -r id name; do
  api_write DELETE "${NEON_API}/projects/${NEON_PROJECT_ID}/branches/${id}" < /dev/null
  case "${code}" in
    2??)
      deleted=$(( deleted + 1 ))
      echo "deleted ${name} (older than ${MAX_AGE_HOURS} h)";;
    404) echo "${name} was already gone";;
    *)
      failed=$(( failed + 1 ))
      echo "::error::Neon did not delete ${name} (HTTP ${code}): $(jq -r '.message // empty' "${reply}" 2> /dev/null | head -c 300)";;
  esac
done < old-branches.txt
echo "${deleted} preview branch(es) deleted"
if [ "${failed}" -gt 0 ]; then exit 1; fi
