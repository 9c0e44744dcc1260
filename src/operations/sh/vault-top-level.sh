#!/usr/bin/env bash
# A vault's top-level prefixes, one a line into PREFIXES_FILE: every version and delete marker
# listed with delimiter "/" (the CLI follows every page), so a retention class that only
# noncurrent versions are left in is found too.
# Inputs (environment):
#   ERASE_BUCKET    the vault's bucket
#   ERASE_REGION    its AWS region
#   PREFIXES_FILE   the file the prefixes are written to (replaced)
#   RUNNER_TEMP     where the listing goes (default /tmp)

set -euo pipefail
listing="$(mktemp "${RUNNER_TEMP:-/tmp}/erase-top.XXXXXX")"
trap 'rm -f "${listing}"' EXIT
aws s3api list-object-versions --region "${ERASE_REGION}" --bucket "${ERASE_BUCKET}" --delimiter / --output json \
  > "${listing}"
jq -r -n '(try input catch {}) | (.CommonPrefixes // [])[] | .Prefix' "${listing}" > "${PREFIXES_FILE}"
