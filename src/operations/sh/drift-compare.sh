#!/usr/bin/env bash
# The drift job's comparison of one stack, read-only (docs/drift.md): `pulumi preview --refresh
# --expect-no-changes --json` (the program against what exists; a refreshed preview writes no
# state), the regions check against Neon (`npm run regions -- --observe`: each tenant's project
# where Neon says it is, inside its residency, and the organisation's projects no stack
# declares), then `npm run drift -- report`, which classifies the differences and writes the
# issue's body. A preview that proposes changes exits non-zero by --expect-no-changes; the
# report, not the exit status, tells drift from a failure (Pulumi uses one status for both).
# The preview is paced first (`npm run drift -- pace`, src/review/drift/pace.ts): from the
# stack's state (`pulumi stack export`, a read; deleted once counted) and the time of a Neon
# call it derives `--parallel` within the drift's share of Neon's budget, prints the estimate,
# and gives the preview a time limit; a stack too large for one job is not previewed (the
# message names the shard size that fits). When pacing fails, the preview runs one resource at
# a time, within the job's limit.
# The preview's own JSON stays in RAW_DIR (state values); only the report goes to REPORT_DIR.
# The commands it runs read the step's credentials themselves (NEON_API_KEY, the Pulumi token
# and passphrase, GITHUB_TOKEN, the AWS role's session); this script reads none of them.
# Inputs (environment):
#   STACK            the stack (from npm run stacks)
#   RAW_DIR          where the preview's and the regions check's output is written
#   REPORT_DIR       where the report (issue.md, drift.json, summary.md) is written

set -uo pipefail
run_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}"
mkdir -p "${RAW_DIR}" "${REPORT_DIR}"
: > "${RAW_DIR}/preview.log"
parallel=1 limit="" fits=true
if pulumi stack export --stack "${STACK}" --file "${RAW_DIR}/state.json" 2>> "${RAW_DIR}/preview.log" \
  && npm run --silent drift -- pace --stack "${STACK}" --state "${RAW_DIR}/state.json" --out "${RAW_DIR}/pace.env" \
    | tee "${RAW_DIR}/pace.txt"; then
  cat "${RAW_DIR}/pace.txt" >> "${GITHUB_STEP_SUMMARY}"
  parallel="$(sed -n 's/^parallel=\([1-9][0-9]\{0,3\}\)$/\1/p' "${RAW_DIR}/pace.env")"
  limit="$(sed -n 's/^timeout_minutes=\([1-9][0-9]\{0,5\}\)$/\1/p' "${RAW_DIR}/pace.env")"
  fits="$(sed -n 's/^fits=\(true\|false\)$/\1/p' "${RAW_DIR}/pace.env")"
else
  echo "::warning::stack ${STACK}: the preview could not be paced (see the lines above); it reads one resource at a time, within the job's limit"
fi
rm -f "${RAW_DIR}/state.json"
preview_exit=0 skipped=()
if [ "${fits}" = false ]; then
  echo "::error::stack ${STACK} is too large to compare in one job: see the pace above; not previewed"
  skipped=(--not-previewed "${RAW_DIR}/pace.txt")
else
  timed=()
  if [ -n "${limit}" ]; then timed=(timeout --signal=INT --kill-after=5m "${limit}m"); fi
  "${timed[@]}" pulumi preview --stack "${STACK}" --refresh --expect-no-changes --json --suppress-outputs --non-interactive --color never \
    --parallel "${parallel:-1}" > "${RAW_DIR}/preview.json" 2>> "${RAW_DIR}/preview.log" || preview_exit=$?
fi
echo "pulumi preview --refresh --parallel ${parallel:-1}: exit ${preview_exit}${limit:+ (limit ${limit} min)}"
tail -n 40 "${RAW_DIR}/preview.log"
observed_exit=0
npm run --silent regions -- --stack "${STACK}" --observe --format json --out "${RAW_DIR}/observed.json" || observed_exit=$?
echo "regions --observe: exit ${observed_exit}"
status=0
npm run --silent drift -- report --stack "${STACK}" --preview "${RAW_DIR}/preview.json" --preview-exit "${preview_exit}" "${skipped[@]}" \
  --observed "${RAW_DIR}/observed.json" --observed-exit "${observed_exit}" --run-url "${run_url}" --out "${REPORT_DIR}" || status=$?
if [ -f "${REPORT_DIR}/summary.md" ]; then cat "${REPORT_DIR}/summary.md" >> "${GITHUB_STEP_SUMMARY}"; fi
exit "${status}"
