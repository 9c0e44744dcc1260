#!/usr/bin/env node
/**
 * A stand-in for `gh api` over GitHub's records of earlier deploys and commit statuses, for
 * src/operations/sh/deploy-deployed-commit.sh and deploy-ready.sh. It answers requests from a
 * world file (GH_WORLD: {"runs": [...], "deployments": [...], "statuses": [...],
 * "dispatches": [...], "tokens": {token: login}, "fail": false, "failOn": "substring"}), writes
 * what a POST creates back to it, and applies `--jq` with the real jq, as gh does
 * (https://cli.github.com/manual/gh_api: "--jq: Query to select values from the response using
 * jq syntax"; `-f key=value` adds a string field, `--input -` reads the body from standard
 * input; the token is GH_TOKEN, https://cli.github.com/manual/gh_help_environment). Every call
 * is appended to GH_WORLD + ".log" with the login its token acts as.
 *
 * The rules it models, from GitHub's REST reference:
 * - List workflow runs for a workflow
 *   (https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow):
 *   `branch` "Returns workflow runs associated with a branch" (head_branch), `event` the
 *   triggering event, `status` the status or the conclusion (success is a conclusion);
 *   the answer is {"total_count", "workflow_runs"}, newest first; runs of other workflow
 *   files are not listed.
 * - Get a workflow run (https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run):
 *   GET .../actions/runs/{run_id} answers the run (id, path, event, head_branch, head_sha, ...)
 *   of any workflow of the repository; an unknown id is 404.
 * - List deployments (https://docs.github.com/en/rest/deployments/deployments#list-deployments):
 *   filtered by `sha` and `environment`; an array, newest first.
 * - List deployment statuses (https://docs.github.com/en/rest/deployments/statuses#list-deployment-statuses):
 *   an array, newest first; an unknown deployment is 404.
 * - Create a commit status (https://docs.github.com/en/rest/commits/statuses#create-a-commit-status):
 *   POST .../statuses/{sha} with state, context, description, target_url answers 201; the
 *   status's `creator` is the token's user (a workflow's GITHUB_TOKEN acts as
 *   github-actions[bot]); a description over 140 characters is refused (422).
 * - List commit statuses for a reference (https://docs.github.com/en/rest/commits/statuses#list-commit-statuses-for-a-reference):
 *   GET .../commits/{ref}/statuses, "in reverse chronological order", each with its creator;
 *   every status of the commit, one context several times over.
 * - Create a repository dispatch event (https://docs.github.com/en/rest/repos/repos#create-a-repository-dispatch-event):
 *   POST .../dispatches answers 204 No Content.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const world = JSON.parse(readFileSync(process.env.GH_WORLD, "utf8"));
const login = (world.tokens ?? {})[process.env.GH_TOKEN ?? ""] ?? "unknown-token";
appendFileSync(`${process.env.GH_WORLD}.log`, `${login}\tgh ${args.join(" ")}\n`);

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if (args[0] !== "api") fail(`stand-in: only gh api is modelled, not gh ${args[0]}`);
if (world.fail || (world.failOn && args.join(" ").includes(world.failOn))) fail("HTTP 502: Server Error (stand-in)");
const method = args.includes("--method") ? args[args.indexOf("--method") + 1] : "GET";
const fields = Object.fromEntries(args.flatMap((a, i) => (args[i - 1] === "-f" ? [[a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]] : [])));
const input = args.includes("--input") ? JSON.parse(readFileSync(0, "utf8")) : undefined;
const save = () => writeFileSync(process.env.GH_WORLD, JSON.stringify(world));
const jq = args.includes("--jq") ? args[args.indexOf("--jq") + 1] : ".";
// The endpoint is the one argument that is neither an option nor an option's value.
const valued = new Set(["--method", "-X", "--jq", "-f", "-F", "--input", "-H"]);
const endpoint = args.slice(1).find((a, i, rest) => !a.startsWith("-") && !valued.has(rest[i - 1]));
const url = new URL(`https://api.github.com/${endpoint}`);
const q = (name) => url.searchParams.get(name);
const perPage = Number(q("per_page") ?? 30);
const newestFirst = (a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? "");

let body;
let m;
if (method === "POST" && (m = /^\/repos\/[^/]+\/[^/]+\/statuses\/([0-9a-f]{40})$/.exec(url.pathname))) {
  if ((fields.description ?? "").length > 140) fail("HTTP 422: description is too long (maximum is 140 characters) (stand-in)");
  const status = { ...fields, sha: m[1], creator: { login }, created_at: new Date(Date.UTC(2026, 11, 2) + (world.statuses ?? []).length * 1000).toISOString() };
  world.statuses = [...(world.statuses ?? []), status];
  save();
  body = status;
} else if (method === "POST" && /^\/repos\/[^/]+\/[^/]+\/dispatches$/.test(url.pathname)) {
  world.dispatches = [...(world.dispatches ?? []), { repository: url.pathname.split("/").slice(2, 4).join("/"), login, ...input }];
  save();
  process.exit(0);
} else if (method !== "GET") {
  fail(`stand-in: no route for ${method} ${url.pathname}`);
} else if ((m = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]{40})\/statuses$/.exec(url.pathname))) {
  body = (world.statuses ?? [])
    .filter((st) => st.sha === m[1])
    .sort(newestFirst)
    .slice(0, perPage);
} else if ((m = /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/([^/]+)\/runs$/.exec(url.pathname))) {
  const file = m[1];
  const runs = world.runs
    .filter((r) => r.path.split("@")[0].endsWith(`/${file}`))
    .filter((r) => !q("branch") || r.head_branch === q("branch"))
    .filter((r) => !q("event") || r.event === q("event"))
    .filter((r) => !q("status") || r.status === q("status") || r.conclusion === q("status"))
    .sort(newestFirst)
    .slice(0, perPage);
  body = { total_count: runs.length, workflow_runs: runs };
} else if ((m = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)$/.exec(url.pathname))) {
  body = (world.runs ?? []).find((r) => String(r.id) === m[1]);
  if (!body) fail("HTTP 404: Not Found (stand-in)");
} else if ((m = /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/.exec(url.pathname))) {
  const deployment = world.deployments.find((d) => String(d.id) === m[1]);
  if (!deployment) fail("HTTP 404: Not Found (stand-in)");
  body = [...deployment.statuses].sort(newestFirst).slice(0, perPage);
} else if (/^\/repos\/[^/]+\/[^/]+\/deployments$/.test(url.pathname)) {
  body = world.deployments
    .filter((d) => !q("sha") || d.sha === q("sha"))
    .filter((d) => !q("environment") || d.environment === q("environment"))
    .sort(newestFirst)
    .slice(0, perPage)
    .map(({ statuses: _statuses, ...d }) => d);
} else {
  fail(`stand-in: no route for ${url.pathname}`);
}
const r = spawnSync("jq", ["-r", jq], { input: JSON.stringify(body), encoding: "utf8" });
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
process.exit(r.status ?? 1);
