/**
 * A stand-in for the part of Neon's API the backups' planning job reads (sh/neon-activity.sh):
 * the project list with each project's last compute activity, and each project's WAL written.
 * Its rules, each from Neon's documentation:
 * - `GET /projects` lists the key's projects, `limit` 1 to 400 a page (default 10), the next
 *   page asked for with `cursor` set to the previous answer's `pagination.cursor`; `org_id`
 *   selects an organisation's projects (https://api-docs.neon.tech/reference/listprojects;
 *   ListProjectsParams in @neondatabase/api-client).
 * - Each item's `compute_last_active_at` is "the most recent time when any endpoint of this
 *   project was active", "omitted when observed no activity for endpoints of this project"
 *   (ProjectListItem, same client); `unavailable_project_ids` names projects whose details
 *   were not fetched in time (ProjectsResponse).
 * - `GET /projects/{project_id}` answers `{project}`, the Project object, which (unlike a list
 *   item) carries `written_data_bytes`: "Amount of WAL that travelled through storage for given
 *   project across all branches. The value has some lag. The value is reset at the beginning of
 *   each billing period", and `consumption_period_start`/`consumption_period_end`, the period's
 *   bounds (https://api-docs.neon.tech/reference/getproject; Project and ProjectResponse in
 *   @neondatabase/api-client). A project the key does not reach is 404, as Neon answers an
 *   unknown resource (the client's GeneralError, https://api-docs.neon.tech/reference/getproject),
 *   also one deleted after the list was read (`hideProject`).
 * - The lag: Neon "updates all metrics every 15 minutes but it could take up to 1 hour before
 *   they are reportable" (https://neon.com/docs/guides/partner-billing, "Metrics and quotas"):
 *   here a write is counted in `written_data_bytes` only `lagMs` after it was made (`write`).
 * - The reset: when a new billing period starts (`newPeriod`), the bytes start again from 0
 *   and `consumption_period_start` moves to the new period's start; writes metered before it
 *   no longer count.
 * - Requests carry `Authorization: Bearer <key>`; another key is refused with 401
 *   (https://api-docs.neon.tech/reference/authentication).
 * - 700 requests a minute and 40 a second per route, per account; over either, 429
 *   (https://api-docs.neon.tech/reference/api-rate-limiting). This stand-in answers that 429
 *   with a Retry-After in seconds, as RFC 9110 section 10.2.3 defines it.
 * Every request is recorded, with its time, so a test can check pacing and retries.
 */
import { createServer, type Server } from "node:http";

export interface NeonActivityCall {
  readonly path: string;
  readonly at: number;
  readonly status: number;
}

export interface FakeNeonActivity {
  readonly url: string;
  readonly calls: NeonActivityCall[];
  /** Project id → when it was last active (ISO 8601), or undefined (no activity observed). */
  readonly projects: Map<string, string | undefined>;
  /** Answer the next N requests 429 with this Retry-After (seconds). */
  throttleNext?: { count: number; retryAfter: number };
  /** Answer every request with this status (Neon down: 503). */
  down?: number;
  /** How long a write takes to show in `written_data_bytes` (Neon: up to an hour). */
  lagMs: number;
  /** Project id → its metering; a project of `projects` without one has written nothing this period. */
  readonly meters: Map<string, WrittenMeter>;
  /** Record `bytes` of WAL written by the project now (or at `at`, epoch ms). */
  write(project: string, bytes: number, at?: number): void;
  /** A new billing period starts for the project at `start` (ISO 8601): its bytes start again from 0. */
  newPeriod(project: string, start: string, end: string): void;
  /** The project is deleted after the list was read: its own read answers 404 until the returned function undoes it. */
  hideProject(project: string): () => void;
  /** What `written_data_bytes` reads now: the period's writes older than the lag. */
  writtenNow(project: string): number;
  stop(): Promise<void>;
}

/** The billing period every project starts in (a calendar month, as Neon's plans bill). */
export const FIRST_PERIOD = { start: "2026-12-01T00:00:00Z", end: "2027-01-01T00:00:00Z" } as const;

/** One project's metering: its billing period and the WAL written in it, each write with its time. */
export interface WrittenMeter {
  periodStart: string;
  periodEnd: string;
  writes: { at: number; bytes: number }[];
}

export const FAKE_ACTIVITY_KEY = "napi_activity_offline";
const MAX_LIMIT = 400;
const DEFAULT_LIMIT = 10;
const PER_SECOND = 40;
const PER_MINUTE = 700;

export async function startFakeNeonActivity(key = FAKE_ACTIVITY_KEY): Promise<FakeNeonActivity> {
  const calls: NeonActivityCall[] = [];
  const meters = new Map<string, WrittenMeter>();
  const meterOf = (project: string): WrittenMeter => {
    if (!meters.has(project)) meters.set(project, { periodStart: FIRST_PERIOD.start, periodEnd: FIRST_PERIOD.end, writes: [] });
    return meters.get(project)!;
  };
  const hidden = new Set<string>();
  const fake = {
    calls,
    hideProject: (project: string) => {
      hidden.add(project);
      return () => void hidden.delete(project);
    },
    projects: new Map<string, string | undefined>(),
    lagMs: 0,
    meters,
    write: (project: string, bytes: number, at = Date.now()) => void meterOf(project).writes.push({ at, bytes }),
    newPeriod: (project: string, start: string, end: string) => void meters.set(project, { periodStart: start, periodEnd: end, writes: [] }),
    writtenNow: (project: string) =>
      meterOf(project)
        .writes.filter((w) => w.at <= Date.now() - fake.lagMs)
        .reduce((n, w) => n + w.bytes, 0),
  } as FakeNeonActivity & { url: string };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://neon");
    const now = Date.now();
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      calls.push({ path: url.pathname + url.search, at: now, status });
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (fake.down) return answer(fake.down, { message: "service unavailable" });
    // The rate limits, over the calls answered so far (the rejected ones count: they reached Neon).
    const lastSecond = calls.filter((c) => c.at > now - 1000).length;
    const lastMinute = calls.filter((c) => c.at > now - 60_000).length;
    if (lastSecond >= PER_SECOND || lastMinute >= PER_MINUTE) return answer(429, { message: "rate limit exceeded" }, { "retry-after": "1" });
    if (fake.throttleNext && fake.throttleNext.count > 0) {
      fake.throttleNext.count -= 1;
      return answer(429, { message: "rate limit exceeded" }, { "retry-after": String(fake.throttleNext.retryAfter) });
    }
    if (req.headers.authorization !== `Bearer ${key}`) return answer(401, { message: "authentication required" });
    const one = /^\/projects\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && one) {
      const id = decodeURIComponent(one[1]);
      if (!fake.projects.has(id) || hidden.has(id)) return answer(404, { message: `project ${id} not found` });
      const meter = meterOf(id);
      return answer(200, {
        project: {
          id,
          name: id,
          region_id: "aws-eu-central-1",
          created_at: "2026-01-01T00:00:00Z",
          updated_at: "2026-01-01T00:00:00Z",
          written_data_bytes: fake.writtenNow(id),
          data_transfer_bytes: 0,
          data_storage_bytes_hour: 0,
          consumption_period_start: meter.periodStart,
          consumption_period_end: meter.periodEnd,
        },
      });
    }
    if (req.method !== "GET" || url.pathname !== "/projects") return answer(404, { message: `no route ${req.method} ${url.pathname}` });
    const limit = Number(url.searchParams.get("limit") ?? DEFAULT_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return answer(400, { message: `limit must be 1 to ${MAX_LIMIT}` });
    const ids = [...fake.projects.keys()].sort();
    const cursor = url.searchParams.get("cursor");
    const page = ids.filter((id) => cursor === null || id > cursor).slice(0, limit);
    return answer(200, {
      projects: page.map((id) => ({
        id,
        name: id,
        region_id: "aws-eu-central-1",
        created_at: "2026-01-01T00:00:00Z",
        updated_at: "2026-01-01T00:00:00Z",
        ...(fake.projects.get(id) !== undefined ? { compute_last_active_at: fake.projects.get(id) } : {}),
      })),
      pagination: { cursor: page.at(-1) ?? cursor ?? "" },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  fake.stop = () => new Promise<void>((r) => server.close(() => r()));
  return fake;
}
