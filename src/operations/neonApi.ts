/**
 * The calls to Neon's API the commands make (fleet orphans, regions --observe, tenant
 * operations), through `@neondatabase/api-client`. Every failure becomes a NeonApiError
 * naming what was being done and Neon's answer, never the key.
 */
import { createApiClient, type Branch, type Operation } from "@neondatabase/api-client";
import { UsageError } from "../core/config/stackFiles";
import type { ListedProject } from "../core/neonProject";
import { CommandError } from "../cli/cli";

export type NeonApi = ReturnType<typeof createApiClient>;

/** Points the commands at another API (the tests' recorded one). */
export const NEON_API_URL_VARIABLE = "NEON_API_URL";

export class NeonApiError extends CommandError {}

/** A client with NEON_API_KEY, against `baseURL`, NEON_API_URL or Neon's own API. */
export function neonApi(purpose: string, baseURL?: string): NeonApi {
  const apiKey = process.env.NEON_API_KEY;
  if (!apiKey) throw new UsageError(`NEON_API_KEY is not set: a Neon API key that can ${purpose}`);
  const url = baseURL ?? process.env[NEON_API_URL_VARIABLE];
  return createApiClient({ apiKey, ...(url ? { baseURL: url } : {}) });
}

/** Neon's answer to a failed call, in one line. */
export function answerOf(err: unknown): string {
  const e = err as { response?: { status?: number; data?: { message?: string } }; message?: string };
  return e.response?.status ? `HTTP ${e.response.status}: ${(e.response.data?.message ?? "").trim()}`.trim() : `no answer (${e.message ?? "unknown error"})`;
}

/** Runs one call; a failure says what was being done. */
export async function call<T>(what: string, f: () => Promise<{ data: T }>, hint = "check NEON_API_KEY and the network"): Promise<T> {
  try {
    return (await f()).data;
  } catch (err) {
    throw new NeonApiError(`Neon's API could not ${what}: ${answerOf(err)}; ${hint}`);
  }
}

/** Every project of an organisation, over all pages; a partial listing is an error. */
export async function listProjects(api: NeonApi, orgId: string): Promise<ListedProject[]> {
  const projects: ListedProject[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    const limit = 400;
    const data = await call(`list the projects of ${orgId}`, () => api.listProjects({ org_id: orgId, limit, ...(cursor ? { cursor } : {}) }));
    if (data.unavailable_project_ids?.length) {
      throw new NeonApiError(
        `Neon listed ${orgId} only in part: ${data.unavailable_project_ids.length} project(s) could not be fetched in time (${data.unavailable_project_ids.slice(0, 5).join(", ")}); run the check again`,
      );
    }
    projects.push(...data.projects.map((p) => ({ id: p.id, name: p.name, region_id: p.region_id, created_at: p.created_at })));
    const next = data.pagination?.cursor;
    if (data.projects.length < limit || !next) return projects;
    if (seen.has(next) || page > 1000) throw new NeonApiError(`Neon's pagination of ${orgId} does not advance (cursor ${next}); run the check again`);
    seen.add(next);
    cursor = next;
  }
}

/**
 * The projects of exactly this name in the organisation: Neon's list searched by name (a
 * partial match), every page of it, since "none of that name" must not rest on a first page.
 */
export async function projectsNamed(api: NeonApi, orgId: string | undefined, name: string) {
  const limit = 400;
  const named: Awaited<ReturnType<NeonApi["listProjects"]>>["data"]["projects"] = [];
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    const data = await call(`search for the project ${JSON.stringify(name)}`, () =>
      api.listProjects({ search: name, limit, ...(orgId ? { org_id: orgId } : {}), ...(cursor ? { cursor } : {}) }),
    );
    if (data.unavailable_project_ids?.length)
      throw new NeonApiError(
        `Neon listed the projects named like ${JSON.stringify(name)} only in part (${data.unavailable_project_ids.length} could not be fetched in time); run again`,
      );
    named.push(...data.projects.filter((p) => p.name === name));
    const next = data.pagination?.cursor;
    if (data.projects.length < limit || !next) return named;
    if (next === cursor || page >= 100)
      throw new NeonApiError(`Neon's pagination of the projects named like ${JSON.stringify(name)} does not advance; run again`);
    cursor = next;
  }
}

/**
 * The one project named `name` in the organisation (a tenant's project name is declared by
 * src/plan/projects/args.ts). None, several (a retried create's duplicate) or one in another region
 * is an error that says what to look at: an operation never guesses which project is meant.
 */
export async function findProject(api: NeonApi, orgId: string | undefined, name: string, regionId: string): Promise<ListedProject> {
  const exact = await projectsNamed(api, orgId, name);
  if (!exact.length)
    throw new NeonApiError(
      `no Neon project is named ${JSON.stringify(name)}${orgId ? ` in ${orgId}` : ""}: has pulumi up created it, or was it deleted outside Pulumi?`,
    );
  if (exact.length > 1)
    throw new NeonApiError(
      `${exact.length} Neon projects are named ${JSON.stringify(name)} (${exact.map((p) => p.id).join(", ")}): a retried create left a duplicate; npm run fleet -- orphans --state … says which one Pulumi tracks; resolve it before operating on the tenant`,
    );
  const p = exact[0];
  if (p.region_id !== regionId)
    throw new NeonApiError(
      `the Neon project ${p.id} (${JSON.stringify(name)}) is in ${p.region_id}, the tenants file says ${regionId}: run npm run regions -- --observe and resolve the difference first`,
    );
  return { id: p.id, name: p.name, region_id: p.region_id, created_at: p.created_at };
}

/** The project's branch of that name. */
export async function findBranch(api: NeonApi, projectId: string, name: string): Promise<Branch> {
  const data = await call(`list the branches of ${projectId}`, () => api.listProjectBranches({ projectId, search: name }));
  const branch = data.branches.find((b) => b.name === name);
  if (!branch) throw new NeonApiError(`the Neon project ${projectId} has no branch ${JSON.stringify(name)}`);
  return branch;
}

const DONE = new Set(["finished", "skipped"]);
const FAILED = new Set(["failed", "error", "cancelled", "cancelling"]);

export interface Waiting {
  /** Milliseconds between polls. @default 2000 */
  readonly pollMs?: number;
  /** Give up after this many milliseconds. @default 600000 */
  readonly timeoutMs?: number;
}

/** Waits until every operation a call started has finished; one that fails is an error naming it. */
export async function waitForOperations(api: NeonApi, projectId: string, operations: readonly Operation[], waiting: Waiting = {}): Promise<void> {
  const pollMs = waiting.pollMs ?? (Number(process.env.NEON_API_POLL_MS) || 2000);
  const deadline = Date.now() + (waiting.timeoutMs ?? 600_000);
  let current = [...operations];
  for (;;) {
    const failed = current.find((o) => FAILED.has(o.status));
    if (failed)
      throw new NeonApiError(`Neon's operation ${failed.action} (${failed.id}) on ${projectId} ${failed.status}${failed.error ? `: ${failed.error}` : ""}`);
    const pending = current.filter((o) => !DONE.has(o.status));
    if (!pending.length) return;
    if (Date.now() > deadline)
      throw new NeonApiError(
        `Neon's operations ${pending.map((o) => `${o.action} (${o.id})`).join(", ")} on ${projectId} did not finish in time; look at the project's operations in the console`,
      );
    await new Promise((r) => setTimeout(r, pollMs));
    current = [];
    for (const o of pending) current.push((await call(`read the operation ${o.id}`, () => api.getProjectOperation(projectId, o.id))).operation);
  }
}
