/**
 * Reads Neon's consumption history for a set of projects: GET /consumption_history/v2/projects
 * (`getConsumptionHistoryPerProjectV2` of @neondatabase/api-client; reference:
 * https://neon.com/docs/reference/api/consumption/get-consumption-history-per-project-v2).
 * What the reading relies on, from that reference and the client's OpenAPI types:
 * - `org_id`, `from`, `to`, `granularity` and `metrics` are required; `metrics` takes the eight
 *   names of CONSUMPTION_METRICS (this report asks for the seven it prices, not
 *   `extra_branches_month`);
 * - `project_ids` filters to at most 100 projects a call (PROJECT_IDS_PER_CALL), `limit` is 1 to
 *   100 projects a page (default 10), and the next page is asked for with the previous answer's
 *   `pagination.cursor` (pages ordered by project creation, newest first);
 * - each project's answer is `periods[]` (billing periods) of `consumption[]` (one timeframe per
 *   granularity step, oldest first) of `metrics[]` ({metric_name, value}); a timeframe may leave
 *   out a metric, which counts as 0;
 * - the call does not wake a suspended compute.
 * Rate limit: Neon's consumption endpoints share a limiter of about 30 requests a minute per
 * account, a token bucket ("Consumption polling FAQ", https://neon.com/docs/guides/consumption-metrics),
 * within the account's 700 a minute: the calls go through the adopt command's paced, retried
 * NeonReader at CONSUMPTION_REQUESTS_PER_MINUTE, one at a time, a 429 waited out per its Retry-After.
 */
import type { ConsumptionHistoryGranularity } from "@neondatabase/api-client";
import { NeonApiError, type NeonApi } from "../neonApi";
import type { NeonReader } from "../adopt/reader";

/** Every metric name the endpoint takes (its `metrics` parameter). */
export const CONSUMPTION_METRICS = [
  "compute_unit_seconds",
  "root_branch_bytes_month",
  "child_branch_bytes_month",
  "instant_restore_bytes_month",
  "public_network_transfer_bytes",
  "private_network_transfer_bytes",
  "extra_branches_month",
  "snapshot_storage_bytes_month",
] as const;
export type ConsumptionMetric = (typeof CONSUMPTION_METRICS)[number];

/** The metrics this report reads and prices (extra branches are left out: their allowance is per plan and per hour). */
export const REPORTED_METRICS = [
  "compute_unit_seconds",
  "root_branch_bytes_month",
  "child_branch_bytes_month",
  "instant_restore_bytes_month",
  "snapshot_storage_bytes_month",
  "public_network_transfer_bytes",
  "private_network_transfer_bytes",
] as const satisfies readonly ConsumptionMetric[];
export type ReportedMetric = (typeof REPORTED_METRICS)[number];

/** A project's raw totals over the window: CU-seconds, byte-hours, bytes, as Neon reports them. */
export type RawTotals = Readonly<Record<ReportedMetric, number>>;

/** The most `project_ids` one call takes, and the most projects one page holds (`limit`). */
export const PROJECT_IDS_PER_CALL = 100;
export const PAGE_LIMIT_MAX = 100;

/** Under the consumption limiter's ~30 a minute, leaving room for another reader of the account. */
export const CONSUMPTION_REQUESTS_PER_MINUTE = 25;

export interface ConsumptionQuery {
  readonly org: string;
  readonly from: string;
  readonly to: string;
  readonly granularity: `${ConsumptionHistoryGranularity}`;
  readonly projectIds: readonly string[];
  /** Projects per call's `project_ids`. @default PROJECT_IDS_PER_CALL */
  readonly batchSize?: number;
  /** Projects per page (`limit`). @default PAGE_LIMIT_MAX */
  readonly pageLimit?: number;
}

export function zeroTotals(): Record<ReportedMetric, number> {
  return Object.fromEntries(REPORTED_METRICS.map((m) => [m, 0])) as Record<ReportedMetric, number>;
}

type ProjectAnswer = Awaited<ReturnType<NeonApi["getConsumptionHistoryPerProjectV2"]>>["data"]["projects"][number];

/** One project's answer summed over its periods and timeframes (pure). */
export function sumProject(p: ProjectAnswer): RawTotals {
  const out = zeroTotals();
  for (const period of p.periods ?? [])
    for (const frame of period.consumption ?? [])
      for (const m of frame.metrics ?? []) {
        if (!(REPORTED_METRICS as readonly string[]).includes(m.metric_name)) continue;
        if (typeof m.value !== "number" || !Number.isFinite(m.value) || m.value < 0)
          throw new NeonApiError(
            `Neon reported ${JSON.stringify(m.value)} for ${m.metric_name} of ${p.project_id}, not a count; run again, or report it to Neon`,
          );
        out[m.metric_name as ReportedMetric] += m.value;
      }
  return Object.freeze(out);
}

/** The project ids in batches of `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Every project's totals over [from, to), batch by batch and page by page. A project Neon
 * leaves out of its answer (no consumption recorded in the window) is absent from the map.
 */
export async function readConsumption(reader: NeonReader, api: NeonApi, q: ConsumptionQuery): Promise<Map<string, RawTotals>> {
  const out = new Map<string, RawTotals>();
  const limit = q.pageLimit ?? PAGE_LIMIT_MAX;
  for (const ids of batches([...new Set(q.projectIds)], q.batchSize ?? PROJECT_IDS_PER_CALL)) {
    const wanted = new Set(ids);
    const cursors = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const data = await reader.call(`read the consumption of ${ids.length} project(s) from ${q.from} to ${q.to}`, () =>
        api.getConsumptionHistoryPerProjectV2({
          org_id: q.org,
          from: q.from,
          to: q.to,
          granularity: q.granularity as ConsumptionHistoryGranularity,
          metrics: [...REPORTED_METRICS],
          project_ids: ids,
          limit,
          ...(cursor ? { cursor } : {}),
        }),
      );
      for (const p of data.projects ?? []) {
        if (!wanted.has(p.project_id)) continue;
        wanted.delete(p.project_id);
        out.set(p.project_id, sumProject(p));
      }
      const next = data.pagination?.cursor;
      // The batch is done when every project has answered, the page is short, or there is no next page.
      if (!wanted.size || (data.projects ?? []).length < limit || !next) break;
      if (cursors.has(next)) throw new NeonApiError(`Neon's pagination of the consumption history does not advance (cursor ${next}); run again`);
      cursors.add(next);
      cursor = next;
    }
  }
  return out;
}
