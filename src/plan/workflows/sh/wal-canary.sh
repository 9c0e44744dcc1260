#!/usr/bin/env bash
# The WAL rule's canary: is Neon's `written_data_bytes` still metered tonight? The idle check's
# WAL rule (unchanged-check.sh) leaves a tenant asleep when its project's bytes did not move;
# if Neon stopped moving the value (it calls written data a legacy metric on usage-based
# plans), every tenant would read as unchanged. So the rule is used only on a night that shows
# the value moving for a project known to be written: the fleet catalog's, which every run of
# this workflow writes to after its planning job (the record job's inserts; docs/backups.md).
# Tonight's read of the catalog's project (GET /projects/{id}, as neon-activity.sh reads the
# tenants') is compared with the one the newest earlier run of this same workflow file on
# CANARY_BRANCH kept as its artifact CANARY_ARTIFACT (GitHub's REST API with the run's token,
# actions: read; https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow,
# https://docs.github.com/en/rest/actions/artifacts): the rule is on only when both are of the
# same project and billing period, the earlier read is younger than CANARY_MAX_AGE_SECONDS and
# the bytes grew. Anything else (no catalog, Neon or GitHub not answering, the first night, a
# new period, the same bytes) turns the rule off for tonight and says why; the tenants are
# then dumped unless the last-activity rule proves them idle. Tonight's read is left in
# CANARY_DIR for the next run (the upload step after this one).
# Writes `wal_rule=on` and `wal_alive_since=<epoch>` (the start of the unbroken chain of runs
# whose reads each grew: a tenant's recorded read older than it is not trusted, for Neon may
# have missed writes before it), or `wal_rule=off: <why>`, to GITHUB_OUTPUT, once, at the end.
# Tonight's read goes to CANARY_DIR/canary.json with the chain's start when the rule is on.
# Composed after neon-read.sh (neon_get).
# Inputs (environment):
#   NEON_ACTIVITY_API_KEY   a Neon API key that can read the catalog's project (a secret; may be empty)
#   NEON_API                the Neon API's base URL
#   MANIFEST                the fleet manifest's path in the checkout (its catalog.projectId)
#   CANARY_DIR              where tonight's read goes (canary.json), for the artifact
#   CANARY_ARTIFACT         the artifact's name
#   CANARY_WORKFLOW         this workflow's file name (.github/workflows/<it>)
#   CANARY_BRANCH           the default branch, whose scheduled runs count
#   CANARY_MAX_AGE_SECONDS  an earlier read older than this proves nothing (the schedule's gap, at most backupMaxSkipDays)
#   CANARY_RUNS             earlier scheduled runs looked at, newest first
#   GH_TOKEN                the run's token (actions: read)
#   GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT   as GitHub sets them
# shellcheck disable=SC2154 # neon_failure: set by neon_get (neon-read.sh)

work="$(mktemp -d)"
# `decide off REASON [ANNOTATION]` or `decide on HOW ALIVE_SINCE`: the one write to GITHUB_OUTPUT.
# A reason may hold text from Neon's or GitHub's answers: control characters (a newline would
# start another output line) become spaces. Tonight's read, when there is one, is kept for the
# next run, with the chain's start only when the rule is on.
decide() {
  local verdict="$1" text="${2//[$'\001'-$'\037'$'\177']/ }"
  local since=""
  if [ "${verdict}" = on ]; then since="$3"; fi
  if [ -s "${work}/now.json" ]; then
    mkdir -p "${CANARY_DIR}"
    jq -c --arg since "${since}" 'if $since == "" then . else . + {alive_since: ($since | tonumber)} end' "${work}/now.json" > "${CANARY_DIR}/canary.json"
  fi
  if [ "${verdict}" = on ]; then
    printf 'wal_rule=on\nwal_alive_since=%s\n' "${since}" >> "${GITHUB_OUTPUT}"
    echo "the WAL rule is on tonight: ${text}"
  else
    printf 'wal_rule=off: %s\n' "${text}" >> "${GITHUB_OUTPUT}"
    echo "${3:-::notice::}the WAL rule is off tonight (an idle tenant is left asleep only by its last activity): ${text}"
  fi
  exit 0
}
# A whole number jq printed as digits (no exponent, no sign, at most 19 digits: bash's arithmetic holds it).
whole() { [[ "$1" =~ ^[0-9]{1,19}$ ]]; }
# Only a run's first attempt: a re-run is the same run (its own id is excluded below), so it
# would compare with the run before, could find growth an off first attempt did not, and would
# replace that attempt's kept read (overwrite) with an older chain start, trusting again the
# records of a night the metric stood still. A later attempt keeps nothing and decides off.
if [ "${GITHUB_RUN_ATTEMPT:-1}" != 1 ]; then
  decide off "attempt ${GITHUB_RUN_ATTEMPT} of this run: only a run's first attempt reads the canary, and its verdict stands for the night"
fi
if [ -z "${NEON_ACTIVITY_API_KEY:-}" ]; then
  decide off "no NEON_ACTIVITY_API_KEY"
fi
catalog="$(jq -r '.catalog.projectId // "" | strings' "${MANIFEST}" 2> /dev/null || true)"
if [ -z "${catalog}" ]; then
  decide off "${MANIFEST} names no fleet catalog, whose written_data_bytes would show that Neon meters it (the stack's catalog setting creates one)"
fi
if ! [[ "${catalog}" =~ ^[a-z0-9][a-z0-9-]{0,99}$ ]]; then
  decide off "the fleet catalog's project id in ${MANIFEST} is not a Neon project id" "::warning::"
fi
read_at="$(date -u +%s)"
if ! neon_get "${NEON_API}/projects/${catalog}" "${work}/project.json"; then
  decide off "could not read the fleet catalog's project ${catalog} from Neon (${neon_failure})" "::warning::"
fi
# The same shape test as the tenants' reads (neon-activity.sh): whole bytes, a period start jq reads.
if ! jq -c -e --arg p "${catalog}" --argjson at "${read_at}" '.project | select(.id == $p)
  | select((.written_data_bytes | type) == "number" and .written_data_bytes >= 0 and (.written_data_bytes | floor) == .written_data_bytes)
  | {project: $p, bytes: .written_data_bytes,
     period_start: (.consumption_period_start // "" | tostring | sub("\\.[0-9]+"; "") | sub("(\\+00:00)$"; "Z") | try fromdateiso8601 catch null),
     read_at: $at}
  | select(.period_start != null)' "${work}/project.json" > "${work}/now.json.new" 2> /dev/null; then
  decide off "Neon answered the fleet catalog's project ${catalog} without written_data_bytes or consumption_period_start" "::warning::"
fi
mv "${work}/now.json.new" "${work}/now.json"

# The newest earlier scheduled run of this file that kept a canary. Scheduled runs run the
# default branch's latest commit; a manual run may run any ref, even a tag called main (whose
# runs also report head_branch main), with an edited copy of this file: its read never counts.
gh_get() {
  curl -fsS --max-time 30 --retry 2 -H "Authorization: Bearer ${GH_TOKEN:-}" -H "X-GitHub-Api-Version: 2022-11-28" "$@"
}
repo_api="${GITHUB_API_URL}/repos/${GITHUB_REPOSITORY}"
if ! gh_get -H "Accept: application/vnd.github+json" -o "${work}/runs.json" \
  "${repo_api}/actions/workflows/${CANARY_WORKFLOW}/runs?branch=$(jq -rn --arg b "${CANARY_BRANCH}" '$b | @uri')&event=schedule&per_page=${CANARY_RUNS}" 2> "${work}/gh.err"; then
  decide off "could not list the earlier runs of ${CANARY_WORKFLOW} ($(head -n 1 "${work}/gh.err" | cut -c 1-200))" "::warning::"
fi
previous="" from_run=""
while read -r run; do
  gh_get -H "Accept: application/vnd.github+json" -o "${work}/artifacts.json" \
    "${repo_api}/actions/runs/${run}/artifacts?name=$(jq -rn --arg n "${CANARY_ARTIFACT}" '$n | @uri')" 2> /dev/null || continue
  artifact="$(jq -r --arg n "${CANARY_ARTIFACT}" '[.artifacts[]? | select(.name == $n and (.expired | not)) | .id][0] // empty' "${work}/artifacts.json" 2> /dev/null || true)"
  [[ "${artifact}" =~ ^[0-9]+$ ]] || continue
  # The download answers with a redirect to the archive; curl drops the token on another host.
  gh_get -L -o "${work}/canary.zip" "${repo_api}/actions/artifacts/${artifact}/zip" 2> /dev/null || continue
  if unzip -p "${work}/canary.zip" canary.json > "${work}/previous.json" 2> /dev/null \
    && jq -e '(.project | type == "string") and ([.bytes, .period_start, .read_at] | all(type == "number" and . >= 0 and floor == .))
      and (.alive_since | . == null or (type == "number" and . >= 0 and floor == .))' \
      "${work}/previous.json" > /dev/null 2>&1; then
    previous="${work}/previous.json" from_run="${run}"
    break
  fi
done < <(jq -r --arg me "${GITHUB_RUN_ID}" '.workflow_runs[]?
  | select((.id | tostring) != $me and .event == "schedule")
  | .id' "${work}/runs.json" 2> /dev/null || true)
if [ -z "${previous}" ]; then
  decide off "no earlier scheduled run of ${CANARY_WORKFLOW} on ${CANARY_BRANCH} among the last ${CANARY_RUNS} kept a canary to compare with (the first night, or its artifact expired)"
fi
when() { date -u -d "@$1" +%FT%TZ; }
read -r was_project was_bytes was_period was_read was_since < <(jq -r '[.project, .bytes, .period_start, .read_at, (.alive_since // .read_at)]
  | map(tostring) | join(" ")' "${previous}")
read -r now_bytes now_period < <(jq -r '[.bytes, .period_start] | map(tostring) | join(" ")' "${work}/now.json")
if ! whole "${was_bytes}" || ! whole "${was_period}" || ! whole "${was_read}" || ! whole "${was_since}" \
  || ! whole "${now_bytes}" || ! whole "${now_period}"; then
  decide off "run ${from_run}'s kept read or tonight's is not made of whole numbers" "::warning::"
fi
since="since run ${from_run} read ${was_bytes} bytes at $(when "${was_read}")"
# The rule is on only when every condition holds; anything else, including a test that errors, is off.
if [ "${was_project}" = "${catalog}" ] && [ "${was_period}" = "${now_period}" ] \
  && [ "${was_read}" -lt "${read_at}" ] && [ $(( read_at - was_read )) -le "${CANARY_MAX_AGE_SECONDS}" ] \
  && [ "${was_since}" -le "${was_read}" ] && [ "${now_bytes}" -gt "${was_bytes}" ]; then
  decide on "the fleet catalog's project ${catalog} wrote $(( now_bytes - was_bytes )) bytes of WAL ${since}, so Neon meters written_data_bytes (without a break since $(when "${was_since}"))" "${was_since}"
elif [ "${was_project}" != "${catalog}" ]; then
  decide off "run ${from_run} read another project (${was_project}) as the fleet catalog's"
elif [ "${was_period}" != "${now_period}" ]; then
  decide off "Neon's billing period changed ${since} (the bytes restart with it)"
elif [ "${now_bytes}" -le "${was_bytes}" ]; then
  decide off "the fleet catalog's written_data_bytes did not grow ${since} (${now_bytes} now), though every run writes its results there: Neon may have stopped metering written data, or the catalog was not written" "::warning::"
else
  decide off "run ${from_run}'s read of the fleet catalog, at $(when "${was_read}"), is not between ${CANARY_MAX_AGE_SECONDS} s ago and now"
fi
