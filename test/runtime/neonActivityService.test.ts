/**
 * The Neon stand-in the idle check runs against (services/neonActivity.ts) keeps the rules it
 * cites: one test per rule, over HTTP as the planning job's curl sees it. No database, no S3:
 * about a second.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_ACTIVITY_KEY, FIRST_PERIOD, startFakeNeonActivity, type FakeNeonActivity } from "./services/neonActivity";

let neon: FakeNeonActivity;
beforeAll(async () => {
  neon = await startFakeNeonActivity();
});
afterAll(async () => {
  await neon?.stop();
});

async function get(path: string, key = FAKE_ACTIVITY_KEY): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const r = await fetch(`${neon.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown>, retryAfter: r.headers.get("retry-after") };
}
const project = async (id: string) => (await get(`/projects/${id}`)).body.project as Record<string, unknown>;

describe("the Neon stand-in: GET /projects/{id} and written_data_bytes", () => {
  it("answers the Project object, with written_data_bytes and the billing period, which the list items do not carry", async () => {
    neon.projects.set("p-one", undefined);
    neon.write("p-one", 1000);
    const p = await project("p-one");
    expect(p).toMatchObject({ id: "p-one", written_data_bytes: 1000, consumption_period_start: FIRST_PERIOD.start, consumption_period_end: FIRST_PERIOD.end });
    const list = (await get("/projects?limit=400")).body.projects as Record<string, unknown>[];
    expect(list.find((x) => x.id === "p-one")).not.toHaveProperty("written_data_bytes");
  });

  it("counts every write of the period: the value only grows until the period ends", async () => {
    neon.projects.set("p-grow", undefined);
    expect((await project("p-grow")).written_data_bytes).toBe(0);
    neon.write("p-grow", 8192);
    neon.write("p-grow", 100);
    expect((await project("p-grow")).written_data_bytes).toBe(8292);
  });

  it("shows a write only after the lag", async () => {
    neon.projects.set("p-lag", undefined);
    neon.lagMs = 60 * 60 * 1000;
    try {
      neon.write("p-lag", 500);
      expect((await project("p-lag")).written_data_bytes).toBe(0);
      neon.write("p-lag", 700, Date.now() - 61 * 60 * 1000);
      expect((await project("p-lag")).written_data_bytes).toBe(700);
    } finally {
      neon.lagMs = 0;
    }
    expect((await project("p-lag")).written_data_bytes).toBe(1200);
  });

  it("resets the bytes and moves consumption_period_start when a new billing period starts", async () => {
    neon.projects.set("p-reset", undefined);
    neon.write("p-reset", 4096);
    neon.newPeriod("p-reset", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z");
    expect(await project("p-reset")).toMatchObject({ written_data_bytes: 0, consumption_period_start: "2027-01-01T00:00:00Z" });
  });

  it("answers 404 for a project the key does not reach, and 401 for another key", async () => {
    expect((await get("/projects/p-nowhere")).status).toBe(404);
    expect((await get("/projects/p-one", "napi_other")).status).toBe(401);
  });

  it("answers 429 with a Retry-After over 40 requests in a second", async () => {
    const before = neon.calls.length;
    const answers = await Promise.all(Array.from({ length: 45 }, () => get("/projects/p-one")));
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(5);
    expect(answers.find((a) => a.status === 429)!.retryAfter).toMatch(/^\d+$/);
    expect(neon.calls.length - before).toBe(45);
    await new Promise((r) => setTimeout(r, 1100));
  });
});
