/**
 * A stand-in for Neon's GET /consumption_history/v2/projects, served as a route of the
 * organisation stand-in (test/adopt/neonOrgStandIn.ts, which brings authentication, the
 * account's 700/min and 40/s limits and GET /projects). Its rules, each tested in
 * test/usageStandIn.test.ts, from Neon's documentation:
 *
 * 1. `org_id`, `from`, `to`, `granularity` and `metrics` are required, else 400 ("Required
 *    parameters: org_id, from, to, granularity, metrics", https://neon.com/docs/introduction/usage-calculations).
 * 2. `metrics` is a comma-separated list or repeated parameter of the eight supported names,
 *    anything else 400 (operation getConsumptionHistoryPerProjectV2, @neondatabase/api-client 2.7.3
 *    api.gen.d.ts; https://neon.com/docs/reference/api/consumption/get-consumption-history-per-project-v2).
 * 3. `granularity` is hourly, daily or monthly (400 otherwise); `from` and `to` are rounded down to
 *    it; a `from` before 2024-03-01T00:00:00Z or beyond the lookback (hourly 168 hours, daily 60
 *    days, monthly one year) is 406 Not Acceptable (same reference; usage-calculations,
 *    "Granularity and precision").
 * 4. `limit` is 1 to 100 projects a page, default 10; `project_ids` at most 100 (400 otherwise);
 *    with `project_ids` only those projects (same reference).
 * 5. Pages are ordered by project creation, newest first; the next page starts after the
 *    previous answer's `pagination.cursor` (same reference, `cursor`). The cursor is opaque;
 *    here the page's last id, given with every non-empty page, the last one too, so a client
 *    must know by itself when it is done.
 * 6. Per project: `periods` (one billing period here) of `consumption` timeframes, one per
 *    granularity step within [from, to), oldest first, each with the requested metrics summed
 *    over the step ({metric_name, value}). A project with nothing recorded in the window is
 *    left out of the answer: Neon's documentation does not say either way, and this is the
 *    harder case for a client (it must not page on waiting for it).
 * 7. Rate limit: the consumption endpoints share about 30 requests a minute per account, a
 *    token bucket ("Consumption polling FAQ", https://neon.com/docs/guides/consumption-metrics):
 *    here a bucket of 30 refilled at 30 a minute; an empty bucket answers 429 with
 *    `Retry-After` (whole seconds until a token).
 */
import { startNeonOrgStandIn, type NeonOrgStandIn, type StandInOptions } from "../adopt/neonOrgStandIn";

export const SUPPORTED_METRICS = [
  "compute_unit_seconds",
  "root_branch_bytes_month",
  "child_branch_bytes_month",
  "instant_restore_bytes_month",
  "public_network_transfer_bytes",
  "private_network_transfer_bytes",
  "extra_branches_month",
  "snapshot_storage_bytes_month",
];

/** What a project consumed at an instant: metric name → amount (CU-seconds, byte-hours, bytes). */
export interface Sample {
  readonly at: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface ConsumptionProject {
  readonly id: string;
  readonly createdAt: string;
  readonly samples: readonly Sample[];
}

export interface ConsumptionStandIn extends NeonOrgStandIn {
  readonly consumption: Map<string, ConsumptionProject>;
  /** The consumption calls: their query, status. */
  readonly consumptionCalls: { query: URLSearchParams; status: number }[];
}

const HOUR = 3_600_000;
const LOOKBACK_MS = { hourly: 168 * HOUR, daily: 60 * 24 * HOUR, monthly: 365 * 24 * HOUR } as const;
type Granularity = keyof typeof LOOKBACK_MS;
export const EARLIEST = Date.UTC(2024, 2, 1);
export const BUCKET = 30;

/** Rule 3: the start of the granularity step `t` falls in. */
export function floorTo(t: number, g: Granularity): number {
  const d = new Date(t);
  if (g === "monthly") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  if (g === "daily") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Math.floor(t / HOUR) * HOUR;
}

function nextStep(t: number, g: Granularity): number {
  const d = new Date(t);
  if (g === "monthly") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return t + (g === "daily" ? 24 : 1) * HOUR;
}

const list = (q: URLSearchParams, key: string) =>
  q
    .getAll(key)
    .flatMap((v) => v.split(","))
    .filter(Boolean);

export async function startConsumptionStandIn(org: string, options: StandInOptions = {}): Promise<ConsumptionStandIn> {
  const now = options.now ?? Date.now;
  const consumption = new Map<string, ConsumptionProject>();
  const consumptionCalls: ConsumptionStandIn["consumptionCalls"] = [];
  let tokens = BUCKET;
  let refilledAt = now();

  const route = (path: string, url: URL, send: (status: number, body: unknown, headers?: Record<string, string>) => void): boolean => {
    if (path !== "/consumption_history/v2/projects") return false;
    const q = url.searchParams;
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      consumptionCalls.push({ query: new URLSearchParams(q), status });
      send(status, body, headers);
    };
    const fail = (status: number, message: string, headers?: Record<string, string>) => answer(status, { code: String(status), message }, headers);
    // Rule 7.
    const t = now();
    tokens = Math.min(BUCKET, tokens + ((t - refilledAt) * BUCKET) / 60_000);
    refilledAt = t;
    if (tokens < 1) return (fail(429, "rate limit exceeded", { "retry-after": String(Math.ceil(((1 - tokens) * 60) / BUCKET)) }), true);
    tokens -= 1;
    return (serve(q, org, consumption, t, answer, fail), true);
  };
  const base = await startNeonOrgStandIn(org, { ...options, route });
  return Object.assign(base, { consumption, consumptionCalls });
}

type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;
type Fail = (status: number, message: string) => void;

/** Rules 1 to 4: the query checked; undefined when it was refused. */
function checked(q: URLSearchParams, now: number, fail: Fail) {
  for (const key of ["org_id", "from", "to", "granularity", "metrics"]) if (!q.get(key)) return fail(400, `missing required parameter ${key}`);
  const metrics = list(q, "metrics");
  const unknown = metrics.find((m) => !SUPPORTED_METRICS.includes(m));
  if (unknown) return fail(400, `unsupported metric ${unknown}`);
  const g = q.get("granularity") as Granularity;
  if (!(g in LOOKBACK_MS)) return fail(400, "granularity must be hourly, daily or monthly");
  const [from, to] = [Date.parse(q.get("from")!), Date.parse(q.get("to")!)];
  if (Number.isNaN(from) || Number.isNaN(to)) return fail(400, "from and to are date-times");
  const [f, e] = [floorTo(from, g), floorTo(to, g)];
  if (f < EARLIEST) return fail(406, "from is before 2024-03-01T00:00:00Z");
  if (f < now - LOOKBACK_MS[g]) return fail(406, `${g} metrics reach back ${g === "monthly" ? "one year" : g === "daily" ? "60 days" : "168 hours"}`);
  const limit = q.get("limit") === null ? 10 : Number(q.get("limit"));
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail(400, "limit must be between 1 and 100");
  const ids = list(q, "project_ids");
  if (ids.length > 100) return fail(400, "at most 100 project_ids");
  return { metrics, g, f, e, limit, ids };
}

/** Rules 5 and 6: one page. */
function serve(q: URLSearchParams, org: string, projects: Map<string, ConsumptionProject>, now: number, answer: Answer, fail: Fail): void {
  const c = checked(q, now, fail);
  if (!c) return;
  const { metrics, g, f, e, limit, ids } = c;
  const pick = q.get("org_id") !== org ? [] : [...projects.values()].filter((p) => !ids.length || ids.includes(p.id));
  const ordered = pick.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  const reported = ordered.flatMap((p) => {
    const frames: { timeframe_start: string; timeframe_end: string; metrics: { metric_name: string; value: number }[] }[] = [];
    for (let s = f; s < e; s = nextStep(s, g)) {
      const inStep = p.samples.filter((x) => Date.parse(x.at) >= s && Date.parse(x.at) < nextStep(s, g));
      if (!inStep.length) continue;
      frames.push({
        timeframe_start: new Date(s).toISOString(),
        timeframe_end: new Date(nextStep(s, g)).toISOString(),
        metrics: metrics.map((m) => ({ metric_name: m, value: inStep.reduce((n, x) => n + (x.metrics[m] ?? 0), 0) })),
      });
    }
    return frames.length
      ? [{ project_id: p.id, periods: [{ period_id: `period-${p.id}`, period_plan: "launch", period_start: new Date(f).toISOString(), consumption: frames }] }]
      : [];
  });
  const cursor = q.get("cursor");
  const start = cursor ? reported.findIndex((p) => p.project_id === cursor) + 1 : 0;
  const page = reported.slice(start, start + limit);
  answer(200, { projects: page, pagination: page.length ? { cursor: page[page.length - 1].project_id } : {} });
}
