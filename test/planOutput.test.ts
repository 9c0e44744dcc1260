/** npm run bench -- --plan-output: the table and the targets, from figures (nothing is run). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planOutputTargets, renderPlanOutput, type PlanOutputRow } from "../src/tools/bench/planOutput";
import { maxTenantsWithin, PLAN_MEMORY_BUDGET_MIB, planPeakMiB } from "../src/core/planMemory";
import { ROOT } from "./program";

const row = (tenants: number, text: [number, number], json: [number, number]): PlanOutputRow => ({
  tenants,
  text: { ms: text[0], peakMiB: text[1] },
  json: { ms: json[0], peakMiB: json[1] },
});
const refused = (tenants: number): PlanOutputRow => {
  const run = { ms: 4000, peakMiB: 300, refused: `t.yaml:3:3: tenants: this stack holds ${tenants} tenants and planning them takes about ...` };
  return { tenants, text: run, json: run };
};

describe("the plan output report", () => {
  it("prints each size's text and JSON times, peaks, their ratio and the model's estimate", () => {
    const lines = renderPlanOutput([row(1000, [7200, 1010], [6900, 1060]), row(2000, [13900, 1580], [13200, 1700])])
      .trimEnd()
      .split("\n");
    expect(lines[1].trim().split(/ +/)).toEqual(["tenants", "text", "s", "text", "MiB", "json", "s", "json", "MiB", "text÷json", "model", "MiB"]);
    expect(lines.slice(2, 4).map((l) => l.trim().split(/ +/))).toEqual([
      ["1000", "7.20", "1010", "6.90", "1060", "1.04", String(Math.round(planPeakMiB(1000)))],
      ["2000", "13.90", "1580", "13.20", "1700", "1.05", String(Math.round(planPeakMiB(2000)))],
    ]);
    expect(lines.slice(4)).toEqual([
      "targets:",
      "  met    text plan within 1.3× of --json at every size: 1000: 1.04×; 2000: 1.05×",
      `  met    every plan under 6.00 GiB or refused before planning (at most ${maxTenantsWithin().toLocaleString("en-US")} tenants a stack): 1000: 1.04 GiB; 2000: 1.66 GiB`,
    ]);
  });

  it("misses the ratio at any size where the text plan is slower than 1.3× --json (the old quadratic tree at 10,000)", () => {
    const [, ratio] = planOutputTargets([row(1000, [8000, 1000], [7000, 1000]), row(10000, [134000, 5000], [55000, 5000])]);
    expect(ratio).toBe("  missed text plan within 1.3× of --json at every size: 1000: 1.14×; 10000: 2.44×");
  });

  it("misses the memory target when a plan that ran went over the budget", () => {
    const [, , memory] = planOutputTargets([row(10000, [60000, 7270], [55000, PLAN_MEMORY_BUDGET_MIB - 1])]);
    expect(memory).toMatch(/^ {2}missed every plan under 6\.00 GiB .*: 10000: 7\.10 GiB$/);
  });

  it("counts a refusal as met only where the model says the stack would not fit, and prints why", () => {
    const over = maxTenantsWithin() + 1;
    const text = renderPlanOutput([refused(over)]);
    expect(text).toContain(`${over} tenants, text: t.yaml:3:3: tenants: this stack holds ${over} tenants`);
    expect(text).toContain(
      `  met    every plan under 6.00 GiB or refused before planning (at most ${maxTenantsWithin().toLocaleString("en-US")} tenants a stack): ${over}: refused`,
    );
    expect(text).not.toContain("text plan within");
    expect(planOutputTargets([refused(1000)])[1]).toMatch(/^ {2}missed every plan .*1000: refused before planning$/);
  });

  it("prints nothing to judge without rows", () => {
    expect(planOutputTargets([])).toEqual([]);
  });
});

describe("the bench's peak-memory hook", () => {
  it("writes the process's peak resident set, in KiB, to the file it is given, at exit", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "tf-peak-")), "peak");
    const r = spawnSync(
      process.execPath,
      ["--require", path.join(ROOT, "src/tools/bench/peakMemory.cjs"), "-e", "globalThis.kept = Buffer.alloc(64 * 1024 * 1024, 1)"],
      {
        env: { ...process.env, TENANT_FLEET_BENCH_PEAK_FILE: file },
      },
    );
    expect(r.status).toBe(0);
    // At least the 64 MiB the process filled.
    expect(Number(readFileSync(file, "utf8"))).toBeGreaterThan(64 * 1024);
  });
});
