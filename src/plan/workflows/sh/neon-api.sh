#!/usr/bin/env bash
# The start of a dev/test step that calls the Neon API. `api URL`: a read (GET), retried on any
# error since reading twice changes nothing. `api_write METHOD URL [BODY]`: one request, never
# retried by curl (a POST whose answer was lost may have created the branch); leaves the answer
# in the file `reply` and its HTTP status in `code` (000 when no answer came).
# Inputs (environment):
#   NEON_API_KEY   the dev/test project's API key (a secret)
# shellcheck disable=SC2034 # code: read by the files composed after this one

set -euo pipefail
api() {
  curl -fsS --retry 3 --retry-all-errors \
    -H "Authorization: Bearer ${NEON_API_KEY}" \
    -H "Accept: application/json" \
    "$@"
}
reply="$(mktemp)"
api_write() {
  code="$(curl -sS -o "${reply}" -w '%{http_code}' -X "$1" \
    -H "Authorization: Bearer ${NEON_API_KEY}" \
    -H "Accept: application/json" \
    -H "Content-Type: application/json" \
    "$2" ${3:+-d "$3"} || true)"
}
