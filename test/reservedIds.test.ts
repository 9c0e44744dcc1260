/**
 * Reserved tenant ids (issue 31, finding 1): an id that is, or could become, a top-level
 * prefix of the vault layout or one of the stack's own GitHub environments is refused at
 * its line; and, as a property, no id the loader accepts gives an erasure a prefix that
 * equals or holds a layout prefix or another tenant's prefix.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fleetYaml, problemLines, ACME } from "./helpers";
import { reservedIdReason } from "../tenants/rules/reservedIds";
import { EXPORTS_PREFIX, layoutPrefixOf, legacyBackupPrefix, retentionClassPrefix } from "../tenants/naming";
import { TENANT_ID_MAX, TENANT_ID_PATTERN } from "../tenants/schema";
import { planErasure } from "../src/operations/erase";
import type { Tenant } from "../tenants/model";
import { parseTenants } from "../tenants/load";

const F = "tenants.yaml";
const KEEP = { ...ACME, id: "keep-co", name: "Keep Co" };

describe("reserved tenant ids", () => {
  it.each([
    ["retain-14d", "retain-14d/", "every tenant's backups kept 14 days (a retention class)"],
    // Any class, not only the stack's: a class a later tenant or keepRetentionDays adds.
    ["retain-3650d", "retain-3650d/", "every tenant's backups kept 3650 days (a retention class)"],
    ["retain-007d", "retain-007d/", "every tenant's backups kept 007 days (a retention class)"],
    ["exports", "exports/", "every tenant's exports"],
  ])("refuses %s at its line: a vault prefix", (id, prefix, holds) => {
    expect(problemLines(fleetYaml([KEEP, { ...ACME, id, status: "retired" }]))).toEqual([
      `${F}:8:9: tenants[1].id: "${id}": the id is reserved: the vaults keep a tenant's backups from before retention classes under "${id}/", and ${prefix} holds ${holds}, so erasing this tenant would erase them; choose another id (not retain-<days>d or exports)`,
    ]);
  });

  it.each([
    ["operations", "tenant-operations", "restores and exports are approved in it, and its jobs may assume the operations role"],
    ["erasure", "tenant-erasure", "erasures are approved in it, and its jobs may use the break-glass role"],
  ])("refuses %s at its line: the stack's own GitHub environment", (id, environment, what) => {
    expect(problemLines(fleetYaml([{ ...ACME, id }]))).toEqual([
      `${F}:3:9: tenants[0].id: "${id}": the id is reserved: the tenant's GitHub environment would be ${environment}, the stack's own (${what}); choose another id (not operations or erasure)`,
    ]);
  });

  it("accepts ids that only look alike", () => {
    for (const id of [
      "retain",
      "retain-d",
      "retain-14",
      "retain-14d-co",
      "retain-14days",
      "retain-x14d",
      "exports-co",
      "export",
      "my-exports",
      "operations-co",
      "erasures",
    ]) {
      expect(reservedIdReason(id), id).toBeUndefined();
      expect(problemLines(fleetYaml([{ ...ACME, id }])), id).toEqual([]);
    }
  });
});

describe("erasure prefixes of the ids the loader accepts (property)", () => {
  // A retired tenant as the loader builds it; each case gives it another id.
  const retired = parseTenants(fleetYaml([{ ...ACME, status: "retired" }]), F).fleet!.tenants[0];
  const tenant = (id: string): Tenant => ({ ...retired, id });
  const prefixesOf = (id: string, classes: number[]): readonly string[] => {
    const plan = planErasure({
      tenant: tenant(id),
      retentionClasses: classes,
      vaultRegions: ["eu-central-1"],
      objectLock: "off",
      breakGlassPrincipal: "arn:aws:iam::123456789012:role/glass",
    });
    if (plan.action !== "erase") throw new Error(plan.why);
    return plan.prefixes;
  };
  // Slugs, biased toward the layout's own words so the reserved ones come up often.
  const word = fc.oneof(
    fc.stringMatching(/^[a-z0-9]{1,6}$/),
    fc.constantFrom("retain", "exports", "operations", "erasure", "14d", "0d", "7d", "3650d", "d", "g2"),
  );
  const slug = fc
    .array(word, { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join("-"))
    .filter((id) => id.length <= TENANT_ID_MAX && TENANT_ID_PATTERN.test(id));
  const days = fc.integer({ min: 1, max: 36500 });
  /** Every top-level prefix of the layout an erasure could meet: any retention class, and exports. */
  const layoutPrefix = fc.oneof(
    days.map((d) => retentionClassPrefix(d)),
    fc.constant(EXPORTS_PREFIX),
  );

  it("no accepted id's prefix equals or holds a layout prefix, and none holds another accepted id's", () => {
    fc.assert(
      fc.property(slug, slug, fc.array(days, { minLength: 1, maxLength: 4 }), layoutPrefix, (id, other, classes, layout) => {
        fc.pre(reservedIdReason(id) === undefined);
        for (const p of prefixesOf(id, classes)) {
          // Not a layout prefix itself, and no layout prefix lies inside it.
          expect(layoutPrefixOf(p)?.prefix === p, p).toBe(false);
          expect(layout.startsWith(p), `${p} holds ${layout}`).toBe(false);
          if (other === id || reservedIdReason(other) !== undefined) continue;
          for (const q of prefixesOf(other, classes)) expect(q.startsWith(p) || p.startsWith(q), `${p} and ${q}`).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("the property fails for the ids it excludes (the generator reaches them)", () => {
    const found = fc.sample(slug, 5000).filter((id) => reservedIdReason(id) !== undefined);
    expect(found.length).toBeGreaterThan(0);
    for (const id of ["retain-14d", "exports"]) {
      expect(layoutPrefixOf(legacyBackupPrefix(id))?.prefix).toBe(legacyBackupPrefix(id));
      expect(() => prefixesOf(id, [14])).toThrow(new RegExp(`^the prefix ${id}/ is the vaults' own`));
    }
  });
});
