/**
 * The benchmark's SDK floor must register exactly what the program registered, or its
 * ratio measures nothing. Replays the prod stack's plan and compares registration by
 * registration.
 */
import { describe, expect, it } from "vitest";
import { isWireSecret, type OfflineRun, type RecordedResource } from "../src/engine/offline";
import { replayInput } from "../src/tools/bench/replayInput";
import { sdkClass } from "../src/tools/bench/sdkFloor";
import {
  commandLines,
  fixedRegistrations,
  perTenant,
  promiseLines,
  renderBench,
  renderStartup,
  summarise,
  targetLines,
  type Row,
  type Sample,
} from "../src/tools/bench/report";
import { ROOT, runProgram, runStackProgram } from "./program";

function shape(r: RecordedResource) {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    parentUrn: r.parentUrn,
    custom: r.custom,
    provider: r.provider,
    inputs: r.inputs,
    options: r.options,
    outputs: r.outputs,
  };
}

describe("SDK floor of the benchmark", () => {
  it("resolves type tokens to the SDK classes", async () => {
    const aws = await import("@pulumi/aws");
    const github = await import("@pulumi/github");
    const neon = await import("@pulumi/neon");
    expect(sdkClass("aws:s3/bucket:Bucket")).toBe(aws.s3.Bucket);
    expect(sdkClass("aws:iam/rolePolicy:RolePolicy")).toBe(aws.iam.RolePolicy);
    expect(sdkClass("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret")).toBe(github.ActionsEnvironmentSecret);
    expect(sdkClass("neon:index/project:Project")).toBe(neon.Project);
    expect(sdkClass("pulumi:providers:neon")).toBe(neon.Provider);
    expect(() => sdkClass("gcp:storage/bucket:Bucket")).toThrow(/no SDK for package gcp/);
    expect(() => sdkClass("aws:s3/nothing:Nothing")).toThrow(/no class for aws:s3\/nothing:Nothing/);
  });

  it.each(["prod", "dev"])("replays the %s stack registration for registration", async (stack) => {
    const ours: OfflineRun = await runProgram(stack);
    replayInput.recorded = JSON.parse(JSON.stringify(ours.resources.map(({ wireInputs: _, ...r }) => r)));
    const floor = await runStackProgram(stack, async () => {
      // The replay module must see the recording set above after the module reset.
      const input = await import("../src/tools/bench/replayInput");
      input.replayInput.recorded = replayInput.recorded;
      return import("../src/tools/bench/sdkFloor");
    });
    expect(floor.resources.length).toBe(ours.resources.length);
    const byUrn = new Map(floor.resources.map((r) => [r.urn, shape(r)]));
    for (const r of ours.resources) expect(byUrn.get(r.urn), r.urn).toEqual(shape(r));
    // Secret inputs stay secret in the replay (the SDKs pay for them as ours do).
    const secretInputs = (run: OfflineRun) =>
      run.resources
        .flatMap((r) =>
          Object.entries(r.wireInputs)
            .filter(([, v]) => isWireSecret(v))
            .map(([k]) => `${r.urn}.${k}`),
        )
        .sort();
    expect(secretInputs(floor)).toEqual(secretInputs(ours));
    expect(secretInputs(ours).length).toBeGreaterThan(0);
  });
});

function sample(ms: number, maxRssMiB: number, registrations = 100): Sample {
  return { mode: "program", count: 0, scope: "environment", ms, maxRssMiB, registrations };
}

function row(tenants: number, scope: string, ours: [number, number, number], sdk: [number, number], floor: [number, number]): Row {
  return {
    tenants,
    scope,
    ours: summarise([sample(ours[0], ours[1], ours[2])]),
    sdk: summarise([sample(sdk[0], sdk[1], ours[2])]),
    floor: summarise([sample(floor[0], floor[1], ours[2])]),
  };
}

describe("benchmark report", () => {
  it("takes the median time and the peak memory of repeated runs", () => {
    const m = summarise([sample(5200, 900), sample(4800, 950), sample(9000, 910)]);
    expect(m).toEqual({ ms: 5200, maxRssMiB: 950, registrations: 100, runsMs: [5200, 4800, 9000] });
    expect(summarise([sample(2, 1), sample(1, 1)]).ms).toBe(2);
    expect(() => summarise([])).toThrow(/no samples/);
  });

  // 100 tenants: 594 registrations, 1,000: 5,103 → 5.01 per tenant and 93 fixed.
  const rows: Row[] = [
    row(90, "repository", [1200, 360, 364], [800, 340], [370, 290]),
    row(100, "environment", [1300, 390, 594], [860, 370], [490, 320]),
    row(1000, "environment", [4900, 960, 5103], [4000, 920], [2100, 590]),
  ];

  it("derives the fixed and per-tenant registrations from the environment runs", () => {
    expect(fixedRegistrations(rows)).toBe(93);
    expect(perTenant(rows[2], 93)).toBeCloseTo(5.01, 2);
    expect(perTenant(rows[0], 93)).toBeCloseTo(3.01, 2);
    expect(fixedRegistrations(rows.slice(0, 2))).toBeUndefined();
  });

  it("prints ratios to both floors, growth and each target met or missed", () => {
    const text = renderBench(rows, []);
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/tenants +secrets +regs +\/tenant +ours s +sdk s +×sdk +plain s +×plain/);
    expect(lines[3].trim().split(/ +/)).toEqual([
      "1000",
      "environment",
      "5103",
      "5.01",
      "4.90",
      "4.00",
      "1.23",
      "2.10",
      "2.33",
      "960",
      "920",
      "1.04",
      "590",
      "1.63",
    ]);
    expect(text).toContain("growth 100→1000, per 1,000 more tenants: ours 4.00 s and 633 MiB, SDK floor 3.49 s and 611 MiB");
    expect(targetLines(rows, [])).toEqual([
      "targets:",
      "  met    within 1.3× of the SDK floor (1000: 1.23× time, 1.04× memory)",
      "  missed within 1.3× of the plain floor (1000: 2.33× time, 1.63× memory)",
      "  met    at most 3 registrations per tenant with repository secrets: 3.01",
      "  met    1,000 tenants under 5 s: 4.90 s (median of 1)",
    ]);
  });

  it("judges the ratios at every size from 1,000 tenants", () => {
    const slow = [...rows, row(2000, "environment", [12000, 1700, 10115], [9000, 1500], [4500, 900])];
    expect(targetLines(slow, [])[1]).toBe("  missed within 1.3× of the SDK floor (1000: 1.23× time, 1.04× memory; 2000: 1.33× time, 1.13× memory)");
    expect(targetLines(rows.slice(0, 2), [])[1]).toBe("  missed within 1.3× of the SDK floor (100: 1.51× time, 1.05× memory)");
  });

  it("prints the promises each program created where they were counted", () => {
    expect(promiseLines(rows)).toEqual([]);
    const counted = [rows[0], { ...rows[2], promises: { ours: 3086415, sdk: 2660283, floor: 1265801 } }];
    const lines = promiseLines(counted);
    expect(lines[0]).toBe("promises created (one untimed run each):");
    expect(lines[1].trim().split(/ +/)).toEqual(["tenants", "secrets", "ours", "sdk", "×sdk", "plain", "×plain", "ours-sdk/tenant"]);
    expect(lines.slice(2).map((l) => l.trim().split(/ +/))).toEqual([["1000", "environment", "3086415", "2660283", "1.16", "1265801", "2.44", "426"]]);
    expect(renderBench(counted, [])).toContain(lines[2]);
  });

  it("prints the commands users run beside the program's whole process, and judges the plan at 1,000 tenants", () => {
    expect(commandLines(rows)).toEqual([]);
    const withProcess = (r: Row, processMs: number, plan: number[], planJson: number[]): Row => ({
      ...r,
      ours: { ...r.ours, processMs },
      commands: { plan, planJson },
    });
    const measured = [withProcess(rows[1], 2500, [2900, 2700, 3100], [2800, 2800, 2600]), withProcess(rows[2], 7000, [8200, 8000, 8400], [8600, 8100, 8300])];
    const lines = commandLines(measured);
    expect(lines[0]).toBe("the commands users run (whole process, spawn to exit):");
    expect(lines.slice(2).map((l) => l.trim().split(/ +/))).toEqual([
      ["100", "environment", "2.50", "2.90", "1.16", "2.80", "1.12"],
      ["1000", "environment", "7.00", "8.20", "1.17", "8.30", "1.19"],
    ]);
    expect(targetLines([rows[0], ...measured], [])).toContain(
      "  met    npm run plan within 1.3× of the program and under 10 s at 1,000 tenants: 8.30 s (program 7.00 s)",
    );
    const slow = withProcess(rows[2], 9000, [12500], [12000]);
    expect(targetLines([rows[0], rows[1], slow], [])).toContain(
      "  missed npm run plan within 1.3× of the program and under 10 s at 1,000 tenants: 12.50 s (program 9.00 s)",
    );
  });

  it("prints the start-up under each loader, or nothing when it was skipped", () => {
    const measured = (ms: number, mib: number) => summarise([sample(ms, mib), sample(ms + 100, mib - 10), sample(ms + 200, mib - 20)]);
    const text = renderStartup([
      { loader: "tsx", tenants: 1000, processMs: 6900, program: measured(5600, 960) },
      { loader: "ts-node, type-checked", tenants: 1000, processMs: 17250, program: measured(8100, 1500) },
    ]);
    expect(text.trimEnd().split("\n")).toEqual([
      "start-up at 1,000 tenants, cold caches as on a fresh CI runner (median of 3):",
      "  loader                process s program s peak MiB",
      "  tsx                        6.90      5.70      960",
      "  ts-node, type-checked     17.25      8.20     1500",
    ]);
    expect(renderStartup([])).toBe("");
  });

  it("reports a 10,000-tenant run that did not complete as a missed target", () => {
    const failed = ["10000 tenants (environment): did not complete: bench-child program 10000 environment failed: heap out of memory"];
    const lines = targetLines(rows, failed);
    expect(lines.at(-1)).toBe("  missed 10,000 tenants in one process");
    expect(renderBench(rows, failed)).toContain(failed[0]);
  });
});

describe("the bench's child process", () => {
  it("plans a synthetic fleet with the bench's own stack config (which must stay valid as settings change)", async () => {
    const { spawnSync } = await import("node:child_process");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const recording = path.join(mkdtempSync(path.join(tmpdir(), "tf-bench-test-")), "registrations.json");
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "src/tools/bench/child.ts"), "program", "5", "repository", recording],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const line = JSON.parse(r.stdout);
    expect(line).toMatchObject({ mode: "program", count: 5, scope: "repository" });
    expect(line.registrations).toBeGreaterThan(5 * 3);
  });
});
