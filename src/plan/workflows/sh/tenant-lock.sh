#!/usr/bin/env bash
# `take_lock ID URL LOG`: holds the tenant's advisory lock (TENANT_LOCK_KEY) in a psql session of
# its own (a coprocess, ended by `release_lock`) until the run is over, so a backup and a
# migration of one tenant never overlap. Waits while another backup or migration holds it; a
# string that does not connect is left to the tenant script to explain (it fails there with the
# reason). Taken only with a string for the tenant's own host (`host_matches URL HOST`, the
# reading of host-check.sh, with host-of.sh's host_of): any other string never connects, and
# the tenant script refuses it.
# Inputs (environment):
#   PG_MAJOR                    the Postgres client's major version (else psql on PATH)
#   TENANT_LOCK_KEY             the advisory lock's key
#   TENANT_LOCK_WAIT_SECONDS    how long to wait for another run to finish
#   TENANT_LOCK_POLL_SECONDS    how often to try again

host_matches() {
  local h
  h="$(host_of "$1")"
  [ -n "$2" ] && [ "${h,,}" = "${2,,}" ]
}
take_lock() {
  local id="$1" url="$2" log="$3" waited=0 answer=""
  local psql_bin="/usr/lib/postgresql/${PG_MAJOR}/bin/psql"
  [ -x "${psql_bin}" ] || psql_bin=psql
  coproc LOCK { "${psql_bin}" -X -q -At --dbname="${url}" 2> /dev/null; }
  while :; do
    echo "select pg_try_advisory_lock(${TENANT_LOCK_KEY});" 1>&"${LOCK[1]}" 2> /dev/null || return 0
    answer=""
    read -r -t 60 answer <&"${LOCK[0]}" 2> /dev/null || return 0
    if [ "${answer}" = t ]; then
      if [ "${waited}" -gt 0 ]; then
        echo "waited ${waited} s for the lock of ${id} (another backup or migration of it was running)" >> "${log}"
      fi
      return 0
    fi
    if [ "${waited}" -ge "${TENANT_LOCK_WAIT_SECONDS}" ]; then
      echo "::error::another backup or migration of ${id} held its lock for $(( TENANT_LOCK_WAIT_SECONDS / 60 )) min; this run gave up (the next one retries)" >> "${log}"
      release_lock
      return 1
    fi
    sleep "${TENANT_LOCK_POLL_SECONDS}"
    waited=$(( waited + TENANT_LOCK_POLL_SECONDS ))
  done
}
# Ending the session releases the lock.
release_lock() {
  if [ -n "${LOCK_PID:-}" ]; then
    kill "${LOCK_PID}" 2> /dev/null || true
    wait "${LOCK_PID}" 2> /dev/null || true
  fi
}
