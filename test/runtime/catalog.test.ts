/**
 * The fleet catalog against a real PostgreSQL: `npm run catalog -- migrate` creates its
 * schema (and again changes nothing), `sync` upserts the stack's tenants from its outputs,
 * the generated jobs' writer role may insert history and nothing else, and `npm run status`
 * shows per version how many tenants, who is behind, who failed, who was never migrated,
 * and each tenant's last backup and drill.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type PgCluster } from "./services/postgres";
import { runProgram } from "../program";
import { CATALOG_WRITER_ROLE } from "../../src/catalog/catalog";
import { catalogWriterPassword } from "../../src/plan/projects/catalogWriter";

const ROOT = path.resolve(__dirname, "..", "..");
let pg: PgCluster;
let outputs: string;
/** The owner's password: the writer's is derived from it (src/plan/projects/catalogWriter.ts). */
const OWNER_PASSWORD = "owner-Pa55:/@";
const url = (user: string, password = user === "catalog_owner" ? OWNER_PASSWORD : "") =>
  `postgresql://${user}${password ? `:${encodeURIComponent(password)}` : ""}@127.0.0.1:${pg.port}/catalog?sslmode=disable`;
const catalog = (args: string[], options: { user?: string; input?: string } = {}) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/catalog.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    input: options.input,
    env: { ...process.env, CATALOG_DATABASE_URL: url(options.user ?? "catalog_owner") },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
/** SQL as the writer role, as a generated job would send it; the error when refused. */
const asWriter = (sql: string) => {
  const r = spawnSync(
    path.join(pg.bin, "psql"),
    ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url(CATALOG_WRITER_ROLE, catalogWriterPassword(OWNER_PASSWORD)), "-c", sql],
    { encoding: "utf8" },
  );
  return r.status === 0 ? "ok" : r.stderr.trim();
};

beforeAll(async () => {
  pg = await startPostgres("catalog");
  // Like a Neon project's owner: it may create roles, and is no superuser.
  pg.sql("postgres", "create role catalog_owner login createrole");
  pg.sql("postgres", "create database catalog owner catalog_owner");
  // citext is an extension the owner may not create on a plain cluster; Neon lets a project's owner.
  pg.sql("catalog", "create extension citext");
  const run = await runProgram("prod", ["tenantsFile=test/runtime/fixtures/rollout.yaml"]);
  outputs = JSON.stringify(run.outputs);
});
afterAll(() => pg?.stop());

describe("the fleet catalog", () => {
  it("migrates its schema once, and a second time changes nothing", () => {
    const first = catalog(["migrate"]);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe(
      `applied 0001_init.sql, 0002_run_details.sql, 0003_operations.sql, 0004_serving_since.sql, 0005_unchanged_backups.sql, 0006_backup_layers.sql\nthe writer role ${CATALOG_WRITER_ROLE} may insert history, with the password the stack derives\n`,
    );
    expect(catalog(["migrate"]).stdout).toMatch(/^the catalog's schema is current\n/);
    expect(pg.sql("catalog", "select string_agg(table_name, ',' order by table_name) from information_schema.tables where table_schema = 'public'")).toBe(
      "backups,catalog_schema_migrations,drills,migration_runs,operations,tenants",
    );
  });

  it("syncs the stack's tenants from its outputs, idempotently, and records a retirement once", () => {
    expect(catalog(["sync", "--stack", "prod", "--outputs", "-"], { input: outputs }).stdout).toBe("5 tenant(s) of stack prod synced\n");
    expect(catalog(["sync", "--stack", "prod", "--outputs", "-"], { input: outputs }).stdout).toBe("5 tenant(s) of stack prod synced\n");
    expect(pg.sql("catalog", "select count(*) from tenants")).toBe("5");
    const retired = JSON.parse(outputs);
    retired.tenants = retired.tenants.map((t: { id: string; status: string }) => (t.id === "late-two" ? { ...t, status: "retired" } : t));
    catalog(["sync", "--stack", "prod", "--outputs", "-"], { input: JSON.stringify(retired) });
    const at = pg.sql("catalog", "select retired_at from tenants where id = 'late-two'");
    expect(at).not.toBe("");
    catalog(["sync", "--stack", "prod", "--outputs", "-"], { input: JSON.stringify(retired) });
    expect(pg.sql("catalog", "select retired_at from tenants where id = 'late-two'")).toBe(at);
    // ids are case-insensitive (citext): a second spelling is the same tenant.
    expect(pg.sql("catalog", "select id from tenants where id = 'LATE-TWO'")).toBe("late-two");
    catalog(["sync", "--stack", "prod", "--outputs", "-"], { input: outputs });
    expect(pg.sql("catalog", "select status, retired_at is null from tenants where id = 'late-two'")).toBe("active|t");
  });

  it("lets the jobs' writer add history and nothing else", () => {
    expect(
      asWriter(
        "insert into migration_runs (tenant_id, run_id, wave, result, version_before, version_after, lsn_before, seconds) values ('canary-co', 1, 'canary', 'ok', '1', '2', '0/16B3748', 4)",
      ),
    ).toBe("ok");
    expect(asWriter("update migration_runs set result = 'ok'")).toMatch(/permission denied for table migration_runs/);
    expect(asWriter("delete from migration_runs")).toMatch(/permission denied for table migration_runs/);
    expect(asWriter("select * from migration_runs")).toMatch(/permission denied for table migration_runs/);
    expect(asWriter("insert into tenants (id, stack, name, region, residency, status) values ('x', 'p', 'x', 'r', 'EU', 'active')")).toMatch(
      /permission denied for table tenants/,
    );
    expect(asWriter("insert into migration_runs (tenant_id, run_id, result) values ('nobody', 1, 'ok')")).toMatch(/violates foreign key constraint/);
    // Tenant operations are recorded by their own approved jobs, with the owner's string: the generated jobs' writer cannot forge one.
    expect(
      asWriter(
        "insert into operations (tenant_id, stack, kind, ticket, requested_by, result, plan, started_at) values ('canary-co', 'prod', 'erase', 'X-1', 'x', 'ok', '{}', now())",
      ),
    ).toMatch(/permission denied for table operations/);
  });

  it("creates the writer as a plain login role whose password is the one the stack derives, stored as a SCRAM verifier", () => {
    // A role with no attribute and no membership (Neon's API would have made it a neon_superuser).
    expect(
      pg.sql(
        "postgres",
        `select rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolreplication, rolbypassrls, rolcanlogin, (select count(*) from pg_auth_members where member = r.oid) from pg_roles r where rolname = '${CATALOG_WRITER_ROLE}'`,
      ),
    ).toBe("f|f|f|f|f|f|t|0");
    expect(pg.sql("postgres", `select rolpassword like 'SCRAM-SHA-256$4096:%' from pg_authid where rolname = '${CATALOG_WRITER_ROLE}'`)).toBe("t");
    pg.requirePassword("catalog", CATALOG_WRITER_ROLE);
    const login = (password: string) =>
      spawnSync(path.join(pg.bin, "psql"), ["-X", "-At", url(CATALOG_WRITER_ROLE, password), "-c", "select current_user"], { encoding: "utf8" });
    const good = login(catalogWriterPassword(OWNER_PASSWORD));
    expect([good.status, good.stdout.trim()]).toEqual([0, CATALOG_WRITER_ROLE]);
    const wrong = login(catalogWriterPassword("another owner password"));
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/password authentication failed/);
    // A second migrate (a later deploy) keeps the same password working.
    expect(catalog(["migrate"]).code).toBe(0);
    expect(login(catalogWriterPassword(OWNER_PASSWORD)).status).toBe(0);
  });

  it("shows the fleet: per version, behind, failed, never migrated, last backup and drill", () => {
    const insert = (sql: string) => expect(asWriter(sql)).toBe("ok");
    insert(
      "insert into migration_runs (tenant_id, run_id, wave, result, version_before, version_after, lsn_before) values ('early-one', 1, 'early', 'ok', '1', '2', '0/16B3750'), ('early-two', 1, 'early', 'failed', '1', null, '0/16B3758'), ('late-one', 1, 'general', 'ok', null, '1', '0/16B3760')",
    );
    insert(
      "insert into backups (tenant_id, run_id, object_key, bytes, tables, rows, result) values ('canary-co', 7, 'retain-14d/canary-co/2026-12-02T031700Z.dump', 9000, 3, 40, 'ok')",
    );
    insert("insert into drills (tenant_id, run_id, object_key, result) values ('canary-co', 8, 'retain-14d/canary-co/2026-12-02T031700Z.dump', 'ok')");
    const json = catalog(["status", "--json"]);
    expect(json.stderr).toBe("");
    const status = JSON.parse(json.stdout);
    expect(status).toMatchObject({
      target: "2",
      versions: { "2": 2, "1": 2, "(none)": 1 },
      behind: ["early-two", "late-one"],
      failed: ["early-two"],
      neverMigrated: ["late-two"],
    });
    // early-two's newest run failed: its version is its last good one (before), 1.
    expect(status.tenants.find((t: { id: string }) => t.id === "early-two").version).toBe("1");
    expect(status.tenants.find((t: { id: string }) => t.id === "canary-co")).toMatchObject({ backup: { result: "ok" }, drill: { result: "ok" } });
    const text = catalog(["status", "--target", "2"]).stdout;
    expect(text).toContain("fleet catalog · target version 2");
    expect(text).toMatch(/^newest migration failed: early-two$/m);
    expect(text).toMatch(/^never migrated: late-two$/m);
    expect(text).toMatch(/^canary-co\s+active\s+2\s+ok 2026-\d\d-\d\d \d\d:\d\d:\d\d\s+ok .* \(0 h ago\)$/m);
    // The layers the sync copied from the stack's tenants output, and the newest dump's age.
    expect(text).toMatch(/^\s+layers: PITR \d+ h · snapshots .* · dumps .*; newest dump 0 h ago$/m);
  });

  it("refuses a writer role that could do more than insert", () => {
    pg.sql("postgres", `alter role ${CATALOG_WRITER_ROLE} createdb`);
    const r = catalog(["migrate"]);
    expect([r.code, r.stderr.trim()]).toEqual([
      1,
      `the catalog said: the writer role ${CATALOG_WRITER_ROLE} has createdb, so it could do more than insert history: drop it (drop role ${CATALOG_WRITER_ROLE}) and migrate again`,
    ]);
    pg.sql("postgres", `alter role ${CATALOG_WRITER_ROLE} nocreatedb`);
    expect(catalog(["migrate"]).code).toBe(0);
  });

  it("says what is wrong without a stack trace: no URL, an unreachable catalog, bad outputs", () => {
    const none = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/catalog.ts"), "status"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CATALOG_DATABASE_URL: "" },
    });
    expect([none.status, none.stderr.trim()]).toEqual([
      1,
      "CATALOG_DATABASE_URL is not set: give the catalog owner's connection string (a stack with catalog: true has it: pulumi stack output --show-secrets catalogOwnerUrl)",
    ]);
    const bad = catalog(["sync", "--stack", "prod", "--outputs", "-"], { input: '{"tenants": [{"id": 1}]}' });
    expect([bad.code, bad.stderr.trim()]).toEqual([1, "tenants[0] of the stack outputs is not { id, name, neonRegion, residency, status }"]);
    const usage = catalog(["rollback"]);
    expect(usage.code).toBe(2);
    for (const r of [none, bad, usage]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
