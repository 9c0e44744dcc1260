/**
 * npm run drift: the nightly drift workflow's judgement (.github/workflows/drift.yml, docs/drift.md).
 *
 *   npm run drift -- report --stack S --preview FILE --preview-exit N [--observed FILE --observed-exit N] --run-url URL --out DIR
 *       classifies `pulumi preview --refresh --json` (src/review/drift/classify.ts), adds the
 *       regions check (`npm run regions -- --observe --format json`), and writes DIR/issue.md
 *       (the issue's body), DIR/drift.json and DIR/summary.md (with the run's API calls).
 *       Exit 0: nothing found; 1: drift, or a check that could not compare.
 *   npm run drift -- cost --counts FILE [--tenants N] [--at 1000,10000]
 *       the API calls of one nightly run (src/review/drift/cost.ts), from a preview's JSON or
 *       `npm run plan -- --json`, projected to other fleet sizes.
 *   npm run drift -- role-policy
 *       the drift role's identity policy (src/plan/iam/drift.ts), to create it by hand.
 *   npm run drift -- role-trust --oidc-provider ARN --repository OWNER/REPO [--branch main]
 *       its trust policy: jobs of drift.yml on that branch of the repository only.
 */
import { mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { CommandError, parseCommandLine, parseSubcommand, runMain, write, writeOutputFile } from "../src/cli/cli";
import { UsageError } from "../src/core/config/stackFiles";
import { InputError } from "../src/core/diagnostics/problems";
import { PAGE_LIMIT } from "../src/operations/adopt/reader";
import { driftRolePolicy, driftRoleTrust } from "../src/plan/iam/drift";
import { GITHUB_OIDC_PROVIDER_ARN } from "../src/plan/iam/workflowAccess";
import { classifyPreview, type Classification } from "../src/review/drift/classify";
import { costMarkdown, countTypes, driftCost, projectCounts } from "../src/review/drift/cost";
import { parsePreview, type PreviewDigest } from "../src/review/drift/preview";
import { driftMarkdown, nightIsClean, type DriftNight } from "../src/review/drift/report";
import type { Observation } from "../src/review/observed";

const USAGE = [
  "usage: npm run drift -- report --stack S --preview FILE --preview-exit N [--observed FILE --observed-exit N] --run-url URL --out DIR",
  "       npm run drift -- cost --counts FILE [--tenants N] [--at 1000,10000]",
  "       npm run drift -- role-policy",
  "       npm run drift -- role-trust --oidc-provider ARN --repository OWNER/REPO [--branch main]",
].join("\n");
const COMMANDS = ["report", "cost", "role-policy", "role-trust"] as const;
const STACK = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const cwdPath = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

function readText(file: string, what: string): string {
  try {
    return readFileSync(cwdPath(file), "utf8");
  } catch (e) {
    throw new CommandError(`${file}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function exitCode(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,3}$/.test(value)) throw new UsageError(`${option} ${JSON.stringify(value.slice(0, 40))} is not an exit status (0-255)\n${USAGE}`);
  return Number(value);
}

/** The preview's classification, or why it could not compare. */
function previewPart(file: string, exit: number): { preview?: Classification; previewError?: string; digest?: PreviewDigest } {
  let digest: PreviewDigest;
  try {
    digest = parsePreview(readText(file, "the preview's JSON"), file);
  } catch (e) {
    if (e instanceof InputError || e instanceof CommandError) return { previewError: `pulumi preview exited ${exit} without a digest: ${e.message}` };
    throw e;
  }
  const errors = digest.diagnostics.filter((d) => d.severity === "error").map((d) => (d.message ?? "").trim());
  if (errors.length) return { previewError: `pulumi preview reported errors: ${errors.join("; ").slice(0, 2000)}`, digest };
  const preview = classifyPreview(digest);
  // --expect-no-changes makes a preview with changes exit non-zero; one without changes must exit 0.
  if (exit !== 0 && preview.clean) return { previewError: `pulumi preview exited ${exit} and proposed no change: see the step's log`, digest };
  return { preview, digest };
}

function observedPart(file: string | undefined, exit: number | undefined): { observed?: Observation; observedError?: string } {
  if (!file) return { observedError: "the regions check did not run" };
  if (exit !== undefined && exit > 1) return { observedError: `npm run regions -- --observe exited ${exit}: see the step's log` };
  try {
    const doc = JSON.parse(readText(file, "the regions check's JSON")) as { observed?: Observation };
    if (!doc.observed || !Array.isArray(doc.observed.rows)) return { observedError: `${file}: no "observed" part: was --observe given?` };
    return { observed: doc.observed };
  } catch (e) {
    if (e instanceof CommandError) return { observedError: e.message };
    return { observedError: `${file}: not the regions check's JSON (${(e as Error).message.slice(0, 200)})` };
  }
}

/** Resource counts per type from a preview digest (each URN once) or an offline plan (`resources`). */
function countsOf(doc: unknown, file: string): Record<string, number> {
  const d = doc as {
    steps?: { urn: string; newState?: { type?: string }; oldState?: { type?: string } }[];
    resources?: { type: string; name: string; parent?: string }[];
  };
  if (Array.isArray(d.steps))
    return countTypes(d.steps.map((s) => ({ type: s.newState?.type ?? s.oldState?.type ?? s.urn.split("::")[2]?.split("$").at(-1) ?? "", key: s.urn })));
  if (Array.isArray(d.resources)) return countTypes(d.resources.map((r) => ({ type: r.type, key: `${r.type}\u0000${r.parent ?? ""}\u0000${r.name}` })));
  throw new CommandError(
    `${file}: neither a preview's JSON (steps) nor an offline plan's (resources): give \`pulumi preview --json\` or \`npm run plan -- --json\``,
  );
}

function sizes(text: string): number[] {
  const out = text.split(",").map((s) => s.trim());
  if (!out.every((s) => /^\d{1,7}$/.test(s) && Number(s) > 0))
    throw new UsageError(`--at ${JSON.stringify(text.slice(0, 40))}: give tenant counts, e.g. 1000,10000\n${USAGE}`);
  return out.map(Number);
}

function costTable(counts: Record<string, number>, tenants: number, at: number[]): string {
  return costMarkdown([tenants, ...at].map((n) => driftCost(n === tenants ? counts : projectCounts(counts, tenants, n), n, PAGE_LIMIT)));
}

async function report(argv: string[]): Promise<number> {
  const a = parseCommandLine(
    argv,
    {
      stack: { type: "string" },
      preview: { type: "string" },
      "preview-exit": { type: "string" },
      observed: { type: "string" },
      "observed-exit": { type: "string" },
      "run-url": { type: "string", default: "" },
      out: { type: "string" },
      at: { type: "string", default: "1000,10000" },
    },
    USAGE,
  );
  if (!a.stack || !STACK.test(a.stack)) throw new UsageError(`--stack ${JSON.stringify((a.stack ?? "").slice(0, 40))} is not a stack name\n${USAGE}`);
  if (!a.preview || !a.out) throw new UsageError(`report needs --preview FILE and --out DIR\n${USAGE}`);
  const previewExit = exitCode(a["preview-exit"], "--preview-exit") ?? 0;
  const { digest, ...p } = previewPart(a.preview, previewExit);
  const night: DriftNight = { stack: a.stack, ...p, ...observedPart(a.observed, exitCode(a["observed-exit"], "--observed-exit")) };
  const clean = nightIsClean(night);
  const body = driftMarkdown(night, a["run-url"]);
  const tenants = night.observed?.rows.length ?? 0;
  const cost = digest && tenants > 0 ? `\n### API calls of this run\n\n${costTable(countsOf(digest, a.preview), tenants, sizes(a.at))}\n` : "";
  const out = cwdPath(a.out);
  mkdirSync(out, { recursive: true });
  writeOutputFile(path.join(out, "issue.md"), body);
  writeOutputFile(path.join(out, "summary.md"), `## drift: ${a.stack}: ${clean ? "nothing found" : "found"}\n\n${body}${cost}`);
  writeOutputFile(path.join(out, "drift.json"), `${JSON.stringify({ ...night, clean }, null, 2)}\n`);
  await write(
    `${a.stack}: ${clean ? "no drift" : `drift (${night.preview?.losesData ?? "?"} would lose data if reverted, ${night.preview?.reverts ?? "?"} the next up reverts)`}\n`,
  );
  return clean ? 0 : 1;
}

async function cost(argv: string[]): Promise<number> {
  const a = parseCommandLine(argv, { counts: { type: "string" }, tenants: { type: "string" }, at: { type: "string", default: "1000,10000" } }, USAGE);
  if (!a.counts) throw new UsageError(`cost needs --counts FILE\n${USAGE}`);
  let doc: unknown;
  try {
    doc = JSON.parse(readText(a.counts, "the resource counts"));
  } catch (e) {
    if (e instanceof CommandError) throw e;
    throw new CommandError(`${a.counts}: not JSON (${(e as Error).message.slice(0, 200)})`);
  }
  const counts = countsOf(doc, a.counts);
  const planned = (doc as { tenants?: unknown[] }).tenants;
  const tenants = a.tenants !== undefined ? sizes(a.tenants)[0] : Array.isArray(planned) ? planned.length : undefined;
  if (!tenants) throw new UsageError(`say how many tenants the counts are of: --tenants N\n${USAGE}`);
  await write(`${costTable(counts, tenants, sizes(a.at))}\n`);
  return 0;
}

/** The drift role's trust policy for the repository given, refusing anything but literal names. */
async function roleTrust(argv: string[]): Promise<number> {
  const a = parseCommandLine(argv, { "oidc-provider": { type: "string" }, repository: { type: "string" }, branch: { type: "string", default: "main" } }, USAGE);
  const provider = a["oidc-provider"] ?? "";
  if (!GITHUB_OIDC_PROVIDER_ARN.test(provider))
    throw new UsageError(
      `--oidc-provider ${JSON.stringify(provider.slice(0, 120))}: the ARN of GitHub's OIDC provider in the account (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com)\n${USAGE}`,
    );
  const [owner, repository, extra] = (a.repository ?? "").split("/");
  if (!owner || !repository || extra !== undefined)
    throw new UsageError(`--repository ${JSON.stringify((a.repository ?? "").slice(0, 120))}: OWNER/REPO\n${USAGE}`);
  let trust: unknown;
  try {
    trust = driftRoleTrust(provider, { owner, repository, branch: a.branch! });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  await write(`${JSON.stringify(trust, null, 2)}\n`);
  return 0;
}

runMain("drift", async (argv) => {
  const { command, rest } = parseSubcommand(argv, COMMANDS, USAGE);
  if (command === "report") return report(rest);
  if (command === "cost") return cost(rest);
  if (command === "role-trust") return roleTrust(rest);
  parseCommandLine(rest, {}, USAGE);
  await write(`${JSON.stringify(driftRolePolicy(), null, 2)}\n`);
  return 0;
});
