/**
 * The typed, frozen tenant model every other module reads. Built by `load.ts` from a
 * validated tenants file; every optional setting resolved (tenant, then `defaults`, then
 * the code defaults below), units kept as people write them (hours, GiB, CU).
 */

import type { RegionId } from "./regions";
import type { SnapshotSetting } from "./snapshots";

export type TenantStatus = "active" | "retired";

export interface ComputeSettings {
  readonly minCu: number;
  readonly maxCu: number;
  /** -1 never, 0 Neon's default (300 s), else seconds. */
  readonly suspendAfterSeconds: number;
}

export interface QuotaSettings {
  readonly activeTimeHours?: number;
  readonly computeTimeHours?: number;
  readonly writtenDataGiB?: number;
  readonly dataTransferGiB?: number;
  readonly logicalSizeGiB?: number;
}

export interface BackupSettings {
  /** Five-field cron, UTC. */
  readonly schedule: string;
  readonly retentionDays: number;
  readonly enabled: boolean;
  /** Job timeout of this tenant's backup and restore drill. */
  readonly timeoutMinutes: number;
  /** Until this date (inclusive, UTC) a backup of a database without tables only warns. */
  readonly emptyAllowedUntil?: string;
  /** The recovery point objective, hours: no gap between backups may be longer. */
  readonly rpoHours?: number;
  /** Neon's own snapshots of the root branch (tenants/snapshots.ts): the tenant's, the defaults', else the stack's snapshotSchedule. */
  readonly snapshots: SnapshotSetting;
}

export interface DatabaseNames {
  readonly branch: string;
  readonly name: string;
  readonly role: string;
}

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly region: RegionId;
  readonly residency: string;
  readonly status: TenantStatus;
  readonly pgVersion: number;
  readonly historyRetentionHours: number;
  readonly compute: ComputeSettings;
  readonly quota: QuotaSettings;
  readonly backup: BackupSettings;
  readonly database: DatabaseNames;
  /** Its migration wave; unset: the stack's last wave. */
  readonly rollout?: string;
  /** The tier it names (tenants/tiers.ts); its settings above are already resolved through it. */
  readonly tier?: string;
  /** Why its data must be kept: erasure is refused while set. */
  readonly legalHold?: string;
  /** An existing Neon project the tenant is bound to (adopted): its project resource imports it (tenants/binding.ts). */
  readonly neonProjectId?: string;
  /** Which of its projects is the tenant's own: 1, or the target of its last finished move (tenants/serving.ts). */
  readonly generation: number;
  /** A move in progress: the target project's region and major (resolved), the approving ticket and its stage. */
  readonly move?: {
    readonly region: RegionId;
    readonly pgVersion: number;
    readonly ticket: string;
    readonly method: "dump" | "logical";
    readonly cutover: boolean;
    readonly finish: boolean;
  };
}

import type { AcknowledgedChange } from "./changeKinds";
import type { TierInput } from "./schema";
export type { AcknowledgedChange } from "./changeKinds";

/** A reviewed acceptance of one destructive change, written in the tenants file. */
export interface Acknowledgement {
  /** Tenant id; absent for stack-wide changes. */
  readonly tenant?: string;
  readonly change: AcknowledgedChange;
  readonly reason: string;
}

export interface Fleet {
  /** The tenants file as the user named it (relative paths stay relative). */
  readonly file: string;
  readonly version: 1;
  readonly tenants: readonly Tenant[];
  readonly acknowledgements: readonly Acknowledgement[];
  /** A sample fleet (`example: true`): planned, never deployed. */
  readonly example: boolean;
  /** The file's tiers as written (name → preset), when it declares any: the review compares them. */
  readonly tiers?: Readonly<Record<string, TierInput>>;
  /** The file's defaults as written, when it declares them: the review compares them (src/review/diffTiers.ts). */
  readonly defaults?: Readonly<TierInput>;
}

/**
 * Code defaults, applied when neither the tenant nor the file's `defaults` block sets a
 * value. The database names are part of the contract: changing them would replace every
 * Neon project that relies on them, so they never change.
 */
export const CODE_DEFAULTS = Object.freeze({
  pgVersion: 17,
  historyRetentionHours: 24,
  compute: Object.freeze({ minCu: 0.25, maxCu: 2, suspendAfterSeconds: 300 }),
  backup: Object.freeze({ schedule: "17 3 * * *", retentionDays: 14, enabled: true, timeoutMinutes: 60, snapshots: "off" as const }),
  database: Object.freeze({ branch: "main", name: "app", role: "app_owner" }),
});

/**
 * Whether a tenant (or a report's row, a catalog record or a tenants file's entry about one) is
 * served (active), not retired: the one test of a tenant's status. An entry without a valid
 * status is not active.
 */
export function isActive(t: { readonly status?: string }): boolean {
  return t.status === "active";
}

/** Whether a tenant is backed up: active, with its backups enabled. */
export function isBackedUp(t: Pick<Tenant, "status" | "backup">): boolean {
  return isActive(t) && t.backup.enabled;
}

export function activeTenants(fleet: Fleet): Tenant[] {
  return fleet.tenants.filter(isActive);
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
