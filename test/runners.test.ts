/** The runner-minute model of `npm run bench -- --runners`, on real generated workflows and on hand-made ones. */
import { describe, expect, it } from "vitest";
import { billedMinutes, jobsOf, runnerRow, wallClockSeconds, type Job } from "../scripts/bench/runners";
import { renderWorkflows } from "../workflows/render";
import { parseTenants } from "../tenants/load";
import { syntheticTenantsYaml } from "../scripts/bench/syntheticFleet";

const SETTINGS = { scope: "environment" as const, encryption: "kms" as const, branch: "main", source: "t.yaml", restoreDrillSchedule: "41 4 * * 1" };
const MODEL = { setupSeconds: 60, dumpSeconds: 10 };

describe("the runner-minute model", () => {
  it("counts one job per backed-up tenant and one alert per backup file in today's workflows", () => {
    const fleet = parseTenants(syntheticTenantsYaml(300), "t.yaml").fleet!;
    const backups = renderWorkflows(fleet.tenants, SETTINGS).filter((w) => w.kind === "backup");
    const jobs = backups.flatMap((w) => jobsOf(w.path, w.content, MODEL));
    expect(jobs.filter((j) => j.tenants === 1)).toHaveLength(300);
    expect(jobs.filter((j) => j.tenants === 0)).toHaveLength(backups.length);
    // 70 s per tenant job bills 2 minutes; an alert bills 1.
    expect(billedMinutes(jobs)).toBe(300 * 2 + backups.length);
  });

  it("reads batches from a matrix the workflow builds at run time", () => {
    const yaml = [
      "jobs:",
      "  plan: { runs-on: ubuntu-24.04, steps: [{ run: echo }] }",
      "  backup:",
      "    strategy: { matrix: '${{ fromJSON(needs.plan.outputs.batches) }}' }",
      "    steps: [{ run: pg_dump }]",
    ].join("\n");
    const batches = { include: [{ tenants: ["a", "b", "c", "d"] }, { tenants: ["e"] }] };
    const jobs = jobsOf("w.yml", yaml, MODEL, () => batches, 2);
    expect(jobs.map((j) => [j.job, j.tenants, j.seconds])).toEqual([
      ["plan", 0, 10],
      ["backup", 4, 60 + 2 * 10],
      ["backup", 1, 60 + 10],
    ]);
    expect(() => jobsOf("w.yml", yaml, MODEL, () => "not a matrix")).toThrow(/cannot read/);
  });

  it("schedules the longest jobs first on the runner free soonest, then the jobs that wait", () => {
    const job = (seconds: number, tenants = 1): Job => ({ workflow: "w", job: "j", tenants, seconds });
    const jobs = [job(60), job(60), job(120), job(10, 0)];
    expect(wallClockSeconds(jobs, 1)).toBe(240 + 10);
    expect(wallClockSeconds(jobs, 2)).toBe(120 + 10);
    expect(wallClockSeconds(jobs, 500)).toBe(120 + 10);
    expect(runnerRow(3, 1, jobs)).toMatchObject({ jobs: 4, billedMinutes: 1 + 1 + 2 + 1, wallClockMinutes: { 20: 130 / 60 } });
  });
});
