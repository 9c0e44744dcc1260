/**
 * Bash the tenant operations run (and the runtime suite runs against the S3 emulator),
 * beside the generated workflows' scripts in src/plan/workflows/backupScripts.ts.
 */
import { USER_TABLES_SQL } from "../plan/workflows/backupScripts";

/**
 * Lists every version and delete marker under each prefix in one vault (the CLI follows
 * every page; the prefixes side by side, any failure fails it), as JSON lines `{prefix, Key, VersionId}` appended to LISTING_FILE: what an
 * erasure checks before it deletes anything (src/operations/erase.ts listingProblems), and the
 * proof when it comes back empty. An empty listing prints nothing at all: read as none.
 * Environment: ERASE_BUCKET, ERASE_REGION, ERASE_PREFIXES (one per line), LISTING_FILE, RUNNER_TEMP.
 */
export function eraseListingScript(): string {
  return [
    "set -euo pipefail",
    'work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/erase-list.XXXXXX")"',
    "trap 'rm -rf \"${work}\"' EXIT",
    // The prefixes are listed side by side, then joined in their order.
    "n=0; pids=()",
    "while IFS= read -r prefix; do",
    '  [ -n "${prefix}" ] || continue',
    "  n=$(( n + 1 ))",
    '  ( aws s3api list-object-versions --region "${ERASE_REGION}" --bucket "${ERASE_BUCKET}" --prefix "${prefix}" --output json > "${work}/${n}.json" \\',
    '    && jq -c -n --arg prefix "${prefix}" \'(try input catch {}) | ((.Versions // [])[], (.DeleteMarkers // [])[]) | {prefix: $prefix, Key, VersionId}\' "${work}/${n}.json" > "${work}/${n}.ndjson" ) &',
    '  pids+=("$!")',
    'done <<< "${ERASE_PREFIXES}"',
    'for pid in "${pids[@]}"; do wait "${pid}"; done',
    ': > "${LISTING_FILE}"',
    'for i in $(seq 1 "${n}"); do cat "${work}/${i}.ndjson" >> "${LISTING_FILE}"; done',
  ].join("\n");
}

/**
 * A vault's top-level prefixes, one a line into PREFIXES_FILE: every version and delete marker
 * listed with delimiter `/` (the CLI follows every page), so a retention class that only
 * noncurrent versions are left in is found too. Environment: ERASE_BUCKET, ERASE_REGION,
 * PREFIXES_FILE, RUNNER_TEMP.
 */
export function vaultTopLevelScript(): string {
  return [
    "set -euo pipefail",
    'listing="$(mktemp "${RUNNER_TEMP:-/tmp}/erase-top.XXXXXX")"',
    "trap 'rm -f \"${listing}\"' EXIT",
    'aws s3api list-object-versions --region "${ERASE_REGION}" --bucket "${ERASE_BUCKET}" --delimiter / --output json > "${listing}"',
    'jq -r -n \'(try input catch {}) | (.CommonPrefixes // [])[] | .Prefix\' "${listing}" > "${PREFIXES_FILE}"',
  ].join("\n");
}

/**
 * Deletes exactly the versions of LISTING_FILE (the checked listing, `{prefix, Key,
 * VersionId}` lines) from one vault, at most 1,000 a request (a versioned vault keeps a
 * deleted object as a noncurrent version: deleting the key alone erases nothing); any
 * version S3 refuses stops it. Governance-mode locks are bypassed when BYPASS_GOVERNANCE
 * is true (only the break-glass role may). Environment: ERASE_BUCKET, ERASE_REGION,
 * LISTING_FILE, BYPASS_GOVERNANCE, RESULT_FILE (gets `prefix<TAB>deleted` lines), RUNNER_TEMP.
 */
export function eraseVersionsScript(): string {
  return [
    "set -euo pipefail",
    'work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/erase.XXXXXX")"',
    "trap 'rm -rf \"${work}\"' EXIT",
    'bypass=(); if [ "${BYPASS_GOVERNANCE}" = true ]; then bypass=(--bypass-governance-retention); fi',
    ': > "${RESULT_FILE}"',
    'jq -s -c \'range(0; length; 1000) as $i | .[$i:$i + 1000]\' "${LISTING_FILE}" > "${work}/pages.ndjson"',
    "while IFS= read -r page; do",
    '  jq -c \'{Objects: [.[] | {Key, VersionId}], Quiet: true}\' <<< "${page}" > "${work}/delete.json"',
    '  aws s3api delete-objects --region "${ERASE_REGION}" --bucket "${ERASE_BUCKET}" --delete "file://${work}/delete.json" "${bypass[@]}" --output json > "${work}/deleted.json"',
    // A quiet delete without errors prints nothing: no errors.
    '  refused="$(jq -n \'(try input catch {}) | (.Errors // []) | length\' "${work}/deleted.json")"',
    '  if [ "${refused}" -ne 0 ]; then',
    '    echo "::error::S3 refused to delete ${refused} object version(s) in s3://${ERASE_BUCKET}: $(jq -r \'.Errors[0] | "\\(.Key) \\(.VersionId // ""): \\(.Code) \\(.Message)"\' "${work}/deleted.json")"',
    "    exit 1",
    "  fi",
    '  jq -r \'.[].prefix\' <<< "${page}" >> "${work}/deleted.txt"',
    'done < "${work}/pages.ndjson"',
    'if [ -s "${work}/deleted.txt" ]; then awk \'{ n[$0]++ } END { for (p in n) printf "%s\\t%d\\n", p, n[p] }\' "${work}/deleted.txt" > "${RESULT_FILE}"; fi',
    'while IFS=$\'\\t\' read -r prefix n; do echo "erased ${n} object version(s) under s3://${ERASE_BUCKET}/${prefix}"; done < "${RESULT_FILE}"',
  ].join("\n");
}

/** S3 takes at most 5 GiB in one PUT; a conditional write (If-None-Match) has no multipart copy. */
export const SINGLE_PUT_LIMIT_BYTES = 5 * 1024 ** 3;

/**
 * A plain-SQL copy of an export the backup script just wrote: the custom dump read back,
 * turned into SQL by pg_restore (no owners, no privileges: the customer's roles differ),
 * and uploaded beside it as a new object. Environment: EXPORT_BUCKET, DUMP_KEY, PLAIN_KEY,
 * PG_MAJOR, BACKUP_KMS_KEY (kms), RUNNER_TEMP. Writes `plain_bytes` to RESULT_FILE.
 */
export function plainExportScript(sse: string): string {
  return [
    "set -euo pipefail",
    'bin="/usr/lib/postgresql/${PG_MAJOR}/bin"',
    'work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/plain.XXXXXX")"',
    'aws s3api get-object --bucket "${EXPORT_BUCKET}" --key "${DUMP_KEY}" "${work}/export.dump" > /dev/null',
    '"${bin}/pg_restore" --no-owner --no-privileges --file="${work}/export.sql" "${work}/export.dump"',
    'bytes="$(stat -c %s "${work}/export.sql")"',
    `if [ "\${bytes}" -gt ${SINGLE_PUT_LIMIT_BYTES} ]; then echo "::error::the plain SQL export is \${bytes} bytes, more than S3 takes in one upload; hand over the custom-format dump (\${DUMP_KEY}) instead"; exit 1; fi`,
    `aws s3api put-object --bucket "\${EXPORT_BUCKET}" --key "\${PLAIN_KEY}" --body "\${work}/export.sql" --content-type application/sql --if-none-match '*' ${sse} > /dev/null`,
    'echo "plain_bytes=${bytes}" >> "${RESULT_FILE}"',
    'echo "wrote the plain SQL export s3://${EXPORT_BUCKET}/${PLAIN_KEY} (${bytes} bytes)"',
    'rm -rf "${work}"',
  ].join("\n");
}

const movePsql = (url: string) => `"\${bin}/psql" -X -q -At -F $'\\t' -v ON_ERROR_STOP=1 --dbname="\${${url}}"`;

/**
 * Per table of the tenant's (USER_TABLES_SQL), a statement that prints `name<TAB>rows<TAB>sum<TAB>sum`:
 * its exact row count and a checksum of its content, the sums over its rows of the first and
 * of the last 64 bits of the md5 of the row's text. A hash of the rows as a multiset: one scan
 * in any order and constant memory (no sort, no primary key needed, however large the table),
 * and any changed, missing or extra row changes it, an update that leaves the count alone too.
 */
export const TABLE_CONTENT_SQL = `select format('select %L, count(*), coalesce(sum((''x'' || left(h, 16))::bit(64)::bigint::numeric), 0), coalesce(sum((''x'' || right(h, 16))::bit(64)::bigint::numeric), 0) from (select md5(row(t.*)::text) as h from %I.%I t) r;', format('%I.%I', n.nspname, c.relname), n.nspname, c.relname) ${USER_TABLES_SQL}`;

/** The name the content listings give the database's large objects (no table can be named so: a table's name is `schema.table`). */
export const LARGE_OBJECTS_NAME = "(large objects)";

/**
 * The database's large objects as one more line of the content listing, `(large objects)<TAB>count<TAB>sum<TAB>sum`
 * (TABLE_CONTENT_SQL's sums, over the md5 of each object's id and content), and nothing when it
 * has none. pg_dump carries them with their ids; a table's checksum never sees them, and
 * logical replication does not carry them at all.
 */
export const LARGE_OBJECTS_SQL = `select '${LARGE_OBJECTS_NAME}', count(*), coalesce(sum(('x' || left(h, 16))::bit(64)::bigint::numeric), 0), coalesce(sum(('x' || right(h, 16))::bit(64)::bigint::numeric), 0) from (select md5(m.oid::text || ':' || md5(lo_get(m.oid))) as h from pg_largeobject_metadata m) r having count(*) > 0`;

/** A row's text depends on these settings (time zone, date, interval, float, bytea and money output): both sides print rows alike. */
const ROW_TEXT_SETTINGS =
  "set timezone = 'UTC'; set datestyle = 'ISO, YMD'; set intervalstyle = 'postgres'; set extra_float_digits = 1; set bytea_output = 'hex'; set lc_monetary = 'C';";

/**
 * The start every move script shares: masked passwords, the client, a work directory,
 * `count URL NAME` (every table's exact rows and content checksum, TABLE_CONTENT_SQL, sorted)
 * and `compared WHAT` (source and target alike, table by table, or fail naming the tables).
 */
function movePrelude(contentSql: string): string[] {
  return [
    "set -euo pipefail",
    'for u in "${SOURCE_URL}" "${TARGET_URL}"; do p="${u#*://}"; p="${p%%@*}"; case "${p}" in *:*) echo "::add-mask::${p#*:}";; esac; done',
    'bin="/usr/lib/postgresql/${PG_MAJOR}/bin"',
    'work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/move.XXXXXX")"',
    "trap 'rm -rf \"${work}\"' EXIT",
    `count() { ${movePsql("1")} -c "${contentSql}" > "\${work}/$2.sql"; { echo "${ROW_TEXT_SETTINGS}"; cat "\${work}/$2.sql"; echo "${LARGE_OBJECTS_SQL};"; } | ${movePsql("1")} | sort > "\${work}/$2.tsv"; }`,
    "compared() {",
    '  count "${SOURCE_URL}" source',
    '  count "${TARGET_URL}" target',
    '  if ! diff -q "${work}/source.tsv" "${work}/target.tsv" > /dev/null; then',
    // Table by table: missing on a side, other row counts, or the same count with other content.
    `    differences="$(awk -F'\\t' 'NR == FNR { s[$1] = $2; c[$1] = $3 FS $4; next } { t[$1] = $2; d[$1] = $3 FS $4 } END { for (k in s) if (!(k in t)) print k ": not at the target"; else if (s[k] != t[k]) print k ": " s[k] " rows at the source, " t[k] " at the target"; else if (c[k] != d[k]) print k ": " s[k] " rows on both sides, other content (checksums differ)"; for (k in t) if (!(k in s)) print k ": only at the target" }' "\${work}/source.tsv" "\${work}/target.tsv" | sort)"`,
    '    echo "::error::${TENANT_ID}: the target differs from the source after $1 ($(wc -l <<< "${differences}") table(s)): $(head -n 5 <<< "${differences}" | paste -sd \';\' -) (writes during $1? pause them and run it again)"',
    "    exit 1",
    "  fi",
    `  tables="$(awk -F'\\t' '$1 != "${LARGE_OBJECTS_NAME}"' "\${work}/source.tsv" | wc -l)" rows="$(awk -F'\\t' '$1 != "${LARGE_OBJECTS_NAME}" { s += $2 } END { print s + 0 }' "\${work}/source.tsv")"`,
    `  large="$(awk -F'\\t' '$1 == "${LARGE_OBJECTS_NAME}" { print $2 }' "\${work}/source.tsv")"`,
    '  if [ "${tables}" -eq 0 ]; then echo "::error::${TENANT_ID}\'s database has no tables: nothing to move"; exit 1; fi',
    '  { echo "tables=${tables}"; echo "rows=${rows}"; } >> "${RESULT_FILE}"',
    "}",
  ];
}

/** How long a move by dump waits for the source's sessions from before the pause to end (those the tenant's role may not end itself). */
export const MOVE_PAUSE_WAIT_SECONDS = 60;

/** `t` when the database itself is set read-only for new sessions (ALTER DATABASE … SET default_transaction_read_only). */
const DATABASE_READ_ONLY_SQL =
  "select exists (select from pg_db_role_setting r cross join unnest(r.setconfig) s where r.setrole = 0 and r.setdatabase = (select oid from pg_database where datname = current_database()) and s in ('default_transaction_read_only=on', 'default_transaction_read_only=true'))";

/**
 * Every role setting of default_transaction_read_only that outranks the database's (a role's
 * own, in any database or in this one: PostgreSQL applies database-and-role, then role, then
 * database settings) and is not "on", as the statements that remove them, `; `-separated.
 * PostgreSQL's docs, ALTER ROLE: https://www.postgresql.org/docs/current/sql-alterrole.html
 */
const READ_ONLY_OVERRIDES_SQL =
  "select string_agg(format('ALTER ROLE %I%s RESET default_transaction_read_only', r.rolname, case when s.setdatabase = 0 then '' else format(' IN DATABASE %I', current_database()) end), '; ' order by r.rolname) from pg_db_role_setting s join pg_roles r on r.oid = s.setrole cross join unnest(s.setconfig) c where s.setrole <> 0 and s.setdatabase in (0, (select oid from pg_database where datname = current_database())) and c like 'default_transaction_read_only=%' and lower(split_part(c, '=', 2)) not in ('on', 'true', 'yes', '1')";

/** The source's client sessions opened before PAUSED_AT (a bash variable), other than the asking one; a session whose start the tenant's role may not see counts. */
const EARLIER_SESSIONS =
  "from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and (backend_type = 'client backend' or backend_type is null) and coalesce(backend_start < '${paused_at}'::timestamptz, true)";

/**
 * A move's copy, with the source's writes paused: the source database set read-only for new
 * sessions (ALTER DATABASE … SET default_transaction_read_only = on) and every session opened
 * before ended (waiting up to MOVE_PAUSE_WAIT_SECONDS for those the tenant's role may not end),
 * the pause verified (no role setting outranks it, READ_ONLY_OVERRIDES_SQL, and a new session
 * of the string's role is read-only), dumped and restored into the target's, which must hold no
 * table, then both compared table by table: the same tables, each with the same exact row count
 * and the same content checksum (TABLE_CONTENT_SQL), and the large objects' count and checksum
 * (LARGE_OBJECTS_SQL). The source is made writable again when the script ends, failed or not
 * (unless it was read-only before). Environment: SOURCE_URL, TARGET_URL (secrets: masked,
 * never printed), PG_MAJOR, TENANT_ID, RUNNER_TEMP, RESULT_FILE (gets `tables=`, `rows=` and
 * `sessions_ended=`).
 */
export function copyCompareScript(contentSql: string): string {
  const src = movePsql("SOURCE_URL");
  const alterDatabase = (change: string) => `do \\$\\$ begin execute format('alter database %I ${change}', current_database()); end \\$\\$`;
  return [
    ...movePrelude(contentSql),
    `existing="$(${movePsql("TARGET_URL")} -c "select count(*) ${USER_TABLES_SQL}")"`,
    'if [ "${existing}" -ne 0 ]; then echo "::error::the target database of ${TENANT_ID} already holds ${existing} table(s): a move copies into an empty database; nothing was copied"; exit 1; fi',
    // Writes paused for the copy, and restored however the script ends (a new session's default; the reset itself runs read-write).
    "paused=false",
    "resume_writes() {",
    '  if [ "${paused}" != true ]; then return 0; fi',
    `  if ${src} -c "set default_transaction_read_only = off" -c "${alterDatabase("reset default_transaction_read_only")}" > /dev/null 2> "\${work}/resume.err"; then`,
    "    paused=false",
    '    echo "writes to the source of ${TENANT_ID} are allowed again (its database is no longer read-only); what is written from now on is not in the target: keep the application\'s writes paused until the cutover"',
    "  else",
    "    paused=false",
    '    echo "::error::the source database of ${TENANT_ID} stays read-only: resetting it failed ($(head -n 1 "${work}/resume.err")); as its owner run ALTER DATABASE <its name> RESET default_transaction_read_only"',
    "    return 1",
    "  fi",
    "}",
    `trap 'status=$?; resume_writes || true; rm -rf "\${work}"; exit "\${status}"' EXIT`,
    `if [ "$(${src} -c "${DATABASE_READ_ONLY_SQL}")" = t ]; then`,
    '  echo "the source database of ${TENANT_ID} is read-only already (ALTER DATABASE … SET default_transaction_read_only): it is copied as it is and left so"',
    "else",
    // Only the database's owner may: the tenant's role owns its database.
    `  if ! ${src} -c "${alterDatabase("set default_transaction_read_only = on")}" 2> "\${work}/pause.err"; then echo "::error::could not pause the writes to \${TENANT_ID}'s source database ($(grep -m 1 ERROR "\${work}/pause.err" || head -n 1 "\${work}/pause.err")): the string's role must own the database; nothing was copied"; exit 1; fi`,
    "  paused=true",
    "fi",
    // A role's own setting (ALTER ROLE … [IN DATABASE …] SET) outranks the database's: any such override that is not "on" could let that role write.
    `overrides="$(${src} -c "${READ_ONLY_OVERRIDES_SQL}")"`,
    'if [ -n "${overrides}" ]; then echo "::error::the writes to ${TENANT_ID}\'s source cannot be paused: a role setting outranks the database\'s read-only default, so new sessions of that role could write during the copy; remove it as the database\'s owner or a superuser (${overrides}), then run the move again. Nothing was copied"; exit 1; fi',
    // The pause shown, not assumed: a new session of the string's role is read-only.
    `if [ "$(${src} -c "show transaction_read_only")" != on ]; then echo "::error::a new session of the source of \${TENANT_ID} is not read-only after the pause (show transaction_read_only): its writes are not paused (is PGOPTIONS setting default_transaction_read_only?). Nothing was copied"; exit 1; fi`,
    `paused_at="$(${src} -c "select clock_timestamp()")"`,
    // Sessions opened before the pause could still write: each ended (those of the tenant's role), then waited for.
    `deadline=$(( SECONDS + ${MOVE_PAUSE_WAIT_SECONDS} )) ended=0`,
    "while :; do",
    `  left="$(${src} -c "select count(*) ${EARLIER_SESSIONS}")"`,
    '  if [ "${left}" -eq 0 ]; then break; fi',
    `  if [ "\${SECONDS}" -ge "\${deadline}" ]; then echo "::error::\${left} session(s) opened before the pause are still connected to the source of \${TENANT_ID} after ${MOVE_PAUSE_WAIT_SECONDS} s (another role's, which the tenant's role may not end): they could write during the copy; end them, then run the move again. Nothing was copied"; exit 1; fi`,
    // Those the role may signal: its own (and its member roles'), or any but a superuser's with pg_signal_backend.
    `  ended=$(( ended + $(${src} -c "select count(*) filter (where pg_terminate_backend(pid)) ${EARLIER_SESSIONS} and (pg_has_role(usesysid, 'member') or (pg_has_role('pg_signal_backend', 'member') and not coalesce((select rolsuper from pg_roles where oid = usesysid), true)))") ))`,
    "  sleep 1",
    "done",
    'echo "writes to ${TENANT_ID} are paused for the copy: its source database is read-only for new sessions, ${ended} session(s) opened before were ended"',
    '"${bin}/pg_dump" --format=custom --no-owner --no-privileges --dbname="${SOURCE_URL}" --file="${work}/source.dump"',
    '"${bin}/pg_restore" --no-owner --no-privileges --exit-on-error --dbname="${TARGET_URL}" "${work}/source.dump"',
    "compared 'the copy'",
    'echo "sessions_ended=${ended}" >> "${RESULT_FILE}"',
    'echo "copied ${TENANT_ID} with its writes paused: ${tables} tables and ${rows} rows${large:+ and ${large} large object(s)}, the same on both sides (every table\'s row count and content checksum${large:+, and the large objects too})"',
    "resume_writes",
  ].join("\n");
}

/** Tables whose updates and deletes a publication cannot carry: no replica identity, or the default one without a primary key (or a chosen index gone). */
const WITHOUT_IDENTITY_SQL = `select coalesce(string_agg(format('%I.%I', n.nspname, c.relname), ', ' order by 1), '') ${USER_TABLES_SQL} and (c.relreplident = 'n' or (c.relreplident = 'd' and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary)) or (c.relreplident = 'i' and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisreplident)))`;

/**
 * A move by logical replication, its start: the source checked (wal_level=logical, every
 * table with a replica identity), the schema copied into the target's empty database in one
 * transaction, every table published, a slot made on the source, and the target subscribed
 * to it (the slot made apart from the subscription, which also works within one cluster);
 * then it waits up to WAIT_SECONDS for every table's first copy. Whatever fails after the
 * publication exists is undone (subscription, slot, publication), so no slot is left holding
 * the source's WAL. A target holding only an earlier attempt's empty schema is reused.
 * Environment: as copyCompareScript, and NAME (publication, slot, subscription),
 * WAIT_SECONDS. RESULT_FILE gets `tables=` and `ready=` (tables copied when it stopped waiting).
 */
export function replicateScript(contentSql: string): string {
  const src = movePsql("SOURCE_URL");
  const tgt = movePsql("TARGET_URL");
  return [
    ...movePrelude(contentSql),
    `wal="$(${src} -c "show wal_level")"`,
    'if [ "${wal}" != logical ]; then echo "::error::the source of ${TENANT_ID} runs wal_level=${wal}: a logical move needs logical (the stack sets it on the source for move.method logical: deploy the move first); nothing was changed"; exit 1; fi',
    `if [ "$(${tgt} -c "select count(*) from pg_subscription where subname = '\${NAME}'")" -ne 0 ]; then echo "::error::the target of \${TENANT_ID} already subscribes to the source (\${NAME}): run the catch-up, or drop the subscription; nothing was changed"; exit 1; fi`,
    `missing="$(${src} -c "${WITHOUT_IDENTITY_SQL}")"`,
    'if [ -n "${missing}" ]; then echo "::error::${TENANT_ID}: these tables have no primary key or replica identity, so their updates and deletes would fail on the source once published: ${missing:0:300}; give each a primary key or ALTER TABLE … REPLICA IDENTITY FULL, or move by dump (method: dump); nothing was changed"; exit 1; fi',
    `${src} -c "select format('%I.%I', n.nspname, c.relname) ${USER_TABLES_SQL} order by 1" > "\${work}/tables.txt"`,
    'if ! [ -s "${work}/tables.txt" ]; then echo "::error::${TENANT_ID}\'s database has no tables: nothing to move"; exit 1; fi',
    `${tgt} -c "select format('%I.%I', n.nspname, c.relname) ${USER_TABLES_SQL} order by 1" > "\${work}/target-tables.txt"`,
    'if [ -s "${work}/target-tables.txt" ]; then',
    // An earlier attempt's schema, with no row in it: reused; anything else is refused.
    '  count "${TARGET_URL}" target',
    '  if ! cmp -s "${work}/tables.txt" "${work}/target-tables.txt" || [ "$(awk -F\'\\t\' \'{ s += $2 } END { print s + 0 }\' "${work}/target.tsv")" -ne 0 ]; then',
    '    echo "::error::the target database of ${TENANT_ID} already holds $(wc -l < "${work}/target-tables.txt") table(s) with data or another schema: a move copies into an empty database; nothing was changed"; exit 1',
    "  fi",
    '  echo "the target holds the source\'s schema from an earlier attempt, without rows: reusing it"',
    "else",
    '  "${bin}/pg_dump" --schema-only --format=custom --no-owner --no-privileges --no-publications --no-subscriptions --dbname="${SOURCE_URL}" --file="${work}/schema.dump"',
    '  "${bin}/pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction --dbname="${TARGET_URL}" "${work}/schema.dump"',
    "fi",
    "undo() {",
    '  echo "::error::${TENANT_ID}: the replication could not be started; undoing it (subscription, slot, publication)"',
    `  ${tgt} -c "select 1" > /dev/null 2>&1 && ${tgt} -c "do \\$\\$ begin if exists (select from pg_subscription where subname = '\${NAME}') then execute 'alter subscription \${NAME} disable'; execute 'alter subscription \${NAME} set (slot_name = none)'; execute 'drop subscription \${NAME}'; end if; end \\$\\$" || true`,
    `  ${src} -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '\${NAME}'" > /dev/null || true`,
    `  ${src} -c "drop publication if exists \${NAME}" || true`,
    "}",
    `trap 'status=$?; if [ "\${status}" -ne 0 ]; then undo; fi; rm -rf "\${work}"' EXIT`,
    `${src} -c "create publication \${NAME} for table $(paste -sd, "\${work}/tables.txt")"`,
    `${src} -c "select pg_create_logical_replication_slot('\${NAME}', 'pgoutput')" > /dev/null`,
    `${tgt} -v source="\${SOURCE_URL}" -v name="\${NAME}" <<'SQL'`,
    `create subscription :"name" connection :'source' publication :"name" with (create_slot = false, slot_name = :'name', copy_data = true);`,
    "SQL",
    // From here the replication stands: a timeout leaves it running, and says so.
    `trap 'rm -rf "\${work}"' EXIT`,
    'tables="$(wc -l < "${work}/tables.txt")"',
    "deadline=$(( SECONDS + WAIT_SECONDS ))",
    "while :; do",
    `  ready="$(${tgt} -c "select count(*) from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid where s.subname = '\${NAME}' and r.srsubstate = 'r'")"`,
    '  if [ "${ready}" -ge "${tables}" ] || [ "${SECONDS}" -ge "${deadline}" ]; then break; fi',
    "  sleep 1",
    "done",
    '{ echo "tables=${tables}"; echo "ready=${ready}"; } >> "${RESULT_FILE}"',
    'if [ "${ready}" -lt "${tables}" ]; then echo "::warning::${TENANT_ID}: ${ready} of ${tables} tables copied after ${WAIT_SECONDS} s; the replication goes on, and the catch-up waits for the rest"; fi',
    'echo "replicating ${TENANT_ID} into its move target: ${ready} of ${tables} tables copied, every change follows until the catch-up"',
  ].join("\n");
}

/**
 * A move by logical replication, its end (writes to the tenant paused): every table copied,
 * then the target has confirmed everything the source had written when the step began, every
 * sequence's value is copied (replication does not carry them), both sides compared like a
 * copy, and the replication dropped on both sides (the subscription, which drops its slot, then
 * the publication; a slot left behind is dropped). Environment: as replicateScript.
 * RESULT_FILE gets `tables=`, `rows=` and `sequences=`.
 */
export function catchUpScript(contentSql: string): string {
  const src = movePsql("SOURCE_URL");
  const tgt = movePsql("TARGET_URL");
  return [
    ...movePrelude(contentSql),
    `if [ "$(${tgt} -c "select count(*) from pg_subscription where subname = '\${NAME}'")" -eq 0 ]; then echo "::error::the target of \${TENANT_ID} does not subscribe to the source (\${NAME}): start the replication first (move without --catch-up)"; exit 1; fi`,
    "deadline=$(( SECONDS + WAIT_SECONDS ))",
    `until [ "$(${tgt} -c "select count(*) from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid where s.subname = '\${NAME}' and r.srsubstate <> 'r'")" -eq 0 ]; do`,
    '  if [ "${SECONDS}" -ge "${deadline}" ]; then echo "::error::${TENANT_ID}: tables are still being copied after ${WAIT_SECONDS} s; run the catch-up again later (the target\'s log says why if a table is stuck)"; exit 1; fi',
    "  sleep 1",
    "done",
    `lsn="$(${src} -c "select pg_current_wal_lsn()")"`,
    `until [ "$(${src} -c "select coalesce(bool_and(confirmed_flush_lsn >= '\${lsn}'), false) from pg_replication_slots where slot_name = '\${NAME}'")" = t ]; do`,
    '  if [ "${SECONDS}" -ge "${deadline}" ]; then echo "::error::${TENANT_ID}: the target has not confirmed the source\'s changes up to ${lsn} after ${WAIT_SECONDS} s; is the subscription running? nothing was changed"; exit 1; fi',
    "  sleep 1",
    "done",
    `${src} -c "select format('select setval(%L, %s, %s);', format('%I.%I', schemaname, sequencename), coalesce(last_value, start_value), (last_value is not null)::text) from pg_sequences where schemaname not in ('pg_catalog', 'information_schema')" > "\${work}/sequences.sql"`,
    `${tgt} < "\${work}/sequences.sql" > /dev/null`,
    'sequences="$(wc -l < "${work}/sequences.sql")"',
    "compared 'the catch-up'",
    `${tgt} -c "drop subscription \${NAME}"`,
    `${src} -c "drop publication if exists \${NAME}"`,
    `${src} -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '\${NAME}'" > /dev/null`,
    'echo "sequences=${sequences}" >> "${RESULT_FILE}"',
    'echo "caught up ${TENANT_ID}: ${tables} tables and ${rows} rows the same on both sides, ${sequences} sequence(s) copied; the replication is dropped: set cutover: true"',
  ].join("\n");
}
