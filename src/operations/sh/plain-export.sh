#!/usr/bin/env bash
# A plain-SQL copy of an export the backup script just wrote: the custom dump read back, turned
# into SQL by pg_restore (no owners, no privileges: the customer's roles differ), and uploaded
# beside it as a new object (If-None-Match), encrypted as the vault requires. S3 takes at most
# SINGLE_PUT_LIMIT_BYTES in one PUT, and a conditional write has no multipart copy: a larger
# SQL file fails it, naming the custom dump to hand over instead.
# Inputs (environment):
#   EXPORT_BUCKET            the vault's bucket
#   DUMP_KEY                 the custom-format export's key
#   PLAIN_KEY                the key the SQL is written to
#   PG_MAJOR                 the Postgres client's major version
#   BACKUP_ENCRYPTION        the vault's encryption: kms (BACKUP_KMS_KEY) or s3 (SSE-S3, AES256)
#   BACKUP_KMS_KEY           the vault's key (kms only)
#   SINGLE_PUT_LIMIT_BYTES   the largest object S3 takes in one PUT
#   RESULT_FILE              gets a "plain_bytes=" line (appended)
#   RUNNER_TEMP              where the work directory goes (default /tmp)

set -euo pipefail
case "${BACKUP_ENCRYPTION}" in
  kms) sse=(--server-side-encryption aws:kms --ssekms-key-id "${BACKUP_KMS_KEY}") ;;
  s3) sse=(--server-side-encryption AES256) ;;
  *)
    echo "::error::BACKUP_ENCRYPTION is \"${BACKUP_ENCRYPTION}\": kms or s3"
    exit 1 ;;
esac
bin="/usr/lib/postgresql/${PG_MAJOR}/bin"
work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/plain.XXXXXX")"
aws s3api get-object --bucket "${EXPORT_BUCKET}" --key "${DUMP_KEY}" "${work}/export.dump" > /dev/null
"${bin}/pg_restore" --no-owner --no-privileges --file="${work}/export.sql" "${work}/export.dump"
bytes="$(stat -c %s "${work}/export.sql")"
if [ "${bytes}" -gt "${SINGLE_PUT_LIMIT_BYTES}" ]; then
  echo "::error::the plain SQL export is ${bytes} bytes, more than S3 takes in one upload; hand over the custom-format dump (${DUMP_KEY}) instead"
  exit 1
fi
aws s3api put-object --bucket "${EXPORT_BUCKET}" --key "${PLAIN_KEY}" --body "${work}/export.sql" \
  --content-type application/sql --if-none-match '*' "${sse[@]}" > /dev/null
echo "plain_bytes=${bytes}" >> "${RESULT_FILE}"
echo "wrote the plain SQL export s3://${EXPORT_BUCKET}/${PLAIN_KEY} (${bytes} bytes)"
rm -rf "${work}"
