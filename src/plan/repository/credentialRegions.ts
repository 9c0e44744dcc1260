/** The region scope's credentials: per backup AWS region, the tenants whose strings its jobs read (the IAM regions). */
import { isActive, isBackedUp, type Tenant } from "../../../tenants/model";
import { backupRegionOf } from "../../../tenants/placement";
import { byId, compare } from "./batches";

/** The region scope's credentials, per backup AWS region: its active tenants, and which of them backups and migrations read. */
export function credentialRegions(
  tenants: readonly Tenant[],
  migrations: boolean,
): { awsRegion: string; active: Tenant[]; backedUp: string[]; migrated: string[] }[] {
  const byRegion = new Map<string, Tenant[]>();
  for (const t of [...tenants].sort(byId)) {
    if (!isActive(t)) continue;
    const r = backupRegionOf(t.region);
    byRegion.set(r, [...(byRegion.get(r) ?? []), t]);
  }
  return [...byRegion.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([awsRegion, active]) => ({
      awsRegion,
      active,
      backedUp: active.filter(isBackedUp).map((t) => t.id),
      migrated: migrations ? active.map((t) => t.id) : [],
    }));
}
