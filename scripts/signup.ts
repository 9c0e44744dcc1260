/**
 * Self-serve signup's steps (docs/signup.md), for the tenant-signup workflow and the
 * tenant-diff workflow's auto-merge-eligible job:
 *
 *   npm run signup -- request [--github-output]          the request from the environment, checked
 *   npm run signup -- rate --prs FILE [--stack S]         one more signup fits signupsPerHour/signupsPerDay?
 *   npm run signup -- verdict --from DIR [--stacks JSON] [--head-sha SHA] [--github-output]
 *                                                         the stacks' verdicts (plan --verdict) combined
 *   npm run signup -- body --diff FILE                   the pull request's text (the request from the environment)
 *   npm run signup -- ready-commits --stack S --head SHA --deployed FILE [--done DIR --runs DIR --runs-url URL]
 *                                                         deploy-ready.sh: the range's commits that added tenants
 *   npm run signup -- ready-plan --commits FILE --statuses DIR --active JSON --created JSON --head SHA --runs-url URL [--runs DIR]
 *                                                         deploy-ready.sh: the ready statuses this run owes
 *
 * FILE: `gh pr list --label tenant-signup --state all --json createdAt`; JSON: the stacks
 * job's `all` output ({"include":[{"stack":...}]}; default: this checkout's, as npm run stacks lists them); DIR: the tenant-diff reports
 * (tenant-diff-<stack>/verdict.json).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../src/plan/stack";
import { CommandError, parseCommandLine, parseSubcommand, runMain, STACK_OPTIONS, write } from "../src/cli/cli";
import { defaultStack } from "../src/core/config/defaultStack";
import { formatProblem } from "../src/core/diagnostics/problems";
import { readStackConfig, UsageError } from "../src/core/config/stackFiles";
import { loadWorkingTree } from "../src/engine/workingTree";
import { parseSignupRequest, rateDecision, signupBranch } from "../src/operations/signup";
import { combineVerdicts, judgedCommitReason, type SignupVerdict } from "../src/review/signupVerdict";
import { mdFence } from "../src/core/escape";
import { ciMatrices, ciStacks } from "../src/core/config/ciStacks";
import { readyCommitsCommand, readyPlanCommand } from "../src/operations/readinessCommand";

const USAGE = [
  "usage: npm run signup -- request [--github-output]",
  "       npm run signup -- rate --prs FILE [--stack S]",
  "       npm run signup -- verdict --from DIR [--stacks JSON] [--head-sha SHA] [--github-output]",
  "       npm run signup -- body --diff FILE",
  "       npm run signup -- ready-commits --stack S --head SHA --deployed FILE [--done DIR --runs DIR --runs-url URL]",
  "       npm run signup -- ready-plan --commits FILE --statuses DIR --active JSON --created JSON --head SHA --runs-url URL [--runs DIR]",
].join("\n");

const COMMANDS = ["request", "rate", "verdict", "body", "ready-commits", "ready-plan"] as const;

/** A JSON file the workflow wrote, or a CommandError naming it. */
function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), file), "utf8"));
  } catch (err) {
    throw new CommandError(`${file}: cannot read ${what} (${(err as Error).message.split("\n")[0]})`);
  }
}

async function request(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, { "github-output": { type: "boolean", default: false } }, USAGE);
  const parsed = parseSignupRequest(process.env);
  if ("problems" in parsed) throw new UsageError(`the signup request is refused:\n${parsed.problems.map((p) => `  ${p}`).join("\n")}`);
  const r = parsed.request;
  const branch = signupBranch(r);
  // Every value is checked above: no newline, no control character can reach the output file.
  await write(
    args["github-output"]
      ? `action=${r.action}\nstack=${r.stack}\ntenant=${r.tenant}\nrequest=${r.request}\nbranch=${branch}\n`
      : `${JSON.stringify({ ...r, branch }, null, 2)}\n`,
  );
  return 0;
}

async function rate(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, { ...STACK_OPTIONS, prs: { type: "string" } }, USAGE);
  if (!args.prs) throw new UsageError(`rate needs --prs FILE (gh pr list --json createdAt)\n${USAGE}`);
  const listed = readJson(args.prs, "the signup pull requests");
  if (!Array.isArray(listed)) throw new CommandError(`${args.prs}: not a list of pull requests (gh pr list --json createdAt)`);
  const stackConfig = readStackConfig(PROJECT_ROOT, defaultStack(PROJECT_ROOT, args.stack), args.config);
  const { settings, problems } = loadWorkingTree(stackConfig);
  if (!settings) {
    for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    return 1;
  }
  const createdAt = listed.map((pr: { createdAt?: unknown }) => (typeof pr?.createdAt === "string" ? pr.createdAt : ""));
  const decision = rateDecision(createdAt, new Date(), { perHour: settings.signups.perHour, perDay: settings.signups.perDay });
  await write(`${JSON.stringify(decision, null, 2)}\n`);
  if (decision.allowed) return 0;
  process.stderr.write(`the signup is refused: ${decision.why}${decision.retryAfter ? `; try again after ${decision.retryAfter}` : ""}\n`);
  return 1;
}

async function verdict(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    { from: { type: "string" }, stacks: { type: "string" }, "head-sha": { type: "string" }, "github-output": { type: "boolean", default: false } },
    USAGE,
  );
  if (!args.from) throw new UsageError(`verdict needs --from DIR\n${USAGE}`);
  const head = args["head-sha"];
  if (head !== undefined && !/^[0-9a-f]{40}$/.test(head))
    throw new UsageError(`--head-sha ${JSON.stringify(head.slice(0, 60))}: a full commit id (40 hex digits)\n${USAGE}`);
  let stacks: string[];
  try {
    // Without --stacks: the stacks this checkout's CI judges (the tenant-diff matrix, npm run stacks' "all").
    stacks = args.stacks
      ? (JSON.parse(args.stacks) as { include: { stack: string }[] }).include.map((s) => s.stack)
      : ciMatrices(ciStacks(PROJECT_ROOT).stacks).all.include.map((s) => s.stack);
  } catch {
    throw new UsageError(`--stacks ${JSON.stringify(args.stacks!.slice(0, 60))}: the stacks job's output ({"include":[{"stack":...}]})\n${USAGE}`);
  }
  // A stack whose verdict is missing (its diff did not run to the end) is not eligible.
  const verdicts = stacks.map((stack) => {
    // upload-artifact keeps report/'s folders; gh run download puts each artifact in a folder of its name as well.
    const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), args.from!, `tenant-diff-${stack}`);
    const file = [path.join(dir, "verdict.json"), path.join(dir, `tenant-diff-${stack}`, "verdict.json")].find((f) => existsSync(f)) ?? "";
    try {
      const v = JSON.parse(readFileSync(file, "utf8")) as SignupVerdict & { passes: boolean; headSha?: unknown };
      // With --head-sha: a verdict about another commit (an earlier push) is no verdict about this one.
      const stale = head === undefined ? undefined : judgedCommitReason(v.headSha, head);
      const reasons = [...(stale ? [stale] : []), ...(v.reasons ?? [])];
      return { stack, eligible: v.eligible === true && v.passes === true && !stale, added: v.added ?? [], reasons };
    } catch {
      return { stack, eligible: false, added: [], reasons: ["its tenant diff left no verdict (it failed or did not run)"] };
    }
  });
  const combined = combineVerdicts(verdicts);
  if (!args["github-output"]) {
    await write(`${JSON.stringify(combined, null, 2)}\n`);
    return 0;
  }
  // A commit status's description is short: the first reason, on one line.
  const description = (combined.eligible ? `tenants added, nothing else changed: ${combined.added.join(", ")}` : `a person reviews: ${combined.reasons[0]}`)
    .replace(/[\r\n]+/g, " ")
    .slice(0, 140);
  await write(`eligible=${combined.eligible}\nadded=${combined.added.join(",")}\ndescription=${description}\n`);
  return 0;
}

/** The pull request's text: who asked, what the diff says (fenced, so a customer's name is text, never Markdown or a mention). */
async function body(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, { diff: { type: "string" } }, USAGE);
  if (!args.diff) throw new UsageError(`body needs --diff FILE (npm run tenant -- add's output)\n${USAGE}`);
  const parsed = parseSignupRequest(process.env);
  if ("problems" in parsed) throw new UsageError(`the signup request is refused:\n${parsed.problems.map((p) => `  ${p}`).join("\n")}`);
  const diff = readFileSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), args.diff), "utf8");
  const r = parsed.request;
  await write(
    [
      `Self-serve signup: \`${r.action}\` of \`${r.tenant}\` on stack \`${r.stack}\`, request \`${r.request}\` (docs/signup.md).`,
      "",
      r.action === "add"
        ? "It merges by itself once the base's checker finds that it adds tenants and nothing else (status `tenant-fleet/auto-merge-eligible`) and every required check passed; otherwise it waits for a person."
        : "A retirement is never merged without a person: review and approve it.",
      "",
      mdFence(diff),
      "",
    ].join("\n"),
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { command, rest } = parseSubcommand(argv, COMMANDS, USAGE);
  if (command === "request") return request(rest);
  if (command === "rate") return rate(rest);
  if (command === "body") return body(rest);
  if (command === "ready-commits") return readyCommitsCommand(rest, USAGE);
  if (command === "ready-plan") return readyPlanCommand(rest, USAGE);
  return verdict(rest);
}

runMain("tenant-fleet signup", main);
