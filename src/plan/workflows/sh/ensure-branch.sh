#!/usr/bin/env bash
# Creates the pull request's Neon branch, or reuses it, and waits until it is ready (after
# neon-api.sh, preview-branch.sh and find-branch.sh). Created once; after a failed POST the
# name is looked up before anything else (a POST whose answer was lost may have created the
# branch); only a POST Neon refused for a retryable reason (locked, throttled, 5xx) and that
# left no branch is sent again. Writes branch_id and branch_name to GITHUB_OUTPUT.
# Inputs (environment):
#   NEON_API             the Neon API's base URL
#   NEON_PROJECT_ID      the dev/test project
#   BRANCH_READY_POLLS   polls, 2 s apart, for the branch to be ready before the job fails
# shellcheck disable=SC2154 # name, code, reply: set by the files composed before this one

id="$(find_branch)"
if [ -n "${id}" ]; then
  echo "reusing Neon branch ${name} (${id})"
fi
attempt=0
while [ -z "${id}" ]; do
  attempt=$(( attempt + 1 ))
  api_write POST "${NEON_API}/projects/${NEON_PROJECT_ID}/branches" \
    "$(jq -cn --arg name "${name}" '{branch: {name: $name}, endpoints: [{type: "read_write"}]}')"
  case "${code}" in
    2??)
      id="$(jq -r .branch.id "${reply}")"
      echo "created Neon branch ${name} (${id})"
      break;;
  esac
  id="$(find_branch)"
  if [ -n "${id}" ]; then
    echo "Neon answered ${code} to the create, but branch ${name} exists (${id}): using it"
    break
  fi
  case "${code}" in
    000|423|429|5??)
      if [ "${attempt}" -lt 3 ]; then
        echo "Neon answered ${code} and created nothing; trying again"
        sleep $(( attempt * 5 ))
        continue
      fi;;
  esac
  echo "::error::Neon refused to create branch ${name} (HTTP ${code}): $(jq -r '.message // empty' "${reply}" 2> /dev/null | head -c 300)"
  exit 1
done
state=""
for _ in $(seq 1 "${BRANCH_READY_POLLS}"); do
  state="$(api "${NEON_API}/projects/${NEON_PROJECT_ID}/branches/${id}" | jq -r '.branch.current_state')"
  if [ "${state}" = "ready" ]; then break; fi
  sleep 2
done
if [ "${state}" != "ready" ]; then
  echo "::error::Neon branch ${name} (${id}) is still ${state:-unknown} after $(( BRANCH_READY_POLLS * 2 )) s; the tests would run against a branch that is not there yet"
  exit 1
fi
echo "branch_id=${id}" >> "${GITHUB_OUTPUT}"
echo "branch_name=${name}" >> "${GITHUB_OUTPUT}"
