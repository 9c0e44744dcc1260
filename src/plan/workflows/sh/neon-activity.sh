#!/usr/bin/env bash
# Reads from Neon, once per run, when each tenant's compute was last active: the project list
# (GET /projects, up to NEON_PAGE_LIMIT projects a page, following pagination.cursor), whose
# `compute_last_active_at` is the latest `last_active` of any endpoint of the project, read
# without waking a compute. Writes ACTIVITY_FILE: {"<tenant id>": <epoch seconds>} for each
# tenant of the manifest that names its Neon project and whose project reports activity; a
# tenant left out is dumped. Without a key, or when Neon does not answer, writes {} and says
# why: every tenant is then dumped (fail safe). A 429 is retried after its Retry-After
# seconds; requests are spaced NEON_REQUEST_SPACING_MS apart (Neon: 700 requests a minute,
# bursts of 40 a second per route; https://api-docs.neon.tech/reference/api-rate-limiting).
# Composed after neon-read.sh (neon_get).
# Inputs (environment):
#   NEON_ACTIVITY_API_KEY      a Neon API key that can list the tenants' projects (a secret; may be empty)
#   NEON_API                   the Neon API's base URL
#   NEON_ORG_ID                the Neon organisation of the projects (a personal key needs it), if any
#   NEON_PAGE_LIMIT            projects per page (Neon allows 1 to 400)
#   MANIFEST                   the fleet manifest's path in the checkout
#   ACTIVITY_FILE              where the tenants' activity goes
# shellcheck disable=SC2154 # neon_failure: set by neon_get (neon-read.sh)

echo '{}' > "${ACTIVITY_FILE}"
if [ -z "${NEON_ACTIVITY_API_KEY:-}" ]; then
  echo "no NEON_ACTIVITY_API_KEY: every tenant is dumped tonight (set the stack's neonActivityApiKey to let idle tenants sleep)"
  exit 0
fi
pages="$(mktemp -d)"
cursor="" n=0 neon_failure=""
while :; do
  n=$(( n + 1 ))
  query="limit=${NEON_PAGE_LIMIT}${NEON_ORG_ID:+&org_id=${NEON_ORG_ID}}${cursor:+&cursor=$(jq -rn --arg c "${cursor}" '$c | @uri')}"
  if ! neon_get "${NEON_API}/projects?${query}" "${pages}/${n}.json"; then
    echo "::warning::could not read Neon's project list (${neon_failure}): every tenant is dumped tonight"
    exit 0
  fi
  if ! jq -e '.projects | type == "array"' "${pages}/${n}.json" > /dev/null 2>&1; then
    echo "::warning::Neon's project list answered without a projects array: every tenant is dumped tonight"
    exit 0
  fi
  # The last page holds fewer than the limit; an empty page or a repeated cursor ends it too.
  next="$(jq -r '.pagination.cursor // ""' "${pages}/${n}.json")"
  if [ "$(jq '.projects | length' "${pages}/${n}.json")" -lt "${NEON_PAGE_LIMIT}" ] || [ -z "${next}" ] || [ "${next}" = "${cursor}" ]; then
    break
  fi
  cursor="${next}"
done
# Projects Neon could not fetch in time are listed as unavailable: their tenants are dumped.
# A date Neon writes in another shape than fromdateiso8601 reads leaves that project out (dumped).
jq -s -c '{active: ([.[].projects[] | select(.compute_last_active_at != null)
    | {key: .id, value: (.compute_last_active_at | sub("\\.[0-9]+"; "") | sub("(\\+00:00)$"; "Z") | try fromdateiso8601 catch null)}
    | select(.value != null)]
    | from_entries), unavailable: [.[].unavailable_project_ids[]?]}' "${pages}"/*.json > "${pages}/all.json"
if ! jq -c --slurpfile neon "${pages}/all.json" '$neon[0] as $n
  | [.tenants[] | select(.projectId != null) | .projectId as $p
    | select(($n.unavailable | index($p)) | not) | select($n.active[$p] != null)
    | {key: .id, value: $n.active[$p]}] | from_entries' \
  "${MANIFEST}" > "${pages}/activity.json" 2> "${pages}/jq.err"; then
  echo "::warning::could not match Neon's projects with the tenants ($(head -n 1 "${pages}/jq.err")): every tenant is dumped tonight"
  exit 0
fi
mv "${pages}/activity.json" "${ACTIVITY_FILE}"
echo "read the activity of $(jq length "${ACTIVITY_FILE}") of $(jq '.tenants | length' "${MANIFEST}") tenant(s) from Neon in ${n} request(s)"
rm -rf "${pages}"
