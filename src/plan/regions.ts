/**
 * The auditors' regions report: per tenant its declared residency, database region and
 * backup region, and the check that both lie inside the residency. Built from the same
 * placement the stack's vaults and policies use, so it cannot disagree with `pulumi up`.
 */
import { isActive, isBackedUp, type Fleet, type Tenant } from "../../tenants/model";
import { residencyName } from "../../tenants/regions";
import { placementOf } from "../../tenants/placement";
import { runnerOf } from "./repository/manifest";
import { describeSnapshots } from "../../tenants/snapshots";

/** What the report says of a tenant whose jobs run on GitHub-hosted runners. */
export const GITHUB_HOSTED = "GitHub-hosted (no jurisdiction)";

export interface RegionRow {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly residency: string;
  readonly residencyName: string;
  readonly neonRegion: string;
  readonly city: string;
  readonly country: string;
  readonly backupRegion: string;
  readonly backupCountry: string;
  readonly backupSchedule: string;
  readonly backupRetentionDays: number;
  readonly backupsEnabled: boolean;
  readonly pitrHours: number;
  /** Neon's own snapshots (the first backup layer, kept in Neon): "off", or when they are taken, e.g. "daily at 02:00 UTC". */
  readonly snapshotSchedule: string;
  /** Days each snapshot is kept; 0 when off. */
  readonly snapshotRetentionDays: number;
  readonly databaseInResidency: boolean;
  readonly backupInResidency: boolean;
  /** Where dumps, drills, migrations, restores and exports of its data run: runner labels, or GitHub-hosted. */
  readonly processedOn: string;
  /** On runners the stack maps for its residency (runnerLabels). */
  readonly processedInResidency: boolean;
}

export interface JurisdictionSummary {
  readonly residency: string;
  readonly name: string;
  readonly active: number;
  readonly retired: number;
  readonly neonRegions: readonly string[];
  readonly backupRegions: readonly string[];
}

export interface RegionsReport {
  readonly rows: readonly RegionRow[];
  readonly jurisdictions: readonly JurisdictionSummary[];
  /**
   * `held`: every database and backup inside its residency. `processedOutside`: active
   * tenants whose jobs run on GitHub-hosted runners (a warning, not a failure of the check).
   */
  readonly check: { readonly tenants: number; readonly outside: readonly string[]; readonly held: boolean; readonly processedOutside: readonly string[] };
}

/** When a tenant's snapshots are taken, without the retention (its own column). */
function snapshotWhen(s: Tenant["backup"]["snapshots"]): string {
  return describeSnapshots(s).replace(/, kept \d+ days$/, "");
}

export function regionsReport(fleet: Fleet, runners: Readonly<Record<string, readonly string[]>> = {}): RegionsReport {
  const rows: RegionRow[] = fleet.tenants.map((t) => {
    const { database, backup } = placementOf(t);
    return {
      id: t.id,
      name: t.name,
      status: t.status,
      residency: t.residency,
      residencyName: residencyName(t.residency),
      neonRegion: t.region,
      city: database.city,
      country: database.country,
      backupRegion: backup.awsRegion,
      backupCountry: backup.country,
      backupSchedule: t.backup.schedule,
      backupRetentionDays: t.backup.retentionDays,
      backupsEnabled: isBackedUp(t),
      pitrHours: t.historyRetentionHours,
      // A retired tenant's project takes none (components/tenantDatabase.ts).
      snapshotSchedule: snapshotWhen(isActive(t) ? t.backup.snapshots : "off"),
      snapshotRetentionDays: t.backup.snapshots === "off" || !isActive(t) ? 0 : t.backup.snapshots.retentionDays,
      databaseInResidency: database.inResidency,
      backupInResidency: backup.inResidency,
      processedOn: runnerOf(t, runners)?.join(", ") ?? GITHUB_HOSTED,
      processedInResidency: runnerOf(t, runners) !== undefined,
    };
  });
  const residencies = [...new Set(rows.map((r) => r.residency))].sort();
  const jurisdictions = residencies.map((residency) => {
    const here = rows.filter((r) => r.residency === residency);
    return {
      residency,
      name: residencyName(residency),
      active: here.filter(isActive).length,
      retired: here.filter((r) => r.status === "retired").length,
      neonRegions: [...new Set(here.map((r) => r.neonRegion))].sort(),
      backupRegions: [...new Set(here.map((r) => r.backupRegion))].sort(),
    };
  });
  const outside = rows.filter((r) => !r.databaseInResidency || !r.backupInResidency).map((r) => r.id);
  const processedOutside = rows.filter((r) => isActive(r) && !r.processedInResidency).map((r) => r.id);
  return { rows, jurisdictions, check: { tenants: rows.length, outside, held: outside.length === 0, processedOutside } };
}
