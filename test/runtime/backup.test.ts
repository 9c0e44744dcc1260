/**
 * The generated backup and restore-drill jobs, run for real: PostgreSQL, S3 behind the
 * stack's policies, the AWS CLI, the workflow's own expressions. Each way a backup or drill
 * used to lie (green on an empty database, a single PUT, no lock timeout, …) has a test here
 * that fails on the scripts before they were fixed.
 */
import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backupPrefix } from "../../tenants/naming";
import { MANIFEST_SUFFIX } from "../../src/plan/workflows/backupScripts";
import { TENANT_LOCK_KEY } from "../../src/plan/workflows/batchScripts";
import { backupTimestamp } from "../../src/plan/vaults/plan";
import { seedDatabase, startWorld, type World } from "./harness";
import { startFakeGithub, type FakeGithub } from "./services/fakeApis";
import { recordTiming, stepTimings } from "./timings";
import { runProgram } from "../program";

let world: World;
beforeAll(async () => {
  world = await startWorld();
  seedDatabase(world.tenantDb, "app");
});
afterAll(async () => world?.stop());

const PART = 5 * 1024 * 1024;
const prefixOf = (tenantId: string) => backupPrefix(tenantId, 14);

describe("a nightly backup and the weekly drill of a real database", () => {
  it("streams the dump in parts the bucket policy accepts, writes a manifest last, and the drill restores exactly what it recorded", async () => {
    // Enough rows that the dump spans several 5 MiB parts (S3's smallest).
    world.tenantDb.sql(
      "app",
      "set role app_owner; insert into orders select g, 1 + g % 1000, g, md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) from generate_series(3001, 100000) g; analyze orders",
    );
    const backup = await world.backup("acme-corp", { partBytes: PART });
    expect(backup.errors).toEqual([]);
    expect(backup.result, backup.log).toBe("success");
    const objects = await world.s3.list(world.bucketOf("acme-corp"));
    const dump = objects.find((o) => o.key.startsWith(prefixOf("acme-corp")) && o.key.endsWith(".dump"))!;
    const manifestKey = dump.key.replace(/\.dump$/, MANIFEST_SUFFIX);
    expect(objects.map((o) => o.key)).toContain(manifestKey);
    const manifest = JSON.parse((await world.s3.read(world.bucketOf("acme-corp"), manifestKey)).toString());
    expect(manifest).toMatchObject({
      format: 1,
      tenant: "acme-corp",
      key: dump.key,
      host: world.repo.databases.get("acme-corp")!.host,
      bytes: dump.size,
      empty_allowed: false,
    });
    expect(manifest.tables).toEqual({ "public.customers": 1000, "public.orders": 100000, 'audit."Events"': 10 });
    expect(manifest.parts).toBeGreaterThanOrEqual(2);
    expect(Number(manifest.server_version)).toBeGreaterThan(100000);
    // Every request the CLI made was one the stack's policies allow, and the upload was multipart.
    const calls = world.s3.calls.filter((c) => c.role.endsWith("backup-writer"));
    expect(calls.filter((c) => c.status >= 400)).toEqual([]);
    expect(calls.map((c) => c.operation)).toEqual([
      "CreateMultipartUpload",
      ...Array(manifest.parts).fill("UploadPart"),
      "ListParts",
      "CompleteMultipartUpload",
      "PutObject",
    ]);
    for (const c of calls) expect(c.decisions.every((d) => d.decision === "allow")).toBe(true);

    const drill = await world.drill("acme-corp");
    expect(drill.errors).toEqual([]);
    expect(drill.result, drill.log).toBe("success");
    expect(drill.log).toContain(`restored ${dump.key}`);
    expect(drill.log).toContain("3 tables and 101010 rows, as its manifest recorded");
    recordTiming("small", { dumpBytes: dump.size, parts: manifest.parts, ...stepTimings(backup.log), ...stepTimings(drill.log) });
  });

  it("does not complete an upload when S3's record of its parts differs from what was sent, and aborts it", async () => {
    world.s3.loseNextPart = true;
    const r = await world.backup("acme-corp", { partBytes: PART });
    expect(r.result).toBe("failure");
    expect(r.errors).toEqual([
      "S3's record of the upload of acme-corp's dump differs from the parts sent (a part missing, replaced or of another size): not completed",
    ]);
    expect(world.s3.calls.at(-1)!.operation).toBe("AbortMultipartUpload");
  });

  it("fails the backup of a database without tables, which used to upload a 900-byte dump green", async () => {
    world.tenantDb.sql("postgres", "drop database if exists empty_db");
    world.tenantDb.sql("postgres", "create database empty_db owner app_owner");
    const r = await world.backup("brightwave", { secret: world.secretFor("brightwave", "empty_db") });
    expect(r.result, r.log).toBe("failure");
    expect(r.errors).toEqual([
      "brightwave's database has no tables, so a backup of it would restore nothing: the secret may point at the wrong database, or the schema was never migrated. For a new tenant, set backup.emptyAllowedUntil in the tenants file",
    ]);
    expect((await world.s3.list(world.bucketOf("brightwave"))).filter((o) => o.key.startsWith(prefixOf("brightwave")))).toEqual([]);
  });

  it("backs up a new tenant's empty database with a warning while the tenants file allows it, and the drill accepts it", async () => {
    world.tenantDb.sql("postgres", "drop database if exists fresh");
    world.tenantDb.sql("postgres", "create database fresh owner app_owner");
    const r = await world.backup("fresh-start", { secret: world.secretFor("fresh-start", "fresh") });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(["fresh-start's database has no tables; backed up anyway because the tenant is new (backup.emptyAllowedUntil: 2099-12-31)"]);
    const drill = await world.drill("fresh-start");
    expect(drill.result, drill.log).toBe("success");
    expect(drill.warnings[0]).toMatch(/restored no table; allowed until 2099-12-31/);
    // The tenant's timeout comes from the tenants file: its 90 min, plus the job's own 15.
    expect(r.settings.timeoutMinutes).toBe("105");
  });

  it("refuses a secret that holds another tenant's connection string", async () => {
    const r = await world.backup("brightwave", { secret: world.secretFor("acme-corp") });
    expect(r.result, r.log).toBe("failure");
    expect(r.errors[0]).toContain("does not point at the database the stack created for brightwave");
    expect(r.log).not.toContain("pw-not-checked");
  });

  it("names a missing secret instead of failing on a socket", async () => {
    const r = await world.backup("brightwave", { secret: "" });
    expect(r.errors).toEqual([
      "secret BRIGHTWAVE_DATABASE_URL is empty or missing for brightwave: pulumi up writes it, and only runs of the default branch can read it",
    ]);
  });
});

describe("the drill, against what can be under a tenant's prefix", () => {
  const bucket = () => world.bucketOf("acme-corp");
  const stamp = (hoursAgo: number) => backupTimestamp(new Date(Date.now() - hoursAgo * 3_600_000));

  it("finds the newest of more than 1,000 backups and ignores hand-made objects", async () => {
    // 1,100 older complete backups (listings come in pages of 1,000) and two hand-made objects.
    for (let i = 0; i < 1100; i++) await world.s3.plant(bucket(), `${prefixOf("acme-corp")}${stamp(100 + i)}${MANIFEST_SUFFIX}`, "{}");
    await world.s3.plant(bucket(), `${prefixOf("acme-corp")}notes.txt`, "hand-made");
    await world.s3.plant(bucket(), `${prefixOf("acme-corp")}zz-latest.dump`, "hand-made");
    const drill = await world.drill("acme-corp");
    expect(drill.errors).toEqual([]);
    expect(drill.result, drill.log).toBe("success");
  });

  it("fails when the newest backup does not restore the tables and rows its manifest recorded", async () => {
    const objects = await world.s3.list(bucket());
    const real = objects
      .filter((o) => o.key.startsWith(prefixOf("acme-corp")) && o.key.endsWith(MANIFEST_SUFFIX))
      .map((o) => o.key)
      .sort()
      .at(-1)!;
    const manifest = JSON.parse((await world.s3.read(bucket(), real)).toString());
    const dump = await world.s3.read(bucket(), manifest.key);
    const key = `${prefixOf("acme-corp")}${stamp(0)}`;
    const forged = { ...manifest, key: `${key}.dump`, tables: { ...manifest.tables, "public.orders": 150000, "public.invoices": 5 } };
    await world.s3.plant(bucket(), `${key}.dump`, dump);
    await world.s3.plant(bucket(), `${key}${MANIFEST_SUFFIX}`, JSON.stringify(forged));
    const drill = await world.drill("acme-corp");
    expect(drill.result, drill.log).toBe("failure");
    expect(drill.errors[0]).toMatch(
      /does not restore what its manifest recorded \(2 difference\(s\), exact row counts, taken in the dump's snapshot\): missing table public\.invoices;public\.orders: 100000 rows restored, 150000 backed up/,
    );
  });

  it("fails when the dump changed after the backup wrote it", async () => {
    const key = `${prefixOf("acme-corp")}${stamp(-0.01)}`;
    const objects = await world.s3.list(bucket());
    const real = objects
      .filter((o) => o.key.startsWith(prefixOf("acme-corp")) && o.key.endsWith(MANIFEST_SUFFIX))
      .map((o) => o.key)
      .sort()
      .at(-1)!;
    const manifest = JSON.parse((await world.s3.read(bucket(), real)).toString());
    const dump = Buffer.from(await world.s3.read(bucket(), manifest.key));
    dump[dump.length - 10] ^= 0xff;
    await world.s3.plant(bucket(), `${key}.dump`, dump);
    await world.s3.plant(bucket(), `${key}${MANIFEST_SUFFIX}`, JSON.stringify({ ...manifest, key: `${key}.dump` }));
    const drill = await world.drill("acme-corp");
    expect(drill.result, drill.log).toBe("failure");
    expect(drill.errors[0]).toContain("does not match the SHA-256 in its manifest");
  });
});

describe("row counts the drill can trust (exact, in the dump's own snapshot)", () => {
  const bucket = () => world.bucketOf("brightwave");
  const prefix = prefixOf("brightwave");
  const stamp = (secondsAhead: number) => backupTimestamp(new Date(Date.now() + secondsAhead * 1000));
  const newestManifest = async () =>
    (await world.s3.list(bucket()))
      .map((o) => o.key)
      .filter((k) => k.startsWith(prefix) && k.endsWith(MANIFEST_SUFFIX))
      .sort()
      .at(-1)!;
  /** A copy of the real backup under a newer name, with its manifest changed by `edit`. */
  const plantCopy = async (real: Record<string, unknown>, secondsAhead: number, edit: (m: Record<string, unknown>) => Record<string, unknown>) => {
    const key = `${prefix}${stamp(secondsAhead)}`;
    await world.s3.plant(bucket(), `${key}.dump`, await world.s3.read(bucket(), String(real.key)));
    await world.s3.plant(bucket(), `${key}${MANIFEST_SUFFIX}`, JSON.stringify(edit({ ...real, key: `${key}.dump` })));
    return key;
  };

  it("records exact counts where the planner's estimate is stale: the drill passes, a count changed by one row fails it, an older manifest's estimate is judged within the tolerance", async () => {
    seedDatabase(world.tenantDb, "bright_exact", 100);
    // Statistics taken at 4,000 rows, then 1,000 deleted before autovacuum looks again: the estimate stays 4,000.
    world.tenantDb.sql(
      "bright_exact",
      "set role app_owner; create table stale (id int primary key, v text) with (autovacuum_enabled = off); insert into stale select g, md5(g::text) from generate_series(1, 4000) g",
    );
    world.tenantDb.sql("bright_exact", "vacuum analyze stale");
    world.tenantDb.sql("bright_exact", "delete from stale where id <= 1000");
    expect(world.tenantDb.sql("bright_exact", "select reltuples::bigint || '/' || (select count(*) from stale) from pg_class where relname = 'stale'")).toBe(
      "4000/3000",
    );

    const backup = await world.backup("brightwave", { secret: world.secretFor("brightwave", "bright_exact") });
    expect(backup.result, backup.log).toBe("success");
    const real = JSON.parse((await world.s3.read(bucket(), await newestManifest())).toString());
    expect(real).toMatchObject({
      format: 1,
      row_counts: "exact",
      tables: { "public.stale": 3000, "public.customers": 100, "public.orders": 300, 'audit."Events"': 10 },
    });
    const drill = await world.drill("brightwave");
    expect(drill.errors).toEqual([]);
    expect(drill.result, drill.log).toBe("success");
    expect(drill.log).toContain("4 tables and 3410 rows, as its manifest recorded (exact row counts, taken in the dump's snapshot)");

    // One row more in the manifest than the dump holds: exact means exact.
    await plantCopy(real, 2, (m) => ({ ...m, tables: { ...(m.tables as object), "public.stale": 3001 } }));
    const tampered = await world.drill("brightwave");
    expect(tampered.result, tampered.log).toBe("failure");
    expect(tampered.errors[0]).toMatch(
      /does not restore what its manifest recorded \(1 difference\(s\), exact row counts, taken in the dump's snapshot\): public\.stale: 3000 rows restored, 3001 backed up$/,
    );

    // A manifest from before exact counts (no row_counts): its estimates are judged within the tolerance, and the drill says so.
    const { row_counts: _, ...older } = real;
    await plantCopy(older, 4, (m) => ({ ...m, tables: { ...(m.tables as object), "public.stale": 3198 } }));
    const old = await world.drill("brightwave");
    expect(old.result, old.log).toBe("success");
    expect(old.log).toContain("as its manifest recorded (row counts within 20 % or 100 rows of the planner's estimates, which this older manifest recorded)");
  });

  it("skips an object named like a backup at a time that does not exist, with a warning, instead of failing on it", async () => {
    await world.s3.plant(bucket(), `${prefix}20261399T259999Z${MANIFEST_SUFFIX}`, "{}");
    const drill = await world.drill("brightwave");
    expect(drill.result, drill.log).toBe("success");
    expect(drill.warnings).toEqual([
      `ignored 1 object(s) of brightwave named like a backup but not at a real UTC time (YYYYMMDDTHHMMSSZ), which the backup job never writes: ${prefix}20261399T259999Z${MANIFEST_SUFFIX}`,
    ]);
  });
});

describe("the order of a backup's checks", () => {
  it("refuses another tenant's string before anything connects with it, the tenant's lock session included", async () => {
    // A server standing in for the other tenant's database: it counts who connects, and hangs up.
    const { createServer } = await import("node:net");
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const other = `postgresql://app_owner:pw-not-checked@${world.repo.databases.get("acme-corp")!.host}:${port}/app?hostaddr=127.0.0.1&sslmode=disable&connect_timeout=5`;
      const r = await world.backup("brightwave", { secret: other });
      expect(r.result, r.log).toBe("failure");
      expect(r.errors[0]).toContain("does not point at the database the stack created for brightwave");
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe("locks", () => {
  it("gives up on a table a migration holds instead of queueing behind it", async () => {
    const { spawn } = await import("node:child_process");
    // A migration holding ACCESS EXCLUSIVE on orders for longer than pg_dump waits.
    const holder = spawn(
      `${world.tenantDb.bin}/psql`,
      [
        "-X",
        "-h",
        "127.0.0.1",
        "-p",
        String(world.tenantDb.port),
        "-U",
        "postgres",
        "-d",
        "app",
        "-c",
        "begin; lock table orders in access exclusive mode; select pg_sleep(120); commit;",
      ],
      { stdio: "ignore" },
    );
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const started = Date.now();
      const r = await world.backup("acme-corp", { partBytes: PART });
      expect(r.result, r.log).toBe("failure");
      // The exact counts come first (in the dump's snapshot), and wait no longer than pg_dump would.
      expect(r.errors[0]).toMatch(/psql could not back up acme-corp .*: a table stayed locked for 60s/);
      expect(Date.now() - started).toBeLessThan(100_000);
    } finally {
      holder.kill();
      // The server keeps the killed client's session (and its lock) until it notices: end it.
      world.tenantDb.sql("postgres", "select pg_terminate_backend(pid) from pg_stat_activity where query like '%pg_sleep(120)%' and pid <> pg_backend_pid()");
    }
  });

  it("waits while a migration of the tenant holds the tenant's lock, then backs up", async () => {
    const { spawn } = await import("node:child_process");
    // What the migrations job's wrapper holds while the team's command runs: the tenant's advisory lock.
    const holder = spawn(
      `${world.tenantDb.bin}/psql`,
      [
        "-X",
        "-h",
        "127.0.0.1",
        "-p",
        String(world.tenantDb.port),
        "-U",
        "postgres",
        "-d",
        "app",
        "-c",
        `select pg_advisory_lock(${TENANT_LOCK_KEY}); select pg_sleep(7);`,
      ],
      { stdio: "ignore" },
    );
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const r = await world.backup("acme-corp", { partBytes: PART });
      expect(r.result, r.log).toBe("success");
      expect(r.log).toMatch(/waited \d+ s for the lock of acme-corp \(another backup or migration of it was running\)/);
    } finally {
      holder.kill();
    }
  });

  it("holds that lock in backups and migrations alike, not in the drill (which never connects to a tenant)", async () => {
    const backup = [...world.repo.workflows].find(([p]) => p.includes("-backup-"))![1];
    const migrations = [...world.repo.workflows].find(([p]) => p.endsWith("-migrations.yml"));
    for (const text of [backup, migrations?.[1]].filter((t): t is string => t !== undefined)) {
      const jobs = Object.values(parse(text).jobs as Record<string, { env?: Record<string, string>; steps?: { run?: string }[] }>);
      // The batch step's lock query reads the key from its job's env.
      const locking = jobs.filter((j) => j.steps?.some((st) => st.run?.includes("pg_try_advisory_lock(${TENANT_LOCK_KEY})")));
      expect(locking.length).toBeGreaterThan(0);
      for (const j of locking) expect(j.env?.TENANT_LOCK_KEY).toBe(String(TENANT_LOCK_KEY));
    }
    const drill = [...world.repo.workflows].find(([p]) => p.endsWith("-restore-drill.yml"))![1];
    expect(drill).not.toContain("pg_try_advisory_lock");
  });
});

describe("a tenant new to the fleet manifest", () => {
  let fresh: World;
  let github: FakeGithub;
  const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  beforeAll(async () => {
    github = await startFakeGithub("example-saas/app", "ghs_run_token");
    fresh = await startWorld(undefined, undefined, { url: github.url, token: "ghs_run_token" });
    fresh.tenantDb.sql(
      "postgres",
      "do $$ begin if not exists (select from pg_roles where rolname = 'app_owner') then create role app_owner login; end if; end $$",
    );
    fresh.tenantDb.sql("postgres", "create database empty_db owner app_owner");
  });
  afterAll(async () => {
    await fresh?.stop();
    await github?.stop();
  });
  const manifestWithout = (id: string) => {
    const m = JSON.parse(fresh.repo.files[fresh.repo.manifestPath]);
    return { ...m, tenants: m.tenants.filter((t: { id: string }) => t.id !== id) };
  };

  it("is backed up with a warning while its database is still empty, and the drill accepts that dump", async () => {
    // A month ago the manifest had every tenant but brightwave; brightwave came in three days ago.
    github.history = [
      { sha: "a".repeat(40), date: days(30), path: fresh.repo.manifestPath, content: manifestWithout("brightwave") },
      { sha: "b".repeat(40), date: days(3), path: fresh.repo.manifestPath, content: JSON.parse(fresh.repo.files[fresh.repo.manifestPath]) },
    ];
    const { plan, job } = await fresh.runBatch("backup", ["brightwave"], { secrets: { brightwave: fresh.secretFor("brightwave", "empty_db") } });
    expect(plan.log).toContain("new in the last 7 days: brightwave");
    // The history was asked as of seven days ago, with the run's own token.
    expect(github.calls.find((c) => c.path.includes("/commits?"))!.path).toMatch(
      /path=\.github%2Ftenant-fleet%2Ftenant-fleet\.json|path=\.github\/tenant-fleet\/tenant-fleet\.json/,
    );
    expect(job.result, job.log).toBe("success");
    expect(job.warnings).toEqual([
      "brightwave's database has no tables; backed up anyway because the tenant is new to the fleet manifest (its schema is migrated when it is onboarded)",
    ]);
    const drill = await fresh.drill("brightwave");
    expect(drill.result, drill.log).toBe("success");
    expect(drill.warnings[0]).toMatch(/restored no table; it was taken while brightwave was new to the fleet manifest/);
  });

  it("is not new once the manifest listed it before the window: an empty database fails again", async () => {
    github.history = [{ sha: "c".repeat(40), date: days(30), path: fresh.repo.manifestPath, content: JSON.parse(fresh.repo.files[fresh.repo.manifestPath]) }];
    const { plan, job } = await fresh.runBatch("backup", ["brightwave"], { secrets: { brightwave: fresh.secretFor("brightwave", "empty_db") } });
    expect(plan.log).not.toContain("new in the last");
    expect(job.result).toBe("failure");
    expect(job.errors[0]).toMatch(/^brightwave's database has no tables/);
  });

  it("counts every tenant new while the manifest is younger than the window, and no one when the history cannot be read", async () => {
    github.history = [{ sha: "d".repeat(40), date: days(2), path: fresh.repo.manifestPath, content: {} }];
    expect((await fresh.runBatch("backup", ["brightwave"], { secrets: { brightwave: fresh.secretFor("brightwave", "empty_db") } })).job.result).toBe("success");
    // The existing world has no API to ask: the plan warns, and an empty database fails as before (the test above this block).
    const { plan } = await world.runBatch("backup", ["acme-corp"]);
    expect(plan.log).toMatch(/::warning::could not read the history of \.github\/tenant-fleet\/tenant-fleet\.json .*: no tenant counts as new tonight/);
  });
});

describe("a tenant database with an extension's configuration table (PostGIS's spatial_ref_sys, pg_cron's cron.job)", () => {
  // An extension made on the fly: its script marks a table as configuration with a filter, as
  // PostGIS does (pg_extension_config_dump), so pg_dump dumps the rows the filter keeps. Its
  // files go into the server's SHAREDIR (PostgreSQL 15 reads extensions from there only), which
  // only root may write; they are removed afterwards.
  const name = `tf_cfg_${process.pid}`;
  let files: string[] = [];
  afterAll(() => {
    for (const f of files) rmSync(f, { force: true });
  });

  it("is backed up with the table's filtered rows counted, and the drill restores exactly that (every PostGIS tenant's backup used to fail)", async (ctx) => {
    if (process.getuid?.() !== 0) return ctx.skip();
    const dir = path.join(world.tenantDb.sql("postgres", "select setting from pg_config where name = 'SHAREDIR'"), "extension");
    files = [path.join(dir, `${name}.control`), path.join(dir, `${name}--1.0.sql`)];
    writeFileSync(files[0], "default_version = '1.0'\nrelocatable = false\nsuperuser = true\n");
    writeFileSync(
      files[1],
      [
        "create table settings (name text primary key, value text, builtin boolean not null default false);",
        "insert into settings values ('shipped-a', '1', true), ('shipped-b', '2', true);",
        "select pg_catalog.pg_extension_config_dump('settings', 'WHERE NOT builtin');",
      ].join("\n"),
    );
    world.tenantDb.sql("postgres", "drop database if exists ext_db");
    world.tenantDb.sql("postgres", "create database ext_db owner app_owner");
    world.tenantDb.sql(
      "ext_db",
      `create extension ${name}; insert into settings values ('tenant-1', 'x'), ('tenant-2', 'y'), ('tenant-3', 'z'); create table items (id int primary key); alter table items owner to app_owner; insert into items select generate_series(1, 7); grant select on settings to app_owner`,
    );
    const backup = await world.backup("brightwave", { secret: world.secretFor("brightwave", "ext_db") });
    expect(backup.errors).toEqual([]);
    expect(backup.result, backup.log).toBe("success");
    const key = /backed up brightwave to s3:\/\/[^/]+\/(\S+\.dump):/.exec(backup.log)![1];
    const manifestKey = key.replace(/\.dump$/, MANIFEST_SUFFIX);
    const manifest = JSON.parse((await world.s3.read(world.bucketOf("brightwave"), manifestKey)).toString());
    // The shipped rows are the extension's own (its script makes them again on restore): not in the dump, not counted.
    expect(manifest.tables).toEqual({ "public.items": 7, "public.settings": 3 });
    const drill = await world.drill("brightwave");
    expect(drill.errors).toEqual([]);
    expect(drill.result, drill.log).toBe("success");
    expect(drill.log).toContain(`restored ${key}`);
    expect(drill.log).toContain("2 tables and 10 rows, as its manifest recorded (exact row counts");
  });
});

describe("a tenant after its move's cutover", () => {
  let moved: World;
  const SETTINGS = ["secretScope=repository", "tenantsFile=test/fixtures/move-cutover-tenants.yaml"];
  beforeAll(async () => {
    moved = await startWorld("prod", SETTINGS);
    seedDatabase(moved.tenantDb, "app");
  });
  afterAll(async () => moved?.stop());

  it("is backed up from the target, and a string for the project it moved from fails the host check", async () => {
    const r = await moved.backup("acme-corp");
    expect(r.result, r.log).toBe("success");
    const keys = (await moved.s3.list(moved.bucketOf("acme-corp"))).map((o) => o.key);
    expect(keys.some((k) => k.startsWith(prefixOf("acme-corp")) && k.endsWith(".dump"))).toBe(true);
    // The project it moved from is still there (protected), with its own host: a secret left pointing at it is refused.
    const run = await runProgram("prod", SETTINGS);
    const source = run.resources.find((x) => x.type === "neon:index/project:Project" && x.name === "acme-corp")!;
    const oldHost = (source.state as { databaseHost: string }).databaseHost;
    expect(moved.secretFor("acme-corp")).not.toContain(oldHost);
    const stale = await moved.backup("acme-corp", { secret: moved.tenantDb.url("app", "app_owner", oldHost) });
    expect(stale.result, stale.log).toBe("failure");
    expect(stale.errors[0]).toContain("does not point at the database the stack created for acme-corp");
  });
});
