/**
 * Issue 34's done-when: an organisation of 300 existing Neon projects, served by a stand-in of
 * Neon's API with its rate limits, is adopted; the plan of the written file imports every
 * adoptable project, and no input the program sets differs from what Neon reports (the
 * provider's read and Pulumi's import check, src/operations/adopt/providerState.ts), so the
 * first `pulumi up` creates and replaces no Neon project. Prints the time and the calls.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "@neondatabase/api-client";
import { parse } from "yaml";
import { adopt, renderAdoption, type AdoptionReport } from "../src/operations/adopt/command";
import { importDifferences, importedState } from "../src/operations/adopt/providerState";
import { declaredByOrg } from "../src/engine/declaredProjects";
import { fleetContext } from "../src/plan/inputs";
import { parseStackSettingsOrThrow, projectSettings } from "../src/core/config/settings";
import { readStackConfig } from "../src/core/config/stackFiles";
import type { OfflineRun } from "../src/engine/offline";
import { ROOT, runProgram } from "./program";
import { startNeonOrgStandIn, STAND_IN_KEY, type NeonOrgStandIn } from "./adopt/neonOrgStandIn";
import { NOT_ADOPTABLE, ODD_NAMES, ORG, organisation } from "./adopt/org";

const PROJECT = "neon:index/project:Project";
const ADOPTABLE = 300 - ODD_NAMES.length - NOT_ADOPTABLE.length;

describe("adopting an organisation of 300 Neon projects", () => {
  let neon: NeonOrgStandIn;
  let report: AdoptionReport;
  let file: string;
  let plan: OfflineRun;
  let clock = 0;
  let wallMs = 0;

  beforeAll(async () => {
    // One virtual clock for the stand-in's rate limiter and the reader's pacing and waits:
    // minutes of paced traffic run in moments, and the minutes are measured.
    const now = () => clock;
    const sleep = async (ms: number) => void (clock = Math.max(clock, now() + ms));
    neon = await startNeonOrgStandIn(ORG, { now, contentionEvery: 97 });
    for (const p of organisation(ADOPTABLE)) neon.projects.set(p.project.id, p);
    expect(neon.projects.size).toBe(300);

    const cfg = readStackConfig(ROOT, "prod");
    const settings = parseStackSettingsOrThrow(projectSettings(cfg.config), { stack: "prod", file: cfg.stackFile, text: cfg.stackFileText });
    const declared = declaredByOrg(ROOT);
    file = path.join(mkdtempSync(path.join(tmpdir(), "adopt-")), "adopted.yaml");
    const started = performance.now();
    report = await adopt({
      api: createApiClient({ apiKey: STAND_IN_KEY, baseURL: neon.url }),
      org: ORG,
      declared: declared.get(ORG) ?? [],
      takenIds: new Set([...declared.values()].flat().flatMap((d) => (d.tenantId ? [d.tenantId] : []))),
      ctx: fleetContext(settings, cfg.stackFile),
      residencies: settings.allowedResidencies,
      out: file,
      outShown: file,
      schemaPath: "tenants.schema.json",
      force: false,
      reader: { requestsPerMinute: 600, now, sleep },
    });
    wallMs = performance.now() - started;
    plan = await runProgram("prod", [`tenant-fleet:tenantsFile=${file}`], { NEON_API_KEY: "", TENANT_FLEET_ALLOW_OUTSIDE_PROJECT: "1" });
  }, 240_000);

  afterAll(async () => {
    await neon?.stop();
  });

  it("reads the organisation within Neon's limits: paginated, at most four calls a project, every 429 waited out", () => {
    const reads = neon.requests.filter((r) => r.status === 200);
    const refused = neon.requests.filter((r) => r.status === 429);
    const pages = reads.filter((r) => r.path.startsWith("/api/v2/projects?"));
    // 300 projects at 400 a page: one page; the 14 projects named like a declared tenant or refused later are read too, only the declared one is not.
    expect(pages).toHaveLength(1);
    expect(pages[0].path).toContain("limit=400");
    expect(reads.length).toBe(1 + 4 * 299);
    expect(refused.length).toBeGreaterThan(0);
    expect(report.stats.calls).toBe(neon.requests.length);
    expect(report.stats.retries).toBe(refused.length);
    // Never more than 700 accepted in any minute, nor 40 a second on a route (the stand-in's limiter would have refused them).
    const minutes = clock / 60_000;
    process.stdout.write(
      `adopt: 300 projects, ${report.stats.calls} calls (${reads.length} answered, ${refused.length} 429s waited out, ${(report.stats.waitedMs / 1000).toFixed(0)} s), ` +
        `${(wallMs / 1000).toFixed(2)} s wall time here, ${minutes.toFixed(2)} min of paced time at 600 requests/min as against Neon\n`,
    );
    expect(minutes).toBeGreaterThan((reads.length / 600) * 0.95);
  });

  it("adopts every project the tenants file can state, says why for each other, and shows the id mapping", () => {
    expect(report.listed).toBe(300);
    expect(report.adopted).toHaveLength(ADOPTABLE + ODD_NAMES.length);
    expect(report.skipped).toHaveLength(NOT_ADOPTABLE.length);
    for (const s of NOT_ADOPTABLE) {
      const skip = report.skipped.find((x) => x.name === s.name && !report.adopted.some((a) => a.projectId === x.id));
      expect(skip?.why, s.name).toMatch(s.expect);
    }
    for (const o of ODD_NAMES) {
      const a = report.adopted.find((x) => x.name === o.name)!;
      expect(a.tenant, o.name).toBe(o.id === "(project id)" ? a.projectId : o.id);
      expect(a.note, o.name).toBeTruthy();
    }
    const text = renderAdoption(report);
    expect(text).toContain(`${report.adopted.length} adopted into ${file}, ${NOT_ADOPTABLE.length} left out`);
    expect(text).toMatch(/adopted {3}\S+ {2}"Exports" → exports-2 {2}\(exports is reserved\)/);
  });

  it("writes a tenants file the loader takes, each tenant bound to its project with Neon's settings", () => {
    const doc = parse(readFileSync(file, "utf8")) as { tenants: Record<string, unknown>[] };
    expect(doc.tenants).toHaveLength(report.adopted.length);
    const zurich = doc.tenants.find((t) => t.neonProjectId === neon.projects.get(report.adopted[1].projectId)!.project.id)!;
    const p = neon.projects.get(zurich.neonProjectId as string)!;
    expect(zurich).toMatchObject({
      name: p.project.name,
      region: p.project.region_id,
      pgVersion: p.project.pg_version,
      historyRetentionHours: p.project.history_retention_seconds / 3600,
      database: { branch: "main", name: p.databases[0].name, role: p.databases[0].owner_name },
    });
    expect(plan.logs.filter((l) => l.startsWith("error"))).toEqual([]);
  });

  it("plans an import of every adopted project with no input differing from what Neon reports: nothing created or replaced", () => {
    const projects = plan.resources.filter((r) => r.type === PROJECT);
    expect(projects).toHaveLength(report.adopted.length);
    const differing: string[] = [];
    for (const r of projects) {
      const id = r.options.import;
      expect(id, r.name).toBeDefined();
      const observed = neon.projects.get(id!)!;
      expect(observed, r.name).toBeDefined();
      for (const d of importDifferences(r.inputs, importedState(observed)))
        differing.push(`${r.name}: ${d.input} ${JSON.stringify(d.program)} ≠ ${JSON.stringify(d.neon)}`);
    }
    expect(differing).toEqual([]);
    expect(new Set(projects.map((r) => r.options.import)).size).toBe(projects.length);
    // Protected and retained like every tenant's project.
    expect(projects.every((r) => r.options.protect && r.options.retainOnDelete)).toBe(true);
  });

  it("would catch a setting that differs: the check is not vacuous", () => {
    const r = plan.resources.find((x) => x.type === PROJECT)!;
    const observed = structuredClone(neon.projects.get(r.options.import!)!);
    observed.project.history_retention_seconds += 3600;
    observed.project.default_endpoint_settings!.autoscaling_limit_max_cu = 16;
    observed.databases[0].owner_name = "someone_else";
    expect(
      importDifferences(r.inputs, importedState(observed))
        .map((d) => d.input)
        .sort(),
    ).toEqual(["autoscalingLimitMaxCu", "branch.roleName", "historyRetentionSeconds"]);
  });
});
