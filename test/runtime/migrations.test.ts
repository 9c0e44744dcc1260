/**
 * The migrations workflow, run for real against PostgreSQL: whole runs of the generated
 * file (planning job, a batch job per wave, each wave's gate) over the program's manifest.
 * A batch attempts every tenant and names the failed; the canary wave's failure stops the
 * rollout; a failure within the budget lets the wave finish and the next go on; each
 * tenant's version before and after and its WAL position before are kept; a second run
 * migrates only the tenants not at the target; a tenant a later deploy adds is migrated by
 * the run that deploy's manifest starts. The runner applies GitHub's job rules (a skipped or
 * failed job before the gate skips a later wave unless its `if:` accepts that), so the shapes
 * that matter each run whole: the default waves with nothing in the first two, a canary
 * failing within and over the budget, a retry of a later wave, a schedule with nothing planned.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TENANTS, seedDatabase, startWorld, type World } from "./harness";
import { repositoryOf } from "./fleet";
import { FAILED_TENANTS_TITLE, ROLLOUT_STOPPED_TITLE } from "../../src/plan/workflows/batchScripts";
import { spawnSync } from "node:child_process";
import { CATALOG_WRITER_ROLE } from "../../src/catalog/catalog";
import { runProgram } from "../program";
import { CATALOG_SECRET } from "../../src/core/repositoryContract";

const ROOT = path.resolve(__dirname, "..", "..");
/** `npm run catalog -- …` against the catalog database of the tenant cluster, as its owner. */
function catalog(world: World, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/catalog.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    input,
    env: { ...process.env, CATALOG_DATABASE_URL: `postgresql://catalog_owner:owner-pw@127.0.0.1:${world.tenantDb.port}/catalog?sslmode=disable` },
  });
  if (r.status !== 0) throw new Error(`npm run catalog -- ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A migration tool in one line: version 2 adds a column, recorded in schema_migrations. */
const MIGRATION = `psql "$DATABASE_URL" -X -q -1 -v ON_ERROR_STOP=1 -c "create table if not exists schema_migrations (version int primary key); alter table customers add column if not exists tier text; insert into schema_migrations values (2) on conflict do nothing"`;
const VERSION_QUERY = "select coalesce(max(version), 0) from schema_migrations";
const settings = (fixture: string, budget: string) => [
  "secretScope=repository",
  // The stack's own catalog: its backups and drills get a job that records them.
  "catalog=true",
  "catalogRegion=aws-eu-central-1",
  `tenantsFile=${fixture}`,
  "migrationsSetupCommand=",
  `migrationsCommand=${MIGRATION}`,
  `migrationVersionQuery=${VERSION_QUERY}`,
  "migrationsTargetCommand=echo 2",
  `migrationFailureBudget=${budget}`,
];
const hasTier = (world: World, db: string) =>
  world.tenantDb.sql(db, "select count(*) from information_schema.columns where table_name = 'customers' and column_name = 'tier'") === "1";
/** A tenant's database: seeded (customers exists) or bare (its migration fails). */
const database = (world: World, id: string, seeded: boolean) => {
  const db = id.replace(/-/g, "_");
  world.tenantDb.sql(
    "postgres",
    "do $$ begin if not exists (select from pg_roles where rolname = 'app_owner') then create role app_owner login; end if; end $$",
  );
  if (seeded) seedDatabase(world.tenantDb, db, 10);
  else {
    world.tenantDb.sql("postgres", `drop database if exists ${db}`);
    world.tenantDb.sql("postgres", `create database ${db} owner app_owner`);
  }
  return world.secretFor(id, db);
};

describe("a batch", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld("prod", ["secretScope=repository", `tenantsFile=${FIXTURE_TENANTS}`, "migrationsSetupCommand=", `migrationsCommand=${MIGRATION}`]);
    seedDatabase(world.tenantDb, "acme_db");
    seedDatabase(world.tenantDb, "fresh_db", 10);
    world.tenantDb.sql("postgres", "create database bright_db owner app_owner");
  });
  afterAll(async () => world?.stop());

  it("migrates every tenant of the batch, names the one that failed, and fails the job", async () => {
    const { job, entry } = await world.runBatch("migrate", ["acme-corp"], {
      narrow: false,
      secrets: {
        "acme-corp": world.secretFor("acme-corp", "acme_db"),
        brightwave: world.secretFor("brightwave", "bright_db"),
        "fresh-start": world.secretFor("fresh-start", "fresh_db"),
      },
    });
    // No rollout in the file: every tenant is in the last wave, the general population.
    expect(entry.key).toBe("general-eu-central-1-pg17-1");
    expect(job.result).toBe("failure");
    expect(job.settings.name).toBe("migrate general-eu-central-1-pg17-1");
    expect(job.log).toContain('relation "customers" does not exist');
    expect(job.log).toContain(`::error title=${FAILED_TENANTS_TITLE}::brightwave`);
    // Every tenant was attempted: the one after the failure too.
    expect([hasTier(world, "acme_db"), hasTier(world, "fresh_db")]).toEqual([true, true]);
    expect(job.summary).toMatch(/\| acme-corp \| ok \|/);
    expect(job.summary).toMatch(/\| brightwave \| failed \|/);
    expect(job.summary).toMatch(/\| fresh-start \| ok \|/);
  });

  it("migrates every tenant in the default waves when no tenant names a rollout: the empty canary and early waves do not stop the general one", async () => {
    // The stack's default waves are canary, early, general; this fleet names none, so the first two plan nothing.
    seedDatabase(world.tenantDb, "bright_db", 10);
    const run = await world.runWorkflow("migrate", {
      secrets: {
        "acme-corp": world.secretFor("acme-corp", "acme_db"),
        brightwave: world.secretFor("brightwave", "bright_db"),
        "fresh-start": world.secretFor("fresh-start", "fresh_db"),
      },
    });
    expect(Object.fromEntries(Object.entries(run.jobs).map(([id, j]) => [id, j.result]))).toEqual({
      plan: "success",
      "migrate-w1": "skipped",
      gate_w1: "success",
      "migrate-w2": "skipped",
      gate_w2: "success",
      "migrate-w3": "success",
      gate_w3: "success",
    });
    expect(run.jobs.gate_w1.runs[0].log).toContain(
      "wave canary: 0 of 0 tenant(s) failed or did not report, within the failure budget of 0 (0): the next wave goes ahead",
    );
    expect(run.jobs.gate_w3.runs[0].log).toContain("wave general: 0 of 3 tenant(s) failed or did not report");
    for (const db of ["acme_db", "bright_db", "fresh_db"]) expect(hasTier(world, db), db).toBe(true);
  });
});

describe("a secret holding another tenant's string", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld("prod", [
      "secretScope=repository",
      `tenantsFile=${FIXTURE_TENANTS}`,
      "migrationsSetupCommand=",
      `migrationsCommand=${MIGRATION}`,
      `migrationVersionQuery=${VERSION_QUERY}`,
      "migrationsTargetCommand=echo 2",
    ]);
    // acme-corp's database is at the target already; brightwave's real one is not migrated yet.
    seedDatabase(world.tenantDb, "acme_db", 10);
    world.tenantDb.sql(
      "acme_db",
      "set role app_owner; create table schema_migrations (version int primary key); insert into schema_migrations values (2); alter table customers add column tier text",
    );
    seedDatabase(world.tenantDb, "bright_db", 10);
  });
  afterAll(async () => world?.stop());

  it("is refused before it connects, instead of reading the other tenant's version as the tenant's", async () => {
    const other = world.secretFor("acme-corp", "acme_db");
    const { job } = await world.runBatch("migrate", ["brightwave"], { secrets: { brightwave: other } });
    expect(job.result, job.log).toBe("failure");
    expect(job.log).toContain(
      `::error::the connection string in secret BRIGHTWAVE_DATABASE_URL does not point at the database the stack created for brightwave (host ${world.repo.databases.get("brightwave")!.host}); it may hold another tenant's string. pulumi up writes the right one`,
    );
    expect(job.summary).toMatch(/\| brightwave \| failed \|/);
    expect(job.summary).not.toMatch(/current/);
    // brightwave's real database is not migrated (the run does not pretend it is current), and acme-corp's is as it was.
    expect(hasTier(world, "bright_db")).toBe(false);
    expect(world.tenantDb.sql("acme_db", "select string_agg(version::text, ',') from schema_migrations")).toBe("2");
  });
});

describe("waves with no failure budget", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld("prod", settings("test/runtime/fixtures/rollout.yaml", "0"));
  });
  afterAll(async () => world?.stop());

  it("stops the rollout at a failed canary: the later waves are not migrated", async () => {
    const secrets = {
      "canary-co": database(world, "canary-co", false),
      "early-one": database(world, "early-one", true),
      "early-two": database(world, "early-two", true),
      "late-one": database(world, "late-one", true),
      "late-two": database(world, "late-two", true),
    };
    const run = await world.runWorkflow("migrate", { secrets });
    expect(Object.fromEntries(Object.entries(run.jobs).map(([id, j]) => [id, j.result]))).toEqual({
      plan: "success",
      "migrate-w1": "failure",
      gate_w1: "failure",
      "migrate-w2": "skipped",
      gate_w2: "skipped",
      "migrate-w3": "skipped",
      gate_w3: "skipped",
    });
    const gate = run.jobs.gate_w1.runs[0];
    expect(gate.log).toContain(
      `::error title=${ROLLOUT_STOPPED_TITLE}::wave canary: 1 of 1 tenant(s) failed or did not report, over the failure budget of 0 (0): the later waves are not migrated; failed: canary-co`,
    );
    for (const db of ["early_one", "early_two", "late_one", "late_two"]) expect(hasTier(world, db), db).toBe(false);
  });
});

describe("waves with a failure budget of one tenant", () => {
  let world: World;
  let secrets: Record<string, string>;
  /** The catalog's writer string, as the repository secret the gates record with. */
  let catalogSecret: Record<string, string>;
  beforeAll(async () => {
    world = await startWorld("prod", settings("test/runtime/fixtures/rollout.yaml", "1"));
    // The fleet catalog on the same cluster: migrated and synced from the program's outputs as a deploy would.
    world.tenantDb.sql("postgres", `create role catalog_owner login createrole; create role ${CATALOG_WRITER_ROLE} login`);
    world.tenantDb.sql("postgres", "create database catalog owner catalog_owner");
    world.tenantDb.sql("catalog", "create extension citext");
    catalog(world, ["migrate"]);
    const outputs = (await runProgram("prod", settings("test/runtime/fixtures/rollout.yaml", "1"))).outputs;
    catalog(world, ["sync", "--stack", "prod", "--outputs", "-"], JSON.stringify(outputs));
    catalogSecret = { [CATALOG_SECRET]: world.tenantDb.url("catalog", CATALOG_WRITER_ROLE, "catalog.example.neon.tech") };
    secrets = {
      "canary-co": database(world, "canary-co", true),
      "early-one": database(world, "early-one", true),
      "early-two": database(world, "early-two", false),
      "late-one": database(world, "late-one", true),
      "late-two": database(world, "late-two", true),
    };
    // late-two is at the target already (migrated by hand, say): it is left alone.
    world.tenantDb.sql("late_two", "set role app_owner; create table schema_migrations (version int primary key); insert into schema_migrations values (2)");
  });
  afterAll(async () => world?.stop());

  it("lets a wave with a failure inside the budget finish, goes on to the next, and keeps each tenant's versions and WAL position", async () => {
    const run = await world.runWorkflow("migrate", { secrets, repositorySecrets: catalogSecret, runId: "101" });
    expect(Object.fromEntries(Object.entries(run.jobs).map(([id, j]) => [id, j.result]))).toEqual({
      plan: "success",
      "migrate-w1": "success",
      gate_w1: "success",
      // The early wave's job fails (early-two), so the run is red and the alert names it ...
      "migrate-w2": "failure",
      // ... but one failure is within the budget: the general population is migrated.
      gate_w2: "success",
      "migrate-w3": "success",
      gate_w3: "success",
    });
    expect(run.jobs["migrate-w2"].runs[0].log).toContain(`::error title=${FAILED_TENANTS_TITLE}::early-two`);
    expect(run.jobs.gate_w2.runs[0].log).toContain(
      "wave early: 1 of 2 tenant(s) failed or did not report, within the failure budget of 1 (1): the next wave goes ahead",
    );
    for (const db of ["canary_co", "early_one", "late_one"]) expect(hasTier(world, db), db).toBe(true);
    expect(hasTier(world, "late_two")).toBe(false);

    // What the gates read: per tenant its result, the version before and after, the WAL position before.
    const kept = readKept(run.jobs.gate_w3.runs[0].log).concat(readKept(run.jobs.gate_w2.runs[0].log), readKept(run.jobs.gate_w1.runs[0].log));
    expect(kept.map(([id, result, , before, after]) => [id, result, before, after]).sort()).toEqual([
      ["canary-co", "ok", "", "2"],
      ["early-one", "ok", "", "2"],
      ["early-two", "failed", "", ""],
      ["late-one", "ok", "", "2"],
      ["late-two", "current", "2", "2"],
    ]);
    for (const [id, , , , , lsn] of kept) expect(lsn, id).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(run.jobs["migrate-w3"].runs[0].summary).toMatch(/\| late-two \| current \| \d+ \| version 2 → 2 \|/);

    // Each gate recorded its wave in the fleet catalog, and npm run status shows the fleet from it.
    for (const w of [1, 2, 3]) expect(run.jobs[`gate_w${w}`].runs[0].log).toMatch(/recorded \d tenant\(s\) of wave \w+ in the fleet catalog/);
    expect(
      world.tenantDb.sql(
        "catalog",
        "select string_agg(tenant_id || ':' || result || ':' || coalesce(version_after, '-') || ':' || (lsn_before is not null) || ':' || run_id, ',' order by tenant_id) from migration_runs",
      ),
    ).toBe("canary-co:ok:2:true:101,early-one:ok:2:true:101,early-two:failed:-:true:101,late-one:ok:2:true:101,late-two:current:2:true:101");
    const status = JSON.parse(catalog(world, ["status", "--json"]));
    expect(status).toMatchObject({ target: "2", versions: { "2": 4, "(none)": 1 }, failed: ["early-two"], neverMigrated: [] });
  });

  it("migrates on the next run only the tenants not at the target: the failed one, once fixed", async () => {
    seedDatabase(world.tenantDb, "early_two", 10);
    const run = await world.runWorkflow("migrate", { secrets, repositorySecrets: catalogSecret, runId: "102" });
    expect(Object.values(run.jobs).map((j) => j.result)).not.toContain("failure");
    const kept = [1, 2, 3].flatMap((w) => readKept(run.jobs[`gate_w${w}`].runs[0].log));
    expect(kept.map(([id, result]) => [id, result]).sort()).toEqual([
      ["canary-co", "current"],
      ["early-one", "current"],
      ["early-two", "ok"],
      ["late-one", "current"],
      ["late-two", "current"],
    ]);
    expect(hasTier(world, "early_two")).toBe(true);
    const status = JSON.parse(catalog(world, ["status", "--json"]));
    expect(status).toMatchObject({ target: "2", versions: { "2": 5 }, behind: [], failed: [], neverMigrated: [] });
  });

  it("records the night's backups and the weekly drill in the fleet catalog, and status shows them", async () => {
    const night = await world.runWorkflow("backup", { secrets, repositorySecrets: catalogSecret, runId: "201" });
    expect(Object.fromEntries(Object.entries(night.jobs).map(([id, j]) => [id, j.result]))).toEqual({ plan: "success", backup: "success", record: "success" });
    expect(night.jobs.record.runs[0].log).toContain("recorded 5 tenant(s) of tenant-fleet backups (17 3 * * *) in the fleet catalog");
    const rows = world.tenantDb.sql(
      "catalog",
      "select string_agg(tenant_id || ':' || result || ':' || (object_key like 'retain-14d/' || tenant_id || '/%.dump') || ':' || (bytes > 0) || ':' || tables || ':' || run_id || ':' || (run_url like '%/actions/runs/201'), ',' order by tenant_id) from backups",
    );
    // Each row carries the tables the tenant's database has (the dump was checked against them).
    const tables = (id: string) =>
      world.tenantDb.sql(id.replace(/-/g, "_"), "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')");
    expect(rows).toBe(["canary-co", "early-one", "early-two", "late-one", "late-two"].map((id) => `${id}:ok:true:true:${tables(id)}:201:true`).join(","));
    const drill = await world.runWorkflow("drill", { repositorySecrets: catalogSecret, runId: "202" });
    // The snapshot check passes with a notice: the world's repository has no Neon read key (test/runtime/snapshots.test.ts runs it with one).
    expect(Object.fromEntries(Object.entries(drill.jobs).map(([id, j]) => [id, j.result]))).toEqual({
      plan: "success",
      drill: "success",
      snapshots: "success",
      record: "success",
    });
    // The drill restored the very dump the night recorded.
    expect(
      world.tenantDb.sql("catalog", "select count(*) from drills d join backups b using (tenant_id, object_key) where d.result = 'ok' and d.run_id = 202"),
    ).toBe("5");
    const status = JSON.parse(catalog(world, ["status", "--json"]));
    for (const t of status.tenants) expect(t, t.id).toMatchObject({ backup: { result: "ok" }, drill: { result: "ok" } });
  });

  it("plans a tenant's restore from what the catalog recorded: just before a migration, or the dump a drill verified", () => {
    const tenant = (args: string[]) => {
      const r = spawnSync(
        process.execPath,
        [
          path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
          path.join(ROOT, "scripts/tenant.ts"),
          ...args,
          "--tenants",
          "test/runtime/fixtures/rollout.yaml",
          "--json",
        ],
        {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, CATALOG_DATABASE_URL: `postgresql://catalog_owner:owner-pw@127.0.0.1:${world.tenantDb.port}/catalog?sslmode=disable` },
        },
      );
      return { code: r.status, plan: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
    };
    // Run 101 recorded early-one's WAL position before its migration: the restore goes to exactly that.
    const lsn = world.tenantDb.sql("catalog", "select lsn_before from migration_runs where tenant_id = 'early-one' and run_id = 101");
    const before = tenant(["restore", "early-one", "--to", "before-migration", "101"]);
    expect(before.code, before.stderr).toBe(0);
    expect(before.plan).toMatchObject({ tenant: "early-one", action: "branch-restore", branch: "main", source: { lsn } });
    // Asked for a dump: the one the night recorded and the drill restored.
    const key = world.tenantDb.sql("catalog", "select object_key from backups where tenant_id = 'early-one' and run_id = 201");
    const dump = tenant(["restore", "early-one", "--to", new Date().toISOString(), "--from-dump"]);
    expect(dump.plan).toMatchObject({ action: "dump-restore", dump: key });
    const none = tenant(["restore", "early-one", "--to", "before-migration", "999"]);
    expect([none.code, none.stderr.trim()]).toEqual([
      1,
      "the fleet catalog has no WAL position of migrations run 999 for this tenant (was it migrated in that run?)",
    ]);
  });

  it("runs by hand for some tenants or one wave, and refuses a tenant the manifest does not have", async () => {
    // Whatever their version, the others are not even looked at: only the named tenant's line is kept.
    world.tenantDb.sql("early_one", "delete from schema_migrations");
    const one = await world.runWorkflow("migrate", { secrets, inputs: { tenants: "early-one", wave: "all" } });
    expect([1, 2, 3].flatMap((w) => readKept(one.jobs[`gate_w${w}`].runs[0].log)).map(([id, result]) => [id, result])).toEqual([["early-one", "ok"]]);
    expect(one.jobs["migrate-w1"].result).toBe("skipped");
    const wave = await world.runWorkflow("migrate", { secrets, inputs: { tenants: "", wave: "general" } });
    expect(
      [1, 2, 3]
        .flatMap((w) => readKept(wave.jobs[`gate_w${w}`].runs[0].log))
        .map(([id]) => id)
        .sort(),
    ).toEqual(["late-one", "late-two"]);
    const unknown = await world.runWorkflow("migrate", { secrets, inputs: { tenants: "early-one, nobody", wave: "all" } });
    expect(unknown.jobs.plan.result).toBe("failure");
    expect(unknown.jobs.plan.runs[0].log).toContain("::error::not an active tenant of .github/tenant-fleet/tenant-fleet.json: nobody");
    const hostile = await world.runWorkflow("migrate", { secrets, inputs: { tenants: "early-one; rm -rf /", wave: "all" } });
    expect(hostile.jobs.plan.runs[0].log).toContain("::error::the tenants input may hold tenant ids");
  });

  it("retries what a run left undone, and runs by hand for the tenants behind a version", async () => {
    // Run 101 (the first test) failed early-two and migrated or found current every other tenant.
    const retry = await world.runWorkflow("migrate", {
      secrets,
      repositorySecrets: catalogSecret,
      runId: "103",
      inputs: { tenants: "", wave: "all", retry_run: "101", behind: "" },
    });
    expect(retry.jobs.plan.runs[0].log).toContain("retrying what run 101 left undone: early-two");
    // The canary wave has nothing left to do: its job is skipped, and the early wave still runs.
    expect(Object.fromEntries(Object.entries(retry.jobs).map(([id, j]) => [id, j.result]))).toEqual({
      plan: "success",
      "migrate-w1": "skipped",
      gate_w1: "success",
      "migrate-w2": "success",
      gate_w2: "success",
      "migrate-w3": "skipped",
      gate_w3: "success",
    });
    expect([1, 2, 3].flatMap((w) => readKept(retry.jobs[`gate_w${w}`].runs[0].log)).map(([id]) => id)).toEqual(["early-two"]);
    const gone = await world.runWorkflow("migrate", { secrets, inputs: { tenants: "", wave: "all", retry_run: "999", behind: "" } });
    expect(gone.jobs.plan.runs[0].log).toContain(
      "::error::run 999 kept no migration results (not a run of this workflow, or its results expired after 30 days): name the tenants instead",
    );
    const both = await world.runWorkflow("migrate", { secrets, inputs: { tenants: "early-one", wave: "all", retry_run: "101", behind: "" } });
    expect(both.jobs.plan.runs[0].log).toContain("::error::give the tenants input or retry_run, not both");

    // early-one falls back to version 1; a run for the tenants behind 2 migrates it and leaves the rest alone.
    world.tenantDb.sql("early_one", "delete from schema_migrations; insert into schema_migrations values (1)");
    const behind = await world.runWorkflow("migrate", {
      secrets,
      repositorySecrets: catalogSecret,
      runId: "104",
      inputs: { tenants: "", wave: "all", retry_run: "", behind: "2" },
    });
    const kept = [1, 2, 3].flatMap((w) => readKept(behind.jobs[`gate_w${w}`].runs[0].log));
    expect(kept.map(([id, result, , before, after]) => [id, result, before, after]).sort()).toEqual([
      ["canary-co", "skipped", "2", "2"],
      ["early-one", "ok", "1", "2"],
      ["early-two", "skipped", "2", "2"],
      ["late-one", "skipped", "2", "2"],
      ["late-two", "skipped", "2", "2"],
    ]);
    expect(Object.values(behind.jobs).map((j) => j.result)).not.toContain("failure");
    expect(behind.jobs.gate_w2.runs[0].summary).toContain("1 migrated, 0 already at the target, 1 not behind the version asked, 0 failed, 0 did not report");
    // Only the tenant that was migrated is history; the ones left alone did nothing.
    expect(world.tenantDb.sql("catalog", "select string_agg(tenant_id || ':' || result, ',') from migration_runs where run_id = 104")).toBe("early-one:ok");
    const hostile = await world.runWorkflow("migrate", { secrets, inputs: { tenants: "", wave: "all", retry_run: "", behind: "2; rm -rf /" } });
    expect(hostile.jobs.plan.runs[0].log).toContain("::error::the behind input is a schema version");
  });

  it("migrates a tenant the next deploy onboards, in the run that deploy's manifest starts", async () => {
    const fixture = "test/runtime/fixtures/rollout.yaml";
    const added =
      readFileSync(path.join(ROOT, fixture), "utf8") +
      "\n  - id: newcomer\n    name: Newcomer\n    region: aws-eu-central-1\n    residency: EU\n    status: active\n";
    const later = await repositoryOf("prod", settings(writeFixture(added), "1"));
    // The workflows do not change with the fleet; only the manifest does, and it is on the workflow's push paths.
    const body = (text: string) => text.split("\n").slice(1).join("\n"); // the header names the tenants file
    expect([...later.workflows.values()].map(body)).toEqual([...world.repo.workflows.values()].map(body));
    const migrations = [...later.workflows].find(([p]) => p.endsWith("-migrations.yml"))![1];
    expect(migrations).toContain(`      - ${later.manifestPath}\n`);
    const db = "newcomer";
    world.tenantDb.sql("postgres", `create database ${db} owner app_owner`);
    world.tenantDb.sql(db, "set role app_owner; create table customers (id bigint primary key)");
    const run = await world.runWorkflow("migrate", {
      files: later.files,
      secrets: { ...secrets, newcomer: world.tenantDb.url(db, "app_owner", later.databases.get("newcomer")!.host) },
    });
    const kept = [1, 2, 3].flatMap((w) => readKept(run.jobs[`gate_w${w}`].runs[0].log));
    expect(kept.filter(([, result]) => result === "ok").map(([id]) => id)).toEqual(["newcomer"]);
    expect(hasTier(world, db)).toBe(true);
  });

  it("goes on after a canary that failed within the budget: the early and general waves run", async () => {
    // canary-co's secret names a database without the table its migration alters: it fails, one tenant, within the budget of one.
    seedDatabase(world.tenantDb, "early_two", 10); // whatever the earlier tests left: the later waves' tenants can be migrated
    world.tenantDb.sql("postgres", "drop database if exists canary_bare");
    world.tenantDb.sql("postgres", "create database canary_bare owner app_owner");
    const run = await world.runWorkflow("migrate", { secrets: { ...secrets, "canary-co": world.secretFor("canary-co", "canary_bare") } });
    expect(Object.fromEntries(Object.entries(run.jobs).map(([id, j]) => [id, j.result]))).toEqual({
      plan: "success",
      "migrate-w1": "failure",
      gate_w1: "success",
      "migrate-w2": "success",
      gate_w2: "success",
      "migrate-w3": "success",
      gate_w3: "success",
    });
    expect(run.jobs.gate_w1.runs[0].log).toContain(
      "wave canary: 1 of 1 tenant(s) failed or did not report, within the failure budget of 1 (1): the next wave goes ahead",
    );
    expect(
      [2, 3]
        .flatMap((w) => readKept(run.jobs[`gate_w${w}`].runs[0].log))
        .map(([id]) => id)
        .sort(),
    ).toEqual(["early-one", "early-two", "late-one", "late-two"]);
  });

  it("runs backups and the drill for a schedule the manifest plans nothing on: the batch job is skipped, not failed, and the record job still runs", async () => {
    const manifest = JSON.parse(world.repo.files[world.repo.manifestPath]) as { batches: { backup: Record<string, unknown[]>; restoreDrill: unknown[] } };
    for (const schedule of Object.keys(manifest.batches.backup)) manifest.batches.backup[schedule] = [];
    manifest.batches.restoreDrill = [];
    const files = { ...world.repo.files, [world.repo.manifestPath]: JSON.stringify(manifest) };
    for (const kind of ["backup", "drill"] as const) {
      const run = await world.runWorkflow(kind, { files, repositorySecrets: catalogSecret });
      expect(Object.fromEntries(Object.entries(run.jobs).map(([id, j]) => [id, j.result])), kind).toEqual({
        plan: "success",
        [kind]: "skipped",
        ...(kind === "drill" ? { snapshots: "success" } : {}),
        record: "success",
      });
      expect(run.jobs.plan.runs[0].log).toContain("0 tenant(s) in 0 job(s)");
      expect(run.jobs.record.runs[0].log).toMatch(/no result of .* to record/);
    }
  });
});

/** The result lines a gate read, as it prints them: id, result, seconds, version before, after, WAL position before. */
function readKept(log: string): string[][] {
  return log
    .split("\n")
    .filter((l) => /^[a-z0-9-]+\t(ok|current|skipped|failed)\t/.test(l))
    .map((l) => l.split("\t"));
}

function writeFixture(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "tf-rollout-")), "tenants.yaml");
  writeFileSync(file, text);
  return file;
}
