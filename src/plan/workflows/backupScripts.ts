/**
 * The bash of the generated backup and restore-drill jobs. Pure strings: the workflows
 * module places them in steps; the runtime suite (test/runtime/) runs them for real.
 *
 * A backup is verified before it counts: the connection string must point at the host
 * the stack created for the tenant, the database must hold tables (unless the tenant is
 * marked new), the dump's table of contents must list every table the database has, and
 * the upload streams in parts that S3 checks (Content-MD5) and completes only as a new
 * object. An extension's configuration tables count as the tenant's (pg_dump dumps their
 * rows that match the extension's filter; see DUMPED_TABLES_SQL). A manifest written last
 * (same prefix, `.manifest.json`) records what was dumped, with every table's exact row
 * count taken in the snapshot the dump was made from; a dump without one is unfinished.
 * The drill trusts only manifests, checks the download against it (size, SHA-256),
 * restores, and compares tables and row counts (exactly; within a
 * tolerance for older manifests, which recorded the planner's estimates).
 */
import { backupPrefix } from "../../../tenants/naming";
import { BACKUP_TIMESTAMP_DATE_FORMAT, type BackupEncryption } from "../vaults/plan";

/** Streamed upload part size: 128 MiB parts reach S3's 10,000-part limit at 1.25 TiB; one part at a time sits on the runner's disk. */
export const BACKUP_PART_BYTES = 128 * 1024 * 1024;
/** How long pg_dump waits for a table lock before failing (instead of queueing behind a migration's ALTER and holding up every reader behind it). */
export const PG_DUMP_LOCK_WAIT_TIMEOUT = "60s";
/** Older manifests only (no `row_counts: "exact"`): a restored table may differ from the manifest's estimate by this many rows, or this share of the estimate, whichever is larger (estimates came from the planner's statistics). */
export const ROW_TOLERANCE_ROWS = 100;
export const ROW_TOLERANCE_PERCENT = 20;
/** How far a backup's name may run ahead of S3's record of its upload (runner clock skew). */
export const CLOCK_SKEW_SECONDS = 300;
/** The manifest's format; the drill refuses one it does not know. */
export const MANIFEST_FORMAT = 1;
export const MANIFEST_SUFFIX = ".manifest.json";
/**
 * The manifest's `row_counts` when its `tables` are exact counts, taken with count(*) in the
 * snapshot pg_dump dumped; a manifest without the field (older backups) holds estimates.
 */
export const EXACT_ROW_COUNTS = "exact";

/** The tenant's key prefix as the scripts spell it, from the one definition of the layout. */
const SHELL_BACKUP_PREFIX = backupPrefix("${TENANT_ID}", "${RETENTION_DAYS}");

/**
 * `host_of URL`: the host a connection URI names (after the user and password, before the
 * port, path or query), as written. The tenant scripts' host check and the batch job's lock
 * (batchScripts.ts) read a string's host with this one function.
 */
export const HOST_OF_FUNCTION =
  'host_of() { local rest="${1#*://}" host; case "${rest}" in *@*) rest="${rest#*@}";; esac; host="${rest%%[/?]*}"; if [[ "${host}" =~ ^(.*):[0-9]+$ ]]; then host="${BASH_REMATCH[1]}"; fi; printf \'%s\' "${host}"; }';

/**
 * Bash for a step that holds DATABASE_URL: a missing secret is named, not met with a
 * socket error, the password is masked in the log before any tool could print it, and
 * the parts of the string (user, password, host, database) are kept for redaction.
 */
export const DATABASE_URL_PRELUDE = [
  'if [ -z "${DATABASE_URL:-}" ]; then echo "::error::${SECRET_LABEL} is empty or missing for ${TENANT_ID}: pulumi up writes it, and only runs of the default branch can read it"; exit 1; fi',
  HOST_OF_FUNCTION,
  'url_rest="${DATABASE_URL#*://}"; url_userinfo=""; case "${url_rest}" in *@*) url_userinfo="${url_rest%%@*}"; url_rest="${url_rest#*@}";; esac',
  'url_user="${url_userinfo%%:*}"; url_password=""; case "${url_userinfo}" in *:*) url_password="${url_userinfo#*:}";; esac',
  'if [ -n "${url_password}" ]; then echo "::add-mask::${url_password}"; fi',
  'url_host="$(host_of "${DATABASE_URL}")"; url_db=""; case "${url_rest}" in */*) url_db="${url_rest#*/}"; url_db="${url_db%%\\?*}";; esac',
];

/**
 * After DATABASE_URL_PRELUDE, before anything connects with the string: it must name the
 * host the stack created for the tenant (EXPECTED_DB_HOST, from the fleet manifest), so a
 * secret holding another tenant's string fails here. Backups and migrations check alike.
 */
export const HOST_CHECK = [
  'if [ -z "${EXPECTED_DB_HOST:-}" ]; then echo "::error::no expected database host for ${TENANT_ID} in the fleet manifest ${MANIFEST}: pulumi up writes it"; exit 1; fi',
  'if [ "${url_host,,}" != "${EXPECTED_DB_HOST,,}" ]; then echo "::error::the connection string in ${SECRET_LABEL} does not point at the database the stack created for ${TENANT_ID} (host ${EXPECTED_DB_HOST}); it may hold another tenant\'s string. pulumi up writes the right one"; exit 1; fi',
];

/**
 * `explain TOOL STATUS ERRFILE`: a libpq tool's failure, said without a value from the
 * secret: libpq's messages quote the connection string back (a malformed one), or its
 * host, user or database. Known failures become a fixed sentence naming the tenant and
 * the secret; any other first line is shown with every part of the string cut out.
 */
const EXPLAIN_FUNCTION = [
  "explain() {",
  "  local first reason part",
  '  first="$(head -n 1 "$3")"',
  '  case "${first}" in',
  '    *"connection info string"*|*"invalid URI"*|*"invalid connection option"*|*"invalid sslmode"*|*"invalid channel_binding"*|*"invalid integer value"*|*"invalid percent-encoded"*|*\'missing "="\'*|*"unterminated quoted string"*) reason="it does not hold a valid connection string";;',
  '    *"could not translate host name"*) reason="its host name does not resolve";;',
  '    *"password authentication failed"*|*"no password supplied"*|*"password must be"*) reason="the server refused its user or password";;',
  '    *"server version mismatch"*) reason="pg_dump ${PG_MAJOR} is older than the server; the tenant\'s pgVersion must be the server\'s major";;',
  '    *"SSL"*|*"channel binding"*|*"certificate"*) reason="the TLS or channel-binding handshake failed";;',
  '    *"Connection refused"*|*"timeout expired"*|*"timed out"*|*"No route to host"*|*"Network is unreachable"*) reason="its server did not answer";;',
  '    *"could not obtain lock"*|*"lock timeout"*|*"canceling statement due to statement timeout"*) reason="a table stayed locked for ' +
    PG_DUMP_LOCK_WAIT_TIMEOUT +
    ' (a migration or a long transaction); the next run retries";;',
  '    *"does not exist"*) reason="its role or database does not exist on the server";;',
  "    *)",
  '      reason="${first//"${DATABASE_URL}"/[connection string]}"',
  '      for part in "${url_password}" "${url_user}" "${url_host}" "${url_db}"; do',
  '        if [ "${#part}" -ge 3 ]; then reason="${reason//"${part}"/[from the secret]}"; fi',
  "      done",
  '      reason="exit $2: ${reason}";;',
  "  esac",
  '  echo "::error::$1 could not back up ${TENANT_ID} with the connection string in ${SECRET_LABEL}: ${reason}"',
  "}",
];

/** The tenant's own tables (`c`, in schema `n`): ordinary tables outside the system schemas, none an extension's. */
export const USER_TABLES_SQL = [
  "from pg_class c join pg_namespace n on n.oid = c.relnamespace",
  "where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'",
  "and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')",
].join(" ");

/**
 * The tables whose data pg_dump dumps (`c` in schema `n`, and `cond`): the tenant's own
 * (USER_TABLES_SQL) and an extension's configuration tables (`pg_extension.extconfig`:
 * PostGIS's spatial_ref_sys, pg_cron's cron.job), whose rows pg_dump dumps when they match
 * the extension's filter (`extcondition`, a `WHERE …` or empty), so `cond` is that filter
 * for a configuration table and empty for the tenant's own. PostgreSQL's docs, "Extension
 * Configuration Tables": https://www.postgresql.org/docs/current/extend-extensions.html#EXTEND-EXTENSIONS-CONFIG-TABLES
 */
export const DUMPED_TABLES_SQL = [
  "from pg_class c join pg_namespace n on n.oid = c.relnamespace",
  "left join lateral (select x.extcondition[array_position(x.extconfig, c.oid)] as extcond from pg_extension x where c.oid = any(x.extconfig) limit 1) e on true",
  "cross join lateral (select coalesce(e.extcond, '') as cond) f",
  "where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'",
  "and (e.extcond is not null or not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'))",
].join(" ");

/**
 * A statement per table that pg_dump dumps (DUMPED_TABLES_SQL) that prints its exact row count
 * as `name<TAB>rows`, an extension's configuration table counted with its filter, as pg_dump
 * dumps it (the backup runs them in the dump's snapshot, the drill in the restored database).
 */
export const COUNT_SQL = `select format('select %L, count(*) from %I.%I %s;', format('%I.%I', n.nspname, c.relname), n.nspname, c.relname, f.cond) ${DUMPED_TABLES_SQL}`;

export function sseArgs(encryption: BackupEncryption): string {
  return encryption === "kms" ? '--server-side-encryption aws:kms --ssekms-key-id "${BACKUP_KMS_KEY}"' : "--server-side-encryption AES256";
}

/**
 * The backup step. Environment: TENANT_ID, PG_MAJOR, RETENTION_DAYS, BACKUP_BUCKET,
 * BACKUP_KMS_KEY (kms), EXPECTED_DB_HOST, EMPTY_ALLOWED_UNTIL, BACKUP_PART_BYTES,
 * DATABASE_URL, SECRET_LABEL, RUNNER_TEMP; OBJECT_STEM (optional) names the object without
 * its suffix, for an export.
 */
// eslint-disable-next-line max-lines-per-function -- bash lines in a TypeScript array: the script moves to a .sh file whole (issue 33, "shell as shell")
export function backupScript(encryption: BackupEncryption): string {
  const sse = sseArgs(encryption);
  return [
    "set -euo pipefail",
    ...DATABASE_URL_PRELUDE,
    ...EXPLAIN_FUNCTION,
    'bin="/usr/lib/postgresql/${PG_MAJOR}/bin"',
    // The host the stack created for this tenant; a string for any other database fails here.
    ...HOST_CHECK,
    `stamp="$(date -u +${BACKUP_TIMESTAMP_DATE_FORMAT})"`,
    // OBJECT_STEM: a tenant's export (exports/<id>/<stamp>) instead of a backup in its retention class.
    `stem="\${OBJECT_STEM:-${SHELL_BACKUP_PREFIX}\${stamp}}"`,
    'key="${stem}.dump"',
    `manifest_key="\${stem}${MANIFEST_SUFFIX}"`,
    'work="$(mktemp -d "${RUNNER_TEMP}/${TENANT_ID}.backup.XXXXXX")"',
    "ms() { echo $(( $(date +%s%N) / 1000000 )); }",
    't_start="$(ms)"',
    // One snapshot for the counts and the dump: a session exports it and holds its transaction
    // open until pg_dump is done (pg_export_snapshot needs a direct connection, not Neon's
    // pooler: the host checked above is the direct one). Every table's exact row count is
    // taken in it, so the manifest records what the dump holds.
    "status=0",
    'coproc SNAPSHOT { exec "${bin}/psql" -X -q -At -v ON_ERROR_STOP=1 --dbname="${DATABASE_URL}" 2> "${work}/snapshot.err"; }',
    'snapshot_pid="${SNAPSHOT_PID}"',
    'end_snapshot() { if [ -n "${snapshot_pid:-}" ]; then kill "${snapshot_pid}" 2> /dev/null || true; wait "${snapshot_pid}" 2> /dev/null || true; snapshot_pid=""; fi; }',
    "trap end_snapshot EXIT",
    'echo "begin isolation level repeatable read, read only; select pg_export_snapshot();" 1>&"${SNAPSHOT[1]}" 2> /dev/null || true',
    'snapshot=""; read -r -t 120 snapshot <&"${SNAPSHOT[0]}" 2> /dev/null || true',
    'if ! [[ "${snapshot}" =~ ^[0-9A-F-]+$ ]]; then wait "${snapshot_pid}" 2> /dev/null || status=$?; snapshot_pid=""; explain psql "${status}" "${work}/snapshot.err"; exit 1; fi',
    `"\${bin}/psql" -X -q -At -F $'\\t' -v ON_ERROR_STOP=1 -v snapshot="\${snapshot}" --dbname="\${DATABASE_URL}" > "\${work}/stats.tsv" 2> "\${work}/stats.err" <<'SQL' || status=$?`,
    // A table a migration holds locked fails the count as it would fail pg_dump: no queueing behind it.
    `set lock_timeout = '${PG_DUMP_LOCK_WAIT_TIMEOUT}';`,
    "begin isolation level repeatable read, read only;",
    "set transaction snapshot :'snapshot';",
    "select 'server', current_setting('server_version_num');",
    `${COUNT_SQL} \\gexec`,
    "commit;",
    "SQL",
    'if [ "${status}" -ne 0 ]; then explain psql "${status}" "${work}/stats.err"; exit 1; fi',
    'server_version="$(awk -F\'\\t\' \'$1 == "server" { print $2 }\' "${work}/stats.tsv")"',
    'awk -F\'\\t\' \'$1 != "server"\' "${work}/stats.tsv" > "${work}/tables.tsv"',
    'table_count="$(wc -l < "${work}/tables.tsv")"',
    'empty_allowed=false empty_reason=""',
    'if [ "${table_count}" -eq 0 ]; then',
    '  if [ -n "${EMPTY_ALLOWED_UNTIL:-}" ] && [ "$(date -u +%Y-%m-%d)" \\< "${EMPTY_ALLOWED_UNTIL}" -o "$(date -u +%Y-%m-%d)" = "${EMPTY_ALLOWED_UNTIL}" ]; then',
    '    empty_allowed=true empty_reason="backup.emptyAllowedUntil ${EMPTY_ALLOWED_UNTIL}"',
    '    echo "::warning::${TENANT_ID}\'s database has no tables; backed up anyway because the tenant is new (backup.emptyAllowedUntil: ${EMPTY_ALLOWED_UNTIL})"',
    // NEW_TENANT: the planning job found the tenant new to the fleet manifest (NEW_TENANT_DAYS).
    '  elif [ "${NEW_TENANT:-false}" = true ]; then',
    '    empty_allowed=true empty_reason="new tenant"',
    '    echo "::warning::${TENANT_ID}\'s database has no tables; backed up anyway because the tenant is new to the fleet manifest (its schema is migrated when it is onboarded)"',
    "  else",
    '    echo "::error::${TENANT_ID}\'s database has no tables, so a backup of it would restore nothing: the secret may point at the wrong database, or the schema was never migrated. For a new tenant, set backup.emptyAllowedUntil in the tenants file"',
    "    exit 1",
    "  fi",
    "fi",
    // One multipart upload, fed by pg_dump through split: one part on disk at a time.
    `upload_id="$(aws s3api create-multipart-upload --bucket "\${BACKUP_BUCKET}" --key "\${key}" ${sse} --content-type application/octet-stream --query UploadId --output text)"`,
    'abort() { aws s3api abort-multipart-upload --bucket "${BACKUP_BUCKET}" --key "${key}" --upload-id "${upload_id}" > /dev/null 2>&1 || true; }',
    "trap 'abort' ERR",
    "export BACKUP_BUCKET key upload_id work",
    "upload_part() {",
    "  set -euo pipefail",
    '  cat > "${FILE}"',
    "  local n=$(( 10#${FILE##*.} )) md5 etag",
    '  md5="$(openssl md5 -binary "${FILE}" | base64)"',
    '  etag="$(aws s3api upload-part --bucket "${BACKUP_BUCKET}" --key "${key}" --upload-id "${upload_id}" --part-number "${n}" --body "${FILE}" --content-md5 "${md5}" --query ETag --output text)"',
    '  printf \'%s\\t%s\\t%s\\n\' "${n}" "${etag}" "$(stat -c %s "${FILE}")" >> "${work}/parts.tsv"',
    '  rm -f "${FILE}"',
    "}",
    "export -f upload_part",
    'mkfifo "${work}/sha.fifo" "${work}/toc.fifo"',
    'sha256sum < "${work}/sha.fifo" | cut -d \' \' -f 1 > "${work}/sha256" &',
    "sha_pid=$!",
    '"${bin}/pg_restore" --list < "${work}/toc.fifo" > "${work}/toc.txt" 2> "${work}/toc.err" &',
    "toc_pid=$!",
    't_dump="$(ms)"',
    "set +e",
    `"\${bin}/pg_dump" --format=custom --no-owner --no-privileges --lock-wait-timeout=${PG_DUMP_LOCK_WAIT_TIMEOUT} --snapshot="\${snapshot}" --dbname="\${DATABASE_URL}" 2> "\${work}/dump.err" \\`,
    '  | tee --output-error=warn-nopipe "${work}/sha.fifo" "${work}/toc.fifo" 2> "${work}/tee.err" \\',
    '  | SHELL=/bin/bash split --bytes="${BACKUP_PART_BYTES}" --numeric-suffixes=1 --suffix-length=5 --filter=upload_part - "${work}/part." 2> "${work}/split.err"',
    'statuses=("${PIPESTATUS[@]}")',
    'wait "${sha_pid}"; wait "${toc_pid}"; toc_status=$?',
    't_uploaded="$(ms)"',
    "end_snapshot",
    "set -e",
    'if [ "${statuses[0]}" -ne 0 ]; then abort; explain pg_dump "${statuses[0]}" "${work}/dump.err"; exit 1; fi',
    "if [ \"${statuses[2]}\" -ne 0 ]; then abort; echo \"::error::the upload of ${TENANT_ID}'s dump to s3://${BACKUP_BUCKET}/${key} failed: $(grep -v '^$' \"${work}/split.err\" | tail -n 3 | tr '\\n' ' ')\"; exit 1; fi",
    'if [ "${toc_status}" -ne 0 ]; then abort; echo "::error::pg_restore cannot read the dump of ${TENANT_ID}: $(head -n 1 "${work}/toc.err")"; exit 1; fi',
    'dumped_tables="$(awk \'$4 == "TABLE" && $5 == "DATA"\' "${work}/toc.txt" | wc -l)"',
    'if [ "${dumped_tables}" -ne "${table_count}" ]; then abort; echo "::error::the dump of ${TENANT_ID} holds the data of ${dumped_tables} table(s), the database ${table_count}: not uploaded"; exit 1; fi',
    "bytes=\"$(awk -F'\\t' '{ s += $3 } END { print s + 0 }' \"${work}/parts.tsv\" 2> /dev/null || echo 0)\"",
    'if [ "${bytes}" -eq 0 ]; then abort; echo "::error::the dump of ${TENANT_ID} is empty"; exit 1; fi',
    // S3's own record of the upload: every part, its size and ETag, as sent (S3 checked each part's MD5 on receipt).
    'aws s3api list-parts --bucket "${BACKUP_BUCKET}" --key "${key}" --upload-id "${upload_id}" --output json > "${work}/listed.json"',
    'if [ "$(jq -r \'(.Parts // [])[] | "\\(.PartNumber)\\t\\(.ETag)\\t\\(.Size)"\' "${work}/listed.json" | sort -n)" != "$(sort -n "${work}/parts.tsv")" ]; then abort; echo "::error::S3\'s record of the upload of ${TENANT_ID}\'s dump differs from the parts sent (a part missing, replaced or of another size): not completed"; exit 1; fi',
    'sort -n "${work}/parts.tsv" | jq -R -s \'{Parts: [split("\\n")[] | select(length > 0) | split("\\t") | {PartNumber: (.[0] | tonumber), ETag: .[1]}]}\' > "${work}/parts.json"',
    'parts="$(jq \'.Parts | length\' "${work}/parts.json")"',
    'aws s3api complete-multipart-upload --bucket "${BACKUP_BUCKET}" --key "${key}" --upload-id "${upload_id}" --multipart-upload "file://${work}/parts.json" --if-none-match \'*\' > /dev/null',
    "trap - ERR",
    // The manifest last: its presence says the dump above is complete and checked.
    [
      "jq -n",
      `--argjson format ${MANIFEST_FORMAT}`,
      '--arg tenant "${TENANT_ID}" --arg key "${key}" --arg host "${EXPECTED_DB_HOST}" --arg database "${url_db}"',
      '--arg server_version "${server_version}" --arg pg_dump "$("${bin}/pg_dump" --version)"',
      '--arg started_at "${stamp}" --arg finished_at "$(date -u +%Y%m%dT%H%M%SZ)"',
      '--argjson bytes "${bytes}" --arg sha256 "$(cat "${work}/sha256")" --argjson parts "${parts}" --argjson part_bytes "${BACKUP_PART_BYTES}"',
      '--argjson empty_allowed "${empty_allowed}" --arg empty_reason "${empty_reason}"',
      `--arg row_counts ${EXACT_ROW_COUNTS} --rawfile tables "\${work}/tables.tsv"`,
      '\'{format: $format, tenant: $tenant, key: $key, host: $host, database: $database, server_version: $server_version, pg_dump: $pg_dump, started_at: $started_at, finished_at: $finished_at, bytes: $bytes, sha256: $sha256, parts: $parts, part_bytes: $part_bytes, empty_allowed: $empty_allowed, empty_reason: $empty_reason, row_counts: $row_counts, tables: ($tables | split("\\n") | map(select(length > 0) | split("\\t") | {key: .[0], value: (.[1] | tonumber)}) | from_entries)}\'',
      '> "${work}/manifest.json"',
    ].join(" "),
    `aws s3api put-object --bucket "\${BACKUP_BUCKET}" --key "\${manifest_key}" --body "\${work}/manifest.json" --content-type application/json --if-none-match '*' ${sse} > /dev/null`,
    'echo "backed up ${TENANT_ID} to s3://${BACKUP_BUCKET}/${key}: ${bytes} bytes in ${parts} part(s), ${table_count} table(s), Postgres ${server_version}"',
    // For the fleet catalog (RESULT_RECORDS): the object, its size, its tables and their rows.
    '{ echo "key=${key}"; echo "bytes=${bytes}"; echo "tables=${table_count}"; echo "rows=$(awk -F\'\\t\' \'{ s += $2 } END { print s + 0 }\' "${work}/tables.tsv")"; } >> "${GITHUB_OUTPUT:-/dev/null}"',
    'echo "timings (ms): inspect $(( t_dump - t_start )), dump and upload $(( t_uploaded - t_dump )), complete and manifest $(( $(ms) - t_uploaded ))"',
    'rm -rf "${work}"',
  ].join("\n");
}

/**
 * Finds the tenant's newest complete backup (the newest manifest) in its retention class,
 * over every page of the listing. Keys are named by the time the dump started and S3
 * records when the upload finished, so a key dated after its own upload (beyond clock
 * skew) was not written by the backup job: the drill fails on it. Objects whose names are
 * not manifests are ignored. Writes `key` (the dump), `manifest` and `age_minutes`.
 */
export function newestBackupScript(): string {
  const manifestPattern = `^[0-9]{8}T[0-9]{6}Z${MANIFEST_SUFFIX.replace(/\./g, "\\\\.")}$`;
  return [
    "set -euo pipefail",
    `prefix="${SHELL_BACKUP_PREFIX}"`,
    'listing="${RUNNER_TEMP}/${TENANT_ID}.listing.json"',
    'aws s3api list-objects-v2 --bucket "${BACKUP_BUCKET}" --prefix "${prefix}" --output json > "${listing}"',
    // A name shaped like a stamp but not a real UTC time (month 13, 25 h, 31 November: strptime
    // fails, or mktime moves it to another time) is no backup of the job's: "invalid".
    `jq -r --arg prefix "\${prefix}" '(.Contents // [])[] | select(.Key | startswith($prefix)) | select(.Key | ltrimstr($prefix) | test("${manifestPattern}")) | (.Key | ltrimstr($prefix) | rtrimstr("${MANIFEST_SUFFIX}")) as $stamp | ($stamp | try (strptime("${BACKUP_TIMESTAMP_DATE_FORMAT}") | mktime) catch null) as $taken | if $taken != null and ($taken | gmtime | strftime("${BACKUP_TIMESTAMP_DATE_FORMAT}")) == $stamp then [.Key, $taken, (.LastModified | sub("\\\\.[0-9]+"; "") | sub("(\\\\+00:00|Z)$"; "Z") | fromdateiso8601)] else [.Key, "invalid", ""] end | @tsv' "\${listing}" > "\${listing}.tsv"`,
    'newest="" newest_at=0 forged=() invalid=()',
    "while IFS=$'\\t' read -r key taken uploaded; do",
    '  if [ "${taken}" = invalid ]; then invalid+=("${key}"); continue; fi',
    '  if [ "${taken}" -gt $(( uploaded + CLOCK_SKEW_SECONDS )) ]; then forged+=("${key}"); continue; fi',
    '  if [ "${taken}" -gt "${newest_at}" ]; then newest="${key}"; newest_at="${taken}"; fi',
    'done < "${listing}.tsv"',
    'if [ "${#invalid[@]}" -gt 0 ]; then echo "::warning::ignored ${#invalid[@]} object(s) of ${TENANT_ID} named like a backup but not at a real UTC time (YYYYMMDDTHHMMSSZ), which the backup job never writes: ${invalid[*]}"; fi',
    'if [ "${#forged[@]}" -gt 0 ]; then echo "::error::${#forged[@]} backup(s) of ${TENANT_ID} are dated after their own upload, so the backup job did not write them: ${forged[*]}. Investigate before trusting this vault"; exit 1; fi',
    'if [ -z "${newest}" ]; then echo "::error::no complete backup of ${TENANT_ID} under s3://${BACKUP_BUCKET}/${prefix} (a complete backup has a .manifest.json beside its .dump)"; exit 1; fi',
    'now="$(date -u +%s)"',
    'if [ "${newest_at}" -gt $(( now + CLOCK_SKEW_SECONDS )) ]; then echo "::error::the newest backup of ${TENANT_ID} (${newest}) is dated in the future, beyond ${CLOCK_SKEW_SECONDS} s of clock skew"; exit 1; fi',
    "age_minutes=$(( ( now - newest_at ) / 60 ))",
    'if [ "${age_minutes}" -gt $(( MAX_AGE_HOURS * 60 )) ]; then echo "::error::the newest backup of ${TENANT_ID} (${newest}) is $(( age_minutes / 60 )) h $(( age_minutes % 60 )) min old; its schedule allows ${MAX_AGE_HOURS} h"; exit 1; fi',
    `echo "key=\${newest%${MANIFEST_SUFFIX}}.dump" >> "\${GITHUB_OUTPUT}"`,
    'echo "manifest=${newest}" >> "${GITHUB_OUTPUT}"',
    'echo "age_minutes=${age_minutes}" >> "${GITHUB_OUTPUT}"',
  ].join("\n");
}

/**
 * The restore step: the manifest, then the dump checked against it (tenant, size,
 * SHA-256), restored into the job's Postgres, and its tables and row counts compared.
 * Environment: TENANT_ID, PG_MAJOR, BACKUP_BUCKET, BACKUP_KEY, MANIFEST_KEY, AGE_MINUTES,
 * EMPTY_ALLOWED_UNTIL, DRILL_DATABASE (default drill), RUNNER_TEMP; the job's Postgres on
 * localhost as postgres. With RESTORE_URL (a tenant's restore from a dump), the empty
 * database it names instead: the same checks, into the branch the restore created.
 */
export function drillScript(): string {
  const psql = '"${bin}/psql" -X -q "${target[@]}"';
  return [
    "set -euo pipefail",
    'bin="/usr/lib/postgresql/${PG_MAJOR}/bin"',
    'work="$(mktemp -d "${RUNNER_TEMP}/${TENANT_ID}.drill.XXXXXX")"',
    'dump="${work}/backup.dump" manifest="${work}/manifest.json"',
    "ms() { echo $(( $(date +%s%N) / 1000000 )); }",
    't_start="$(ms)"',
    'aws s3api get-object --bucket "${BACKUP_BUCKET}" --key "${MANIFEST_KEY}" "${manifest}" > /dev/null',
    `if ! jq -e '.format == ${MANIFEST_FORMAT} and (.tables | type) == "object" and (.bytes | type) == "number" and (.sha256 | type) == "string"' "\${manifest}" > /dev/null; then echo "::error::\${MANIFEST_KEY} is not a tenant-fleet manifest of format ${MANIFEST_FORMAT}"; exit 1; fi`,
    'if [ "$(jq -r .tenant "${manifest}")" != "${TENANT_ID}" ] || [ "$(jq -r .key "${manifest}")" != "${BACKUP_KEY}" ]; then echo "::error::${MANIFEST_KEY} describes $(jq -r .tenant "${manifest}")/$(jq -r .key "${manifest}"), not ${TENANT_ID}\'s ${BACKUP_KEY}"; exit 1; fi',
    'aws s3api get-object --bucket "${BACKUP_BUCKET}" --key "${BACKUP_KEY}" "${dump}" > /dev/null',
    't_downloaded="$(ms)"',
    'size="$(stat -c %s "${dump}")" expected_size="$(jq -r .bytes "${manifest}")"',
    'if [ "${size}" -ne "${expected_size}" ]; then echo "::error::${BACKUP_KEY} is ${size} bytes; its manifest says ${expected_size}"; exit 1; fi',
    'sha="$(sha256sum "${dump}" | cut -d \' \' -f 1)"',
    'if [ "${sha}" != "$(jq -r .sha256 "${manifest}")" ]; then echo "::error::${BACKUP_KEY} does not match the SHA-256 in its manifest: it changed after the backup wrote it"; exit 1; fi',
    't_verified="$(ms)"',
    'if [ -n "${RESTORE_URL:-}" ]; then',
    '  target=(--dbname="${RESTORE_URL}")',
    "else",
    '  drill_db="${DRILL_DATABASE:-drill}"',
    '  "${bin}/createdb" --host=localhost --username=postgres "${drill_db}"',
    '  target=(--host=localhost --username=postgres --dbname="${drill_db}")',
    "fi",
    '"${bin}/pg_restore" "${target[@]}" --no-owner --no-privileges --exit-on-error "${dump}"',
    't_restored="$(ms)"',
    `${psql} -At -F $'\\t' -v ON_ERROR_STOP=1 -c "${COUNT_SQL}" > "\${work}/count.sql"`,
    `${psql} -At -F $'\\t' -v ON_ERROR_STOP=1 < "\${work}/count.sql" > "\${work}/restored.tsv"`,
    'tables="$(wc -l < "${work}/restored.tsv")"',
    'if [ "${tables}" -eq 0 ]; then',
    '  if [ "$(jq -r .empty_allowed "${manifest}")" = true ] && [ -n "${EMPTY_ALLOWED_UNTIL:-}" ] && ! [ "$(date -u +%Y-%m-%d)" \\> "${EMPTY_ALLOWED_UNTIL}" ]; then',
    '    echo "::warning::${BACKUP_KEY} restored no table; allowed until ${EMPTY_ALLOWED_UNTIL} (backup.emptyAllowedUntil)"; exit 0',
    "  fi",
    // Taken while the tenant was new to the manifest: the next night judges it again, and a dump that stays empty goes stale.
    '  if [ "$(jq -r .empty_allowed "${manifest}")" = true ] && [ "$(jq -r \'.empty_reason // ""\' "${manifest}")" = "new tenant" ]; then',
    '    echo "::warning::${BACKUP_KEY} restored no table; it was taken while ${TENANT_ID} was new to the fleet manifest"; exit 0',
    "  fi",
    '  echo "::error::${BACKUP_KEY} restored no table"; exit 1',
    "fi",
    // Every table of the manifest restored, none more, each with the row count the manifest
    // recorded: exactly (counted in the dump's snapshot), or within the tolerance of an older
    // manifest's estimates.
    `if [ "$(jq -r '.row_counts // ""' "\${manifest}")" = ${EXACT_ROW_COUNTS} ]; then exact=true method="exact row counts, taken in the dump's snapshot"; else exact=false method="row counts within ${ROW_TOLERANCE_PERCENT} % or ${ROW_TOLERANCE_ROWS} rows of the planner's estimates, which this older manifest recorded"; fi`,
    [
      "jq -r -n",
      `--argjson abs ${ROW_TOLERANCE_ROWS} --argjson pct ${ROW_TOLERANCE_PERCENT} --argjson exact "\${exact}"`,
      '--slurpfile m "${manifest}" --rawfile restored "${work}/restored.tsv"',
      "'($m[0].tables) as $want",
      '| ($restored | split("\\n") | map(select(length > 0) | split("\\t") | {key: .[0], value: (.[1] | tonumber)}) | from_entries) as $got',
      '| ([$want | keys[] | select($got[.] == null) | "missing table \\(.)"]',
      '+ [$got | keys[] | select($want[.] == null) | "table \\(.) is not in the manifest"]',
      "+ [$want | to_entries[] | select($got[.key] != null) | . as $t | ($got[$t.key]) as $n",
      '   | if $exact then select($n != $t.value) | "\\($t.key): \\($n) rows restored, \\($t.value) backed up"',
      '     else select((($n - $t.value) | fabs) > ([$abs, ($t.value * $pct / 100)] | max)) | "\\($t.key): \\($n) rows restored, about \\($t.value) backed up" end])',
      "| .[]'",
      '> "${work}/mismatch.txt"',
    ].join(" "),
    'if [ -s "${work}/mismatch.txt" ]; then',
    '  echo "::error::${BACKUP_KEY} does not restore what its manifest recorded ($(wc -l < "${work}/mismatch.txt") difference(s), ${method}): $(head -n 5 "${work}/mismatch.txt" | paste -sd \';\' -)"',
    "  exit 1",
    "fi",
    "rows=\"$(awk -F'\\t' '{ s += $2 } END { print s + 0 }' \"${work}/restored.tsv\")\"",
    'echo "restored ${BACKUP_KEY} (${AGE_MINUTES} min old, ${size} bytes) into Postgres ${PG_MAJOR}: ${tables} tables and ${rows} rows, as its manifest recorded (${method})"',
    'echo "timings (ms): download $(( t_downloaded - t_start )), verify $(( t_verified - t_downloaded )), restore $(( t_restored - t_verified )), check $(( $(ms) - t_restored ))"',
    'rm -rf "${work}"',
  ].join("\n");
}

/**
 * One tenant's drill as a batch job runs it: find the newest backup, then restore it.
 * Environment: as newestBackupScript and drillScript, with GITHUB_OUTPUT the tenant's own file.
 */
export function drillTenantScript(): string {
  return [
    newestBackupScript(),
    'BACKUP_KEY="$(sed -n \'s/^key=//p\' "${GITHUB_OUTPUT}")" MANIFEST_KEY="$(sed -n \'s/^manifest=//p\' "${GITHUB_OUTPUT}")" AGE_MINUTES="$(sed -n \'s/^age_minutes=//p\' "${GITHUB_OUTPUT}")"',
    "export BACKUP_KEY MANIFEST_KEY AGE_MINUTES",
    drillScript(),
  ].join("\n");
}

/**
 * One tenant's migration: the connection string masked and its host checked against the
 * fleet manifest (HOST_CHECK, as backups do); with VERSION_QUERY,
 * the schema version read before (a schema without the tool's table yet reads as none) and
 * the WAL position recorded, so the tenant can be restored to just before; a tenant
 * already at TARGET_VERSION is left alone (result=current), and with ONLY_BEHIND one at or
 * past that version (result=skipped, `sort -V` order); then the team's command, and
 * the version after, which must be the target when one is known. Writes result,
 * version_before, version_after and lsn_before to GITHUB_OUTPUT (the tenant's own file).
 */
export function migrationTenantScript(command: string): string {
  return [
    "set -euo pipefail",
    ...DATABASE_URL_PRELUDE,
    // Another tenant's string fails here, before it connects (it would read that tenant's version).
    ...HOST_CHECK,
    'psql_bin="/usr/lib/postgresql/${PG_MAJOR}/bin/psql"; [ -x "${psql_bin}" ] || psql_bin=psql',
    'read_version() { "${psql_bin}" -X -q -At -v ON_ERROR_STOP=1 --dbname="${DATABASE_URL}" -c "${VERSION_QUERY}" 2> "${RUNNER_TEMP:-/tmp}/version.err.$$" | tail -n 1; }',
    'version_before=""',
    'if [ -n "${VERSION_QUERY:-}" ]; then version_before="$(read_version)" || version_before=""; fi',
    'lsn_before="$("${psql_bin}" -X -q -At --dbname="${DATABASE_URL}" -c "select pg_current_wal_lsn()" 2> /dev/null)" || { echo "::error::${TENANT_ID}: its database did not answer before the migration (${SECRET_LABEL})"; exit 1; }',
    '{ echo "version_before=${version_before}"; echo "lsn_before=${lsn_before}"; } >> "${GITHUB_OUTPUT}"',
    'echo "${TENANT_ID}: schema version ${version_before:-(none)}, WAL ${lsn_before} before the migration"',
    // ONLY_BEHIND (a manual run for the tenants behind a version): one at or past it is left alone.
    'if [ -n "${ONLY_BEHIND:-}" ] && [ -n "${version_before}" ] && [ "$(printf \'%s\\n%s\\n\' "${version_before}" "${ONLY_BEHIND}" | sort -V | head -n 1)" = "${ONLY_BEHIND}" ]; then',
    '  { echo "result=skipped"; echo "version_after=${version_before}"; } >> "${GITHUB_OUTPUT}"',
    '  echo "${TENANT_ID} is at ${version_before}, not behind ${ONLY_BEHIND}: left alone"',
    "  exit 0",
    "fi",
    'if [ -n "${TARGET_VERSION:-}" ] && [ "${version_before}" = "${TARGET_VERSION}" ]; then',
    '  { echo "result=current"; echo "version_after=${version_before}"; } >> "${GITHUB_OUTPUT}"',
    '  echo "${TENANT_ID} is at ${TARGET_VERSION} already: not migrated"',
    "  exit 0",
    "fi",
    command,
    'if [ -n "${VERSION_QUERY:-}" ]; then',
    '  version_after="$(read_version)" || { echo "::error::${TENANT_ID}: the version query failed after the migration: $(head -n 1 "${RUNNER_TEMP:-/tmp}/version.err.$$")"; exit 1; }',
    '  echo "version_after=${version_after}" >> "${GITHUB_OUTPUT}"',
    '  echo "${TENANT_ID}: schema version ${version_after} after the migration"',
    '  if [ -n "${TARGET_VERSION:-}" ] && [ "${version_after}" != "${TARGET_VERSION}" ]; then echo "::error::${TENANT_ID} is at version ${version_after:-(none)} after its migration, not the target ${TARGET_VERSION}"; exit 1; fi',
    "fi",
  ].join("\n");
}
