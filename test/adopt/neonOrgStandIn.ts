/**
 * A stand-in for the part of Neon's API v2 that `npm run fleet -- adopt` and the Neon
 * provider's read use, serving one organisation's projects. Its rules, each from Neon's
 * documentation, each tested in test/adopt/standIn.test.ts:
 *
 * 1. Every call needs `Authorization: Bearer <key>`, else 401 (OpenAPI of
 *    @neondatabase/api-client 2.7.3, public-v2-for-users.gen.yaml: security BearerAuth).
 * 2. GET /projects lists the organisation's projects (`org_id`), `limit` from 1 to 400
 *    (default 10; anything else 400), the next page from the previous answer's
 *    `pagination.cursor` (operation listProjects; "Pagination" in
 *    https://neon.com/docs/reference/api/key-concepts). The cursor is opaque; here the last id.
 * 3. Rate limits ("Rate limiting", same page): 700 requests per minute per account and 40 per
 *    second per route; a request beyond them gets HTTP 429 with `Retry-After` (seconds until
 *    the window lets it through). The clock is injectable, so a test can run minutes of
 *    paced traffic in a moment.
 * 4. A deterministic share of other traffic on the account: every `contentionEvery`-th request
 *    is refused with 429 and `Retry-After: 2`, as when deploys share the budget.
 * 5. GET /projects/{id} ({project}), GET /projects/{id}/branches ({branches}), GET
 *    /projects/{id}/branches/{branch}/endpoints ({endpoints}) and .../databases ({databases});
 *    an unknown project or branch is 404 with {code, message} (GeneralError).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Branch, Database, Endpoint, Project } from "@neondatabase/api-client";

export const STAND_IN_KEY = "napi_adopt_stand_in";

/** One project as the stand-in holds it: the API's own objects. */
export interface StandInProject {
  project: Project;
  branches: Branch[];
  databases: Database[];
  endpoints: Endpoint[];
}

export interface StandInOptions {
  readonly now?: () => number;
  /** Every n-th request is refused with 429 (rule 4); 0: never. */
  readonly contentionEvery?: number;
  /** Another route of the API served beside these (after rules 1, 3 and 4): true when it answered. */
  readonly route?: (path: string, url: URL, send: (status: number, body: unknown, headers?: Record<string, string>) => void) => boolean;
}

export interface NeonOrgStandIn {
  readonly url: string;
  readonly projects: Map<string, StandInProject>;
  /** Every request: method, path with query, status. */
  readonly requests: { method: string; path: string; status: number }[];
  stop(): Promise<void>;
}

const PER_MINUTE = 700;
const PER_ROUTE_PER_SECOND = 40;

/** The route a path belongs to, for the per-route limit: ids replaced. */
function routeOf(path: string): string {
  const parts = path.split("?")[0].split("/");
  return parts.map((p, i) => (i > 0 && (parts[i - 1] === "projects" || parts[i - 1] === "branches") ? "{id}" : p)).join("/");
}

export async function startNeonOrgStandIn(org: string, options: StandInOptions = {}): Promise<NeonOrgStandIn> {
  const now = options.now ?? Date.now;
  const projects = new Map<string, StandInProject>();
  const requests: NeonOrgStandIn["requests"] = [];
  const accepted: number[] = [];
  const byRoute = new Map<string, number[]>();
  let count = 0;

  /** Seconds until the request fits both windows, or 0 when it fits now (rule 3). */
  const limited = (route: string): number => {
    const t = now();
    while (accepted.length && accepted[0] <= t - 60_000) accepted.shift();
    const mine = (byRoute.get(route) ?? []).filter((x) => x > t - 1000);
    byRoute.set(route, mine);
    if (accepted.length >= PER_MINUTE) return Math.max(1, Math.ceil((accepted[0] + 60_000 - t) / 1000));
    if (mine.length >= PER_ROUTE_PER_SECOND) return 1;
    accepted.push(t);
    mine.push(t);
    return 0;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ method: req.method ?? "GET", path: `${url.pathname}${url.search}`, status });
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, message: string, headers: Record<string, string> = {}) => send(status, { code: String(status), message }, headers);
    if (req.headers.authorization !== `Bearer ${STAND_IN_KEY}`) return fail(401, "authorization failed");
    count++;
    if (options.contentionEvery && count % options.contentionEvery === 0) return fail(429, "rate limit exceeded", { "retry-after": "2" });
    const path = url.pathname.replace(/^\/api\/v2/, "");
    const wait = limited(routeOf(path));
    if (wait) return fail(429, "rate limit exceeded", { "retry-after": String(wait) });
    if (req.method !== "GET") return fail(405, "the stand-in serves reads only");
    if (options.route?.(path, url, send)) return;
    const m = /^\/projects(?:\/([^/]+)(?:\/branches(?:\/([^/]+)\/(endpoints|databases))?)?)?$/.exec(path);
    if (!m) return fail(404, "not found");
    const [, id, branchId, what] = m;
    if (!id) return listProjects(url, org, projects, send, fail);
    const p = projects.get(id);
    if (!p) return fail(404, `project ${id} not found`);
    if (!branchId && path.endsWith("/branches")) return send(200, { branches: p.branches });
    if (!branchId) return send(200, { project: p.project });
    if (!p.branches.some((b) => b.id === branchId)) return fail(404, `branch ${branchId} not found`);
    if (what === "endpoints") return send(200, { endpoints: p.endpoints.filter((e) => e.branch_id === branchId) });
    return send(200, { databases: p.databases.filter((d) => d.branch_id === branchId) });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v2`,
    projects,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Rule 2: one page of the organisation's projects, by creation then id, after the cursor. */
function listProjects(
  url: URL,
  org: string,
  projects: Map<string, StandInProject>,
  send: (status: number, body: unknown) => void,
  fail: (status: number, message: string) => void,
): void {
  const limitText = url.searchParams.get("limit");
  const limit = limitText === null ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 400) return fail(400, "limit must be between 1 and 400");
  if (url.searchParams.get("org_id") !== org) return send(200, { projects: [], pagination: {} });
  const all = [...projects.values()].map((p) => p.project).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  const cursor = url.searchParams.get("cursor");
  const from = cursor ? all.findIndex((p) => p.id === cursor) + 1 : 0;
  const page = all.slice(from, from + limit);
  const items = page.map((p) => ({ id: p.id, name: p.name, region_id: p.region_id, pg_version: p.pg_version, org_id: p.org_id, created_at: p.created_at }));
  send(200, { projects: items, pagination: page.length ? { cursor: page[page.length - 1].id } : {} });
}
