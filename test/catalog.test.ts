/** The fleet catalog's pure parts: the status summary, the outputs it syncs from, its schema files. (test/runtime/catalog.test.ts runs it on PostgreSQL.) */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { catalogMigrations, fleetStatus, renderStatus, tenantsFromOutputs, type TenantRecord } from "../src/catalog/catalog";
import { runProgram } from "./program";
import { CATALOG_WRITER_ROLE, catalogWriterPassword, catalogWriterUrl, passwordOf, scramVerifier } from "../src/plan/projects/catalogWriter";

const rec = (id: string, version: string | null | undefined, result?: string, status = "active"): TenantRecord => ({
  id,
  status,
  ...(version !== undefined ? { version } : {}),
  ...(result ? { migration: { result, versionBefore: null, versionAfter: version ?? null, at: "2026-12-02 03:00:00+00", runUrl: null } } : {}),
});

describe("fleetStatus", () => {
  it("counts active tenants per version, measures them against the version most are at, and lists the failed and the never migrated", () => {
    const s = fleetStatus([rec("a", "3", "ok"), rec("b", "3", "current"), rec("c", "2", "failed"), rec("d", undefined), rec("old", "1", "ok", "retired")]);
    expect(s).toMatchObject({ target: "3", versions: { "3": 2, "2": 1, "(none)": 1 }, behind: ["c"], failed: ["c"], neverMigrated: ["d"] });
  });

  it("takes a given target, and has none when nothing was migrated", () => {
    expect(fleetStatus([rec("a", "3", "ok"), rec("b", "4", "ok")], "4").behind).toEqual(["a"]);
    expect(fleetStatus([rec("a", undefined)]).target).toBeNull();
  });

  it("puts every active tenant in exactly one version, and never a retired one", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ v: fc.option(fc.constantFrom("1", "2", "3"), { nil: undefined }), r: fc.constantFrom("ok", "failed", "current"), retired: fc.boolean() }),
          { maxLength: 30 },
        ),
        (xs) => {
          const records = xs.map((x, i) => rec(`t${i}`, x.v, x.v === undefined ? undefined : x.r, x.retired ? "retired" : "active"));
          const s = fleetStatus(records);
          expect(Object.values(s.versions).reduce((a, b) => a + b, 0)).toBe(records.filter((r) => r.status === "active").length);
          for (const id of [...s.behind, ...s.failed, ...s.neverMigrated]) expect(records.find((r) => r.id === id)!.status).toBe("active");
        },
      ),
    );
  });
});

describe("the catalog's inputs", () => {
  it("reads the tenants of the stack's outputs, with their Neon project", async () => {
    const run = await runProgram("prod");
    const tenants = tenantsFromOutputs(JSON.parse(JSON.stringify(run.outputs)));
    expect(tenants.map((t) => [t.id, t.status])).toContainEqual(["old-mill", "retired"]);
    expect(tenants[0]).toMatchObject({ id: "acme-corp", region: "aws-eu-central-1", residency: "EU", neonProjectId: expect.any(String) });
    // Its backup layers as the stack declares them (prod: daily snapshots kept 7 days); none taken for the retired tenant.
    expect(tenants[0].layers).toEqual({
      pitrHours: 24,
      snapshots: { schedule: "daily at 02:00 UTC", retentionDays: 7 },
      dumps: { enabled: true, schedule: "17 3 * * *", retentionDays: 14 },
    });
    expect(tenants.find((t) => t.id === "old-mill")!.layers).toMatchObject({ snapshots: { schedule: "off" }, dumps: { enabled: false } });
    // Outputs from before the layers still read, without them.
    const old = JSON.parse(JSON.stringify(run.outputs));
    for (const row of old.tenants) delete row.snapshotSchedule;
    expect(tenantsFromOutputs(old)[0].layers).toBeUndefined();
  });

  it("shows each tenant's layers and the ages of its newest dump and drill", () => {
    const layers = {
      pitrHours: 24,
      snapshots: { schedule: "daily at 02:00 UTC", retentionDays: 7 },
      dumps: { enabled: true, schedule: "17 3 * * *", retentionDays: 14 },
    };
    const text = renderStatus(
      fleetStatus([
        { ...rec("a", "3", "ok"), layers, backup: { result: "ok", at: "2026-12-02 03:17:09.5+00" }, drill: { result: "ok", at: "2026-11-30 04:41:00+00" } },
        rec("b", "3", "ok"),
      ]),
      new Date("2026-12-02T08:17:10Z"),
    );
    expect(text).toMatch(/^a\s+active\s+3\s+ok 2026-12-02 03:17:09\s+ok 2026-11-30 04:41:00 \(2 d ago\)$/m);
    expect(text).toContain("layers: PITR 24 h · snapshots daily at 02:00 UTC, 7 d · dumps 17 3 * * *, 14 d; newest dump 5 h ago");
    expect(text).toContain("layers: (not synced)");
  });

  it("refuses outputs of another shape, naming the entry", () => {
    expect(() => tenantsFromOutputs({})).toThrow("the stack outputs have no tenants list");
    expect(() => tenantsFromOutputs({ tenants: [{ id: "a", name: "A", neonRegion: "r", residency: "EU", status: "gone" }] })).toThrow(
      "tenants[0] of the stack outputs is not",
    );
  });

  it("has its schema migrations numbered in order, each once", () => {
    const m = catalogMigrations();
    expect(m.map((x) => x.version)).toEqual([...new Set(m.map((x) => x.version))].sort((a, b) => a - b));
    expect(m[0].name).toBe("0001_init.sql");
    expect(m[0].sql).toMatch(/create table migration_runs/);
  });
});

describe("the catalog the stack creates (catalog: true)", () => {
  it("derives the writer's password from the owner's, the same every time and different per owner", () => {
    const a = catalogWriterPassword("owner-one");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(catalogWriterPassword("owner-one")).toBe(a);
    expect(catalogWriterPassword("owner-two")).not.toBe(a);
    expect(a).not.toContain("owner-one");
    expect(() => catalogWriterPassword("")).toThrow("internal");
  });

  it("gives the writer a TLS connection string to the catalog database, and reads the owner's password out of a string", () => {
    const url = new URL(catalogWriterUrl("ep-cool-1.eu-central-1.aws.neon.tech", "p@ss/word"));
    expect([url.protocol, url.username, url.password, url.hostname, url.pathname, url.searchParams.get("sslmode")]).toEqual([
      "postgresql:",
      CATALOG_WRITER_ROLE,
      catalogWriterPassword("p@ss/word"),
      "ep-cool-1.eu-central-1.aws.neon.tech",
      "/catalog",
      "require",
    ]);
    expect(passwordOf("postgresql://catalog_owner:p%40ss%2Fword@h/catalog")).toBe("p@ss/word");
    expect(() => passwordOf("postgresql://catalog_owner@h/catalog")).toThrow("has no password");
    expect(() => passwordOf("not a url")).toThrow("not a URL");
  });

  it("writes a SCRAM-SHA-256 verifier in Postgres's form, salted anew each time", () => {
    const v = scramVerifier("secret");
    expect(v).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(scramVerifier("secret")).not.toBe(v);
    expect(scramVerifier("secret", Buffer.alloc(16, 1))).toBe(scramVerifier("secret", Buffer.alloc(16, 1)));
  });

  it.each(["repository", "environment", "region"] as const)(
    "creates a protected Neon project and keeps the writer's string as the %s scope keeps strings",
    async (scope) => {
      const extra = scope === "region" ? ['keyAdministrators=["arn:aws:iam::123456789012:role/tenant-fleet-deploy"]'] : [];
      // Not a preview: the outputs are known (fake), so secrecy is checked on real values.
      const run = await runProgram(
        "prod",
        ["tenantsFile=test/runtime/fixtures/rollout.yaml", "catalog=true", "catalogRegion=aws-eu-central-1", `secretScope=${scope}`, ...extra],
        { NEON_API_KEY: "napi_x", GITHUB_TOKEN: "ghp_y" },
        false,
      );
      const of = (type: string) => run.resources.filter((r) => r.type === type);
      const project = run.resources.find((r) => r.type === "neon:index/project:Project" && r.name === "fleet-catalog")!;
      expect(project.inputs).toMatchObject({ regionId: "aws-eu-central-1", pgVersion: 17, branch: { databaseName: "catalog", roleName: "catalog_owner" } });
      expect(project.options).toMatchObject({ protect: true, retainOnDelete: true });
      const writer = run.resources.filter((r) => r.name === "app-repository-catalog-writer");
      expect(writer).toHaveLength(1);
      expect(writer[0].inputs).toMatchObject({ secretName: "TENANT_FLEET_CATALOG_URL", value: "[secret]" });
      if (scope === "repository") {
        expect(writer[0].type).toBe("github:index/actionsSecret:ActionsSecret");
        expect(run.outputs.fleetCatalog).toMatchObject({
          region: "aws-eu-central-1",
          database: "catalog",
          writer: { scope: "repository", secret: "TENANT_FLEET_CATALOG_URL" },
        });
      } else {
        expect(writer[0].type).toBe("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
        const env = of("github:index/repositoryEnvironment:RepositoryEnvironment").find((r) => r.inputs.environment === "tenant_fleet_catalog")!;
        expect(env.inputs).toMatchObject({ deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } });
        expect(
          of("github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy").find(
            (r) => r.name === "app-repository-catalog-branch",
          )!.inputs,
        ).toMatchObject({ branchPattern: "main" });
        expect(run.outputs.fleetCatalog).toMatchObject({
          writer: { scope: "environment", environment: "tenant_fleet_catalog", secret: "TENANT_FLEET_CATALOG_URL" },
        });
      }
      // The owner's string is an output for the deploy, and a secret; no string reaches an output or an input in clear.
      expect(run.secretOutputs).toContain("catalogOwnerUrl");
      const clear = /postgres(ql)?:\/\//.test(JSON.stringify([run.outputs, run.resources.map((r) => r.inputs)]));
      expect(clear).toBe(false);
    },
  );

  it("without catalog: true, creates nothing and outputs null", async () => {
    const run = await runProgram("prod");
    expect(run.resources.filter((r) => r.name.includes("catalog"))).toEqual([]);
    expect([run.outputs.fleetCatalog, run.outputs.catalogOwnerUrl]).toEqual([null, null]);
  });
});
