/**
 * The tenant operations, run for real on loopback: `npm run tenant -- … --apply` against
 * Neon's API on loopback (test/neonApiFake.ts) whose branches and connection strings lead
 * to the local PostgreSQL cluster, the vaults behind the S3 gateway that authorises every
 * request with the stack's own policies (the operations role, the break-glass principal),
 * and the fleet catalog on the same cluster. A restore from a verified dump, an export in
 * both formats and its shared link, and an erasure, each with the record it leaves; the
 * wrong principal and a legal hold are refused.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runProgram } from "../program";
import { FAKE_NEON_KEY, startFakeNeonApi, type FakeNeonApi } from "../neonApiFake";
import { ALLOW_EVERYTHING } from "../../src/core/iam/evaluate";
import { seedDatabase, startWorld, type World } from "./harness";
import { CATALOG_WRITER_ROLE } from "../../src/catalog/catalog";
import { startPostgres, type PgCluster } from "./services/postgres";
import { runScript } from "../../src/operations/tenantOperations";
import { copyCompareScript, MOVE_SCRIPT_ENV } from "../../src/operations/scripts";

const GLASS = "arn:aws:iam::123456789012:role/tenant-fleet-break-glass";
const SETTINGS = [
  "secretScope=repository",
  "tenantsFile=test/runtime/fixtures/operations.yaml",
  "operationsRepository=example-saas/tenant-fleet",
  "backupObjectLock=governance",
  'keepVaultRegions=["us-east-1"]',
];
const REGION = "eu-central-1";

describe("tenant operations", () => {
  let world: World;
  let neon: FakeNeonApi;
  let outputs: string;
  let bucket: string;
  /** Every vault of the stack by AWS region: eu-central-1, us-east-2 (moved-co) and us-east-1 (kept). */
  let buckets: Record<string, string>;
  let operatorArn: string;
  let targetProject: string;
  let liveTarget: string;
  const dir = mkdtempSync(path.join(tmpdir(), "tf-operations-"));
  const catalogUrl = () => `postgresql://catalog_owner:owner-pw@127.0.0.1:${world.tenantDb.port}/catalog?sslmode=disable`;

  beforeAll(async () => {
    world = await startWorld("prod", SETTINGS, undefined, [{ arn: GLASS, trust: {}, identity: [ALLOW_EVERYTHING] }]);
    seedDatabase(world.tenantDb, "keep_co", 500);
    neon = await startFakeNeonApi();
    const run = await runProgram("prod", SETTINGS);
    operatorArn = String(run.outputs.operationsRoleArn);
    const vaults = run.outputs.backupVaults as Record<string, { bucket: string; kmsKeyArn: string | null }>;
    bucket = vaults[REGION].bucket;
    buckets = Object.fromEntries(Object.entries(vaults).map(([region, v]) => [region, v.bucket]));
    expect(bucket).toBe(world.bucketOf("keep-co"));
    const projects = run.outputs.databasesByTenant as Record<string, { projectId: string }>;
    for (const [id, name] of [
      ["keep-co", "Keep Co"],
      ["gone-co", "Gone Co"],
      ["held-co", "Held Co"],
    ]) {
      neon.addProject({ id: projects[id].projectId, name, region_id: "aws-eu-central-1", pg_version: 17, org_id: "org-quiet-river-40213377" });
    }
    // moved-co's project since its move: generation 2, in us-east-2.
    neon.addProject({
      id: projects["moved-co"].projectId,
      name: "Moved Co [g2]",
      region_id: "aws-us-east-2",
      pg_version: 17,
      org_id: "org-quiet-river-40213377",
    });
    const moves = run.outputs.moves as Record<string, { projectId: string }>;
    neon.addProject({
      id: moves["keep-co"].projectId,
      name: "Keep Co [g2]",
      region_id: "aws-eu-central-1",
      pg_version: 18,
      org_id: "org-quiet-river-40213377",
    });
    neon.addProject({ id: projects["live-co"].projectId, name: "Live Co", region_id: "aws-eu-central-1", pg_version: 17, org_id: "org-quiet-river-40213377" });
    neon.addProject({
      id: moves["live-co"].projectId,
      name: "Live Co [g2]",
      region_id: "aws-eu-central-1",
      pg_version: 18,
      org_id: "org-quiet-river-40213377",
    });
    liveTarget = moves["live-co"].projectId;
    targetProject = moves["keep-co"].projectId;
    outputs = path.join(dir, "outputs.json");
    writeFileSync(outputs, JSON.stringify(run.outputs));
    // The fleet catalog, migrated and synced as a deploy would.
    world.tenantDb.sql("postgres", `create role catalog_owner login createrole password 'owner-pw'; create role ${CATALOG_WRITER_ROLE} login`);
    world.tenantDb.sql("postgres", "create database catalog owner catalog_owner");
    world.tenantDb.sql("catalog", "create extension citext");
    for (const args of [["migrate"], ["sync", "--stack", "prod", "--outputs", outputs]]) {
      const r = await command("scripts/catalog.ts", args, { CATALOG_DATABASE_URL: catalogUrl() });
      if (r.code !== 0) throw new Error(`catalog ${args[0]}: ${r.stderr}`);
    }
  }, 120_000);
  afterAll(async () => {
    await neon?.stop();
    await world?.stop();
  });

  function command(script: string, args: string[], env: Record<string, string>) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, script), ...args], {
        cwd: ROOT,
        env: { ...world.runner.env, ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }
  /** The tenant command as the operations workflow runs it: Neon's key, the catalog, the role's credentials. */
  const tenant = (args: string[], roleArn = operatorArn, files = { tenants: "test/runtime/fixtures/operations.yaml", outputs }) =>
    command("scripts/tenant.ts", [...args, "--tenants", files.tenants, ...SETTINGS.slice(2).flatMap((s) => ["--config", s]), "--outputs", files.outputs], {
      NEON_API_KEY: FAKE_NEON_KEY,
      NEON_API_URL: neon.url,
      NEON_API_POLL_MS: "5",
      CATALOG_DATABASE_URL: catalogUrl(),
      PG_CLIENT_MAJOR: world.tenantDb.major,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      GITHUB_RUN_ID: "4242",
      GITHUB_ACTOR: "ops-lead",
      ...world.s3.credentialsFor(roleArn),
    });
  /** The project id the stack's outputs give a tenant. */
  const projectOf = (id: string) => (JSON.parse(readFileSync(outputs, "utf8")).databasesByTenant as Record<string, { projectId: string }>)[id].projectId;
  /** keep-co's string to one database of the cluster, through the host the stack created for it. */
  const keepUrl = (database: string) => world.secretFor("keep-co", database);
  const counts = (database: string) =>
    world.tenantDb.sql(
      database,
      "select (select count(*) from customers) || '/' || (select count(*) from orders) || '/' || (select count(*) from audit.\"Events\")",
    );
  const operations = () =>
    world.tenantDb.sql(
      "catalog",
      "select string_agg(kind || ':' || tenant_id || ':' || result || ':' || ticket || ':' || requested_by || ':' || run_id, ',' order by id) from operations",
    );

  it("restores a tenant from the dump a drill verified into a new branch, with the drill's checks, and records it", async () => {
    neon.connectionUri = (_branch, database) => keepUrl(database === "restored" ? "keep_co_restored" : "keep_co");
    const backup = await world.backup("keep-co", { secret: keepUrl("keep_co") });
    expect(backup.result, backup.log).toBe("success");
    const key = (await world.s3.list(bucket)).map((o) => o.key).find((k) => k.startsWith("retain-14d/keep-co/") && k.endsWith(".dump"))!;
    // What the night and the drill would have recorded: the dump, and that a drill restored it.
    world.tenantDb.sql(
      "catalog",
      `insert into backups (tenant_id, run_id, object_key, result) values ('keep-co', 301, '${key}', 'ok'); insert into drills (tenant_id, run_id, object_key, result) values ('keep-co', 302, '${key}', 'ok')`,
    );
    // The database Neon would create on the new branch, empty and owned by the tenant's role.
    world.tenantDb.sql("postgres", "create database keep_co_restored owner app_owner");
    world.tenantDb.sql("keep_co", "insert into customers values (100001, 'written after the backup')");
    const record = path.join(dir, "restore.json");
    const r = await tenant(["restore", "keep-co", "--to", new Date().toISOString(), "--from-dump", "--apply", "--ticket", "INC-77", "--record", record]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/restored retain-14d\/keep-co\/\d{8}T\d{6}Z\.dump .*: 3 tables and 2010 rows, as its manifest recorded/);
    // The dump's state: the row written after it is not there; the tenant's own database is untouched.
    expect(counts("keep_co_restored")).toBe("500/1500/10");
    expect(counts("keep_co")).toBe("501/1500/10");
    const created = neon.calls.find((c) => c.method === "POST" && c.path.endsWith("/branches"))!;
    expect(created.body).toEqual({
      branch: { name: expect.stringMatching(/^restore-\d{8}t\d{6}z$/), parent_id: expect.stringMatching(/-main$/) },
      endpoints: [{ type: "read_write" }],
    });
    expect(neon.calls.find((c) => c.path.endsWith("/databases"))!.body).toEqual({ database: { name: "restored", owner_name: "app_owner" } });
    expect(JSON.parse(readFileSync(record, "utf8"))).toMatchObject({
      kind: "restore",
      result: "ok",
      plan: { action: "dump-restore", dump: key },
      detail: { database: "restored", dump: key, tables: 3, rows: 2010 },
    });
    expect(JSON.stringify(JSON.parse(readFileSync(record, "utf8")))).not.toMatch(/postgres(ql)?:\/\//);
    expect(operations()).toBe("restore:keep-co:ok:INC-77:ops-lead:4242");
  });

  it("exports a tenant to exports/<id>/ in its vault, checked like a backup, with plain SQL, and shares it by a link that expires", async () => {
    neon.connectionUri = () => keepUrl("keep_co");
    // The manifest's row counts are the planner's estimates: fresh statistics make them exact.
    world.tenantDb.sql("keep_co", "analyze");
    const record = path.join(dir, "export.json");
    const r = await tenant(["export", "keep-co", "--format", "plain", "--apply", "--ticket", "CS-1001", "--record", record]);
    expect(r.code, r.stderr).toBe(0);
    const detail = JSON.parse(readFileSync(record, "utf8")).detail;
    expect(detail).toMatchObject({
      key: expect.stringMatching(/^exports\/keep-co\/\d{8}T\d{6}Z\.dump$/),
      plainKey: expect.stringMatching(/^exports\/keep-co\/\d{8}T\d{6}Z\.sql$/),
      tables: 3,
      rows: 2011,
    });
    const listed = (await world.s3.list(bucket)).map((o) => o.key).filter((k) => k.startsWith("exports/keep-co/"));
    expect(listed.sort()).toEqual([detail.key, detail.key.replace(/\.dump$/, ".manifest.json"), detail.plainKey].sort());
    const sql = (await world.s3.read(bucket, detail.plainKey)).toString();
    expect(sql).toContain("CREATE TABLE public.customers");
    expect(sql).not.toMatch(/OWNER TO|GRANT /);
    const manifest = JSON.parse((await world.s3.read(bucket, detail.key.replace(/\.dump$/, ".manifest.json"))).toString());
    expect(manifest).toMatchObject({ tenant: "keep-co", key: detail.key, tables: { "public.customers": 501, "public.orders": 1500, 'audit."Events"': 10 } });
    // Every request was the operations role's, and allowed by the stack's policies.
    expect(world.s3.calls.filter((c) => c.key?.startsWith("exports/")).every((c) => c.role === operatorArn.split("/").pop() && c.status < 300)).toBe(true);

    const share = await tenant(["share", "keep-co", detail.key]);
    expect(share.code, share.stderr).toBe(0);
    const link = new URL(share.stdout.trim());
    expect(link.searchParams.get("X-Amz-Expires")).toBe("86400");
    const body = await new Promise<Buffer>((resolve, reject) =>
      request(link, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}`))));
      })
        .on("error", reject)
        .end(),
    );
    expect(body.equals(await world.s3.read(bucket, detail.key))).toBe(true);
    const refused = await tenant(["share", "keep-co", "retain-14d/keep-co/20261122T031705Z.dump"]);
    // The loader's warnings (live-co replicating) come first; the refusal is the command's own line.
    expect([refused.code, refused.stderr.split("\n").filter((l) => !/: warning: /.test(l))[0]]).toEqual([
      2,
      '"retain-14d/keep-co/20261122T031705Z.dump" is not an export of keep-co: give a key under exports/keep-co/ ending .dump, .sql or .manifest.json',
    ]);
  });

  it("erases a retired tenant as the break-glass principal: every object under its prefixes, then its project, with a record the auditor keeps", async () => {
    const stamp = "20261101T031700Z";
    // retain-30d/: a class the stack declared before its retention changed to 14 days (the drop acknowledged): no longer in the tenants file, its lifecycle rule gone, only the vault's listing knows it.
    const planted = [
      `retain-14d/gone-co/${stamp}.dump`,
      `retain-14d/gone-co/${stamp}.manifest.json`,
      `gone-co/20250101T000000Z.dump`,
      `exports/gone-co/${stamp}.dump`,
      `retain-30d/gone-co/20250601T031700Z.dump`,
    ];
    for (const key of planted) await world.s3.plant(bucket, key, `data of ${key}`);
    await world.s3.plant(bucket, "retain-30d/keep-co/20250601T031700Z.dump", "keep-co's backup in the dropped class");
    const before = (await world.s3.list(bucket)).map((o) => o.key).filter((k) => !k.includes("gone-co"));
    const goneProject = [...neon.projects.values()].find((p) => p.name === "Gone Co")!.id;

    // The operations role cannot erase: S3 refuses, and the project is left as it is.
    const wrong = await tenant(["erase", "gone-co", "--apply", "--ticket", "GDPR-9", "--record", path.join(dir, "wrong.json")]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/AccessDenied|refused to delete|not authorized|Access Denied/);
    expect(neon.projects.has(goneProject)).toBe(true);
    expect((await world.s3.list(bucket)).filter((o) => o.key.includes("gone-co"))).toHaveLength(planted.length);

    const record = path.join(dir, "erase.json");
    const r = await tenant(["erase", "gone-co", "--apply", "--ticket", "GDPR-9", "--record", record], GLASS);
    expect(r.code, r.stderr).toBe(0);
    expect((await world.s3.list(bucket)).map((o) => o.key).filter((k) => k.includes("gone-co"))).toEqual([]);
    // Nobody else's objects went with it.
    expect(
      (await world.s3.list(bucket))
        .map((o) => o.key)
        .filter((k) => !k.includes("gone-co"))
        .sort(),
    ).toEqual(before.sort());
    expect(neon.projects.has(goneProject)).toBe(false);
    const erasure = JSON.parse(readFileSync(record, "utf8"));
    expect(erasure).toMatchObject({
      kind: "erase",
      tenant: "gone-co",
      ticket: "GDPR-9",
      requestedBy: "ops-lead",
      result: "ok",
      detail: {
        bucket,
        objects: { deleted: 5, byPrefix: { "retain-14d/gone-co/": 2, "gone-co/": 1, "exports/gone-co/": 1, "retain-30d/gone-co/": 1 } },
        neonProject: { project: goneProject, name: "Gone Co" },
        neonRecoverableUntil: expect.any(String),
      },
    });
    // The record names the prefix found in the dropped class, in the vault that holds it.
    expect(erasure.detail.vaults.filter((v: { discoveredPrefixes?: string[] }) => v.discoveredPrefixes)).toEqual([
      expect.objectContaining({ bucket, discoveredPrefixes: ["retain-30d/gone-co/"], found: 5, deleted: 5 }),
    ]);
    expect((await world.s3.list(bucket)).map((o) => o.key)).toContain("retain-30d/keep-co/20250601T031700Z.dump");
    expect(world.s3.calls.filter((c) => c.operation === "DeleteObjects" && c.status === 200).every((c) => c.role === GLASS.split("/").pop())).toBe(true);
    expect(world.tenantDb.sql("catalog", "select (erased_at is not null) || ':' || status from tenants where id = 'gone-co'")).toBe("true:retired");
    expect(operations()).toMatch(/erase:gone-co:failed:GDPR-9:ops-lead:4242,erase:gone-co:ok:GDPR-9:ops-lead:4242$/);
    // The audit trail holds: nobody rewrites or deletes a record, not even the catalog's owner.
    expect(() => world.tenantDb.sql("catalog", "set role catalog_owner; delete from operations")).toThrow(/append-only/);

    // Run again (a retry after a partial failure): nothing left, and it says so.
    const again = await tenant(["erase", "gone-co", "--apply", "--ticket", "GDPR-9"], GLASS);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("no project left to delete");
  });

  it("the S3 gateway lists versions with a delimiter as S3 does: one CommonPrefixes element per group, none of its keys, each group one result against max-keys, across pages", async () => {
    for (const key of ["delimited/a/1", "delimited/a/2", "delimited/b", "other/x", "top-level-object"]) await world.s3.plant(bucket, key, key);
    const top = (await world.s3.list(bucket)).map((o) => o.key);
    const expected = {
      prefixes: [...new Set(top.filter((k) => k.includes("/")).map((k) => k.slice(0, k.indexOf("/") + 1)))].sort(),
      keys: top.filter((k) => !k.includes("/")).sort(),
    };
    // --page-size 1: one result a request, so a page ends on a common prefix and the next goes on after it.
    const listed = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const aws = spawn("aws", ["s3api", "list-object-versions", "--bucket", bucket, "--delimiter", "/", "--page-size", "1", "--output", "json"], {
        env: { ...world.runner.env, ...world.s3.credentialsFor(GLASS), AWS_REGION: REGION },
      });
      let stdout = "";
      let stderr = "";
      aws.stdout.on("data", (d) => (stdout += d));
      aws.stderr.on("data", (d) => (stderr += d));
      aws.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    expect(listed.code, listed.stderr).toBe(0);
    const out = JSON.parse(listed.stdout || "{}") as { CommonPrefixes?: { Prefix: string }[]; Versions?: { Key: string }[] };
    expect(expected.prefixes.length).toBeGreaterThan(1);
    expect((out.CommonPrefixes ?? []).map((p) => p.Prefix)).toEqual(expected.prefixes);
    expect((out.Versions ?? []).map((v) => v.Key).sort()).toEqual(expected.keys);
    const requests = world.s3.calls.filter((c) => c.operation === "ListObjectVersions" && c.role === GLASS.split("/").pop());
    expect(requests.slice(-(expected.prefixes.length + expected.keys.length)).every((c) => c.status === 200)).toBe(true);
  });

  it("moves a tenant: copies its database into the empty target and compares every table's rows", async () => {
    // The target project's database (Neon creates it empty with the project).
    world.tenantDb.sql("postgres", "create database keep_co_g2 owner app_owner");
    neon.connectionUri = (branch) => keepUrl(branch === `br-${targetProject}-main` ? "keep_co_g2" : "keep_co");
    const record = path.join(dir, "move.json");
    const r = await tenant(["move", "keep-co", "--apply", "--ticket", "CHG-2026-0042", "--record", record], operatorArn);
    expect(r.code, r.stderr).toBe(0);
    expect(counts("keep_co_g2")).toBe(counts("keep_co"));
    const moved = JSON.parse(readFileSync(record, "utf8"));
    expect(moved).toMatchObject({
      kind: "move",
      result: "ok",
      plan: { action: "copy", target: { resource: "keep-co-g2", pgVersion: 18 } },
      detail: { target: targetProject, tables: 3 },
    });
    expect(moved.detail.rows).toBe(
      Number(world.tenantDb.sql("keep_co", 'select (select count(*) from customers) + (select count(*) from orders) + (select count(*) from audit."Events")')),
    );
    // A second copy into the now full target is refused before anything is written.
    const again = await tenant(["move", "keep-co", "--apply", "--ticket", "CHG-2026-0042"], operatorArn);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("the target database of keep-co already holds 3 table(s): a move copies into an empty database; nothing was copied");
    expect(world.tenantDb.sql("catalog", "select string_agg(result, ',' order by id) from operations where kind = 'move'")).toBe("ok,failed");
  });

  it("finishes the move: refused until the target has served through the grace period with a backup and a drill, then deletes the source and nothing else", async () => {
    // The deploy of cutover: true, finish: true: the target serves, the catalog's sync records since when.
    const FINISH = "test/runtime/fixtures/operations-finish.yaml";
    const run = await runProgram("prod", [...SETTINGS.filter((s) => !s.startsWith("tenantsFile=")), `tenantsFile=${FINISH}`]);
    const moves = run.outputs.moves as Record<string, { projectId: string; sourceProjectId: string; stage: string }>;
    expect(moves["keep-co"]).toMatchObject({ projectId: targetProject, stage: "finish" });
    const source = moves["keep-co"].sourceProjectId;
    expect((run.outputs.databasesByTenant as Record<string, { projectId: string }>)["keep-co"].projectId).toBe(targetProject);
    const finished = path.join(dir, "outputs-finish.json");
    writeFileSync(finished, JSON.stringify(run.outputs));
    const sync = await command("scripts/catalog.ts", ["sync", "--stack", "prod", "--outputs", finished], { CATALOG_DATABASE_URL: catalogUrl() });
    expect(sync.code, sync.stderr).toBe(0);
    expect(
      world.tenantDb.sql("catalog", "select neon_project_id || ' ' || (now() - neon_project_since < interval '1 minute') from tenants where id = 'keep-co'"),
    ).toBe(`${targetProject} true`);
    const finish = (record?: string) =>
      tenant(["move", "keep-co", "--finish", "--apply", "--ticket", "CHG-2026-0042", ...(record ? ["--record", record] : [])], operatorArn, {
        tenants: FINISH,
        outputs: finished,
      });
    const deletes = () => neon.calls.filter((c) => c.method === "DELETE").map((c) => c.path);
    const before = deletes();
    const early = await finish();
    expect([early.code, early.stdout]).toEqual([
      1,
      expect.stringMatching(/^cannot finish the move: the target has served keep-co since .*; the grace period \(moveGraceDays: 7\) ends /),
    ]);
    // A week and a day later (the catalog's clock moved back: the cutover 8 days ago, the earlier backups and drills before it), no backup of the target yet: refused.
    world.tenantDb.sql("catalog", "update tenants set neon_project_since = now() - interval '8 days' where id = 'keep-co'");
    world.tenantDb.sql(
      "catalog",
      "update backups set recorded_at = recorded_at - interval '9 days' where tenant_id = 'keep-co'; update drills set recorded_at = recorded_at - interval '9 days' where tenant_id = 'keep-co'",
    );
    world.tenantDb.sql(
      "catalog",
      "insert into backups (tenant_id, run_id, object_key, result, recorded_at) values ('keep-co', 401, 'retain-14d/keep-co/old.dump', 'ok', now() - interval '9 days')",
    );
    const unbacked = await finish();
    expect([unbacked.code, unbacked.stdout]).toEqual([1, expect.stringMatching(/no successful backup of keep-co is recorded since the target began to serve/)]);
    world.tenantDb.sql(
      "catalog",
      "insert into backups (tenant_id, run_id, object_key, result) values ('keep-co', 402, 'retain-14d/keep-co/new.dump', 'ok'); insert into drills (tenant_id, run_id, object_key, result) values ('keep-co', 403, 'retain-14d/keep-co/new.dump', 'ok')",
    );
    expect(deletes()).toEqual(before);
    const record = path.join(dir, "finish.json");
    const r = await finish(record);
    expect(r.code, r.stderr).toBe(0);
    // Exactly one project deleted, the source; the target untouched.
    expect(deletes()).toEqual([...before, `/projects/${source}`]);
    expect(neon.calls.some((c) => c.method === "GET" && c.path === `/projects/${targetProject}`)).toBe(true);
    expect(JSON.parse(readFileSync(record, "utf8"))).toMatchObject({
      kind: "move",
      result: "ok",
      plan: { action: "finish", source: { projectId: source }, target: { projectId: targetProject } },
      detail: { step: "finish", target: targetProject, deleted: { project: source } },
    });
    expect(world.tenantDb.sql("catalog", "select plan->>'action' || ':' || result from operations where kind = 'move' order by id desc limit 1")).toBe(
      "finish:ok",
    );
    // Run again: the source is gone, and it says so without deleting anything else.
    const again = await finish();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("no source project left to delete");
    expect(deletes()).toEqual([...before, `/projects/${source}`]);
  });

  it("moves a tenant by logical replication: refuses a table without identity and changes nothing, replicates, then the catch-up brings what was written meanwhile and the sequences, compares, and leaves no replication behind", async () => {
    seedDatabase(world.tenantDb, "live_co", 200);
    world.tenantDb.sql(
      "live_co",
      "set role app_owner; create table tickets (id bigserial primary key, body text); insert into tickets (body) select 'ticket ' || g from generate_series(1, 50) g",
    );
    world.tenantDb.sql("postgres", "create database live_co_g2 owner app_owner");
    world.tenantDb.sql("postgres", "alter role app_owner replication");
    const liveUrl = (database: string) => world.secretFor("live-co", database);
    neon.connectionUri = (branch) => liveUrl(branch === `br-${liveTarget}-main` ? "live_co_g2" : "live_co");
    const move = (...extra: string[]) => tenant(["move", "live-co", "--apply", "--ticket", "CHG-2026-0043", ...extra], operatorArn);
    const replication = () =>
      world.tenantDb.sql(
        "postgres",
        "select (select count(*) from pg_replication_slots) || '/' || (select count(*) from pg_stat_activity where backend_type in ('logical replication worker', 'walsender'))",
      );
    const counts = (database: string) =>
      world.tenantDb.sql(
        database,
        "select (select count(*) from customers) || '/' || (select count(*) from orders) || '/' || (select count(*) from audit.\"Events\") || '/' || (select count(*) from tickets)",
      );
    try {
      // audit."Events" has no primary key: its updates would fail on the source once published.
      const refused = await move();
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        'these tables have no primary key or replica identity, so their updates and deletes would fail on the source once published: audit."Events"',
      );
      expect([
        world.tenantDb.sql("live_co_g2", "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')"),
        replication(),
      ]).toEqual(["0", "0/0"]);
      world.tenantDb.sql("live_co", 'alter table audit."Events" replica identity full');
      // The target refuses the subscription (Postgres 15: superusers only) after the source published and made its slot: all of it undone.
      const undone = await move();
      expect(undone.code).toBe(1);
      expect(undone.stderr).toContain("the replication could not be started; undoing it (subscription, slot, publication)");
      expect(undone.stderr).toContain("must be superuser to create subscriptions");
      expect([replication(), world.tenantDb.sql("live_co", "select count(*) from pg_publication")]).toEqual(["0/0", "0"]);
      // Neon's tenant role belongs to neon_superuser, which may subscribe; the local role stands in as a superuser.
      world.tenantDb.sql("postgres", "alter role app_owner superuser");

      const started = await move("--record", path.join(dir, "replicate.json"));
      expect(started.code, started.stderr).toBe(0);
      // The schema the undone attempt left, without rows, is reused.
      expect(started.stderr + started.stdout).toContain("the target holds the source's schema from an earlier attempt, without rows: reusing it");
      expect(JSON.parse(readFileSync(path.join(dir, "replicate.json"), "utf8"))).toMatchObject({
        kind: "move",
        result: "ok",
        plan: { action: "replicate", method: "logical" },
        detail: { step: "replicate", target: liveTarget, tables: 4, ready: 4 },
      });
      expect(counts("live_co_g2")).toBe(counts("live_co"));
      // The application writes on: inserts, an update, a delete, a sequence moving on.
      world.tenantDb.sql(
        "live_co",
        "insert into customers values (900001, 'after the copy'); update customers set name = 'renamed' where id = 7; delete from orders where id = 3; insert into tickets (body) select 'later ' || g from generate_series(1, 25) g; insert into audit.\"Events\"(what) values ('late')",
      );
      const early = await move("--finish");
      expect(early.code).toBe(1);

      const done = await move("--catch-up", "--record", path.join(dir, "catch-up.json"));
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr + done.stdout).toContain("the replication is dropped: set cutover: true");
      expect(counts("live_co_g2")).toBe(counts("live_co"));
      expect(world.tenantDb.sql("live_co_g2", "select name from customers where id = 7")).toBe("renamed");
      // The sequence continues where the source's is: the next ticket does not collide.
      expect(world.tenantDb.sql("live_co_g2", "select nextval('tickets_id_seq')")).toBe("76");
      expect(JSON.parse(readFileSync(path.join(dir, "catch-up.json"), "utf8"))).toMatchObject({
        plan: { action: "catch-up" },
        detail: { step: "catch-up", tables: 4, sequences: 1 },
      });
      // Nothing keeps the source's WAL: no slot, no publication, no subscription, no worker.
      expect(replication()).toBe("0/0");
      expect(world.tenantDb.sql("live_co", "select count(*) from pg_publication")).toBe("0");
      expect(world.tenantDb.sql("live_co_g2", "select count(*) from pg_subscription")).toBe("0");
      // The source's string went into the subscription only: no record, no output of either step holds it.
      for (const text of [
        readFileSync(path.join(dir, "replicate.json"), "utf8"),
        readFileSync(path.join(dir, "catch-up.json"), "utf8"),
        started.stdout,
        done.stdout,
      ])
        expect(text).not.toMatch(/postgres(ql)?:\/\//);
      // A second catch-up has nothing to catch up.
      const again = await move("--catch-up");
      expect([again.code, again.stderr]).toEqual([1, expect.stringContaining("does not subscribe to the source")]);
    } finally {
      world.tenantDb.sql("postgres", "alter role app_owner nosuperuser noreplication");
    }
  });

  it("refuses to erase a tenant under legal hold, and touches nothing", async () => {
    await world.s3.plant(bucket, "retain-14d/held-co/20261101T031700Z.dump", "kept");
    const calls = neon.calls.length;
    const r = await tenant(["erase", "held-co", "--apply", "--ticket", "GDPR-10"], GLASS);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^cannot erase: held-co is under legal hold/);
    expect(neon.calls.length).toBe(calls);
    expect((await world.s3.list(bucket)).some((o) => o.key === "retain-14d/held-co/20261101T031700Z.dump")).toBe(true);
  });

  /** Every key of every vault, `region:key`, sorted. */
  const everything = async () =>
    (await Promise.all(Object.entries(buckets).map(async ([region, b]) => (await world.s3.list(b)).map((o) => `${region}:${o.key}`)))).flat().sort();

  it("refuses at its line a tenant whose id is a vault prefix: erasing a retired retain-14d would erase keep-co's backups (issue 31), so nothing is deleted", async () => {
    const keepBackups = ["20261001T031700Z", "20261002T031700Z", "20261003T031700Z"].map((stamp) => `retain-14d/keep-co/${stamp}.dump`);
    for (const key of keepBackups) await world.s3.plant(bucket, key, `backup ${key}`);
    // The operations fleet and a retired tenant retain-14d: its old-layout prefix retain-14d/ is the whole 14-day class.
    const fleet = readFileSync(path.join(ROOT, "test/runtime/fixtures/operations.yaml"), "utf8");
    const file = path.join(dir, "reserved.yaml");
    writeFileSync(file, `${fleet}\n  - id: retain-14d\n    name: Retain Co\n    region: aws-eu-central-1\n    residency: EU\n    status: retired\n`);
    const before = await everything();
    expect(before).toEqual(expect.arrayContaining(keepBackups.map((k) => `${REGION}:${k}`)));
    const r = await tenant(["erase", "retain-14d", "--apply", "--ticket", "GDPR-11", "--allow-outside-project"], GLASS, { tenants: file, outputs });
    // Every vault as it was: keep-co's three backups (and every other tenant's under retain-14d/) are there.
    expect(await everything()).toEqual(before);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${file}:${fleet.split("\n").length + 1}:9: tenants[5].id: "retain-14d": the id is reserved: the vaults keep a tenant's backups from before retention classes under "retain-14d/", and retain-14d/ holds every tenant's backups kept 14 days (a retention class), so erasing this tenant would erase them; choose another id (not retain-<days>d or exports)`,
    );
    expect(world.s3.calls.some((c) => c.operation === "DeleteObjects" && c.key?.startsWith("retain-14d/keep-co/"))).toBe(false);
  });

  // moved-co's backups from before its move (us-east-1, the vault keepVaultRegions keeps) and after (us-east-2).
  const movedObjects = {
    "us-east-1": [
      "retain-14d/moved-co/20260901T031700Z.dump",
      "retain-14d/moved-co/20260901T031700Z.manifest.json",
      "retain-14d/moved-co/20260902T031700Z.dump",
      "retain-14d/moved-co/20260902T031700Z.manifest.json",
      "exports/moved-co/20260903T093000Z.dump",
    ],
    "us-east-2": ["retain-14d/moved-co/20261101T031700Z.dump", "retain-14d/moved-co/20261101T031700Z.manifest.json"],
  };
  const FOREIGN = "moved-co/keep-co/20261122T031705Z.dump";

  it("refuses to erase when a vault lists anything but the tenant's own objects under its prefixes, and deletes nothing in any vault", async () => {
    for (const [region, keys] of Object.entries(movedObjects)) for (const key of keys) await world.s3.plant(buckets[region], key, `data of ${key}`);
    // keep-co's backup, copied by hand under moved-co's old-layout prefix in the us-east-1 vault.
    await world.s3.plant(buckets["us-east-1"], FOREIGN, "keep-co's backup");
    const before = await everything();
    const deletes = world.s3.calls.filter((c) => c.operation === "DeleteObjects").length;
    const record = path.join(dir, "erase-foreign.json");
    const r = await tenant(["erase", "moved-co", "--apply", "--ticket", "GDPR-12", "--record", record], GLASS);
    // Nothing deleted, in either vault.
    expect(await everything()).toEqual(before);
    expect(r.code).toBe(1);
    const why = `refusing to erase moved-co: what the vaults list under its prefixes is not only its own: s3://${buckets["us-east-1"]}/${FOREIGN} (us-east-1) lies under moved-co/keep-co/: tenant keep-co's objects; nothing was deleted. Find out how these objects came there before erasing`;
    expect(r.stderr).toContain(why);
    expect(JSON.parse(readFileSync(record, "utf8"))).toMatchObject({ kind: "erase", tenant: "moved-co", result: "failed", error: why });
    // No delete was even asked for, and the project stays.
    expect(world.s3.calls.filter((c) => c.operation === "DeleteObjects")).toHaveLength(deletes);
    expect(neon.projects.has(projectOf("moved-co"))).toBe(true);
    // Whoever looks into it takes the copy away (as break-glass); the erasure can go on.
    // (Not spawnSync: the S3 gateway answers from this process.)
    const removed = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const aws = spawn("aws", ["s3api", "delete-object", "--bucket", buckets["us-east-1"], "--key", FOREIGN], {
        env: { ...world.runner.env, ...world.s3.credentialsFor(GLASS), AWS_REGION: "us-east-1" },
      });
      let stderr = "";
      aws.stderr.on("data", (d) => (stderr += d));
      aws.on("close", (code) => resolve({ code, stderr }));
    });
    expect(removed.code, removed.stderr).toBe(0);
  });

  it("erases a moved tenant in every vault of the stack: the one it left (kept by keepVaultRegions) and its own, each listed in the record (issue 32)", async () => {
    const others = (await everything()).filter((k) => !k.includes("moved-co"));
    const project = projectOf("moved-co");
    const record = path.join(dir, "erase-moved.json");
    const r = await tenant(["erase", "moved-co", "--apply", "--ticket", "GDPR-13", "--record", record], GLASS);
    expect(r.code, r.stderr).toBe(0);
    expect((await everything()).filter((k) => k.includes("moved-co"))).toEqual([]);
    expect((await everything()).filter((k) => !k.includes("moved-co"))).toEqual(others);
    expect(neon.projects.has(project)).toBe(false);
    const erasure = JSON.parse(readFileSync(record, "utf8"));
    expect(erasure).toMatchObject({
      kind: "erase",
      result: "ok",
      plan: { awsRegion: "us-east-2", vaultRegions: ["eu-central-1", "us-east-1", "us-east-2"] },
      detail: {
        bucket: buckets["us-east-2"],
        objects: { deleted: 7, byPrefix: { "retain-14d/moved-co/": 6, "exports/moved-co/": 1 } },
        neonProject: { project, name: "Moved Co [g2]" },
      },
    });
    expect(erasure.detail.vaults).toEqual([
      // The retention class dropped earlier (retain-30d/, keep-co's backup left in it) is searched too: nothing of moved-co's there.
      { awsRegion: "eu-central-1", bucket: buckets["eu-central-1"], found: 0, deleted: 0, byPrefix: {}, discoveredPrefixes: ["retain-30d/moved-co/"] },
      { awsRegion: "us-east-1", bucket: buckets["us-east-1"], found: 5, deleted: 5, byPrefix: { "retain-14d/moved-co/": 4, "exports/moved-co/": 1 } },
      { awsRegion: "us-east-2", bucket: buckets["us-east-2"], found: 2, deleted: 2, byPrefix: { "retain-14d/moved-co/": 2 } },
    ]);
    expect(
      world.s3.calls
        .filter((c) => c.operation === "DeleteObjects" && c.key?.includes("moved-co"))
        .every((c) => c.role === GLASS.split("/").pop() && c.status === 200),
    ).toBe(true);
  });
});

describe("a move by dump while the application keeps updating rows (the row counts never change)", () => {
  let pg: PgCluster;
  const writers: ReturnType<typeof spawn>[] = [];
  beforeAll(async () => {
    pg = await startPostgres("move");
  });
  afterAll(() => {
    for (const w of writers) w.kill("SIGKILL");
    pg?.stop();
  });

  const url = (database: string) => pg.url(database, "app_owner", "keep-co.example.neon.tech");
  const orders = (database: string) => pg.sql(database, "select count(*) || ' rows, total ' || sum(total) from orders");
  /** The move's copy step as `tenant move` runs it (src/operations/tenantOperations.ts moveData), between two databases of the cluster. */
  async function copy(source: string, target: string) {
    pg.sql("postgres", `create database ${target} owner app_owner`);
    const work = mkdtempSync(path.join(tmpdir(), "tf-move-"));
    return runScript(
      copyCompareScript(),
      {
        ...MOVE_SCRIPT_ENV,
        SOURCE_URL: url(source),
        TARGET_URL: url(target),
        PG_MAJOR: pg.major,
        TENANT_ID: "keep-co",
        RUNNER_TEMP: work,
        RESULT_FILE: path.join(work, "result"),
      },
      { echo: false },
    );
  }
  /** The application as the tenant's role, updating orders until stopped; resolves once its first update is in. */
  async function write(database: string, command: string[]) {
    const before = orders(database);
    const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    writers.push(child);
    let said = "";
    child.stderr!.on("data", (d) => (said += d));
    for (let i = 0; i < 100 && orders(database) === before; i++) await new Promise((r) => setTimeout(r, 100));
    expect(orders(database)).not.toBe(before);
    return {
      said: () => said,
      stop() {
        child.kill("SIGKILL");
        pg.sql("postgres", `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}' and usename = 'app_owner'`);
      },
    };
  }
  const psql = (database: string, sql: string) => [
    `${pg.bin}/psql`,
    "-X",
    "-q",
    "-h",
    "127.0.0.1",
    "-p",
    String(pg.port),
    "-U",
    "app_owner",
    "-d",
    database,
    "-c",
    sql,
  ];

  it("pauses the writes (the source read-only, the writing session ended) so the copy holds every update, says so, and makes the source writable again", async () => {
    seedDatabase(pg, "paused_src", 300);
    // One long session committing an update every few milliseconds, as a busy application would.
    const app = await write(
      "paused_src",
      psql(
        "paused_src",
        "do $$ begin for i in 1..1000000 loop update orders set total = total + 1 where id = 1 + i % 900; commit; perform pg_sleep(0.002); end loop; end $$",
      ),
    );
    const r = await copy("paused_src", "paused_dst");
    app.stop();
    // Today's copy: exit 0 and "the same on both sides" while updates made after the dump are missing from the target.
    expect([r.code, orders("paused_dst")], r.output).toEqual([0, orders("paused_src")]);
    expect(r.output).toMatch(
      /writes to keep-co are paused for the copy: its source database is read-only for new sessions, [1-9]\d* session\(s\) opened before were ended/,
    );
    expect(r.output).toContain(
      "copied keep-co with its writes paused: 3 tables and 1210 rows, the same on both sides (every table's row count and content checksum)",
    );
    expect(r.output).toContain("writes to the source of keep-co are allowed again");
    expect(app.said()).toContain("terminating connection due to administrator command");
    expect(pg.sql("paused_src", "show default_transaction_read_only")).toBe("off");
    expect(pg.sql("paused_src", "select count(*) from pg_db_role_setting where setdatabase = (select oid from pg_database where datname = 'paused_src')")).toBe(
      "0",
    );
  });

  it("fails on an update that gets past the pause (a session asking for read-write itself): the checksums differ where the counts agree, and the source is writable again", async () => {
    seedDatabase(pg, "stubborn_src", 300);
    // A new session every few milliseconds, each asking for a read-write transaction, which the database's default does not stop.
    const loop = `while :; do ${psql("stubborn_src", "begin read write; update orders set total = total + 1 where id = 7; commit;")
      .map((a) => `'${a}'`)
      .join(" ")} > /dev/null 2>&1; sleep 0.01; done`;
    const app = await write("stubborn_src", ["bash", "-c", loop]);
    const r = await copy("stubborn_src", "stubborn_dst");
    app.stop();
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain(
      "::error::keep-co: the target differs from the source after the copy (1 table(s)): public.orders: 900 rows on both sides, other content (checksums differ) (writes during the copy? pause them and run it again)",
    );
    expect(r.output).toContain("writes to the source of keep-co are allowed again");
    expect(pg.sql("stubborn_src", "show default_transaction_read_only")).toBe("off");
  });

  it("copies nothing when a role setting outranks the pause (ALTER ROLE … IN DATABASE … SET default_transaction_read_only = off), names the statement that removes it, and makes the source writable again", async () => {
    seedDatabase(pg, "override_src", 10);
    pg.sql("postgres", "alter role app_owner in database override_src set default_transaction_read_only = off");
    const r = await copy("override_src", "override_dst");
    // Before: "writes to keep-co are paused" while a new session of app_owner could write, and exit 0.
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain(
      "::error::the writes to keep-co's source cannot be paused: a role setting outranks the database's read-only default, so new sessions of that role could write during the copy; remove it as the database's owner or a superuser (ALTER ROLE app_owner IN DATABASE override_src RESET default_transaction_read_only), then run the move again. Nothing was copied",
    );
    expect(r.output).not.toContain("are paused for the copy");
    expect(r.output).toContain("writes to the source of keep-co are allowed again");
    expect(pg.sql("override_dst", "select count(*) from pg_tables where schemaname = 'public'")).toBe("0");
  });

  it("compares the large objects too: an update to one during the copy fails the move, where every table agrees", async () => {
    seedDatabase(pg, "lo_src", 10);
    const oid = pg.sql("lo_src", "set role app_owner; select lo_from_bytea(0, 'a large object')");
    pg.sql("lo_src", "set role app_owner; select lo_from_bytea(0, 'another one')");
    const loop = `while :; do ${psql("lo_src", `begin read write; select lo_put(${oid}, 0, md5(random()::text)::bytea); commit;`)
      .map((a) => `'${a}'`)
      .join(" ")} > /dev/null 2>&1; sleep 0.01; done`;
    const lo = () => pg.sql("lo_src", `select md5(lo_get(${oid}))`);
    const before = lo();
    const child = spawn("bash", ["-c", loop], { stdio: "ignore" });
    writers.push(child);
    for (let i = 0; i < 100 && lo() === before; i++) await new Promise((r) => setTimeout(r, 100));
    const r = await copy("lo_src", "lo_dst");
    child.kill("SIGKILL");
    // Before: exit 0, "the same on both sides", with the object's updates lost.
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain(
      "::error::keep-co: the target differs from the source after the copy (1 table(s)): (large objects): 2 rows on both sides, other content (checksums differ)",
    );
    // Left alone, the same database copies whole, large objects compared.
    const again = await copy("lo_src", "lo_dst2");
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain(
      "copied keep-co with its writes paused: 3 tables and 50 rows and 2 large object(s), the same on both sides (every table's row count and content checksum, and the large objects too)",
    );
  });

  it("copies nothing when it cannot pause the writes (the string's role does not own the database), and leaves the source as it was", async () => {
    seedDatabase(pg, "foreign_src", 10);
    pg.sql("postgres", "alter database foreign_src owner to postgres");
    const r = await copy("foreign_src", "foreign_dst");
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain(
      "::error::could not pause the writes to keep-co's source database (ERROR:  must be owner of database foreign_src): the string's role must own the database; nothing was copied",
    );
    expect(r.output).not.toContain("stays read-only");
    expect(pg.sql("foreign_dst", "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")).toBe("0");
    expect(pg.sql("foreign_src", "show default_transaction_read_only")).toBe("off");
  });
});
