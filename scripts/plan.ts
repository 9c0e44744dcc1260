/**
 * The offline plan: runs index.ts under Pulumi's mock runtime with a stack's config, no
 * credentials and no network, and prints what the stack declares.
 *
 *   npm run plan -- [--stack dev|prod] [--tenants FILE] [--config KEY=VALUE ...] [--json]
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../config/stack";
import { NAMESPACE, fleetContext, parseStackSettings } from "../config/settings";
import { loadTenantsFile } from "../tenants/load";
import { formatProblem, type Problem } from "../tenants/problems";
import { readStackConfig, UsageError } from "./lib/stackConfig";
import { runOffline } from "./lib/offline";
import { renderPlanText, planDocument } from "./lib/planReport";

const USAGE = "usage: npm run plan -- [--stack dev|prod] [--tenants FILE] [--config KEY=VALUE ...] [--json]";

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        stack: { type: "string", default: "prod" },
        tenants: { type: "string" },
        config: { type: "string", multiple: true, default: [] },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const stackConfig = readStackConfig(PROJECT_ROOT, args.stack!, args.config);
  if (args.tenants) {
    const fromCwd = path.resolve(process.env.INIT_CWD ?? process.cwd(), args.tenants);
    const rel = path.relative(PROJECT_ROOT, fromCwd);
    stackConfig.config[`${NAMESPACE}:tenantsFile`] = rel.startsWith("..") ? fromCwd : rel;
  }

  // Validate first, through the same modules the program uses, so every problem is
  // printed once with its position and nothing runs on a bad input.
  const raw = Object.fromEntries(
    Object.entries(stackConfig.config)
      .filter(([k]) => k.startsWith(`${NAMESPACE}:`))
      .map(([k, v]) => [k.slice(NAMESPACE.length + 1), v]),
  );
  const { settings, problems: settingProblems } = parseStackSettings(raw, {
    stack: stackConfig.stack,
    file: stackConfig.stackFile,
    text: stackConfig.stackFileText,
    overridden: stackConfig.overridden,
  });
  const problems: Problem[] = [...settingProblems];
  let fleetResult;
  if (settings) {
    fleetResult = loadTenantsFile(
      path.resolve(PROJECT_ROOT, settings.tenantsFile),
      fleetContext(settings, stackConfig.stackFile),
      settings.tenantsFile,
    );
    problems.push(...fleetResult.problems);
  }
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!settings || !fleetResult?.fleet) {
    const errors = problems.filter((p) => p.severity === "error").length;
    process.stderr.write(`${errors} problem${errors === 1 ? "" : "s"}; nothing was planned.\n`);
    return 1;
  }

  const run = await runOffline({
    project: stackConfig.project,
    stack: stackConfig.stack,
    config: stackConfig.config,
    secretKeys: stackConfig.secretKeys,
    program: () => import("../index"),
  });
  const printed = new Set(problems.map(formatProblem));
  for (const line of run.logs) if (![...printed].some((p) => line.endsWith(p))) process.stderr.write(`${line}\n`);

  const text = args.json ? `${JSON.stringify(planDocument(stackConfig.stack, fleetResult.fleet, settings, run, problems), null, 2)}\n` : renderPlanText(stackConfig.stack, fleetResult.fleet, settings, run);
  // Wait until the text is flushed: a pipe takes it in 64 KiB pieces, and exit() would cut it.
  await new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || (err && (err as Error).name === "RunError")) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(err instanceof UsageError ? 2 : 1);
    }
    process.stderr.write(`tenant-fleet plan: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(70);
  },
);
