/** Neon snapshots per tenant (tenants/snapshots.ts): the field, the stack's default, Neon's limits, and the tenant diff's classes. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseTenants } from "../tenants/load";
import { parseStackSettings } from "../src/core/config/settings";
import { formatProblem } from "../src/core/diagnostics/problems";
import { diffFleets, diffPasses } from "../src/review/diff";
import {
  NEON_SNAPSHOT_LIMIT,
  SNAPSHOT_FREQUENCIES,
  maxRetentionDays,
  parseSnapshotText,
  snapshotProblems,
  snapshotText,
  snapshotWeakening,
  snapshotsKept,
  type SnapshotSchedule,
} from "../tenants/snapshots";
import { ACME, NORTHWIND, fleetYaml, problemLines } from "./helpers";

const WEEKLY: SnapshotSchedule = { frequency: "weekly", hour: 1, day: 1, retentionDays: 28 };
const stackDefault = { snapshots: { default: WEEKLY } };

describe("backup.snapshots in the tenants file", () => {
  it("reports a value Neon would refuse or keep forever at its file:line:column, with the value and the fix", () => {
    const lines = (snapshots: string) => problemLines(fleetYaml([{ ...ACME, backup: `{ snapshots: ${snapshots} }` }]));
    expect(lines("{ frequency: daily, hour: 2, retentionDays: 30 }")).toEqual([
      "tenants.yaml:8:70: tenants[0].backup.snapshots.retentionDays: 30 days keeps 30 daily snapshots and Neon allows 10 per project; keep them 1 to 10 days for daily snapshots, or take them less often",
    ]);
    expect(lines("{ frequency: daily, hour: 2 }")).toEqual([
      'tenants.yaml:8:26: tenants[0].backup.snapshots: missing required key "retentionDays"; add retentionDays: the days each snapshot is kept (without one Neon keeps and bills a snapshot forever)',
    ]);
    expect(lines("{ frequency: weekly, hour: 24, day: 1, retentionDays: 14 }")).toEqual([
      "tenants.yaml:8:53: tenants[0].backup.snapshots.hour: 24 is not an hour; hour is the hour of the day in UTC, a whole number from 0 to 23",
    ]);
    expect(lines("{ frequency: monthly, hour: 3, day: 31, retentionDays: 62 }")).toEqual([
      "tenants.yaml:8:62: tenants[0].backup.snapshots.day: 31 is not a day; a monthly schedule needs day: 1 to 28 (the day of the month; every month has days up to 28)",
    ]);
    expect(lines("{ frequency: weekly, hour: 3, day: 2, retentionDays: 3 }")).toEqual([
      "tenants.yaml:8:79: tenants[0].backup.snapshots.retentionDays: 3 days is shorter than the 7 day(s) between weekly snapshots, so there would be times with none; keep them 7 to 70 days for weekly snapshots",
    ]);
    expect(lines("{ frequency: hourly, hour: 3, retentionDays: 1 }")).toEqual([
      `tenants.yaml:8:39: tenants[0].backup.snapshots.frequency: "hourly" is not a snapshot frequency; use daily, weekly or monthly (Neon's schedules)`,
    ]);
    expect(lines("forever")).toEqual([
      'tenants.yaml:8:26: tenants[0].backup.snapshots: "forever" is not a snapshot schedule; write off, or { frequency: daily, hour: 2, retentionDays: 7 }',
    ]);
    expect(lines("off")).toEqual([]);
  });

  it("resolves the tenant's own, then the file's defaults, then the stack's setting, then off", () => {
    const tenants = (text: string, ctx = {}) => parseTenants(text, "tenants.yaml", ctx).fleet!.tenants.map((t) => snapshotText(t.backup.snapshots));
    const own = { ...ACME, backup: "{ snapshots: { frequency: daily, hour: 5, retentionDays: 3 } }" };
    expect(tenants(fleetYaml([own, NORTHWIND]))).toEqual(["frequency=daily hour=5 retentionDays=3", "off"]);
    expect(tenants(fleetYaml([own, NORTHWIND]), stackDefault)).toEqual([
      "frequency=daily hour=5 retentionDays=3",
      "frequency=weekly hour=1 day=1 retentionDays=28",
    ]);
    const defaults = "defaults:\n  backup: { snapshots: off }\n";
    expect(tenants(fleetYaml([own, NORTHWIND], defaults), stackDefault)).toEqual(["frequency=daily hour=5 retentionDays=3", "off"]);
  });
});

describe("tenant-fleet:snapshotSchedule", () => {
  const minimal = { githubOwner: "example-saas", githubRepository: "app", keyAdministrators: '["arn:aws:iam::123456789012:role/tenant-fleet-deploy"]' };
  const text = "config:\n  tenant-fleet:githubOwner: example-saas\n  tenant-fleet:snapshotSchedule: frequency=daily hour=2 retentionDays=40\n";
  const source = { stack: "prod", file: "Pulumi.prod.yaml", text };

  it("is off unless set, and reads the one-line spelling", () => {
    expect(parseStackSettings(minimal, source).settings!.backup.snapshots).toBe("off");
    expect(parseStackSettings({ ...minimal, snapshotSchedule: "frequency=monthly hour=4 day=1 retentionDays=180" }, source).settings!.backup.snapshots).toEqual(
      {
        frequency: "monthly",
        hour: 4,
        day: 1,
        retentionDays: 180,
      },
    );
  });

  it("refuses a retention beyond Neon's limit, a missing retention and a malformed value, at the stack file's key", () => {
    const problems = (value: string) => parseStackSettings({ ...minimal, snapshotSchedule: value }, source).problems.map(formatProblem);
    expect(problems("frequency=daily hour=2 retentionDays=40")).toEqual([
      "Pulumi.prod.yaml:3:34: tenant-fleet:snapshotSchedule: 40 days keeps 40 daily snapshots and Neon allows 10 per project; keep them 1 to 10 days for daily snapshots, or take them less often",
    ]);
    expect(problems("frequency=daily hour=2")[0]).toMatch(/retentionDays is missing; a snapshot without a retention is kept \(and billed\) forever/);
    expect(problems("daily@2")[0]).toMatch(/"daily@2" is not key=value; write off, or frequency=daily hour=2 retentionDays=7/);
  });
});

describe("Neon's limits", () => {
  const schedule = fc
    .record({
      frequency: fc.constantFrom(...SNAPSHOT_FREQUENCIES),
      hour: fc.integer({ min: 0, max: 23 }),
      day: fc.integer({ min: 1, max: 28 }),
      retentionDays: fc.integer({ min: 1, max: 400 }),
    })
    .map(
      (s) =>
        (s.frequency === "daily"
          ? { frequency: s.frequency, hour: s.hour, retentionDays: s.retentionDays }
          : { ...s, day: s.frequency === "weekly" ? (s.day % 7) + 1 : s.day }) as SnapshotSchedule,
    );

  it("accepts exactly the schedules that keep at most Neon's 10 snapshots, never fewer than one at a time, each with a retention of at least Neon's hour", () => {
    fc.assert(
      fc.property(schedule, (s) => {
        const accepted = snapshotProblems(s).length === 0;
        const longestGap = { daily: 1, weekly: 7, monthly: 31 }[s.frequency];
        expect(accepted).toBe(snapshotsKept(s) <= NEON_SNAPSHOT_LIMIT && s.retentionDays >= longestGap);
        if (accepted) expect(s.retentionDays * 86_400).toBeGreaterThanOrEqual(3600);
        // The one-line spelling reads back to the same schedule.
        const back = parseSnapshotText(snapshotText(s));
        if (accepted) expect(back).toEqual({ value: s });
      }),
    );
    expect(SNAPSHOT_FREQUENCIES.map(maxRetentionDays)).toEqual([10, 70, 280]);
  });
});

describe("the tenant diff", () => {
  const side = (snapshots: string) => ({
    fleet: parseTenants(fleetYaml([{ ...ACME, backup: `{ snapshots: ${snapshots} }` }]), "tenants.yaml").fleet!,
    stack: { protect: true },
  });
  const change = (before: string, after: string) => diffFleets(side(before), side(after)).tenants[0]?.changes.find((c) => c.field === "backup.snapshots");
  const daily = "{ frequency: daily, hour: 2, retentionDays: 7 }";

  it("turning snapshots off, taking them less often or keeping them shorter weakens protection: it fails until acknowledged", () => {
    for (const [after, why] of [
      ["off", "weakens protection: Neon snapshots stop (daily at 02:00 UTC, kept 7 days; those taken stay until they expire)"],
      ["{ frequency: weekly, hour: 2, day: 1, retentionDays: 14 }", "weakens protection: Neon snapshots are taken weekly instead of daily"],
      ["{ frequency: daily, hour: 2, retentionDays: 3 }", "weakens protection: Neon snapshots are kept 3 days instead of 7"],
    ]) {
      const c = change(daily, after)!;
      expect([c.class, c.kind, c.why]).toEqual(["destructive", "weakening", why]);
    }
    const acked = parseTenants(
      `${fleetYaml([{ ...ACME, backup: "{ snapshots: off }" }])}acknowledgements:\n  - { tenant: acme-corp, change: weakening, reason: "contract OPS-12 drops snapshots" }\n`,
      "tenants.yaml",
    ).fleet!;
    expect(diffPasses(diffFleets(side(daily), { fleet: acked, stack: { protect: true } }))).toBe(true);
  });

  it("turning them on, taking them more often, keeping them longer or moving the hour is safe", () => {
    for (const [before, after] of [
      ["off", daily],
      ["{ frequency: weekly, hour: 2, day: 1, retentionDays: 7 }", daily],
      [daily, "{ frequency: daily, hour: 2, retentionDays: 9 }"],
      [daily, "{ frequency: daily, hour: 5, retentionDays: 7 }"],
    ]) {
      const c = change(before, after)!;
      expect([c.class, c.before, c.after]).toEqual([
        "safe",
        snapshotText(side(before).fleet.tenants[0].backup.snapshots),
        snapshotText(side(after).fleet.tenants[0].backup.snapshots),
      ]);
    }
    expect(snapshotWeakening("off", "off")).toBeUndefined();
  });

  it("a stack default that changes reaches each tenant that relies on it (the base side resolves it as the stack then did)", () => {
    const fleet = (ctx: object) => parseTenants(fleetYaml([ACME, { ...NORTHWIND, backup: "{ snapshots: off }" }]), "tenants.yaml", ctx).fleet!;
    const d = diffFleets({ fleet: fleet({ snapshots: { default: WEEKLY } }), stack: { protect: true } }, { fleet: fleet({}), stack: { protect: true } });
    expect(d.tenants.map((t) => [t.id, t.changes.map((c) => [c.field, c.kind])])).toEqual([["acme-corp", [["backup.snapshots", "weakening"]]]]);
  });
});
