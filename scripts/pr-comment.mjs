#!/usr/bin/env node
/**
 * Posts one pull-request comment per report, and updates it in place on the next run:
 *
 *   node scripts/pr-comment.mjs --from <dir>
 *
 * Every subdirectory of <dir> is one report (as actions/download-artifact lays out
 * artifacts): `<dir>/tenant-diff-prod/comment.md` becomes the comment marked
 * `<!-- tenant-fleet:tenant-diff-prod -->`. The comment with that marker written by the
 * workflow's own token (COMMENT_AUTHOR, default github-actions[bot]) is edited; another
 * stack's comment, or a person's comment that quotes the marker, is never touched.
 *
 * Plain Node.js with no dependencies: the comment jobs run it without `npm ci`, so no
 * package of the pull request runs next to their write token. Environment:
 * GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER, GITHUB_API_URL (optional).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

/** GitHub refuses comment bodies above 65,536 characters. */
export const BODY_LIMIT = 65536;
const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export function markerOf(name) {
  if (!NAME.test(name)) throw new Error(`report name ${JSON.stringify(name.slice(0, 120))} is not [a-z0-9._-], at most 100 characters`);
  return `<!-- tenant-fleet:${name} -->`;
}

export function bodyOf(marker, text) {
  const note = "\n\n… (cut at GitHub's comment limit; the whole report is in the job's summary and artifact)\n";
  const head = `${marker}\n`;
  const room = BODY_LIMIT - head.length;
  return head + (text.length <= room ? text : text.slice(0, room - note.length) + note);
}

function fail(message) {
  process.stderr.write(`pr-comment: ${message}\n`);
  process.exit(1);
}

async function api(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: "application/vnd.github+json",
      "X-GitHub-Api-Version": "2022-11-28",
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) {
    const detail = (await res.text()).slice(0, 300).replace(/\s+/g, " ");
    throw new Error(`${method} ${new URL(url).pathname} answered ${res.status}: ${detail}`);
  }
  return res.status === 204 ? undefined : res.json();
}

async function ourComments(base, repo, pr, token, author) {
  const found = [];
  for (let page = 1; ; page++) {
    const batch = await api("GET", `${base}/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page}`, token);
    for (const c of batch) if (c.user?.login === author) found.push(c);
    if (batch.length < 100) return found;
  }
}

async function main(argv) {
  const at = argv.indexOf("--from");
  if (at < 0 || !argv[at + 1] || argv.length !== 2) fail("usage: node scripts/pr-comment.mjs --from <dir>");
  const dir = argv[at + 1];
  const token = process.env.GITHUB_TOKEN;
  const repo = process.env.GITHUB_REPOSITORY;
  const pr = process.env.PR_NUMBER;
  const base = (process.env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");
  const author = process.env.COMMENT_AUTHOR || "github-actions[bot]";
  if (!token) fail("GITHUB_TOKEN is not set");
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repo ?? "")) fail(`GITHUB_REPOSITORY ${JSON.stringify(repo ?? "")} is not owner/name`);
  if (!/^[1-9][0-9]{0,9}$/.test(pr ?? "")) fail(`PR_NUMBER ${JSON.stringify(pr ?? "")} is not a pull request number`);
  if (!existsSync(dir)) {
    process.stdout.write(`no reports in ${dir}: nothing to post\n`);
    return;
  }
  const reports = readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
    .map((name) => ({ name, marker: markerOf(name), file: path.join(dir, name, "comment.md") }));
  const existing = await ourComments(base, repo, pr, token, author);
  let failed = 0;
  for (const r of reports) {
    if (!existsSync(r.file)) {
      process.stderr.write(`pr-comment: ${r.name} has no comment.md; skipped\n`);
      failed++;
      continue;
    }
    const body = bodyOf(r.marker, readFileSync(r.file, "utf8"));
    const mine = existing.find((c) => typeof c.body === "string" && c.body.startsWith(`${r.marker}\n`));
    try {
      if (mine) {
        await api("PATCH", `${base}/repos/${repo}/issues/comments/${mine.id}`, token, { body });
        process.stdout.write(`${r.name}: updated comment ${mine.id}\n`);
      } else {
        const made = await api("POST", `${base}/repos/${repo}/issues/${pr}/comments`, token, { body });
        process.stdout.write(`${r.name}: posted comment ${made.id}\n`);
      }
    } catch (err) {
      process.stderr.write(`pr-comment: ${r.name}: ${err.message}\n`);
      failed++;
    }
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => fail(err.message));
}
