#!/usr/bin/env bash
# One tenant's backup, verified before it counts. Composed after host-of.sh, database-url.sh
# and host-check.sh (the string is masked, split and its host checked first). The database
# must hold tables (unless the tenant is new); every table's exact row count is taken in the
# snapshot the dump is made from; the dump's table of contents must list every table; the
# upload streams in parts S3 checks (Content-MD5) and completes only as a new object; a
# manifest written last (same stem, BACKUP_MANIFEST_SUFFIX) records what was dumped, and until
# when nothing had been written since (quiet_through, for the nightly activity check).
# Inputs (environment):
#   TENANT_ID                   the tenant's id
#   PG_MAJOR                    the Postgres client's major version (/usr/lib/postgresql/N/bin)
#   RETENTION_DAYS              the tenant's retention class, in days
#   BACKUP_BUCKET               the vault's bucket
#   BACKUP_ENCRYPTION           kms (BACKUP_KMS_KEY) or s3 (SSE-S3, AES256)
#   BACKUP_KMS_KEY              the vault's KMS key ARN, with kms
#   BACKUP_PREFIX_LAYOUT        the key prefix of a tenant's backups, {tenant} and {days} in it
#   BACKUP_TIMESTAMP_FORMAT     date(1) format of the backup's stamp (its key's name)
#   BACKUP_MANIFEST_SUFFIX      the manifest's key suffix, after the stem
#   BACKUP_MANIFEST_FORMAT      the manifest's format number
#   EXACT_ROW_COUNTS            the manifest's row_counts when its tables hold exact counts
#   BACKUP_PART_BYTES           the size of each uploaded part
#   PG_DUMP_LOCK_WAIT_TIMEOUT   how long the count and pg_dump wait for a table lock
#   COUNT_SQL                   the query that writes a count statement per dumped table
#   EXPECTED_DB_HOST            the host the stack created for the tenant
#   EMPTY_ALLOWED_UNTIL         backup.emptyAllowedUntil (YYYY-MM-DD), if any
#   NEW_TENANT                  true when the planning job found the tenant new to the manifest
#   DATABASE_URL                the tenant's connection string (a secret)
#   SECRET_LABEL                where the string lives, for messages
#   OBJECT_STEM                 optional: the object's key without its suffix (an export)
#   NEON_WRITTEN                optional: its project's WAL written as the plan read it before this dump,
#                               "bytes period_start read_at project" (epoch seconds): the manifest's neon_written
#   FILE                        set by split --filter for upload_part: the part's file
# shellcheck disable=SC2154 # url_user, url_password, url_host, url_db: set by database-url.sh, composed before this file

# `explain TOOL STATUS ERRFILE`: a libpq tool's failure, said without a value from the secret:
# libpq's messages quote the connection string back (a malformed one), or its host, user or
# database. Known failures become a fixed sentence naming the tenant and the secret; any other
# first line is shown with every part of the string cut out.
explain() {
  local first reason part
  first="$(head -n 1 "$3")"
  case "${first}" in
    *"connection info string"*|*"invalid URI"*|*"invalid connection option"*|*"invalid sslmode"*|\
    *"invalid channel_binding"*|*"invalid integer value"*|*"invalid percent-encoded"*|*'missing "="'*|\
    *"unterminated quoted string"*)
      reason="it does not hold a valid connection string";;
    *"could not translate host name"*)
      reason="its host name does not resolve";;
    *"password authentication failed"*|*"no password supplied"*|*"password must be"*)
      reason="the server refused its user or password";;
    *"server version mismatch"*)
      reason="pg_dump ${PG_MAJOR} is older than the server; the tenant's pgVersion must be the server's major";;
    *"SSL"*|*"channel binding"*|*"certificate"*)
      reason="the TLS or channel-binding handshake failed";;
    *"Connection refused"*|*"timeout expired"*|*"timed out"*|*"No route to host"*|*"Network is unreachable"*)
      reason="its server did not answer";;
    *"could not obtain lock"*|*"lock timeout"*|*"canceling statement due to statement timeout"*)
      reason="a table stayed locked for ${PG_DUMP_LOCK_WAIT_TIMEOUT} (a migration or a long transaction); the next run retries";;
    *"does not exist"*)
      reason="its role or database does not exist on the server";;
    *)
      reason="${first//"${DATABASE_URL}"/[connection string]}"
      for part in "${url_password}" "${url_user}" "${url_host}" "${url_db}"; do
        if [ "${#part}" -ge 3 ]; then
          reason="${reason//"${part}"/[from the secret]}"
        fi
      done
      reason="exit $2: ${reason}";;
  esac
  echo "::error::$1 could not back up ${TENANT_ID} with the connection string in ${SECRET_LABEL}: ${reason}"
}
bin="/usr/lib/postgresql/${PG_MAJOR}/bin"
case "${BACKUP_ENCRYPTION}" in
  kms) sse=(--server-side-encryption aws:kms --ssekms-key-id "${BACKUP_KMS_KEY}");;
  s3) sse=(--server-side-encryption AES256);;
  *)
    echo "::error::BACKUP_ENCRYPTION is \"${BACKUP_ENCRYPTION}\": kms or s3"
    exit 1;;
esac
stamp="$(date -u +"${BACKUP_TIMESTAMP_FORMAT}")"
# The tenant's key prefix in its retention class; OBJECT_STEM: a tenant's export (exports/<id>/<stamp>) instead.
prefix="${BACKUP_PREFIX_LAYOUT//\{days\}/${RETENTION_DAYS}}"
prefix="${prefix//\{tenant\}/${TENANT_ID}}"
stem="${OBJECT_STEM:-${prefix}${stamp}}"
key="${stem}.dump"
manifest_key="${stem}${BACKUP_MANIFEST_SUFFIX}"
work="$(mktemp -d "${RUNNER_TEMP}/${TENANT_ID}.backup.XXXXXX")"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
t_start="$(ms)"
# One snapshot for the counts and the dump: a session exports it and holds its transaction
# open until pg_dump is done (pg_export_snapshot needs a direct connection, not Neon's pooler:
# the host checked before is the direct one). Every table's exact row count is taken in it,
# so the manifest records what the dump holds.
status=0
coproc SNAPSHOT { exec "${bin}/psql" -X -q -At -v ON_ERROR_STOP=1 \
  --dbname="${DATABASE_URL}" 2> "${work}/snapshot.err"; }
snapshot_pid="${SNAPSHOT_PID}"
end_snapshot() {
  if [ -n "${snapshot_pid:-}" ]; then
    kill "${snapshot_pid}" 2> /dev/null || true
    wait "${snapshot_pid}" 2> /dev/null || true
    snapshot_pid=""
  fi
}
trap end_snapshot EXIT
echo "begin isolation level repeatable read, read only; select pg_export_snapshot();" \
  1>&"${SNAPSHOT[1]}" 2> /dev/null || true
snapshot=""
read -r -t 120 snapshot <&"${SNAPSHOT[0]}" 2> /dev/null || true
if ! [[ "${snapshot}" =~ ^[0-9A-F-]+$ ]]; then
  wait "${snapshot_pid}" 2> /dev/null || status=$?
  snapshot_pid=""
  explain psql "${status}" "${work}/snapshot.err"
  exit 1
fi
# A table a migration holds locked fails the count as it would fail pg_dump: no queueing behind it.
"${bin}/psql" -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -v snapshot="${snapshot}" \
  -v lock_timeout="${PG_DUMP_LOCK_WAIT_TIMEOUT}" -v count_sql="${COUNT_SQL}" --dbname="${DATABASE_URL}" \
  > "${work}/stats.tsv" 2> "${work}/stats.err" <<'SQL' || status=$?
set lock_timeout = :'lock_timeout';
begin isolation level repeatable read, read only;
set transaction snapshot :'snapshot';
select 'server', current_setting('server_version_num');
select 'xmin', txid_snapshot_xmin(txid_current_snapshot());
select 'xmax', txid_snapshot_xmax(txid_current_snapshot());
:count_sql \gexec
commit;
SQL
if [ "${status}" -ne 0 ]; then
  explain psql "${status}" "${work}/stats.err"
  exit 1
fi
server_version="$(awk -F'\t' '$1 == "server" { print $2 }' "${work}/stats.tsv")"
snapshot_xmin="$(awk -F'\t' '$1 == "xmin" { print $2 }' "${work}/stats.tsv")"
snapshot_xmax="$(awk -F'\t' '$1 == "xmax" { print $2 }' "${work}/stats.tsv")"
awk -F'\t' '$1 != "server" && $1 != "xmin" && $1 != "xmax"' "${work}/stats.tsv" > "${work}/tables.tsv"
table_count="$(wc -l < "${work}/tables.tsv")"
empty_allowed=false empty_reason=""
if [ "${table_count}" -eq 0 ]; then
  if [ -n "${EMPTY_ALLOWED_UNTIL:-}" ] && ! [ "$(date -u +%Y-%m-%d)" \> "${EMPTY_ALLOWED_UNTIL}" ]; then
    empty_allowed=true empty_reason="backup.emptyAllowedUntil ${EMPTY_ALLOWED_UNTIL}"
    echo "::warning::${TENANT_ID}'s database has no tables; backed up anyway because the tenant is new (backup.emptyAllowedUntil: ${EMPTY_ALLOWED_UNTIL})"
  elif [ "${NEW_TENANT:-false}" = true ]; then
    empty_allowed=true empty_reason="new tenant"
    echo "::warning::${TENANT_ID}'s database has no tables; backed up anyway because the tenant is new to the fleet manifest (its schema is migrated when it is onboarded)"
  else
    echo "::error::${TENANT_ID}'s database has no tables, so a backup of it would restore nothing: the secret may point at the wrong database, or the schema was never migrated. For a new tenant, set backup.emptyAllowedUntil in the tenants file"
    exit 1
  fi
fi
# One multipart upload, fed by pg_dump through split: one part on disk at a time.
upload_id="$(aws s3api create-multipart-upload --bucket "${BACKUP_BUCKET}" --key "${key}" "${sse[@]}" \
  --content-type application/octet-stream --query UploadId --output text)"
abort() {
  aws s3api abort-multipart-upload --bucket "${BACKUP_BUCKET}" --key "${key}" --upload-id "${upload_id}" \
    > /dev/null 2>&1 || true
}
trap 'abort' ERR
export BACKUP_BUCKET key upload_id work
upload_part() {
  set -euo pipefail
  cat > "${FILE}"
  local n=$(( 10#${FILE##*.} )) md5 etag
  md5="$(openssl md5 -binary "${FILE}" | base64)"
  etag="$(aws s3api upload-part --bucket "${BACKUP_BUCKET}" --key "${key}" --upload-id "${upload_id}" \
    --part-number "${n}" --body "${FILE}" --content-md5 "${md5}" --query ETag --output text)"
  printf '%s\t%s\t%s\n' "${n}" "${etag}" "$(stat -c %s "${FILE}")" >> "${work}/parts.tsv"
  rm -f "${FILE}"
}
export -f upload_part
mkfifo "${work}/sha.fifo" "${work}/toc.fifo"
sha256sum < "${work}/sha.fifo" | cut -d ' ' -f 1 > "${work}/sha256" &
sha_pid=$!
"${bin}/pg_restore" --list < "${work}/toc.fifo" > "${work}/toc.txt" 2> "${work}/toc.err" &
toc_pid=$!
t_dump="$(ms)"
set +e
"${bin}/pg_dump" --format=custom --no-owner --no-privileges --lock-wait-timeout="${PG_DUMP_LOCK_WAIT_TIMEOUT}" \
  --snapshot="${snapshot}" --dbname="${DATABASE_URL}" 2> "${work}/dump.err" \
  | tee --output-error=warn-nopipe "${work}/sha.fifo" "${work}/toc.fifo" 2> "${work}/tee.err" \
  | SHELL=/bin/bash split --bytes="${BACKUP_PART_BYTES}" --numeric-suffixes=1 --suffix-length=5 \
    --filter=upload_part - "${work}/part." 2> "${work}/split.err"
statuses=("${PIPESTATUS[@]}")
wait "${sha_pid}"
wait "${toc_pid}"
toc_status=$?
t_uploaded="$(ms)"
end_snapshot
set -e
if [ "${statuses[0]}" -ne 0 ]; then
  abort
  explain pg_dump "${statuses[0]}" "${work}/dump.err"
  exit 1
fi
if [ "${statuses[2]}" -ne 0 ]; then
  abort
  echo "::error::the upload of ${TENANT_ID}'s dump to s3://${BACKUP_BUCKET}/${key} failed: $(grep -v '^$' "${work}/split.err" | tail -n 3 | tr '\n' ' ')"
  exit 1
fi
if [ "${toc_status}" -ne 0 ]; then
  abort
  echo "::error::pg_restore cannot read the dump of ${TENANT_ID}: $(head -n 1 "${work}/toc.err")"
  exit 1
fi
dumped_tables="$(awk '$4 == "TABLE" && $5 == "DATA"' "${work}/toc.txt" | wc -l)"
if [ "${dumped_tables}" -ne "${table_count}" ]; then
  abort
  echo "::error::the dump of ${TENANT_ID} holds the data of ${dumped_tables} table(s), the database ${table_count}: not uploaded"
  exit 1
fi
bytes="$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "${work}/parts.tsv" 2> /dev/null || echo 0)"
if [ "${bytes}" -eq 0 ]; then
  abort
  echo "::error::the dump of ${TENANT_ID} is empty"
  exit 1
fi
# S3's own record of the upload: every part, its size and ETag, as sent (S3 checked each part's MD5 on receipt).
aws s3api list-parts --bucket "${BACKUP_BUCKET}" --key "${key}" --upload-id "${upload_id}" --output json \
  > "${work}/listed.json"
if [ "$(jq -r '(.Parts // [])[] | "\(.PartNumber)\t\(.ETag)\t\(.Size)"' "${work}/listed.json" | sort -n)" \
  != "$(sort -n "${work}/parts.tsv")" ]; then
  abort
  echo "::error::S3's record of the upload of ${TENANT_ID}'s dump differs from the parts sent (a part missing, replaced or of another size): not completed"
  exit 1
fi
sort -n "${work}/parts.tsv" \
  | jq -R -s '{Parts: [split("\n")[] | select(length > 0) | split("\t")
    | {PartNumber: (.[0] | tonumber), ETag: .[1]}]}' \
  > "${work}/parts.json"
parts="$(jq '.Parts | length' "${work}/parts.json")"
aws s3api complete-multipart-upload --bucket "${BACKUP_BUCKET}" --key "${key}" --upload-id "${upload_id}" \
  --multipart-upload "file://${work}/parts.json" --if-none-match '*' > /dev/null
trap - ERR
# Until when the dump holds everything the database held (the nightly activity check compares
# Neon's record of the compute's last activity with it): every write takes a transaction id and
# reads never do. Quiet until now only when the dump's snapshot had no transaction in flight
# (xmin = xmax: a writer holding an older xid could commit during the dump without moving xmax,
# its rows invisible to the dump) and no xid was assigned or left in flight since (the end
# snapshot's xmin and xmax both equal the dump's xmax); otherwise only until the snapshot (the
# stamp), and the next night dumps again.
quiet_through="${stamp}"
if [ "${snapshot_xmin}" = "${snapshot_xmax}" ] && now_snapshot="$("${bin}/psql" -X -q -At -v ON_ERROR_STOP=1 \
  --dbname="${DATABASE_URL}" -c "select txid_snapshot_xmin(s) || ' ' || txid_snapshot_xmax(s) from txid_current_snapshot() s" \
  2> /dev/null)" && [ "${now_snapshot}" = "${snapshot_xmax} ${snapshot_xmax}" ]; then
  quiet_through="$(date -u +"${BACKUP_TIMESTAMP_FORMAT}")"
fi
# The plan's read of the project's WAL written, made before this dump began: every write it
# metered is in the dump, so a later read with the same bytes in the same period proves nothing
# was written since (sh/unchanged-check.sh). Absent when the plan could not read it.
neon_written="null"
if [[ "${NEON_WRITTEN:-}" =~ ^[0-9]+\ [0-9]+\ [0-9]+\ [a-z0-9][a-z0-9-]*$ ]]; then
  neon_written="$(jq -n -c --arg w "${NEON_WRITTEN}" '$w | split(" ")
    | {project: .[3], bytes: (.[0] | tonumber), period_start: (.[1] | tonumber | todate), read_at: (.[2] | tonumber | todate)}')"
fi
# The manifest last: its presence says the dump above is complete and checked.
jq -n --argjson format "${BACKUP_MANIFEST_FORMAT}" \
  --arg tenant "${TENANT_ID}" --arg key "${key}" --arg host "${EXPECTED_DB_HOST}" --arg database "${url_db}" \
  --arg server_version "${server_version}" --arg pg_dump "$("${bin}/pg_dump" --version)" \
  --arg started_at "${stamp}" --arg finished_at "$(date -u +"${BACKUP_TIMESTAMP_FORMAT}")" \
  --argjson bytes "${bytes}" --arg sha256 "$(cat "${work}/sha256")" --argjson parts "${parts}" \
  --argjson part_bytes "${BACKUP_PART_BYTES}" \
  --argjson empty_allowed "${empty_allowed}" --arg empty_reason "${empty_reason}" \
  --arg row_counts "${EXACT_ROW_COUNTS}" --rawfile tables "${work}/tables.tsv" --arg quiet_through "${quiet_through}" \
  --argjson neon_written "${neon_written}" \
  '{format: $format, tenant: $tenant, key: $key, host: $host, database: $database,
    server_version: $server_version, pg_dump: $pg_dump,
    started_at: $started_at, finished_at: $finished_at, bytes: $bytes, sha256: $sha256, parts: $parts,
    part_bytes: $part_bytes,
    empty_allowed: $empty_allowed, empty_reason: $empty_reason, row_counts: $row_counts,
    quiet_through: $quiet_through,
    tables: ($tables | split("\n")
      | map(select(length > 0) | split("\t") | {key: .[0], value: (.[1] | tonumber)}) | from_entries)}
    + (if $neon_written == null then {} else {neon_written: $neon_written} end)' \
  > "${work}/manifest.json"
aws s3api put-object --bucket "${BACKUP_BUCKET}" --key "${manifest_key}" --body "${work}/manifest.json" \
  --content-type application/json --if-none-match '*' "${sse[@]}" > /dev/null
echo "backed up ${TENANT_ID} to s3://${BACKUP_BUCKET}/${key}: ${bytes} bytes in ${parts} part(s), ${table_count} table(s), Postgres ${server_version}"
# For the fleet catalog (RESULT_RECORDS in batchScripts.ts): the object, its size, its tables and their rows.
{
  echo "key=${key}"
  echo "bytes=${bytes}"
  echo "tables=${table_count}"
  echo "rows=$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "${work}/tables.tsv")"
} >> "${GITHUB_OUTPUT:-/dev/null}"
echo "timings (ms): inspect $(( t_dump - t_start )), dump and upload $(( t_uploaded - t_dump )), complete and manifest $(( $(ms) - t_uploaded ))"
rm -rf "${work}"
