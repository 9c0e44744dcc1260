#!/usr/bin/env bash
# A batch job's step: every tenant of the batch through the kind's tenant script, at most
# BATCH_PARALLELISM at a time, each under its own timeout and its own credential. Composed
# after fleet-manifest.sh, the function `tenant_script` (which prints the kind's tenant script)
# and, for a kind that holds each tenant's lock (TENANT_LOCK_KEY), host-of.sh and tenant-lock.sh.
# Backups may also define `precheck_script` (sh/unchanged-check.sh): run first for each tenant,
# without its connection string, it may settle the tenant as unchanged, which is then neither
# read nor locked nor dumped. Every tenant is attempted whatever the others do; the job
# names the failed tenants first (its first annotation, the top of its summary), prints each
# tenant's log in a group, writes a table to the job summary, keeps one result line per tenant
# in RESULTS_DIR (the wave's gate, the catalog and the alert job read them), and fails.
# Inputs (environment):
#   MANIFEST                    the fleet manifest's path in the checkout
#   BATCH_KIND                  backup, restoreDrill or migrations
#   BATCH_SCHEDULE              backups: the schedule whose batches this workflow runs
#   BATCH_KEY                   this job's batch
#   BATCH_PARALLELISM           tenants at once
#   BATCH_ONLY                  a manual run's tenants of this batch (space separated), if any
#   BATCH_NEW                   backups: the tenants of the batch the plan found new
#   BATCH_LAST_ACTIVE           backups: {"<tenant>": epoch seconds} of Neon's last activity, as the plan read it
#   BATCH_NEON_WRITTEN          backups: {"<tenant>": [bytes, period start, read at]} of its project's WAL written, as the plan read it
#   WAL_RULE                    backups: `on`, or `off: <why>` (the planning job's canary; unchanged-check.sh reads it too)
#   CREDENTIAL_SOURCE           slots (DATABASE_URL_<n>), environment (DATABASE_URL), parameter (SSM) or none
#   DATABASE_URL                the environment scope's tenant string
#   PG_MAJOR                    the batch's Postgres major
#   MIGRATION_TIMEOUT_MINUTES   a tenant's minutes when the manifest gives none
#   TENANT_LOCK_KEY             set: each tenant's run holds its advisory lock (tenant-lock.sh)
#   RESULT_FIELDS               the tenant script's GITHUB_OUTPUT keys kept in the result line
#   RESULTS_DIR                 where the result lines go
#   FAILED_TENANTS_TITLE        the title of the annotation naming the failed tenants

work="$(mktemp -d "${RUNNER_TEMP}/batch.XXXXXX")"
tenant_script > "${work}/tenant.sh"
if declare -F precheck_script > /dev/null; then
  precheck_script > "${work}/precheck.sh"
fi
if ! jq -r -e --arg kind "${BATCH_KIND}" --arg schedule "${BATCH_SCHEDULE:-}" --arg key "${BATCH_KEY}" \
  --argjson default_minutes "${MIGRATION_TIMEOUT_MINUTES}" "$(fleet_jq_defs)"'
  (.tenants | map({key: .id, value: .}) | from_entries) as $t
  | ([batches_of_kind[] | select(.key == $key)][0] // error("no batch")) | .tenants | to_entries[] | $t[.value] as $x
  | if $x == null then error("no tenant") else
    [(.key + 1), .value, ($x.host // ""), ($x.backup.retentionDays // ""),
     ($x.backup.timeoutMinutes // $default_minutes), ($x.backup.maxAgeHours // ""), ($x.backup.emptyAllowedUntil // ""),
     ($x.credential
       | if .scope == "repository" then "secret \(.secret)"
         elif .scope == "environment" then "secret \(.secret) of environment \(.environment)"
         else "parameter \(.directParameter) in \(.awsRegion)" end),
     ($x.credential.directParameter // ""), $x.awsRegion] | map(tostring) | join("\u001f") end' \
  "${MANIFEST}" > "${work}/tenants.tsv" 2> "${work}/tenants.err"; then
  echo "::error::${MANIFEST} has no batch ${BATCH_KEY} of ${BATCH_KIND} whose tenants it lists ($(head -n 1 "${work}/tenants.err")): the manifest changed since this run was planned, or was edited by hand; run pulumi up"
  exit 1
fi
# BATCH_ONLY (space-separated ids, a manual run for some tenants): the others of the batch are left alone.
if [ -n "${BATCH_ONLY:-}" ]; then
  awk -F $'\x1f' -v only=" ${BATCH_ONLY} " 'index(only, " " $2 " ") > 0' "${work}/tenants.tsv" > "${work}/tenants.only"
  mv "${work}/tenants.only" "${work}/tenants.tsv"
fi
# `neon_written ID`: the tenant's project's WAL written as the plan read it ("bytes period_start
# read_at project": whole epoch seconds, and the Neon project the manifest names for the
# tenant, which the value is of), or nothing.
neon_written() {
  jq -r --arg id "$1" --argjson w "${BATCH_NEON_WRITTEN:-"{}"}" '($w[$id] // empty) as $v
    | select($v | type == "array" and length == 3 and all(type == "number" and . >= 0 and . == floor))
    | (first(.tenants[] | select(.id == $id)) | .projectId // empty) as $p
    | $v | map(tostring) + [$p] | join(" ")' "${MANIFEST}" 2> /dev/null || true
}
# `precheck INDEX ID RETENTION LOG`: the tenant's precheck, with no connection string in its
# environment; true when it settled the tenant as unchanged. A precheck that fails settles nothing.
precheck() {
  local last_active written status=0
  last_active="$(jq -r --arg id "$2" '.[$id] // empty' <<< "${BATCH_LAST_ACTIVE:-"{}"}" 2> /dev/null || true)"
  written="$(neon_written "$2")"
  (
    unset DATABASE_URL "${!DATABASE_URL_@}"
    export TENANT_ID="$2" RETENTION_DAYS="$3" LAST_ACTIVE="${last_active}" NEON_WRITTEN="${written}" GITHUB_OUTPUT="${work}/$1.out"
    exec timeout --kill-after=30 600 bash --noprofile --norc -eo pipefail "${work}/precheck.sh"
  ) >> "$4" 2>&1 || status=$?
  if [ "${status}" -ne 0 ]; then
    echo "::warning::could not tell whether $2 changed since its last dump (exit ${status}): dumped" >> "$4"
    return 1
  fi
  grep -q '^result=unchanged$' "${work}/$1.out" 2> /dev/null
}
run_one() {
  local index="$1" id="$2" host="$3" retention="$4" minutes="$5" max_age="$6" empty_until="$7" label="$8" \
    parameter="$9" aws_region="${10}"
  local log="${work}/${index}.log" status=0 url="" started written
  started="$(date +%s)"
  written="$(neon_written "${id}")"
  : > "${log}"
  if declare -F precheck_script > /dev/null && precheck "${index}" "${id}" "${retention}" "${log}"; then
    printf '%s\t%s\t%s\t%s\n' "${index}" "${id}" 0 "$(( $(date +%s) - started ))" > "${work}/${index}.result"
    return 0
  fi
  case "${CREDENTIAL_SOURCE}" in
    slots)
      local slot="DATABASE_URL_${index}"
      url="${!slot:-}";;
    environment) url="${DATABASE_URL:-}";;
    parameter) # masked in the job's own output at once, before anything could print it
      if ! url="$(aws ssm get-parameter --region "${aws_region}" --name "${parameter}" \
        --with-decryption --query Parameter.Value --output text 2> "${work}/${index}.ssm.err")"; then
        echo "::error::could not read ${label} for ${id}: $(grep -v '^$' "${work}/${index}.ssm.err" | tail -n 1)" >> "${log}"; status=1; url=""
      fi
      if [ -n "${url}" ]; then echo "::add-mask::${url}"; fi;;
  esac
  if [ -n "${TENANT_LOCK_KEY:-}" ] && [ "${status}" -eq 0 ] && host_matches "${url}" "${host}"; then
    take_lock "${id}" "${url}" "${log}" || status=$?
  fi
  if [ "${status}" -eq 0 ]; then
    # BATCH_NEW: the tenants of the batch the plan found new (backups).
    local new_tenant=false
    if [[ " ${BATCH_NEW:-} " == *" ${id} "* ]]; then
      new_tenant=true
    fi
    (
      export TENANT_ID="${id}" EXPECTED_DB_HOST="${host}" RETENTION_DAYS="${retention}" MAX_AGE_HOURS="${max_age}" \
        EMPTY_ALLOWED_UNTIL="${empty_until}" NEW_TENANT="${new_tenant}" SECRET_LABEL="${label}" DATABASE_URL="${url}" \
        DRILL_DATABASE="drill_${index}" NEON_WRITTEN="${written}" GITHUB_OUTPUT="${work}/${index}.out"
      exec timeout --kill-after=30 "$(( minutes * 60 ))" bash --noprofile --norc -eo pipefail "${work}/tenant.sh"
    ) >> "${log}" 2>&1 || status=$?
    if [ "${status}" -eq 124 ] || [ "${status}" -eq 137 ]; then
      echo "::error::${id} did not finish within its ${minutes} min (backup.timeoutMinutes) and was stopped" >> "${log}"
    fi
  fi
  if [ -n "${TENANT_LOCK_KEY:-}" ]; then
    release_lock
  fi
  if [ "${status}" -ne 0 ] && ! grep -q "^::error::" "${log}"; then
    echo "::error::${id} failed (exit ${status}); its log is in the group above" >> "${log}"
  fi
  # A drill's scratch database goes with its run.
  if [ "${BATCH_KIND}" = restoreDrill ]; then
    "/usr/lib/postgresql/${PG_MAJOR}/bin/dropdb" --host=localhost --username=postgres --if-exists "drill_${index}" \
      >> "${log}" 2>&1 || true
  fi
  printf '%s\t%s\t%s\t%s\n' "${index}" "${id}" "${status}" "$(( $(date +%s) - started ))" > "${work}/${index}.result"
}
running=0
while IFS=$'\x1f' read -r index id host retention minutes max_age empty_until label parameter aws_region; do
  run_one "${index}" "${id}" "${host}" "${retention}" "${minutes}" "${max_age}" "${empty_until}" "${label}" \
    "${parameter}" "${aws_region}" &
  running=$(( running + 1 ))
  if [ "${running}" -ge "${BATCH_PARALLELISM}" ]; then
    wait -n || true
    running=$(( running - 1 ))
  fi
done < "${work}/tenants.tsv"
wait || true
# The failed tenants first, in the step's first annotation and at the top of its summary: GitHub
# keeps only a step's first 10 error annotations, and each failed tenant's log below has its own.
failed=()
while IFS=$'\x1f' read -r index id _; do
  status="lost"
  if [ -f "${work}/${index}.result" ]; then
    IFS=$'\t' read -r _ _ status _ < "${work}/${index}.result"
  fi
  if [ "${status}" != 0 ]; then
    failed+=("${id}")
  fi
done < "${work}/tenants.tsv"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "::error title=${FAILED_TENANTS_TITLE}::${failed[*]}"
fi
# Then each tenant's log in order, the table and the verdict.
total="$(wc -l < "${work}/tenants.tsv")"
asleep_active=0 asleep_wal=0
{
  echo "### ${BATCH_KIND} ${BATCH_KEY}: ${total} tenant(s)"
  echo
  if [ "${#failed[@]}" -gt 0 ]; then
    echo "Failed (${#failed[@]}): ${failed[*]}"
    echo
  fi
  echo "| tenant | result | seconds | detail |"
  echo "|---|---|---|---|"
} >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
while IFS=$'\x1f' read -r index id _; do
  if [ -f "${work}/${index}.result" ]; then
    IFS=$'\t' read -r _ _ status seconds < "${work}/${index}.result"
  else
    status="lost" seconds=0
  fi
  if [ "${status}" = 0 ]; then verdict="ok"; else verdict="failed"; fi
  echo "::group::${id}: ${verdict} (${seconds} s)"
  cat "${work}/${index}.log" 2> /dev/null || true
  echo "::endgroup::"
  detail="$(grep -h '^::error::' "${work}/${index}.log" 2> /dev/null | head -n 1 \
    | sed -e 's/^::error:://' -e 's/|/\\|/g' | cut -c 1-300 || true)"
  # RESULTS_DIR: one line per tenant for the wave's gate and the catalog: id, result, seconds,
  # then the kind's RESULT_FIELDS.
  if [ -n "${RESULTS_DIR:-}" ]; then
    mkdir -p "${RESULTS_DIR}"
    field() {
      grep -m 1 "^$1=" "${work}/${index}.out" 2> /dev/null | cut -d = -f 2- | tr -d '\t\r' | cut -c 1-200 || true
    }
    result="$(field result)"
    if [ "${status}" != 0 ]; then
      result="failed"
    elif [ -z "${result}" ]; then
      result="ok"
    fi
    line="${id}"$'\t'"${result}"$'\t'"${seconds}"
    for f in ${RESULT_FIELDS}; do
      line+=$'\t'"$(field "${f}")"
    done
    printf '%s\n' "${line}" >> "${RESULTS_DIR}/${BATCH_KEY}.tsv"
    case "${result}" in current|skipped|unchanged) verdict="${result}";; esac
    if [ "${result}" = unchanged ]; then
      # Which rule proved it (sh/unchanged-check.sh), counted below the table.
      case "$(field rule)" in
        wal) detail="unchanged since $(field key): no WAL written since" asleep_wal=$(( asleep_wal + 1 ));;
        *) detail="unchanged since $(field key): not active since" asleep_active=$(( asleep_active + 1 ));;
      esac
    fi
    # Migrations: the versions before and after, when nothing failed.
    version_before="$(field version_before)"
    version_after="$(field version_after)"
    if [ -z "${detail}" ] && [ -n "${version_before}${version_after}" ]; then
      detail="version ${version_before:-(none)} → ${version_after:-${version_before:-(none)}}"
    fi
  fi
  echo "| ${id} | ${verdict} | ${seconds} | ${detail} |" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
done < "${work}/tenants.tsv"
if [ "$(( asleep_active + asleep_wal ))" -gt 0 ]; then
  summary_line="left asleep: $(( asleep_active + asleep_wal )) of ${total} tenant(s), ${asleep_active} by Neon's last activity, ${asleep_wal} by its WAL written"
  printf '\n%s\n' "${summary_line^}" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
  echo "${summary_line}"
fi
# Backups: a night the WAL rule could not be used says why under the table (the canary, wal-canary.sh).
if [ -n "${WAL_RULE:-}" ] && [ "${WAL_RULE}" != on ]; then
  printf '\nThe WAL rule was off tonight: %s.\n' "${WAL_RULE#off: }" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
fi
rm -rf "${work}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "${#failed[@]} of ${total} tenant(s) failed: ${failed[*]}"
  exit 1
fi
echo "all ${total} tenant(s) of ${BATCH_KEY} succeeded"
