#!/usr/bin/env bash
# Packs the pull request's installed workspace for the test job. Never packs itself: the
# runner's temp directory is outside the workspace on GitHub's runners, not everywhere.
# Inputs (environment):
#   WORKSPACE_DIR         where the archive goes
#   WORKSPACE_ARTIFACT    the artifact's name (the directory the archive is in, excluded)

set -euo pipefail
mkdir -p "${WORKSPACE_DIR}"
tar --exclude="./${WORKSPACE_ARTIFACT}" -czf "${WORKSPACE_DIR}/workspace.tgz" .
