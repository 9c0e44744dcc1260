/**
 * Planning a tenant's export (issue: tenant operations). Pure: where the export goes in
 * the tenant's own vault, in which format, how long a shared link works and how long the
 * object stays.
 */
import type { Tenant } from "../../tenants/model";
import { exportPrefix } from "../../tenants/naming";
import { backupRegionOf } from "../../tenants/placement";
import { backupTimestamp } from "../plan/vaults/plan";

export type ExportFormat = "custom" | "plain";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["custom", "plain"];

export interface ExportPlan {
  readonly action: "export";
  readonly tenant: string;
  readonly format: ExportFormat;
  readonly awsRegion: string;
  /** `exports/<id>/<UTC timestamp>`: the custom-format dump is `<stem>.dump`, its manifest `<stem>.manifest.json`. */
  readonly stem: string;
  /** The custom-format dump (always written, checked like a backup). */
  readonly key: string;
  /** Plain format: the SQL made from it, `<stem>.sql`. */
  readonly plainKey?: string;
  /** Seconds a presigned link works (exportLinkHours). */
  readonly linkSeconds: number;
  /** The exports lifecycle rule deletes it after this many days (exportRetentionDays). */
  readonly retentionDays: number;
}

export function planExport(
  tenant: Tenant,
  format: ExportFormat,
  now: Date,
  settings: { readonly linkHours: number; readonly retentionDays: number },
): ExportPlan {
  const stem = `${exportPrefix(tenant.id)}${backupTimestamp(now)}`;
  return {
    action: "export",
    tenant: tenant.id,
    format,
    awsRegion: backupRegionOf(tenant.region),
    stem,
    key: `${stem}.dump`,
    ...(format === "plain" ? { plainKey: `${stem}.sql` } : {}),
    linkSeconds: settings.linkHours * 3600,
    retentionDays: settings.retentionDays,
  };
}
