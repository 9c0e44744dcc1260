#!/usr/bin/env bash
# Lists every version and delete marker under each prefix in one vault, as JSON lines
# {prefix, Key, VersionId} in LISTING_FILE: what an erasure checks before it deletes anything
# (src/operations/erase.ts listingProblems), and the proof when it comes back empty. The
# prefixes are listed side by side (the CLI follows every page) and joined in their order; any
# failure fails it. An empty listing prints nothing at all: read as none.
# Inputs (environment):
#   ERASE_BUCKET     the vault's bucket
#   ERASE_REGION     its AWS region
#   ERASE_PREFIXES   the prefixes to list, one a line
#   LISTING_FILE     the file the listing is written to (replaced)
#   RUNNER_TEMP      where the work directory goes (default /tmp)

set -euo pipefail
work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/erase-list.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
n=0
pids=()
while IFS= read -r prefix; do
  [ -n "${prefix}" ] || continue
  n=$((n + 1))
  (
    aws s3api list-object-versions --region "${ERASE_REGION}" --bucket "${ERASE_BUCKET}" --prefix "${prefix}" \
      --output json > "${work}/${n}.json" &&
      jq -c -n --arg prefix "${prefix}" \
        '(try input catch {}) | ((.Versions // [])[], (.DeleteMarkers // [])[]) | {prefix: $prefix, Key, VersionId}' \
        "${work}/${n}.json" > "${work}/${n}.ndjson"
  ) &
  pids+=("$!")
done <<< "${ERASE_PREFIXES}"
for pid in "${pids[@]}"; do
  wait "${pid}"
done
: > "${LISTING_FILE}"
for i in $(seq 1 "${n}"); do
  cat "${work}/${i}.ndjson" >> "${LISTING_FILE}"
done
