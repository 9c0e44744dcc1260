/**
 * One runtime world per test file: the program's repository for a stack, a tenant
 * PostgreSQL cluster (standing in for Neon), a drill cluster (the drill job's service
 * container), S3 behind the policy gateway, and the runner setup. `stop()` tears all of it
 * down; test files call it in afterAll, so a failed test still cleans up.
 */
import type { WorldRole } from "../iamWorld";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { runJob, runWorkflow, type JobResult, type RunContext, type WorkflowRun } from "./actions";
import { batchFor, KINDS, narrowedFiles, repositoryOf, type Repository, type RunKind } from "./fleet";
import type { ActionsRun } from "./services/actionsRuns";
import { startPostgres, type PgCluster } from "./services/postgres";
import { startS3, type S3Service } from "./services/s3";
import { localMatrix, runnerSetup, type RunnerSetup } from "./substitutions";
import { ENVIRONMENT_SECRET_NAME, NEON_ACTIVITY_SECRET, VARIABLES } from "../../src/core/repositoryContract";

export const FIXTURE_TENANTS = "test/runtime/fixtures/tenants.yaml";

export interface BatchRun {
  /** The planning job, run for real over the manifest. */
  readonly plan: JobResult;
  /** The batch job, with the matrix entry the plan gave for the batch. */
  readonly job: JobResult;
  readonly entry: Record<string, unknown>;
  /** The run's artifact store: the batch's result lines under `tenant-fleet-results-<key>/`. */
  readonly artifacts: string;
}

export interface World {
  readonly repo: Repository;
  readonly tenantDb: PgCluster;
  readonly drillDb: PgCluster;
  readonly s3: S3Service;
  readonly runner: RunnerSetup;
  /** The bucket of the vault that holds the tenant's backups. */
  bucketOf(tenantId: string): string;
  /** The connection string `pulumi up` would store for the tenant, routed to the tenant cluster. */
  secretFor(tenantId: string, database?: string): string;
  /**
   * Runs the planning job and then the batch job of a kind for the batch that holds the
   * first tenant: the stack's own batch (`narrow` false) or that batch narrowed to these
   * tenants. Each tenant's connection string goes where the stack's scope keeps it (a
   * repository secret, the environment's secret, or an SSM parameter); `""` leaves it out.
   */
  runBatch(
    kind: RunKind,
    tenantIds: readonly string[],
    options?: { secrets?: Record<string, string>; partBytes?: number; narrow?: boolean; neon?: { url: string; key?: string } },
  ): Promise<BatchRun>;
  /**
   * Runs a kind's whole workflow (planning job, every batch job, migrations' wave gates) over
   * the stack's manifest, as GitHub would schedule it; the alert job is left out. Each
   * tenant's string is its `secrets` entry, else the tenant's `app` database; `files`
   * replaces the committed files (a later deploy's manifest).
   */
  runWorkflow(
    kind: RunKind,
    options?: {
      secrets?: Record<string, string>;
      files?: Record<string, string>;
      runId?: string;
      repositorySecrets?: Record<string, string>;
      inputs?: Record<string, string>;
    },
  ): Promise<WorkflowRun>;
  backup(tenantId: string, options?: { secret?: string; partBytes?: number }): Promise<JobResult>;
  drill(tenantId: string): Promise<JobResult>;
  /** The migrations job for the tenant, against one database of the tenant cluster. */
  migrate(tenantId: string, database: string): Promise<JobResult>;
  stop(): Promise<void>;
}

/** A GitHub API stand-in for the jobs (test/runtime/services/fakeApis.ts), and the run's token it accepts. */
export interface WorldGithub {
  readonly url: string;
  readonly token: string;
  /** Where a batch run is recorded as a workflow run with its artifacts (fakeApis.ts FakeGithub.runs), if anywhere. */
  readonly runs?: ActionsRun[];
}

/** A scheduled run of the workflow file on main, in progress, whose artifacts go to `store`. */
function recordRun(runs: ActionsRun[], file: string, store: string): ActionsRun {
  const run: ActionsRun = {
    id: 9000 + runs.length + 1,
    workflow: path.posix.basename(file),
    event: "schedule",
    head_branch: "main",
    status: "in_progress",
    created_at: new Date().toISOString(),
    store,
  };
  runs.push(run);
  return run;
}

/** `callers`: principals the S3 gateway accepts beyond the stack's roles (the break-glass principal). */
export async function startWorld(
  stack = "prod",
  overrides: readonly string[] = ["secretScope=repository", `tenantsFile=${FIXTURE_TENANTS}`],
  github?: WorldGithub,
  callers: readonly WorldRole[] = [],
): Promise<World> {
  const repo = await repositoryOf(stack, overrides);
  const started: { stop(): unknown }[] = [];
  try {
    const tenantDb = await startPostgres("tenant");
    started.push(tenantDb);
    const drillDb = await startPostgres("drill");
    started.push(drillDb);
    const s3 = await startS3(repo.world, callers);
    started.push(s3);
    const runner = runnerSetup({ s3: s3.endpoint, drillPgPort: drillDb.port, githubApi: github?.url });
    // github.token is the run's token: the stand-in's, when the world has one.
    const context = (secrets: Record<string, string>, needs?: RunContext["needs"]): RunContext => ({
      repository: "example-saas/app",
      ref: "refs/heads/main",
      vars: repo.vars,
      secrets: github ? { GITHUB_TOKEN: github.token, ...secrets } : secrets,
      needs,
      runnerEnv: runner.env,
    });
    const vaults = JSON.parse(repo.vars[VARIABLES.vaults]) as Record<string, { bucket: string }>;
    const tenantOf = (id: string) => repo.manifest.tenants.find((t) => t.id === id)!;
    const artifactsByRun = new Map<string, string>();
    const world: World = {
      repo,
      tenantDb,
      drillDb,
      s3,
      runner,
      bucketOf(tenantId) {
        return vaults[tenantOf(tenantId).awsRegion].bucket;
      },
      secretFor(tenantId, database = "app") {
        return tenantDb.url(database, "app_owner", repo.databases.get(tenantId)!.host);
      },
      async runBatch(kind, tenantIds, options = {}) {
        const { path: file, content, batch } = batchFor(repo, kind, tenantIds[0]);
        const files = options.narrow === false ? { ...repo.files } : narrowedFiles(repo, kind, batch.key, tenantIds);
        const artifacts = mkdtempSync(path.join(tmpdir(), "tf-artifacts-"));
        const subs = runner.substitutions({
          partBytes: options.partBytes,
          files,
          credentialsFor: (arn) => s3.credentialsFor(arn),
          artifacts,
          // The backups' planning job reads Neon's activity: the stand-in's, with the key its environment holds.
          neonApi: options.neon?.url,
        });
        const planSecrets: Record<string, string> = options.neon?.key ? { [NEON_ACTIVITY_SECRET]: options.neon.key } : {};
        // With a GitHub that keeps runs, each batch run is one scheduled run of its file, with its own id and artifacts.
        const run = github?.runs ? recordRun(github.runs, file, artifacts) : undefined;
        const plan = await runJob(content, "plan", undefined, { ...context(planSecrets), ...(run ? { runId: String(run.id) } : {}) }, subs);
        if (run) run.status = "completed";
        if (plan.result !== "success") throw new Error(`the planning job failed:\n${plan.log}`);
        // Migrations run wave by wave: the batch's wave names its slot and its job.
        const waves = JSON.parse(
          (parse(content) as { jobs: { plan: { steps: { env?: Record<string, string> }[] } } }).jobs.plan.steps.at(-1)!.env?.WAVES ?? "null",
        ) as string[] | null;
        const round = waves && batch.wave ? `w${waves.indexOf(batch.wave) + 1}` : undefined;
        const slot = plan.steps.find((s) => s.outputs[round ? `${round}_slot_1` : "slot_1"] !== undefined)!.outputs[round ? `${round}_slot_1` : "slot_1"];
        const entry = (JSON.parse(slot) as Record<string, unknown>[]).find((e) => e.key === batch.key);
        if (!entry) throw new Error(`the plan has no entry for ${batch.key}: ${slot}`);
        const secrets: Record<string, string> = {};
        const members = options.narrow === false ? batch.tenants : tenantIds;
        for (const id of members) {
          const value = options.secrets?.[id] ?? world.secretFor(id);
          const credential = tenantOf(id).credential;
          if (value === "") continue;
          if (credential.scope === "repository") secrets[credential.secret] = value;
          else if (credential.scope === "environment") secrets[ENVIRONMENT_SECRET_NAME] = value;
          else s3.putParameter(credential.awsRegion, credential.directParameter, value);
        }
        const jobId = round ? `${KINDS[kind].jobId}-${round}` : KINDS[kind].jobId;
        // Every job it needs (a later wave's: the gate before it) succeeded; the plan's outputs are the ones just planned.
        const needed = [(parse(content) as { jobs: Record<string, { needs?: string[] }> }).jobs[jobId].needs ?? []].flat();
        const needs = Object.fromEntries(needed.map((n) => [n, n === "plan" ? { result: "success", outputs: plan.outputs } : { result: "success" }]));
        const job = await runJob(
          content,
          jobId,
          { batch: localMatrix(entry, kind === "drill" ? drillDb.major : tenantDb.major) } as never,
          { ...context(secrets, needs), ...(run ? { runId: String(run.id) } : {}) },
          subs,
        );
        // The service container is new for every job: drop what the drill restored.
        if (kind === "drill") for (const db of tenantIds.map((_, i) => `drill_${i + 1}`)) drillDb.sql("postgres", `drop database if exists ${db}`);
        return { plan, job, entry, artifacts };
      },
      async runWorkflow(kind, options = {}) {
        const files = options.files ?? repo.files;
        const manifest = JSON.parse(files[repo.manifestPath]) as typeof repo.manifest;
        const content = [...repo.workflows].find(([p]) => KINDS[kind].file.test(p))![1];
        // Each run's artifact store is kept by its id, for a later retry of that run.
        const artifacts = mkdtempSync(path.join(tmpdir(), "tf-artifacts-"));
        if (options.runId) artifactsByRun.set(options.runId, artifacts);
        const subs = runner.substitutions({ files, credentialsFor: (arn) => s3.credentialsFor(arn), artifacts, artifactsOf: (id) => artifactsByRun.get(id) });
        const secrets: Record<string, string> = { ...options.repositorySecrets };
        for (const t of manifest.tenants) {
          const value = options.secrets?.[t.id] ?? world.secretFor(t.id);
          if (value === "") continue;
          if (t.credential.scope === "repository") secrets[t.credential.secret] = value;
          else if (t.credential.scope === "region") s3.putParameter(t.credential.awsRegion, t.credential.directParameter, value);
          else throw new Error("runWorkflow stands in for the repository and region scopes (an environment job reads one tenant's environment)");
        }
        return runWorkflow(content, { ...context(secrets), runId: options.runId, inputs: options.inputs }, subs, {
          skip: ["alert"],
          entry: (e) => ({ ...(e as Record<string, unknown>), pg: Number(kind === "drill" ? drillDb.major : tenantDb.major) }) as never,
        });
      },
      async backup(tenantId, options = {}) {
        return (
          await world.runBatch("backup", [tenantId], {
            secrets: options.secret !== undefined ? { [tenantId]: options.secret } : {},
            partBytes: options.partBytes,
          })
        ).job;
      },
      async drill(tenantId) {
        return (await world.runBatch("drill", [tenantId])).job;
      },
      async migrate(tenantId, database) {
        return (await world.runBatch("migrate", [tenantId], { secrets: { [tenantId]: world.secretFor(tenantId, database) } })).job;
      },
      async stop() {
        for (const s of started.reverse()) await s.stop();
      },
    };
    return world;
  } catch (e) {
    for (const s of started.reverse()) await s.stop();
    throw e;
  }
}

/** A database with a few tables and rows, owned by app_owner. */
export function seedDatabase(db: PgCluster, name: string, rows = 1000): void {
  db.sql("postgres", `do $$ begin if not exists (select from pg_roles where rolname = 'app_owner') then create role app_owner login; end if; end $$`);
  db.sql("postgres", `drop database if exists ${name}`);
  db.sql("postgres", `create database ${name} owner app_owner`);
  db.sql(
    name,
    [
      "set role app_owner",
      "create table customers (id bigint primary key, name text not null)",
      "create table orders (id bigint primary key, customer_id bigint references customers, total numeric(12,2), note text)",
      "create schema audit",
      'create table audit."Events" (at timestamptz default now(), what text)',
      `insert into customers select g, 'customer ' || g from generate_series(1, ${rows}) g`,
      `insert into orders select g, 1 + g % ${rows}, g * 1.5, md5(g::text) from generate_series(1, ${rows * 3}) g`,
      "insert into audit.\"Events\"(what) select 'event ' || g from generate_series(1, 10) g",
      "analyze",
    ].join(";"),
  );
}
