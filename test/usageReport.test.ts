/**
 * The usage report's pure parts, without any API: the month's window, units, costs, flags, the
 * prices settings, the batching and paging of the consumption reads (on a scripted client),
 * and the renderings' escaping.
 */
import { describe, expect, it } from "vitest";
import { usageWindow } from "../src/operations/usage/window";
import { costOf, farUnder, FAR_UNDER_FRACTION, hoursExisting, layersOf, quotaFlags, tenantRow, usageOf, type Usage } from "../src/operations/usage/report";
import { batches, readConsumption, REPORTED_METRICS, sumProject, zeroTotals, type RawTotals } from "../src/operations/usage/consumption";
import { pricesLine, renderCsv, renderJson, renderMarkdown, usageDocument } from "../src/operations/usage/format";
import { NeonReader } from "../src/operations/adopt/reader";
import type { NeonApi } from "../src/operations/neonApi";
import { PUBLISHED_PRICES, resolvePrices } from "../src/core/usagePrices";
import { parseStackSettings } from "../src/core/config/settings";
import { tenant } from "./usage/fleet";

const NOW = new Date("2026-12-07T12:00:00Z");
const raw = (over: Partial<RawTotals>): RawTotals => ({ ...zeroTotals(), ...over });

describe("the month's window", () => {
  it("asks for a past month whole and the current one to date, monthly, from its first instant to the next month's", () => {
    expect(usageWindow("2026-11", NOW).window).toEqual({
      month: "2026-11",
      from: "2026-11-01T00:00:00Z",
      to: "2026-12-01T00:00:00Z",
      granularity: "monthly",
      complete: true,
      hoursElapsed: 720,
    });
    expect(usageWindow(undefined, NOW).window).toMatchObject({ month: "2026-12", to: "2027-01-01T00:00:00Z", complete: false, hoursElapsed: 6 * 24 + 12 });
    expect(usageWindow("2026-02", NOW).window!.hoursElapsed).toBe(28 * 24);
  });

  it("refuses what is not a month, a month to come, and what Neon no longer keeps (one year of monthly history, from 2024-03)", () => {
    expect(usageWindow("2026-1", NOW).problem).toBe('--month "2026-1" is not a month; write it YYYY-MM, e.g. --month 2026-12');
    expect(usageWindow("2027-01", NOW).problem).toMatch(/has not begun/);
    // 365 days before 2026-12-07 is 2025-12-07: December 2025 starts before it, so Neon would refuse its `from` (406).
    expect(usageWindow("2026-01", NOW).window).toBeDefined();
    expect(usageWindow("2025-12", NOW).problem).toBe("--month 2025-12: Neon keeps monthly consumption for the last year only (2026-01 on); name a later month");
    expect(usageWindow("2024-02", new Date("2025-01-15T00:00:00Z")).problem).toMatch(/starts in 2024-03/);
  });
});

describe("units and costs (Neon's usage calculations)", () => {
  it("converts CU-seconds to CU-hours, byte-hours to GB-months of 744 hours, bytes to decimal GB", () => {
    // The examples of https://neon.com/docs/introduction/usage-calculations: 500000 CU-s = 138.89 CU-h; 2.5e12 byte-hours = 3.36 GB-months.
    const u = usageOf(raw({ compute_unit_seconds: 500_000, root_branch_bytes_month: 2_500_000_000_000, public_network_transfer_bytes: 1.5e9 }));
    expect(u.computeCuHours).toBeCloseTo(138.888_889, 5);
    expect(u.rootGbMonths).toBeCloseTo(3.360_215, 5);
    expect(u.publicTransferGb).toBe(1.5);
    // Their costs on Scale: $30.83 and $1.18.
    const c = costOf(u, PUBLISHED_PRICES.scale);
    expect(c.compute).toBeCloseTo(30.83, 2);
    expect(c.storage).toBeCloseTo(1.18, 2);
  });

  it("prices each unit at its own rate and sums them", () => {
    const u: Usage = {
      computeCuHours: 10,
      rootGbMonths: 1,
      childGbMonths: 1,
      instantRestoreGbMonths: 2,
      snapshotGbMonths: 4,
      publicTransferGb: 5,
      privateTransferGb: 100,
    };
    const c = costOf(u, PUBLISHED_PRICES.scale);
    expect(c).toEqual({ compute: 2.22, storage: 0.7, instantRestore: 0.4, snapshots: 0.36, transfer: 0.5 + 1, total: c.total });
    expect(c.total).toBeCloseTo(2.22 + 0.7 + 0.4 + 0.36 + 1.5, 12);
  });

  it("takes a plan's published list with overrides on top, and gives no prices while a unit has none", () => {
    expect(resolvePrices("launch", {}).prices).toEqual(PUBLISHED_PRICES.launch);
    expect(resolvePrices("launch", { computeCuHour: 0.2 }).prices!.computeCuHour).toBe(0.2);
    expect(resolvePrices(undefined, { computeCuHour: 0.2 })).toEqual({
      missing: ["storageGbMonth", "instantRestoreGbMonth", "snapshotGbMonth", "publicTransferGb", "privateTransferGb"],
    });
  });
});

describe("the prices settings", () => {
  const parse = (raw: Record<string, string>) =>
    parseStackSettings({ githubOwner: "o", githubRepository: "r", backupEncryption: "s3", ...raw }, { stack: "t", file: "Pulumi.t.yaml", text: "" });

  it("reads the plan and the overrides", () => {
    const s = parse({ usagePricePlan: "scale", usagePrices: "computeCuHour=0.25,snapshotGbMonth=0.1" }).settings!;
    expect(s.usage).toEqual({ pricePlan: "scale", prices: { computeCuHour: 0.25, snapshotGbMonth: 0.1 } });
    expect(parse({}).settings!.usage).toEqual({ pricePlan: undefined, prices: {} });
  });

  it.each([
    [{ usagePricePlan: "agent" }, /"agent" is not a plan whose rates Neon publishes; use launch or scale/],
    [{ usagePrices: "compute=0.1" }, /UNIT=DOLLARS with UNIT one of computeCuHour, storageGbMonth/],
    [{ usagePrices: "computeCuHour=0.1,computeCuHour=0.2" }, /a unit is priced twice/],
    [{ usagePrices: "computeCuHour=106" }, /above 100 dollars a unit/],
    [{ usagePrices: "computeCuHour=-1" }, /UNIT=DOLLARS/],
  ])("refuses %j", (raw, message) => {
    const r = parse(raw);
    expect(r.settings).toBeUndefined();
    expect(r.problems.map((p) => p.message).join("\n")).toMatch(message);
  });
});

describe("flags", () => {
  const u = (over: Partial<Usage>): Usage => ({ ...usageOf(zeroTotals()), ...over });

  it("over quota: compute against computeTimeHours, transfer in GiB against dataTransferGiB, at the quota already", () => {
    const t = tenant("a", { quota: { computeTimeHours: 10, dataTransferGiB: 1, activeTimeHours: 1 } });
    expect(quotaFlags(t, u({ computeCuHours: 9.99, publicTransferGb: 1.07 }))).toEqual([]);
    expect(quotaFlags(t, u({ computeCuHours: 10, publicTransferGb: 1, privateTransferGb: 0.08 })).map((f) => f.detail)).toEqual([
      "compute 10 CU-h of quota.computeTimeHours 10",
      "transfer 1.01 GiB of quota.dataTransferGiB 1",
    ]);
  });

  it(`far under: average below ${FAR_UNDER_FRACTION * 100} % of a minimum above 0.25 CU`, () => {
    const big = tenant("b", { compute: { minCu: 2, maxCu: 4, suspendAfterSeconds: 300 } });
    expect(farUnder(big, 0.199)?.kind).toBe("far-under-compute");
    expect(farUnder(big, 0.2)).toBeUndefined();
    expect(farUnder(tenant("c"), 0)).toBeUndefined();
    expect(farUnder(big, undefined)).toBeUndefined();
  });

  it("averages over the hours the project existed in the window", () => {
    const w = usageWindow("2026-11", NOW).window!;
    expect(hoursExisting(w, [{ id: "p" }])).toBe(720);
    expect(hoursExisting(w, [{ id: "p", createdAt: "2026-11-30T12:00:00Z" }])).toBe(12);
    expect(hoursExisting(w, [{ id: "p", createdAt: "2026-12-02T00:00:00Z" }])).toBe(0);
    expect(
      hoursExisting(w, [
        { id: "p", createdAt: "2025-01-01T00:00:00Z" },
        { id: "q", createdAt: "2026-11-20T00:00:00Z" },
      ]),
    ).toBe(720);
    const row = tenantRow({ tenant: tenant("d"), projects: [{ id: "p", createdAt: "2026-12-02T00:00:00Z" }] }, new Map(), w, undefined);
    expect(row.averageCu).toBeUndefined();
    expect(row.flags.map((f) => f.kind)).toEqual(["no-consumption"]);
  });

  it("sums a moved tenant's two projects", () => {
    const w = usageWindow("2026-11", NOW).window!;
    const totals = new Map([
      ["p1", raw({ compute_unit_seconds: 3600 })],
      ["p2", raw({ compute_unit_seconds: 7200 })],
    ]);
    const row = tenantRow({ tenant: tenant("e"), projects: [{ id: "p1" }, { id: "p2" }] }, totals, w, PUBLISHED_PRICES.launch);
    expect(row.usage!.computeCuHours).toBe(3);
    expect(row.cost!.compute).toBeCloseTo(0.318, 12);
  });
});

describe("backup layers", () => {
  it("shows the PITR window, the dumps when on, and Neon snapshots once the tenant declares them", () => {
    expect(layersOf(tenant("a"))).toEqual({ pitrHours: 24, dumps: { schedule: "17 3 * * *", retentionDays: 14 } });
    expect(layersOf(tenant("b", { status: "retired" }))).toEqual({ pitrHours: 24 });
    const withSnapshots = tenant("c", { backup: { ...tenant("c").backup, snapshots: { frequency: "daily", hour: 2, retentionDays: 7 } } as never });
    expect(layersOf(withSnapshots).snapshots).toEqual({ frequency: "daily", hour: 2, retentionDays: 7 });
  });
});

describe("reading consumption in batches and pages", () => {
  /** A scripted client: answers each call from `pages`, records the calls. */
  function scripted(answer: (q: { project_ids?: string[]; cursor?: string; limit?: number }) => { projects: unknown[]; pagination?: { cursor: string } }) {
    const calls: { project_ids?: string[]; cursor?: string; limit?: number }[] = [];
    const api = {
      getConsumptionHistoryPerProjectV2: async (q: { project_ids?: string[]; cursor?: string; limit?: number }) => {
        calls.push(q);
        return { data: answer(q) };
      },
    } as unknown as NeonApi;
    return { api, calls };
  }
  const project = (id: string, cus = 3600) => ({
    project_id: id,
    periods: [{ period_id: "x", period_plan: "launch", period_start: "", consumption: [{ metrics: [{ metric_name: "compute_unit_seconds", value: cus }] }] }],
  });
  const query = { org: "org-a", from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z", granularity: "monthly" as const };
  const reader = (api: NeonApi) => new NeonReader(api, { requestsPerMinute: 1e6, sleep: async () => {} });

  it("asks for at most 100 projects a call: 230 projects are three calls", async () => {
    const ids = Array.from({ length: 230 }, (_, i) => `p${i}`);
    const { api, calls } = scripted((q) => ({ projects: q.project_ids!.map((id) => project(id)), pagination: { cursor: "c" } }));
    const totals = await readConsumption(reader(api), api, { ...query, projectIds: ids });
    expect(calls.map((c) => c.project_ids!.length)).toEqual([100, 100, 30]);
    expect(calls.every((c) => c.limit === 100 && c.cursor === undefined)).toBe(true);
    expect(totals.size).toBe(230);
    expect(batches(ids, 100).map((b) => b.length)).toEqual([100, 100, 30]);
  });

  it("follows the cursor while projects are missing, stops once every one has answered, and refuses a cursor that does not move", async () => {
    const ids = ["a", "b", "c", "d"];
    const pages: Record<string, { projects: unknown[]; pagination?: { cursor: string } }> = {
      "": { projects: [project("a"), project("b")], pagination: { cursor: "b" } },
      b: { projects: [project("c"), project("d")], pagination: { cursor: "d" } },
    };
    const ok = scripted((q) => pages[q.cursor ?? ""]);
    await readConsumption(reader(ok.api), ok.api, { ...query, projectIds: ids, pageLimit: 2 });
    // The second page is full and carries a cursor, but every project has answered: no third call.
    expect(ok.calls.map((c) => c.cursor)).toEqual([undefined, "b"]);
    const stuck = scripted(() => ({ projects: [project("a"), project("b")], pagination: { cursor: "b" } }));
    await expect(readConsumption(reader(stuck.api), stuck.api, { ...query, projectIds: ids, pageLimit: 2 })).rejects.toThrow(/does not advance/);
  });

  it("sums every period and timeframe, counts a metric left out as 0, ignores metrics it did not ask for, refuses a value that is no count", () => {
    const p = {
      project_id: "a",
      periods: [
        {
          consumption: [
            {
              metrics: [
                { metric_name: "compute_unit_seconds", value: 10 },
                { metric_name: "extra_branches_month", value: 99 },
              ],
            },
            { metrics: [] },
          ],
        },
        {
          consumption: [
            {
              metrics: [
                { metric_name: "compute_unit_seconds", value: 5 },
                { metric_name: "snapshot_storage_bytes_month", value: 7 },
              ],
            },
          ],
        },
      ],
    };
    expect(sumProject(p as never)).toEqual({ ...zeroTotals(), compute_unit_seconds: 15, snapshot_storage_bytes_month: 7 });
    expect(REPORTED_METRICS).not.toContain("extra_branches_month");
    const bad = { project_id: "a", periods: [{ consumption: [{ metrics: [{ metric_name: "compute_unit_seconds", value: -1 }] }] }] };
    expect(() => sumProject(bad as never)).toThrow(/reported -1 for compute_unit_seconds of a/);
  });
});

describe("renderings", () => {
  const w = usageWindow("2026-11", NOW).window!;
  const evil = tenant("evil", { name: '=HYPERLINK("x"), | *bold* <b>\nnext' });
  const doc = usageDocument({
    stack: "prod",
    org: "org-a",
    window: w,
    pricesMissing: ["computeCuHour"],
    tenants: [tenantRow({ tenant: evil, projects: [{ id: "p" }] }, new Map([["p", raw({ compute_unit_seconds: 7200 })]]), w, undefined)],
    calls: { listing: 1, consumption: 1, retries: 0, waitedSeconds: 0 },
  });

  it("CSV is RFC 4180 (CRLF, quoted fields, doubled quotes) and defused against formulas", () => {
    const lines = renderCsv(doc).split("\r\n");
    expect(lines[1]).toMatch(/^evil,"'=HYPERLINK\(""x""\), \| \*bold\* <b>\nnext",active,aws-eu-central-1,p,2,/);
    expect(lines[2]).toBe("");
  });

  it("Markdown keeps a name inside its cell and says why there is no cost", () => {
    const md = renderMarkdown(doc);
    expect(md).toContain("No costs: no price for computeCuHour; set tenant-fleet:usagePricePlan (launch or scale) or tenant-fleet:usagePrices");
    const row = md.split("\n").find((l) => l.startsWith("| evil"))!;
    expect(row).toContain("\\| \\*bold\\* &lt;b&gt; next");
    expect(row.split(/(?<!\\)\|/)).toHaveLength(15);
  });

  it("says where the prices come from: the published list, what usagePrices sets over it", () => {
    expect(pricesLine({ ...doc, pricePlan: "scale", prices: PUBLISHED_PRICES.scale })).toBe(
      "Prices (US dollars): Neon's published scale rates; public transfer is priced without the organisation's included allowance.",
    );
    expect(pricesLine({ ...doc, pricePlan: "scale", prices: { ...PUBLISHED_PRICES.scale, computeCuHour: 0.3 } })).toMatch(
      /^Prices \(US dollars\): Neon's published scale rates, with usagePrices computeCuHour 0\.3;/,
    );
    expect(pricesLine({ ...doc, prices: PUBLISHED_PRICES.launch })).toMatch(/^Prices \(US dollars\): usagePrices computeCuHour 0\.106, storageGbMonth 0\.35, /);
  });

  it("JSON carries its version, the window and no cost without prices", () => {
    const json = JSON.parse(renderJson(doc));
    expect(json).toMatchObject({ version: 1, stack: "prod", window: { month: "2026-11", complete: true }, pricesMissing: ["computeCuHour"], flagged: 0 });
    expect(json.tenants[0].cost).toBeUndefined();
    expect(json.totals.usage.computeCuHours).toBe(2);
  });
});
