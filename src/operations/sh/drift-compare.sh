#!/usr/bin/env bash
# The drift job's comparison of one stack, read-only (docs/drift.md): `pulumi preview --refresh
# --expect-no-changes --json` (the program against what exists; a refreshed preview writes no
# state), the regions check against Neon (`npm run regions -- --observe`: each tenant's project
# where Neon says it is, inside its residency, and the organisation's projects no stack
# declares), then `npm run drift -- report`, which classifies the differences and writes the
# issue's body. A preview that proposes changes exits non-zero by --expect-no-changes; the
# report, not the exit status, tells drift from a failure (Pulumi uses one status for both).
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
preview_exit=0
pulumi preview --stack "${STACK}" --refresh --expect-no-changes --json --suppress-outputs --non-interactive --color never \
  > "${RAW_DIR}/preview.json" 2> "${RAW_DIR}/preview.log" || preview_exit=$?
echo "pulumi preview --refresh: exit ${preview_exit}"
tail -n 40 "${RAW_DIR}/preview.log"
observed_exit=0
npm run --silent regions -- --stack "${STACK}" --observe --format json --out "${RAW_DIR}/observed.json" || observed_exit=$?
echo "regions --observe: exit ${observed_exit}"
status=0
npm run --silent drift -- report --stack "${STACK}" --preview "${RAW_DIR}/preview.json" --preview-exit "${preview_exit}" \
  --observed "${RAW_DIR}/observed.json" --observed-exit "${observed_exit}" --run-url "${run_url}" --out "${REPORT_DIR}" || status=$?
if [ -f "${REPORT_DIR}/summary.md" ]; then cat "${REPORT_DIR}/summary.md" >> "${GITHUB_STEP_SUMMARY}"; fi
exit "${status}"
