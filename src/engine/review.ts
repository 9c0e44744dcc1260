/**
 * The review of a change (`npm run plan -- --base REF` or `--head DIR`): the tenant-level
 * diff of the two sides' tenants files and stack settings, and underneath it the
 * resource-level diff of the two programs, each planned by its own code. This process's
 * code (the checker) classifies; the other side is only ever read or run as data.
 *
 * - `--base REF`: this working tree is the head; the base is REF, exported and planned.
 * - `--head DIR`: this working tree is the base (in CI: the base branch's checkout, so a pull
 *   request cannot edit the rules it is judged by); the head is the pull request's checkout
 *   at DIR, its files read by this code and its program run in a sandbox (`--sandbox`).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../plan/stack";
import { projectSettings, type StackSettings } from "../core/config/settings";
import { readStackConfig, type StackConfig } from "../core/config/stackFiles";
import type { Fleet } from "../../tenants/model";
import { formatProblem } from "../core/diagnostics/problems";
import { diffFleets, diffPasses, type FleetDiff, type Side } from "../review/diff";
import { comparableBase } from "../review/exampleBase";
import { diffDocument, renderDiffFailureMarkdown, renderDiffMarkdown, renderDiffText } from "../review/diffReport";
import { AWS_REPLACE_FORCING, diffResources } from "../review/resources";
import type { PlannedResource } from "../review/findings";
import { bridge } from "../tools/neon/bridge";
import { neonFacts } from "../tools/neon/generate";
import { baseSide } from "./baseSide";
import { otherStackTenants } from "./otherStacks";
import { runOffline } from "./offline";
import { exportRef, planProgramAt, ProgramPlanError } from "./programPlan";
import { write, writeOutputFile } from "../cli/cli";
import { changedPaths, judgedCommit, resolveRef, treeOf } from "../cli/git";
import { signupVerdict, type SignupVerdict } from "../review/signupVerdict";
import { loadWorkingTree } from "./workingTree";
import { stackGrantScopes } from "../plan/grantScopeWarning";

export interface ReviewArgs {
  readonly base?: string;
  readonly head?: string;
  readonly format: "text" | "md" | "json";
  /** Run the other side's program as nobody, without network (CI, for a pull request's code). */
  readonly sandbox: boolean;
  /** Compare tenants files and settings only, without planning either program. */
  readonly tenantsOnly: boolean;
  /** Text: each change's whole reason and way out, and every resource finding (default: one line per finding). */
  readonly verbose?: boolean;
  /** Writes the signup verdict ("tenants added, nothing else changed", src/review/signupVerdict.ts) to this file as JSON. */
  readonly verdict?: string;
  /** With --head: the commit the checkout is, named by the verdict as it is (never a test merge's pull-request head; judgedCommit). */
  readonly headCommit?: string;
}

/** Replace-forcing inputs of every type the programs register: Neon's from its schema, AWS's declared. */
export function replaceForcing(): Record<string, readonly string[]> {
  const neon = Object.fromEntries(bridge(neonFacts()).resources.map((r) => [r.token, r.properties.filter((p) => p.forceNew && p.input).map((p) => p.name)]));
  return { ...AWS_REPLACE_FORCING, ...neon };
}

/** The working tree's side for the diff (`root`: the checkout it was read from), with its files' text for the findings' positions. */
export function ownSide(stackConfig: StackConfig, settings: StackSettings, fleet: Fleet, root = PROJECT_ROOT): Side {
  return {
    fleet,
    stack: {
      neonOrgId: settings.neonOrgId,
      protect: settings.protect,
      keep: settings.backup.keep,
      settings: projectSettings(stackConfig.config),
      grantScopes: stackGrantScopes(settings, fleet),
    },
    source: {
      tenantsText: readIfAny(path.resolve(root, settings.tenantsFile)),
      stackFile: stackConfig.stackFile,
      stackText: stackConfig.stackFileText,
      overridden: stackConfig.overridden,
    },
  };
}

/** A file's text, or undefined when it cannot be read now (the findings then go without positions). */
function readIfAny(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The checkout at `dir`, read by this code: its stack file and tenants file, validated as this code validates. */
function sideAt(dir: string, stack: string): Side | string {
  let cfg: StackConfig;
  try {
    cfg = readStackConfig(dir, stack);
  } catch (err) {
    return `--head ${dir}: ${(err as Error).message}`;
  }
  const inputs = loadWorkingTree(cfg, dir, `${path.basename(dir)}/${cfg.stackFile}`);
  if (!inputs.settings || !inputs.fleet)
    return inputs.problems
      .filter((p) => p.severity === "error")
      .map(formatProblem)
      .join("\n");
  return ownSide(cfg, inputs.settings, inputs.fleet, dir);
}

async function ownPlan(stackConfig: StackConfig): Promise<PlannedResource[]> {
  const run = await runOffline({
    project: stackConfig.project,
    stack: stackConfig.stack,
    config: stackConfig.config,
    secretKeys: stackConfig.secretKeys,
    program: () => import("../../index"),
  });
  return run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    parent: r.parent,
    inputs: r.inputs,
    options: { protect: r.options.protect, retainOnDelete: r.options.retainOnDelete },
  }));
}

/**
 * The signup verdict of this review, as JSON in `args.verdict`: the files that differ between
 * the two commits compared (git trees: `--head DIR`'s checkout against this one, or this
 * checkout against `--base REF`) must be the stack's tenants file only. It names the commits
 * judged (headSha, baseSha), so a verdict cannot be taken for a later push.
 */
function writeVerdict(args: ReviewArgs, stack: string, diff: FleetDiff, tenantsFiles: readonly string[]): void {
  const headDir = args.head ? path.resolve(process.env.INIT_CWD ?? process.cwd(), args.head) : PROJECT_ROOT;
  const allowed = tenantsFiles.map((f) => path.relative(PROJECT_ROOT, path.resolve(PROJECT_ROOT, f)).split(path.sep).join("/"));
  let judged: SignupVerdict & { headSha?: string; baseSha?: string };
  try {
    const changed = args.head ? changedPaths(treeOf(PROJECT_ROOT), treeOf(headDir)) : changedPaths(treeOf(PROJECT_ROOT, args.base!), treeOf(PROJECT_ROOT));
    // The commits judged (docs/signup.md): the approver approves only a verdict about the pull request's current head.
    const baseSha = args.head ? resolveRef("HEAD", PROJECT_ROOT) : resolveRef(args.base!, PROJECT_ROOT);
    // A pull request's merge checkout stands for the pull request's head (judgedCommit).
    const headSha = args.head ? judgedCommit(headDir, baseSha, args.headCommit) : resolveRef("HEAD", PROJECT_ROOT);
    judged = { ...signupVerdict(diff, changed, allowed), headSha, baseSha };
  } catch (err) {
    // Without both commits' trees nothing proves the change is the tenants file alone: a person decides, and the diff itself still reports.
    const verdict = signupVerdict(diff, [], allowed);
    judged = { eligible: false, added: verdict.added, reasons: [`the commits could not be compared (${(err as Error).message.split("\n")[0]})`] };
  }
  writeOutputFile(
    path.resolve(process.env.INIT_CWD ?? process.cwd(), args.verdict!),
    `${JSON.stringify({ stack, passes: diffPasses(diff), ...judged }, null, 2)}\n`,
    { mkdir: true },
  );
}

export async function runReview(args: ReviewArgs, stackConfig: StackConfig, settings: StackSettings, fleet: Fleet): Promise<number> {
  const stack = stackConfig.stack;
  // On stderr as ever; with --format md also the comment saying so (the head's text fenced).
  const fail = async (message: string) => {
    process.stderr.write(`${message}\n`);
    if (args.format === "md") await write(renderDiffFailureMarkdown(stack, message));
    return 1;
  };
  let before: Side | undefined;
  let after: Side;
  let label: string;
  let plans: (() => Promise<[PlannedResource[], PlannedResource[]]>) | undefined;
  if (args.head) {
    const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), args.head);
    const head = sideAt(dir, stack);
    if (typeof head === "string") return fail(`${head}\nthe head's tenants file or stack settings are invalid, so nothing can be compared with them`);
    before = ownSide(stackConfig, settings, fleet);
    after = head;
    label = args.base ?? "this checkout";
    plans = async () => [await ownPlan(stackConfig), planProgramAt(dir, stack, { sandbox: args.sandbox, label: `the head (${args.head})` })];
  } else {
    const base = baseSide(PROJECT_ROOT, args.base!, stack);
    if ("problems" in base) {
      for (const p of base.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return fail(`the tenants file at ${args.base} is invalid, so nothing can be compared with it; fix the base branch first`);
    }
    before = base.side;
    after = ownSide(stackConfig, settings, fleet);
    label = args.base!;
    plans = async () => {
      const exported = exportRef(PROJECT_ROOT, args.base!);
      try {
        const theirs = planProgramAt(exported.dir, stack, { sandbox: args.sandbox, label: `the base (${args.base})` });
        return [theirs, await ownPlan(stackConfig)];
      } finally {
        exported.cleanup();
      }
    };
  }
  const comparable = comparableBase(before, after, settings.tenantsFile);
  if ("refusal" in comparable) return fail(comparable.refusal);
  if (comparable.note) process.stderr.write(`note: ${comparable.note}\n`);
  before = comparable.before;
  let findings;
  if (!args.tenantsOnly && before) {
    let planned: [PlannedResource[], PlannedResource[]];
    try {
      planned = await plans();
    } catch (err) {
      if (err instanceof ProgramPlanError) return fail(err.message);
      throw err;
    }
    const [basePlan, headPlan] = planned;
    const tenantIds = [...new Set([...before.fleet.tenants, ...after.fleet.tenants].map((t) => t.id))];
    findings = diffResources(basePlan, headPlan, { replaceForcing: replaceForcing(), tenantIds });
  }
  // The other stacks' tenants from the trusted side: this checkout when it judges a head, else the base ref.
  const others = otherStackTenants(PROJECT_ROOT, stack, args.head ? undefined : args.base);
  const diff = diffFleets(before, { ...after, otherStacks: others }, findings);
  const meta = { base: label, stack, file: settings.tenantsFile };
  // Another stack's tenants file may change too: that stack's own verdict judges it, and the signup needs every stack's.
  if (args.verdict) writeVerdict(args, stack, diff, [settings.tenantsFile, after.fleet.file, ...new Set(others.map((o) => o.file))]);
  await write(
    args.format === "json"
      ? `${JSON.stringify(diffDocument(diff, meta), null, 2)}\n`
      : args.format === "md"
        ? renderDiffMarkdown(diff, meta)
        : renderDiffText(diff, meta, { verbose: args.verbose }),
  );
  return diffPasses(diff) ? 0 : 1;
}
