/**
 * One runtime world per test file: the program's repository for a stack, a tenant
 * PostgreSQL cluster (standing in for Neon), a drill cluster (the drill job's service
 * container), S3 behind the policy gateway, and the runner setup. `stop()` tears all of it
 * down; test files call it in afterAll, so a failed test still cleans up.
 */
import { runJob, type JobResult, type RunContext } from "./actions";
import { repositoryOf, workflowFor, type Repository } from "./fleet";
import { startPostgres, type PgCluster } from "./services/postgres";
import { startS3, type S3Service } from "./services/s3";
import { localMatrix, runnerSetup, type RunnerSetup } from "./substitutions";
import { parse } from "yaml";
import { ENVIRONMENT_SECRET_NAME, repositorySecretName, VARIABLES } from "../repository/contract";

export const FIXTURE_TENANTS = "runtime/fixtures/tenants.yaml";

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
  backup(tenantId: string, options?: { secret?: string; partBytes?: number }): Promise<JobResult>;
  drill(tenantId: string): Promise<JobResult>;
  /** The migrations job for the tenant, against one database of the tenant cluster (repository scope). */
  migrate(tenantId: string, database: string): Promise<JobResult>;
  stop(): Promise<void>;
}

export async function startWorld(stack = "prod", overrides: readonly string[] = ["secretScope=repository", `tenantsFile=${FIXTURE_TENANTS}`]): Promise<World> {
  const repo = await repositoryOf(stack, overrides);
  const started: { stop(): unknown }[] = [];
  try {
    const tenantDb = await startPostgres("tenant");
    started.push(tenantDb);
    const drillDb = await startPostgres("drill");
    started.push(drillDb);
    const s3 = await startS3(repo.world);
    started.push(s3);
    const runner = runnerSetup({ s3: s3.endpoint, drillPgPort: drillDb.port });
    const context = (secrets: Record<string, string>): RunContext => ({ repository: "example-saas/app", ref: "refs/heads/main", vars: repo.vars, secrets, runnerEnv: runner.env });
    const vaults = JSON.parse(repo.vars[VARIABLES.vaults]) as Record<string, { bucket: string }>;
    const world: World = {
      repo,
      tenantDb,
      drillDb,
      s3,
      runner,
      bucketOf(tenantId) {
        const { entry } = workflowFor(repo, /-backup-/, "backup", tenantId);
        return vaults[String(entry.aws_region)].bucket;
      },
      secretFor(tenantId, database = "app") {
        return tenantDb.url(database, "app_owner", repo.databases.get(tenantId)!.host);
      },
      async backup(tenantId, options = {}) {
        const w = workflowFor(repo, /-backup-/, "backup", tenantId);
        const secret = options.secret ?? world.secretFor(tenantId);
        // Environment scope: the tenant's environment holds DATABASE_URL; repository scope: a secret per tenant.
        const scoped = (parse(w.content) as { jobs: { backup: { environment?: string } } }).jobs.backup.environment !== undefined;
        return runJob(w.content, "backup", { tenant: localMatrix(w.entry, tenantDb.major) } as never, context({ [scoped ? ENVIRONMENT_SECRET_NAME : repositorySecretName(tenantId)]: secret }), runner.substitutions({ partBytes: options.partBytes, credentialsFor: (arn) => s3.credentialsFor(arn) }));
      },
      async drill(tenantId) {
        const w = workflowFor(repo, /-restore-drill/, "drill", tenantId);
        const result = await runJob(w.content, "drill", { tenant: localMatrix(w.entry, drillDb.major) } as never, context({}), runner.substitutions({ credentialsFor: (arn) => s3.credentialsFor(arn) }));
        // The service container is new for every job: drop what the drill restored.
        drillDb.sql("postgres", "drop database if exists drill");
        return result;
      },
      async migrate(tenantId, database) {
        const w = workflowFor(repo, /-migrations\.yml$/, "migrate", tenantId);
        return runJob(w.content, "migrate", { tenant: localMatrix(w.entry, tenantDb.major) } as never, context({ [repositorySecretName(tenantId)]: world.secretFor(tenantId, database) }), runner.substitutions());
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
