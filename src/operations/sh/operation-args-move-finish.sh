#!/usr/bin/env bash
# A move's finish (after operation-command.sh, which begins args): deletes the released source.
# Inputs (environment): none
# shellcheck disable=SC2034 # args is begun by operation-command.sh and used by the step after this file

args+=(--finish)
