#!/usr/bin/env bash
# Finds the tenant's newest complete backup (the newest manifest) in its retention class, over
# every page of the listing. Keys are named by the time the dump started and S3 records when
# the upload finished, so a key dated after its own upload (beyond clock skew) was not written
# by the backup job: the drill fails on it. Objects whose names are not manifests are ignored.
# Writes `key` (the dump), `manifest` and `age_minutes` to GITHUB_OUTPUT.
# Inputs (environment):
#   TENANT_ID                 the tenant's id
#   RETENTION_DAYS            the tenant's retention class, in days
#   MAX_AGE_HOURS             how old the newest backup may be
#   MAX_SKIP_HOURS            how much older it may be when the tenant was idle (backupMaxSkipDays), if any
#   BACKUP_BUCKET             the vault's bucket
#   BACKUP_PREFIX_LAYOUT      the key prefix of a tenant's backups, {tenant} and {days} in it
#   BACKUP_TIMESTAMP_FORMAT   strftime format of a backup's stamp (its key's name)
#   BACKUP_MANIFEST_SUFFIX    the manifest's key suffix, after the stamp
#   CLOCK_SKEW_SECONDS        how far a key's stamp may run ahead of its upload

set -euo pipefail
prefix="${BACKUP_PREFIX_LAYOUT//\{days\}/${RETENTION_DAYS}}"
prefix="${prefix//\{tenant\}/${TENANT_ID}}"
listing="${RUNNER_TEMP}/${TENANT_ID}.listing.json"
aws s3api list-objects-v2 --bucket "${BACKUP_BUCKET}" --prefix "${prefix}" --output json > "${listing}"
# A name shaped like a stamp but not a real UTC time (month 13, 25 h, 31 November: strptime
# fails, or mktime moves it to another time) is no backup of the job's: "invalid".
jq -r --arg prefix "${prefix}" --arg suffix "${BACKUP_MANIFEST_SUFFIX}" --arg format "${BACKUP_TIMESTAMP_FORMAT}" '
  (.Contents // [])[] | select(.Key | startswith($prefix))
  | select(.Key | ltrimstr($prefix) | endswith($suffix) and (rtrimstr($suffix) | test("^[0-9]{8}T[0-9]{6}Z$")))
  | (.Key | ltrimstr($prefix) | rtrimstr($suffix)) as $stamp
  | ($stamp | try (strptime($format) | mktime) catch null) as $taken
  | if $taken != null and ($taken | gmtime | strftime($format)) == $stamp
    then [.Key, $taken, (.LastModified | sub("\\.[0-9]+"; "") | sub("(\\+00:00|Z)$"; "Z") | fromdateiso8601)]
    else [.Key, "invalid", ""] end
  | @tsv' "${listing}" > "${listing}.tsv"
newest="" newest_at=0 forged=() invalid=()
while IFS=$'\t' read -r key taken uploaded; do
  if [ "${taken}" = invalid ]; then
    invalid+=("${key}")
    continue
  fi
  if [ "${taken}" -gt $(( uploaded + CLOCK_SKEW_SECONDS )) ]; then
    forged+=("${key}")
    continue
  fi
  if [ "${taken}" -gt "${newest_at}" ]; then
    newest="${key}"
    newest_at="${taken}"
  fi
done < "${listing}.tsv"
if [ "${#invalid[@]}" -gt 0 ]; then
  echo "::warning::ignored ${#invalid[@]} object(s) of ${TENANT_ID} named like a backup but not at a real UTC time (YYYYMMDDTHHMMSSZ), which the backup job never writes: ${invalid[*]}"
fi
if [ "${#forged[@]}" -gt 0 ]; then
  echo "::error::${#forged[@]} backup(s) of ${TENANT_ID} are dated after their own upload, so the backup job did not write them: ${forged[*]}. Investigate before trusting this vault"
  exit 1
fi
if [ -z "${newest}" ]; then
  echo "::error::no complete backup of ${TENANT_ID} under s3://${BACKUP_BUCKET}/${prefix} (a complete backup has a ${BACKUP_MANIFEST_SUFFIX} beside its .dump)"
  exit 1
fi
now="$(date -u +%s)"
if [ "${newest_at}" -gt $(( now + CLOCK_SKEW_SECONDS )) ]; then
  echo "::error::the newest backup of ${TENANT_ID} (${newest}) is dated in the future, beyond ${CLOCK_SKEW_SECONDS} s of clock skew"
  exit 1
fi
age_minutes=$(( ( now - newest_at ) / 60 ))
# An idle tenant's dump is skipped for up to backupMaxSkipDays: its newest dump may be that much older.
allowed_hours=$(( MAX_AGE_HOURS + ${MAX_SKIP_HOURS:-0} ))
if [ "${age_minutes}" -gt $(( allowed_hours * 60 )) ]; then
  echo "::error::the newest backup of ${TENANT_ID} (${newest}) is $(( age_minutes / 60 )) h $(( age_minutes % 60 )) min old; its schedule allows ${MAX_AGE_HOURS} h${MAX_SKIP_HOURS:+, and ${MAX_SKIP_HOURS} h more for an idle tenant (backupMaxSkipDays)}"
  exit 1
fi
echo "key=${newest%"${BACKUP_MANIFEST_SUFFIX}"}.dump" >> "${GITHUB_OUTPUT}"
echo "manifest=${newest}" >> "${GITHUB_OUTPUT}"
echo "age_minutes=${age_minutes}" >> "${GITHUB_OUTPUT}"
