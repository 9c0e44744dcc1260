#!/usr/bin/env bash
# The start of the planning and batch steps: refuses a fleet manifest that is missing or of
# another format, naming the file and the ref; and `fleet_jq_defs`, the jq definitions both
# read the manifest with (`batches_of_kind`: the batches of $kind and, for backups, $schedule).
# Inputs (environment):
#   MANIFEST          the fleet manifest's path in the checkout
#   MANIFEST_FORMAT   the fleet manifest's format (FLEET_MANIFEST_FORMAT)

set -euo pipefail
if [ ! -f "${MANIFEST}" ]; then
  echo "::error::the fleet manifest ${MANIFEST} is missing at ${GITHUB_REF}: pulumi up writes it (and the workflows that read it) in one deploy"
  exit 1
fi
if ! jq -e --argjson format "${MANIFEST_FORMAT}" '.format == $format' "${MANIFEST}" > /dev/null 2>&1; then
  echo "::error::${MANIFEST} is not a tenant-fleet manifest of format ${MANIFEST_FORMAT}: run pulumi up to rewrite it"
  exit 1
fi
fleet_jq_defs() {
  printf '%s\n' 'def batches_of_kind: if $kind == "backup" then (.batches.backup[$schedule] // []) else (.batches[$kind] // []) end;'
}
