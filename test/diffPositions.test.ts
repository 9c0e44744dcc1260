/**
 * The review points at the line and the way out (issue 34): every tenant finding carries the
 * head tenants file's line and column (the base file's for a removal, and says so), a region
 * or Postgres-major change shows the built-in move instead, the examples in the hints pass
 * the rules they illustrate, a loosened residency is a destructive change of its own, and
 * the text stays one line per finding unless asked for detail.
 */
import { describe, expect, it } from "vitest";
import { diffFleets, diffPasses, type FleetDiff, type Side } from "../src/review/diff";
import { diffDocument, renderDiffMarkdown, renderDiffText } from "../src/review/diffReport";
import { AcknowledgementSchema, EXAMPLE_REASON, EXAMPLE_TICKET, MoveSchema } from "../tenants/schema";
import { CHANGE_KINDS, kindOfTenantField } from "../tenants/changeKinds";
import { parseTenants } from "../tenants/load";
import { ACME, NORTHWIND, fleetYaml } from "./helpers";
import type { ResourceFinding } from "../src/review/findings";
import { EU_MEMBER_STATES, residencyContains } from "../tenants/residency";
import { NEON_REGIONS } from "../tenants/regions";

const STACK = { neonOrgId: "org-a-1", protect: true };
const BASE_TEXT = fleetYaml([ACME, NORTHWIND, { id: "old-mill", name: "Old Mill", region: "aws-us-east-1", residency: "US", status: "retired" }]);

function side(text: string, file: string): Side {
  const r = parseTenants(text, file);
  if (!r.fleet) throw new Error(r.problems.map((p) => p.message).join("\n"));
  return { fleet: r.fleet, stack: { ...STACK, keep: { regions: ["eu-central-1", "us-east-1", "us-east-2", "us-west-2"] } }, source: { tenantsText: text } };
}

function diff(headText: string, baseText = BASE_TEXT, resources?: readonly ResourceFinding[]): FleetDiff {
  return diffFleets(side(baseText, "origin/main:tenants/tenants.yaml"), side(headText, "tenants/tenants.yaml"), resources);
}

const META = { base: "origin/main", stack: "prod", file: "tenants/tenants.yaml" };
/** 1-based line and column of the first `needle` in `text`. */
function where(text: string, needle: string, from = 0): { line: number; col: number } {
  const offset = text.indexOf(needle, from);
  if (offset < 0) throw new Error(`${needle} not in the text`);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

describe("positions", () => {
  it("a changed field points at its value in the head file, in the text and the JSON", () => {
    const head = fleetYaml([
      { ...ACME, name: "ACME Corporation" },
      { ...NORTHWIND, region: "aws-us-west-2" },
      { id: "old-mill", name: "Old Mill", region: "aws-us-east-1", residency: "US", status: "retired" },
    ]);
    const d = diff(head);
    const region = d.tenants.find((t) => t.id === "northwind")!.changes[0];
    expect(region.at).toEqual({ file: "tenants/tenants.yaml", ...where(head, "aws-us-west-2"), side: "head", of: "field" });
    const name = d.tenants.find((t) => t.id === "acme-corp")!.changes[0];
    expect(name.at).toMatchObject({ ...where(head, "ACME Corporation"), side: "head" });
    const text = renderDiffText(d, META);
    const { line, col } = where(head, "aws-us-west-2");
    expect(text).toContain(`tenants/tenants.yaml:${line}:${col}: error: northwind: region: aws-us-east-2 → aws-us-west-2`);
    const json = JSON.parse(JSON.stringify(diffDocument(d, META)));
    expect(json.tenants.find((t: { id: string }) => t.id === "northwind").changes[0].at).toEqual({
      file: "tenants/tenants.yaml",
      line,
      col,
      side: "head",
      of: "field",
    });
  });

  it("a removed tenant points at its entry in the base file and says so", () => {
    const head = fleetYaml([ACME, NORTHWIND]);
    const d = diff(head);
    const removal = d.tenants.find((t) => t.id === "old-mill")!.changes[0];
    const { line, col } = where(BASE_TEXT, "id: old-mill");
    expect(removal.at).toEqual({ file: "origin/main:tenants/tenants.yaml", line, col, side: "base", of: "entry" });
    expect(renderDiffText(d, META)).toContain(
      `origin/main:tenants/tenants.yaml:${line}:${col}: error: old-mill: tenant: retired → (none) (the line as it was in the base)`,
    );
  });

  it("a field set in defaults points at the defaults; one that falls back to the code default, at the tenant's entry", () => {
    const base = fleetYaml([ACME, NORTHWIND], "defaults:\n  backup: { retentionDays: 30 }\n");
    const head = fleetYaml([ACME, NORTHWIND], "defaults:\n  backup: { retentionDays: 35 }\n");
    const d = diff(head, base);
    for (const t of d.tenants) expect(t.changes[0].at).toMatchObject({ ...where(head, "35"), of: "defaults" });
    const dropped = diff(fleetYaml([ACME, NORTHWIND]), base);
    expect(dropped.tenants.find((t) => t.id === "northwind")!.changes[0].at).toMatchObject({
      ...where(fleetYaml([ACME, NORTHWIND]), "id: northwind"),
      of: "entry",
    });
  });

  it("without the files' text the diff still works, with no position", () => {
    const d = diffFleets(
      { fleet: parseTenants(BASE_TEXT, "b").fleet!, stack: STACK },
      { fleet: parseTenants(fleetYaml([ACME, { ...NORTHWIND, region: "aws-us-west-2" }]), "h").fleet!, stack: STACK },
    );
    expect(d.tenants.every((t) => t.changes.every((c) => c.at === undefined))).toBe(true);
  });
});

describe("the way out", () => {
  it("a region change shows the built-in move with a valid example, not only an acknowledgement", () => {
    const d = diff(fleetYaml([ACME, { ...NORTHWIND, region: "aws-us-west-2" }]));
    const region = d.tenants.find((t) => t.id === "northwind")!.changes[0];
    expect(region.instead).toBe(
      `keep region: aws-us-east-2 and move the tenant: move: { region: aws-us-west-2, ticket: "${EXAMPLE_TICKET}" } (docs/operations.md, "Move a tenant")`,
    );
    const line = renderDiffText(d, META)
      .split("\n")
      .find((l) => l.includes("northwind: region"))!;
    expect(line).toContain(`instead: keep region: aws-us-east-2 and move the tenant: move: { region: aws-us-west-2, ticket: "${EXAMPLE_TICKET}" }`);
    expect(line).toContain(`or acknowledge: { tenant: northwind, change: region, reason: "${EXAMPLE_REASON}" }`);
    // The example is accepted by the loader as written: the line with the move instead of the new region.
    const moved = parseTenants(fleetYaml([ACME, { ...NORTHWIND, move: `{ region: aws-us-west-2, ticket: "${EXAMPLE_TICKET}" }` }]), "t.yaml");
    expect(moved.problems).toEqual([]);
  });

  it("a Postgres major change moves within the region; region and major together make one move", () => {
    const major = diff(fleetYaml([ACME, { ...NORTHWIND, pgVersion: "18" }]));
    expect(major.tenants[0].changes[0].instead).toBe(
      `keep pgVersion: 17 and move the tenant: move: { region: aws-us-east-2, pgVersion: 18, ticket: "${EXAMPLE_TICKET}" } (docs/operations.md, "Move a tenant")`,
    );
    const both = diff(fleetYaml([ACME, { ...NORTHWIND, region: "aws-us-west-2", pgVersion: "18" }]));
    for (const c of both.tenants[0].changes)
      expect(c.instead).toBe(
        `keep region: aws-us-east-2, pgVersion: 17 and move the tenant: move: { region: aws-us-west-2, pgVersion: 18, ticket: "${EXAMPLE_TICKET}" } (docs/operations.md, "Move a tenant")`,
      );
    // A move never goes to an older major: no move is offered then.
    const older = diff(fleetYaml([ACME, { ...NORTHWIND, pgVersion: "16" }]));
    expect(older.tenants[0].changes[0].instead).toBe(
      "keep pgVersion: 17; a move never goes to an older major: dump and restore into a new tenant on Postgres 16, then retire this one",
    );
  });

  it("the examples in the hints pass the rules they illustrate", () => {
    expect(MoveSchema.shape.ticket.safeParse(EXAMPLE_TICKET).success).toBe(true);
    expect(AcknowledgementSchema.safeParse({ tenant: "northwind", change: "region", reason: EXAMPLE_REASON }).success).toBe(true);
    // The move ticket's own error message names the valid example.
    const short = parseTenants(fleetYaml([ACME, { ...NORTHWIND, move: '{ region: aws-us-west-2, ticket: "CHG-1" }' }]), "t.yaml").problems;
    expect(short.map((p) => p.message).join("\n")).toContain(`e.g. ${EXAMPLE_TICKET}`);
  });
});

describe("a loosened residency", () => {
  const RESIDENT = { id: "brightwave", name: "Brightwave GmbH", region: "aws-eu-central-1", residency: "DE", status: "active" };
  const base = fleetYaml([RESIDENT, NORTHWIND]);

  it("DE to EU is destructive (change: residency) until acknowledged", () => {
    const head = fleetYaml([{ ...RESIDENT, residency: "EU" }, NORTHWIND]);
    const d = diff(head, base);
    expect(d.tenants[0].changes).toMatchObject([{ field: "residency", before: "DE", after: "EU", class: "destructive", kind: "residency" }]);
    expect(d.tenants[0].changes[0].why).toMatch(/widens from DE to EU/);
    expect(diffPasses(d)).toBe(false);
    const acked = diff(
      fleetYaml(
        [{ ...RESIDENT, residency: "EU" }, NORTHWIND],
        `acknowledgements:\n  - { tenant: brightwave, change: residency, reason: "${EXAMPLE_REASON}" }\n`,
      ),
      base,
    );
    expect(diffPasses(acked)).toBe(true);
  });

  it("EU to DE, a tightening the region still satisfies, is safe", () => {
    const d = diff(base, fleetYaml([{ ...RESIDENT, residency: "EU" }, NORTHWIND]));
    expect(d.tenants[0].changes).toMatchObject([{ field: "residency", before: "EU", after: "DE", class: "safe" }]);
    expect(diffPasses(d)).toBe(true);
  });

  it("leaving the jurisdiction: the residency change says so, and the region change offers no move (a move stays inside the residency)", () => {
    const d = diff(fleetYaml([{ ...ACME, region: "aws-eu-west-2", residency: "GB" }, NORTHWIND]), fleetYaml([ACME, NORTHWIND]));
    const [region, residency] = d.tenants[0].changes;
    expect(residency.why).toMatch(/^the declared residency changes from EU to GB, which does not contain it/);
    expect(region.instead).toBe(
      "a move stays inside the residency (EU), and aws-eu-west-2 is not: create a new tenant there, migrate the data, retire this one",
    );
  });

  it("agrees with the region catalogue: a place inside EU is in a member state, and every jurisdiction of a place contains its country", () => {
    expect(EU_MEMBER_STATES.size).toBe(27);
    for (const r of NEON_REGIONS) {
      if (r.jurisdictions.includes("EU")) expect(EU_MEMBER_STATES.has(r.country), r.id).toBe(true);
      for (const j of r.jurisdictions) expect(residencyContains(j, r.country), `${r.id}: ${j}`).toBe(true);
    }
    expect(residencyContains("EU", "GB")).toBe(false);
  });

  it("is a tenant kind of its own, of the residency field", () => {
    expect(kindOfTenantField("residency")).toBe("residency");
    expect(CHANGE_KINDS.residency.scope).toBe("tenant");
  });
});

describe("short output, detail on request", () => {
  const head = fleetYaml([ACME, { ...NORTHWIND, region: "aws-us-west-2" }]);
  const finding = (name: string, vault: string): ResourceFinding => ({
    type: "aws:s3/bucket:Bucket",
    name,
    change: "deleted",
    class: "destructive",
    detail: "holds tenant data or the key to it (retained on delete: Pulumi forgets it)",
    vault,
  });
  const resources: ResourceFinding[] = [
    finding("backups-us-east-1", "us-east-1"),
    {
      type: "neon:index/project:Project",
      name: "northwind",
      change: "replaced",
      class: "destructive",
      detail: "the provider replaces it",
      tenant: "northwind",
    },
    {
      type: "aws:iam/rolePolicy:RolePolicy",
      name: "writer-permissions",
      change: "iam-widened",
      class: "review",
      detail: "policy allows more: Allow s3:PutObject on x; ".repeat(20),
    },
  ];
  const d = diffFleets(
    side(BASE_TEXT, "origin/main:tenants/tenants.yaml"),
    { ...side(head, "tenants/tenants.yaml"), stack: { ...STACK, keep: { regions: ["eu-central-1", "us-east-2", "us-west-2"] } } },
    resources,
  );

  it("one line per finding: resource findings that follow from a change above are counted, not listed", () => {
    const text = renderDiffText(d, META);
    const lines = text.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(text).toContain("2 destructive resource findings follow from the changes above (--verbose lists them)");
    const review = lines.find((l) => l.includes("writer-permissions"))!;
    expect(review.length).toBeLessThan(200);
    expect(text).not.toContain("holds tenant data");
  });

  it("--verbose lists every finding and each change's detail", () => {
    const text = renderDiffText(d, META, { verbose: true });
    expect(text).toContain("holds tenant data");
    expect(text).toContain("policy allows more: Allow s3:PutObject on x");
    expect(text).toMatch(/^ {4}why: no tenant backs up to us-east-1 .*: removing the vault strips its versioning.*keepVaultRegions/m);
    expect(text).toMatch(/^ {4}instead: keep it with tenant-fleet:keepVaultRegions/m);
  });

  it("the Markdown keeps its tables and columns, with the line in the field's cell and the way out", () => {
    const md = renderDiffMarkdown(d, META);
    const row = md.split("\n").find((l) => l.startsWith("| northwind | region"))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
    expect(row).toContain(`region (line ${where(head, "aws-us-west-2").line})`);
    expect(row).toContain("move the tenant");
  });
});

describe("a role widened to retention classes", () => {
  const tenant = { backupWriter: "tenant", drillReader: "tenant", migrator: "tenant" } as const;
  const widened = { ...tenant, backupWriter: "class" } as const;
  const stackText = "config:\n  tenant-fleet:githubOwner: o\n  tenant-fleet:shardRegions: [aws-eu-central-1]\n";
  const sides = (before: typeof tenant | typeof widened, after: typeof tenant | typeof widened) => {
    const b = side(BASE_TEXT, "origin/main:tenants/tenants.yaml");
    const a = side(BASE_TEXT, "tenants/tenants.yaml");
    return diffFleets(
      { ...b, stack: { ...b.stack, grantScopes: before } },
      { ...a, stack: { ...a.stack, grantScopes: after }, source: { ...a.source, stackFile: "Pulumi.prod.yaml", stackText } },
    );
  };

  it("is shown for review at the stack file's shard setting, naming it; narrowed back is safe", () => {
    const d = sides(tenant, widened);
    expect(d.stack).toMatchObject([
      {
        field: "role backup writer: grant scope",
        before: "tenant",
        after: "class",
        class: "review",
        at: { file: "Pulumi.prod.yaml", line: 3, col: 30, side: "head", of: "setting" },
      },
    ]);
    expect(d.stack[0].why).toContain("shard the stack with tenant-fleet:shardRegions or shardResidencies");
    expect(diffPasses(d)).toBe(true);
    expect(renderDiffText(d, META)).toContain("Pulumi.prod.yaml:3:30: note: (stack): role backup writer: grant scope: tenant → class");
    expect(sides(widened, tenant).stack).toMatchObject([{ class: "safe" }]);
    expect(sides(widened, widened).stack).toEqual([]);
  });
});
