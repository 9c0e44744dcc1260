#!/usr/bin/env bash
# One tenant's migration, before the team's command (composed after host-of.sh,
# database-url.sh and host-check.sh: the string is masked and its host checked against the
# fleet manifest first; another tenant's string fails there, before it connects). With
# VERSION_QUERY the schema version is read before (a schema without the tool's table yet reads
# as none) and the WAL position recorded, so the tenant can be restored to just before. A
# tenant already at TARGET_VERSION is left alone (result=current), and with ONLY_BEHIND one at
# or past that version (result=skipped, `sort -V` order). Then the team's command runs, and
# migration-tenant-after.sh. Writes version_before and lsn_before to GITHUB_OUTPUT (the
# tenant's own file).
# Inputs (environment):
#   TENANT_ID        the tenant's id
#   PG_MAJOR         the Postgres client's major version (else psql on PATH)
#   DATABASE_URL     the tenant's connection string (a secret)
#   SECRET_LABEL     where the string lives, for messages
#   VERSION_QUERY    optional: SQL that prints the schema version
#   TARGET_VERSION   optional: the version the migration brings every tenant to
#   ONLY_BEHIND      optional: a manual run's version; tenants at or past it are left alone

psql_bin="/usr/lib/postgresql/${PG_MAJOR}/bin/psql"
[ -x "${psql_bin}" ] || psql_bin=psql
read_version() {
  "${psql_bin}" -X -q -At -v ON_ERROR_STOP=1 --dbname="${DATABASE_URL}" -c "${VERSION_QUERY}" \
    2> "${RUNNER_TEMP:-/tmp}/version.err.$$" | tail -n 1
}
version_before=""
if [ -n "${VERSION_QUERY:-}" ]; then
  version_before="$(read_version)" || version_before=""
fi
lsn_before="$("${psql_bin}" -X -q -At --dbname="${DATABASE_URL}" -c "select pg_current_wal_lsn()" 2> /dev/null)" || {
  echo "::error::${TENANT_ID}: its database did not answer before the migration (${SECRET_LABEL})"
  exit 1
}
{
  echo "version_before=${version_before}"
  echo "lsn_before=${lsn_before}"
} >> "${GITHUB_OUTPUT}"
echo "${TENANT_ID}: schema version ${version_before:-(none)}, WAL ${lsn_before} before the migration"
# ONLY_BEHIND (a manual run for the tenants behind a version): one at or past it is left alone.
if [ -n "${ONLY_BEHIND:-}" ] && [ -n "${version_before}" ] \
  && [ "$(printf '%s\n%s\n' "${version_before}" "${ONLY_BEHIND}" | sort -V | head -n 1)" = "${ONLY_BEHIND}" ]; then
  {
    echo "result=skipped"
    echo "version_after=${version_before}"
  } >> "${GITHUB_OUTPUT}"
  echo "${TENANT_ID} is at ${version_before}, not behind ${ONLY_BEHIND}: left alone"
  exit 0
fi
if [ -n "${TARGET_VERSION:-}" ] && [ "${version_before}" = "${TARGET_VERSION}" ]; then
  {
    echo "result=current"
    echo "version_after=${version_before}"
  } >> "${GITHUB_OUTPUT}"
  echo "${TENANT_ID} is at ${TARGET_VERSION} already: not migrated"
  exit 0
fi
