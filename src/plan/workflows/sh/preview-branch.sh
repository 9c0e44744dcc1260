#!/usr/bin/env bash
# Sets `name`, the pull request's Neon branch, from PR_NUMBER and HEAD_REF exactly as
# previewBranchName (dev.ts) does: `<PREVIEW_BRANCH_PREFIX><number>-<head branch slug>`, the slug
# ASCII lowercase letters, digits and hyphens, at most PREVIEW_SLUG_MAX characters.
# Inputs (environment):
#   PR_NUMBER               the pull request's number
#   HEAD_REF                its head branch
#   PREVIEW_BRANCH_PREFIX   the preview branches' name prefix
#   PREVIEW_SLUG_MAX        the longest slug of the head branch
# shellcheck disable=SC2034 # name: read by the files composed after this one

case "${PR_NUMBER}" in
  ""|*[!0-9]*)
    echo "::error::PR_NUMBER is not a number"
    exit 1;;
esac
slug="$(printf '%s' "${HEAD_REF}" | LC_ALL=C tr '[:upper:]' '[:lower:]' | LC_ALL=C tr -c 'a-z0-9' '-' | tr -s '-' \
  | sed 's/^-//; s/-$//' | cut -c1-"${PREVIEW_SLUG_MAX}" | sed 's/-$//')"
name="${PREVIEW_BRANCH_PREFIX}${PR_NUMBER}${slug:+-${slug}}"
