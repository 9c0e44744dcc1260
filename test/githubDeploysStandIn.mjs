#!/usr/bin/env node
/**
 * A stand-in for `gh api` over GitHub's records of earlier deploys, for
 * src/operations/sh/deploy-deployed-commit.sh. It answers GET requests from a world file
 * (GH_WORLD: {"runs": [...], "deployments": [...], "fail": false}) and applies `--jq` with the
 * real jq, as gh does (https://cli.github.com/manual/gh_api: "--jq: Query to select values
 * from the response using jq syntax"). Every call is appended to GH_WORLD + ".log".
 *
 * The rules it models, from GitHub's REST reference:
 * - List workflow runs for a workflow
 *   (https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow):
 *   `branch` "Returns workflow runs associated with a branch" (head_branch), `event` the
 *   triggering event, `status` the status or the conclusion (success is a conclusion);
 *   the answer is {"total_count", "workflow_runs"}, newest first; runs of other workflow
 *   files are not listed.
 * - List deployments (https://docs.github.com/en/rest/deployments/deployments#list-deployments):
 *   filtered by `sha` and `environment`; an array, newest first.
 * - List deployment statuses (https://docs.github.com/en/rest/deployments/statuses#list-deployment-statuses):
 *   an array, newest first; an unknown deployment is 404.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const world = JSON.parse(readFileSync(process.env.GH_WORLD, "utf8"));
appendFileSync(`${process.env.GH_WORLD}.log`, `gh ${args.join(" ")}\n`);

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if (args[0] !== "api") fail(`stand-in: only gh api is modelled, not gh ${args[0]}`);
if (world.fail) fail("HTTP 502: Server Error (stand-in)");
const jq = args.includes("--jq") ? args[args.indexOf("--jq") + 1] : ".";
const url = new URL(`https://api.github.com/${args[1]}`);
const q = (name) => url.searchParams.get(name);
const perPage = Number(q("per_page") ?? 30);
const newestFirst = (a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? "");

let body;
let m;
if ((m = /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/([^/]+)\/runs$/.exec(url.pathname))) {
  const file = m[1];
  const runs = world.runs
    .filter((r) => r.path.split("@")[0].endsWith(`/${file}`))
    .filter((r) => !q("branch") || r.head_branch === q("branch"))
    .filter((r) => !q("event") || r.event === q("event"))
    .filter((r) => !q("status") || r.status === q("status") || r.conclusion === q("status"))
    .sort(newestFirst)
    .slice(0, perPage);
  body = { total_count: runs.length, workflow_runs: runs };
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
