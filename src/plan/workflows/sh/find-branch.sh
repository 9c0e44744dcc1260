#!/usr/bin/env bash
# `find_branch`: prints the id of the dev/test project's Neon branch called `${name}`
# (preview-branch.sh), or nothing; with neon-api.sh's `api`.
# Inputs (environment):
#   NEON_API          the Neon API's base URL
#   NEON_PROJECT_ID   the dev/test project
# shellcheck disable=SC2154 # name: set by preview-branch.sh, composed before this file

find_branch() {
  api "${NEON_API}/projects/${NEON_PROJECT_ID}/branches?search=$(jq -rn --arg n "${name}" '$n | @uri')" \
    | jq -r --arg name "${name}" '[.branches[] | select(.name == $name) | .id][0] // ""'
}
