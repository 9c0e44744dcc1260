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
# Then, for each project of a tenant of this schedule's backups, once: `GET /projects/{id}`
# (the Project object; the list items do not carry it), whose `written_data_bytes` is the WAL
# that "travelled through storage for given project across all branches", with "some lag",
# "reset at the beginning of each billing period", and `consumption_period_start` that period's
# start (Project in @neondatabase/api-client; https://api-docs.neon.tech/reference/getproject).
# These requests start NEON_PROJECT_SPACING_MS apart and stop after NEON_PROJECT_READ_SECONDS,
# or after NEON_PROJECT_GIVE_UP_AFTER in a row Neon did not answer. Writes WRITTEN_FILE:
# {"<tenant id>": [bytes, period start, read at]} (epoch seconds; read at: just before the
# request, so before any dump of tonight). A project not found (404), not answered or answered
# in another shape is left out: its tenants are dumped, and the log counts them.
# Composed after fleet-manifest.sh (fleet_jq_defs) and neon-read.sh (neon_get).
# Inputs (environment):
#   NEON_ACTIVITY_API_KEY      a Neon API key that can list the tenants' projects (a secret; may be empty)
#   NEON_API                   the Neon API's base URL
#   NEON_ORG_ID                the Neon organisation of the projects (a personal key needs it), if any
#   NEON_PAGE_LIMIT            projects per page (Neon allows 1 to 400)
#   MANIFEST                   the fleet manifest's path in the checkout
#   ACTIVITY_FILE              where the tenants' activity goes
#   BATCH_KIND                 backup
#   BATCH_SCHEDULE             the schedule whose tenants' projects are read one by one
#   WRITTEN_FILE               where the tenants' projects' WAL written goes
#   NEON_PROJECT_SPACING_MS    the time between the starts of two project reads
#   NEON_PROJECT_READ_SECONDS  the project reads' time budget; tenants not read by then are dumped
#   NEON_PROJECT_GIVE_UP_AFTER project reads in a row Neon did not answer before the rest are not tried
# shellcheck disable=SC2154 # neon_failure: set by neon_get (neon-read.sh)

echo '{}' > "${ACTIVITY_FILE}"
echo '{}' > "${WRITTEN_FILE}"
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

# Each project of this schedule's tenants, once. An id that is not a plain Neon project id
# (lowercase letters, digits, hyphens) is not put in a URL: its tenants are dumped.
jq -r --arg kind "${BATCH_KIND}" --arg schedule "${BATCH_SCHEDULE}" "$(fleet_jq_defs)"'
  (reduce batches_of_kind[].tenants[] as $id ({}; .[$id] = true)) as $ours
  | [.tenants[] | select(.projectId != null and $ours[.id]) | .projectId] | unique[]
  | select(test("^[a-z0-9][a-z0-9-]{0,99}$"))' "${MANIFEST}" > "${pages}/projects.txt"
: > "${pages}/written.tsv"
started="$(date +%s)"
deadline=$(( started + NEON_PROJECT_READ_SECONDS ))
total="$(wc -l < "${pages}/projects.txt")"
reads=0 not_found=0 unanswered=0 other=0 shape=0 in_a_row=0 stopped=""
while read -r project; do
  if [ "$(date +%s)" -ge "${deadline}" ]; then
    stopped="the ${NEON_PROJECT_READ_SECONDS} s budget was spent"
    break
  fi
  read_at="$(date -u +%s)"
  reads=$(( reads + 1 ))
  if NEON_REQUEST_SPACING_MS="${NEON_PROJECT_SPACING_MS}" neon_get "${NEON_API}/projects/${project}" "${pages}/project.json"; then
    in_a_row=0
    # bytes: a whole number of at least 0; the period's start: a date jq reads. Anything else: left out.
    if ! jq -r -e --arg p "${project}" --argjson at "${read_at}" '.project
      | select(.id == $p)
      | select((.written_data_bytes | type) == "number" and .written_data_bytes >= 0 and (.written_data_bytes | floor) == .written_data_bytes)
      | [.written_data_bytes, (.consumption_period_start // "" | tostring | sub("\\.[0-9]+"; "") | sub("(\\+00:00)$"; "Z") | try fromdateiso8601 catch null)]
      | select(.[1] != null)
      | [$p, (.[0] | tostring), (.[1] | tostring), ($at | tostring)] | join("\t")' \
      "${pages}/project.json" >> "${pages}/written.tsv" 2> /dev/null; then
      shape=$(( shape + 1 ))
    fi
    continue
  fi
  case "${neon_failure}" in
    "HTTP 404"*) not_found=$(( not_found + 1 )) in_a_row=0;;
    *" tries") unanswered=$(( unanswered + 1 )) in_a_row=$(( in_a_row + 1 ));;
    *) other=$(( other + 1 )) in_a_row=0;;
  esac
  if [ "${in_a_row}" -ge "${NEON_PROJECT_GIVE_UP_AFTER}" ]; then
    stopped="Neon did not answer ${in_a_row} project reads in a row (${neon_failure})"
    break
  fi
done < "${pages}/projects.txt"
jq -R -s -c '[split("\n")[] | select(length > 0) | split("\t")
    | {key: .[0], value: (.[1:] | map(tonumber))}] | from_entries' "${pages}/written.tsv" > "${pages}/by-project.json"
if jq -c --slurpfile w "${pages}/by-project.json" --arg kind "${BATCH_KIND}" --arg schedule "${BATCH_SCHEDULE}" "$(fleet_jq_defs)"'
  (reduce batches_of_kind[].tenants[] as $id ({}; .[$id] = true)) as $ours
  | [.tenants[] | select(.projectId != null and $ours[.id]) | select($w[0][.projectId] != null)
    | {key: .id, value: $w[0][.projectId]}] | from_entries' "${MANIFEST}" > "${pages}/written.json" 2> "${pages}/jq.err"; then
  mv "${pages}/written.json" "${WRITTEN_FILE}"
fi
read_ok="$(wc -l < "${pages}/written.tsv")"
echo "read the WAL written of ${read_ok} of ${total} project(s) from Neon in ${reads} request(s) and $(( $(date +%s) - started )) s (${NEON_PROJECT_SPACING_MS} ms apart)"
if [ "$(( total - read_ok ))" -gt 0 ]; then
  echo "::warning::the WAL written of $(( total - read_ok )) project(s) is not known tonight, their tenants are dumped: ${not_found} not found (404), ${unanswered} not answered, ${other} refused, ${shape} answered without written_data_bytes or consumption_period_start, $(( total - reads )) not tried${stopped:+ (${stopped})}"
fi
rm -rf "${pages}"
