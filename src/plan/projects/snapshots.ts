/**
 * Pure mapping from a tenant to the Neon snapshot schedule of its project's root branch
 * (`neon.BranchBackupSchedule`, kislerdm/neon 0.17+): which project declares one, and its
 * `schedules` in the provider's names and units (days → retentionSeconds). TenantDatabase
 * declares it; tenants/snapshots.ts holds the rules.
 */
import { isActive, type Tenant } from "../../../tenants/model";

const SECONDS_PER_DAY = 86_400;

/** One entry of `schedules` as the provider takes it (BranchBackupScheduleSchedule). */
export interface SnapshotScheduleEntry {
  readonly frequency: "daily" | "weekly" | "monthly";
  readonly hour: number;
  readonly day?: number;
  readonly retentionSeconds: number;
}

/**
 * The schedules of a tenant's project, or undefined when it declares none: snapshots off, a
 * retired tenant (its backups stop; the snapshots taken expire), or a project that does not
 * serve the tenant (`serves`: a move's source once cut over, its target before).
 */
export function snapshotSchedules(tenant: Tenant, serves: boolean): SnapshotScheduleEntry[] | undefined {
  const s = tenant.backup.snapshots;
  if (s === "off" || !serves || !isActive(tenant)) return undefined;
  return [{ frequency: s.frequency, hour: s.hour, ...(s.day !== undefined ? { day: s.day } : {}), retentionSeconds: s.retentionDays * SECONDS_PER_DAY }];
}

/** The resource name of a project's schedule: the project's own name (the tenant's stable key at its generation) and a suffix. */
export function snapshotScheduleName(projectResource: string): string {
  return `${projectResource}-snapshots`;
}
