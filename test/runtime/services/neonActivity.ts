/**
 * A stand-in for the part of Neon's API the backups' planning job reads (sh/neon-activity.sh):
 * the project list with each project's last compute activity. Its rules, each from Neon's
 * documentation:
 * - `GET /projects` lists the key's projects, `limit` 1 to 400 a page (default 10), the next
 *   page asked for with `cursor` set to the previous answer's `pagination.cursor`; `org_id`
 *   selects an organisation's projects (https://api-docs.neon.tech/reference/listprojects;
 *   ListProjectsParams in @neondatabase/api-client).
 * - Each item's `compute_last_active_at` is "the most recent time when any endpoint of this
 *   project was active", "omitted when observed no activity for endpoints of this project"
 *   (ProjectListItem, same client); `unavailable_project_ids` names projects whose details
 *   were not fetched in time (ProjectsResponse).
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
  stop(): Promise<void>;
}

export const FAKE_ACTIVITY_KEY = "napi_activity_offline";
const MAX_LIMIT = 400;
const DEFAULT_LIMIT = 10;
const PER_SECOND = 40;
const PER_MINUTE = 700;

export async function startFakeNeonActivity(key = FAKE_ACTIVITY_KEY): Promise<FakeNeonActivity> {
  const calls: NeonActivityCall[] = [];
  const fake = { calls, projects: new Map<string, string | undefined>() } as FakeNeonActivity & { url: string };
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
