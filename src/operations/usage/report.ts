/**
 * What each tenant costs (pure): Neon's raw consumption converted to billing units, priced,
 * set beside the tenant's declared compute, quota and backup layers, and flagged.
 *
 * Units ("Converting raw values to readable numbers", https://neon.com/docs/introduction/usage-calculations):
 * CU-seconds / 3600 = CU-hours; byte-hours / 744 / 10^9 = GB-months (Neon's billing month is a
 * fixed 744 hours, its GB decimal); bytes / 10^9 = GB. Costs: units × the stack's per-unit
 * prices (src/core/usagePrices.ts). Public transfer is priced per tenant without the
 * organisation-wide allowance (100 GB on Launch and Scale, subtracted once per organisation on
 * the invoice), so the sum of tenants' transfer costs is an upper bound.
 */
import { CU_MIN } from "../../../tenants/schema";
import { isActive, isBackedUp, type Tenant } from "../../../tenants/model";
import type { SnapshotSchedule } from "../../../tenants/snapshots";
import type { UsagePrices } from "../../core/usagePrices";
// Quotas are written in GiB and hours (tenants/schema.ts QuotaSchema), converted by these.
import { BYTES_PER_GIB, SECONDS_PER_HOUR } from "../../plan/projects/args";
import type { RawTotals } from "./consumption";
import type { UsageWindow } from "./window";

export const HOURS_PER_BILLING_MONTH = 744;
export const BYTES_PER_GB = 1e9;

/**
 * "Far under its declared compute": over the hours the tenant's project existed in the window,
 * its average compute (CU-hours / hours) stayed below this share of its declared minimum, and
 * that minimum is above Neon's smallest size. Such a tenant is mostly suspended, yet each
 * wake-up (a request, a nightly dump) bills at least its minimum: lowering `compute.minCu`
 * towards 0.25 makes each wake-up cheaper.
 */
export const FAR_UNDER_FRACTION = 0.1;

export interface Usage {
  readonly computeCuHours: number;
  readonly rootGbMonths: number;
  readonly childGbMonths: number;
  readonly instantRestoreGbMonths: number;
  readonly snapshotGbMonths: number;
  readonly publicTransferGb: number;
  readonly privateTransferGb: number;
}

export interface Cost {
  readonly compute: number;
  /** Root and child branches. */
  readonly storage: number;
  readonly instantRestore: number;
  readonly snapshots: number;
  /** Public and private. */
  readonly transfer: number;
  readonly total: number;
}

export type FlagKind = "no-project" | "no-consumption" | "over-quota" | "far-under-compute";
export interface Flag {
  readonly kind: FlagKind;
  readonly detail: string;
}

/** A tenant and the Neon projects it has (its own, a move's target); none: not created or not found yet. */
export interface TenantProjects {
  readonly tenant: Tenant;
  readonly projects: readonly { readonly id: string; readonly createdAt?: string }[];
}

export interface UsageRow {
  readonly id: string;
  readonly name: string;
  readonly status: Tenant["status"];
  readonly region: string;
  readonly projectIds: readonly string[];
  /** Undefined: no project yet. */
  readonly usage?: Usage;
  /** Undefined: no project yet, or no prices. */
  readonly cost?: Cost;
  /** Average CU over the hours its project existed in the window. */
  readonly averageCu?: number;
  readonly declared: Declared;
  readonly flags: readonly Flag[];
}

export interface Declared {
  readonly compute: Tenant["compute"];
  readonly quota: Tenant["quota"];
  readonly layers: BackupLayers;
}

export interface BackupLayers {
  /** Point-in-time restore window, hours (0: none). */
  readonly pitrHours: number;
  /** The nightly dumps to the tenant's vault; undefined when off (disabled or retired). */
  readonly dumps?: { readonly schedule: string; readonly retentionDays: number };
  /** Neon's own scheduled snapshots (`backup.snapshots`), as declared; undefined when off or the tenant is retired (its project takes none). */
  readonly snapshots?: SnapshotSchedule;
}

export function usageOf(raw: RawTotals): Usage {
  const gbMonths = (byteHours: number) => byteHours / HOURS_PER_BILLING_MONTH / BYTES_PER_GB;
  return {
    computeCuHours: raw.compute_unit_seconds / SECONDS_PER_HOUR,
    rootGbMonths: gbMonths(raw.root_branch_bytes_month),
    childGbMonths: gbMonths(raw.child_branch_bytes_month),
    instantRestoreGbMonths: gbMonths(raw.instant_restore_bytes_month),
    snapshotGbMonths: gbMonths(raw.snapshot_storage_bytes_month),
    publicTransferGb: raw.public_network_transfer_bytes / BYTES_PER_GB,
    privateTransferGb: raw.private_network_transfer_bytes / BYTES_PER_GB,
  };
}

export function costOf(u: Usage, p: UsagePrices): Cost {
  const compute = u.computeCuHours * p.computeCuHour;
  const storage = (u.rootGbMonths + u.childGbMonths) * p.storageGbMonth;
  const instantRestore = u.instantRestoreGbMonths * p.instantRestoreGbMonth;
  const snapshots = u.snapshotGbMonths * p.snapshotGbMonth;
  const transfer = u.publicTransferGb * p.publicTransferGb + u.privateTransferGb * p.privateTransferGb;
  return { compute, storage, instantRestore, snapshots, transfer, total: compute + storage + instantRestore + snapshots + transfer };
}

/** The tenant's Neon snapshots as TenantDatabase declares them: none when off or retired. */
export function snapshotsOf(t: Tenant): SnapshotSchedule | undefined {
  return isActive(t) && t.backup.snapshots !== "off" ? t.backup.snapshots : undefined;
}

export function layersOf(t: Tenant): BackupLayers {
  const snapshots = snapshotsOf(t);
  return {
    pitrHours: t.historyRetentionHours,
    ...(isBackedUp(t) ? { dumps: { schedule: t.backup.schedule, retentionDays: t.backup.retentionDays } } : {}),
    ...(snapshots !== undefined ? { snapshots } : {}),
  };
}

/** Which declared quotas the consumption shows exceeded. Neon suspends a project's computes once one is reached. */
export function quotaFlags(t: Tenant, u: Usage): Flag[] {
  const out: Flag[] = [];
  const q = t.quota;
  // compute_time_seconds, the quota's metric, corresponds to compute_unit_seconds (usage-calculations, "Project snapshot").
  if (q.computeTimeHours && u.computeCuHours >= q.computeTimeHours)
    out.push({ kind: "over-quota", detail: `compute ${round(u.computeCuHours, 2)} CU-h of quota.computeTimeHours ${q.computeTimeHours}` });
  const transferGiB = ((u.publicTransferGb + u.privateTransferGb) * BYTES_PER_GB) / BYTES_PER_GIB;
  if (q.dataTransferGiB && transferGiB >= q.dataTransferGiB)
    out.push({ kind: "over-quota", detail: `transfer ${round(transferGiB, 2)} GiB of quota.dataTransferGiB ${q.dataTransferGiB}` });
  return out;
}

/** The hours in the window during which the tenant's projects existed (from the oldest one's creation). */
export function hoursExisting(w: UsageWindow, projects: TenantProjects["projects"]): number {
  const start = Date.parse(w.from);
  const created = projects.map((p) => (p.createdAt ? Date.parse(p.createdAt) : start)).filter((n) => !Number.isNaN(n));
  const since = Math.max(start, Math.min(...created, Number.POSITIVE_INFINITY));
  const end = start + w.hoursElapsed * 3_600_000;
  return Math.max(0, (end - since) / 3_600_000);
}

/** The far-under rule (FAR_UNDER_FRACTION). */
export function farUnder(t: Tenant, averageCu: number | undefined): Flag | undefined {
  if (averageCu === undefined || t.compute.minCu <= CU_MIN || averageCu >= FAR_UNDER_FRACTION * t.compute.minCu) return undefined;
  return {
    kind: "far-under-compute",
    detail: `average ${round(averageCu, 3)} CU, under ${FAR_UNDER_FRACTION * 100} % of compute.minCu ${t.compute.minCu}: each wake-up bills at least ${t.compute.minCu} CU; a lower minCu costs less`,
  };
}

export function tenantRow(tp: TenantProjects, raw: ReadonlyMap<string, RawTotals>, w: UsageWindow, prices: UsagePrices | undefined): UsageRow {
  const t = tp.tenant;
  const base = {
    id: t.id,
    name: t.name,
    status: t.status,
    region: t.region,
    projectIds: tp.projects.map((p) => p.id),
    declared: { compute: t.compute, quota: t.quota, layers: layersOf(t) },
  };
  if (!tp.projects.length)
    return { ...base, flags: [{ kind: "no-project", detail: "no Neon project yet: not created by pulumi up, or not found in the organisation" }] };
  const reported = tp.projects.filter((p) => raw.has(p.id));
  const usage = sumUsage(tp.projects.map((p) => raw.get(p.id)).flatMap((r) => (r ? [usageOf(r)] : [])));
  const hours = hoursExisting(w, tp.projects);
  const averageCu = hours > 0 ? usage.computeCuHours / hours : undefined;
  const far = farUnder(t, averageCu);
  const flags: Flag[] = [
    ...(reported.length ? [] : [{ kind: "no-consumption" as const, detail: "Neon reported no consumption for its project in the window" }]),
    ...quotaFlags(t, usage),
    ...(far ? [far] : []),
  ];
  return { ...base, usage, ...(prices ? { cost: costOf(usage, prices) } : {}), ...(averageCu !== undefined ? { averageCu } : {}), flags };
}

const ZERO_USAGE: Usage = {
  computeCuHours: 0,
  rootGbMonths: 0,
  childGbMonths: 0,
  instantRestoreGbMonths: 0,
  snapshotGbMonths: 0,
  publicTransferGb: 0,
  privateTransferGb: 0,
};

export function sumUsage(items: readonly Usage[]): Usage {
  const out: Record<keyof Usage, number> = { ...ZERO_USAGE };
  for (const u of items) for (const k of Object.keys(out) as (keyof Usage)[]) out[k] += u[k];
  return out;
}

export function sumCost(items: readonly Cost[]): Cost {
  const out: Record<keyof Cost, number> = { compute: 0, storage: 0, instantRestore: 0, snapshots: 0, transfer: 0, total: 0 };
  for (const c of items) for (const k of Object.keys(out) as (keyof Cost)[]) out[k] += c[k];
  return out;
}

/** `x` to `digits` decimals, for display and the JSON document (floating-point noise removed). */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round((x + Number.EPSILON) * f) / f;
}
