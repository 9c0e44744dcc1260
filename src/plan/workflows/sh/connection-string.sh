#!/usr/bin/env bash
# Asks Neon for the connection string of a dev/test branch (BRANCH_ID, or the default branch)
# and hands it, masked, to the job's later steps as DATABASE_URL (after neon-api.sh). The API
# key stays in this step.
# Inputs (environment):
#   NEON_API            the Neon API's base URL
#   NEON_PROJECT_ID     the dev/test project
#   DEV_DATABASE_NAME   the database
#   DEV_DATABASE_ROLE   its role
#   BRANCH_ID           set on a preview job: the branch (unset: the project's default branch)

query="database_name=${DEV_DATABASE_NAME}&role_name=${DEV_DATABASE_ROLE}${BRANCH_ID+&branch_id=${BRANCH_ID}}"
uri="$(api "${NEON_API}/projects/${NEON_PROJECT_ID}/connection_uri?${query}" | jq -r '.uri')"
if [ -z "${uri}" ] || [ "${uri}" = "null" ]; then echo "::error::Neon returned no connection string"; exit 1; fi
echo "::add-mask::${uri}"
echo "DATABASE_URL=${uri}" >> "${GITHUB_ENV}"
