#!/usr/bin/env bash
# Unpacks the workspace the keyless install job built into this job's checkout.
# Inputs (environment):
#   WORKSPACE_DIR   where the artifact was downloaded

set -euo pipefail
tar -xzf "${WORKSPACE_DIR}/workspace.tgz"
rm -rf "${WORKSPACE_DIR}"
