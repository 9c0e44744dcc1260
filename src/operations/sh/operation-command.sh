#!/usr/bin/env bash
# The start of both steps of a tenant-operation workflow (.github/workflows/tenant-<kind>.yml):
# the stack and tenant inputs checked (they name files: the stack's, the record's) before
# anything uses them, and the command's arguments begun in `args`; the operation's own file
# (operation-args-<kind>.sh) appends its options, and npm run tenant checks every input again.
# Inputs (environment):
#   OPERATION   the command of npm run tenant (restore, export, erase, move)
#   STACK       the stack input
#   TENANT      the tenant input
# shellcheck disable=SC2034 # args is used by the step's own file, which the renderer puts after the operation's args file

set -euo pipefail
if ! [[ "${STACK}" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]]; then
  echo "::error::stack ${STACK@Q} is not a stack name"
  exit 2
fi
if ! [[ "${TENANT}" =~ ^[a-z][a-z0-9-]{0,62}$ ]]; then
  echo "::error::tenant ${TENANT@Q} is not a tenant id"
  exit 2
fi
args=("${OPERATION}" "${TENANT}" --stack "${STACK}")
