#!/usr/bin/env bash
# Before a tenant's backup, and before anything connects to its database: was the tenant
# active since its newest verified dump? It is left asleep (no dump, no connection, so Neon
# starts no compute) when that dump is younger than BACKUP_MAX_SKIP_DAYS by its key's stamp
# (newest-backup.sh checks the stamp against S3's LastModified and bounds the age), its
# manifest describes it (same tenant, key, started_at = the stamp) and says until when nothing
# was written (quiet_through, between the stamp and S3's upload time of the manifest plus
# CLOCK_SKEW_SECONDS), and one of two rules proves that nothing changed since:
# - last activity: Neon's record of the compute's last activity (LAST_ACTIVE, from the planning
#   job) is at least ACTIVITY_SLACK_SECONDS before quiet_through;
# - WAL written: the manifest records its project's written_data_bytes and billing period as
#   read before the dump (neon_written, read_at no later than the dump's stamp), and tonight's
#   read (NEON_WRITTEN) is of the same project and has the same period and the same bytes: no
#   WAL reached Neon's storage since (up to the value's lag: docs/backups.md says what that costs);
#   only on a night the planning job's canary saw Neon meter written data (WAL_RULE=on), and
#   only for a record read since the canary has shown it without a break (WAL_ALIVE_SINCE).
# It then writes `result=unchanged`, `key=<the dump>` and `rule=last_active` or `rule=wal` to
# GITHUB_OUTPUT; otherwise it writes nothing and says why the tenant is dumped (a manifest not
# trusted gets a notice). Composed after the
# function `newest_backup_script`, which prints sh/newest-backup.sh (it reads its own inputs:
# RETENTION_DAYS, BACKUP_PREFIX_LAYOUT ...).
# Inputs (environment):
#   TENANT_ID                 the tenant's id
#   LAST_ACTIVE               when Neon last saw the tenant's compute active (epoch seconds), if known
#   NEON_WRITTEN              its project's WAL written tonight: "bytes period_start read_at project" (epoch seconds), if known
#   WAL_RULE                  `on` when tonight's canary showed Neon metering written data (wal-canary.sh), else `off: <why>`
#   WAL_ALIVE_SINCE           with `on`: since when (epoch seconds) every run's canary grew; a record read before it is not trusted
#   BACKUP_MAX_SKIP_DAYS      the age at which a dump is taken however idle the tenant
#   ACTIVITY_SLACK_SECONDS    activity this close before quiet_through counts as after it (clocks)
#   CLOCK_SKEW_SECONDS        how far the runner's clock may run ahead of S3's
#   BACKUP_BUCKET             the vault's bucket
#   BACKUP_TIMESTAMP_FORMAT   strftime format of a backup's stamp
#   BACKUP_MANIFEST_SUFFIX    the manifest's key suffix, after the stamp

set -euo pipefail
if [ -z "${LAST_ACTIVE:-}" ] && [ -z "${NEON_WRITTEN:-}" ]; then
  echo "${TENANT_ID}: Neon's record of its activity is not known tonight: dumped"
  exit 0
fi
check="$(mktemp -d "${RUNNER_TEMP}/${TENANT_ID}.unchanged.XXXXXX")"
# The newest verified dump, as the drill would find it, no older than backupMaxSkipDays: its
# age is the key's stamp, which newest-backup.sh checked against S3's LastModified.
newest_backup_script > "${check}/newest.sh"
if ! (export GITHUB_OUTPUT="${check}/newest.out" MAX_AGE_HOURS=$(( BACKUP_MAX_SKIP_DAYS * 24 )) MAX_SKIP_HOURS=
  bash --noprofile --norc -eo pipefail "${check}/newest.sh") > "${check}/newest.log" 2>&1; then
  echo "${TENANT_ID}: no verified dump younger than backupMaxSkipDays (${BACKUP_MAX_SKIP_DAYS}) to compare with ($(grep -m 1 '^::error::' "${check}/newest.log" | sed 's/^::error:://' | cut -c 1-200)): dumped"
  exit 0
fi
key="$(grep -m 1 '^key=' "${check}/newest.out" | cut -d = -f 2-)"
manifest_key="$(grep -m 1 '^manifest=' "${check}/newest.out" | cut -d = -f 2-)"
age_minutes="$(grep -m 1 '^age_minutes=' "${check}/newest.out" | cut -d = -f 2-)"
stamp="${manifest_key##*/}"
stamp="${stamp%"${BACKUP_MANIFEST_SUFFIX}"}"
# S3's own time of the manifest's upload (server clock), from the same request that reads it.
aws s3api get-object --bucket "${BACKUP_BUCKET}" --key "${manifest_key}" "${check}/manifest.json" --output json \
  > "${check}/object.json"
stamp_epoch() {
  jq -n -r --arg s "$1" --arg f "${BACKUP_TIMESTAMP_FORMAT}" '$s | try (strptime($f) | mktime) catch ""'
}
uploaded="$(jq -r '.LastModified // "" | sub("\\.[0-9]+"; "") | sub("(\\+00:00|Z)$"; "Z") | try fromdateiso8601 catch ""' "${check}/object.json")"
taken="$(stamp_epoch "${stamp}")"
quiet="$(jq -r 'try (.quiet_through // "") catch ""' "${check}/manifest.json" 2> /dev/null || true)"
quiet="$(stamp_epoch "${quiet}")"
# The manifest must describe the object it names, at the key's time, and must not say the
# tenant was quiet later than S3 received it (plus CLOCK_SKEW_SECONDS): anything else (an older
# job's manifest, a copy of another tenant's, a date in the future) is not trusted: dumped.
distrust=""
if ! jq -e --arg t "${TENANT_ID}" --arg k "${key}" --arg s "${stamp}" \
  '.tenant == $t and .key == $k and .started_at == $s' "${check}/manifest.json" > /dev/null 2>&1; then
  distrust="its tenant, key or started_at differ from the object ${key}"
elif [ -z "${quiet}" ] || [ -z "${taken}" ] || [ -z "${uploaded}" ]; then
  distrust="it does not record until when nothing was written (an older backup job wrote it)"
elif [ "${quiet}" -lt "${taken}" ] || [ "${quiet}" -gt $(( uploaded + CLOCK_SKEW_SECONDS )) ]; then
  distrust="its quiet_through is not between the key's stamp and S3's upload time (+${CLOCK_SKEW_SECONDS} s)"
fi
if [ -n "${distrust}" ]; then
  echo "::notice::${TENANT_ID}: the manifest of its newest dump ${key} is not trusted for the idle check (${distrust}): dumped"
  exit 0
fi
# Rule 1, last activity. Safe direction: activity within ACTIVITY_SLACK_SECONDS before
# quiet_through may be a write the dump's quiet check did not see (Neon's clock may trail S3's
# and the runner's): not proven.
when() { date -u -d "@$1" +%FT%TZ; }
active_reason=""
if [ -z "${LAST_ACTIVE:-}" ]; then
  active_reason="Neon's record of its activity is not known tonight"
elif [ "${LAST_ACTIVE}" -gt $(( quiet - ACTIVITY_SLACK_SECONDS )) ]; then
  active_reason="active at $(when "${LAST_ACTIVE}"), not ${ACTIVITY_SLACK_SECONDS} s before its newest dump ${key} was known quiet"
fi
# Rule 2, WAL written. The recorded read must precede the dump (its stamp; the same second
# counts): then every write it metered is in the dump, and equal bytes in the same billing
# period since mean no write reached Neon's storage after it. No clock allowance: the planning
# job reads before the batch job that dumps even starts (needs:), so a record dated after the
# stamp is a clock error or a forgery, and an allowance there would be on the unsafe side (a
# write metered after the dump began would sit in the baseline, never seen as a change).
wal_reason=""
recorded="$(jq -r '.neon_written | select(type == "object") | . as $w
  | [.bytes, ((.period_start, .read_at) | try (sub("\\.[0-9]+"; "") | fromdateiso8601) catch null)]
  | select(all(type == "number") and ($w.project | type == "string" and test("^[a-z0-9][a-z0-9-]*$")))
  | map(tostring) + [$w.project] | join(" ")' "${check}/manifest.json" 2> /dev/null || true)"
rule_off="${WAL_RULE:-off: not decided}"
if [ "${WAL_RULE:-}" != on ]; then
  wal_reason="the WAL rule is off tonight (${rule_off#off: })"
elif [ -z "${NEON_WRITTEN:-}" ]; then
  wal_reason="its project's WAL written is not known tonight"
elif [ -z "${recorded}" ]; then
  wal_reason="the manifest of ${key} records no WAL written (the plan could not read it that night)"
else
  read -r now_bytes now_period now_read now_project <<< "${NEON_WRITTEN}"
  read -r was_bytes was_period was_read was_project <<< "${recorded}"
  if [ "${was_project}" != "${now_project:-}" ]; then
    wal_reason="the WAL written its manifest records is of Neon project ${was_project}, the tenant's project is now ${now_project:-unknown}"
  # Only a record read after the canary's chain began (strictly: the canary step runs after the
  # tenants' reads, so a record read on a night the canary was off is never later than that
  # night's catalog read, the chain's start): every night between it and tonight showed growth.
  elif ! [[ "${WAL_ALIVE_SINCE:-}" =~ ^[0-9]{1,19}$ ]] || [ "${was_read}" -le "${WAL_ALIVE_SINCE}" ]; then
    wal_reason="the WAL written its manifest records was read at $(when "${was_read}"), before Neon was last shown metering written data without a break (since $(when "${WAL_ALIVE_SINCE:-0}")): a write Neon missed before then would not show"
  elif [ "${was_read}" -gt "${taken}" ]; then
    wal_reason="the WAL written its manifest records was read at $(when "${was_read}"), after the dump began"
  elif [ "${now_period}" != "${was_period}" ]; then
    wal_reason="Neon's billing period changed since (from $(when "${was_period}") to $(when "${now_period}"))"
  elif [ "${now_bytes}" != "${was_bytes}" ]; then
    wal_reason="its project wrote WAL since (${was_bytes} bytes then, ${now_bytes} now)"
  elif [ "${now_read}" -le "${was_read}" ]; then
    wal_reason="tonight's read of its WAL written is not later than the one its dump records"
  fi
fi
if [ -z "${active_reason}" ]; then
  rule=last_active
  how="Neon last saw ${TENANT_ID} active at $(when "${LAST_ACTIVE}"), before that dump was known quiet"
elif [ -z "${wal_reason}" ]; then
  rule=wal
  how="no WAL written since: its project's written_data_bytes is ${now_bytes}, as read before that dump, in the billing period from $(when "${now_period}")"
else
  echo "${TENANT_ID}: ${active_reason}; ${wal_reason}: dumped"
  exit 0
fi
echo "unchanged since ${key} (taken $(( age_minutes / 60 )) h ago): ${how}; not connected, its compute sleeps"
{
  echo "result=unchanged"
  echo "key=${key}"
  echo "rule=${rule}"
} >> "${GITHUB_OUTPUT}"
rm -rf "${check}"
