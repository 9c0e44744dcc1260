/** The consumption API stand-in keeps the rules it cites (test/usage/consumptionStandIn.ts), one test per rule. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STAND_IN_KEY } from "./adopt/neonOrgStandIn";
import { BUCKET, startConsumptionStandIn, type ConsumptionStandIn } from "./usage/consumptionStandIn";
import { consumptionProject, ORG } from "./usage/fleet";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const BASE = { org_id: ORG, from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z", granularity: "monthly", metrics: "compute_unit_seconds" };

describe("the consumption API stand-in", () => {
  let neon: ConsumptionStandIn;
  let clock = NOW;

  const get = async (query: Record<string, string> | string) => {
    const qs = typeof query === "string" ? query : new URLSearchParams(query).toString();
    const res = await fetch(`${neon.url}/consumption_history/v2/projects?${qs}`, { headers: { authorization: `Bearer ${STAND_IN_KEY}` } });
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      body: (await res.json()) as {
        projects: { project_id: string; periods: { consumption: { timeframe_start: string; metrics: { metric_name: string; value: number }[] }[] }[] }[];
        pagination?: { cursor?: string };
      },
    };
  };
  /** Each test starts with a full bucket. */
  const later = () => void (clock += 120_000);

  beforeAll(async () => {
    neon = await startConsumptionStandIn(ORG, { now: () => clock });
    for (let i = 0; i < 5; i++)
      neon.consumption.set(
        `p${i}`,
        consumptionProject(`p${i}`, `2026-0${i + 1}-01T00:00:00Z`, [
          { at: "2026-11-02T05:00:00Z", metrics: { compute_unit_seconds: 100 * (i + 1), root_branch_bytes_month: 1 } },
          { at: "2026-11-02T07:30:00Z", metrics: { compute_unit_seconds: 10 } },
          { at: "2026-12-03T00:00:00Z", metrics: { compute_unit_seconds: 1 } },
        ]),
      );
    neon.consumption.set("idle", consumptionProject("idle", "2026-06-01T00:00:00Z", []));
  });
  afterAll(async () => neon?.stop());

  it("1. refuses a call without org_id, from, to, granularity or metrics", async () => {
    later();
    for (const key of Object.keys(BASE)) {
      const { [key as keyof typeof BASE]: _, ...rest } = BASE;
      expect((await get(rest)).status, key).toBe(400);
    }
  });

  it("2. takes the supported metric names, comma-separated or repeated, and refuses any other", async () => {
    later();
    expect((await get({ ...BASE, metrics: "compute_unit_seconds,root_branch_bytes_month" })).status).toBe(200);
    expect(
      (await get(`${new URLSearchParams({ ...BASE }).toString()}&metrics=root_branch_bytes_month`)).body.projects[0].periods[0].consumption[0].metrics,
    ).toHaveLength(2);
    expect((await get({ ...BASE, metrics: "compute_time_seconds" })).status).toBe(400);
  });

  it("3. rounds from and to down to the granularity, and refuses what is before 2024-03 or beyond the lookback with 406", async () => {
    later();
    const daily = await get({ ...BASE, granularity: "daily", from: "2026-11-02T06:00:00Z", to: "2026-11-03T06:00:00Z" });
    // From 2026-11-02T00:00 to 2026-11-03T00:00: both samples of the 2nd, in one step.
    expect(daily.body.projects[0].periods[0].consumption.map((c) => c.timeframe_start)).toEqual(["2026-11-02T00:00:00.000Z"]);
    expect((await get({ ...BASE, granularity: "weekly" })).status).toBe(400);
    expect((await get({ ...BASE, from: "2024-02-01T00:00:00Z" })).status).toBe(406);
    expect((await get({ ...BASE, granularity: "daily", from: "2026-10-07T00:00:00Z" })).status).toBe(406);
    expect((await get({ ...BASE, granularity: "daily", from: "2026-10-09T00:00:00Z" })).status).toBe(200);
    expect((await get({ ...BASE, granularity: "hourly", from: "2026-11-30T11:00:00Z" })).status).toBe(406);
    expect((await get({ ...BASE, from: "2025-12-01T00:00:00Z" })).status).toBe(406);
  });

  it("4. pages 1 to 100 projects (10 by default) and filters to at most 100 project_ids", async () => {
    later();
    expect((await get({ ...BASE, limit: "0" })).status).toBe(400);
    expect((await get({ ...BASE, limit: "101" })).status).toBe(400);
    expect((await get({ ...BASE, project_ids: Array.from({ length: 101 }, (_, i) => `x${i}`).join(",") })).status).toBe(400);
    expect((await get({ ...BASE, project_ids: "p1,p3" })).body.projects.map((p) => p.project_id)).toEqual(["p3", "p1"]);
  });

  it("5. orders by creation, newest first, and continues after the cursor", async () => {
    later();
    const first = await get({ ...BASE, limit: "3" });
    expect(first.body.projects.map((p) => p.project_id)).toEqual(["p4", "p3", "p2"]);
    const second = await get({ ...BASE, limit: "3", cursor: first.body.pagination!.cursor! });
    expect(second.body.projects.map((p) => p.project_id)).toEqual(["p1", "p0"]);
    // The last page carries a cursor too: the client must see it is done.
    expect(second.body.pagination?.cursor).toBe("p0");
  });

  it("6. sums each step's samples within [from, to), oldest first, and leaves out a project with nothing in the window", async () => {
    later();
    const hourly = await get({ ...BASE, granularity: "hourly", from: "2026-12-03T00:00:00Z", to: "2026-12-03T02:00:00Z", project_ids: "p0" });
    expect(hourly.body.projects[0].periods[0].consumption).toHaveLength(1);
    const monthly = await get({ ...BASE, project_ids: "p2,idle" });
    expect(monthly.body.projects.map((p) => p.project_id)).toEqual(["p2"]);
    expect(monthly.body.projects[0].periods[0].consumption[0].metrics).toEqual([{ metric_name: "compute_unit_seconds", value: 310 }]);
  });

  it("7. answers 429 with Retry-After once the bucket of about 30 a minute is empty, and refills at that rate", async () => {
    later();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i <= BUCKET; i++) {
      const r = await get(BASE);
      statuses.push(r.status);
      retryAfter = r.retryAfter;
    }
    expect(statuses.slice(0, BUCKET).every((s) => s === 200)).toBe(true);
    expect(statuses[BUCKET]).toBe(429);
    expect(retryAfter).toBe("2");
    clock += 2000;
    expect((await get(BASE)).status).toBe(200);
    expect((await get(BASE)).status).toBe(429);
  });
});
