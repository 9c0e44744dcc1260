/**
 * `npm run signup -- ready-commits` and `ready-plan` (scripts/signup.ts): the two steps of
 * src/operations/sh/deploy-ready.sh that need git and the tenants file's YAML; the script
 * does the GitHub calls between them (src/operations/readiness.ts says why).
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { CommandError, parseCommandLine, write } from "../cli/cli";
import { UsageError } from "../core/config/stackFiles";
import { stackKinds } from "../core/config/defaultStack";
import { PROJECT_ROOT } from "../plan/stack";
import { TENANT_ID_PATTERN } from "../../tenants/schema";
import {
  announcedTenants,
  boundIndex,
  firstParentChain,
  hasDoneMarker,
  isDeployRun,
  readinessPlan,
  readyCommits,
  type DeployRunRule,
  type ListedRun,
  type ListedStatus,
  type ReadyCommit,
} from "./readiness";
import { DEPLOY_WORKFLOW_PATH, OPERATIONS_BRANCH, READY_DONE_PREFIX, READY_STATUS_PREFIX } from "../core/repositoryContract";

const SHA = /^[0-9a-f]{40}$/;
const from = (file: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), file);

function readText(file: string, what: string): string {
  try {
    return readFileSync(from(file), "utf8");
  } catch (err) {
    throw new CommandError(`${file}: cannot read ${what} (${(err as Error).message.split("\n")[0]})`);
  }
}

/** A JSON list of tenant ids given on the command line, or a UsageError naming the option. */
function idList(text: string | undefined, option: string, usage: string): string[] {
  let list: unknown;
  try {
    list = JSON.parse(text ?? "");
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || !list.every((id) => typeof id === "string" && TENANT_ID_PATTERN.test(id)))
    throw new UsageError(`${option} ${JSON.stringify((text ?? "").slice(0, 60))}: a JSON list of tenant ids\n${usage}`);
  return list as string[];
}

/** The JSON files `<name>.json` of a directory the script filled (a file GitHub's answer did not make valid JSON holds nothing); none when the directory is not given. */
function jsonFiles(dir: string | undefined, name: RegExp): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!dir) return out;
  let names: string[];
  try {
    names = readdirSync(from(dir));
  } catch (err) {
    throw new CommandError(`${dir}: cannot read the directory (${(err as Error).message.split("\n")[0]})`);
  }
  for (const file of names.filter((n) => n.endsWith(".json") && name.test(n.slice(0, -5)))) {
    try {
      out.set(file.slice(0, -5), JSON.parse(readFileSync(path.join(from(dir), file), "utf8")));
    } catch {
      out.set(file.slice(0, -5), undefined);
    }
  }
  return out;
}

/** The rule a status's run must meet (src/operations/readiness.ts isDeployRun) and the runs the script looked up (`--runs DIR`: `<id>.json`, Get a workflow run's answer). */
function deployRunCheck(args: Record<string, string | undefined>, chain: readonly string[]) {
  const runs = jsonFiles(args.runs, /^\d+$/);
  const rule: DeployRunRule = { workflowFile: args["workflow-file"] ?? DEPLOY_WORKFLOW_PATH, branch: args.branch ?? OPERATIONS_BRANCH, chain: new Set(chain) };
  const runOf = (id: string) => runs.get(id) as ListedRun | undefined;
  return { rule, runOf, trusted: (id: string) => isDeployRun(runOf(id), rule) };
}

const list = (value: unknown) => (Array.isArray(value) ? (value as ListedStatus[]) : []);
const verifyOptions = { runs: { type: "string" }, "workflow-file": { type: "string" }, branch: { type: "string" }, "runs-url": { type: "string" } } as const;

function sha(value: string | undefined, option: string, usage: string): string {
  if (!value || !SHA.test(value)) throw new UsageError(`${option} ${JSON.stringify((value ?? "").slice(0, 60))}: a full commit id (40 hex digits)\n${usage}`);
  return value;
}

/** The range's commits that changed the stack's tenants file, with the tenants each added (JSON). */
export async function readyCommitsCommand(argv: string[], usage: string): Promise<number> {
  const options = { stack: { type: "string" }, head: { type: "string" }, deployed: { type: "string" }, done: { type: "string" }, ...verifyOptions } as const;
  const args = parseCommandLine(argv, options, usage);
  const head = sha(args.head, "--head", usage);
  if (!args.deployed) throw new UsageError(`ready-commits needs --deployed FILE (the commits of successful deploys, one a line)\n${usage}`);
  if (args.done && !args["runs-url"]) throw new UsageError(`ready-commits --done needs --runs-url URL (the markers' runs)\n${usage}`);
  const kind = stackKinds(PROJECT_ROOT).find((k) => k.stack === args.stack);
  if (!kind) throw new UsageError(`--stack ${JSON.stringify((args.stack ?? "").slice(0, 60))}: no such stack here (Pulumi.<stack>.yaml)\n${usage}`);
  const deployed = new Set(
    readText(args.deployed, "the deployed commits")
      .split("\n")
      .filter((l) => SHA.test(l)),
  );
  const doneLists = jsonFiles(args.done, SHA);
  const context = `${READY_DONE_PREFIX}/${kind.stack}`;
  // The bound: the newest deploy whose ready step left a verified marker (`--done DIR`: each checked commit's statuses).
  const bound = (chain: readonly string[]) => {
    if (!args.done) return boundIndex(chain, deployed);
    const { rule, runOf } = deployRunCheck(args, chain);
    const marked = [...doneLists].filter(([c, listed]) => hasDoneMarker(c, list(listed), context, args["runs-url"]!, runOf, rule)).map(([c]) => c);
    return boundIndex(chain, deployed, { checked: new Set(doneLists.keys()), marked: new Set(marked) });
  };
  const file = path.relative(PROJECT_ROOT, path.resolve(PROJECT_ROOT, kind.tenantsFile)).split(path.sep).join("/");
  let found: ReturnType<typeof readyCommits>;
  try {
    found = readyCommits(PROJECT_ROOT, head, file, bound);
  } catch (err) {
    throw new CommandError(
      `the history of ${file} cannot be read (${(err as Error).message.split("\n")[0]}); the checkout needs main's history (fetch-depth: 0)`,
    );
  }
  await write(`${JSON.stringify({ stack: kind.stack, file, head, ...found }, null, 2)}\n`);
  return 0;
}

/** The statuses this run owes and the tenants it announces (JSON), from ready-commits' answer and the statuses listed per commit. */
export async function readyPlanCommand(argv: string[], usage: string): Promise<number> {
  const options = {
    commits: { type: "string" },
    statuses: { type: "string" },
    active: { type: "string" },
    created: { type: "string" },
    head: { type: "string" },
    ...verifyOptions,
  } as const;
  const args = parseCommandLine(argv, options, usage);
  const head = sha(args.head, "--head", usage);
  if (!args.commits || !args.statuses || !args["runs-url"])
    throw new UsageError(`ready-plan needs --commits FILE, --statuses DIR and --runs-url URL\n${usage}`);
  let found: { stack: string; commits: ReadyCommit[] };
  try {
    found = JSON.parse(readText(args.commits, "ready-commits' answer")) as typeof found;
    if (typeof found.stack !== "string" || !Array.isArray(found.commits)) throw new Error("no stack or commits");
  } catch (err) {
    throw new CommandError(`${args.commits}: not ready-commits' answer (${(err as Error).message.split("\n")[0]})`);
  }
  const context = `${READY_STATUS_PREFIX}/${found.stack}`;
  // A status counts only when its run is a deploy run (`--runs DIR`); a run not looked up proves nothing.
  let chain: string[];
  try {
    chain = firstParentChain(PROJECT_ROOT, head);
  } catch (err) {
    throw new CommandError(
      `the history of ${head} cannot be read (${(err as Error).message.split("\n")[0]}); the checkout needs main's history (fetch-depth: 0)`,
    );
  }
  const { trusted } = deployRunCheck(args, chain);
  const announced: Record<string, Set<string>> = {};
  // A list GitHub did not give proves no announcement: the tenants are announced (again) rather than missed.
  for (const [c, listed] of jsonFiles(args.statuses, SHA)) announced[c] = announcedTenants(list(listed), context, args["runs-url"], trusted);
  const plan = readinessPlan({
    commits: found.commits,
    announced,
    active: idList(args.active, "--active", usage),
    created: idList(args.created, "--created", usage),
    head,
  });
  await write(`${JSON.stringify({ context, ...plan }, null, 2)}\n`);
  return 0;
}
