/**
 * The batch scheduler: tenants grouped by AWS region, Postgres major and runner, cut into
 * even batches of at most the requested size (growing it when the jobs would not fit).
 * Pure; knows nothing of tenants beyond what a batch needs.
 */

/** Tenants of one AWS region and Postgres major that one job serves. */
export interface Batch {
  /** `eu-central-1-pg17-2`, or the tenant id when a batch is one tenant (environment scope). */
  readonly key: string;
  readonly awsRegion: string;
  readonly pg: number;
  readonly tenants: readonly string[];
  /** The runner labels its jobs run on (runnerLabels); absent: GitHub-hosted. */
  readonly runsOn?: readonly string[];
}

export interface BatchPlan {
  readonly batches: readonly Batch[];
  /** The batch size used: the requested one, or larger when the requested one needs more than `maxBatches` jobs. */
  readonly size: number;
  readonly requested: number;
}

export interface Batchable {
  readonly id: string;
  readonly awsRegion: string;
  readonly pg: number;
  readonly runsOn?: readonly string[];
}

/** Plain code-unit order (not the locale's): the same on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Anything with an id, in id order. */
export function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return compare(a.id, b.id);
}

/** Tenants grouped by AWS region, Postgres major and runner, each group sorted by id. */
function groups(tenants: readonly Batchable[]): Batchable[][] {
  const byGroup = new Map<string, Batchable[]>();
  for (const t of [...tenants].sort((a, b) => compare(a.id, b.id))) {
    const key = `${t.awsRegion}\u0000${String(t.pg).padStart(4, "0")}\u0000${(t.runsOn ?? []).join(",")}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), t]);
  }
  return [...byGroup.entries()].sort(([a], [b]) => compare(a, b)).map(([, g]) => g);
}

/** How many jobs batches of `size` need for these groups. */
function jobCount(sizes: readonly number[], size: number): number {
  return sizes.reduce((n, s) => n + Math.ceil(s / size), 0);
}

/**
 * Batches of at most `size` tenants sharing an AWS region and Postgres major, stable by
 * id. When that needs more than `maxBatches` jobs, the size grows to the smallest that
 * fits (the caller warns); `size` 1 keys each batch by its tenant's id.
 */
export function planBatches(tenants: readonly Batchable[], requested: number, maxBatches: number, keyPrefix = ""): BatchPlan {
  if (!Number.isInteger(requested) || requested < 1) throw new Error(`internal: batch size ${requested}`);
  const grouped = groups(tenants);
  const sizes = grouped.map((g) => g.length);
  if (grouped.length > maxBatches) throw new Error(`internal: ${grouped.length} region and Postgres groups cannot share ${maxBatches} jobs`);
  let size = requested;
  if (jobCount(sizes, size) > maxBatches) {
    // Binary search on the smallest size that fits: job counts fall as the size grows.
    let lo = size + 1;
    let hi = Math.max(...sizes);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (jobCount(sizes, mid) <= maxBatches) hi = mid;
      else lo = mid + 1;
    }
    size = lo;
  }
  const batches: Batch[] = [];
  // Groups of one region and major that differ by runner are numbered apart: `eu-central-1-pg17-r2-1`.
  const runnerIndex = new Map<string, string[]>();
  for (const g of grouped) {
    const rk = `${g[0].awsRegion}-pg${g[0].pg}`;
    runnerIndex.set(rk, [...new Set([...(runnerIndex.get(rk) ?? []), (g[0].runsOn ?? []).join(",")])]);
  }
  for (const group of grouped) {
    // Even batches: a group of 26 with size 25 gives 13 + 13, not 25 + 1.
    const count = Math.ceil(group.length / size);
    const each = Math.ceil(group.length / count);
    for (let i = 0; i < count; i++) {
      const members = group.slice(i * each, (i + 1) * each);
      if (!members.length) continue;
      const { awsRegion, pg, runsOn } = members[0];
      const runners = runnerIndex.get(`${awsRegion}-pg${pg}`)!;
      const r = runners.length > 1 ? `r${runners.indexOf((runsOn ?? []).join(",")) + 1}-` : "";
      batches.push({
        key: size === 1 ? members[0].id : `${keyPrefix}${awsRegion}-pg${pg}-${r}${i + 1}`,
        awsRegion,
        pg,
        tenants: members.map((t) => t.id),
        ...(runsOn?.length ? { runsOn } : {}),
      });
    }
  }
  return { batches, size, requested };
}
