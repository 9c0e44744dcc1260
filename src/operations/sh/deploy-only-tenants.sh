#!/usr/bin/env bash
# The fast path's first test, before anything of this commit is installed or run: the files
# that differ between the deployed commit and this one, other than the tenants files. The
# tenants files are tenants/tenants.yaml and each Pulumi.<stack>.yaml's
# tenant-fleet:tenantsFile, as the DEPLOYED commit's stack configs name them (never this
# commit's). Prints nothing when only tenants files changed: this commit's code and packages
# are then the deployed commit's. Renames are listed as a deletion and an addition
# (--no-renames), so a file moved onto a tenants file still shows where it came from.
# Usage: deploy-only-tenants.sh DEPLOYED HEAD   (exit 2 when either is not a commit)

set -euo pipefail
deployed="$1"
head="$2"
git cat-file -e "${deployed}^{commit}" 2> /dev/null && git cat-file -e "${head}^{commit}" 2> /dev/null || exit 2
allowed="tenants/tenants.yaml"
for config in $(git ls-tree --name-only "${deployed}" | grep -E '^Pulumi\.[A-Za-z0-9_.-]+\.yaml$' || true); do
  file="$(git show "${deployed}:${config}" | sed -n 's/^[[:space:]]*tenant-fleet:tenantsFile:[[:space:]]*//p' | tr -d "\"'" | head -n 1)"
  if [ -n "${file}" ]; then allowed="${allowed}"$'\n'"${file}"; fi
done
git diff --no-renames --name-only "${deployed}" "${head}" | grep -vxF -- "${allowed}" || true
