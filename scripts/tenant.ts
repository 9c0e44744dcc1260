/**
 * Tenant operations: each planned and shown before anything is done; `--apply` carries it
 * out (the dispatch workflows in .github/workflows/tenant-*.yml run it behind an approval)
 * and leaves a record (--record FILE, and the fleet catalog's operations table).
 *
 *   npm run tenant -- restore ID --to TIME|LSN|before-migration RUN [--prefer dump|snapshot] [--from-dump]
 *   npm run tenant -- export ID [--format custom|plain]
 *   npm run tenant -- share ID KEY
 *   npm run tenant -- erase ID
 *   npm run tenant -- move ID [--catch-up | --finish]
 *   npm run tenant -- add ID --name N --region R --residency C | retire ID  (the tenants file, src/engine/tenantEdit.ts)
 *   each: [--json] [--apply --ticket T [--outputs F] [--record F]] [--stack S] [--tenants F] [--config K=V ...]
 *
 * Dumps, drills and migration runs come from the fleet catalog (CATALOG_DATABASE_URL);
 * Neon (and a restore's snapshots) through NEON_API_KEY; the vaults through the AWS CLI's credentials (the operations
 * role; erasure: the break-glass role). F for --outputs: pulumi stack output --json.
 */
import * as path from "node:path";
import { PROJECT_ROOT } from "../src/plan/stack";
import { checkWritable, CommandError, helpAsked, HelpRequested, parseCommandLine, parseSubcommand, runMain, STACK_OPTIONS, write } from "../src/cli/cli";
import { defaultStack } from "../src/core/config/defaultStack";
import { formatProblem } from "../src/core/diagnostics/problems";
import { readStackConfig, UsageError } from "../src/core/config/stackFiles";
import { applyTenantsOverride, loadWorkingTree } from "../src/engine/workingTree";
import {
  planRestore,
  RESTORE_LAYERS,
  snapshotsMatter,
  type RestoreLayer,
  type RestorePlan,
  type RestoreRequest,
  type RestoreTarget,
  type Snapshot,
} from "../src/operations/restore";
import { snapshotRestore, tenantSnapshots } from "../src/operations/snapshotRestore";
import type { ListedProject } from "../src/core/neonProject";
import { planErasure, NEON_PROJECT_RECOVERY_DAYS, type ErasurePlan } from "../src/operations/erase";
import { EXPORT_FORMATS, planExport, type ExportFormat, type ExportPlan } from "../src/operations/export";
import { ticketProblem } from "../src/catalog/record";
import type { RestoreFacts } from "../src/catalog/catalog";
import { bucketOf, carryOut, catalogFacts, catalogServing, readOutputs } from "../src/operations/tenantCommand";
import type { StackFacts } from "../src/operations/tenantOperations";
import { retentionClasses, vaultRegions } from "../src/plan/vaults/plan";
import { exportPrefix } from "../tenants/naming";
import { backupRegionOf } from "../tenants/placement";
import { runnerOf } from "../src/plan/repository/manifest";
import type { Fleet, Tenant } from "../tenants/model";
import type { StackSettings } from "../src/core/config/settings";
import { neonApi, type NeonApi } from "../src/operations/neonApi";
import { planFinish, planMove, type FinishPlan } from "../src/operations/move";
import { moveTarget, operatedTenant } from "../tenants/serving";
import {
  branchRestore,
  moveData,
  deleteProject,
  deleteProjectIfPresent,
  dumpRestoreTarget,
  exportTenant,
  nothingLeft,
  presentProject,
  refuseEarlierProjects,
  restoreDump,
  runScript,
  tenantProject,
  tenantUrl,
} from "../src/operations/tenantOperations";
import { eraseVaults, vaultsOf } from "../src/operations/vaultErasure";
import { EDIT_COMMANDS, EDIT_USAGE, tenantEditCommand, type EditCommand } from "../src/engine/tenantEdit";

const COMMON = "[--json] [--apply --ticket T [--outputs FILE] [--record FILE]] [--stack S] [--tenants FILE] [--config KEY=VALUE ...]";
const USAGE = [
  `usage: npm run tenant -- restore ID --to TIME|LSN|before-migration RUN [--prefer dump|snapshot] [--from-dump] ${COMMON}`,
  `       npm run tenant -- export ID [--format custom|plain] ${COMMON}`,
  "       npm run tenant -- share ID KEY [--outputs FILE] [--stack S]",
  `       npm run tenant -- erase ID ${COMMON}`,
  `       npm run tenant -- move ID [--catch-up | --finish] ${COMMON}`,
  "       TIME: 2026-12-02T09:00:00Z; LSN: 0/16B3748; RUN: a migrations run id; KEY: an export's object key",
  "       restore: inside the PITR window Neon's branch restore; else the closest of the newest Neon snapshot and the newest verified dump at or before",
  "       the point, into a new branch; --prefer LAYER uses that layer only (--from-dump: --prefer dump); the plan says which and why",
  "       --outputs: pulumi stack output --json (project ids, vaults); the catalog (CATALOG_DATABASE_URL) gives dumps and runs and records operations",
  EDIT_USAGE.replace(/^usage: /, "       "),
].join("\n");

const OPERATIONS = ["restore", "export", "share", "erase", "move", ...EDIT_COMMANDS] as const;

/** `--to before-migration 101` is two words on the command line; the parser takes one. */
function joinTarget(argv: string[]): string[] {
  const i = argv.indexOf("--to");
  return i >= 0 && argv[i + 1] === "before-migration" && argv[i + 2] !== undefined
    ? [...argv.slice(0, i + 1), `before-migration:${argv[i + 2]}`, ...argv.slice(i + 3)]
    : argv;
}

function parseTarget(to: string, facts: RestoreFacts | undefined): RestoreTarget {
  const run = /^before-migration:(\d{1,20})$/.exec(to);
  if (run) {
    if (!facts) throw new CommandError("--to before-migration needs the fleet catalog, which records each run's WAL position: set CATALOG_DATABASE_URL");
    if (!facts.migration)
      throw new CommandError(`the fleet catalog has no WAL position of migrations run ${run[1]} for this tenant (was it migrated in that run?)`);
    return { kind: "before-migration", run: Number(run[1]), lsn: facts.migration.lsn, at: facts.migration.at };
  }
  if (/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i.test(to)) return { kind: "lsn", lsn: to };
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(to) && !Number.isNaN(Date.parse(to)))
    return { kind: "time", at: new Date(to) };
  throw new UsageError(
    `--to ${JSON.stringify(to.slice(0, 60))}: give a time with its zone (2026-12-02T09:00:00Z), a WAL position (0/16B3748) or before-migration RUN\n${USAGE}`,
  );
}

function renderRestore(plan: RestorePlan, tenant: string): string {
  if (plan.action === "branch-restore") {
    return `restore ${tenant}: Neon branch restore of ${plan.branch} to ${"timestamp" in plan.source ? plan.source.timestamp : `WAL position ${plan.source.lsn}`}\n  current state kept as branch ${plan.preserveUnderName} (undo: restore ${plan.branch} from it)\n  ${plan.why}\n`;
  }
  if (plan.action === "dump-restore") {
    return `restore ${tenant}: dump ${plan.dump} (taken ${plan.takenAt}) into a new branch ${plan.newBranch}; ${plan.gapHours} h before the point asked for are not in it\n  ${plan.why}\n`;
  }
  if (plan.action === "snapshot-restore") {
    return `restore ${tenant}: Neon snapshot ${plan.snapshotName} (${plan.snapshot}, of ${plan.takenAt}) into a new branch ${plan.newBranch}, not finalized; ${plan.gapHours} h before the point asked for are not in it\n  ${plan.why}\n`;
  }
  return `cannot restore ${tenant}: ${plan.why}\n`;
}

function renderExport(plan: ExportPlan): string {
  return `export ${plan.tenant}: a ${plan.format === "plain" ? "custom-format dump and its plain SQL" : "custom-format dump"} to ${plan.plainKey ?? plan.key} in its vault (${plan.awsRegion}), checked like a backup; kept ${plan.retentionDays} day(s); npm run tenant -- share ${plan.tenant} KEY gives a link that works ${plan.linkSeconds / 3600} h\n`;
}

function renderErasure(plan: ErasurePlan): string {
  if (plan.action === "refuse") return `cannot erase: ${plan.why}\n`;
  return [
    `erase ${plan.tenant}: delete the Neon project ${JSON.stringify(plan.neonProject.name)} (${plan.neonProject.regionId}; Neon can recover it for ${NEON_PROJECT_RECOVERY_DAYS} days, then it is gone)`,
    `  and every object version under ${plan.prefixes.join(", ")} in every vault of the stack (${plan.vaultRegions.join(", ")}; its own: ${plan.awsRegion})${plan.bypassGovernance ? ", bypassing governance-mode locks" : ""}, as ${plan.role}`,
    "  each vault's listing is checked first: a key under these prefixes that is not the tenant's own refuses the erasure before anything is deleted",
    `  afterwards: ${plan.afterwards.join("; ")}`,
    "",
  ].join("\n");
}

function renderFinish(plan: FinishPlan): string {
  if (plan.action === "refuse") return `cannot finish the move: ${plan.why}\n`;
  return [
    `finish ${plan.tenant}'s move (ticket ${plan.ticket}): delete the source project ${plan.source.projectId} ${JSON.stringify(plan.source.name)} (${plan.source.region}, resource ${plan.source.resource}; Neon can recover it for ${NEON_PROJECT_RECOVERY_DAYS} days, then it is gone)`,
    `  the target ${plan.target.projectId} ${JSON.stringify(plan.target.name)} (${plan.target.region}, Postgres ${plan.target.pgVersion}, resource ${plan.target.resource}) serves and stays`,
    ...plan.checks.map((c) => `  checked: ${c}`),
    `  afterwards: ${plan.afterwards.join("; ")}`,
    "",
  ].join("\n");
}

/** `move ID --finish`: deletes a finished move's released source project, once the catalog proves the target serves, backed up and drilled. */
async function finishMove(
  tenant: Tenant,
  settings: StackSettings,
  args: { apply?: boolean; ticket?: string; outputs?: string; record?: string },
  show: (plan: object, text: string) => Promise<void>,
  now: Date,
): Promise<number> {
  const outputs = readOutputs(args.outputs, tenant, backupRegionOf(tenant.region));
  const plan = planFinish(tenant, {
    now,
    graceDays: settings.backup.moveGraceDays,
    serving: await catalogServing(tenant),
    sourceProjectId: outputs.moveSourceProjectId,
    targetProjectId: outputs.moveProjectId,
  });
  if (!args.apply || plan.action === "refuse") {
    await show(plan, renderFinish(plan));
    return plan.action === "refuse" ? 1 : 0;
  }
  const target = moveTarget(tenant)!;
  return carryOut("move", tenant, settings, args.ticket!, plan, args.record, async () => {
    const neon = neonApi("finish a tenant's move");
    // Both checked against the file before anything is deleted: the target must be what serves, the source what the tenant's line declares.
    const serving = await tenantProject(neon, target, settings.neonOrgId, { projectId: plan.target.projectId! });
    const deleted = await deleteProjectIfPresent(neon, tenant, settings.neonOrgId, { projectId: plan.source.projectId! }, "source project");
    return {
      step: "finish",
      target: serving.id,
      deleted,
      neonRecoverableUntil: new Date(Date.now() + NEON_PROJECT_RECOVERY_DAYS * 86_400_000).toISOString(),
      afterwards: plan.afterwards,
    };
  });
}

const OPTIONS = {
  ...STACK_OPTIONS,
  to: { type: "string" },
  "from-dump": { type: "boolean", default: false },
  prefer: { type: "string" },
  finish: { type: "boolean", default: false },
  "catch-up": { type: "boolean", default: false },
  format: { type: "string", default: "custom" },
  json: { type: "boolean", default: false },
  apply: { type: "boolean", default: false },
  ticket: { type: "string" },
  outputs: { type: "string" },
  record: { type: "string" },
} as const;

type Args = ReturnType<typeof parseCommandLine<typeof OPTIONS>>;

/** What every flow of the command works with: the tenant, the stack, the options and how to show a plan. */
interface Operation {
  readonly tenant: Tenant;
  readonly settings: StackSettings;
  readonly fleet: Fleet;
  readonly args: Args;
  readonly now: Date;
  /** Prints a plan: its JSON (with the vault's AWS region and the runner labels its data may be processed on) or its text. */
  readonly show: (plan: object, text: string) => Promise<void>;
  /** Neon's API, for the command that needs it. */
  readonly api: () => NeonApi;
}

async function main(argv: string[]): Promise<number> {
  if (helpAsked(argv, OPTIONS)) throw new HelpRequested(USAGE);
  const {
    command,
    rest: [id, ...rest],
  } = parseSubcommand(joinTarget(argv), OPERATIONS, USAGE);
  if (!id || id.startsWith("--")) throw new UsageError(`${command} needs a tenant id\n${USAGE}`);
  if ((EDIT_COMMANDS as readonly string[]).includes(command)) return tenantEditCommand(command as EditCommand, id, rest);
  const positional = command === "share" ? rest.shift() : undefined;
  if (command === "share" && (!positional || positional.startsWith("--")))
    throw new UsageError(`share needs the export's object key (the export printed it)\n${USAGE}`);
  const args = parseCommandLine(rest, OPTIONS, USAGE);
  if (args.record) checkWritable(path.resolve(process.env.INIT_CWD ?? process.cwd(), args.record));
  if ((args.finish || args["catch-up"]) && command !== "move") throw new UsageError(`--finish and --catch-up belong to move\n${USAGE}`);
  if (args.finish && args["catch-up"]) throw new UsageError(`--finish or --catch-up, not both\n${USAGE}`);
  if ((args.prefer !== undefined || args["from-dump"]) && command !== "restore") throw new UsageError(`--prefer and --from-dump belong to restore\n${USAGE}`);
  if (args.apply) {
    const problem = ticketProblem(args.ticket);
    if (problem) throw new UsageError(`${problem}\n${USAGE}`);
  }
  const stackConfig = readStackConfig(PROJECT_ROOT, defaultStack(PROJECT_ROOT, args.stack), args.config);
  applyTenantsOverride(stackConfig, args.tenants, args["allow-outside-project"]);
  const { settings, fleet, problems } = loadWorkingTree(stackConfig);
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!fleet || !settings) return 1;
  const declared = fleet.tenants.find((t) => t.id === id);
  if (!declared) throw new CommandError(`${JSON.stringify(id.slice(0, 60))} is not a tenant of ${fleet.file}`);
  // A move cut over: restores and exports work on the project that serves (the target).
  const tenant = command === "move" ? declared : operatedTenant(declared);
  const op: Operation = {
    tenant,
    settings,
    fleet,
    args,
    now: new Date(),
    show: async (plan, text) =>
      write(
        args.json
          ? `${JSON.stringify({ tenant: tenant.id, awsRegion: backupRegionOf(tenant.region), runsOn: runnerOf(tenant, settings.workflows.runnerLabels) ?? null, ...plan }, null, 2)}\n`
          : text,
      ),
    api: () => neonApi(`${command} a tenant's project`),
  };
  if (command === "restore") return restoreFlow(op);
  if (command === "share") return shareFlow(op, positional!);
  if (command === "export") return exportFlow(op);
  if (command === "move") return args.finish ? finishMove(tenant, settings, args, op.show, op.now) : moveFlow(op);
  return eraseFlow(op);
}

/** `--prefer LAYER`, or `--from-dump` (the older form of `--prefer dump`); both only when they agree. */
function preferOf(args: Args): RestoreLayer | undefined {
  const prefer = args.prefer;
  if (prefer !== undefined && !RESTORE_LAYERS.includes(prefer as RestoreLayer))
    throw new UsageError(`--prefer ${JSON.stringify(prefer.slice(0, 20))}: use ${RESTORE_LAYERS.join(" or ")}\n${USAGE}`);
  if (args["from-dump"] && prefer !== undefined && prefer !== "dump")
    throw new UsageError(`--from-dump asks for a dump and --prefer ${prefer} for a snapshot: give one of them\n${USAGE}`);
  return (prefer as RestoreLayer | undefined) ?? (args["from-dump"] ? "dump" : undefined);
}

/**
 * The tenant's Neon snapshots when the plan could depend on them (outside the window, or a
 * snapshot asked for), with the project they were listed from; without NEON_API_KEY a plan
 * (not an apply) goes on without them and says so.
 */
async function restoreSnapshots(
  { tenant, settings, args, now, api }: Operation,
  request: RestoreRequest,
  outputs: StackFacts,
): Promise<{ neon?: NeonApi; project?: ListedProject; snapshots?: Snapshot[] }> {
  if (!snapshotsMatter(request)) return {};
  if (!args.apply && !process.env.NEON_API_KEY) {
    if (!args.json) process.stderr.write("no NEON_API_KEY: Neon's snapshots are unknown, so only dumps are weighed (the apply plans again with them)\n");
    return {};
  }
  const neon = api();
  const project = await tenantProject(neon, tenant, settings.neonOrgId, outputs);
  return { neon, project, snapshots: await tenantSnapshots(neon, project, tenant, now) };
}

async function restoreFlow(op: Operation): Promise<number> {
  const { tenant, settings, args, now, show, api } = op;
  if (!args.to) throw new UsageError(`restore needs --to\n${USAGE}`);
  const prefer = preferOf(args);
  const facts = await catalogFacts(tenant, args.to, args.json);
  const request: RestoreRequest = {
    tenantId: tenant.id,
    now,
    historyRetentionHours: tenant.historyRetentionHours,
    branch: tenant.database.branch,
    target: parseTarget(args.to, facts),
    dumps: facts?.dumps ?? [],
    ...(prefer ? { prefer } : {}),
  };
  const awsRegion = backupRegionOf(tenant.region);
  const outputs = readOutputs(args.outputs, tenant, awsRegion);
  const listed = await restoreSnapshots(op, request, outputs);
  const plan = planRestore({ ...request, ...(listed.snapshots ? { snapshots: listed.snapshots } : {}) });
  if (!args.apply || plan.action === "refuse") {
    await show(plan, renderRestore(plan, tenant.id));
    return plan.action === "refuse" ? 1 : 0;
  }
  // The layer chosen and why, before it is carried out (the workflow's apply log shows it).
  if (!args.json) await write(renderRestore(plan, tenant.id));
  return carryOut("restore", tenant, settings, args.ticket!, plan, args.record, async () => {
    const neon = listed.neon ?? api();
    const project = listed.project ?? (await tenantProject(neon, tenant, settings.neonOrgId, outputs));
    if (plan.action === "branch-restore") return branchRestore(neon, project, plan);
    if (plan.action === "snapshot-restore") return snapshotRestore(neon, project, plan);
    const bucket = bucketOf(outputs, awsRegion);
    const target = await dumpRestoreTarget(neon, project, tenant, plan);
    const restored = await restoreDump(tenant, plan, bucket, target.url, now);
    return { project: project.id, branch: target.branchId, branchName: plan.newBranch, database: "restored", dump: plan.dump, ...restored };
  });
}

function exportPlanOf({ tenant, settings, args, now }: Operation) {
  if (!EXPORT_FORMATS.includes(args.format as ExportFormat))
    throw new UsageError(`--format ${JSON.stringify(args.format!.slice(0, 20))}: use ${EXPORT_FORMATS.join(" or ")}\n${USAGE}`);
  const plan = planExport(tenant, args.format as ExportFormat, now, settings.backup.exports);
  return { plan, outputs: readOutputs(args.outputs, tenant, plan.awsRegion) };
}

async function shareFlow(op: Operation, key: string): Promise<number> {
  const { tenant } = op;
  const { plan, outputs } = exportPlanOf(op);
  if (!key.startsWith(exportPrefix(tenant.id)) || !/^[A-Za-z0-9._/-]+\.(dump|sql|manifest\.json)$/.test(key) || key.includes("..")) {
    throw new UsageError(
      `${JSON.stringify(key.slice(0, 80))} is not an export of ${tenant.id}: give a key under ${exportPrefix(tenant.id)} ending .dump, .sql or .manifest.json`,
    );
  }
  const bucket = bucketOf(outputs, plan.awsRegion);
  const signed = await runScript(
    'set -euo pipefail\naws s3 presign "s3://${BUCKET}/${KEY}" --expires-in "${SECONDS}" --region "${REGION}"',
    { BUCKET: bucket, KEY: key, SECONDS: String(plan.linkSeconds), REGION: plan.awsRegion },
    { echo: false },
  );
  if (signed.code !== 0) throw new CommandError(`the link could not be signed: ${signed.output.trim().split("\n").at(-1)}`);
  await write(`${signed.output.trim()}\n`);
  process.stderr.write(
    `a link to s3://${bucket}/${key}, working for ${plan.linkSeconds / 3600} h (exportLinkHours); whoever holds it can download the export: send it to the customer only\n`,
  );
  return 0;
}

async function exportFlow(op: Operation): Promise<number> {
  const { tenant, settings, args, show, api } = op;
  const { plan, outputs } = exportPlanOf(op);
  if (!args.apply) {
    await show(plan, renderExport(plan));
    return 0;
  }
  return carryOut("export", tenant, settings, args.ticket!, plan, args.record, async () => {
    const neon = api();
    const project = await tenantProject(neon, tenant, settings.neonOrgId, outputs);
    const url = await tenantUrl(neon, project, tenant);
    return {
      project: project.id,
      ...(await exportTenant(
        tenant,
        plan,
        { bucket: bucketOf(outputs, plan.awsRegion), encryption: settings.backup.encryption, kmsKeyArn: outputs.kmsKeyArn },
        url,
      )),
    };
  });
}

async function moveFlow({ tenant, settings, args, show, api }: Operation): Promise<number> {
  const plan = planMove(tenant, args["catch-up"]);
  const target = moveTarget(tenant);
  if (!args.apply || plan.action === "refuse" || !target) {
    const what = { copy: "copy and compare", replicate: "start logical replication", "catch-up": "catch up and stop replicating" };
    await show(
      plan,
      plan.action === "refuse"
        ? `cannot move: ${plan.why}\n`
        : `move ${tenant.id} (${what[plan.action]}, ticket ${plan.ticket}): ${plan.source.region} Postgres ${plan.source.pgVersion} → ${plan.target.region} Postgres ${plan.target.pgVersion} (project ${JSON.stringify(plan.target.name)}, resource ${plan.target.resource})\n${plan.steps.map((s) => `  - ${s}`).join("\n")}\n`,
    );
    return plan.action === "refuse" ? 1 : 0;
  }
  const outputs = readOutputs(args.outputs, tenant, backupRegionOf(tenant.region));
  return carryOut("move", tenant, settings, args.ticket!, plan, args.record, async () => {
    const neon = api();
    const source = await tenantProject(neon, tenant, settings.neonOrgId, outputs);
    const targetProject = await tenantProject(neon, target, settings.neonOrgId, { projectId: outputs.moveProjectId });
    const moved = await moveData(plan.action, tenant, target, await tenantUrl(neon, source, tenant), await tenantUrl(neon, targetProject, target));
    return { step: plan.action, source: source.id, target: targetProject.id, targetRegion: target.region, targetPgVersion: target.pgVersion, ...moved };
  });
}

async function eraseFlow({ tenant, settings, fleet, args, show, api }: Operation): Promise<number> {
  const plan = planErasure({
    tenant,
    retentionClasses: retentionClasses(fleet.tenants, settings.backup.keep),
    vaultRegions: vaultRegions(fleet.tenants, settings.backup.keep),
    objectLock: settings.backup.objectLock,
    breakGlassPrincipal: settings.backup.breakGlassPrincipal,
  });
  if (!args.apply || plan.action === "refuse") {
    await show(plan, renderErasure(plan));
    return plan.action === "refuse" ? 1 : 0;
  }
  const outputs = readOutputs(args.outputs, tenant, plan.awsRegion);
  return carryOut("erase", tenant, settings, args.ticket!, plan, args.record, async () => {
    const neon = api();
    const bucket = bucketOf(outputs, plan.awsRegion);
    const vaults = vaultsOf(plan, outputs);
    // Everything that can refuse reads first (the project, then every vault's listing), so a refusal deletes nothing.
    const project = await presentProject(neon, tenant, settings.neonOrgId, outputs);
    await refuseEarlierProjects(neon, tenant, settings.neonOrgId);
    // The backups before the project: a project deleted with its backups left would be an erasure half done and harder to finish.
    const objects = await eraseVaults(
      plan,
      vaults,
      fleet.tenants.map((t) => t.id).filter((other) => other !== tenant.id),
    );
    const deleted = project ? await deleteProject(neon, project) : nothingLeft();
    return {
      bucket,
      objects: { deleted: objects.deleted, byPrefix: objects.byPrefix },
      vaults: objects.vaults,
      neonProject: deleted,
      neonRecoverableUntil: new Date(Date.now() + NEON_PROJECT_RECOVERY_DAYS * 86_400_000).toISOString(),
      afterwards: plan.afterwards,
    };
  });
}

runMain("tenant-fleet tenant", main);
