#!/usr/bin/env bash
# The start of a step that reads the Neon API with NEON_ACTIVITY_API_KEY (the backups'
# activity check; the drill's snapshot check). `neon_get URL OUT`: one GET, its answer in the
# file OUT; returns non-zero and sets `neon_failure` when Neon refused it or did not answer.
# Rate limits (https://api-docs.neon.tech/reference/api-rate-limiting): 700 requests a minute
# and bursts of 40 a second per route, per account, shared with pulumi up and the Console;
# over them Neon answers 429. So requests start NEON_REQUEST_SPACING_MS apart (the pause after
# each is what is left of that time once Neon answered: an answer that took longer is not
# waited for again), and a 429,
# a 5xx or no answer is retried after the answer's Retry-After seconds (capped), else after
# 1, 2, 4 ... s, NEON_MAX_ATTEMPTS tries in all. A read changes nothing, so retrying is safe.
# Inputs (environment):
#   NEON_ACTIVITY_API_KEY      the Neon API key (a secret)
#   NEON_MAX_ATTEMPTS          tries of one request before Neon counts as unreachable
#   NEON_REQUEST_SPACING_MS    the time between the starts of two requests
#   NEON_RETRY_AFTER_CAP       the longest Retry-After honoured, in seconds
# shellcheck disable=SC2034 # neon_failure: read by the files composed after this one

set -euo pipefail
# `neon_get URL OUT`: one GET into OUT, retried on 429 (after Retry-After), 5xx and no answer.
neon_get() {
  local url="$1" out="$2" attempt=1 code headers wait started
  headers="$(mktemp)"
  while :; do
    started="$(date +%s%N)"
    code="$(curl -sS --max-time 30 -o "${out}" -D "${headers}" -w '%{http_code}' \
      -H "Authorization: Bearer ${NEON_ACTIVITY_API_KEY}" -H "Accept: application/json" "${url}" 2> /dev/null || echo 000)"
    sleep "$(awk -v ms="${NEON_REQUEST_SPACING_MS}" -v took="$(( ($(date +%s%N) - started) / 1000000 ))" \
      'BEGIN { left = ms - took; printf "%.3f", (left > 0 ? left : 0) / 1000 }')"
    case "${code}" in
      2??) rm -f "${headers}"; return 0;;
      429|5??|000)
        if [ "${attempt}" -ge "${NEON_MAX_ATTEMPTS}" ]; then
          neon_failure="HTTP ${code} after ${attempt} tries"
          rm -f "${headers}"
          return 1
        fi
        # Retry-After in seconds (RFC 9110 section 10.2.3); otherwise back off 1, 2, 4 ... s.
        wait="$(awk 'tolower($1) == "retry-after:" { gsub("\r", "", $2); print $2 }' "${headers}" | tail -n 1)"
        if ! [[ "${wait}" =~ ^[0-9]+$ ]]; then wait=$(( 1 << (attempt - 1) )); fi
        if [ "${wait}" -gt "${NEON_RETRY_AFTER_CAP}" ]; then wait="${NEON_RETRY_AFTER_CAP}"; fi
        sleep "${wait}"
        attempt=$(( attempt + 1 ));;
      *)
        neon_failure="HTTP ${code}: $(jq -r '.message // empty' "${out}" 2> /dev/null | head -c 200)"
        rm -f "${headers}"
        return 1;;
    esac
  done
}
