/**
 * `npm run fleet -- usage`: find each tenant's Neon projects, read their consumption for the
 * month, and build the report (report.ts, format.ts). A tenant bound to a project
 * (`neonProjectId`) is that project; the others are found as `fleet orphans` finds them, by
 * name and region in the organisation's listing (or by the ids in `pulumi stack export`), the
 * matching handed in by the command line (src/review/orphans.ts ownedProjects).
 */
import type { Tenant } from "../../../tenants/model";
import { projectsOf } from "../../../tenants/serving";
import type { DeclaredProject, ListedProject } from "../../core/neonProject";
import { resolvePrices, type PricePlan, type PriceUnit } from "../../core/usagePrices";
import { projectArgs } from "../../plan/projects/args";
import type { NeonApi } from "../neonApi";
import { NeonReader, type ReaderOptions } from "../adopt/reader";
import { CONSUMPTION_REQUESTS_PER_MINUTE, readConsumption } from "./consumption";
import { usageDocument, type UsageDocument } from "./format";
import { tenantRow, type TenantProjects } from "./report";
import type { UsageWindow } from "./window";

/** Which listed project each declared one owns (src/review/orphans.ts ownedProjects). */
export type OwnedProjects = (
  declared: readonly DeclaredProject[],
  listed: readonly ListedProject[],
  tracked?: ReadonlySet<string>,
) => ReadonlyMap<DeclaredProject, ListedProject>;

export interface UsageRequest {
  readonly api: NeonApi;
  readonly stack: string;
  readonly org: string;
  /** The stack's tenants, retired ones included (their projects are kept, and cost). */
  readonly tenants: readonly Tenant[];
  readonly window: UsageWindow;
  readonly pricePlan?: PricePlan;
  readonly priceOverrides: Readonly<Partial<Record<PriceUnit, number>>>;
  readonly ownedProjects: OwnedProjects;
  /** Ids of the projects in the stack's state (`--state`), for exact ownership. */
  readonly tracked?: ReadonlySet<string>;
  /** The listing's reader (its pace, and the tests' clock). */
  readonly reader?: ReaderOptions;
  /** The consumption reader's pace and the tests' page sizes. */
  readonly consumption?: ReaderOptions & { readonly batchSize?: number; readonly pageLimit?: number };
}

/** Each tenant's projects: bound ones by id, the others as the listing shows them owned. */
export async function locateProjects(req: UsageRequest, reader: NeonReader): Promise<TenantProjects[]> {
  const declared = new Map<Tenant, { own: DeclaredProject[]; bound: string[] }>();
  for (const t of req.tenants) {
    const own: DeclaredProject[] = [];
    const bound: string[] = [];
    for (const p of projectsOf(t)) {
      if (p.neonProjectId) bound.push(p.neonProjectId);
      else {
        const a = projectArgs(p, req.org);
        own.push({ stack: req.stack, owner: `tenant ${t.id}`, name: a.name, regionId: a.regionId, tenantId: t.id });
      }
    }
    declared.set(t, { own, bound });
  }
  const all = [...declared.values()].flatMap((d) => d.own);
  // Listed even when every tenant is bound: the listing gives each project's creation time.
  const listed = req.tenants.length ? await reader.listProjects(req.org) : [];
  const byId = new Map(listed.map((p) => [p.id, p]));
  const owned = all.length ? req.ownedProjects(all, listed, req.tracked) : new Map<DeclaredProject, ListedProject>();
  return req.tenants.map((tenant) => {
    const d = declared.get(tenant)!;
    const projects = [
      ...d.bound.map((id) => ({ id, ...(byId.get(id) ? { createdAt: byId.get(id)!.created_at } : {}) })),
      ...d.own.flatMap((o) => {
        const p = owned.get(o);
        return p ? [{ id: p.id, createdAt: p.created_at }] : [];
      }),
    ];
    return { tenant, projects };
  });
}

export async function usageReport(req: UsageRequest): Promise<UsageDocument> {
  const lister = new NeonReader(req.api, req.reader);
  const { batchSize, pageLimit, ...paced } = req.consumption ?? {};
  const reader = new NeonReader(req.api, { requestsPerMinute: CONSUMPTION_REQUESTS_PER_MINUTE, concurrency: 1, ...paced });
  const located = await locateProjects(req, lister);
  const ids = located.flatMap((l) => l.projects.map((p) => p.id));
  const w = req.window;
  const raw = ids.length
    ? await readConsumption(reader, req.api, {
        org: req.org,
        from: w.from,
        to: w.to,
        granularity: w.granularity,
        projectIds: ids,
        ...(batchSize ? { batchSize } : {}),
        ...(pageLimit ? { pageLimit } : {}),
      })
    : new Map();
  const { prices, missing } = resolvePrices(req.pricePlan, req.priceOverrides);
  return usageDocument({
    stack: req.stack,
    org: req.org,
    window: w,
    ...(req.pricePlan ? { pricePlan: req.pricePlan } : {}),
    ...(prices ? { prices } : {}),
    pricesMissing: missing,
    tenants: located.map((l) => tenantRow(l, raw, w, prices)),
    calls: {
      listing: lister.stats.calls,
      consumption: reader.stats.calls,
      retries: lister.stats.retries + reader.stats.retries,
      waitedSeconds: (lister.stats.waitedMs + reader.stats.waitedMs) / 1000,
    },
  });
}
