#!/usr/bin/env bash
# The start of a script that holds DATABASE_URL: a missing secret is named, not met with a
# socket error; the password is masked in the log before any tool could print it; and the
# parts of the string (url_user, url_password, url_host, url_db) are kept for redaction.
# Composed after host-of.sh, whose host_of it calls.
# Inputs (environment):
#   DATABASE_URL   the tenant's connection string (a secret)
#   SECRET_LABEL   where the string lives, for messages (never its value)
#   TENANT_ID      the tenant's id
# shellcheck disable=SC2034 # url_user, url_host: read by the files composed after this one (host-check.sh, backup.sh)

set -euo pipefail
if [ -z "${DATABASE_URL:-}" ]; then
  echo "::error::${SECRET_LABEL} is empty or missing for ${TENANT_ID}: pulumi up writes it, and only runs of the default branch can read it"
  exit 1
fi
url_rest="${DATABASE_URL#*://}"
url_userinfo=""
case "${url_rest}" in
  *@*)
    url_userinfo="${url_rest%%@*}"
    url_rest="${url_rest#*@}";;
esac
url_user="${url_userinfo%%:*}"
url_password=""
case "${url_userinfo}" in
  *:*) url_password="${url_userinfo#*:}";;
esac
if [ -n "${url_password}" ]; then
  echo "::add-mask::${url_password}"
fi
url_host="$(host_of "${DATABASE_URL}")"
url_db=""
case "${url_rest}" in
  */*)
    url_db="${url_rest#*/}"
    url_db="${url_db%%\?*}";;
esac
