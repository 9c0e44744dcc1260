/**
 * The bash that turns the fleet manifest into jobs, and a job into its tenants.
 *
 * The planning job reads the manifest (src/plan/repository/manifest.ts) from the commit being run
 * and prints the matrix of each job slot: one entry per batch with only its key, AWS
 * region, Postgres major, timeout and (repository scope) the names of its tenants'
 * secrets. A batch job then reads its batch's tenants from the same manifest and runs the
 * per-tenant script of its kind for each (backupScripts.ts), a few at a time, each under
 * its own timeout and its own credential. Every tenant is attempted whatever the others
 * do; the job names the failed tenants first (its first annotation, the top of its summary),
 * prints each tenant's log in a group, writes a table to the job summary, keeps one result
 * line per tenant (the wave's gate, the catalog and the alert job read them), and fails.
 */
import { MANIFEST_FORMAT, MAX_MATRIX_JOBS } from "../repository/manifest";
import { HOST_OF_FUNCTION } from "./backupScripts";

/** Each batch kind as the manifest names its batches. */
export type BatchKind = "backup" | "restoreDrill" | "migrations";

/**
 * What a batch job keeps per tenant for the fleet catalog, after its id, result and
 * seconds: the tenant script's GITHUB_OUTPUT keys, in order, and the catalog's table and
 * columns they go to (src/catalog/migrations/).
 */
export const RESULT_RECORDS = Object.freeze({
  migrations: {
    table: "migration_runs",
    fields: ["version_before", "version_after", "lsn_before"],
    columns: { version_before: "text", version_after: "text", lsn_before: "pg_lsn" },
  },
  backup: { table: "backups", fields: ["key", "bytes", "tables", "rows"], columns: { object_key: "text", bytes: "bigint", tables: "int", rows: "bigint" } },
  restoreDrill: { table: "drills", fields: ["key"], columns: { object_key: "text" } },
} as const satisfies Record<BatchKind, { table: string; fields: readonly string[]; columns: Record<string, string> }>);

/** The title of the annotation that names a batch job's failed tenants (the alert job reads it). */
export const FAILED_TENANTS_TITLE = "tenant-fleet failed tenants";
/** Minutes a migration of one tenant may take. */
export const MIGRATION_TIMEOUT_MINUTES = 30;
/**
 * The advisory lock every backup and migration of a tenant holds on its database while it
 * runs (one key: advisory locks are per database, and each tenant has its own), so the two
 * never overlap whichever jobs, workflows or batches they come from. GitHub's concurrency
 * groups cannot do this for batches, and cancel the pending run of a busy group.
 */
export const TENANT_LOCK_KEY = 128034967727732; // "tenant" in ASCII, as a number
/** How long a backup or migration waits for the other to finish before it fails. */
export const TENANT_LOCK_WAIT_SECONDS = 1800;
export const TENANT_LOCK_POLL_SECONDS = 5;
/** GitHub-hosted jobs stop at six hours. */
export const JOB_TIMEOUT_CAP_MINUTES = 360;
/** A batch job's own minutes on top of its tenants' (checkout, client, credentials). */
export const JOB_OVERHEAD_MINUTES = 15;

/** Shell: every result line batch jobs left under a directory (one .tsv file per batch). */
function resultLines(dirVariable: string): string {
  return `find "\${${dirVariable}}" -name "*.tsv" -type f -exec cat {} +`;
}

/** jq: the batches of this kind (and schedule), from the manifest. */
const BATCHES_OF_KIND = 'if $kind == "backup" then (.batches.backup[$schedule] // []) else (.batches[$kind] // []) end';

/** Refuses a manifest that is missing or of another format, naming the file and the ref. */
const CHECK_MANIFEST = [
  'if [ ! -f "${MANIFEST}" ]; then echo "::error::the fleet manifest ${MANIFEST} is missing at ${GITHUB_REF}: pulumi up writes it (and the workflows that read it) in one deploy"; exit 1; fi',
  `if ! jq -e '.format == ${MANIFEST_FORMAT}' "\${MANIFEST}" > /dev/null 2>&1; then echo "::error::\${MANIFEST} is not a tenant-fleet manifest of format ${MANIFEST_FORMAT}: run pulumi up to rewrite it"; exit 1; fi`,
];

/**
 * The planning step. Environment: MANIFEST, BATCH_KIND, BATCH_SCHEDULE (backups),
 * SLOTS, BATCH_PARALLELISM, WITH_SECRETS (true in the repository scope). Writes
 * `slot_1` … `slot_<SLOTS>`: JSON arrays of at most 256 matrix entries each.
 */
export function planScript(): string {
  const entry = [
    "{key, aws_region: .awsRegion, pg}",
    "+ (if .pgImage then {pg_image: .pgImage} else {} end)",
    "+ (if .runsOn then {runs_on: .runsOn} else {} end)",
    `+ {timeout_minutes: ([((.tenants | length) / $parallel | ceil) * ([.tenants[] | ($t[.].backup.timeoutMinutes // ${MIGRATION_TIMEOUT_MINUTES})] | max) + ${JOB_OVERHEAD_MINUTES}, ${JOB_TIMEOUT_CAP_MINUTES}] | min)}`,
    // Only tenant secret names reach the batch job's `secrets[…]` lookups, whatever the manifest says.
    '+ (if $secrets then {secrets: [.tenants[] | $t[.].credential.secret | if type == "string" and test("^[A-Z][A-Z0-9_]*_DATABASE_URL$") then . else error("\\(tostring) is not a tenant secret name") end]} else {} end)',
    // A run for some tenants only: the batch job migrates those of its batch and no other.
    "+ (if ($only | length) > 0 then {only: [.tenants[] | select(IN($only[]))]} else {} end)",
    // Backups: the batch's tenants that are new (not in the manifest NEW_TENANT_DAYS ago).
    "+ ([.tenants[] | select(IN($new[]))] | if length > 0 then {new: .} else {} end)",
  ].join(" ");
  const ofWave = "(" + BATCHES_OF_KIND + ')[] | select($wave == "" or .wave == $wave) | select(($only | length) == 0 or any(.tenants[]; IN($only[])))';
  const counted = ".tenants | if ($only | length) > 0 then map(select(IN($only[]))) else . end | length";
  return [
    "set -euo pipefail",
    ...CHECK_MANIFEST,
    // plan_batches WAVE PREFIX: the batches (of one wave, or all) as PREFIXslot_N outputs, and PREFIXtenants.
    // ONLY_TENANTS (a manual run's input): ids, comma or space separated; each must be an active tenant.
    "ids_pattern='^[a-z0-9, -]*$'",
    'if ! [[ "${ONLY_TENANTS:-}" =~ ${ids_pattern} ]]; then echo "::error::the tenants input may hold tenant ids (lowercase letters, digits, hyphens) separated by commas or spaces"; exit 1; fi',
    `only="$(jq -c -n --arg s "\${ONLY_TENANTS:-}" '[$s | splits("[, ]+") | select(length > 0)] | unique')"`,
    `unknown="$(jq -r --argjson only "\${only}" '[.tenants[].id] as $ids | [$only[] | select(IN($ids[]) | not)] | join(", ")' "\${MANIFEST}")"`,
    'if [ -n "${unknown}" ]; then echo "::error::not an active tenant of ${MANIFEST}: ${unknown}"; exit 1; fi',
    // RETRY_RUN (a manual run's input): every tenant that run did not leave migrated or at the
    // target (failed, or never reached behind a stopped wave), from the results it kept in RETRY_DIR.
    'if [ -n "${RETRY_RUN:-}" ]; then',
    '  if ! [[ "${RETRY_RUN}" =~ ^[0-9]{1,20}$ ]]; then echo "::error::the retry_run input is the id of a run of this workflow (digits, as in …/actions/runs/<id>)"; exit 1; fi',
    '  if [ "${only}" != "[]" ]; then echo "::error::give the tenants input or retry_run, not both"; exit 1; fi',
    '  mkdir -p "${RETRY_DIR}"',
    '  if [ -z "$(find "${RETRY_DIR}" -name "*.tsv" -type f -print -quit)" ]; then echo "::error::run ${RETRY_RUN} kept no migration results (not a run of this workflow, or its results expired after 30 days): name the tenants instead"; exit 1; fi',
    `  done_ids="$(${resultLines("RETRY_DIR")} | jq -R -s -c 'split("\\n") | map(split("\\t") | select(.[1] == "ok" or .[1] == "current") | .[0])')"`,
    `  only="$(jq -c --argjson done "\${done_ids}" '[.tenants[].id | select(IN($done[]) | not)] | if length == 0 then ["(none)"] else . end' "\${MANIFEST}")"`,
    '  echo "retrying what run ${RETRY_RUN} left undone: $(jq -r \'if . == ["(none)"] then "nothing" else join(", ") end\' <<< "${only}")"',
    "fi",
    // ONLY_BEHIND (a manual run's input): checked here; each batch job compares it with the tenant's version.
    'if [ -n "${ONLY_BEHIND:-}" ] && ! [[ "${ONLY_BEHIND}" =~ ^[A-Za-z0-9._:+-]{1,100}$ ]]; then echo "::error::the behind input is a schema version (letters, digits and . _ : + -), as the version query prints it"; exit 1; fi',
    'if [ "${only}" != "[]" ] && [ -z "${RETRY_RUN:-}" ]; then echo "only the tenants ${only}"; fi',
    // NEW_TENANT_DAYS (backups): the tenants the manifest did not list that many days ago,
    // from its history through GitHub's API (the run's own token, contents: read). An empty
    // database of a new tenant is backed up with a warning; the API failing makes no one new.
    "new='[]'",
    'if [ -n "${NEW_TENANT_DAYS:-}" ]; then',
    '  since="$(date -u -d "-${NEW_TENANT_DAYS} days" +%Y-%m-%dT%H:%M:%SZ)"',
    '  api() { curl -fsS --max-time 30 --retry 2 -H "Authorization: Bearer ${GH_TOKEN:-}" -H "X-GitHub-Api-Version: 2022-11-28" "$@"; }',
    '  if before="$(api -H "Accept: application/vnd.github+json" "${GITHUB_API_URL}/repos/${GITHUB_REPOSITORY}/commits?path=${MANIFEST}&sha=${GITHUB_SHA:-HEAD}&until=${since}&per_page=1" 2> "${RUNNER_TEMP}/history.err" | jq -r \'.[0].sha // ""\')"; then',
    '    if [ -z "${before}" ]; then',
    // No manifest that long ago: the fleet itself is new.
    `      new="$(jq -c '[.tenants[].id]' "\${MANIFEST}")"`,
    '    elif old="$(api -H "Accept: application/vnd.github.raw+json" "${GITHUB_API_URL}/repos/${GITHUB_REPOSITORY}/contents/${MANIFEST}?ref=${before}" 2> "${RUNNER_TEMP}/history.err" | jq -c \'[.tenants[]?.id]\')"; then',
    `      new="$(jq -c --argjson old "\${old}" '[.tenants[].id | select(IN($old[]) | not)]' "\${MANIFEST}")"`,
    "    else",
    '      echo "::warning::could not read ${MANIFEST} as of ${before} ($(head -n 1 "${RUNNER_TEMP}/history.err")): no tenant counts as new tonight"',
    "    fi",
    "  else",
    '    echo "::warning::could not read the history of ${MANIFEST} ($(head -n 1 "${RUNNER_TEMP}/history.err")): no tenant counts as new tonight"',
    "  fi",
    '  if [ "${new}" != "[]" ]; then echo "new in the last ${NEW_TENANT_DAYS} days: $(jq -r \'join(", ")\' <<< "${new}")"; fi',
    "fi",
    "plan_batches() {",
    '  local wave="$1" prefix="$2" plan="${RUNNER_TEMP}/batches-$2.json" count tenants',
    `  jq -c --arg kind "\${BATCH_KIND}" --arg schedule "\${BATCH_SCHEDULE:-}" --arg wave "\${wave}" --argjson parallel "\${BATCH_PARALLELISM}" --argjson secrets "\${WITH_SECRETS}" --argjson only "\${only}" --argjson new "\${new}" '(.tenants | map({key: .id, value: .}) | from_entries) as $t | [${ofWave} | ${entry}]' "\${MANIFEST}" > "\${plan}" 2> "\${plan}.err" || { echo "::error::\${MANIFEST} cannot be planned: $(head -n 1 "\${plan}.err")"; exit 1; }`,
    '  count="$(jq length "${plan}")"',
    `  if [ "\${count}" -gt $(( SLOTS * ${MAX_MATRIX_JOBS} )) ]; then echo "::error::\${MANIFEST} plans \${count} jobs\${wave:+ in wave \${wave}} and this workflow runs at most $(( SLOTS * ${MAX_MATRIX_JOBS} )): run pulumi up, which replans the batches"; exit 1; fi`,
    '  for slot in $(seq 1 "${SLOTS}"); do',
    `    echo "\${prefix}slot_\${slot}=$(jq -c --argjson i "\${slot}" '.[($i - 1) * ${MAX_MATRIX_JOBS}:$i * ${MAX_MATRIX_JOBS}]' "\${plan}")" >> "\${GITHUB_OUTPUT}"`,
    "  done",
    `  tenants="$(jq --arg kind "\${BATCH_KIND}" --arg schedule "\${BATCH_SCHEDULE:-}" --arg wave "\${wave}" --argjson only "\${only}" '[${ofWave} | ${counted}] | add // 0' "\${MANIFEST}")"`,
    '  echo "${prefix}tenants=${tenants}" >> "${GITHUB_OUTPUT}"',
    '  echo "${tenants} tenant(s) in ${count} job(s)${wave:+ of wave ${wave}} from ${MANIFEST}"',
    "}",
    'if [ -n "${WAVES:-}" ]; then',
    // A batch of a wave this workflow does not run would never be migrated: refuse the manifest.
    `  stray="$(jq -r --arg kind "\${BATCH_KIND}" --arg schedule "\${BATCH_SCHEDULE:-}" --argjson waves "\${WAVES}" '[(${BATCHES_OF_KIND})[] | select(.wave as $w | $waves | index($w) | not) | .wave // "(none)"] | unique | join(", ")' "\${MANIFEST}")"`,
    `  if [ -n "\${stray}" ]; then echo "::error::\${MANIFEST} has batches of wave \${stray}, which this workflow does not run (its waves: $(jq -r 'join(", ")' <<< "\${WAVES}")): run pulumi up, which writes both"; exit 1; fi`,
    "  n=0",
    // ONLY_WAVE (a manual run's input, `all` or empty for every wave): the other waves plan nothing.
    `  if [ -n "\${ONLY_WAVE:-}" ] && [ "\${ONLY_WAVE}" != all ] && ! jq -e --arg w "\${ONLY_WAVE}" 'index($w)' <<< "\${WAVES}" > /dev/null; then echo "::error::\${ONLY_WAVE} is not a wave of this workflow ($(jq -r 'join(", ")' <<< "\${WAVES}"))"; exit 1; fi`,
    `  while read -r wave; do n=$(( n + 1 )); if [ -n "\${ONLY_WAVE:-}" ] && [ "\${ONLY_WAVE}" != all ] && [ "\${wave}" != "\${ONLY_WAVE}" ]; then plan_batches "(not this run)" "w\${n}_"; else plan_batches "\${wave}" "w\${n}_"; fi; done < <(jq -r '.[]' <<< "\${WAVES}")`,
    "else",
    '  plan_batches "" ""',
    "fi",
  ].join("\n");
}

/**
 * `take_lock ID URL LOG`: holds the tenant's advisory lock in a psql session of its own
 * (a coprocess, ended by release_lock) until the run is over. Waits while another backup
 * or migration holds it; a string that does not connect is left to the tenant script to
 * explain (it fails there with the reason). Taken only with a string for the tenant's own
 * host (`host_matches URL HOST`, the tenant scripts' HOST_CHECK reading): any other string
 * never connects, and the tenant script refuses it.
 */
const LOCK_FUNCTIONS = [
  HOST_OF_FUNCTION,
  'host_matches() { local h; h="$(host_of "$1")"; [ -n "$2" ] && [ "${h,,}" = "${2,,}" ]; }',
  "take_lock() {",
  '  local id="$1" url="$2" log="$3" waited=0 answer=""',
  '  local psql_bin="/usr/lib/postgresql/${PG_MAJOR}/bin/psql"; [ -x "${psql_bin}" ] || psql_bin=psql',
  '  coproc LOCK { "${psql_bin}" -X -q -At --dbname="${url}" 2> /dev/null; }',
  "  while :; do",
  `    echo "select pg_try_advisory_lock(${TENANT_LOCK_KEY});" >&"\${LOCK[1]}" 2> /dev/null || return 0`,
  '    answer=""; read -r -t 60 answer <&"${LOCK[0]}" 2> /dev/null || return 0',
  '    if [ "${answer}" = t ]; then',
  '      if [ "${waited}" -gt 0 ]; then echo "waited ${waited} s for the lock of ${id} (another backup or migration of it was running)" >> "${log}"; fi',
  "      return 0",
  "    fi",
  `    if [ "\${waited}" -ge ${TENANT_LOCK_WAIT_SECONDS} ]; then echo "::error::another backup or migration of \${id} held its lock for ${TENANT_LOCK_WAIT_SECONDS / 60} min; this run gave up (the next one retries)" >> "\${log}"; release_lock; return 1; fi`,
  `    sleep ${TENANT_LOCK_POLL_SECONDS}; waited=$(( waited + ${TENANT_LOCK_POLL_SECONDS} ))`,
  "  done",
  "}",
  // Ending the session releases the lock.
  'release_lock() { if [ -n "${LOCK_PID:-}" ]; then kill "${LOCK_PID}" 2> /dev/null || true; wait "${LOCK_PID}" 2> /dev/null || true; fi; }',
];

/** What a kind's batch job gives each tenant's run, read from the manifest. */
const TENANT_FIELDS = [
  "(.key + 1)",
  ".value",
  '($x.host // "")',
  '($x.backup.retentionDays // "")',
  `($x.backup.timeoutMinutes // ${MIGRATION_TIMEOUT_MINUTES})`,
  '($x.backup.maxAgeHours // "")',
  '($x.backup.emptyAllowedUntil // "")',
  '($x.credential | if .scope == "repository" then "secret \\(.secret)" elif .scope == "environment" then "secret \\(.secret) of environment \\(.environment)" else "parameter \\(.directParameter) in \\(.awsRegion)" end)',
  '($x.credential.directParameter // "")',
  "$x.awsRegion",
].join(", ");

/**
 * A batch job's step: every tenant of the batch through `tenantScript`, BATCH_PARALLELISM
 * at a time. Environment: MANIFEST, BATCH_KIND, BATCH_SCHEDULE, BATCH_KEY,
 * BATCH_PARALLELISM, CREDENTIAL_SOURCE (`slots`: DATABASE_URL_<n> for the batch's n-th
 * tenant; `environment`: DATABASE_URL; `parameter`: read from SSM with the job's role;
 * `none`), and whatever the tenant script reads besides its per-tenant variables
 * (TENANT_ID, RETENTION_DAYS, EXPECTED_DB_HOST, MAX_AGE_HOURS, EMPTY_ALLOWED_UNTIL,
 * DATABASE_URL, SECRET_LABEL, DRILL_DATABASE).
 */
// eslint-disable-next-line max-lines-per-function -- bash lines in a TypeScript array: the script moves to a .sh file whole (issue 33, "shell as shell")
export function batchScript(tenantScript: string, options: { readonly drill?: boolean; readonly lock?: boolean; readonly kind?: BatchKind } = {}): string {
  const fields: readonly string[] = RESULT_RECORDS[options.kind ?? "migrations"].fields;
  const delimiter = "TENANT_FLEET_TENANT_SCRIPT";
  if (tenantScript.split("\n").includes(delimiter)) throw new Error("internal: the tenant script contains the heredoc delimiter");
  return [
    "set -euo pipefail",
    ...CHECK_MANIFEST,
    'work="$(mktemp -d "${RUNNER_TEMP}/batch.XXXXXX")"',
    `cat > "\${work}/tenant.sh" <<'${delimiter}'`,
    tenantScript,
    delimiter,
    `if ! jq -r -e --arg kind "\${BATCH_KIND}" --arg schedule "\${BATCH_SCHEDULE:-}" --arg key "\${BATCH_KEY}" '(.tenants | map({key: .id, value: .}) | from_entries) as $t | ([(${BATCHES_OF_KIND})[] | select(.key == $key)][0] // error("no batch")) | .tenants | to_entries[] | $t[.value] as $x | if $x == null then error("no tenant") else [${TENANT_FIELDS}] | map(tostring) | join("\\u001f") end' "\${MANIFEST}" > "\${work}/tenants.tsv" 2> "\${work}/tenants.err"; then`,
    '  echo "::error::${MANIFEST} has no batch ${BATCH_KEY} of ${BATCH_KIND} whose tenants it lists ($(head -n 1 "${work}/tenants.err")): the manifest changed since this run was planned, or was edited by hand; run pulumi up"',
    "  exit 1",
    "fi",
    // BATCH_ONLY (space-separated ids, a manual run for some tenants): the others of the batch are left alone.
    'if [ -n "${BATCH_ONLY:-}" ]; then',
    '  awk -F $\'\\x1f\' -v only=" ${BATCH_ONLY} " \'index(only, " " $2 " ") > 0\' "${work}/tenants.tsv" > "${work}/tenants.only"',
    '  mv "${work}/tenants.only" "${work}/tenants.tsv"',
    "fi",
    ...(options.lock ? LOCK_FUNCTIONS : []),
    "run_one() {",
    '  local index="$1" id="$2" host="$3" retention="$4" minutes="$5" max_age="$6" empty_until="$7" label="$8" parameter="$9" aws_region="${10}"',
    '  local log="${work}/${index}.log" status=0 url="" started',
    '  started="$(date +%s)"',
    '  : > "${log}"',
    '  case "${CREDENTIAL_SOURCE}" in',
    '    slots) local slot="DATABASE_URL_${index}"; url="${!slot:-}";;',
    '    environment) url="${DATABASE_URL:-}";;',
    "    parameter)",
    '      if ! url="$(aws ssm get-parameter --region "${aws_region}" --name "${parameter}" --with-decryption --query Parameter.Value --output text 2> "${work}/${index}.ssm.err")"; then',
    '        echo "::error::could not read ${label} for ${id}: $(grep -v \'^$\' "${work}/${index}.ssm.err" | tail -n 1)" >> "${log}"; status=1; url=""',
    "      fi",
    // Masked in the job's own output at once, before anything could print it.
    '      if [ -n "${url}" ]; then echo "::add-mask::${url}"; fi;;',
    "  esac",
    ...(options.lock ? ['  if [ "${status}" -eq 0 ] && host_matches "${url}" "${host}"; then take_lock "${id}" "${url}" "${log}" || status=$?; fi'] : []),
    '  if [ "${status}" -eq 0 ]; then',
    // BATCH_NEW: the tenants of the batch the plan found new (backups).
    '    local new_tenant=false; if [[ " ${BATCH_NEW:-} " == *" ${id} "* ]]; then new_tenant=true; fi',
    '    ( export TENANT_ID="${id}" EXPECTED_DB_HOST="${host}" RETENTION_DAYS="${retention}" MAX_AGE_HOURS="${max_age}" EMPTY_ALLOWED_UNTIL="${empty_until}" NEW_TENANT="${new_tenant}" SECRET_LABEL="${label}" DATABASE_URL="${url}" DRILL_DATABASE="drill_${index}" GITHUB_OUTPUT="${work}/${index}.out"',
    '      exec timeout --kill-after=30 "$(( minutes * 60 ))" bash --noprofile --norc -eo pipefail "${work}/tenant.sh" ) >> "${log}" 2>&1 || status=$?',
    '    if [ "${status}" -eq 124 ] || [ "${status}" -eq 137 ]; then echo "::error::${id} did not finish within its ${minutes} min (backup.timeoutMinutes) and was stopped" >> "${log}"; fi',
    "  fi",
    ...(options.lock ? ["  release_lock"] : []),
    '  if [ "${status}" -ne 0 ] && ! grep -q "^::error::" "${log}"; then echo "::error::${id} failed (exit ${status}); its log is in the group above" >> "${log}"; fi',
    ...(options.drill
      ? ['  "/usr/lib/postgresql/${PG_MAJOR}/bin/dropdb" --host=localhost --username=postgres --if-exists "drill_${index}" >> "${log}" 2>&1 || true']
      : []),
    '  printf \'%s\\t%s\\t%s\\t%s\\n\' "${index}" "${id}" "${status}" "$(( $(date +%s) - started ))" > "${work}/${index}.result"',
    "}",
    "running=0",
    "while IFS=$'\\x1f' read -r index id host retention minutes max_age empty_until label parameter aws_region; do",
    '  run_one "${index}" "${id}" "${host}" "${retention}" "${minutes}" "${max_age}" "${empty_until}" "${label}" "${parameter}" "${aws_region}" &',
    "  running=$(( running + 1 ))",
    '  if [ "${running}" -ge "${BATCH_PARALLELISM}" ]; then wait -n || true; running=$(( running - 1 )); fi',
    'done < "${work}/tenants.tsv"',
    "wait || true",
    // The failed tenants first, in the step's first annotation and at the top of its summary: GitHub
    // keeps only a step's first 10 error annotations, and each failed tenant's log below has its own.
    "failed=()",
    "while IFS=$'\\x1f' read -r index id _; do",
    '  status="lost"; if [ -f "${work}/${index}.result" ]; then IFS=$\'\\t\' read -r _ _ status _ < "${work}/${index}.result"; fi',
    '  if [ "${status}" != 0 ]; then failed+=("${id}"); fi',
    'done < "${work}/tenants.tsv"',
    `if [ "\${#failed[@]}" -gt 0 ]; then echo "::error title=${FAILED_TENANTS_TITLE}::\${failed[*]}"; fi`,
    // Then each tenant's log in order, the table and the verdict.
    'total="$(wc -l < "${work}/tenants.tsv")"',
    '{ echo "### ${BATCH_KIND} ${BATCH_KEY}: ${total} tenant(s)"; echo; if [ "${#failed[@]}" -gt 0 ]; then echo "Failed (${#failed[@]}): ${failed[*]}"; echo; fi; echo "| tenant | result | seconds | detail |"; echo "|---|---|---|---|"; } >> "${GITHUB_STEP_SUMMARY:-/dev/null}"',
    "while IFS=$'\\x1f' read -r index id _; do",
    '  if [ -f "${work}/${index}.result" ]; then IFS=$\'\\t\' read -r _ _ status seconds < "${work}/${index}.result"; else status="lost" seconds=0; fi',
    '  if [ "${status}" = 0 ]; then verdict="ok"; else verdict="failed"; fi',
    '  echo "::group::${id}: ${verdict} (${seconds} s)"',
    '  cat "${work}/${index}.log" 2> /dev/null || true',
    '  echo "::endgroup::"',
    "  detail=\"$(grep -h '^::error::' \"${work}/${index}.log\" 2> /dev/null | head -n 1 | sed -e 's/^::error:://' -e 's/|/\\\\|/g' | cut -c 1-300 || true)\"",
    // RESULTS_DIR: one line per tenant for the wave's gate and the catalog: id, result, seconds, then the kind's fields (RESULT_RECORDS).
    '  if [ -n "${RESULTS_DIR:-}" ]; then',
    '    mkdir -p "${RESULTS_DIR}"',
    '    field() { grep -m 1 "^$1=" "${work}/${index}.out" 2> /dev/null | cut -d = -f 2- | tr -d \'\\t\\r\' | cut -c 1-200 || true; }',
    '    result="$(field result)"; if [ "${status}" != 0 ]; then result="failed"; elif [ -z "${result}" ]; then result="ok"; fi',
    `    line="\${id}"$'\\t'"\${result}"$'\\t'"\${seconds}"; for f in ${fields.join(" ")}; do line+=$'\\t'"$(field "\${f}")"; done`,
    '    printf \'%s\\n\' "${line}" >> "${RESULTS_DIR}/${BATCH_KEY}.tsv"',
    '    case "${result}" in current|skipped) verdict="${result}";; esac',
    ...(fields.includes("version_before")
      ? [
          '    version_before="$(field version_before)"; version_after="$(field version_after)"',
          '    if [ -z "${detail}" ] && [ -n "${version_before}${version_after}" ]; then detail="version ${version_before:-(none)} → ${version_after:-${version_before:-(none)}}"; fi',
        ]
      : []),
    "  fi",
    '  echo "| ${id} | ${verdict} | ${seconds} | ${detail} |" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"',
    'done < "${work}/tenants.tsv"',
    'rm -rf "${work}"',
    'if [ "${#failed[@]}" -gt 0 ]; then',
    '  echo "${#failed[@]} of ${total} tenant(s) failed: ${failed[*]}"',
    "  exit 1",
    "fi",
    'echo "all ${total} tenant(s) of ${BATCH_KEY} succeeded"',
  ].join("\n");
}

/** The title of the annotation that says a rollout stopped at a wave. */
export const ROLLOUT_STOPPED_TITLE = "tenant-fleet rollout stopped";

/**
 * A wave's gate: reads the result lines its batch jobs left (RESULTS_DIR, one file per
 * batch: id, result, seconds, versions, WAL position), counts every tenant that failed or
 * never reported (a job that died before writing counts its tenants as failed: PLANNED is
 * what the plan gave the wave), and fails when that exceeds BUDGET (`N` tenants or `P%` of
 * the wave, rounded down): the next wave needs this job to succeed. Environment: WAVE,
 * PLANNED, BUDGET, RESULTS_DIR.
 */
export function gateScript(): string {
  return [
    "set -euo pipefail",
    'mkdir -p "${RESULTS_DIR}"',
    // The plan gives every wave a count; none at all means the plan did not say, which is not zero.
    'if ! [[ "${PLANNED:-}" =~ ^[0-9]+$ ]]; then echo "::error::the plan gave no tenant count for wave ${WAVE}: the rollout stops"; exit 1; fi',
    "recorded=0; migrated=0; current=0; skipped=0; failed=()",
    // Every line read, in the log: tenant, result, seconds, version before and after, WAL position before.
    `echo "::group::results of wave \${WAVE}"; ${resultLines("RESULTS_DIR")}; echo "::endgroup::"`,
    "while IFS=$'\\t' read -r id result _; do",
    '  [ -n "${id}" ] || continue',
    "  recorded=$(( recorded + 1 ))",
    '  case "${result}" in ok) migrated=$(( migrated + 1 ));; current) current=$(( current + 1 ));; skipped) skipped=$(( skipped + 1 ));; *) failed+=("${id}");; esac',
    `done < <(${resultLines("RESULTS_DIR")})`,
    'missing=$(( PLANNED - recorded )); if [ "${missing}" -lt 0 ]; then missing=0; fi',
    "failures=$(( ${#failed[@]} + missing ))",
    'case "${BUDGET}" in *%) allowed=$(( PLANNED * ${BUDGET%\\%} / 100 ));; *) allowed="${BUDGET}";; esac',
    '{ echo "### wave ${WAVE}: ${PLANNED} tenant(s)"; echo; echo "${migrated} migrated, ${current} already at the target, ${skipped} not behind the version asked, ${#failed[@]} failed, ${missing} did not report; failure budget ${BUDGET} (${allowed} tenant(s))"; } >> "${GITHUB_STEP_SUMMARY:-/dev/null}"',
    'if [ "${failures}" -gt "${allowed}" ]; then',
    `  echo "::error title=${ROLLOUT_STOPPED_TITLE}::wave \${WAVE}: \${failures} of \${PLANNED} tenant(s) failed or did not report, over the failure budget of \${allowed} (\${BUDGET}): the later waves are not migrated\${failed:+; failed: \${failed[*]}}"`,
    "  exit 1",
    "fi",
    'echo "wave ${WAVE}: ${failures} of ${PLANNED} tenant(s) failed or did not report, within the failure budget of ${allowed} (${BUDGET}): the next wave goes ahead"',
  ].join("\n");
}

/**
 * Records a run's results in the fleet catalog (docs/migrations.md) as its insert-only
 * writer: one row per tenant, run and attempt (a re-run is a new attempt) in the kind's
 * table (RESULT_RECORDS), the wave's for migrations. Without the catalog's secret it says
 * so and records nothing. The rows reach psql as a variable, never as SQL text.
 * Environment: CATALOG_URL, CATALOG_SECRET (its name), WHAT (what is recorded, for
 * messages), WAVE (migrations), RESULTS_DIR, and the runner's GITHUB_RUN_ID,
 * GITHUB_RUN_ATTEMPT, GITHUB_SERVER_URL, GITHUB_REPOSITORY.
 */
export function recordScript(kind: BatchKind): string {
  const record = RESULT_RECORDS[kind];
  const columns = Object.entries(record.columns);
  const wave = kind === "migrations";
  const toRows = [
    // A tenant left alone by a manual run's version filter did nothing worth a row.
    'split("\\n") | map(select(length > 0) | split("\\t") | select(.[1] != "skipped")',
    "| {tenant_id: .[0], result: .[1], seconds: (.[2] | tonumber? // null),",
    columns.map(([name], i) => `${name}: (.[${i + 3}] // "" | if . == "" then null else . end)`).join(", "),
    wave ? ", wave: $wave})" : "})",
  ].join(" ");
  const targets = ["tenant_id", "run_id", "run_attempt", "run_url", ...(wave ? ["wave"] : []), "result", ...columns.map(([name]) => name), "seconds"];
  const values = [
    "r.tenant_id",
    ":'run_id'::bigint",
    ":'attempt'::int",
    ":'run_url'",
    ...(wave ? ["r.wave"] : []),
    "r.result",
    ...columns.map(([name, type]) => (type === "text" ? `r.${name}` : `r.${name}::${type}`)),
    "r.seconds",
  ];
  const recordset = ["tenant_id text", ...(wave ? ["wave text"] : []), "result text", ...columns.map(([name]) => `${name} text`), "seconds int"];
  return [
    "set -euo pipefail",
    'if [ -z "${CATALOG_URL:-}" ]; then echo "no fleet catalog (the secret ${CATALOG_SECRET} is not set): the results of ${WHAT} stay in this run\'s artifacts"; exit 0; fi',
    'mkdir -p "${RESULTS_DIR}"',
    `rows="$(${resultLines("RESULTS_DIR")} | jq -R -s -c --arg wave "\${WAVE:-}" '${toRows}')"`,
    'count="$(jq length <<< "${rows}")"',
    'if [ "${count}" = 0 ]; then echo "no result of ${WHAT} to record"; exit 0; fi',
    'psql_err="$(mktemp)"',
    'if ! psql -X -q -v ON_ERROR_STOP=1 --dbname="${CATALOG_URL}" -v rows="${rows}" -v run_id="${GITHUB_RUN_ID}" -v attempt="${GITHUB_RUN_ATTEMPT:-1}" -v run_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}" > /dev/null 2> "${psql_err}" <<\'SQL\'',
    `insert into ${record.table} (${targets.join(", ")})`,
    `select ${values.join(", ")}`,
    // No ON CONFLICT: it needs SELECT, which the writer has not; a run attempt records once.
    `from json_to_recordset(:'rows'::json) as r (${recordset.join(", ")});`,
    "SQL",
    "then",
    '  reason="$(grep -m 1 ERROR "${psql_err}" || head -n 1 "${psql_err}")"',
    '  case "${reason}" in *"foreign key"*) reason="${reason} (a tenant the catalog does not know: run npm run catalog -- sync after pulumi up)";; esac',
    '  echo "::error title=tenant-fleet catalog::the results of ${WHAT} were not recorded in the fleet catalog: ${reason}"',
    "  exit 1",
    "fi",
    'echo "recorded ${count} tenant(s) of ${WHAT} in the fleet catalog"',
  ].join("\n");
}
