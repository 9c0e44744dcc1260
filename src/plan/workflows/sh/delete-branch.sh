#!/usr/bin/env bash
# Deletes the pull request's Neon branch (after neon-api.sh, preview-branch.sh and
# find-branch.sh); one already gone is fine.
# Inputs (environment):
#   NEON_API          the Neon API's base URL
#   NEON_PROJECT_ID   the dev/test project
# shellcheck disable=SC2154 # name, code, reply: set by the files composed before this one

id="$(find_branch)"
if [ -z "${id}" ]; then
  echo "no Neon branch ${name}"
  exit 0
fi
api_write DELETE "${NEON_API}/projects/${NEON_PROJECT_ID}/branches/${id}"
case "${code}" in
  2??) echo "deleted Neon branch ${name}";;
  404) echo "Neon branch ${name} was already gone";;
  *)
    echo "::error::Neon did not delete branch ${name} (HTTP ${code}): $(jq -r '.message // empty' "${reply}" 2> /dev/null | head -c 300)"
    exit 1;;
esac
