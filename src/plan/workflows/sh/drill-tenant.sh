#!/usr/bin/env bash
# One tenant's drill as a batch job runs it: newest-backup.sh, then this hand-over, then
# drill.sh: the newest backup's keys and age (from the tenant's own GITHUB_OUTPUT file) become
# the drill's inputs.
# Inputs (environment): none

BACKUP_KEY="$(sed -n 's/^key=//p' "${GITHUB_OUTPUT}")" \
  MANIFEST_KEY="$(sed -n 's/^manifest=//p' "${GITHUB_OUTPUT}")" \
  AGE_MINUTES="$(sed -n 's/^age_minutes=//p' "${GITHUB_OUTPUT}")"
export BACKUP_KEY MANIFEST_KEY AGE_MINUTES
