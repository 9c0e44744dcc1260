/** The runner-minute model of `npm run bench -- --runners`, on real generated workflows and on hand-made ones. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { billedMinutes, jobsOf, neonReads, renderRunners, runnerRow, slotResolver, wallClockSeconds, type Job } from "../src/tools/bench/runners";
import { nightlyBackups } from "../src/tools/bench/nightly";
import { parseStackSettingsOrThrow, projectSettings } from "../src/core/config/settings";
import { readStackConfig } from "../src/core/config/stackFiles";
import { ROOT } from "./program";
import { planFleetBatches } from "../src/plan/repository/manifest";
import { renderWorkflows } from "../src/plan/workflows/render";
import { parseTenants } from "../tenants/load";
import { syntheticTenantsYaml } from "../src/tools/bench/syntheticFleet";

const SETTINGS = { scope: "environment" as const, encryption: "kms" as const, branch: "main", source: "t.yaml", restoreDrillSchedule: "41 4 * * 1" };
const MODEL = { setupSeconds: 60, dumpSeconds: 10 };

describe("the runner-minute model", () => {
  const nightOf = (scope: "environment" | "region", parallel: number) => {
    const fleet = parseTenants(syntheticTenantsYaml(300), "t.yaml").fleet!;
    const settings = { ...SETTINGS, scope, batchSize: 50, batchParallelism: parallel };
    const batches = planFleetBatches(fleet.tenants, { scope, batchSize: 50, migrations: false });
    const backups = renderWorkflows(fleet.tenants, settings).filter((w) => w.kind === "backup");
    const jobs = backups.flatMap((w) =>
      jobsOf(w.path, w.content, MODEL, slotResolver(batches.backup.get(parse(w.content).on.schedule[0].cron)!.batches), parallel),
    );
    return { backups, jobs, batches };
  };

  it("counts one job per backed-up tenant in the environment scope, from the planning job's slots, plus the planning and alert jobs", () => {
    const { backups, jobs } = nightOf("environment", 1);
    expect(jobs.filter((j) => j.tenants === 1)).toHaveLength(300);
    // Per file: the planning job, the alert, and thirty-nine empty slots that run nothing.
    expect(jobs.filter((j) => j.tenants === 0)).toHaveLength(backups.length * 2);
    // 70 s per tenant job bills 2 minutes; the planning and alert jobs 1 each.
    expect(billedMinutes(jobs)).toBe(300 * 2 + backups.length * 2);
  });

  it("counts one job per batch in the region scope", () => {
    const { jobs, batches } = nightOf("region", 8);
    const planned = [...batches.backup.values()].flatMap((p) => p.batches);
    expect(jobs.filter((j) => j.tenants > 0).map((j) => j.tenants)).toEqual(planned.map((b) => b.tenants.length));
    expect(planned.reduce((n, b) => n + b.tenants.length, 0)).toBe(300);
    for (const j of jobs.filter((x) => x.tenants > 0)) expect(j.seconds).toBe(60 + Math.ceil(j.tenants / 8) * 10);
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

  it("with an idle share, checks every tenant, dumps the active ones and the idle ones due, and counts the computes woken", () => {
    const yaml = [
      "jobs:",
      "  plan: { runs-on: x, steps: [{ run: plan }] }",
      "  backup: { runs-on: x, strategy: { matrix: { batch: '${{ x }}' } }, steps: [{ run: pg_dump }] }",
    ].join("\n");
    const batches = [{ tenants: Array.from({ length: 50 }, (_, i) => `t${i}`) }, { tenants: Array.from({ length: 50 }, (_, i) => `u${i}`) }];
    const idle = { ...MODEL, idleShare: 0.7, checkSeconds: 2, maxSkipDays: 7 };
    const jobs = jobsOf("w.yml", yaml, idle, () => batches, 8);
    // 50 tenants: 15 active + 35 idle, 5 of them due (35 / 7): 20 dumped, 3 rounds of 8; 50 checked, 7 rounds.
    expect(jobs.map((j) => [j.job, j.tenants, j.dumped, j.seconds])).toEqual([
      ["plan", 0, 0, 10],
      ["backup", 50, 20, 60 + 7 * 2 + 3 * 10],
      ["backup", 50, 20, 60 + 7 * 2 + 3 * 10],
    ]);
    expect(runnerRow(100, 1, jobs).computesWoken).toBe(40);
    // Without an idle share, as before: every tenant dumped, no check.
    const all = jobsOf("w.yml", yaml, MODEL, () => batches, 8);
    expect(all.map((j) => [j.dumped, j.seconds])).toEqual([
      [0, 10],
      [50, 60 + 7 * 10],
      [50, 60 + 7 * 10],
    ]);
    expect(runnerRow(100, 1, all).computesWoken).toBe(100);
  });

  it("counts the planning jobs' Neon calls (list pages and one read per tenant's project) and their paced seconds", () => {
    // 1,000 tenants of an organisation of 1,000 projects: 3 pages of 400 100 ms apart, 1,000 reads 200 ms apart.
    expect(neonReads(1000, 1000)).toEqual({ listCalls: 3, projectCalls: 1000, seconds: 200.3 });
    // The largest stack the plan's memory allows (about 7,400 tenants): about 25 minutes of reads, inside the step's budget.
    expect(neonReads(7420, 7420)).toEqual({ listCalls: 19, projectCalls: 7420, seconds: 1485.9 });
    expect(neonReads(0, 0).listCalls).toBe(1);
  });

  it("with an idle share, a night's planning jobs read Neon first: their calls are printed and their time is in the night's minutes", () => {
    const cfg = readStackConfig(ROOT, "prod", ["secretScope=region"]);
    const settings = parseStackSettingsOrThrow(projectSettings(cfg.config), { stack: "prod", file: cfg.stackFile, text: cfg.stackFileText });
    const idle = { ...MODEL, idleShare: 0.7, checkSeconds: 2, maxSkipDays: 7 };
    const night = nightlyBackups(1000, settings, idle, true);
    expect(night.neon).toMatchObject({ listCalls: 3, projectCalls: 1000 });
    expect(night.neon!.longestPlanSeconds).toBeCloseTo(10 + 200.3, 5);
    const without = nightlyBackups(1000, settings, MODEL, true);
    expect(without.neon).toBeUndefined();
    // The planning job waits for the reads: the night lasts at least that long.
    expect(night.wallClockMinutes[20]).toBeGreaterThanOrEqual(night.neon!.longestPlanSeconds / 60);
    const text = renderRunners([night], idle);
    expect(text).toContain("Neon calls a night (planning jobs, before any dump;");
    expect(text).toMatch(/ {2}1000 {5}region\*: 1003 calls \(3 list \+ 1000 project\), 200 s paced, longest planning job 3\.5 min/);
    expect(renderRunners([without], MODEL)).not.toContain("Neon calls");
  });

  it("schedules the longest jobs first on the runner free soonest, then the jobs that wait", () => {
    const job = (seconds: number, tenants = 1): Job => ({ workflow: "w", job: "j", tenants, dumped: tenants, seconds });
    const jobs = [job(60), job(60), job(120), job(10, 0)];
    expect(wallClockSeconds(jobs, 1)).toBe(240 + 10);
    expect(wallClockSeconds(jobs, 2)).toBe(120 + 10);
    expect(wallClockSeconds(jobs, 500)).toBe(120 + 10);
    expect(runnerRow(3, 1, jobs)).toMatchObject({ jobs: 4, billedMinutes: 1 + 1 + 2 + 1, wallClockMinutes: { 20: 130 / 60 } });
  });
});
