#!/usr/bin/env bash
# A restore's options (after operation-command.sh, which begins args): the point to restore
# to, a time, a WAL position or "before-migration RUN", and whether to restore a dump.
# Inputs (environment):
#   TO          the to input
#   FROM_DUMP   the from_dump input: true or false
# shellcheck disable=SC2034 # args is begun by operation-command.sh and used by the step after this file

if [[ "${TO}" == before-migration* ]]; then
  args+=(--to before-migration "${TO#before-migration }")
else
  args+=(--to "${TO}")
fi
if [ "${FROM_DUMP}" = true ]; then
  args+=(--from-dump)
fi
