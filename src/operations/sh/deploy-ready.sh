#!/usr/bin/env bash
# deploy.yml's up jobs: tell the application which tenants are ready (docs/signup.md,
# "The application learns it is ready"). `before` (ahead of pulumi up) records the active
# tenants of the stack's outputs (databasesByTenant, credential set); `after` (once the update
# and the catalog sync succeeded) compares again and announces:
#   - on every commit of main's first-parent chain since the last successful deploy (the newest
#     commit a successful push run of deploy.yml on main deployed, GET
#     /repos/{o}/{r}/actions/workflows/{file}/runs, https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow)
#     that changed the stack's tenants file, the tenants it added that the stack now has and
#     that no ready status on it names yet (GET /repos/{o}/{r}/commits/{sha}/statuses,
#     https://docs.github.com/en/rest/commits/statuses#list-commit-statuses-for-a-reference):
#     a deploy that covered several merges (GitHub cancels a pending run of the concurrency
#     group when a newer one queues) and a run whose ready step never ran are both made good;
#   - a tenant the update created that no commit of that range added (a reactivation), on the
#     deployed commit;
#   each as the commit status <STATUS_PREFIX>/<stack> (success, naming them; several statuses
#   when the names pass the 140 characters of a description) with GITHUB_TOKEN (statuses: write)
#   (POST /repos/{o}/{r}/statuses/{sha}, https://docs.github.com/en/rest/commits/statuses#create-a-commit-status);
#   - then one repository_dispatch <DISPATCH_EVENT> naming them all to the stack's application
#     repository with the App's installation token, which already holds Contents: write there
#     (POST /repos/{o}/{r}/dispatches, https://docs.github.com/en/rest/repos/repos#create-a-repository-dispatch-event).
# A status counts (as an announcement, or as the range's bound) only when its run is a push run
# of deploy.yml on main at a commit of main's first-parent chain (GET /repos/{o}/{r}/actions/runs/{id},
# https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run): any workflow of the
# repository, a same-repository pull request's too, posts as github-actions[bot]. At most
# MAX_RUN_LOOKUPS runs are looked up per run of this step (each id once); a status whose run was not
# looked up does not count (its tenants are announced again).
# As its last act, once every step above succeeded, the step posts the marker
# <STATUS_PREFIX>-done/<stack> on GITHUB_SHA; the next run's range starts after the newest of the
# BOUND_DEPLOYS newest successful deploys carrying a verified marker (without one, after the
# oldest of them): a step that failed softly (exit 0, its run a success) bounds nothing.
# The bounds (commits examined, statuses posted) are src/operations/readiness.ts's.
# A tenant is ready for the application once an update created it and its credential is written.
# gh reads GH_TOKEN (GITHUB_TOKEN: statuses write, actions read) itself; the dispatch passes APP_TOKEN as GH_TOKEN.
# Nothing here fails the deploy: an update that succeeded stays a success, with a warning.
# Inputs (environment):
#   STACK           the stack
#   PULUMI_BACKEND_URL  the state backend (empty: Pulumi Cloud; its credentials from the step's env as well)
#   RECORD          where `before` writes the tenants and `after` reads them
#   STATUS_PREFIX   the status context's prefix (tenant-fleet/ready)
#   DISPATCH_EVENT  the event type (tenant-fleet-ready)
#   APP_REPOSITORY  OWNER/REPO of the stack's application
#   APP_TOKEN       the App's installation token for the application repository (the dispatch)
#   WORKFLOW_FILE   deploy.yml's path (.github/workflows/deploy.yml): its successful runs bound the range
#   BRANCH          the default branch (main)

set -uo pipefail
BOUND_DEPLOYS=10
MAX_RUN_LOOKUPS=40
active_tenants() {
  if [ -n "${PULUMI_BACKEND_URL:-}" ]; then pulumi login "${PULUMI_BACKEND_URL}" > /dev/null || return 1; fi
  pulumi stack output --stack "${STACK}" --json databasesByTenant | jq -c '[to_entries[] | select(.value.credential != null) | .key] | sort'
}
# The backend URL is a variable, not a secret; a URL that carries a credential (a database
# backend) must not reach the log through an error message below.
if [ -n "${PULUMI_BACKEND_URL:-}" ]; then echo "::add-mask::${PULUMI_BACKEND_URL}"; fi
if [ "${1:-}" = "before" ]; then
  # A stack never deployed has no outputs: every tenant it creates is new.
  if ! list="$(active_tenants 2> "${RECORD}.err")"; then
    if grep -qi "does not have output\|no output\|does not exist\|no stack named" "${RECORD}.err"; then list="[]"; else
      echo "::warning::the tenants before the update could not be read: only the tenants the range's commits added will be announced ($(head -c 200 "${RECORD}.err"))"
      exit 0
    fi
  fi
  echo "${list:-[]}" > "${RECORD}"
  echo "active tenants before the update: $(jq -r 'length' "${RECORD}")"
  exit 0
fi
if ! after="$(active_tenants)"; then
  echo "::warning::the tenants after the update could not be read: no readiness reported"
  exit 0
fi
if [ -s "${RECORD}" ]; then
  created="$(jq -c --argjson before "$(cat "${RECORD}")" '. - $before' <<< "${after}")"
else
  echo "::warning::no record of the tenants before the update: only tenants the range's commits added are announced"
  created="[]"
fi
work="$(mktemp -d)"
runs_url="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/"
run_url="${runs_url}${GITHUB_RUN_ID}"
# Every warning below leaves this run's ready step incomplete: no marker, so its commit bounds nothing.
complete=1
incomplete() {
  complete=0
  echo "::warning::$1"
}
# The range's bound: commits of successful push runs of deploy.yml on main (not this run). A
# failed or cancelled run bounds nothing, so what it left unannounced stays in range.
if ! gh api "repos/${GITHUB_REPOSITORY}/actions/workflows/${WORKFLOW_FILE##*/}/runs?branch=${BRANCH}&event=push&status=success&per_page=50" \
  --jq ".workflow_runs[] | select(.head_branch == \"${BRANCH}\" and .event == \"push\" and .conclusion == \"success\" and ((.path // \"\") | split(\"@\")[0]) == \"${WORKFLOW_FILE}\" and (.id | tostring) != \"${GITHUB_RUN_ID}\") | .head_sha" \
  > "${work}/deployed"; then
  # Without the bound, this commit alone: a walk down to older commits would announce tenants of
  # long ago. The next run, with its bound, still finds what this one could not.
  incomplete "the deploy runs could not be listed: only ${GITHUB_SHA} is examined; the next deploy examines the rest"
  git rev-parse --verify --quiet "${GITHUB_SHA}^1" > "${work}/deployed" || : > "${work}/deployed"
fi
mkdir -p "${work}/done" "${work}/runs" "${work}/statuses"
lookups=0
# Look up (once per id, at most MAX_RUN_LOOKUPS) the runs the workflow token's success statuses of context $1 in the files $2... point at.
lookup_runs() {
  local context="$1" id
  shift
  while read -r id; do
    if [ -e "${work}/runs/${id}.json" ]; then continue; fi
    if [ "${lookups}" -ge "${MAX_RUN_LOOKUPS}" ]; then
      echo "::warning::more than ${MAX_RUN_LOOKUPS} runs to look up: the statuses of run ${id} do not count"
      continue
    fi
    lookups=$((lookups + 1))
    if gh api "repos/${GITHUB_REPOSITORY}/actions/runs/${id}" > "${work}/runs/${id}.part" 2> "${work}/runs/${id}.err"; then
      mv "${work}/runs/${id}.part" "${work}/runs/${id}.json"
    elif grep -q "HTTP 404" "${work}/runs/${id}.err"; then
      # No such run (a forged id): a settled answer, so it does not keep the step from completing.
      echo "::warning::run ${id} is no run of this repository (404): its statuses do not count"
    else
      incomplete "run ${id} could not be looked up ($(head -c 200 "${work}/runs/${id}.err")): its statuses do not count"
    fi
  done < <(jq -r --arg context "${context}" --arg url "${runs_url}" '.[]? | select(.state == "success" and .context == $context
    and .creator.login == "github-actions[bot]" and ((.target_url // "") | type) == "string" and ((.target_url // "") | startswith($url)))
    | .target_url[($url | length):] | select(test("^[0-9]+$"))' "$@" 2> /dev/null | sort -u)
}
# The markers of the newest successful deploys (their statuses), and the runs they name.
for sha in $(awk '!seen[$0]++' "${work}/deployed" | grep -E '^[0-9a-f]{40}$' | head -n "${BOUND_DEPLOYS}"); do
  if gh api "repos/${GITHUB_REPOSITORY}/commits/${sha}/statuses?per_page=100" > "${work}/done/${sha}.part"; then mv "${work}/done/${sha}.part" "${work}/done/${sha}.json"; else
    incomplete "the statuses of the deployed commit ${sha} could not be read: its marker does not count"
  fi
done
if compgen -G "${work}/done/*.json" > /dev/null; then lookup_runs "${STATUS_PREFIX}-done/${STACK}" "${work}/done/"*.json; fi
if ! npm run --silent signup -- ready-commits --stack "${STACK}" --head "${GITHUB_SHA}" --deployed "${work}/deployed" --done "${work}/done" --runs "${work}/runs" \
  --runs-url "${runs_url}" --workflow-file "${WORKFLOW_FILE}" --branch "${BRANCH}" > "${work}/commits.json" 2> "${work}/commits.err"; then
  incomplete "the commits since the last deploy could not be read ($(head -c 300 "${work}/commits.err")): only the tenants this update created are announced, on ${GITHUB_SHA}"
  jq -n --arg stack "${STACK}" --arg head "${GITHUB_SHA}" '{stack: $stack, head: $head, commits: [], more: 0}' > "${work}/commits.json"
fi
echo "$(jq -r '"commits that changed the tenants file since " + (.bound // "the start of the walk") + ": " + (.commits | length | tostring) + (if .more > 0 then " (and \(.more) older, past the bound)" else "" end)' "${work}/commits.json")"
if [ "$(jq -r '.boundKind // ""' "${work}/commits.json")" = "oldest-checked-deploy" ]; then
  echo "no verified ${STATUS_PREFIX}-done/${STACK} on the ${BOUND_DEPLOYS} newest deployed commits: the range reaches back to the oldest of them"
fi
if [ "$(jq '.more' "${work}/commits.json")" != "0" ]; then
  echo "::warning::$(jq '.more' "${work}/commits.json") older commits of the range are not examined: a tenant they added that this update created is announced on ${GITHUB_SHA}"
fi
# The statuses of each commit that added a tenant the stack has (and of this one when the update created any).
for sha in $(jq -r --argjson active "${after}" --argjson created "${created}" \
  '[(.commits[] | select([.added[] | IN($active[])] | any) | .sha), (if ($created | length) > 0 then .head else empty end)] | unique | .[]' "${work}/commits.json"); do
  if ! [[ "${sha}" =~ ^[0-9a-f]{40}$ ]]; then continue; fi
  if gh api "repos/${GITHUB_REPOSITORY}/commits/${sha}/statuses?per_page=100" > "${work}/statuses/${sha}.part"; then mv "${work}/statuses/${sha}.part" "${work}/statuses/${sha}.json"; else
    echo "::warning::the statuses of ${sha} could not be read: its tenants are announced again"
  fi
done
if compgen -G "${work}/statuses/*.json" > /dev/null; then lookup_runs "${STATUS_PREFIX}/${STACK}" "${work}/statuses/"*.json; fi
if ! npm run --silent signup -- ready-plan --commits "${work}/commits.json" --statuses "${work}/statuses" --active "${after}" --created "${created}" \
  --head "${GITHUB_SHA}" --runs-url "${runs_url}" --runs "${work}/runs" --workflow-file "${WORKFLOW_FILE}" --branch "${BRANCH}" > "${work}/plan.json" 2> "${work}/plan.err"; then
  echo "::warning::the readiness could not be worked out ($(head -c 300 "${work}/plan.err")): no readiness reported"
  exit 0
fi
# The marker: this step completed (every tenant owed is announced, or nothing was owed); the next run's range starts after this commit.
mark_done() {
  if [ "${complete}" != 1 ]; then
    echo "::warning::the ready step did not complete: no ${STATUS_PREFIX}-done/${STACK} on ${GITHUB_SHA}, so the next deploy examines this commit's range again"
  elif gh api --method POST "repos/${GITHUB_REPOSITORY}/statuses/${GITHUB_SHA}" -f state=success -f context="${STATUS_PREFIX}-done/${STACK}" \
    -f description="the ready step completed" -f target_url="${run_url}" > /dev/null; then
    echo "${STATUS_PREFIX}-done/${STACK} on ${GITHUB_SHA}"
  else
    echo "::warning::the marker ${STATUS_PREFIX}-done/${STACK} could not be posted on ${GITHUB_SHA}: the next deploy examines this commit's range again"
  fi
}
if [ "$(jq '.tenants | length' "${work}/plan.json")" = "0" ]; then
  echo "the update created no tenant, and every tenant the range added is announced"
  mark_done
  exit 0
fi
while IFS=$'\t' read -r sha description; do
  if gh api --method POST "repos/${GITHUB_REPOSITORY}/statuses/${sha}" -f state=success -f context="${STATUS_PREFIX}/${STACK}" \
    -f description="${description}" -f target_url="${run_url}" > /dev/null; then
    echo "${STATUS_PREFIX}/${STACK} on ${sha}: ${description}"
  else
    incomplete "the commit status ${STATUS_PREFIX}/${STACK} could not be posted on ${sha} (${description})"
  fi
done < <(jq -r '.posts[] | [.sha, .description] | @tsv' "${work}/plan.json")
if [ "$(jq '.unposted | length' "${work}/plan.json")" != "0" ]; then
  echo "::warning::$(jq -r '.unposted | length' "${work}/plan.json") tenants got no status, past the bound on statuses a run posts: the dispatch names them, and the manifest lists them"
fi
tenants="$(jq -c '.tenants' "${work}/plan.json")"
names="$(jq -r 'join(", ")' <<< "${tenants}")"
payload="$(jq -nc --arg stack "${STACK}" --argjson tenants "${tenants}" --arg sha "${GITHUB_SHA}" --arg repository "${GITHUB_REPOSITORY}" --arg run "${run_url}" \
  --arg event "${DISPATCH_EVENT}" --argjson commits "$(jq -c '.commits' "${work}/plan.json")" \
  '{event_type: $event, client_payload: {stack: $stack, tenants: $tenants, sha: $sha, repository: $repository, run: $run, commits: $commits}}')"
if GH_TOKEN="${APP_TOKEN}" gh api --method POST "repos/${APP_REPOSITORY}/dispatches" --input - <<< "${payload}" > /dev/null; then
  echo "${DISPATCH_EVENT} sent to ${APP_REPOSITORY}"
else
  incomplete "${DISPATCH_EVENT} could not be sent to ${APP_REPOSITORY}; the status ${STATUS_PREFIX}/${STACK} and the manifest still say it"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then echo "${STACK}: ready: ${names}" >> "${GITHUB_STEP_SUMMARY}"; fi
mark_done
exit 0
