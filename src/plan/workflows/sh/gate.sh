#!/usr/bin/env bash
# A wave's gate: reads the result lines its batch jobs left (RESULTS_DIR, one file per batch:
# id, result, seconds, versions, WAL position), counts every tenant that failed or never
# reported (a job that died before writing counts its tenants as failed: PLANNED is what the
# plan gave the wave), and fails when that exceeds BUDGET (`N` tenants or `P%` of the wave,
# rounded down): the next wave needs this job to succeed.
# Inputs (environment):
#   WAVE                    the wave's name
#   PLANNED                 the tenants the plan gave the wave
#   BUDGET                  the failure budget: N or P%
#   RESULTS_DIR             where the wave's result lines were downloaded
#   ROLLOUT_STOPPED_TITLE   the title of the annotation that stops the rollout

set -euo pipefail
mkdir -p "${RESULTS_DIR}"
# The plan gives every wave a count; none at all means the plan did not say, which is not zero.
if ! [[ "${PLANNED:-}" =~ ^[0-9]+$ ]]; then
  echo "::error::the plan gave no tenant count for wave ${WAVE}: the rollout stops"
  exit 1
fi
recorded=0
migrated=0
current=0
skipped=0
failed=()
# Every line read, in the log: tenant, result, seconds, version before and after, WAL position before.
echo "::group::results of wave ${WAVE}"
find "${RESULTS_DIR}" -name "*.tsv" -type f -exec cat {} +
echo "::endgroup::"
while IFS=$'\t' read -r id result _; do
  [ -n "${id}" ] || continue
  recorded=$(( recorded + 1 ))
  case "${result}" in
    ok) migrated=$(( migrated + 1 ));;
    current) current=$(( current + 1 ));;
    skipped) skipped=$(( skipped + 1 ));;
    *) failed+=("${id}");;
  esac
done < <(find "${RESULTS_DIR}" -name "*.tsv" -type f -exec cat {} +)
missing=$(( PLANNED - recorded ))
if [ "${missing}" -lt 0 ]; then
  missing=0
fi
failures=$(( ${#failed[@]} + missing ))
case "${BUDGET}" in
  *%) allowed=$(( PLANNED * ${BUDGET%\%} / 100 ));;
  *) allowed="${BUDGET}";;
esac
{
  echo "### wave ${WAVE}: ${PLANNED} tenant(s)"
  echo
  echo "${migrated} migrated, ${current} already at the target, ${skipped} not behind the version asked, ${#failed[@]} failed, ${missing} did not report; failure budget ${BUDGET} (${allowed} tenant(s))"
} >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
if [ "${failures}" -gt "${allowed}" ]; then
  echo "::error title=${ROLLOUT_STOPPED_TITLE}::wave ${WAVE}: ${failures} of ${PLANNED} tenant(s) failed or did not report, over the failure budget of ${allowed} (${BUDGET}): the later waves are not migrated${failed:+; failed: ${failed[*]}}"
  exit 1
fi
echo "wave ${WAVE}: ${failures} of ${PLANNED} tenant(s) failed or did not report, within the failure budget of ${allowed} (${BUDGET}): the next wave goes ahead"
