/**
 * The fleet benchmark: our program under the mock runtime against two floors, each
 * measurement in a fresh process with the node arguments Pulumi.yaml gives the real program:
 *
 * - the SDK floor replays exactly the registrations our program made (same SDK classes,
 *   names, parents, providers, options and values) and nothing else, so ours ÷ SDK floor is
 *   the price of our own code;
 * - the plain floor registers as many plain three-property resources with the same SDK, so
 *   SDK floor ÷ plain floor is the price of the resource types themselves.
 *
 * The three run interleaved, `--runs` times each (default 5 up to 1,000 tenants, 3 up to
 * 2,000, 1 above), and the median time is reported (a shared machine's noise is ±20 %).
 * Prints figures; never fails on them.
 *
 * Then the start-up at 1,000 tenants under each TypeScript loader (`--startup N`, 0 skips).
 * `--promises` adds one untimed run per program that counts the promises it creates: the
 * SDK's work, in a figure that machine noise cannot move.
 *
 *   npm run bench -- [--sizes 100,1000,2000,10000] [--runs 3] [--startup 1000] [--promises] [--json] [--stack S]
 *
 * `--api` instead counts the GitHub API calls of the plans at each size (githubApi.ts): a
 * fresh up, adding one tenant, a refresh, and the least wall-clock GitHub's limits allow.
 * `--runners [--setup-seconds S] [--dump-seconds D]` models one night of backups from the
 * generated workflow files (runners.ts): jobs, billed minutes, wall-clock at 20/60/500 jobs,
 * computes woken; `--idle-share 0.7 [--check-seconds C]` with that share of tenants idle, and
 * the planning jobs' Neon calls a night (list pages and one project read per tenant) and their paced time.
 * `--plan-output` times and weighs `npm run plan`'s text and --json outputs (default 1,000 and
 * 10,000 tenants) against their targets (planOutput.ts).
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { pulumiNodeArgs } from "../../../scripts/launch.mjs";
import { syntheticTenantsYaml } from "./syntheticFleet";
import { NEON_REGIONS } from "../../../tenants/regions";
import { renderBench, renderStartup, summarise, type Mode, type Row, type Sample, type StartupRow } from "./report";
import { budgetOf, changeBudget, unknownTypes, type PlannedResource } from "./githubApi";
import { renderApi, type ApiRow } from "./apiReport";
import { DEFAULT_CHECK_SECONDS, DEFAULT_JOB_MODEL, renderRunners, type JobModel, type RunnerRow } from "./runners";
import { nightlyBackups } from "./nightly";
import { renderPlanOutput, type PlanOutputRow, type PlanRun } from "./planOutput";
import { PLAN_MEMORY_ENV, planMemoryBudgetMiB } from "../../core/planMemory";
import { readStackConfig, UsageError } from "../../core/config/stackFiles";
import { defaultStack } from "../../core/config/defaultStack";
import { parseCommandLine, runMain, STACK_OPTIONS } from "../../cli/cli";
import { parseStackSettingsOrThrow, projectSettings } from "../../core/config/settings";
import type { SecretScope } from "../../core/repositoryContract";

const ROOT = path.resolve(__dirname, "..", "..", "..");

const USAGE = [
  "usage: npm run bench -- [--sizes N,N,...] [--runs N] [--startup N] [--promises] [--json] [--stack S]",
  "       npm run bench -- --api [--sizes N,N,...] [--json] [--stack S]",
  "       npm run bench -- --plan-output [--sizes N,N,...] [--json] [--stack S]",
  "       npm run bench -- --runners [--sizes N,N,...] [--setup-seconds S] [--dump-seconds D] [--batch-size N] [--parallelism N] [--idle-share 0.7] [--check-seconds C] [--json] [--stack S]",
  "       --stack: whose settings the planned fleets take (secret scope and residencies are set per measurement)",
].join("\n");

const OPTIONS = {
  stack: STACK_OPTIONS.stack,
  sizes: { type: "string" },
  runs: { type: "string" },
  startup: { type: "string" },
  promises: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  api: { type: "boolean", default: false },
  runners: { type: "boolean", default: false },
  "idle-share": { type: "string" },
  "check-seconds": { type: "string" },
  "plan-output": { type: "boolean", default: false },
  "setup-seconds": { type: "string" },
  "dump-seconds": { type: "string" },
  "batch-size": { type: "string" },
  parallelism: { type: "string" },
} as const;

/** The stack whose settings the measured plans take (--stack); set once by main, before any measurement. */
let benchStack: string = defaultStack(ROOT);

export { pulumiNodeArgs };

/** How a measurement's process loads TypeScript: tsx (the tables), or Pulumi's own loader. */
interface Launch {
  readonly loaderArgs: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}
const TSX: Launch = { loaderArgs: ["--import", "tsx"] };

function measure(args: string[], launch: Launch = TSX): Sample & { processMs: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [...pulumiNodeArgs(), ...launch.loaderArgs, path.join(ROOT, "src/tools/bench/child.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NEON_API_KEY: "", GITHUB_TOKEN: "", ...launch.env },
  });
  const processMs = Math.round(performance.now() - start);
  if (r.status !== 0) throw new Error(`bench-child ${args.join(" ")} failed: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return { ...(JSON.parse(r.stdout.trim().split("\n").pop()!) as Sample), processMs };
}

/**
 * `npm run plan` as users run it (scripts/launch.mjs, the prod stack's settings) on the same
 * synthetic fleet, every residency allowed: wall time of the whole process.
 */
function runPlanCommand(tenantsFile: string, scope: string, json: boolean): { ms: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/launch.mjs"), "scripts/plan.ts", ...planArgs(tenantsFile, scope, json)], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
    // Measured at any size this machine holds, as the program is (child.ts); --plan-output judges the CI runner's budget.
    env: { ...process.env, NEON_API_KEY: "", GITHUB_TOKEN: "", [PLAN_MEMORY_ENV]: process.env[PLAN_MEMORY_ENV] ?? String(Math.floor(os.totalmem() / 2 ** 20)) },
  });
  const ms = Math.round(performance.now() - start);
  if (r.status !== 0) throw new Error(`npm run plan${json ? " -- --json" : ""} failed: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return { ms, stdout: r.stdout };
}

/** The plan command's arguments for a synthetic fleet: the bench stack, every residency allowed. */
function planArgs(tenantsFile: string, scope: string, json: boolean): string[] {
  const residencies = [...new Set(NEON_REGIONS.flatMap((r) => r.jurisdictions))];
  return [
    "--stack",
    benchStack,
    "--tenants",
    tenantsFile,
    "--allow-outside-project",
    "--config",
    `secretScope=${scope}`,
    "--config",
    `allowedResidencies=${JSON.stringify(residencies)}`,
    ...(json ? ["--json"] : []),
  ];
}

/**
 * One plan command, timed and weighed: the process scripts/launch.mjs starts (Pulumi.yaml's
 * node arguments, tsx), with peakMemory.cjs preloaded to report its peak resident set; the
 * output goes to a file, not a pipe. A refusal (exit 1) is a result, not a failure.
 */
function weighPlanCommand(dir: string, tenantsFile: string, json: boolean): PlanRun {
  const peakFile = path.join(dir, "peak");
  const outFile = path.join(dir, json ? "plan.json" : "plan.txt");
  const out = openSync(outFile, "w");
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      ...pulumiNodeArgs(),
      "--require",
      path.join(ROOT, "src/tools/bench/peakMemory.cjs"),
      "--import",
      "tsx",
      path.join(ROOT, "scripts/plan.ts"),
      ...planArgs(tenantsFile, "environment", json),
    ],
    {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", out, "pipe"],
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NEON_API_KEY: "", GITHUB_TOKEN: "", TENANT_FLEET_BENCH_PEAK_FILE: peakFile },
    },
  );
  const ms = Math.round(performance.now() - start);
  closeSync(out);
  rmSync(outFile, { force: true });
  const peakMiB = Math.round(Number(readFileSync(peakFile, "utf8")) / 1024);
  if (r.status === 1) {
    const errors = r.stderr.split("\n").filter((l) => l.trim() && !l.includes(": warning: "));
    return { ms, peakMiB, refused: errors.find((l) => l.includes(": tenants: ")) ?? errors[0] ?? "exit 1" };
  }
  if (r.status !== 0)
    throw new Error(`npm run plan${json ? " -- --json" : ""} failed (${r.signal ?? `exit ${r.status}`}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return { ms, peakMiB };
}

/**
 * The text and JSON plans of one synthetic fleet. Up to 2,000 tenants each runs twice, in the
 * order text, json, json, text (neither always pays for a cold cache), and the faster run and
 * the larger peak count; above, once each: a 10,000-tenant plan takes minutes and most of the
 * machine's memory.
 */
function measurePlanOutput(tenants: number): PlanOutputRow {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tf-bench-plan-"));
  try {
    const tenantsFile = path.join(dir, "tenants.yaml");
    writeFileSync(tenantsFile, syntheticTenantsYaml(tenants));
    const order = tenants > 2000 ? [false, true] : [false, true, true, false];
    const runs = order.map((json) => ({ json, run: weighPlanCommand(dir, tenantsFile, json) }));
    const best = (json: boolean): PlanRun => {
      const mine = runs.filter((r) => r.json === json).map((r) => r.run);
      const refused = mine.find((r) => r.refused)?.refused;
      return { ms: Math.min(...mine.map((r) => r.ms)), peakMiB: Math.max(...mine.map((r) => r.peakMiB)), ...(refused ? { refused } : {}) };
    };
    return { tenants, text: best(false), json: best(true) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measurePlanCommand(tenantsFile: string, scope: string, json: boolean): number {
  return runPlanCommand(tenantsFile, scope, json).ms;
}

/** One night of backups of a synthetic fleet in a scope, with the bench stack's settings (and the ones to try). */
function modelRunners(tenants: number, model: JobModel, scope: SecretScope, overrides: readonly string[] = [], concentrated = false): RunnerRow {
  const cfg = readStackConfig(ROOT, benchStack, [`secretScope=${scope}`, ...overrides]);
  const settings = parseStackSettingsOrThrow(projectSettings(cfg.config), { stack: benchStack, file: cfg.stackFile, text: cfg.stackFileText });
  return nightlyBackups(tenants, settings, model, concentrated);
}

/** The GitHub API budget of the plans of `tenants` and of the same fleet with one tenant added. */
function measureApi(tenants: number, scope: string): ApiRow {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tf-bench-api-"));
  try {
    const plan = (text: string): PlannedResource[] => {
      const file = path.join(dir, "tenants.yaml");
      writeFileSync(file, text);
      return (JSON.parse(runPlanCommand(file, scope, true).stdout) as { resources: PlannedResource[] }).resources;
    };
    const before = plan(syntheticTenantsYaml(tenants));
    const after = plan(syntheticTenantsYaml(tenants, { addedAt: Math.floor(tenants / 2) }));
    return {
      tenants,
      scope,
      unknown: unknownTypes(after),
      up: budgetOf(before, "create"),
      addOne: changeBudget(before, after),
      refresh: budgetOf(before, "refresh"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measureCase(tenants: number, scope: string, runs: number, countPromises: boolean): Row {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tf-bench-rec-"));
  const recording = path.join(dir, "registrations.json");
  const tenantsFile = path.join(dir, "tenants.yaml");
  writeFileSync(tenantsFile, syntheticTenantsYaml(tenants));
  const samples: Record<Mode, Sample[]> = { program: [], sdk: [], floor: [] };
  const commands = { plan: [] as number[], planJson: [] as number[] };
  try {
    for (let i = 0; i < runs; i++) {
      const ours = measure(["program", String(tenants), scope, recording]);
      samples.program.push(ours);
      samples.sdk.push(measure(["sdk", recording]));
      samples.floor.push(measure(["floor", String(ours.registrations)]));
      commands.plan.push(measurePlanCommand(tenantsFile, scope, false));
      commands.planJson.push(measurePlanCommand(tenantsFile, scope, true));
    }
    const row: Row = { tenants, scope, ours: summarise(samples.program), sdk: summarise(samples.sdk), floor: summarise(samples.floor), commands };
    if (!countPromises) return row;
    const counting: Launch = { loaderArgs: TSX.loaderArgs, env: { TENANT_FLEET_BENCH_PROMISES: "1" } };
    const promisesOf = (args: string[]) => measure(args, counting).promises ?? 0;
    return {
      ...row,
      promises: {
        ours: promisesOf(["program", String(tenants), scope]),
        sdk: promisesOf(["sdk", recording]),
        floor: promisesOf(["floor", String(row.ours.registrations)]),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LOADER = path.join(ROOT, "src/tools/bench/pulumiTsLoader.cjs");

/**
 * Start-up under each TypeScript loader: the whole process, from spawn to exit, with cold
 * caches as on a fresh CI runner. `pulumi up` loads the program with ts-node and type-checks
 * it unless PULUMI_NODEJS_TRANSPILE_ONLY=true; the tables above use tsx.
 */
function measureStartup(tenants: number, runs: number): StartupRow[] {
  const variants: { loader: string; launch: (cache: string) => Launch }[] = [
    { loader: "tsx (the tables above)", launch: () => ({ loaderArgs: TSX.loaderArgs, env: { TSX_DISABLE_CACHE: "1" } }) },
    {
      loader: "ts-node, type-checked (pulumi up's default)",
      launch: (cache) => ({ loaderArgs: [LOADER], env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false", TS_NODE_CACHE_DIRECTORY: cache } }),
    },
    {
      loader: "ts-node, transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY=true)",
      launch: (cache) => ({ loaderArgs: [LOADER], env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", TS_NODE_CACHE_DIRECTORY: cache } }),
    },
  ];
  const samples = variants.map(() => [] as (Sample & { processMs: number })[]);
  for (let i = 0; i < runs; i++) {
    variants.forEach((v, j) => {
      const cache = mkdtempSync(path.join(os.tmpdir(), "tf-bench-ts-node-"));
      try {
        samples[j].push(measure(["program", String(tenants), "environment"], v.launch(cache)));
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    });
  }
  return variants.map((v, j) => {
    const s = samples[j];
    return { loader: v.loader, tenants, processMs: summarise(s.map((x) => ({ ...x, ms: x.processMs }))).ms, program: summarise(s) };
  });
}

/** `--runners`: one night of backups modelled from the generated workflow files (runners.ts). */
function runnersMain(values: ReturnType<typeof parseCommandLine<typeof OPTIONS>>): number {
  const sizes = values.sizes ? values.sizes.split(",").map((n) => count("--sizes", n)) : [10, 100, 1000, 10000];
  const model: JobModel = {
    setupSeconds: values["setup-seconds"] === undefined ? DEFAULT_JOB_MODEL.setupSeconds : count("--setup-seconds", values["setup-seconds"], 0),
    dumpSeconds: values["dump-seconds"] === undefined ? DEFAULT_JOB_MODEL.dumpSeconds : count("--dump-seconds", values["dump-seconds"], 0),
    ...(values["idle-share"] === undefined
      ? {}
      : {
          idleShare: share("--idle-share", values["idle-share"]),
          checkSeconds: values["check-seconds"] === undefined ? DEFAULT_CHECK_SECONDS : count("--check-seconds", values["check-seconds"], 0),
          maxSkipDays: benchMaxSkipDays(),
        }),
  };
  // The stack's batch settings, or the ones to try.
  const overrides = [
    ...(values["batch-size"] === undefined ? [] : [`batchSize=${count("--batch-size", values["batch-size"])}`]),
    ...(values.parallelism === undefined ? [] : [`batchParallelism=${count("--parallelism", values.parallelism)}`]),
  ];
  const rows = [
    ...sizes.flatMap((n) =>
      [...(n <= 90 ? (["repository"] as const) : []), "environment" as const, "region" as const].map((scope) => modelRunners(n, model, scope, overrides)),
    ),
    ...sizes.map((n) => modelRunners(n, model, "region", overrides, true)),
  ];
  process.stdout.write(values.json ? `${JSON.stringify({ model, rows }, null, 2)}\n` : renderRunners(rows, model));
  return 0;
}

function main(argv: string[]): number {
  const values = parseCommandLine(argv, OPTIONS, USAGE);
  benchStack = defaultStack(ROOT, values.stack);
  // A stack that does not exist (or does not parse) stops here, before minutes of measuring.
  readStackConfig(ROOT, benchStack);
  if (values.runners) return runnersMain(values);
  if (values["plan-output"]) {
    const sizes = values.sizes ? values.sizes.split(",").map((n) => count("--sizes", n)) : [1000, 10000];
    const rows = sizes.map((n) => {
      process.stderr.write(`planning ${n} tenants, text then --json ...\n`);
      return measurePlanOutput(n);
    });
    process.stdout.write(values.json ? `${JSON.stringify({ rows }, null, 2)}\n` : renderPlanOutput(rows, planMemoryBudgetMiB()));
    return 0;
  }
  if (values.api) {
    const sizes = values.sizes ? values.sizes.split(",").map((n) => count("--sizes", n)) : [100, 1000];
    // 89 + 1 fits the 90 repository secrets a repository leaves the fleet.
    const rows = [measureApi(89, "repository"), ...sizes.flatMap((n) => [measureApi(n, "environment"), measureApi(n, "region")])];
    process.stdout.write(values.json ? `${JSON.stringify({ rows }, null, 2)}\n` : renderApi(rows));
    return 0;
  }
  const memoryGiB = os.totalmem() / 2 ** 30;
  const sizes = values.sizes ? values.sizes.split(",").map((n) => count("--sizes", n)) : memoryGiB >= 20 ? [100, 1000, 2000, 10000] : [100, 1000, 2000];
  const runs = values.runs === undefined ? undefined : count("--runs", values.runs);
  const runsFor = (tenants: number) => runs ?? (tenants > 2000 ? 1 : tenants > 1000 ? 3 : 5);
  const startupTenants = values.startup === undefined ? 1000 : count("--startup", values.startup, 0);
  const rows: Row[] = [];
  const failed: string[] = [];
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${memoryGiB.toFixed(0)} GiB, node ${process.version}; node args: ${pulumiNodeArgs().join(" ") || "(none)"}`,
  );

  // Repository-scoped secrets stop at 90 tenants (GitHub's 100 secrets minus headroom).
  const cases: [number, string][] = [[90, "repository"], ...sizes.map((n): [number, string] => [n, "environment"])];
  for (const [tenants, scope] of cases) {
    log(`measuring ${tenants} tenants (${scope} secrets), ${runsFor(tenants)} run(s) ...`);
    try {
      rows.push(measureCase(tenants, scope, runsFor(tenants), values.promises));
    } catch (err) {
      failed.push(`${tenants} tenants (${scope}): did not complete: ${(err as Error).message}`);
    }
  }

  // Start-up under Pulumi's own TypeScript loader; --startup 0 skips it.
  let startup: StartupRow[] = [];
  if (startupTenants > 0) {
    log(`measuring start-up under each TypeScript loader, ${startupTenants} tenants, ${runs ?? 3} run(s) ...`);
    try {
      startup = measureStartup(startupTenants, runs ?? 3);
    } catch (err) {
      failed.push(`start-up at ${startupTenants} tenants: did not complete: ${(err as Error).message}`);
    }
  }

  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ nodeArgs: pulumiNodeArgs(), cpus: os.cpus().length, memoryGiB: Math.round(memoryGiB), rows, startup, failed }, null, 2)}\n`,
    );
    return 0;
  }
  process.stdout.write(renderBench(rows, failed) + renderStartup(startup));
  return 0;
}

/** A whole number of at least `min` from the command line, or an error that says so. */
/** A share between 0 and 1 (`0.7`, or `70%`). */
function share(flag: string, text: string): number {
  const n = text.endsWith("%") ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1 || text.trim() === "")
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a share between 0 and 1 (0.7) or a percentage (70%)\n${USAGE}`);
  return n;
}

/** The bench stack's backupMaxSkipDays (how often an idle tenant is dumped anyway). */
function benchMaxSkipDays(): number {
  const cfg = readStackConfig(ROOT, benchStack);
  return parseStackSettingsOrThrow(projectSettings(cfg.config), { stack: benchStack, file: cfg.stackFile, text: cfg.stackFileText }).backup.maxSkipDays;
}

function count(flag: string, text: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a whole number of at least ${min}\n${USAGE}`);
  return n;
}

// Run as `npm run bench`, not when child.ts imports this file; the tests' in-process runner (test/commands.ts) imports
// it with argv[1] naming it.
if (require.main === module || process.argv[1] === __filename) runMain("bench", main);
