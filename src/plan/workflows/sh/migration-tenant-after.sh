#!/usr/bin/env bash
# After the team's migration command (migration-tenant.sh runs before it): with VERSION_QUERY,
# the version after, which must be TARGET_VERSION when one is known. Writes version_after to
# GITHUB_OUTPUT (the tenant's own file).
# Inputs (environment):
#   TENANT_ID        the tenant's id
#   VERSION_QUERY    optional: SQL that prints the schema version (read_version runs it)
#   TARGET_VERSION   optional: the version the migration brings every tenant to

if [ -n "${VERSION_QUERY:-}" ]; then
  version_after="$(read_version)" || {
    echo "::error::${TENANT_ID}: the version query failed after the migration: $(head -n 1 "${RUNNER_TEMP:-/tmp}/version.err.$$")"
    exit 1
  }
  echo "version_after=${version_after}" >> "${GITHUB_OUTPUT}"
  echo "${TENANT_ID}: schema version ${version_after} after the migration"
  if [ -n "${TARGET_VERSION:-}" ] && [ "${version_after}" != "${TARGET_VERSION}" ]; then
    echo "::error::${TENANT_ID} is at version ${version_after:-(none)} after its migration, not the target ${TARGET_VERSION}"
    exit 1
  fi
fi
