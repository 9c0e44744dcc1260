/**
 * The drift preview's pace (src/review/drift/pace.ts): `--parallel` keeps the Neon reads under
 * the drift's share of the account's budget whatever a call takes, the estimate adds Neon's and
 * GitHub's times, and a stack too large for one job is told the shard size that fits.
 */
import { describe, expect, it } from "vitest";
import { PAGE_LIMIT } from "../src/operations/adopt/reader";
import { JOB_TIMEOUT_CAP_MINUTES } from "../src/plan/workflows/batchScripts";
import { countTypes, driftCost, projectCounts, type CostEstimate } from "../src/review/drift/cost";
import { DRIFT_JOB_OVERHEAD_MINUTES, DRIFT_NEON_SHARE, driftPace, neonCallsPerSecond, paceText, TIMEOUT_FACTOR } from "../src/review/drift/pace";
import { runProgram } from "./program";

const cost = (neon: number, github: number, tenants: number): CostEstimate => ({
  tenants,
  services: [
    { service: "neon", calls: neon },
    { service: "github", calls: github },
    { service: "aws", calls: 0 },
  ],
  unknown: [],
});

describe("driftPace", () => {
  it("takes half of Neon's 700 a minute", () => {
    expect(DRIFT_NEON_SHARE).toBe(0.5);
    expect(neonCallsPerSecond() * 60).toBeCloseTo(350, 9);
  });

  it("picks the largest --parallel whose reads stay under the share, whatever one call takes", () => {
    const share = neonCallsPerSecond();
    for (const seconds of [0.005, 0.05, 0.1, 0.171, 0.2, 0.35, 0.5, 0.9, 1.2, 2, 5, 30]) {
      const { parallel } = driftPace(cost(1000, 0, 100), seconds);
      expect(parallel, `${seconds} s`).toBeGreaterThanOrEqual(1);
      if (parallel > 1) expect(parallel / seconds, `${seconds} s`).toBeLessThanOrEqual(share + 1e-9);
      expect((parallel + 1) / seconds, `${seconds} s`).toBeGreaterThan(share);
    }
    expect(driftPace(cost(1000, 0, 100), 1.2).parallel).toBe(7);
    expect(driftPace(cost(1000, 0, 100), 0.3).parallel).toBe(1);
  });

  it("runs slower than the share when even one read at a time is under it", () => {
    // One call in 0.3 s: 200 a minute, under the 350 allowed.
    expect(driftPace(cost(2000, 0, 100), 0.3).neonMinutes).toBeCloseTo(2000 / 200, 9);
  });

  it("adds GitHub's hours to Neon's minutes and gives the preview twice that", () => {
    const p = driftPace(cost(3500, 5000, 100), 1.2);
    expect(p.neonMinutes).toBeCloseTo(10, 9);
    expect(p.githubMinutes).toBeCloseTo(60, 9);
    expect(p.estimateMinutes).toBeCloseTo(DRIFT_JOB_OVERHEAD_MINUTES + 70, 9);
    expect(p.timeoutMinutes).toBe(70 * TIMEOUT_FACTOR);
    expect(p.fits).toBe(true);
  });

  it("says when a stack does not fit one job, and the shard size that would", () => {
    const p = driftPace(cost(350 * 100, 5000 * 3, 1000), 1.2);
    // 100 + 180 minutes of reads: a 560-minute limit, over the job's 345 for the preview.
    expect(p.fits).toBe(false);
    expect(p.maxTenants).toBe(Math.floor((JOB_TIMEOUT_CAP_MINUTES - DRIFT_JOB_OVERHEAD_MINUTES) / TIMEOUT_FACTOR / (280 / 1000)));
    const fitting = driftPace(cost((350 * 100 * p.maxTenants) / 1000, (5000 * 3 * p.maxTenants) / 1000, p.maxTenants), 1.2);
    expect(fitting.fits).toBe(true);
  });

  it("refuses a call time that is not one", () => {
    for (const bad of [0, -1, Number.NaN]) expect(() => driftPace(cost(1, 1, 1), bad)).toThrow(/internal: a Neon call's time/);
  });
});

describe("the sample prod stack at 1,000 and 10,000 tenants (the minutes docs/drift.md quotes)", () => {
  it("fits one night's job at 1,000 and must be split at 10,000", async () => {
    const plan = await runProgram("prod");
    const counts = countTypes(plan.resources.map((r) => ({ type: r.type, key: r.urn })));
    const at = (n: number) => driftCost(projectCounts(counts, 6, n), n, PAGE_LIMIT);
    // A call of 1.2 s: seven reads at once reach the share exactly.
    const small = driftPace(at(1000), 1.2);
    expect(small).toMatchObject({ parallel: 7, timeoutMinutes: 89, fits: true });
    expect(small.neonMinutes).toBeCloseTo(4840 / 350, 6);
    expect(small.githubMinutes).toBeCloseTo((2519 / 5000) * 60, 6);
    expect(small.estimateMinutes.toFixed(1)).toBe("59.1");
    const large = driftPace(at(10_000), 1.2);
    expect(large).toMatchObject({ fits: false, maxTenants: 3934 });
    expect((large.estimateMinutes / 60).toFixed(1)).toBe("7.6");
    const text = paceText("prod", at(10_000), large, 1.2);
    expect(text).toContain(
      "prod: 10,000 tenants, 48,362 Neon and 25,019 GitHub calls; a Neon call took 1200 ms, so --parallel 7 keeps under 350 of Neon's 700 a minute",
    );
    expect(text).toContain("Split the stack into shards of at most 3,934 tenants");
    expect(paceText("prod", at(1000), small, 1.2)).toMatch(/estimate 59\.1 min, preview limit 89 min\.$/);
    const repository = await runProgram("prod", ["secretScope=repository"]);
    const repoCounts = countTypes(repository.resources.map((r) => ({ type: r.type, key: r.urn })));
    const repoLarge = driftPace(driftCost(projectCounts(repoCounts, 6, 10_000), 10_000, PAGE_LIMIT), 1.2);
    expect(repoLarge).toMatchObject({ fits: false, maxTenants: 7236 });
  }, 60_000);
});
