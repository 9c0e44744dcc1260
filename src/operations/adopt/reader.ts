/**
 * Reads an organisation's projects from Neon's API for `npm run fleet -- adopt`, within its
 * rate limits (https://neon.com/docs/reference/api/key-concepts, "Rate limiting": 700 requests
 * per minute per account, 40 per second per route; beyond them HTTP 429):
 * - paced: calls start at most `requestsPerMinute` a minute (default 600, leaving the rest of
 *   the account's budget to the deploys and workflows that share it), a few at a time;
 * - a 429 (or a 423, a project whose operations overlap, or a 503) is retried after its
 *   Retry-After (seconds or an HTTP date; 1 s when absent), at most `maxRetries` times per call
 *   and never longer than `maxWaitSeconds` at once; beyond that the command stops, naming the call;
 * - GET /projects is read page by page with its cursor (limit 400, the most the API takes);
 * - four calls per project, those of the provider's own read (observed.ts).
 */
import { answerOf, NeonApiError, type NeonApi } from "../neonApi";
import type { ListedProject } from "../../core/neonProject";
import type { ObservedProject } from "./observed";

export interface ReaderOptions {
  /** @default 600 */
  readonly requestsPerMinute?: number;
  /** Calls in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Retries of one call after 429/423/503. @default 8 */
  readonly maxRetries?: number;
  /** The longest wait one Retry-After may impose. @default 60 */
  readonly maxWaitSeconds?: number;
  /** Replaced by the tests' clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** What the reading cost: shown by the command. */
export interface ReadStats {
  calls: number;
  retries: number;
  waitedMs: number;
}

const RETRIED = new Set([429, 423, 503]);
/** GET /projects takes at most 400 per page (listProjects `limit`, public-v2 OpenAPI). */
export const PAGE_LIMIT = 400;

/** Milliseconds a Retry-After header asks for: delta-seconds or an HTTP date (RFC 9110, 10.2.3). */
export function retryAfterMs(header: unknown, now: number): number | undefined {
  if (typeof header !== "string" || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class NeonReader {
  readonly stats: ReadStats = { calls: 0, retries: 0, waitedMs: 0 };
  private nextSlot = 0;
  private readonly o: Required<ReaderOptions>;

  constructor(
    private readonly api: NeonApi,
    options: ReaderOptions = {},
  ) {
    this.o = {
      requestsPerMinute: options.requestsPerMinute ?? 600,
      concurrency: options.concurrency ?? 4,
      maxRetries: options.maxRetries ?? 8,
      maxWaitSeconds: options.maxWaitSeconds ?? 60,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      now: options.now ?? Date.now,
    };
  }

  /** Waits for the next slot of the pace. */
  private async paced(): Promise<void> {
    const now = this.o.now();
    const start = Math.max(now, this.nextSlot);
    this.nextSlot = start + 60_000 / this.o.requestsPerMinute;
    if (start > now) await this.o.sleep(start - now);
  }

  /** One call, paced and retried; a failure names what was being done and Neon's answer. */
  async call<T>(what: string, f: () => Promise<{ data: T }>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.paced();
      this.stats.calls++;
      try {
        return (await f()).data;
      } catch (err) {
        const res = (err as { response?: { status?: number; headers?: Record<string, unknown> } }).response;
        if (!res?.status || !RETRIED.has(res.status) || attempt >= this.o.maxRetries)
          throw new NeonApiError(
            `Neon's API could not ${what}: ${answerOf(err)}${attempt ? ` (after ${attempt} retries)` : ""}; check NEON_API_KEY and the network, or run again later`,
          );
        const asked = retryAfterMs(res.headers?.["retry-after"], this.o.now()) ?? 1000;
        if (asked > this.o.maxWaitSeconds * 1000)
          throw new NeonApiError(`Neon's API asked to wait ${Math.ceil(asked / 1000)} s before it would ${what} (HTTP ${res.status}); run again later`);
        this.stats.retries++;
        this.stats.waitedMs += asked;
        await this.o.sleep(asked);
      }
    }
  }

  /** Every project of the organisation, over all pages (a partial listing is an error). */
  async listProjects(org: string): Promise<ListedProject[]> {
    const out: ListedProject[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const data = await this.call(`list the projects of ${org}`, () =>
        this.api.listProjects({ org_id: org, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) }),
      );
      if (data.unavailable_project_ids?.length)
        throw new NeonApiError(`Neon listed ${org} only in part: ${data.unavailable_project_ids.length} project(s) could not be fetched in time; run again`);
      out.push(...data.projects.map((p) => ({ id: p.id, name: p.name, region_id: p.region_id, created_at: p.created_at })));
      const next = data.pagination?.cursor;
      if (data.projects.length < PAGE_LIMIT || !next) return out;
      if (seen.has(next)) throw new NeonApiError(`Neon's pagination of ${org} does not advance (cursor ${next}); run again`);
      seen.add(next);
      cursor = next;
    }
  }

  /** One project as the provider's read sees it: four calls. */
  async readProject(id: string): Promise<ObservedProject> {
    const { project } = await this.call(`read the project ${id}`, () => this.api.getProject(id));
    const { branches } = await this.call(`list the branches of ${id}`, () => this.api.listProjectBranches({ projectId: id }));
    const main = branches.find((b) => b.default);
    if (!main) return { project, branches, databases: [], endpoints: [] };
    const { endpoints } = await this.call(`list the computes of ${id}`, () => this.api.listProjectBranchEndpoints(id, main.id));
    const { databases } = await this.call(`list the databases of ${id}`, () => this.api.listProjectBranchDatabases(id, main.id));
    return { project, branches, databases, endpoints };
  }

  /** The projects, read a few at a time, in the order given. */
  async readProjects(ids: readonly string[]): Promise<ObservedProject[]> {
    const out: ObservedProject[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const i = next++;
        out[i] = await this.readProject(ids[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, ids.length) }, worker));
    return out;
  }
}
