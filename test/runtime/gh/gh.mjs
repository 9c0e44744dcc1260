// The GitHub CLI stand-in (test/runtime/substitutions.ts, 15): GitHub's runners carry `gh`, this
// machine has none. It answers exactly the invocations of the signup scripts
// (src/operations/sh/signup-*.sh) by making the REST or GraphQL call the real CLI makes, against
// GITHUB_API_URL with GH_TOKEN, and refuses every other invocation (exit 2). The rules it keeps,
// each from the CLI's manual:
// - `--jq` filters the JSON with jq syntax and prints strings raw (https://cli.github.com/manual/gh_help_formatting).
// - `gh api -f key=value` adds a string parameter: the request body of a POST/PUT/PATCH, the query of a GET;
//   `--method` defaults to GET without parameters and POST with them (https://cli.github.com/manual/gh_api).
// - `gh pr merge --auto --match-head-commit SHA` turns auto-merge on with expectedHeadOid SHA (the
//   GraphQL mutation enablePullRequestAutoMerge); `--disable-auto` turns it off
//   (https://cli.github.com/manual/gh_pr_merge, https://docs.github.com/en/graphql/reference/mutations#enablepullrequestautomerge).
// - `gh run download RUN --pattern P --dir D` extracts each matching artifact of the run into D/<artifact name>/
//   (https://cli.github.com/manual/gh_run_download).
// - `gh pr list --search` is GitHub's search syntax; only `created:>=TIME` (what the rate limit asks) is modelled.
// - An HTTP status of 400 or more prints GitHub's message on stderr and exits 1.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const API = process.env.GITHUB_API_URL;
const TOKEN = process.env.GH_TOKEN ?? process.env.GITHUB_TOKEN;

function refuse(why) {
  process.stderr.write(`gh stand-in (test/runtime/substitutions.ts): ${why}; refused: gh ${process.argv.slice(2).join(" ")}\n`);
  process.exit(2);
}

/** Options and positional arguments; `-f`/`--raw-field` repeat. */
function parseArgs(args) {
  const flags = {};
  const fields = [];
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-f" || a === "--raw-field") fields.push(args[++i]);
    else if (a === "--input" && args[i + 1] === "-") flags.input = args[++i];
    else if (["--auto", "--squash", "--disable-auto"].includes(a)) flags[a.slice(2)] = true;
    else if (a.startsWith("--")) flags[a.slice(2)] = args[++i];
    else positional.push(a);
  }
  return { flags, fields, positional };
}

async function call(method, route, body) {
  if (!API || !TOKEN) refuse("GITHUB_API_URL and GH_TOKEN are needed");
  const res = await fetch(`${API}/${route.replace(/^\//, "")}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, accept: "application/vnd.github+json", ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    redirect: "follow",
  });
  if (res.status >= 400) {
    const text = await res.text();
    let message = text;
    try {
      message = JSON.parse(text).message ?? text;
    } catch {
      // not JSON: the text itself
    }
    process.stderr.write(`gh: ${message} (HTTP ${res.status})\n`);
    process.exit(1);
  }
  return res;
}

const json = async (method, route, body) => (await call(method, route, body)).json();

function print(value, jq) {
  if (jq === undefined) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const r = spawnSync("jq", ["-r", jq], { input: JSON.stringify(value), encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    process.exit(1);
  }
  process.stdout.write(r.stdout);
}

/** A pull request named by its URL or number, in --repo or the URL's repository. */
function pullOf(ref, repo) {
  const m = /^https:\/\/[^/]+\/([^/]+\/[^/]+)\/pull\/(\d+)$/.exec(ref);
  if (m) return { repo: m[1], number: Number(m[2]) };
  if (/^\d+$/.test(ref) && repo) return { repo, number: Number(ref) };
  return refuse(`${ref} names no pull request`);
}

const FIELDS = {
  url: (p) => p.html_url,
  headRefOid: (p) => p.head.sha,
  createdAt: (p) => p.created_at,
  number: (p) => p.number,
};

function select(pull, names) {
  return Object.fromEntries(
    names.split(",").map((n) => {
      if (!FIELDS[n]) refuse(`--json ${n} is not modelled`);
      return [n, FIELDS[n](pull)];
    }),
  );
}

async function prList({ flags }) {
  const repo = flags.repo;
  const owner = repo.split("/")[0];
  const query = new URLSearchParams({ state: flags.state ?? "open", per_page: "100" });
  if (flags.head) query.set("head", `${owner}:${flags.head}`);
  let pulls = await json("GET", `repos/${repo}/pulls?${query}`);
  if (flags.label) pulls = pulls.filter((p) => p.labels.some((l) => l.name === flags.label));
  if (flags.search) {
    const m = /^created:>=(\S+)$/.exec(flags.search);
    if (!m) refuse(`--search ${flags.search} is not modelled`);
    pulls = pulls.filter((p) => p.created_at >= m[1]);
  }
  pulls = pulls.slice(0, Number(flags.limit ?? 30));
  print(
    pulls.map((p) => select(p, flags.json)),
    flags.jq,
  );
}

async function prView({ flags, positional }) {
  const { repo, number } = pullOf(positional[0], flags.repo);
  print(select(await json("GET", `repos/${repo}/pulls/${number}`), flags.json), flags.jq);
}

async function prCreate({ flags }) {
  const body = readFileSync(flags["body-file"], "utf8");
  const pull = await json("POST", `repos/${flags.repo}/pulls`, { title: flags.title, head: flags.head, base: flags.base, body });
  if (flags.label) await json("POST", `repos/${flags.repo}/issues/${pull.number}/labels`, { labels: [flags.label] });
  process.stdout.write(`${pull.html_url}\n`);
}

async function prMerge({ flags, positional }) {
  const { repo, number } = pullOf(positional[0], flags.repo);
  const pull = await json("GET", `repos/${repo}/pulls/${number}`);
  if (flags["disable-auto"]) {
    await graphql("mutation($id: ID!) { disablePullRequestAutoMerge(input: {pullRequestId: $id}) { clientMutationId } }", { id: pull.node_id });
    return;
  }
  if (!flags.auto || !flags.squash) refuse("only --auto --squash and --disable-auto are modelled");
  await graphql(
    "mutation($id: ID!, $method: PullRequestMergeMethod!, $oid: GitObjectID) { enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $method, expectedHeadOid: $oid}) { clientMutationId } }",
    { id: pull.node_id, method: "SQUASH", ...(flags["match-head-commit"] ? { oid: flags["match-head-commit"] } : {}) },
  );
}

async function graphql(query, variables) {
  const answer = await json("POST", "graphql", { query, variables });
  if (answer.errors?.length) {
    process.stderr.write(`GraphQL: ${answer.errors.map((e) => e.message).join("; ")}\n`);
    process.exit(1);
  }
  return answer.data;
}

async function api({ flags, fields, positional }) {
  const method = flags.method ?? (fields.length ? "POST" : "GET");
  const params = Object.fromEntries(fields.map((f) => [f.slice(0, f.indexOf("=")), f.slice(f.indexOf("=") + 1)]));
  let route = positional[0];
  if (method === "GET" && fields.length) route += `${route.includes("?") ? "&" : "?"}${new URLSearchParams(params)}`;
  // `--input -`: the request body is stdin, as JSON (https://cli.github.com/manual/gh_api).
  const body = flags.input === "-" ? JSON.parse(readFileSync(0, "utf8")) : method === "GET" || !fields.length ? undefined : params;
  const res = await call(flags.input === "-" && !flags.method ? "POST" : method, route, body);
  const text = await res.text();
  if (text) print(JSON.parse(text), flags.jq);
}

async function runDownload({ flags, positional }) {
  const pattern = new RegExp(`^${(flags.pattern ?? "*").replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  const { artifacts } = await json("GET", `repos/${flags.repo}/actions/runs/${positional[0]}/artifacts`);
  const matching = artifacts.filter((a) => pattern.test(a.name));
  if (matching.length === 0) {
    process.stderr.write("no valid artifacts found to download\n");
    process.exit(1);
  }
  for (const a of matching) {
    const zip = path.join(mkdtempSync(path.join(tmpdir(), "gh-artifact-")), `${a.name}.zip`);
    writeFileSync(zip, Buffer.from(await (await call("GET", `repos/${flags.repo}/actions/artifacts/${a.id}/zip`)).arrayBuffer()));
    const to = path.join(flags.dir ?? ".", a.name);
    mkdirSync(to, { recursive: true });
    const r = spawnSync("unzip", ["-q", "-o", zip, "-d", to], { encoding: "utf8" });
    if (r.status !== 0) refuse(`unzip: ${r.stderr}`);
  }
}

const COMMANDS = {
  "pr list": prList,
  "pr view": prView,
  "pr create": prCreate,
  "pr merge": prMerge,
  "run download": runDownload,
  api,
};

const argv = process.argv.slice(2);
const command = COMMANDS[argv.slice(0, 2).join(" ")] ? argv.slice(0, 2).join(" ") : argv[0];
if (!COMMANDS[command]) refuse("not a command the signup scripts use");
await COMMANDS[command](parseArgs(argv.slice(command.split(" ").length)));
