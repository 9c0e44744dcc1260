#!/usr/bin/env bash
# Before a tenant's backup, and before anything connects to its database: was the tenant
# active since its newest verified dump? It is left asleep (no dump, no connection, so Neon
# starts no compute) when Neon's record of its compute's last activity (LAST_ACTIVE, from the
# planning job) is no later than the time its newest dump recorded nothing had been written
# since its snapshot (the manifest's quiet_through) plus ACTIVITY_SLACK_SECONDS, and that dump
# is younger than BACKUP_MAX_SKIP_DAYS. It then writes `result=unchanged` and `key=<the dump>`
# to GITHUB_OUTPUT; otherwise it writes nothing and says why the tenant is dumped: no activity
# known (no key, Neon unreadable, no project), no verified dump yet, a dump older than
# the manifest field, activity since, or the dump past the maximum age. Composed after the
# function `newest_backup_script`, which prints sh/newest-backup.sh (it reads its own inputs:
# RETENTION_DAYS, BACKUP_PREFIX_LAYOUT, CLOCK_SKEW_SECONDS ...).
# Inputs (environment):
#   TENANT_ID                 the tenant's id
#   LAST_ACTIVE               when Neon last saw the tenant's compute active (epoch seconds), if known
#   BACKUP_MAX_SKIP_DAYS      the age at which a dump is taken however idle the tenant
#   ACTIVITY_SLACK_SECONDS    how far Neon's clock and its activity record may trail the dump's end
#   BACKUP_BUCKET             the vault's bucket
#   BACKUP_TIMESTAMP_FORMAT   strftime format of a backup's stamp

set -euo pipefail
if [ -z "${LAST_ACTIVE:-}" ]; then
  echo "${TENANT_ID}: Neon's record of its activity is not known tonight: dumped"
  exit 0
fi
check="$(mktemp -d "${RUNNER_TEMP}/${TENANT_ID}.unchanged.XXXXXX")"
# The newest verified dump, as the drill would find it; any age (checked below).
newest_backup_script > "${check}/newest.sh"
if ! (export GITHUB_OUTPUT="${check}/newest.out" MAX_AGE_HOURS=1000000
  bash --noprofile --norc -eo pipefail "${check}/newest.sh") > "${check}/newest.log" 2>&1; then
  echo "${TENANT_ID}: no verified dump to compare with ($(grep -m 1 '^::error::' "${check}/newest.log" | sed 's/^::error:://' | cut -c 1-200)): dumped"
  exit 0
fi
key="$(grep -m 1 '^key=' "${check}/newest.out" | cut -d = -f 2-)"
manifest_key="$(grep -m 1 '^manifest=' "${check}/newest.out" | cut -d = -f 2-)"
aws s3api get-object --bucket "${BACKUP_BUCKET}" --key "${manifest_key}" "${check}/manifest.json" > /dev/null
stamp_epoch() {
  jq -n -r --arg s "$1" --arg f "${BACKUP_TIMESTAMP_FORMAT}" '$s | try (strptime($f) | mktime) catch ""'
}
taken="$(stamp_epoch "$(jq -r '.started_at // ""' "${check}/manifest.json")")"
quiet="$(stamp_epoch "$(jq -r '.quiet_through // ""' "${check}/manifest.json")")"
if [ -z "${taken}" ] || [ -z "${quiet}" ]; then
  echo "${TENANT_ID}: its newest dump ${key} does not record until when nothing was written (an older backup job wrote it): dumped"
  exit 0
fi
if [ "${LAST_ACTIVE}" -gt $(( quiet + ${ACTIVITY_SLACK_SECONDS} )) ]; then
  echo "${TENANT_ID}: active at $(date -u -d "@${LAST_ACTIVE}" +%FT%TZ), after its newest dump ${key}: dumped"
  exit 0
fi
age_days=$(( ($(date -u +%s) - taken) / 86400 ))
if [ "${age_days}" -ge "${BACKUP_MAX_SKIP_DAYS}" ]; then
  echo "::notice::${TENANT_ID} has been idle since ${key}, ${age_days} day(s) ago: dumped anyway (backupMaxSkipDays ${BACKUP_MAX_SKIP_DAYS}), so the restore drill keeps a dump this young"
  exit 0
fi
echo "unchanged since ${key}: Neon last saw ${TENANT_ID} active at $(date -u -d "@${LAST_ACTIVE}" +%FT%TZ), before that dump ended; not connected, its compute sleeps"
{
  echo "result=unchanged"
  echo "key=${key}"
} >> "${GITHUB_OUTPUT}"
rm -rf "${check}"
