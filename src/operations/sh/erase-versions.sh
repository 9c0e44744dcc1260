#!/usr/bin/env bash
# Deletes exactly the versions of LISTING_FILE (the checked listing, {prefix, Key, VersionId}
# lines) from one vault, at most 1,000 a request: a versioned vault keeps a deleted object as a
# noncurrent version, so deleting the key alone erases nothing. Any version S3 refuses stops it.
# Governance-mode locks are bypassed when BYPASS_GOVERNANCE is true (only the break-glass role
# may). Prints what it erased under each prefix.
# Inputs (environment):
#   ERASE_BUCKET        the vault's bucket
#   ERASE_REGION        its AWS region
#   LISTING_FILE        the versions to delete, as the listing script wrote them and erase.ts checked them
#   BYPASS_GOVERNANCE   true: delete under a governance-mode lock too
#   RESULT_FILE         gets "prefix<TAB>deleted" lines (replaced)
#   RUNNER_TEMP         where the work directory goes (default /tmp)

set -euo pipefail
work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/erase.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
bypass=()
if [ "${BYPASS_GOVERNANCE}" = true ]; then
  bypass=(--bypass-governance-retention)
fi
: > "${RESULT_FILE}"
jq -s -c 'range(0; length; 1000) as $i | .[$i:$i + 1000]' "${LISTING_FILE}" > "${work}/pages.ndjson"
while IFS= read -r page; do
  jq -c '{Objects: [.[] | {Key, VersionId}], Quiet: true}' <<< "${page}" > "${work}/delete.json"
  aws s3api delete-objects --region "${ERASE_REGION}" --bucket "${ERASE_BUCKET}" \
    --delete "file://${work}/delete.json" "${bypass[@]}" --output json > "${work}/deleted.json"
  # A quiet delete without errors prints nothing: no errors.
  refused="$(jq -n '(try input catch {}) | (.Errors // []) | length' "${work}/deleted.json")"
  if [ "${refused}" -ne 0 ]; then
    echo "::error::S3 refused to delete ${refused} object version(s) in s3://${ERASE_BUCKET}: $(jq -r '.Errors[0] | "\(.Key) \(.VersionId // ""): \(.Code) \(.Message)"' "${work}/deleted.json")"
    exit 1
  fi
  jq -r '.[].prefix' <<< "${page}" >> "${work}/deleted.txt"
done < "${work}/pages.ndjson"
if [ -s "${work}/deleted.txt" ]; then
  awk '{ n[$0]++ } END { for (p in n) printf "%s\t%d\n", p, n[p] }' "${work}/deleted.txt" > "${RESULT_FILE}"
fi
while IFS=$'\t' read -r prefix n; do
  echo "erased ${n} object version(s) under s3://${ERASE_BUCKET}/${prefix}"
done < "${RESULT_FILE}"
