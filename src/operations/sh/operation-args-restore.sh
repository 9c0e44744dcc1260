#!/usr/bin/env bash
# A restore's options (after operation-command.sh, which begins args): the point to restore
# to, a time, a WAL position or "before-migration RUN", and which backup layer to restore from.
# Inputs (environment):
#   TO          the to input
#   FROM_DUMP   the from_dump input: true or false (the older form of PREFER=dump)
#   PREFER      the prefer input: auto, dump or snapshot (unset: auto)
# shellcheck disable=SC2034 # args is begun by operation-command.sh and used by the step after this file

if [[ "${TO}" == before-migration* ]]; then
  args+=(--to before-migration "${TO#before-migration }")
else
  args+=(--to "${TO}")
fi
if [ "${FROM_DUMP}" = true ]; then
  args+=(--from-dump)
fi
if [ "${PREFER:-auto}" != auto ]; then
  args+=(--prefer "${PREFER}")
fi
