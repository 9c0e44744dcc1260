#!/usr/bin/env bash
# After database-url.sh, before anything connects with the string: it must name the host the
# stack created for the tenant (EXPECTED_DB_HOST, from the fleet manifest), so a secret
# holding another tenant's string fails here. Backups and migrations check alike.
# Inputs (environment):
#   EXPECTED_DB_HOST   the host the stack created for the tenant
#   TENANT_ID          the tenant's id
#   SECRET_LABEL       where the string lives, for messages
#   MANIFEST           the fleet manifest's path, for messages
# shellcheck disable=SC2154 # url_host: set by database-url.sh, composed before this file

if [ -z "${EXPECTED_DB_HOST:-}" ]; then
  echo "::error::no expected database host for ${TENANT_ID} in the fleet manifest ${MANIFEST}: pulumi up writes it"
  exit 1
fi
if [ "${url_host,,}" != "${EXPECTED_DB_HOST,,}" ]; then
  echo "::error::the connection string in ${SECRET_LABEL} does not point at the database the stack created for ${TENANT_ID} (host ${EXPECTED_DB_HOST}); it may hold another tenant's string. pulumi up writes the right one"
  exit 1
fi
