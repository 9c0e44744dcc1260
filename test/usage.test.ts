/**
 * `npm run fleet -- usage` against a stand-in of Neon's consumption API (test/usage/consumptionStandIn.ts,
 * its rules cited there): a fleet of 50 tenants whose 48 projects answer over two pages; the
 * figures and costs exact, the flags right, the calls as computed; Neon's 429s waited out.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "@neondatabase/api-client";
import { usageReport, type UsageRequest } from "../src/operations/usage/command";
import { usageFlow } from "../src/operations/usage/cli";
import { renderCsv, renderJson, renderMarkdown, type UsageDocument } from "../src/operations/usage/format";
import { usageWindow } from "../src/operations/usage/window";
import { ownedProjects, trackedProjectIds } from "../src/review/orphans";
import { projectArgs } from "../src/plan/projects/args";
import { resolveStackInputs } from "../src/plan/inputs";
import { projectSettings } from "../src/core/config/settings";
import { readStackConfig } from "../src/core/config/stackFiles";
import { PUBLISHED_PRICES } from "../src/core/usagePrices";
import type { Tenant } from "../tenants/model";
import { ROOT } from "./program";
import { STAND_IN_KEY } from "./adopt/neonOrgStandIn";
import { startConsumptionStandIn, type ConsumptionStandIn } from "./usage/consumptionStandIn";
import { consumptionProject, listed, novemberOf, ORG, tenant } from "./usage/fleet";

const NOW = new Date("2026-12-07T12:00:00Z");
const CREATED = (i: number) => `2026-01-${String((i % 28) + 1).padStart(2, "0")}T08:00:00Z`;

/** The fleet: who consumed what (CU-hours in November), and the settings each case needs. */
function fleet(): { tenants: Tenant[]; cuHours: Map<string, number>; created: Map<string, string> } {
  const tenants: Tenant[] = [];
  const cuHours = new Map<string, number>();
  const created = new Map<string, string>();
  for (let i = 0; i < 50; i++) {
    const id = `t${String(i).padStart(2, "0")}`;
    const special: Partial<Tenant> =
      i === 5
        ? { quota: { computeTimeHours: 6 } }
        : i === 6
          ? { quota: { computeTimeHours: 100 } }
          : i === 7
            ? { quota: { dataTransferGiB: 2 } }
            : i === 8
              ? { compute: { minCu: 2, maxCu: 4, suspendAfterSeconds: 300 } }
              : i === 10 || i === 11
                ? { compute: { minCu: 1, maxCu: 2, suspendAfterSeconds: 300 } }
                : i === 43
                  ? { compute: { minCu: 0.5, maxCu: 2, suspendAfterSeconds: 300 } }
                  : i === 45 || i === 46
                    ? { neonProjectId: `bound-project-${i}` }
                    : i === 49
                      ? { status: "retired" }
                      : {};
    tenants.push(tenant(id, special));
    cuHours.set(id, i === 10 ? 72 : i === 11 ? 71 : i === 43 ? 19 : i + 1);
    created.set(id, i === 43 ? "2026-11-16T00:00:00Z" : CREATED(i));
  }
  return { tenants, cuHours, created };
}

/** The organisation: the tenants' projects (none for t47, t48; nothing consumed by t44's), ten others. */
function seed(neon: ConsumptionStandIn, f: ReturnType<typeof fleet>): Map<string, string> {
  const projectOf = new Map<string, string>();
  for (const [i, t] of f.tenants.entries()) {
    if (t.id === "t47" || t.id === "t48") continue;
    const id = t.neonProjectId ?? `proj-${t.id}`;
    const name = t.neonProjectId ? `Legacy ${t.id}` : projectArgs(t, ORG).name;
    neon.projects.set(id, listed(id, name, f.created.get(t.id)!));
    neon.consumption.set(id, consumptionProject(id, f.created.get(t.id)!, t.id === "t44" ? [] : novemberOf(i, f.cuHours.get(t.id)!)));
    projectOf.set(t.id, id);
  }
  for (let k = 0; k < 10; k++) {
    neon.projects.set(`other-${k}`, listed(`other-${k}`, `Someone else ${k}`, CREATED(k)));
    neon.consumption.set(`other-${k}`, consumptionProject(`other-${k}`, CREATED(k), novemberOf(1, 500)));
  }
  return projectOf;
}

describe("fleet usage against the consumption API stand-in", () => {
  let neon: ConsumptionStandIn;
  let clock = NOW.getTime();
  const now = () => clock;
  const sleep = async (ms: number) => void (clock += ms);
  const f = fleet();
  let projectOf: Map<string, string>;
  let doc: UsageDocument;

  const request = (over: Partial<UsageRequest> = {}): UsageRequest => ({
    api: createApiClient({ apiKey: STAND_IN_KEY, baseURL: neon.url }),
    stack: "prod",
    org: ORG,
    tenants: f.tenants,
    window: usageWindow("2026-11", NOW).window!,
    pricePlan: "launch",
    priceOverrides: {},
    ownedProjects,
    reader: { now, sleep },
    consumption: { now, sleep, pageLimit: 25 },
    ...over,
  });

  beforeAll(async () => {
    neon = await startConsumptionStandIn(ORG, { now });
    projectOf = seed(neon, f);
    doc = await usageReport(request());
  });
  afterAll(async () => neon?.stop());

  it("reads 48 projects' consumption in two pages of one batch, with one listing page: three calls", () => {
    const calls = neon.consumptionCalls;
    expect(calls.map((c) => c.status)).toEqual([200, 200]);
    // One batch: every project id in each call; the second page after the first's cursor.
    expect(calls[0].query.get("project_ids")!.split(",")).toHaveLength(48);
    expect(calls[0].query.get("cursor")).toBeNull();
    expect(calls[1].query.get("cursor")).toBeTruthy();
    expect(Object.fromEntries(calls[0].query)).toMatchObject({
      org_id: ORG,
      from: "2026-11-01T00:00:00Z",
      to: "2026-12-01T00:00:00Z",
      granularity: "monthly",
      limit: "25",
    });
    expect(calls[0].query.get("metrics")!.split(",").sort()).toEqual(
      [
        "child_branch_bytes_month",
        "compute_unit_seconds",
        "instant_restore_bytes_month",
        "private_network_transfer_bytes",
        "public_network_transfer_bytes",
        "root_branch_bytes_month",
        "snapshot_storage_bytes_month",
      ].sort(),
    );
    const listings = neon.requests.filter((r) => r.path.startsWith("/api/v2/projects?"));
    expect(listings).toHaveLength(1);
    expect(doc.calls).toEqual({ listing: 1, consumption: 2, retries: 0, waitedSeconds: 0 });
  });

  it("gives each tenant its November figures, exactly, and its cost at Launch's published rates", () => {
    const launch = PUBLISHED_PRICES.launch;
    for (const [i, t] of f.tenants.entries()) {
      const row = doc.tenants.find((r) => r.id === t.id)!;
      if (t.id === "t47" || t.id === "t48") {
        expect(row.usage).toBeUndefined();
        expect(row.projectIds).toEqual([]);
        continue;
      }
      expect(row.projectIds).toEqual([projectOf.get(t.id)]);
      if (t.id === "t44") {
        expect(row.usage?.computeCuHours).toBe(0);
        continue;
      }
      const cu = f.cuHours.get(t.id)!;
      const child = i === 0 ? 2 : 0;
      expect(row.usage).toEqual({
        computeCuHours: cu,
        rootGbMonths: 2,
        childGbMonths: child,
        instantRestoreGbMonths: 0.5,
        snapshotGbMonths: 1,
        publicTransferGb: 3,
        privateTransferGb: 0,
      });
      const total = cu * launch.computeCuHour + (2 + child) * launch.storageGbMonth + 0.5 * 0.2 + 1 * 0.09 + 3 * 0.1;
      expect(row.cost!.total, t.id).toBeCloseTo(total, 10);
    }
    // t03: 4 CU-h × 0.106 + 2 × 0.35 + 0.5 × 0.20 + 1 × 0.09 + 3 × 0.10 = 1.614
    const json = JSON.parse(renderJson(doc)) as { version: number; tenants: { id: string; cost: { total: number } }[] };
    expect(json.version).toBe(1);
    expect(json.tenants.find((t) => t.id === "t03")!.cost.total).toBe(1.614);
  });

  it("flags what is over its quota, far under its compute, without a project or without consumption, and nothing else", () => {
    const flags = Object.fromEntries(doc.tenants.filter((r) => r.flags.length).map((r) => [r.id, r.flags.map((x) => x.kind)]));
    expect(flags).toEqual({
      t05: ["over-quota"],
      t07: ["over-quota"],
      t08: ["far-under-compute"],
      t11: ["far-under-compute"],
      t44: ["no-consumption"],
      t47: ["no-project"],
      t48: ["no-project"],
    });
    expect(doc.flagged).toBe(7);
    // t43 was created half-way through November: its 19 CU-h are averaged over its 360 hours (0.053 CU, over 10 % of 0.5).
    expect(doc.tenants.find((r) => r.id === "t43")!.averageCu).toBeCloseTo(19 / 360, 12);
  });

  it("renders the same figures as a table, as CSV and as JSON", () => {
    const md = renderMarkdown(doc);
    expect(md).toContain("Neon usage of stack prod (org-usage-test-12345678), 2026-11: 50 tenant(s), 7 flagged.");
    expect(md).toContain(
      "| t03 (Tenant t03) | active | 4.00 | 0.006 | 2.000 | 0.500 | 1.000 | 3.000 | 1.61 | 0.25–2 CU, suspends after 300 s | none | PITR 24 h; dumps 17 3 \\* \\* \\*, kept 14 d |  |",
    );
    expect(md).toContain("| **total** |  | 1228.00 |");
    const csv = renderCsv(doc).split("\r\n");
    expect(csv).toHaveLength(52);
    expect(csv[0].split(",")[0]).toBe("tenant");
    expect(csv.find((l) => l.startsWith("t49,"))).toContain(",retired,");
    expect(csv.find((l) => l.startsWith("t03,"))).toBe(
      't03,Tenant t03,active,aws-eu-central-1,proj-t03,4,0.005556,2,0,0.5,1,3,0,0.424,0.7,0.1,0.09,0.3,1.614,0.25,2,300,none,"PITR 24 h; dumps 17 3 * * *, kept 14 d",',
    );
    expect(JSON.parse(renderJson(doc)).totals.usage.computeCuHours).toBe(1228);
  });
});

describe("fleet usage within the consumption limiter", () => {
  it("waits out the 429s of the ~30 a minute bucket, one project a call, and still reports every figure", async () => {
    let clock = NOW.getTime();
    const now = () => clock;
    const sleep = async (ms: number) => void (clock += ms);
    const neon = await startConsumptionStandIn(ORG, { now });
    try {
      const f = fleet();
      seed(neon, f);
      const doc = await usageReport({
        api: createApiClient({ apiKey: STAND_IN_KEY, baseURL: neon.url }),
        stack: "prod",
        org: ORG,
        tenants: f.tenants,
        window: usageWindow("2026-11", NOW).window!,
        pricePlan: "scale",
        priceOverrides: { computeCuHour: 0.3 },
        ownedProjects,
        reader: { now, sleep },
        // Faster than the bucket refills (120 a minute against 30): Neon's 429s must be waited out.
        consumption: { now, sleep, requestsPerMinute: 120, batchSize: 1 },
      });
      const refused = neon.consumptionCalls.filter((c) => c.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(neon.consumptionCalls.filter((c) => c.status === 200)).toHaveLength(48);
      expect(doc.calls.consumption).toBe(48 + refused.length);
      expect(doc.calls.retries).toBe(refused.length);
      expect(doc.tenants.find((r) => r.id === "t20")!.usage!.computeCuHours).toBe(21);
      // usagePrices over the Scale list: compute at 0.30, storage at Scale's 0.35.
      expect(doc.tenants.find((r) => r.id === "t20")!.cost!.compute).toBeCloseTo(6.3, 10);
      expect(doc.tenants.find((r) => r.id === "t20")!.cost!.storage).toBeCloseTo(0.7, 10);
      process.stdout.write(
        `fleet usage: 48 projects one a call at 120/min: ${doc.calls.consumption} consumption calls, ${refused.length} 429s waited out (${doc.calls.waitedSeconds} s)\n`,
      );
    } finally {
      await neon.stop();
    }
  });
});

describe("npm run fleet -- usage on the sample prod stack", () => {
  it("finds the stack's tenants' projects by name, reads them and writes the chosen format", async () => {
    const clock = NOW.getTime();
    const neon = await startConsumptionStandIn("org-quiet-river-40213377", { now: () => clock });
    const cfg = readStackConfig(ROOT, "prod");
    const r = resolveStackInputs(projectSettings(cfg.config), { stack: "prod", file: cfg.stackFile, text: cfg.stackFileText }, ROOT);
    const saved = process.env.NEON_API_KEY;
    try {
      for (const [i, t] of r.fleet!.tenants.entries()) {
        const a = projectArgs(t, r.settings!.neonOrgId);
        neon.projects.set(`p-${t.id}`, listed(`p-${t.id}`, a.name, CREATED(i), a.regionId));
        neon.consumption.set(`p-${t.id}`, consumptionProject(`p-${t.id}`, CREATED(i), novemberOf(i, 10)));
      }
      process.env.NEON_API_KEY = STAND_IN_KEY;
      const out = path.join(mkdtempSync(path.join(tmpdir(), "usage-")), "usage.json");
      const code = await usageFlow(
        ["--stack", "prod", "--month", "2026-11", "--format", "json", "--out", out, "--api-url", neon.url],
        { ownedProjects, trackedProjectIds },
        () => NOW,
      );
      expect(code).toBe(0);
      const doc = JSON.parse(readFileSync(out, "utf8")) as { version: number; tenants: { id: string; usage?: { computeCuHours: number } }[]; prices?: unknown };
      expect(doc.version).toBe(1);
      expect(doc.tenants.map((t) => t.id)).toEqual(r.fleet!.tenants.map((t) => t.id));
      for (const t of doc.tenants) expect(t.usage?.computeCuHours, t.id).toBe(10);
      // The sample stack sets no prices: no cost, said so.
      expect(doc.prices).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.NEON_API_KEY;
      else process.env.NEON_API_KEY = saved;
      await neon.stop();
    }
  });
});
