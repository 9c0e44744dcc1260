#!/usr/bin/env bash
# deploy.yml's fast-path job, second step: may the prod stacks deploy without the prod
# reviewers? Only when the deployed commit's own checker (a git worktree of that commit, its
# own npm ci; never this commit's code) finds, for every prod stack, that this commit's tree
# differs from the deployed one in the stack's tenants file only and adds tenants and nothing
# else (npm run plan -- --head DIR --verdict FILE), combined by that checker's own
# `npm run signup -- verdict` about this very commit (--head-sha). No deployed commit, a
# checker that fails or is too old to know the verdict, any other change: fast=false, and the
# deploy waits for the reviewers as before. This step never fails the deploy.
# Inputs (environment):
#   DEPLOYED   the deployed commit (deploy-deployed-commit.sh), or empty
#   HEAD_SHA   this run's commit, checked out (with node_modules) in the working directory
#   STACKS     the stacks job's prod matrix ({"include":[{"stack":...}]})
#   WORK       a scratch directory (RUNNER_TEMP)
#   CHECKER_INSTALL  how the checker's packages are installed (default npm ci; the tests link them)

set -uo pipefail
decide() {
  echo "fast=$1" >> "${GITHUB_OUTPUT}"
  echo "added=$2" >> "${GITHUB_OUTPUT}"
  echo "reason=$3" >> "${GITHUB_OUTPUT}"
  echo "fast path: $1: $3"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then echo "fast path: $1: $3" >> "${GITHUB_STEP_SUMMARY}"; fi
  exit 0
}
if ! [[ "${DEPLOYED}" =~ ^[0-9a-f]{40}$ ]]; then decide false "" "no deployed commit is known: the prod reviewers decide"; fi
# Nothing of this commit runs unless only its tenants files differ from the deployed commit
# (the finder checked it too; this step may be run on its own).
other="$(bash "$(dirname "$0")/deploy-only-tenants.sh" "${DEPLOYED}" "${HEAD_SHA}")" || decide false "" "the deployed commit ${DEPLOYED:0:12} and this one cannot be compared"
if [ -n "${other}" ]; then decide false "" "files other than the tenants files changed since ${DEPLOYED:0:12}: $(head -n 3 <<< "${other}" | paste -sd, -)"; fi
head_dir="$(pwd)"
checker="${WORK}/deployed-checker"
reports="${WORK}/fast-path-verdicts"
rm -rf "${reports}"
mkdir -p "${reports}"
git worktree remove --force "${checker}" > /dev/null 2>&1 || true
if ! git worktree add --detach --quiet "${checker}" "${DEPLOYED}"; then decide false "" "the deployed commit ${DEPLOYED:0:12} cannot be checked out"; fi
cd "${checker}" || decide false "" "the deployed commit's checkout is missing"
# The deployed commit's packages, as its lockfile pins them; nothing of this commit yet.
if ! ${CHECKER_INSTALL:-npm ci --no-audit --no-fund} > "${WORK}/checker-install.log" 2>&1; then
  tail -n 20 "${WORK}/checker-install.log"
  decide false "" "the deployed commit's checker could not be installed"
fi
stacks="$(jq -r '.include[].stack' <<< "${STACKS}")" || decide false "" "the prod stacks could not be read"
if [ -z "${stacks}" ]; then decide false "" "no prod stack to judge"; fi
for stack in ${stacks}; do
  mkdir -p "${reports}/tenant-diff-${stack}"
  # Its exit status is the diff's (1 on an unacknowledged destructive change); the verdict file says the rest.
  # --head-commit: the verdict is about this commit of main, even a merge whose first parent is
  # the deployed commit (without it, such a merge is taken for a pull request's test merge).
  npm run --silent plan -- --stack "${stack}" --head "${head_dir}" --head-commit "${HEAD_SHA}" --verdict "${reports}/tenant-diff-${stack}/verdict.json" \
    > "${reports}/tenant-diff-${stack}/diff.txt" 2> "${reports}/tenant-diff-${stack}/errors.txt" ||
    echo "${stack}: the deployed commit's checker exited $? ($(tail -n 1 "${reports}/tenant-diff-${stack}/errors.txt" | cut -c1-200))"
done
if ! npm run --silent signup -- verdict --from "${reports}" --stacks "${STACKS}" --head-sha "${HEAD_SHA}" --github-output > "${WORK}/fast-path.txt" 2> "${WORK}/fast-path-errors.txt"; then
  tail -n 5 "${WORK}/fast-path-errors.txt"
  decide false "" "the deployed commit's checker could not combine the verdicts (it may predate them)"
fi
eligible="$(sed -n 's/^eligible=//p' "${WORK}/fast-path.txt")"
added="$(sed -n 's/^added=//p' "${WORK}/fast-path.txt")"
description="$(sed -n 's/^description=//p' "${WORK}/fast-path.txt")"
if [ "${eligible}" = "true" ] && [[ "${added}" =~ ^[a-z0-9,-]+$ ]]; then decide true "${added}" "${description}"; fi
decide false "" "${description:-no verdict}"
