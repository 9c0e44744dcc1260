#!/usr/bin/env bash
# An export's options (after operation-command.sh, which begins args): its format.
# Inputs (environment):
#   FORMAT   the format input: custom or plain
# shellcheck disable=SC2034 # args is begun by operation-command.sh and used by the step after this file

args+=(--format "${FORMAT}")
