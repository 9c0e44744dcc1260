/**
 * The offline plan: runs index.ts under Pulumi's mock runtime with a stack's config, no
 * credentials and no network, and prints what the stack declares. With --base, prints
 * the tenant-level diff against a git ref instead, and fails on unacknowledged
 * destructive changes.
 *
 *   npm run plan -- [--stack dev|prod] [--tenants FILE] [--config KEY=VALUE ...] [--json]
 *   npm run plan -- --base <git ref> [--format text|md|json]
 */
import { PROJECT_ROOT } from "../config/stack";
import { parseCommandLine, runMain, STACK_OPTIONS, write } from "./lib/cli";
import { formatProblem } from "../diagnostics/problems";
import { readStackConfig, UsageError } from "../config/stackFiles";
import { projectSettings } from "../config/settings";
import { applyTenantsOverride, loadWorkingTree } from "./lib/workingTree";
import { runOffline } from "./lib/offline";
import { renderPlanText, planDocument } from "./lib/planReport";
import { baseSide } from "./lib/baseSide";
import { diffFleets, diffPasses } from "../review/diff";
import { diffDocument, renderDiffMarkdown, renderDiffText } from "../review/diffReport";

const USAGE = [
  "usage: npm run plan -- [--stack dev|prod] [--tenants FILE] [--config KEY=VALUE ...] [--json]",
  "       npm run plan -- --base <git ref> [--stack S] [--format text|md|json]",
].join("\n");

type Format = "text" | "md" | "json";


async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    { ...STACK_OPTIONS, json: { type: "boolean", default: false }, base: { type: "string" }, format: { type: "string" } },
    USAGE,
  );
  if (args.help) {
    await write(`${USAGE}\n`);
    return 0;
  }
  const format: Format = args.json ? "json" : ((args.format ?? "text") as Format);
  if (!["text", "md", "json"].includes(format)) throw new UsageError(`--format ${args.format}: use text, md or json\n${USAGE}`);
  if (format === "md" && !args.base) throw new UsageError(`--format md goes with --base (the pull-request comment)\n${USAGE}`);

  const stackConfig = readStackConfig(PROJECT_ROOT, args.stack!, args.config);
  applyTenantsOverride(stackConfig, args.tenants);

  const { settings, fleet, problems } = loadWorkingTree(stackConfig);
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!settings || !fleet) {
    const errors = problems.filter((p) => p.severity === "error").length;
    process.stderr.write(`${errors} problem${errors === 1 ? "" : "s"}; nothing was planned.\n`);
    return 1;
  }

  if (args.base) {
    const base = baseSide(PROJECT_ROOT, args.base, stackConfig.stack);
    if ("problems" in base) {
      for (const p of base.problems) process.stderr.write(`${formatProblem(p)}\n`);
      process.stderr.write(`the tenants file at ${args.base} is invalid, so nothing can be compared with it; fix the base branch first\n`);
      return 1;
    }
    const diff = diffFleets(base.side, { fleet, stack: { neonOrgId: settings.neonOrgId, protect: settings.protect, keep: settings.backup.keep, settings: projectSettings(stackConfig.config) } });
    const meta = { base: args.base, stack: stackConfig.stack, file: settings.tenantsFile };
    await write(format === "json" ? `${JSON.stringify(diffDocument(diff, meta), null, 2)}\n` : format === "md" ? renderDiffMarkdown(diff, meta) : renderDiffText(diff, meta));
    return diffPasses(diff) ? 0 : 1;
  }

  // Progress on a terminal only: nothing on a pipe, a file or with --json.
  const progress = format !== "json" && process.stderr.isTTY ? terminalProgress(`${fleet.tenants.length} tenant(s) loaded from ${settings.tenantsFile}`) : undefined;
  const run = await runOffline({
    project: stackConfig.project,
    stack: stackConfig.stack,
    config: stackConfig.config,
    secretKeys: stackConfig.secretKeys,
    program: () => import("../index"),
    onRegister: progress?.update,
  }).finally(() => progress?.done());
  const printed = problems.map(formatProblem);
  for (const line of run.logs) if (!printed.some((p) => line.endsWith(p))) process.stderr.write(`${line}\n`);
  await write(format === "json" ? `${JSON.stringify(planDocument(stackConfig.stack, fleet, settings, run, problems), null, 2)}\n` : renderPlanText(stackConfig.stack, fleet, settings, run));
  return 0;
}

/** One status line on stderr, rewritten at most four times a second, erased when done. */
function terminalProgress(loaded: string): { update: (registered: number) => void; done: () => void } {
  let last = 0;
  const show = (text: string) => process.stderr.write(`\r\x1b[2K${text}`);
  show(loaded);
  return {
    update(registered) {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      show(`${loaded}; ${registered} resources registered`);
    },
    done: () => show(""),
  };
}

runMain("tenant-fleet plan", main);
