/**
 * Nightly work proportional to change (issue 35): the backup workflow's planning job reads
 * from Neon when each tenant's compute was last active (sh/neon-read.sh, sh/neon-activity.sh),
 * and each batch job, before it reads a tenant's connection string, compares that with the
 * tenant's newest verified dump (sh/unchanged-check.sh): a tenant idle since is left asleep
 * and recorded as `unchanged`. The key (NEON_ACTIVITY_API_KEY) lives only in the planning
 * job's environment (neonActivityLocation); without it every tenant is dumped.
 */
import { NEON_ACTIVITY_SECRET } from "../../core/repositoryContract";
import { newestBackupScript } from "./backupScripts";
import { shellScript } from "./shell";

export { NEON_API } from "./dev";
/** Projects per page of GET /projects: Neon's maximum (ListProjectsParams.limit, 1 to 400). */
export const NEON_PAGE_LIMIT = 400;
/**
 * The pause after each Neon request: at most 10 a second and 600 a minute, under Neon's 700 a
 * minute and 40 a second per route (https://api-docs.neon.tech/reference/api-rate-limiting).
 */
export const NEON_REQUEST_SPACING_MS = 100;
/** Tries of one request (429, 5xx, no answer) before Neon counts as unreachable and every tenant is dumped. */
export const NEON_MAX_ATTEMPTS = 5;
/** The longest Retry-After the planning job waits for (its job has 10 minutes). */
export const NEON_RETRY_AFTER_CAP = 60;
/**
 * Activity Neon records this close before a dump's quiet_through counts as after it (Neon's
 * clock may trail the runner's and S3's, and it reports activity at intervals): the tenant is
 * dumped. Applied in the safe direction only (sh/unchanged-check.sh; docs/backups.md).
 */
export const ACTIVITY_SLACK_SECONDS = 30;
/** Where the planning job keeps the tenants' activity between its two steps. */
export const ACTIVITY_FILE = "${{ runner.temp }}/tenant-fleet-neon-activity.json";

/** What sh/neon-read.sh reads besides the key. */
export const NEON_READ_ENV: Readonly<Record<string, string>> = Object.freeze({
  NEON_MAX_ATTEMPTS: String(NEON_MAX_ATTEMPTS),
  NEON_REQUEST_SPACING_MS: String(NEON_REQUEST_SPACING_MS),
  NEON_RETRY_AFTER_CAP: String(NEON_RETRY_AFTER_CAP),
});

/** The env of the planning job's Neon step (sh/neon-activity.sh): the key from the job's environment, and nothing of a tenant's. */
export function neonActivityEnv(manifest: string, orgId: string | undefined): Record<string, string> {
  return {
    NEON_ACTIVITY_API_KEY: `\${{ secrets.${NEON_ACTIVITY_SECRET} }}`,
    NEON_ORG_ID: orgId ?? "",
    NEON_PAGE_LIMIT: String(NEON_PAGE_LIMIT),
    MANIFEST: manifest,
    ACTIVITY_FILE,
    ...NEON_READ_ENV,
  };
}

/** The planning job's Neon step: each tenant's last activity into ACTIVITY_FILE. */
export function neonActivityScript(): string {
  return shellScript("neon-read.sh", "neon-activity.sh");
}

/** What sh/unchanged-check.sh reads besides the backup's own env (BACKUP_SCRIPT_ENV) and the tenant's. */
export function unchangedCheckEnv(maxSkipDays: number, clockSkewSeconds: number): Record<string, string> {
  return {
    BACKUP_MAX_SKIP_DAYS: String(maxSkipDays),
    ACTIVITY_SLACK_SECONDS: String(ACTIVITY_SLACK_SECONDS),
    CLOCK_SKEW_SECONDS: String(clockSkewSeconds),
  };
}

/** The heredoc delimiter that carries newest-backup.sh inside the check. */
const NEWEST_DELIMITER = "TENANT_FLEET_NEWEST_BACKUP";

/** The check before a tenant's backup (sh/unchanged-check.sh), with newest-backup.sh as the function `newest_backup_script`. */
export function unchangedCheckScript(): string {
  const newest = newestBackupScript();
  if (newest.split("\n").includes(NEWEST_DELIMITER)) throw new Error("internal: newest-backup.sh contains its heredoc delimiter");
  return ["newest_backup_script() {", `  cat <<'${NEWEST_DELIMITER}'`, newest, NEWEST_DELIMITER, "}", shellScript("unchanged-check.sh")].join("\n");
}

/**
 * Whether the stack's workflows read Neon with NEON_ACTIVITY_SECRET, so the key and its
 * environment are wired: the backups' planning job when idle tenants may be skipped
 * (maxSkipDays above 0), and the restore drill's snapshot check when a tenant takes Neon
 * snapshots. Otherwise nothing holds the key.
 */
export function readsNeonActivity(
  workflows: readonly { readonly kind: string }[],
  maxSkipDays: number,
  tenants: readonly { readonly backup: { readonly snapshots: unknown } }[],
): boolean {
  const has = (kind: string) => workflows.some((w) => w.kind === kind);
  return (maxSkipDays > 0 && has("backup")) || (has("restore-drill") && tenants.some((t) => t.backup.snapshots !== "off"));
}
