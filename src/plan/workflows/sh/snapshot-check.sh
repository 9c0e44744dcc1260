#!/usr/bin/env bash
# The restore drill's snapshot check: for each tenant of the fleet manifest with Neon
# snapshots, asks Neon for the project's snapshots (GET /projects/{project_id}/snapshots, one
# read per tenant, retried) and fails the tenant when its newest scheduled snapshot (not
# `manual`) is older than the schedule allows (snapshots.maxAgeHours: its period plus
# slack) or there is none. Expired snapshots are Neon's to delete and are not looked for.
# Without a Neon read key (NEON_ACTIVITY_API_KEY of the default-branch-only environment) the check is skipped
# with a notice. Failed tenants go into the first annotation (FAILED_TENANTS_TITLE), which the
# alert job reads, then one error each.
# Inputs (environment):
#   MANIFEST                the fleet manifest's path in the checkout
#   NEON_API                Neon's API base URL
#   NEON_ACTIVITY_API_KEY   a Neon API key that can read the tenants' projects (a secret; empty: skipped)
#   FAILED_TENANTS_TITLE    the title of the annotation naming the failed tenants

set -euo pipefail
if [ -z "${NEON_ACTIVITY_API_KEY:-}" ]; then
  echo "::notice title=Neon snapshots not checked::no NEON_ACTIVITY_API_KEY in this job's environment; set the stack's secret setting tenant-fleet:neonActivityApiKey (pulumi config set --secret), which the stack puts in that environment, never as a repository secret (Neon keys are not read-only)"
  exit 0
fi
work="$(mktemp -d)"
jq -r '.tenants[] | select(.snapshots) | [.id, (.projectId // ""), .snapshots.maxAgeHours, .snapshots.frequency] | @tsv' \
  "${MANIFEST}" > "${work}/tenants.tsv"
if [ ! -s "${work}/tenants.tsv" ]; then
  echo "no tenant of ${MANIFEST} has Neon snapshots"
  exit 0
fi
now="$(date -u +%s)"
: > "${work}/failed"
: > "${work}/errors"
while IFS=$'\t' read -r id project max_hours frequency; do
  if [ -z "${project}" ]; then
    echo "${id}" >> "${work}/failed"
    echo "${id}: the manifest has no Neon project id for it (deploy the stack again)" >> "${work}/errors"
    continue
  fi
  if ! curl -fsS --retry 3 --retry-all-errors \
    -H "Authorization: Bearer ${NEON_ACTIVITY_API_KEY}" -H "Accept: application/json" \
    "${NEON_API}/projects/${project}/snapshots" > "${work}/snapshots.json" 2> "${work}/curl.err"; then
    echo "${id}" >> "${work}/failed"
    echo "${id}: Neon did not list the snapshots of ${project} ($(tr '\n' ' ' < "${work}/curl.err"))" >> "${work}/errors"
    continue
  fi
  # The newest scheduled snapshot's time, seconds since the epoch (fractions cut: jq reads whole seconds).
  newest="$(jq -r '[.snapshots[]? | select(.manual != true) | .created_at | sub("\\.[0-9]+"; "") | sub("\\+00:00$"; "Z") | fromdateiso8601] | max // empty' \
    "${work}/snapshots.json")"
  if [ -z "${newest}" ]; then
    echo "${id}" >> "${work}/failed"
    echo "${id}: Neon holds no scheduled snapshot of ${project} (${frequency} schedule; just turned on? the first comes within ${max_hours} h)" >> "${work}/errors"
    continue
  fi
  age_hours=$(( (now - newest) / 3600 ))
  if [ "${age_hours}" -gt "${max_hours}" ]; then
    echo "${id}" >> "${work}/failed"
    echo "${id}: the newest ${frequency} snapshot of ${project} is ${age_hours} h old, more than ${max_hours} h: Neon is not taking them on schedule" >> "${work}/errors"
  else
    echo "${id}: newest ${frequency} snapshot ${age_hours} h old (at most ${max_hours} h)"
  fi
done < "${work}/tenants.tsv"
if [ -s "${work}/failed" ]; then
  echo "::error title=${FAILED_TENANTS_TITLE}::$(tr '\n' ' ' < "${work}/failed" | sed 's/ $//')"
  while IFS= read -r line; do echo "::error::${line}"; done < "${work}/errors"
  exit 1
fi
echo "every tenant's Neon snapshots are on schedule"
