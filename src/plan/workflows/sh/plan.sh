#!/usr/bin/env bash
# The planning step (after fleet-manifest.sh): prints the matrix of each job slot, one entry
# per batch with only its key, AWS region, Postgres major, image, runner labels, timeout and
# (repository scope) the names of its tenants' secrets. Writes `slot_1` ... `slot_<SLOTS>`
# (with waves, `w<n>_slot_<i>` and `w<n>_tenants`): JSON arrays of at most MAX_MATRIX_JOBS
# entries each.
# Inputs (environment):
#   MANIFEST                    the fleet manifest's path in the checkout
#   BATCH_KIND                  backup, restoreDrill or migrations
#   BATCH_SCHEDULE              backups: the schedule whose batches this workflow runs
#   SLOTS                       the workflow's matrix jobs per round
#   BATCH_PARALLELISM           tenants one job works on at once
#   WITH_SECRETS                true in the repository scope: entries name their tenants' secrets
#   MAX_MATRIX_JOBS             GitHub's limit of jobs per matrix
#   MIGRATION_TIMEOUT_MINUTES   a tenant's minutes when the manifest gives none
#   JOB_OVERHEAD_MINUTES        a batch job's own minutes on top of its tenants'
#   JOB_TIMEOUT_CAP_MINUTES     the longest a job may run
#   WAVES                       migrations: the waves in order (JSON array)
#   ONLY_TENANTS                a manual run's tenants input (ids, comma or space separated)
#   ONLY_WAVE                   a manual run's wave input (all or empty: every wave)
#   RETRY_RUN                   a manual run's retry_run input (a run id)
#   RETRY_DIR                   where the retried run's results were downloaded
#   ONLY_BEHIND                 a manual run's behind input (a schema version)
#   NEW_TENANT_DAYS             backups: a tenant the manifest did not list this many days ago is new
#   GH_TOKEN                    the run's token, to read the manifest's history
#   ACTIVITY_FILE               backups: {"<tenant>": epoch seconds} of Neon's last activity (neon-activity.sh), if read
#   WRITTEN_FILE                backups: {"<tenant>": [bytes, period start, read at]} of its project's WAL written (neon-activity.sh), if read

# ONLY_TENANTS (a manual run's input): ids, comma or space separated; each must be an active tenant.
ids_pattern='^[a-z0-9, -]*$'
if ! [[ "${ONLY_TENANTS:-}" =~ ${ids_pattern} ]]; then
  echo "::error::the tenants input may hold tenant ids (lowercase letters, digits, hyphens) separated by commas or spaces"
  exit 1
fi
only="$(jq -c -n --arg s "${ONLY_TENANTS:-}" '[$s | splits("[, ]+") | select(length > 0)] | unique')"
unknown="$(jq -r --argjson only "${only}" \
  '[.tenants[].id] as $ids | [$only[] | select(IN($ids[]) | not)] | join(", ")' "${MANIFEST}")"
if [ -n "${unknown}" ]; then
  echo "::error::not an active tenant of ${MANIFEST}: ${unknown}"
  exit 1
fi
# RETRY_RUN (a manual run's input): every tenant that run did not leave migrated or at the
# target (failed, or never reached behind a stopped wave), from the results it kept in RETRY_DIR.
if [ -n "${RETRY_RUN:-}" ]; then
  if ! [[ "${RETRY_RUN}" =~ ^[0-9]{1,20}$ ]]; then
    echo "::error::the retry_run input is the id of a run of this workflow (digits, as in …/actions/runs/<id>)"
    exit 1
  fi
  if [ "${only}" != "[]" ]; then
    echo "::error::give the tenants input or retry_run, not both"
    exit 1
  fi
  mkdir -p "${RETRY_DIR}"
  if [ -z "$(find "${RETRY_DIR}" -name "*.tsv" -type f -print -quit)" ]; then
    echo "::error::run ${RETRY_RUN} kept no migration results (not a run of this workflow, or its results expired after 30 days): name the tenants instead"
    exit 1
  fi
  done_ids="$(find "${RETRY_DIR}" -name "*.tsv" -type f -exec cat {} + \
    | jq -R -s -c 'split("\n") | map(split("\t") | select(.[1] == "ok" or .[1] == "current") | .[0])')"
  only="$(jq -c --argjson 'done' "${done_ids}" \
    '[.tenants[].id | select(IN($done[]) | not)] | if length == 0 then ["(none)"] else . end' "${MANIFEST}")"
  echo "retrying what run ${RETRY_RUN} left undone: $(jq -r 'if . == ["(none)"] then "nothing" else join(", ") end' <<< "${only}")"
fi
# ONLY_BEHIND (a manual run's input): checked here; each batch job compares it with the tenant's version.
if [ -n "${ONLY_BEHIND:-}" ] && ! [[ "${ONLY_BEHIND}" =~ ^[A-Za-z0-9._:+-]{1,100}$ ]]; then
  echo "::error::the behind input is a schema version (letters, digits and . _ : + -), as the version query prints it"
  exit 1
fi
if [ "${only}" != "[]" ] && [ -z "${RETRY_RUN:-}" ]; then
  echo "only the tenants ${only}"
fi
# NEW_TENANT_DAYS (backups): the tenants the manifest did not list that many days ago, from its
# history through GitHub's API (the run's own token, contents: read). An empty database of a
# new tenant is backed up with a warning; the API failing makes no one new.
new='[]'
if [ -n "${NEW_TENANT_DAYS:-}" ]; then
  since="$(date -u -d "-${NEW_TENANT_DAYS} days" +%Y-%m-%dT%H:%M:%SZ)"
  api() {
    curl -fsS --max-time 30 --retry 2 \
      -H "Authorization: Bearer ${GH_TOKEN:-}" \
      -H "X-GitHub-Api-Version: 2022-11-28" \
      "$@"
  }
  if before="$(api -H "Accept: application/vnd.github+json" \
    "${GITHUB_API_URL}/repos/${GITHUB_REPOSITORY}/commits?path=${MANIFEST}&sha=${GITHUB_SHA:-HEAD}&until=${since}&per_page=1" \
    2> "${RUNNER_TEMP}/history.err" | jq -r '.[0].sha // ""')"; then
    if [ -z "${before}" ]; then
      # No manifest that long ago: the fleet itself is new.
      new="$(jq -c '[.tenants[].id]' "${MANIFEST}")"
    elif old="$(api -H "Accept: application/vnd.github.raw+json" \
      "${GITHUB_API_URL}/repos/${GITHUB_REPOSITORY}/contents/${MANIFEST}?ref=${before}" \
      2> "${RUNNER_TEMP}/history.err" | jq -c '[.tenants[]?.id]')"; then
      new="$(jq -c --argjson old "${old}" '[.tenants[].id | select(IN($old[]) | not)]' "${MANIFEST}")"
    else
      echo "::warning::could not read ${MANIFEST} as of ${before} ($(head -n 1 "${RUNNER_TEMP}/history.err")): no tenant counts as new tonight"
    fi
  else
    echo "::warning::could not read the history of ${MANIFEST} ($(head -n 1 "${RUNNER_TEMP}/history.err")): no tenant counts as new tonight"
  fi
  if [ "${new}" != "[]" ]; then
    echo "new in the last ${NEW_TENANT_DAYS} days: $(jq -r 'join(", ")' <<< "${new}")"
  fi
fi
# ACTIVITY_FILE (backups): each batch's entry carries its tenants' last activity; none read, none
# carried. WRITTEN_FILE: likewise each tenant's project's WAL written (three whole numbers). Both
# reach jq as files: at thousands of tenants they exceed what one command-line argument may hold.
neon_read="${RUNNER_TEMP}/neon-read.json"
echo '[{}, {}]' > "${neon_read}"
if [ -n "${ACTIVITY_FILE:-}" ] && [ -s "${ACTIVITY_FILE}" ] && [ -s "${WRITTEN_FILE:-/dev/null}" ]; then
  jq -s -c '[(.[0] | if type == "object" then with_entries(select(.value | type == "number")) else {} end),
    (.[1] | if type == "object" then with_entries(select(.value | type == "array" and length == 3 and all(type == "number"))) else {} end)]' \
    "${ACTIVITY_FILE}" "${WRITTEN_FILE}" > "${neon_read}.new" 2> /dev/null && mv "${neon_read}.new" "${neon_read}"
elif [ -n "${ACTIVITY_FILE:-}" ] && [ -s "${ACTIVITY_FILE}" ]; then
  jq -c '[(if type == "object" then with_entries(select(.value | type == "number")) else {} end), {}]' \
    "${ACTIVITY_FILE}" > "${neon_read}.new" 2> /dev/null && mv "${neon_read}.new" "${neon_read}"
fi
# jq: `of_wave`, the batches of this kind in $wave (all when empty) that hold a tenant of the
# run ($only, all when empty); `entry`, a batch's matrix entry; `counted`, its tenants of the run.
plan_jq="$(fleet_jq_defs)"'
def of_wave: batches_of_kind[]
  | select($wave == "" or .wave == $wave)
  | select(($only | length) == 0 or any(.tenants[]; IN($only[])));
def counted: .tenants | if ($only | length) > 0 then map(select(IN($only[]))) else . end | length;
def entry($t): {key, aws_region: .awsRegion, pg}
  + (if .pgImage then {pg_image: .pgImage} else {} end)
  + (if .runsOn then {runs_on: .runsOn} else {} end)
  + {timeout_minutes: ([
      ((.tenants | length) / $parallel | ceil)
        * ([.tenants[] | ($t[.].backup.timeoutMinutes // $default_minutes)] | max)
        + $overhead,
      $cap
    ] | min)}
  # Only tenant secret names reach the `secrets[...]` lookups of the batch job, whatever the manifest says.
  + (if $secrets then {secrets: [.tenants[] | $t[.].credential.secret
      | if type == "string" and test("^[A-Z][A-Z0-9_]*_DATABASE_URL$") then .
        else error("\(tostring) is not a tenant secret name") end]} else {} end)
  # A run for some tenants only: the batch job migrates those of its batch and no other.
  + (if ($only | length) > 0 then {only: [.tenants[] | select(IN($only[]))]} else {} end)
  # Backups: the tenants of the batch that are new (not in the manifest NEW_TENANT_DAYS ago).
  + ([.tenants[] | select(IN($new[]))] | if length > 0 then {new: .} else {} end)
  # Backups: when Neon last saw each tenant of the batch active (epoch seconds), where it said.
  + ([.tenants[] | select($neon[0][0][.] != null) | {key: ., value: $neon[0][0][.]}] | from_entries
    | if length > 0 then {last_active: .} else {} end)
  # Backups: the WAL written of the project of each tenant, its period and when it was read, where Neon said.
  + ([.tenants[] | select($neon[0][1][.] != null) | {key: ., value: $neon[0][1][.]}] | from_entries
    | if length > 0 then {neon_written: .} else {} end);'
# plan_batches WAVE PREFIX: the batches (of one wave, or all) as PREFIXslot_N outputs, and PREFIXtenants.
plan_batches() {
  local wave="$1" prefix="$2" plan="${RUNNER_TEMP}/batches-$2.json" count tenants
  jq -c --arg kind "${BATCH_KIND}" --arg schedule "${BATCH_SCHEDULE:-}" --arg wave "${wave}" \
    --argjson parallel "${BATCH_PARALLELISM}" --argjson secrets "${WITH_SECRETS}" \
    --argjson only "${only}" --argjson new "${new}" --slurpfile neon "${neon_read}" \
    --argjson default_minutes "${MIGRATION_TIMEOUT_MINUTES}" --argjson overhead "${JOB_OVERHEAD_MINUTES}" \
    --argjson cap "${JOB_TIMEOUT_CAP_MINUTES}" \
    "${plan_jq}"' (.tenants | map({key: .id, value: .}) | from_entries) as $t | [of_wave | entry($t)]' \
    "${MANIFEST}" > "${plan}" 2> "${plan}.err" || {
    echo "::error::${MANIFEST} cannot be planned: $(head -n 1 "${plan}.err")"
    exit 1
  }
  count="$(jq length "${plan}")"
  if [ "${count}" -gt $(( SLOTS * MAX_MATRIX_JOBS )) ]; then
    echo "::error::${MANIFEST} plans ${count} jobs${wave:+ in wave ${wave}} and this workflow runs at most $(( SLOTS * MAX_MATRIX_JOBS )): run pulumi up, which replans the batches"
    exit 1
  fi
  for slot in $(seq 1 "${SLOTS}"); do
    echo "${prefix}slot_${slot}=$(jq -c --argjson i "${slot}" --argjson max "${MAX_MATRIX_JOBS}" \
      '.[($i - 1) * $max:$i * $max]' "${plan}")" >> "${GITHUB_OUTPUT}"
  done
  tenants="$(jq --arg kind "${BATCH_KIND}" --arg schedule "${BATCH_SCHEDULE:-}" --arg wave "${wave}" \
    --argjson only "${only}" "${plan_jq}"' [of_wave | counted] | add // 0' "${MANIFEST}")"
  echo "${prefix}tenants=${tenants}" >> "${GITHUB_OUTPUT}"
  echo "${tenants} tenant(s) in ${count} job(s)${wave:+ of wave ${wave}} from ${MANIFEST}"
}
if [ -n "${WAVES:-}" ]; then
  # A batch of a wave this workflow does not run would never be migrated: refuse the manifest.
  stray="$(jq -r --arg kind "${BATCH_KIND}" --arg schedule "${BATCH_SCHEDULE:-}" --argjson waves "${WAVES}" \
    "$(fleet_jq_defs)"' [batches_of_kind[] | select(.wave as $w | $waves | index($w) | not) | .wave // "(none)"]
      | unique | join(", ")' "${MANIFEST}")"
  if [ -n "${stray}" ]; then
    echo "::error::${MANIFEST} has batches of wave ${stray}, which this workflow does not run (its waves: $(jq -r 'join(", ")' <<< "${WAVES}")): run pulumi up, which writes both"
    exit 1
  fi
  n=0
  # ONLY_WAVE (a manual run's input, `all` or empty for every wave): the other waves plan nothing.
  if [ -n "${ONLY_WAVE:-}" ] && [ "${ONLY_WAVE}" != all ] \
    && ! jq -e --arg w "${ONLY_WAVE}" 'index($w)' <<< "${WAVES}" > /dev/null; then
    echo "::error::${ONLY_WAVE} is not a wave of this workflow ($(jq -r 'join(", ")' <<< "${WAVES}"))"
    exit 1
  fi
  while read -r wave; do
    n=$(( n + 1 ))
    if [ -n "${ONLY_WAVE:-}" ] && [ "${ONLY_WAVE}" != all ] && [ "${wave}" != "${ONLY_WAVE}" ]; then
      plan_batches "(not this run)" "w${n}_"
    else
      plan_batches "${wave}" "w${n}_"
    fi
  done < <(jq -r '.[]' <<< "${WAVES}")
else
  plan_batches "" ""
fi
