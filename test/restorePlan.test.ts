/**
 * The restore planner (src/operations/restore.ts): inside the window Neon's branch restore,
 * outside it the closest of the newest Neon snapshot and the newest verified dump before the
 * point (issue 35), else a refusal that says why.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { planRestore, snapshotsMatter, windowStart, type Dump, type RestoreLayer, type RestoreRequest, type Snapshot } from "../src/operations/restore";

const NOW = new Date("2026-12-02T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const base: Omit<RestoreRequest, "target"> = { tenantId: "acme-corp", now: NOW, historyRetentionHours: 24, branch: "main", dumps: [] };
const dump = (h: number, verified = true): Dump => ({ key: `retain-14d/acme-corp/${h}.dump`, takenAt: hoursAgo(h), verified });
const snap = (h: number): Snapshot => ({ id: `snap-${h}`, name: `daily-${h}`, at: hoursAgo(h) });

describe("planRestore", () => {
  it("restores the branch from Neon's history inside the window, keeping the current state to undo with", () => {
    expect(planRestore({ ...base, target: { kind: "time", at: hoursAgo(3) } })).toEqual({
      action: "branch-restore",
      branch: "main",
      source: { timestamp: "2026-12-02T09:00:00.000Z" },
      preserveUnderName: "main-before-restore-20261202t120000z",
      why: "2026-12-02T09:00:00.000Z is inside acme-corp's 24 h point-in-time window: Neon restores main from its own history, keeping its current state as a branch to undo with",
    });
    expect(planRestore({ ...base, target: { kind: "before-migration", run: 101, lsn: "0/16b3748", at: hoursAgo(2) } })).toMatchObject({
      action: "branch-restore",
      source: { lsn: "0/16B3748" },
    });
  });

  it("restores the newest verified dump before the point into a new branch outside the window, and says what it lacks", () => {
    const plan = planRestore({ ...base, target: { kind: "time", at: hoursAgo(50) }, dumps: [dump(30), dump(52, false), dump(60), dump(80)] });
    expect(plan).toMatchObject({ action: "dump-restore", dump: "retain-14d/acme-corp/60.dump", newBranch: "restore-20261130t100000z", gapHours: 10 });
  });

  it("refuses, saying why: the future, no verified dump before the point, a dump for a WAL position alone, a bad position", () => {
    expect(planRestore({ ...base, target: { kind: "time", at: new Date(NOW.getTime() + 60_000) } })).toEqual({
      action: "refuse",
      why: "2026-12-02T12:01:00.000Z is in the future",
    });
    expect(planRestore({ ...base, target: { kind: "time", at: hoursAgo(100) }, dumps: [dump(90)] }).why).toBe(
      "acme-corp has no verified dump taken at or before 2026-11-28T08:00:00.000Z (its oldest verified dump is of 2026-11-28T18:00:00.000Z), and 2026-11-28T08:00:00.000Z is outside its 24 h point-in-time window",
    );
    expect(planRestore({ ...base, target: { kind: "lsn", lsn: "0/1" }, preferDump: true }).why).toMatch(/^a restore from a dump needs a time/);
    expect(planRestore({ ...base, target: { kind: "lsn", lsn: "0/1; drop" } }).why).toBe('"0/1; drop" is not a WAL position (e.g. 0/16B3748)');
  });

  it("keeps clear of the window's old edge, and a tenant without a window only has dumps", () => {
    expect(planRestore({ ...base, target: { kind: "time", at: hoursAgo(23.95) }, dumps: [dump(25)] }).action).toBe("dump-restore");
    expect(planRestore({ ...base, historyRetentionHours: 0, target: { kind: "time", at: hoursAgo(0.5) }, dumps: [dump(1)] }).action).toBe("dump-restore");
  });

  it("never restores past the point or the present, never from an unverified dump, and takes the newest that fits", () => {
    const arbDump = fc.record({ h: fc.integer({ min: 0, max: 24 * 40 }), verified: fc.boolean() }).map(({ h, verified }) => dump(h, verified));
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 24 * 40 }),
        fc.integer({ min: 0, max: 720 }),
        fc.array(arbDump, { maxLength: 20 }),
        fc.boolean(),
        (h, window, dumps, preferDump) => {
          const at = hoursAgo(h);
          const plan = planRestore({ ...base, historyRetentionHours: window, dumps, preferDump, target: { kind: "time", at } });
          const fitting = dumps.filter((d) => d.verified && d.takenAt <= at);
          if (at > NOW) expect(plan.action).toBe("refuse");
          else if (plan.action === "branch-restore") {
            expect(preferDump).toBe(false);
            expect(at >= windowStart(NOW, window)).toBe(true);
          } else if (plan.action === "dump-restore") {
            // A verified dump of that key and time (the same key may also be listed unverified).
            const chosen = dumps.find((d) => d.key === plan.dump && d.takenAt.toISOString() === plan.takenAt && d.verified)!;
            expect(chosen).toBeDefined();
            expect(chosen.takenAt <= at).toBe(true);
            expect(Math.max(...fitting.map((d) => d.takenAt.getTime()))).toBe(chosen.takenAt.getTime());
          } else {
            // A refusal only when nothing fits: outside the window (or a dump asked for) and no verified dump before the point.
            expect(fitting).toEqual([]);
            expect(preferDump || window === 0 || at < windowStart(NOW, window)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("planRestore among PITR, Neon snapshots and verified dumps (issue 35)", () => {
  const outside = (over: Partial<RestoreRequest>) => planRestore({ ...base, target: { kind: "time", at: hoursAgo(50) }, ...over });

  it("takes a snapshot closer to the point than the newest dump, giving the gap of each", () => {
    expect(outside({ dumps: [dump(60)], snapshots: [snap(52), snap(70)] })).toEqual({
      action: "snapshot-restore",
      snapshot: "snap-52",
      snapshotName: "daily-52",
      takenAt: "2026-11-30T08:00:00.000Z",
      newBranch: "restore-20261130t100000z",
      gapHours: 2,
      why: "2026-11-30T10:00:00.000Z is outside acme-corp's 24 h point-in-time window: Neon's snapshot daily-52 of 2026-11-30T08:00:00.000Z is 2 h before it, closer than the newest verified dump (10 h before it); Neon restores it into a new branch, not finalized (main is not touched)",
    });
  });

  it("takes the dump when it is closer or as close (a drill verified it), and says how far the snapshot is", () => {
    const closer = outside({ dumps: [dump(51)], snapshots: [snap(55)] });
    expect(closer).toMatchObject({ action: "dump-restore", dump: "retain-14d/acme-corp/51.dump", gapHours: 1 });
    expect(closer.why).toMatch(/the newest snapshot at or before it \(daily-55, 5 h before it\) is no closer$/);
    expect(outside({ dumps: [dump(55)], snapshots: [snap(55)] })).toMatchObject({ action: "dump-restore", gapHours: 5 });
  });

  it("never takes a snapshot after the point, however near, and says it was ignored", () => {
    const plan = outside({ dumps: [dump(80)], snapshots: [snap(49.9), snap(45)] });
    expect(plan).toMatchObject({ action: "dump-restore", gapHours: 30 });
    expect(plan.why).toMatch(/no Neon snapshot is at or before it; 2 snapshot\(s\) taken after it ignored/);
    expect(outside({ snapshots: [snap(49.9), snap(51)] })).toMatchObject({ action: "snapshot-restore", snapshot: "snap-51" });
  });

  it("uses the layer asked for, inside the window too, and a refusal names the other layer that would do", () => {
    const inside = { target: { kind: "time" as const, at: hoursAgo(3) }, dumps: [dump(4)], snapshots: [snap(5)] };
    expect(planRestore({ ...base, ...inside, prefer: "snapshot" })).toMatchObject({
      action: "snapshot-restore",
      snapshot: "snap-5",
      why: expect.stringMatching(/^a snapshot was asked for/),
    });
    expect(planRestore({ ...base, ...inside, prefer: "dump" })).toMatchObject({ action: "dump-restore", dump: "retain-14d/acme-corp/4.dump" });
    // The older flag is the same request.
    expect(planRestore({ ...base, ...inside, preferDump: true })).toEqual(planRestore({ ...base, ...inside, prefer: "dump" }));
    expect(outside({ dumps: [dump(60)], prefer: "snapshot" }).why).toBe(
      "acme-corp has no Neon snapshot taken at or before 2026-11-30T10:00:00.000Z (Neon's snapshots were not listed), and 2026-11-30T10:00:00.000Z is outside its 24 h point-in-time window; the verified dump retain-14d/acme-corp/60.dump is at or before it: drop --prefer snapshot",
    );
    expect(outside({ dumps: [dump(40)], snapshots: [snap(45), snap(30)] }).why).toBe(
      "acme-corp has no verified dump taken at or before 2026-11-30T10:00:00.000Z (its oldest verified dump is of 2026-11-30T20:00:00.000Z) and no Neon snapshot taken at or before it (its oldest snapshot is of 2026-11-30T15:00:00.000Z; 2 taken after the point, which hold what came after), and 2026-11-30T10:00:00.000Z is outside its 24 h point-in-time window",
    );
  });

  // Nightly, as dumps and daily snapshots are taken, or at any half hour: a dump and a snapshot of the same moment (a tie) occur often.
  const arbH = fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 40 }).map((x) => x * 24), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 2 * 24 * 40 }).map((x) => x / 2), weight: 1 },
  );
  // No window, a day's, or any up to Neon's 30 days: points outside it, where the backups are weighed, occur often.
  const arbWindow = fc.oneof(fc.constantFrom(0, 24), fc.integer({ min: 0, max: 720 }));
  const arbDumps = fc.array(
    fc.record({ h: arbH, verified: fc.boolean() }).map(({ h, verified }) => dump(h, verified)),
    { maxLength: 12 },
  );
  const arbSnaps = fc.option(fc.array(arbH.map(snap), { maxLength: 12 }), { nil: undefined });
  const arbPrefer = fc.constantFrom<RestoreLayer | undefined>(undefined, "dump", "snapshot");
  const t = (d: Date | string) => new Date(d).getTime();

  it("chooses the best admissible layer: PITR in the window, else the backup closest before the point; refuses only when nothing is admissible", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 2 * 24 * 40 }), arbWindow, arbDumps, arbSnaps, arbPrefer, (h2, window, dumps, snapshots, prefer) => {
        const at = hoursAgo(h2 / 2);
        const plan = planRestore({ ...base, historyRetentionHours: window, dumps, snapshots, prefer, target: { kind: "time", at } });
        // What each layer could restore, by the rules alone: PITR inside the window when no layer is asked for;
        // a verified dump or a listed snapshot taken at or before the point, of a layer not excluded by --prefer.
        const pitr = !prefer && window > 0 && t(at) >= t(windowStart(NOW, window));
        const ds = prefer === "snapshot" ? [] : dumps.filter((d) => d.verified && t(d.takenAt) <= t(at));
        const ss = prefer === "dump" ? [] : (snapshots ?? []).filter((s) => t(s.at) <= t(at));
        const gaps = [...ds.map((d) => t(at) - t(d.takenAt)), ...ss.map((s) => t(at) - t(s.at))];
        if (at > NOW) expect(plan.action).toBe("refuse");
        else if (pitr) expect(plan.action).toBe("branch-restore");
        else if (plan.action === "refuse") expect([ds, ss]).toEqual([[], []]);
        else checkBackup(plan, at, ds, ss, gaps);
      }),
      { numRuns: 2000 },
    );
  });

  /** A restore from a backup outside the window or of a layer asked for: admissible, the closest, its gap stated truly, into a new branch. */
  function checkBackup(plan: ReturnType<typeof planRestore>, at: Date, ds: Dump[], ss: Snapshot[], gaps: number[]) {
    if (plan.action !== "dump-restore" && plan.action !== "snapshot-restore") return expect.fail(`${plan.action} where a backup was due`);
    // Never after the point; never a gap larger than another admissible backup's; the gap stated is the real one.
    const gap = t(at) - t(plan.takenAt);
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBe(Math.min(...gaps));
    expect(plan.gapHours).toBeCloseTo(gap / 3_600_000, 2);
    if (plan.action === "dump-restore") expect(ds.some((d) => d.key === plan.dump && t(d.takenAt) === t(plan.takenAt))).toBe(true);
    else {
      expect(ss.some((s) => s.id === plan.snapshot && t(s.at) === t(plan.takenAt))).toBe(true);
      // A snapshot only when strictly closer than every admissible dump (a tie goes to the verified dump).
      expect(ds.every((d) => t(d.takenAt) < t(plan.takenAt))).toBe(true);
    }
    expect(plan.newBranch).not.toBe(base.branch);
  }

  it("lists of snapshots change nothing when the planner says they do not matter, and --from-dump is --prefer dump", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 24 * 40 }),
        fc.integer({ min: 0, max: 720 }),
        arbDumps,
        arbSnaps,
        arbPrefer,
        (h, window, dumps, snapshots, prefer) => {
          const r: RestoreRequest = { ...base, historyRetentionHours: window, dumps, prefer, target: { kind: "time", at: hoursAgo(h) } };
          if (!snapshotsMatter(r)) expect(planRestore({ ...r, snapshots })).toEqual(planRestore(r));
          const old = { ...r, prefer: undefined, snapshots };
          expect(planRestore({ ...old, preferDump: true })).toEqual(planRestore({ ...old, prefer: "dump" }));
        },
      ),
      { numRuns: 500 },
    );
  });
});
