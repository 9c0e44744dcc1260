#!/usr/bin/env bash
# A move's options (after operation-command.sh, which begins args): the catch-up of a move by
# logical replication.
# Inputs (environment):
#   CATCH_UP   the catch_up input: true or false
# shellcheck disable=SC2034 # args is begun by operation-command.sh and used by the step after this file

if [ "${CATCH_UP}" = true ]; then args+=(--catch-up); fi
