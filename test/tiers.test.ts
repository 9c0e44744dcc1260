/**
 * Tiers (tenants/tiers.ts): presets declared once in the tenants file, resolved by the loader
 * (own fields > tier > defaults > code), refused with their place when a tenant names one the
 * file does not declare, and shown in the tenant diff as every tenant a preset change affects.
 */
import { describe, expect, it } from "vitest";
import { parseTenants } from "../tenants/load";
import { formatProblem } from "../src/core/diagnostics/problems";
import { diffFleets, type StackView } from "../src/review/diff";
import { signupVerdict } from "../src/review/signupVerdict";
import { renderDiffMarkdown, renderDiffText } from "../src/review/diffReport";
import type { Fleet } from "../tenants/model";

const FILE = "tenants/tenants.yaml";
const STACK: StackView = { neonOrgId: "org-a-1", protect: true };

/** A file with two tiers, a tenant of each, one that overrides its tier and one without. */
function fleetText(tiers: string, extra = ""): string {
  return `version: 1
defaults:
  compute: { minCu: 0.25, maxCu: 2 }
  backup: { retentionDays: 14 }
tiers:
${tiers}
tenants:
  - id: acme-corp
    name: ACME Corp
    region: aws-eu-central-1
    residency: EU
    status: active
    tier: scale
  - id: brightwave
    name: Brightwave GmbH
    region: aws-eu-central-1
    residency: DE
    status: active
    tier: scale
    compute: { maxCu: 6 }
  - id: northwind
    name: Northwind Traders
    region: aws-us-east-2
    residency: US
    status: active
    tier: starter
  - id: old-mill
    name: Old Mill
    region: aws-us-east-1
    residency: US
    status: active
${extra}`;
}

const TIERS = `  scale:
    compute: { minCu: 1, maxCu: 8 }
    backup: { retentionDays: 35 }
    historyRetentionHours: 168
  starter:
    compute: { suspendAfterSeconds: 60 }
    quota: { logicalSizeGiB: 10 }`;

const load = (text: string): Fleet => {
  const r = parseTenants(text, FILE);
  if (!r.fleet) throw new Error(r.problems.map(formatProblem).join("\n"));
  return r.fleet;
};
const errors = (text: string) =>
  parseTenants(text, FILE)
    .problems.filter((p) => p.severity === "error")
    .map(formatProblem);
const byId = (f: Fleet) => Object.fromEntries(f.tenants.map((t) => [t.id, t]));

describe("tiers in the loader", () => {
  it("resolves each setting from the tenant, then its tier, then defaults, then the code", () => {
    const t = byId(load(fleetText(TIERS)));
    expect(t["acme-corp"]).toMatchObject({ tier: "scale", compute: { minCu: 1, maxCu: 8, suspendAfterSeconds: 300 }, historyRetentionHours: 168 });
    expect(t["acme-corp"].backup.retentionDays).toBe(35);
    // Its own maxCu wins; minCu still comes from the tier.
    expect(t.brightwave.compute).toEqual({ minCu: 1, maxCu: 6, suspendAfterSeconds: 300 });
    // A tier's map setting is merged field by field over the defaults'.
    expect(t.northwind).toMatchObject({
      compute: { minCu: 0.25, maxCu: 2, suspendAfterSeconds: 60 },
      quota: { logicalSizeGiB: 10 },
      historyRetentionHours: 24,
    });
    expect(t.northwind.backup.retentionDays).toBe(14);
    // No tier: the defaults, and no tier key at all (a file without tiers keeps its shape).
    expect(t["old-mill"].compute).toEqual({ minCu: 0.25, maxCu: 2, suspendAfterSeconds: 300 });
    expect("tier" in t["old-mill"]).toBe(false);
  });

  it("refuses a tier the file does not declare at the tenant's tier line, with the tiers, the users and the nearest name", () => {
    const text = fleetText(TIERS).replace("    tier: starter", "    tier: startr");
    expect(errors(text)).toEqual([
      `${FILE}:32:11: tenants[2].tier: "startr" is not a tier of this file (the tiers are scale, starter); it is named by 1 tenant(s): northwind; did you mean "starter"? declare it under tiers: (a tier stays while any tenant names it), or change these tenants' tier`,
    ]);
  });

  it("refuses removing a tier tenants still name, naming each of them, and nothing is loaded", () => {
    const withoutScale = fleetText(`  starter:\n    compute: { suspendAfterSeconds: 60 }`);
    const r = parseTenants(withoutScale, FILE);
    expect(r.fleet).toBeUndefined();
    const lines = r.problems.map(formatProblem);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^tenants\/tenants\.yaml:\d+:11: tenants\[0\]\.tier: "scale" is not a tier of this file \(the tiers are starter\); it is named by 2 tenant\(s\): acme-corp, brightwave;/,
    );
    expect(lines[1]).toContain("tenants[1].tier:");
    const noTiers = fleetText("  {}").replace("tiers:\n  {}\n", "");
    expect(errors(noTiers)[0]).toContain("(the file declares no tiers)");
  });

  it("checks a preset's fields where they are written: its own schema and the rules across fields", () => {
    const bad = TIERS.replace("{ minCu: 1, maxCu: 8 }", "{ minCu: 1, maxCu: 12 }").replace("retentionDays: 35", "retentionDays: 0");
    const lines = errors(fleetText(bad));
    expect(lines).toContainEqual(expect.stringMatching(/^tenants\/tenants\.yaml:8:\d+: tiers\.scale\.backup\.retentionDays: 0 is below 1/));
    expect(lines).toContainEqual(expect.stringMatching(/^tenants\/tenants\.yaml:7:\d+: tiers\.scale\.compute: maxCu 12 − minCu 1 is 11 CU/));
    expect(errors(fleetText(TIERS.replace("scale:", "Scale:")))).toContainEqual(expect.stringContaining('"Scale" is not allowed; a tier\'s name is lowercase'));
    expect(errors(fleetText(TIERS.replace("historyRetentionHours", "historyRetentionHour")))).toContainEqual(
      expect.stringContaining('unknown key "historyRetentionHour"; did you mean "historyRetentionHours"?'),
    );
  });

  it("names no tier through an object's own properties (constructor, toString)", () => {
    expect(errors(fleetText(TIERS).replace("    tier: starter", "    tier: constructor"))[0]).toContain('"constructor" is not a tier of this file');
  });
});

describe("tiers in the tenant diff", () => {
  const diff = (before: string, after: string) => diffFleets({ fleet: load(before), stack: STACK }, { fleet: load(after), stack: STACK });

  it("a preset change lists every tenant of the tier with what changes for it, and the preset as a stack change", () => {
    const d = diff(fleetText(TIERS), fleetText(TIERS.replace("{ minCu: 1, maxCu: 8 }", "{ minCu: 2, maxCu: 8 }")));
    expect(d.tenants.map((t) => [t.id, t.change, t.changes.map((c) => `${c.field} ${String(c.before)}→${String(c.after)}`)])).toEqual([
      ["acme-corp", "changed", ["compute.minCu 1→2"]],
      ["brightwave", "changed", ["compute.minCu 1→2"]],
    ]);
    expect(d.stack).toEqual([
      expect.objectContaining({
        field: "tier scale",
        class: "review",
        why: "tier scale preset changes: its tenants (acme-corp, brightwave) change with it, each listed with its effective settings",
      }),
    ]);
  });

  it("places a change that comes from the tier at the tier's value, in the text and Markdown reports", () => {
    const head = fleetText(TIERS.replace("retentionDays: 35", "retentionDays: 21"));
    const d = diffFleets({ fleet: load(fleetText(TIERS)), stack: STACK }, { fleet: load(head), stack: STACK, source: { tenantsText: head } });
    const acme = d.tenants.find((t) => t.id === "acme-corp")!;
    expect(acme.changes[0]).toMatchObject({ field: "backup.retentionDays", at: { file: FILE, line: 8, col: 30, side: "head", of: "tier" } });
    const meta = { base: "main", stack: "prod", file: FILE };
    expect(renderDiffText(d, meta)).toContain(`${FILE}:8:30: error: acme-corp: backup.retentionDays: 35 → 21 (set in its tier): weakens protection`);
    expect(renderDiffMarkdown(d, meta)).toContain("| acme-corp | backup.retentionDays (tier, line 8) | 35 | 21 |");
    // Every tenant of the tier is listed, brightwave too (its own compute does not touch its retention).
    expect(d.tenants.map((t) => t.id)).toEqual(["acme-corp", "brightwave"]);
  });

  it("a weakening through a tier is destructive for each tenant it reaches", () => {
    const d = diff(fleetText(TIERS), fleetText(TIERS.replace("retentionDays: 35", "retentionDays: 7")));
    expect(d.tenants.flatMap((t) => t.changes.map((c) => `${t.id} ${c.field} ${c.class} ${c.kind}`))).toEqual([
      "acme-corp backup.retentionDays destructive weakening",
      "brightwave backup.retentionDays destructive weakening",
    ]);
  });

  it("moving a tenant to another tier shows the tier and each setting that follows", () => {
    const d = diff(fleetText(TIERS), fleetText(TIERS).replace("    tier: starter", "    tier: scale"));
    expect(d.stack).toEqual([]);
    expect(d.tenants.map((t) => t.id)).toEqual(["northwind"]);
    expect(d.tenants[0].changes.map((c) => c.field)).toEqual([
      "historyRetentionHours",
      "compute.minCu",
      "compute.maxCu",
      "compute.suspendAfterSeconds",
      "quota.logicalSizeGiB",
      "backup.retentionDays",
      "tier",
    ]);
    expect(d.tenants[0].changes.at(-1)?.why).toBe("changes to tier scale: each setting that changes with it is listed here");
  });

  it("the signup verdict: a tenant added with a tier is a pure addition; a preset change is not", () => {
    const zeta = `  - id: zeta-labs\n    name: Zeta Labs\n    region: aws-eu-central-1\n    residency: EU\n    status: active\n    tier: scale\n`;
    const added = signupVerdict(diff(fleetText(TIERS), fleetText(TIERS, zeta)), [FILE], [FILE]);
    expect(added).toEqual({ eligible: true, added: ["zeta-labs"], reasons: [] });
    // The new tenant's tier gains a preset nobody else uses yet: still a person's call.
    const withNewTier = signupVerdict(
      diff(fleetText(TIERS), fleetText(`${TIERS}\n  pro:\n    compute: { maxCu: 4 }`, zeta.replace("tier: scale", "tier: pro"))),
      [FILE],
      [FILE],
    );
    expect(withNewTier.eligible).toBe(false);
    expect(withNewTier.reasons).toEqual(["(stack) tier pro changes"]);
    const preset = signupVerdict(diff(fleetText(TIERS), fleetText(TIERS.replace("logicalSizeGiB: 10", "logicalSizeGiB: 20"), zeta)), [FILE], [FILE]);
    expect(preset.eligible).toBe(false);
    expect(preset.reasons).toEqual(["northwind: changes an existing tenant", "(stack) tier starter changes"]);
  });

  it("the signup verdict: a defaults edit is a stack change for a person, even one no tenant of today inherits", () => {
    const file = (retention: number, extra = "") =>
      `version: 1\ndefaults:\n  backup: { retentionDays: ${retention} }\ntenants:\n  - id: acme-corp\n    name: ACME Corp\n    region: aws-eu-central-1\n    residency: EU\n    status: active\n    backup: { retentionDays: 35 }\n${extra}`;
    const zeta = `  - id: zeta-labs\n    name: Zeta Labs\n    region: aws-eu-central-1\n    residency: EU\n    status: active\n    backup: { retentionDays: 35 }\n`;
    // acme-corp sets its own retention: lowering the default moves no tenant of today, only every one added later.
    const d = diff(file(14), file(7, zeta));
    expect(d.tenants.filter((t) => t.change !== "added")).toEqual([]);
    expect(d.stack.map((c) => [c.field, c.class])).toEqual([["defaults", "review"]]);
    const verdict = signupVerdict(d, [FILE], [FILE]);
    expect(verdict.eligible).toBe(false);
    expect(verdict.reasons).toEqual(["(stack) defaults changes"]);
    expect(signupVerdict(diff(file(14), file(14, zeta)), [FILE], [FILE])).toEqual({ eligible: true, added: ["zeta-labs"], reasons: [] });
  });

  it("reordering a preset's keys changes nothing", () => {
    const reordered = TIERS.replace(
      "    compute: { minCu: 1, maxCu: 8 }\n    backup: { retentionDays: 35 }",
      "    backup: { retentionDays: 35 }\n    compute: { maxCu: 8, minCu: 1 }",
    );
    const d = diff(fleetText(TIERS), fleetText(reordered));
    expect([...d.stack, ...d.tenants]).toEqual([]);
  });
});
