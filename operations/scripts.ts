/**
 * Bash the tenant operations run (and the runtime suite runs against the S3 emulator),
 * beside the generated workflows' scripts in workflows/backupScripts.ts.
 */

/**
 * Deletes every version and delete marker under each prefix (a versioned vault keeps a
 * deleted object as a noncurrent version: deleting the key alone erases nothing), a page
 * of at most 1,000 at a time, until a fresh listing of the prefix (versions and delete
 * markers included) shows nothing: that empty listing is the proof.
 * A listed key outside its prefix stops the script before any delete. Governance-mode
 * locks are bypassed when BYPASS_GOVERNANCE is true (only the break-glass role may).
 * Environment: ERASE_BUCKET, ERASE_PREFIXES (one per line), BYPASS_GOVERNANCE,
 * RESULT_FILE (gets `prefix<TAB>deleted` lines), RUNNER_TEMP.
 */
export function eraseScript(): string {
  return [
    "set -euo pipefail",
    'work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/erase.XXXXXX")"',
    'bypass=(); if [ "${BYPASS_GOVERNANCE}" = true ]; then bypass=(--bypass-governance-retention); fi',
    ': > "${RESULT_FILE}"',
    'while IFS= read -r prefix; do',
    '  [ -n "${prefix}" ] || continue',
    '  deleted=0',
    "  while :; do",
    '    aws s3api list-object-versions --bucket "${ERASE_BUCKET}" --prefix "${prefix}" --max-items 1000 --output json > "${work}/page.json"',
    // An empty listing prints nothing at all: read it as no versions.
    "    jq -c -n --arg prefix \"${prefix}\" '(try input catch {}) | {Objects: [((.Versions // [])[], (.DeleteMarkers // [])[]) | {Key, VersionId}], Quiet: true} | if any(.Objects[]; .Key | startswith($prefix) | not) then error(\"a listed key lies outside \" + $prefix) else . end' \"${work}/page.json\" > \"${work}/delete.json\"",
    "    n=\"$(jq '.Objects | length' \"${work}/delete.json\")\"",
    '    if [ "${n}" -eq 0 ]; then break; fi',
    '    aws s3api delete-objects --bucket "${ERASE_BUCKET}" --delete "file://${work}/delete.json" "${bypass[@]}" --output json > "${work}/deleted.json"',
    "    if [ \"$(jq '(.Errors // []) | length' \"${work}/deleted.json\")\" -ne 0 ]; then",
    "      echo \"::error::S3 refused to delete $(jq '.Errors | length' \"${work}/deleted.json\") object version(s) under s3://${ERASE_BUCKET}/${prefix}: $(jq -r '.Errors[0] | \"\\(.Key) \\(.VersionId // \"\"): \\(.Code) \\(.Message)\"' \"${work}/deleted.json\")\"",
    "      exit 1",
    "    fi",
    '    deleted=$(( deleted + n ))',
    "  done",
    '  printf \'%s\\t%s\\n\' "${prefix}" "${deleted}" >> "${RESULT_FILE}"',
    '  echo "erased ${deleted} object version(s) under s3://${ERASE_BUCKET}/${prefix}"',
    'done <<< "${ERASE_PREFIXES}"',
    'rm -rf "${work}"',
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

/**
 * A move's copy: the source database dumped and restored into the target's, which must
 * hold no table, then both compared: the same tables, each with the same exact row count
 * (COUNT_SQL, the drill's). Environment: SOURCE_URL, TARGET_URL (secrets: masked, never
 * printed), PG_MAJOR, TENANT_ID, RUNNER_TEMP, RESULT_FILE (gets `tables=` and `rows=`).
 */
export function copyCompareScript(countSql: string): string {
  const psql = (url: string) => `"\${bin}/psql" -X -q -At -F $'\\t' -v ON_ERROR_STOP=1 --dbname="\${${url}}"`;
  return [
    "set -euo pipefail",
    'for u in "${SOURCE_URL}" "${TARGET_URL}"; do p="${u#*://}"; p="${p%%@*}"; case "${p}" in *:*) echo "::add-mask::${p#*:}";; esac; done',
    'bin="/usr/lib/postgresql/${PG_MAJOR}/bin"',
    'work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/move.XXXXXX")"',
    'trap \'rm -rf "${work}"\' EXIT',
    `count() { ${psql("1")} -c "${countSql}" > "\${work}/$2.sql"; ${psql("1")} < "\${work}/$2.sql" | sort > "\${work}/$2.tsv"; }`,
    `existing="$(${psql("TARGET_URL")} -c "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")"`,
    'if [ "${existing}" -ne 0 ]; then echo "::error::the target database of ${TENANT_ID} already holds ${existing} table(s): a move copies into an empty database; nothing was copied"; exit 1; fi',
    '"${bin}/pg_dump" --format=custom --no-owner --no-privileges --dbname="${SOURCE_URL}" --file="${work}/source.dump"',
    '"${bin}/pg_restore" --no-owner --no-privileges --exit-on-error --dbname="${TARGET_URL}" "${work}/source.dump"',
    'count "${SOURCE_URL}" source',
    'count "${TARGET_URL}" target',
    'if ! diff -q "${work}/source.tsv" "${work}/target.tsv" > /dev/null; then',
    '  echo "::error::${TENANT_ID}: the target differs from the source after the copy: $(diff "${work}/source.tsv" "${work}/target.tsv" | grep \'^[<>]\' | head -n 5 | tr \'\\t\\n\' \'= \')(writes during the copy? pause them and copy again into an empty target)"',
    "  exit 1",
    "fi",
    'tables="$(wc -l < "${work}/source.tsv")" rows="$(awk -F\'\\t\' \'{ s += $2 } END { print s + 0 }\' "${work}/source.tsv")"',
    'if [ "${tables}" -eq 0 ]; then echo "::error::${TENANT_ID}\'s database has no tables: nothing to move"; exit 1; fi',
    '{ echo "tables=${tables}"; echo "rows=${rows}"; } >> "${RESULT_FILE}"',
    'echo "copied ${TENANT_ID}: ${tables} tables and ${rows} rows, the same on both sides"',
  ].join("\n");
}
