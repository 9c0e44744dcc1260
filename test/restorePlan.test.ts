/** The restore planner (src/operations/restore.ts): inside the window Neon's branch restore, outside it the newest verified dump before the point, else a refusal that says why. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { planRestore, windowStart, type Dump, type RestoreRequest } from "../src/operations/restore";

const NOW = new Date("2026-12-02T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const base: Omit<RestoreRequest, "target"> = { tenantId: "acme-corp", now: NOW, historyRetentionHours: 24, branch: "main", dumps: [] };
const dump = (h: number, verified = true): Dump => ({ key: `retain-14d/acme-corp/${h}.dump`, takenAt: hoursAgo(h), verified });

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
