#!/usr/bin/env bash
# deploy.yml's fast-path job, first step: the newest commit whose prod deploy succeeded, from
# records no pull request can write (docs/deploying.md, "The fast path for tenant additions").
# A commit counts only when all three hold:
#   1. a run of deploy.yml on main, started by a push, concluded success (GET
#      /repos/{o}/{r}/actions/workflows/{file}/runs, https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow):
#      a pull request's runs carry their own branch; a tag named main is not a push to the
#      branch filter; a run succeeds only when every shard's up succeeded;
#   2. a deployment of that commit to one of the prod environments, each such deployment's
#      newest status success (or inactive, which GitHub gives only to an earlier success)
#      (GET /repos/{o}/{r}/deployments?environment=E&sha=S and .../statuses,
#      https://docs.github.com/en/rest/deployments/deployments#list-deployments,
#      https://docs.github.com/en/rest/deployments/statuses#list-deployment-statuses):
#      a job that names an environment creates one, so the prod jobs really ran there;
#   3. the commit is an ancestor of this one (git merge-base --is-ancestor).
# The newest run that deployed prod decides: when its commit is not an ancestor of this one
# (a re-run of an older deploy, a force push) or its deployments did not all succeed, no older
# commit stands in for it, or a re-run of an old deploy could roll prod back without a
# reviewer. A run that deployed no prod stack changed nothing there and is passed over.
# Then the trees (deploy-only-tenants.sh): only the tenants files may differ between it and
# this commit. Anything else leaves sha empty before any of this commit's code is installed or
# run (the job's npm ci and the checker need sha): with only data changed, the code that
# judges is the deployed commit's code.
# Anything unknown leaves sha empty: the deploy then waits for the prod reviewers.
# gh reads GH_TOKEN (GITHUB_TOKEN: actions read, deployments read) itself.
# Inputs (environment):
#   ENVIRONMENTS   the prod environments, space-separated (prod prod-additions)
#   WORKFLOW_FILE  deploy.yml's path (.github/workflows/deploy.yml)
#   BRANCH         the default branch (main)
#   HEAD_SHA       this run's commit
#   RUN_ID         this run's id (never its own record)

set -euo pipefail
found=""
runs="$(gh api "repos/${GITHUB_REPOSITORY}/actions/workflows/${WORKFLOW_FILE##*/}/runs?branch=${BRANCH}&event=push&status=success&per_page=50" \
  --jq ".workflow_runs[] | select(.head_branch == \"${BRANCH}\" and .event == \"push\" and .conclusion == \"success\" and ((.path // \"\") | split(\"@\")[0]) == \"${WORKFLOW_FILE}\" and (.id | tostring) != \"${RUN_ID}\") | .head_sha")" || {
  echo "::warning::the deploy runs could not be listed: the deploy waits for the prod reviewers"
  runs=""
}
for sha in ${runs}; do
  if ! [[ "${sha}" =~ ^[0-9a-f]{40}$ ]] || [ "${sha}" = "${HEAD_SHA}" ]; then continue; fi
  states=""
  for environment in ${ENVIRONMENTS}; do
    ids="$(gh api "repos/${GITHUB_REPOSITORY}/deployments?environment=${environment}&sha=${sha}&per_page=100" --jq '.[].id' || echo none)"
    for id in ${ids}; do
      if ! [[ "${id}" =~ ^[0-9]+$ ]]; then
        states="${states} none"
        continue
      fi
      state="$(gh api "repos/${GITHUB_REPOSITORY}/deployments/${id}/statuses?per_page=1" --jq '.[0].state // "none"' || echo none)"
      states="${states} ${state}"
    done
  done
  if [ -z "${states// /}" ]; then
    echo "run at ${sha}: no deployment to ${ENVIRONMENTS}, skipped"
    continue
  fi
  settled=true
  for state in ${states}; do
    if [ "${state}" != success ] && [ "${state}" != inactive ]; then settled=false; fi
  done
  if [ "${settled}" != true ]; then
    echo "run at ${sha}: a prod deployment did not succeed (${states# }): no older deploy stands in for it"
    break
  fi
  if ! git merge-base --is-ancestor "${sha}" "${HEAD_SHA}" 2> /dev/null; then
    echo "run at ${sha}: the newest prod deploy is not an ancestor of ${HEAD_SHA} (a re-run of an older deploy, or a force push)"
    break
  fi
  found="${sha}"
  break
done
if [ -n "${found}" ]; then
  other="$(bash "$(dirname "$0")/deploy-only-tenants.sh" "${found}" "${HEAD_SHA}")" || other="(the commits cannot be compared)"
  if [ -n "${other}" ]; then
    echo "since ${found}: files other than the tenants files changed ($(head -n 3 <<< "${other}" | paste -sd, -)): the prod reviewers decide"
    found=""
  fi
fi
if [ -n "${found}" ]; then
  echo "deployed to prod: ${found}"
else
  echo "::notice::no commit deployed to prod could be proven: the deploy waits for the prod reviewers"
fi
echo "sha=${found}" >> "${GITHUB_OUTPUT}"
