/**
 * The offline plan: runs index.ts under Pulumi's mock runtime with a stack's config, no
 * credentials and no network, and prints what the stack declares. With --base, prints
 * the tenant-level diff against a git ref instead, and fails on unacknowledged
 * destructive changes.
 *
 *   npm run plan -- [--stack dev|prod] [--tenants FILE [--allow-outside-project]] [--config KEY=VALUE ...] [--json]
 *   npm run plan -- --base <git ref> [--format text|md|json] [--tenants-only] [--verbose]
 *   npm run plan -- --head <dir> [--sandbox] [--format text|md|json] [--verbose]    (CI: run from the base's checkout)
 */
import { PROJECT_ROOT } from "../src/plan/stack";
import { parseCommandLine, runMain, STACK_OPTIONS, write } from "../src/cli/cli";
import { defaultStack } from "../src/core/config/defaultStack";
import { formatProblem, type Problem } from "../src/core/diagnostics/problems";
import { policyConfigProblems } from "../src/core/config/ciStacks";
import type { StackSettings } from "../src/core/config/settings";
import { readStackConfig, UsageError } from "../src/core/config/stackFiles";
import { applyTenantsOverride, loadWorkingTree } from "../src/engine/workingTree";
import { runOffline } from "../src/engine/offline";
import { renderPlanText, planDocument } from "../src/engine/planReport";
import { runReview } from "../src/engine/review";

const USAGE = [
  "usage: npm run plan -- [--stack dev|prod] [--tenants FILE [--allow-outside-project]] [--config KEY=VALUE ...] [--json]",
  "       npm run plan -- --base <git ref> [--stack S] [--format text|md|json] [--tenants-only] [--verbose] [--verdict FILE]",
  "       npm run plan -- --head <dir> [--stack S] [--format text|md|json] [--sandbox] [--tenants-only] [--verbose] [--verdict FILE]",
  "       --verdict FILE: the signup verdict as JSON (tenants added and nothing else changed, the tenants file the only file changed; docs/signup.md)",
  "       --head-commit SHA (with --head and --verdict): the verdict names the checkout's commit, SHA, even a merge on top of this one (deploy.yml's fast path)",
].join("\n");

type Format = "text" | "md" | "json";

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      ...STACK_OPTIONS,
      json: { type: "boolean", default: false },
      base: { type: "string" },
      head: { type: "string" },
      sandbox: { type: "boolean", default: false },
      "tenants-only": { type: "boolean", default: false },
      format: { type: "string" },
      verbose: { type: "boolean", default: false },
      verdict: { type: "string" },
      "head-commit": { type: "string" },
    },
    USAGE,
  );
  const format: Format = args.json ? "json" : ((args.format ?? "text") as Format);
  if (!["text", "md", "json"].includes(format)) throw new UsageError(`--format ${args.format}: use text, md or json\n${USAGE}`);
  const reviewing = args.base !== undefined || args.head !== undefined;
  if (format === "md" && !reviewing) throw new UsageError(`--format md goes with --base or --head (the pull-request comment)\n${USAGE}`);
  if (args.base && args.head)
    throw new UsageError(`--base and --head: give one; --base REF compares this tree with REF, --head DIR compares DIR with this tree\n${USAGE}`);
  if ((args.sandbox || args["tenants-only"] || args.verbose || args.verdict) && !reviewing)
    throw new UsageError(`--sandbox, --tenants-only, --verbose and --verdict go with --base or --head\n${USAGE}`);
  const headCommit = args["head-commit"];
  if (headCommit !== undefined && (!args.head || !args.verdict)) throw new UsageError(`--head-commit goes with --head and --verdict\n${USAGE}`);
  if (headCommit !== undefined && !/^[0-9a-f]{40}$/.test(headCommit))
    throw new UsageError(`--head-commit ${JSON.stringify(headCommit.slice(0, 60))}: a full commit id (40 hex digits)\n${USAGE}`);

  const stackConfig = readStackConfig(PROJECT_ROOT, defaultStack(PROJECT_ROOT, args.stack), args.config);
  applyTenantsOverride(stackConfig, args.tenants, args["allow-outside-project"]);

  const inputs = loadWorkingTree(stackConfig);
  const { settings, fleet } = inputs;
  const problems = settings ? [...inputs.problems, ...policyConfigWarnings(stackConfig.stack, settings, args.config.length > 0)] : inputs.problems;
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!settings || !fleet) {
    const errors = problems.filter((p) => p.severity === "error").length;
    process.stderr.write(`${errors} problem${errors === 1 ? "" : "s"}; nothing was planned.\n`);
    return 1;
  }

  if (reviewing)
    return runReview(
      {
        base: args.base,
        head: args.head,
        format,
        sandbox: args.sandbox!,
        tenantsOnly: args["tenants-only"]!,
        verbose: args.verbose,
        verdict: args.verdict,
        headCommit,
      },
      stackConfig,
      settings,
      fleet,
    );

  // Progress on a terminal only: nothing on a pipe, a file or with --json.
  const progress =
    format !== "json" && process.stderr.isTTY ? terminalProgress(`${fleet.tenants.length} tenant(s) loaded from ${settings.tenantsFile}`) : undefined;
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
  await write(
    format === "json"
      ? `${JSON.stringify(planDocument(stackConfig.stack, fleet, settings, run, problems), null, 2)}\n`
      : renderPlanText(stackConfig.stack, fleet, settings, run),
  );
  return 0;
}

/**
 * The policy config the pack checks this stack against, where it disagrees with the stack file
 * (npm run stacks, and so CI, refuse the stack until it agrees): warnings here, so the plan
 * says it too. Not with --config overrides, which the file rightly does not know.
 */
function policyConfigWarnings(stack: string, settings: StackSettings, overridden: boolean): Problem[] {
  if (overridden) return [];
  return policyConfigProblems(PROJECT_ROOT, stack, settings).map((p) => ({
    ...p,
    severity: "warning",
    message: `${p.message} (npm run stacks, and so CI, refuse stack ${stack} until it agrees)`,
  }));
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
