#!/usr/bin/env bash
# The restore step: the manifest, then the dump checked against it (tenant, size, SHA-256),
# restored into the job's Postgres (on localhost as postgres), and its tables and row counts
# compared: exactly, or within a tolerance for older manifests, which recorded the planner's
# estimates. With RESTORE_URL (a tenant's restore from a dump), into the empty database it
# names instead, with the same checks.
# Inputs (environment):
#   TENANT_ID                the tenant's id
#   PG_MAJOR                 the Postgres client's major version
#   BACKUP_BUCKET            the vault's bucket
#   BACKUP_KEY               the dump's key
#   MANIFEST_KEY             its manifest's key
#   AGE_MINUTES              the backup's age, for the report
#   EMPTY_ALLOWED_UNTIL      backup.emptyAllowedUntil (YYYY-MM-DD), if any
#   DRILL_DATABASE           the scratch database's name (default drill)
#   RESTORE_URL              optional: the database to restore into instead
#   BACKUP_MANIFEST_FORMAT   the manifest format the drill knows
#   EXACT_ROW_COUNTS         a manifest's row_counts when its tables hold exact counts
#   ROW_TOLERANCE_ROWS       older manifests: rows a table may differ by ...
#   ROW_TOLERANCE_PERCENT    ... or this share of the estimate, whichever is larger
#   COUNT_SQL                the query that writes a count statement per dumped table

set -euo pipefail
bin="/usr/lib/postgresql/${PG_MAJOR}/bin"
work="$(mktemp -d "${RUNNER_TEMP}/${TENANT_ID}.drill.XXXXXX")"
dump="${work}/backup.dump" manifest="${work}/manifest.json"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
t_start="$(ms)"
aws s3api get-object --bucket "${BACKUP_BUCKET}" --key "${MANIFEST_KEY}" "${manifest}" > /dev/null
if ! jq -e --argjson format "${BACKUP_MANIFEST_FORMAT}" \
  '.format == $format and (.tables | type) == "object"
    and (.bytes | type) == "number" and (.sha256 | type) == "string"' \
  "${manifest}" > /dev/null; then
  echo "::error::${MANIFEST_KEY} is not a tenant-fleet manifest of format ${BACKUP_MANIFEST_FORMAT}"
  exit 1
fi
if [ "$(jq -r .tenant "${manifest}")" != "${TENANT_ID}" ] || [ "$(jq -r .key "${manifest}")" != "${BACKUP_KEY}" ]; then
  echo "::error::${MANIFEST_KEY} describes $(jq -r .tenant "${manifest}")/$(jq -r .key "${manifest}"), not ${TENANT_ID}'s ${BACKUP_KEY}"
  exit 1
fi
aws s3api get-object --bucket "${BACKUP_BUCKET}" --key "${BACKUP_KEY}" "${dump}" > /dev/null
t_downloaded="$(ms)"
size="$(stat -c %s "${dump}")" expected_size="$(jq -r .bytes "${manifest}")"
if [ "${size}" -ne "${expected_size}" ]; then
  echo "::error::${BACKUP_KEY} is ${size} bytes; its manifest says ${expected_size}"
  exit 1
fi
sha="$(sha256sum "${dump}" | cut -d ' ' -f 1)"
if [ "${sha}" != "$(jq -r .sha256 "${manifest}")" ]; then
  echo "::error::${BACKUP_KEY} does not match the SHA-256 in its manifest: it changed after the backup wrote it"
  exit 1
fi
t_verified="$(ms)"
if [ -n "${RESTORE_URL:-}" ]; then
  target=(--dbname="${RESTORE_URL}")
else
  drill_db="${DRILL_DATABASE:-drill}"
  "${bin}/createdb" --host=localhost --username=postgres "${drill_db}"
  target=(--host=localhost --username=postgres --dbname="${drill_db}")
fi
"${bin}/pg_restore" "${target[@]}" --no-owner --no-privileges --exit-on-error "${dump}"
t_restored="$(ms)"
"${bin}/psql" -X -q "${target[@]}" -At -F $'\t' -v ON_ERROR_STOP=1 -c "${COUNT_SQL}" > "${work}/count.sql"
"${bin}/psql" -X -q "${target[@]}" -At -F $'\t' -v ON_ERROR_STOP=1 < "${work}/count.sql" > "${work}/restored.tsv"
tables="$(wc -l < "${work}/restored.tsv")"
if [ "${tables}" -eq 0 ]; then
  if [ "$(jq -r .empty_allowed "${manifest}")" = true ] && [ -n "${EMPTY_ALLOWED_UNTIL:-}" ] \
    && ! [ "$(date -u +%Y-%m-%d)" \> "${EMPTY_ALLOWED_UNTIL}" ]; then
    echo "::warning::${BACKUP_KEY} restored no table; allowed until ${EMPTY_ALLOWED_UNTIL} (backup.emptyAllowedUntil)"
    exit 0
  fi
  # Taken while the tenant was new to the manifest: the next night judges it again, and a dump
  # that stays empty goes stale.
  if [ "$(jq -r .empty_allowed "${manifest}")" = true ] \
    && [ "$(jq -r '.empty_reason // ""' "${manifest}")" = "new tenant" ]; then
    echo "::warning::${BACKUP_KEY} restored no table; it was taken while ${TENANT_ID} was new to the fleet manifest"
    exit 0
  fi
  echo "::error::${BACKUP_KEY} restored no table"
  exit 1
fi
# Every table of the manifest restored, none more, each with the row count the manifest
# recorded: exactly (counted in the dump's snapshot), or within the tolerance of an older
# manifest's estimates.
if [ "$(jq -r '.row_counts // ""' "${manifest}")" = "${EXACT_ROW_COUNTS}" ]; then
  exact=true method="exact row counts, taken in the dump's snapshot"
else
  exact=false method="row counts within ${ROW_TOLERANCE_PERCENT} % or ${ROW_TOLERANCE_ROWS} rows of the planner's estimates, which this older manifest recorded"
fi
jq -r -n --argjson abs "${ROW_TOLERANCE_ROWS}" --argjson pct "${ROW_TOLERANCE_PERCENT}" --argjson exact "${exact}" \
  --slurpfile m "${manifest}" --rawfile restored "${work}/restored.tsv" '
  ($m[0].tables) as $want
  | ($restored | split("\n")
    | map(select(length > 0) | split("\t") | {key: .[0], value: (.[1] | tonumber)}) | from_entries) as $got
  | ([$want | keys[] | select($got[.] == null) | "missing table \(.)"]
    + [$got | keys[] | select($want[.] == null) | "table \(.) is not in the manifest"]
    + [$want | to_entries[] | select($got[.key] != null) | . as $t | ($got[$t.key]) as $n
       | if $exact then select($n != $t.value) | "\($t.key): \($n) rows restored, \($t.value) backed up"
         else select((($n - $t.value) | fabs) > ([$abs, ($t.value * $pct / 100)] | max))
           | "\($t.key): \($n) rows restored, about \($t.value) backed up" end])
  | .[]' > "${work}/mismatch.txt"
if [ -s "${work}/mismatch.txt" ]; then
  echo "::error::${BACKUP_KEY} does not restore what its manifest recorded ($(wc -l < "${work}/mismatch.txt") difference(s), ${method}): $(head -n 5 "${work}/mismatch.txt" | paste -sd ';' -)"
  exit 1
fi
rows="$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "${work}/restored.tsv")"
echo "restored ${BACKUP_KEY} (${AGE_MINUTES} min old, ${size} bytes) into Postgres ${PG_MAJOR}: ${tables} tables and ${rows} rows, as its manifest recorded (${method})"
echo "timings (ms): download $(( t_downloaded - t_start )), verify $(( t_verified - t_downloaded )), restore $(( t_restored - t_verified )), check $(( $(ms) - t_restored ))"
rm -rf "${work}"
