/**
 * The catalogue of destructive changes against the provider's own facts: a kind that says
 * the provider replaces the project names ForceNew inputs of neon:Project, and every
 * ForceNew input the stack sets for a tenant belongs to some kind, so no replacing change
 * can pass the tenant diff as "safe".
 */
import { describe, expect, it } from "vitest";
import { bridge } from "../src/tools/neon/bridge";
import { neonFacts } from "../src/tools/neon/generate";
import { ACKNOWLEDGEABLE_CHANGES, CHANGE_KINDS, STACK_WIDE_CHANGES, changeKindsTable, kindOfTenantField, type ChangeKind } from "../tenants/changeKinds";
import { AcknowledgementSchema } from "../tenants/schema";
import { projectArgs } from "../src/plan/projects/args";
import { flattenTenant } from "../src/review/diff";
import { fleetYaml, ACME } from "./helpers";
import { parseTenants } from "../tenants/load";

const project = bridge(neonFacts()).resources.find((r) => r.token === "neon:index/project:Project")!;
const forceNew = new Set(project.properties.filter((p) => p.forceNew && p.input).map((p) => p.name));
const tenant = parseTenants(fleetYaml([ACME]), "t.yaml").fleet!.tenants[0];

describe("the change kinds", () => {
  it("name only inputs the provider replaces the project for", () => {
    for (const kind of ACKNOWLEDGEABLE_CHANGES) {
      for (const input of (CHANGE_KINDS[kind] as ChangeKind).projectInputs) expect(forceNew, `${kind}: ${input}`).toContain(input);
    }
  });

  it("cover every replace-forcing input the stack sets for a tenant", () => {
    const set = Object.keys(projectArgs(tenant, "org-1")).filter((k) => forceNew.has(k));
    expect(set.sort()).toEqual(["branch", "orgId", "pgVersion", "regionId"]);
    const covered = new Set(ACKNOWLEDGEABLE_CHANGES.flatMap((k) => (CHANGE_KINDS[k] as ChangeKind).projectInputs));
    expect(set.filter((k) => !covered.has(k))).toEqual([]);
  });

  it("classify the tenant fields that reach a replace-forcing input or a new resource, and no others", () => {
    const fields = [...flattenTenant(tenant).keys()];
    const oneWay = ["weakening", "residency"];
    const destructive = fields.filter((f) => kindOfTenantField(f) !== undefined && !oneWay.includes(kindOfTenantField(f)!)).sort();
    // generation names the project's resource: another generation is another (new, empty) project.
    expect(destructive).toEqual(["database.branch", "database.name", "database.role", "generation", "pgVersion", "region"]);
    // A move's stages are moves, never destructive: the finish releases the source, retained on delete.
    expect(kindOfTenantField("move.finish")).toBeUndefined();
    // The protection fields, destructive only when lowered (the diff decides the direction).
    expect(fields.filter((f) => kindOfTenantField(f) === "weakening").sort()).toEqual([
      "backup.enabled",
      "backup.retentionDays",
      "backup.schedule",
      "backup.snapshots",
      "historyRetentionHours",
    ]);
    // The residency, destructive only when it widens (DE → EU; the diff decides the direction).
    expect(fields.filter((f) => kindOfTenantField(f) === "residency")).toEqual(["residency"]);
    expect(kindOfTenantField("database.name")).toBe("database");
    expect(kindOfTenantField("databases")).toBeUndefined();
    expect(kindOfTenantField("compute.minCu")).toBeUndefined();
  });

  it("are what the schema accepts, with stack-wide ones refusing a tenant", () => {
    for (const kind of ACKNOWLEDGEABLE_CHANGES) expect(AcknowledgementSchema.safeParse({ change: kind, reason: "ticket OPS-1 approved" }).success).toBe(true);
    expect(AcknowledgementSchema.safeParse({ change: "rename", reason: "ticket OPS-1 approved" }).success).toBe(false);
    expect([...STACK_WIDE_CHANGES].sort()).toEqual([
      "code",
      "custody",
      "encryption",
      "esc",
      "orgId",
      "protection",
      "repository",
      "retention",
      "secretScope",
      "vault",
    ]);
  });

  it("make one row each in the catalogue (docs/tenants-file.md)", () => {
    const rows = changeKindsTable().split("\n").slice(2);
    expect(rows.map((r) => /^\| `(\w+)` \|/.exec(r)?.[1])).toEqual([...ACKNOWLEDGEABLE_CHANGES]);
    expect(rows.find((r) => r.startsWith("| `region`"))).toContain("yes (`regionId`)");
    // The stack's own text: escaped as Markdown, with nothing invisible added (defang is for a pull request's text).
    expect(rows.find((r) => r.startsWith("| `vault`"))).toContain("backup vault &lt;region&gt;");
    expect(changeKindsTable()).not.toContain("\u200d");
  });
});
