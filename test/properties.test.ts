/**
 * Property-based tests: whatever the document, the loader never throws; it returns a
 * frozen fleet with no errors, or positioned errors and no fleet.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { stringify } from "yaml";
import { parseTenants } from "../tenants/load";
import { ALL_REGION_IDS } from "../tenants/regions";

function checkOutcome(text: string): void {
  const result = parseTenants(text, "fuzz.yaml", { residencies: { allowed: ["EU", "DE", "GB", "US"], source: "tenant-fleet:allowedResidencies" } });
  const errors = result.problems.filter((p) => p.severity === "error");
  const lineCount = text.split("\n").length;
  for (const p of result.problems) {
    expect(p.file).toBe("fuzz.yaml");
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.line).toBeLessThanOrEqual(lineCount);
    expect(p.col).toBeGreaterThanOrEqual(1);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.message).not.toMatch(/\n/);
  }
  if (result.fleet) {
    expect(errors).toEqual([]);
    expect(Object.isFrozen(result.fleet.tenants)).toBe(true);
    expect(result.fleet.tenants.length).toBeGreaterThan(0);
  } else {
    expect(errors.length).toBeGreaterThan(0);
  }
}

const value = fc.oneof(
  fc.constantFrom(...ALL_REGION_IDS, "EU", "US", "GB", "active", "retired", "acme-corp", "17 3 * * *", "${{ x }}"),
  fc.string(),
  fc.integer({ min: -5, max: 4000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
);
const keys = fc.constantFrom(
  "id",
  "name",
  "region",
  "residency",
  "status",
  "pgVersion",
  "historyRetentionHours",
  "compute",
  "quota",
  "backup",
  "database",
  "minCu",
  "maxCu",
  "schedule",
  "retentionDays",
  "regoin",
  "",
);
const tenant = fc.dictionary(keys, fc.oneof(value, fc.dictionary(keys, value, { maxKeys: 4 })), { maxKeys: 8 });
const document = fc.record(
  {
    version: fc.oneof(fc.constant(1), value),
    defaults: fc.dictionary(keys, fc.oneof(value, fc.dictionary(keys, value, { maxKeys: 3 })), { maxKeys: 4 }),
    tenants: fc.oneof(fc.array(tenant, { maxLength: 5 }), value),
  },
  { requiredKeys: [] },
);

const validTenant = fc.record({
  id: fc.stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}$/),
  name: fc.stringMatching(/^[A-Z][a-z]{1,10}( [A-Z][a-z]{1,8})?$/),
  region: fc.constantFrom("aws-eu-central-1", "aws-us-east-2"),
  status: fc.constantFrom("active", "retired"),
  pgVersion: fc.integer({ min: 14, max: 18 }),
});

describe("the loader on arbitrary input", () => {
  it("never throws on random text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => checkOutcome(text)),
      { numRuns: 300 },
    );
  });

  it("never throws on random documents of the right shape", () => {
    fc.assert(
      fc.property(document, (doc) => checkOutcome(stringify(doc))),
      { numRuns: 400 },
    );
  });

  it("never throws when a valid file is mutated line by line", () => {
    const base = stringify({
      version: 1,
      tenants: [{ id: "acme-corp", name: "ACME Corp", region: "aws-eu-central-1", residency: "EU", status: "active", compute: { minCu: 0.25, maxCu: 2 } }],
    }).split("\n");
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.nat(40), fc.string({ maxLength: 6 }), fc.boolean(), (line, at, insert, drop) => {
        const lines = [...base];
        lines[line] = drop ? "" : lines[line].slice(0, at) + insert + lines[line].slice(at);
        checkOutcome(lines.join("\n"));
      }),
      { numRuns: 400 },
    );
  });

  it("accepts every well-formed fleet and keeps ids, order and regions", () => {
    fc.assert(
      fc.property(fc.uniqueArray(validTenant, { minLength: 1, maxLength: 12, selector: (t) => t.id, comparator: "IsStrictlyEqual" }), (raw) => {
        const tenants = raw
          .filter((t, i, all) => all.findIndex((o) => o.name.toLowerCase() === t.name.toLowerCase()) === i && !t.id.startsWith("github"))
          .map((t) => ({ ...t, residency: t.region === "aws-eu-central-1" ? "EU" : "US" }));
        fc.pre(tenants.length > 0);
        const result = parseTenants(stringify({ version: 1, tenants }), "fuzz.yaml");
        expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
        expect(result.fleet!.tenants.map((t) => [t.id, t.region])).toEqual(tenants.map((t) => [t.id, t.region]));
      }),
      { numRuns: 200 },
    );
  });
});
