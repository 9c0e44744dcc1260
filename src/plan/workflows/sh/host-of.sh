#!/usr/bin/env bash
# `host_of URL`: the host a connection URI names (after the user and password, before the
# port, path or query), as written. The tenant scripts' host check (database-url.sh) and the
# batch job's lock (tenant-lock.sh) read a string's host with this one function.
# Inputs (environment): none

host_of() {
  local rest="${1#*://}" host
  case "${rest}" in
    *@*) rest="${rest#*@}";;
  esac
  host="${rest%%[/?]*}"
  if [[ "${host}" =~ ^(.*):[0-9]+$ ]]; then
    host="${BASH_REMATCH[1]}"
  fi
  printf '%s' "${host}"
}
