#!/usr/bin/env bash
# Records a run's results in the fleet catalog (docs/migrations.md) as its insert-only writer:
# one row per tenant, run and attempt (a re-run is a new attempt) in the kind's table, the
# wave's for migrations. Without the catalog's secret it says so and records nothing. The rows
# reach psql as a variable, never as SQL text; RECORD_SQL inserts them (json_to_recordset).
# Inputs (environment):
#   CATALOG_URL      the catalog writer's connection string (a secret), if the stack has one
#   CATALOG_SECRET   its secret's name, for messages
#   WHAT             what is recorded, for messages
#   WAVE             migrations: the wave
#   RESULTS_DIR      where the result lines were downloaded
#   RECORD_COLUMNS   the catalog columns of a result line's fields after id, result and seconds
#   RECORD_SQL       the insert, reading :'rows', :'run_id', :'attempt' and :'run_url'

set -euo pipefail
if [ -z "${CATALOG_URL:-}" ]; then
  echo "no fleet catalog (the secret ${CATALOG_SECRET} is not set): the results of ${WHAT} stay in this run's artifacts"
  exit 0
fi
mkdir -p "${RESULTS_DIR}"
# A tenant left alone by a manual run's version filter did nothing worth a row.
rows="$(find "${RESULTS_DIR}" -name "*.tsv" -type f -exec cat {} + \
  | jq -R -s -c --arg wave "${WAVE:-}" --arg columns "${RECORD_COLUMNS}" '
  ($columns | split(" ")) as $columns
  | split("\n") | map(select(length > 0) | split("\t") | select(.[1] != "skipped") | . as $line
  | {tenant_id: .[0], result: .[1], seconds: (.[2] | tonumber? // null)}
  + ([$columns | to_entries[]
      | {key: .value, value: ($line[.key + 3] // "" | if . == "" then null else . end)}] | from_entries)
  + (if $wave == "" then {} else {wave: $wave} end))')"
count="$(jq length <<< "${rows}")"
if [ "${count}" = 0 ]; then
  echo "no result of ${WHAT} to record"
  exit 0
fi
psql_err="$(mktemp)"
if ! psql -X -q -v ON_ERROR_STOP=1 --dbname="${CATALOG_URL}" -v rows="${rows}" -v run_id="${GITHUB_RUN_ID}" \
  -v attempt="${GITHUB_RUN_ATTEMPT:-1}" \
  -v run_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}" \
  > /dev/null 2> "${psql_err}" <<< "${RECORD_SQL}"
then
  reason="$(grep -m 1 ERROR "${psql_err}" || head -n 1 "${psql_err}")"
  case "${reason}" in
    *"foreign key"*)
      reason="${reason} (a tenant the catalog does not know: run npm run catalog -- sync after pulumi up)";;
  esac
  echo "::error title=tenant-fleet catalog::the results of ${WHAT} were not recorded in the fleet catalog: ${reason}"
  exit 1
fi
echo "recorded ${count} tenant(s) of ${WHAT} in the fleet catalog"
