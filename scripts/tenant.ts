/**
 * Tenant operations, planned before anything is done (issue: tenant operations).
 *
 *   npm run tenant -- restore ID --to TIME|LSN|before-migration RUN [--from-dump] [--json] [--stack S]
 *
 * Prints what a restore of the tenant would do: Neon's branch restore inside its PITR window
 * (the current state kept under a preserved branch), else the newest verified dump before the
 * point into a new branch, else why not. Dumps, drills and migration runs come from the fleet
 * catalog (CATALOG_DATABASE_URL); without it only the window is known.
 */
import { CATALOG_URL_VARIABLE, connectCatalog } from "./lib/catalogClient";
import { PROJECT_ROOT } from "../config/stack";
import { CommandError, parseCommandLine, runMain, STACK_OPTIONS, write } from "./lib/cli";
import { formatProblem } from "../diagnostics/problems";
import { readStackConfig, UsageError } from "../config/stackFiles";
import { applyTenantsOverride, loadWorkingTree } from "./lib/workingTree";
import { planRestore, type RestorePlan, type RestoreTarget } from "../operations/restore";
import { restoreFacts, type RestoreFacts } from "../catalog/catalog";

const USAGE = "usage: npm run tenant -- restore ID --to TIME|LSN|before-migration RUN [--from-dump] [--json] [--stack S] [--tenants FILE] [--config KEY=VALUE ...]\n       TIME: 2026-12-02T09:00:00Z; LSN: 0/16B3748; RUN: a migrations run id; the catalog (CATALOG_DATABASE_URL) gives dumps and runs";

/** `--to before-migration 101` is two words on the command line; the parser takes one. */
function joinTarget(argv: string[]): string[] {
  const i = argv.indexOf("--to");
  return i >= 0 && argv[i + 1] === "before-migration" && argv[i + 2] !== undefined ? [...argv.slice(0, i + 1), `before-migration:${argv[i + 2]}`, ...argv.slice(i + 3)] : argv;
}

function parseTarget(to: string, facts: RestoreFacts | undefined): RestoreTarget {
  const run = /^before-migration:(\d{1,20})$/.exec(to);
  if (run) {
    if (!facts) throw new CommandError("--to before-migration needs the fleet catalog, which records each run's WAL position: set CATALOG_DATABASE_URL");
    if (!facts.migration) throw new CommandError(`the fleet catalog has no WAL position of migrations run ${run[1]} for this tenant (was it migrated in that run?)`);
    return { kind: "before-migration", run: Number(run[1]), lsn: facts.migration.lsn, at: facts.migration.at };
  }
  if (/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i.test(to)) return { kind: "lsn", lsn: to };
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(to) && !Number.isNaN(Date.parse(to))) return { kind: "time", at: new Date(to) };
  throw new UsageError(`--to ${JSON.stringify(to.slice(0, 60))}: give a time with its zone (2026-12-02T09:00:00Z), a WAL position (0/16B3748) or before-migration RUN\n${USAGE}`);
}

function render(plan: RestorePlan, tenant: string): string {
  if (plan.action === "branch-restore") {
    return `restore ${tenant}: Neon branch restore of ${plan.branch} to ${"timestamp" in plan.source ? plan.source.timestamp : `WAL position ${plan.source.lsn}`}\n  current state kept as branch ${plan.preserveUnderName} (undo: restore ${plan.branch} from it)\n  ${plan.why}\n`;
  }
  if (plan.action === "dump-restore") {
    return `restore ${tenant}: dump ${plan.dump} (taken ${plan.takenAt}) into a new branch ${plan.newBranch}; ${plan.gapHours} h before the point asked for are not in it\n  ${plan.why}\n`;
  }
  return `cannot restore ${tenant}: ${plan.why}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [command, id, ...rest] = joinTarget(argv);
  if (!command || command === "--help" || command === "-h") {
    await write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command !== "restore") throw new UsageError(`${command}: not a tenant operation (restore)\n${USAGE}`);
  if (!id || id.startsWith("--")) throw new UsageError(`restore needs a tenant id\n${USAGE}`);
  const args = parseCommandLine(rest, { ...STACK_OPTIONS, to: { type: "string" }, "from-dump": { type: "boolean", default: false }, json: { type: "boolean", default: false } }, USAGE);
  if (!args.to) throw new UsageError(`restore needs --to\n${USAGE}`);
  const stackConfig = readStackConfig(PROJECT_ROOT, args.stack!, args.config);
  applyTenantsOverride(stackConfig, args.tenants, args["allow-outside-project"]);
  const { fleet, problems } = loadWorkingTree(stackConfig);
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!fleet) return 1;
  const tenant = fleet.tenants.find((t) => t.id === id);
  if (!tenant) throw new CommandError(`${JSON.stringify(id.slice(0, 60))} is not a tenant of ${fleet.file}`);

  let facts: RestoreFacts | undefined;
  if (process.env[CATALOG_URL_VARIABLE]) {
    const db = await connectCatalog();
    try {
      const run = /^before-migration:(\d+)$/.exec(args.to)?.[1];
      facts = await restoreFacts(db, tenant.id, run === undefined ? undefined : Number(run));
    } catch (err) {
      throw new CommandError(`the fleet catalog (${CATALOG_URL_VARIABLE}): ${(err as Error).message.split("\n")[0]}`);
    } finally {
      await db.end().catch(() => undefined);
    }
  } else if (!args.json) {
    process.stderr.write("no fleet catalog (CATALOG_DATABASE_URL unset): the dumps are unknown, so only a restore inside the window can be planned\n");
  }
  const plan = planRestore({
    tenantId: tenant.id,
    now: new Date(),
    historyRetentionHours: tenant.historyRetentionHours,
    branch: tenant.database.branch,
    target: parseTarget(args.to, facts),
    dumps: facts?.dumps ?? [],
    preferDump: args["from-dump"],
  });
  await write(args.json ? `${JSON.stringify({ tenant: tenant.id, ...plan }, null, 2)}\n` : render(plan, tenant.id));
  return plan.action === "refuse" ? 1 : 0;
}

runMain("tenant-fleet tenant", main);
