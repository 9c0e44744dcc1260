/**
 * Carrying out the tenant operations the planners in operations/ decide: Neon's API for
 * projects and branches (src/operations/neonApi.ts), the AWS CLI and the Postgres client
 * through the same shell the generated workflows run (src/plan/workflows/backupScripts.ts,
 * src/operations/scripts.ts). Each returns what it did, for the operation's record. An
 * erasure's vault part is in ./vaultErasure.ts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Tenant } from "../../tenants/model";
import type { RestorePlan } from "./restore";
import { backupScript, backupScriptEnv, DRILL_SCRIPT_ENV, drillScript, MANIFEST_SUFFIX } from "../plan/workflows/backupScripts";
import { catchUpScript, copyCompareScript, MOVE_SCRIPT_ENV, PLAIN_EXPORT_ENV, plainExportScript, replicateScript } from "./scripts";
import { MOVE_REPLICATION_NAME } from "./move";
import type { ExportPlan } from "./export";
import type { BackupEncryption } from "../plan/vaults/plan";
import { answerOf, call, findBranch, findProject, NeonApiError, projectsNamed, waitForOperations, type NeonApi, type Waiting } from "./neonApi";
import { CommandError } from "../cli/cli";
import type { ListedProject } from "../core/neonProject";
import { projectName } from "../../tenants/naming";

/**
 * The Postgres client's major version: PG_CLIENT_MAJOR when set (the workflows install the
 * newest client, which reads and writes every older server), else the tenant's.
 */
export function clientMajor(tenant: Tenant): string {
  const m = process.env.PG_CLIENT_MAJOR;
  return m && /^\d{2}$/.test(m) ? m : String(tenant.pgVersion);
}

/** The database a restore from a dump creates on its new branch, owned by the tenant's role. */
export const RESTORED_DATABASE = "restored";

/** What the stack's outputs (`pulumi stack output --json`) tell an operation. */
export interface StackFacts {
  /** The tenant's project id, as Pulumi tracks it. */
  readonly projectId?: string;
  /** The tenant's vault bucket. */
  readonly bucket?: string;
  /** Its key (SSE-KMS vaults). */
  readonly kmsKeyArn?: string;
  /** A move's target project, as Pulumi tracks it (the `moves` output). */
  readonly moveProjectId?: string;
  /** The project the move leaves (the `moves` output), which its finish deletes. */
  readonly moveSourceProjectId?: string;
  /** Every vault of the stack, AWS region → bucket (the `backupVaults` output): an erasure reaches each. */
  readonly vaults?: Readonly<Record<string, string>>;
}

/** The tenant's facts in `pulumi stack output --json` (databasesByTenant, backupVaults). */
export function stackFactsOf(outputs: unknown, tenantId: string, awsRegion: string): StackFacts {
  const o = outputs as {
    databasesByTenant?: Record<string, { projectId?: unknown }>;
    backupVaults?: Record<string, { bucket?: unknown; kmsKeyArn?: unknown }>;
    moves?: Record<string, { projectId?: unknown; sourceProjectId?: unknown }>;
  } | null;
  if (!o || typeof o !== "object" || (!o.databasesByTenant && !o.backupVaults))
    throw new CommandError("--outputs: not the JSON of pulumi stack output --json (no databasesByTenant or backupVaults)");
  const projectId = o.databasesByTenant?.[tenantId]?.projectId;
  const bucket = o.backupVaults?.[awsRegion]?.bucket;
  const kmsKeyArn = o.backupVaults?.[awsRegion]?.kmsKeyArn;
  const moveProjectId = o.moves?.[tenantId]?.projectId;
  const moveSourceProjectId = o.moves?.[tenantId]?.sourceProjectId;
  const vaults = Object.fromEntries(Object.entries(o.backupVaults ?? {}).flatMap(([region, v]) => (typeof v?.bucket === "string" ? [[region, v.bucket]] : [])));
  return {
    ...(Object.keys(vaults).length ? { vaults } : {}),
    ...(typeof moveProjectId === "string" ? { moveProjectId } : {}),
    ...(typeof moveSourceProjectId === "string" ? { moveSourceProjectId } : {}),
    ...(typeof projectId === "string" ? { projectId } : {}),
    ...(typeof bucket === "string" ? { bucket } : {}),
    ...(typeof kmsKeyArn === "string" ? { kmsKeyArn } : {}),
  };
}

/**
 * The tenant's Neon project: the one Pulumi tracks (from the outputs), checked against the
 * declared name and region, else the one project of that name.
 */
export async function tenantProject(api: NeonApi, tenant: Tenant, orgId: string | undefined, facts: StackFacts): Promise<ListedProject> {
  const name = projectName(tenant);
  if (!facts.projectId) return findProject(api, orgId, name, tenant.region);
  const { project } = await call(`read the project ${facts.projectId}`, () => api.getProject(facts.projectId!));
  if (project.name !== name || project.region_id !== tenant.region) {
    throw new NeonApiError(
      `the stack's outputs name ${facts.projectId} as ${tenant.id}'s project, but Neon says it is ${JSON.stringify(project.name)} in ${project.region_id} (the tenants file: ${JSON.stringify(name)} in ${tenant.region}); refresh the stack (pulumi refresh) before operating on the tenant`,
    );
  }
  return { id: project.id, name: project.name, region_id: project.region_id, created_at: project.created_at };
}

/** Neon's branch restore, the current state kept under the plan's preserved name. */
export async function branchRestore(
  api: NeonApi,
  project: ListedProject,
  plan: Extract<RestorePlan, { action: "branch-restore" }>,
  waiting?: Waiting,
): Promise<Record<string, unknown>> {
  const branch = await findBranch(api, project.id, plan.branch);
  const source = "timestamp" in plan.source ? { source_timestamp: plan.source.timestamp } : { source_lsn: plan.source.lsn };
  const done = await call(`restore ${plan.branch} of ${project.id}`, () =>
    api.restoreProjectBranch(project.id, branch.id, { source_branch_id: branch.id, ...source, preserve_under_name: plan.preserveUnderName }),
  );
  await waitForOperations(api, project.id, done.operations, waiting);
  return {
    project: project.id,
    branch: branch.id,
    branchName: plan.branch,
    restoredTo: plan.source,
    preservedAs: plan.preserveUnderName,
    operations: done.operations.map((o) => o.id),
  };
}

/**
 * A new branch for a restore from a dump, with an empty database owned by the tenant's
 * role, and its connection string (a secret: never printed, never recorded).
 */
export async function dumpRestoreTarget(
  api: NeonApi,
  project: ListedProject,
  tenant: Tenant,
  plan: Extract<RestorePlan, { action: "dump-restore" }>,
  waiting?: Waiting,
): Promise<{ branchId: string; url: string }> {
  const parent = await findBranch(api, project.id, tenant.database.branch);
  const created = await call(`create the branch ${plan.newBranch} in ${project.id}`, () =>
    api.createProjectBranch(project.id, { branch: { name: plan.newBranch, parent_id: parent.id }, endpoints: [{ type: "read_write" }] } as Parameters<
      NeonApi["createProjectBranch"]
    >[1]),
  );
  await waitForOperations(api, project.id, created.operations, waiting);
  const db = await call(`create the database ${RESTORED_DATABASE} on ${plan.newBranch}`, () =>
    api.createProjectBranchDatabase(project.id, created.branch.id, { database: { name: RESTORED_DATABASE, owner_name: tenant.database.role } }),
  );
  await waitForOperations(api, project.id, db.operations, waiting);
  const { uri } = await call(`read the connection string of ${plan.newBranch}`, () =>
    api.getConnectionUri({
      projectId: project.id,
      branch_id: created.branch.id,
      database_name: RESTORED_DATABASE,
      role_name: tenant.database.role,
      pooled: false,
    }),
  );
  return { branchId: created.branch.id, url: uri };
}

/** Runs a bash script with only the environment given (plus PATH, HOME and the AWS settings); its output passes through to stderr unless `echo` is false. */
export function runScript(script: string, env: Record<string, string>, options: { echo?: boolean } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => /^(PATH|HOME|LANG|TMPDIR|RUNNER_TEMP|AWS_[A-Z_]+|PG[A-Z]+)$/.test(k) && k !== "PGPASSWORD"),
    ) as Record<string, string>;
    const child = spawn("bash", ["-c", script], { env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const pass = (d: Buffer) => {
      output += d.toString();
      if (options.echo !== false) process.stderr.write(d);
    };
    child.stdout.on("data", pass);
    child.stderr.on("data", pass);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * The dump restored into the target with the drill's own checks (manifest, size, SHA-256,
 * every table and its rows), by the drill's script.
 */
export async function restoreDump(
  tenant: Tenant,
  plan: Extract<RestorePlan, { action: "dump-restore" }>,
  bucket: string,
  url: string,
  now: Date,
): Promise<Record<string, unknown>> {
  const work = mkdtempSync(path.join(process.env.RUNNER_TEMP ?? tmpdir(), "tf-restore-"));
  const { code, output } = await runScript(drillScript(), {
    ...DRILL_SCRIPT_ENV,
    TENANT_ID: tenant.id,
    PG_MAJOR: clientMajor(tenant),
    BACKUP_BUCKET: bucket,
    BACKUP_KEY: plan.dump,
    MANIFEST_KEY: plan.dump.replace(/\.dump$/, MANIFEST_SUFFIX),
    AGE_MINUTES: String(Math.round((now.getTime() - Date.parse(plan.takenAt)) / 60_000)),
    RESTORE_URL: url,
    RUNNER_TEMP: work,
  });
  if (code !== 0)
    throw new CommandError(
      `the restore of ${plan.dump} into ${plan.newBranch} failed (exit ${code}): ${lastError(output)}; the branch is left as it is for a look, delete it in the console when done`,
    );
  const summary = /restored (\S+) .*: (\d+) tables and (\d+) rows/.exec(output);
  return { tables: summary ? Number(summary[2]) : undefined, rows: summary ? Number(summary[3]) : undefined };
}

/** The line of a failed script that says why: its own ::error::, else what Postgres or its client said, else its last line. */
export function lastError(output: string): string {
  const lines = output.split("\n");
  // The script's own words first, then what Postgres or its client said, then the last line.
  const said =
    lines.filter((l) => l.startsWith("::error::")).at(-1) ?? lines.filter((l) => /^(ERROR|FATAL):|^(psql|pg_dump|pg_restore): error:/.test(l)).at(-1);
  return (said ?? output.trim().split("\n").at(-1) ?? "").replace(/^::error::/, "").slice(0, 400);
}

/** Deletes the tenant's Neon project (Neon keeps a deleted project recoverable for a few days; the record says when it was asked). */
export async function deleteProject(api: NeonApi, project: ListedProject): Promise<Record<string, unknown>> {
  await call(`delete the project ${project.id}`, () => api.deleteProject(project.id));
  return { project: project.id, name: project.name, region: project.region_id };
}

/**
 * The tenant's project that is still there (checked like tenantProject), or undefined when
 * it is gone: Neon knows no project of the id the outputs name AND none of the tenant's
 * project name. A 404 on the id while a project of that name exists is not "gone": that
 * project may be the tenant's (created again, or imported under another id), and nobody
 * should read the erasure as done; it refuses, before anything is deleted.
 */
export async function presentProject(
  api: NeonApi,
  tenant: Tenant,
  orgId: string | undefined,
  facts: StackFacts,
  what = "project",
): Promise<ListedProject | undefined> {
  const name = projectName(tenant);
  if (facts.projectId) {
    const gone = await api.getProject(facts.projectId).then(
      () => false,
      (err: { response?: { status?: number } }) => {
        if (err.response?.status === 404) return true;
        throw new NeonApiError(`Neon's API could not read the project ${facts.projectId}: ${answerOf(err)}; check NEON_API_KEY and the network`);
      },
    );
    if (!gone) return tenantProject(api, tenant, orgId, facts);
    const named = await projectsNamed(api, orgId, name);
    if (!named.length) return undefined;
    throw new NeonApiError(
      `Neon has no project ${facts.projectId}, the ${what} the stack's outputs name for ${tenant.id}, but ${named.map((p) => `${p.id} (${p.region_id})`).join(", ")} ${named.length === 1 ? "is" : "are"} named ${JSON.stringify(name)}: it may be ${tenant.id}'s, created again or imported under another id. Find out which project the stack tracks (pulumi refresh, then npm run fleet -- orphans) and run again with fresh outputs; nothing was deleted`,
    );
  }
  return tenantProject(api, tenant, orgId, facts).catch((err: Error) => {
    if (err.message.startsWith("no Neon project is named")) return undefined;
    throw err;
  });
}

/**
 * Refuses an erasure while a project of one of the tenant's earlier generations is still in
 * Neon: a move whose released source was never deleted (`move ID --finish`) left it outside
 * the stack, with the tenant's data in it, and an erasure that deleted only the current
 * project would be incomplete. Exact names, as projectName gives them (`Acme`, `Acme [g2]`).
 */
export async function refuseEarlierProjects(api: NeonApi, tenant: Tenant, orgId: string | undefined): Promise<void> {
  const left: string[] = [];
  for (let generation = 1; generation < tenant.generation; generation++) {
    const name = projectName({ name: tenant.name, generation });
    left.push(...(await projectsNamed(api, orgId, name)).map((p) => `${p.id} ${JSON.stringify(p.name)} (${p.region_id}, generation ${generation})`));
  }
  if (left.length) {
    throw new NeonApiError(
      `Neon still holds ${left.join(", ")}: ${tenant.id}'s project before a move, which the stack no longer tracks and which holds the tenant's data; delete it first (npm run tenant -- move ${tenant.id} --finish deletes a released source; else in Neon's console, after checking it is the tenant's), then erase again; nothing was deleted`,
    );
  }
}

/** What the record says when the project is gone already: a run after one that deleted it finds nothing left. */
export function nothingLeft(what = "project"): Record<string, unknown> {
  return { project: null, note: `no ${what} left to delete (an earlier run deleted it)` };
}

/**
 * The tenant's project (checked like tenantProject) deleted, or a note that it is gone
 * already (presentProject: gone by its id and by its name).
 */
export async function deleteProjectIfPresent(
  api: NeonApi,
  tenant: Tenant,
  orgId: string | undefined,
  facts: StackFacts,
  what = "project",
): Promise<Record<string, unknown>> {
  const project = await presentProject(api, tenant, orgId, facts, what);
  return project ? deleteProject(api, project) : nothingLeft(what);
}

/** The tenant's direct connection string from Neon (a secret: never printed, never recorded). */
export async function tenantUrl(api: NeonApi, project: ListedProject, tenant: Tenant): Promise<string> {
  const branch = await findBranch(api, project.id, tenant.database.branch);
  const { uri } = await call(`read ${tenant.id}'s connection string`, () =>
    api.getConnectionUri({ projectId: project.id, branch_id: branch.id, database_name: tenant.database.name, role_name: tenant.database.role, pooled: false }),
  );
  return uri;
}

/**
 * The export, by the backup script itself under the export's stem: the same checks (the
 * host is the project's, the database has tables, the dump holds every table's data, a
 * new object only) and the same manifest beside it; then, in plain format, the SQL copy.
 */
export async function exportTenant(
  tenant: Tenant,
  plan: ExportPlan,
  target: { bucket: string; encryption: BackupEncryption; kmsKeyArn?: string },
  url: string,
): Promise<Record<string, unknown>> {
  if (target.encryption === "kms" && !target.kmsKeyArn)
    throw new CommandError(
      `the vault in ${plan.awsRegion} encrypts with KMS and the stack's outputs give no kmsKeyArn for it: pass --outputs from pulumi stack output --json after pulumi up`,
    );
  const work = mkdtempSync(path.join(process.env.RUNNER_TEMP ?? tmpdir(), "tf-export-"));
  const results = path.join(work, "results");
  const host = new URL(url).hostname;
  const env = {
    ...backupScriptEnv(target.encryption),
    TENANT_ID: tenant.id,
    PG_MAJOR: clientMajor(tenant),
    RETENTION_DAYS: String(tenant.backup.retentionDays),
    BACKUP_BUCKET: target.bucket,
    ...(target.kmsKeyArn ? { BACKUP_KMS_KEY: target.kmsKeyArn } : {}),
    EXPECTED_DB_HOST: host,
    BACKUP_PART_BYTES: process.env.BACKUP_PART_BYTES ?? String(64 * 1024 * 1024),
    DATABASE_URL: url,
    SECRET_LABEL: `the connection string Neon gave for ${tenant.id}`,
    OBJECT_STEM: plan.stem,
    GITHUB_OUTPUT: results,
    RUNNER_TEMP: work,
  };
  const dumped = await runScript(backupScript(), env);
  if (dumped.code !== 0) throw new CommandError(`the export of ${tenant.id} failed (exit ${dumped.code}): ${lastError(dumped.output)}`);
  if (plan.plainKey) {
    const plain = await runScript(plainExportScript(), {
      ...PLAIN_EXPORT_ENV,
      EXPORT_BUCKET: target.bucket,
      DUMP_KEY: plan.key,
      PLAIN_KEY: plan.plainKey,
      PG_MAJOR: env.PG_MAJOR,
      BACKUP_ENCRYPTION: target.encryption,
      ...(target.kmsKeyArn ? { BACKUP_KMS_KEY: target.kmsKeyArn } : {}),
      RESULT_FILE: results,
      RUNNER_TEMP: work,
    });
    if (plain.code !== 0)
      throw new CommandError(
        `the plain SQL export of ${tenant.id} failed (exit ${plain.code}): ${lastError(plain.output)}; the custom-format export ${plan.key} is complete`,
      );
  }
  const fields = Object.fromEntries(
    readFileSync(results, "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return {
    bucket: target.bucket,
    key: fields.key,
    manifest: plan.key.replace(/\.dump$/, MANIFEST_SUFFIX),
    ...(plan.plainKey ? { plainKey: plan.plainKey, plainBytes: Number(fields.plain_bytes) } : {}),
    bytes: Number(fields.bytes),
    tables: Number(fields.tables),
    rows: Number(fields.rows),
  };
}

/** How long a logical move's steps wait for the first copy and for the catch-up (MOVE_WAIT_SECONDS; the workflow job has 180 minutes). */
function moveWaitSeconds(): string {
  const s = process.env.MOVE_WAIT_SECONDS;
  return s && /^\d{1,5}$/.test(s) ? s : "7200";
}

/**
 * A move's data step between the two databases: `copy` (dump and restore, then compare),
 * `replicate` (schema, publication, slot, subscription, first copy) or `catch-up` (wait,
 * sequences, compare, drop the replication), with the client clientMajor gives for the target
 * (PG_CLIENT_MAJOR, else the target's major). The numbers it reports come from its result file.
 */
export async function moveData(
  step: "copy" | "replicate" | "catch-up",
  tenant: Tenant,
  target: Tenant,
  sourceUrl: string,
  targetUrl: string,
): Promise<Record<string, unknown>> {
  const work = mkdtempSync(path.join(process.env.RUNNER_TEMP ?? tmpdir(), "tf-move-"));
  const results = path.join(work, "results");
  const script = { copy: copyCompareScript, replicate: replicateScript, "catch-up": catchUpScript }[step]();
  const env = {
    ...MOVE_SCRIPT_ENV,
    SOURCE_URL: sourceUrl,
    TARGET_URL: targetUrl,
    PG_MAJOR: clientMajor(target),
    TENANT_ID: tenant.id,
    RUNNER_TEMP: work,
    RESULT_FILE: results,
    NAME: MOVE_REPLICATION_NAME,
    WAIT_SECONDS: moveWaitSeconds(),
  };
  const { code, output } = await runScript(script, env);
  if (code !== 0)
    throw new CommandError(
      `the ${step === "copy" ? "copy" : step === "replicate" ? "replication" : "catch-up"} of ${tenant.id} into its move target failed (exit ${code}): ${lastError(output)}`,
    );
  const fields = Object.fromEntries(
    readFileSync(results, "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => l.split("=") as [string, string]),
  );
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Number(v)]));
}
