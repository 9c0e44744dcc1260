/** The fleet catalog's pure parts: the status summary, the outputs it syncs from, its schema files. (runtime/catalog.test.ts runs it on PostgreSQL.) */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { catalogMigrations, fleetStatus, tenantsFromOutputs, type TenantRecord } from "../catalog/catalog";
import { runProgram } from "./program";

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
      fc.property(fc.array(fc.record({ v: fc.option(fc.constantFrom("1", "2", "3"), { nil: undefined }), r: fc.constantFrom("ok", "failed", "current"), retired: fc.boolean() }), { maxLength: 30 }), (xs) => {
        const records = xs.map((x, i) => rec(`t${i}`, x.v, x.v === undefined ? undefined : x.r, x.retired ? "retired" : "active"));
        const s = fleetStatus(records);
        expect(Object.values(s.versions).reduce((a, b) => a + b, 0)).toBe(records.filter((r) => r.status === "active").length);
        for (const id of [...s.behind, ...s.failed, ...s.neverMigrated]) expect(records.find((r) => r.id === id)!.status).toBe("active");
      }),
    );
  });
});

describe("the catalog's inputs", () => {
  it("reads the tenants of the stack's outputs, with their Neon project", async () => {
    const run = await runProgram("prod");
    const tenants = tenantsFromOutputs(JSON.parse(JSON.stringify(run.outputs)));
    expect(tenants.map((t) => [t.id, t.status])).toContainEqual(["old-mill", "retired"]);
    expect(tenants[0]).toMatchObject({ id: "acme-corp", region: "aws-eu-central-1", residency: "EU", neonProjectId: expect.any(String) });
  });

  it("refuses outputs of another shape, naming the entry", () => {
    expect(() => tenantsFromOutputs({})).toThrow("the stack outputs have no tenants list");
    expect(() => tenantsFromOutputs({ tenants: [{ id: "a", name: "A", neonRegion: "r", residency: "EU", status: "gone" }] })).toThrow("tenants[0] of the stack outputs is not");
  });

  it("has its schema migrations numbered in order, each once", () => {
    const m = catalogMigrations();
    expect(m.map((x) => x.version)).toEqual([...new Set(m.map((x) => x.version))].sort((a, b) => a - b));
    expect(m[0].name).toBe("0001_init.sql");
    expect(m[0].sql).toMatch(/create table migration_runs/);
  });
});
