/**
 * Nightly work proportional to change (issue 35): the backup workflow's planning job reads
 * from Neon when each tenant's compute was last active and how much WAL its project has
 * written this billing period (sh/neon-read.sh, sh/neon-activity.sh), and each batch job,
 * before it reads a tenant's connection string, compares those with the tenant's newest
 * verified dump (sh/unchanged-check.sh): a tenant that provably did not change since is left
 * asleep and recorded as `unchanged`. The key (NEON_ACTIVITY_API_KEY) lives only in the
 * planning job's environment (neonActivityLocation); without it every tenant is dumped.
 */
import { maxTenantsWithin } from "../../core/planMemory";
import { NEON_ACTIVITY_SECRET } from "../../core/repositoryContract";
import { FLEET_MANIFEST_FORMAT } from "../repository/manifest";
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
/** Where it keeps each tenant's project's WAL written ({"<tenant>": [bytes, period start, read at]}, epoch seconds). */
export const WRITTEN_FILE = "${{ runner.temp }}/tenant-fleet-neon-written.json";

/**
 * The pause between the starts of two `GET /projects/{id}` (one per tenant's project, for its
 * `written_data_bytes`): 5 a second, 300 a minute, under half of Neon's 700 a minute per account
 * so that `pulumi up` and the Console keep room (https://api-docs.neon.tech/reference/api-rate-limiting).
 */
export const NEON_PROJECT_SPACING_MS = 200;
/**
 * The project reads of one night stop after this many seconds; a tenant not read by then is
 * dumped. Sized for the largest stack the plan's memory allows (maxTenantsWithin, about 7,400
 * tenants: 1,484 s at NEON_PROJECT_SPACING_MS) with a fifth more for Neon's answer times and retries.
 */
export const NEON_PROJECT_READ_SECONDS = Math.ceil(((maxTenantsWithin() * NEON_PROJECT_SPACING_MS) / 1000) * 1.2);
/** After this many project reads in a row that Neon did not answer (after their retries), the rest are not tried: Neon is down. */
export const NEON_PROJECT_GIVE_UP_AFTER = 3;
/** The Neon step's timeout: the project reads, the list and the longest retry waits on top. */
export const NEON_STEP_TIMEOUT_MINUTES = Math.ceil(NEON_PROJECT_READ_SECONDS / 60) + 5;

/** What sh/neon-read.sh reads besides the key. */
export const NEON_READ_ENV: Readonly<Record<string, string>> = Object.freeze({
  NEON_MAX_ATTEMPTS: String(NEON_MAX_ATTEMPTS),
  NEON_REQUEST_SPACING_MS: String(NEON_REQUEST_SPACING_MS),
  NEON_RETRY_AFTER_CAP: String(NEON_RETRY_AFTER_CAP),
});

/**
 * The env of the planning job's Neon step (sh/neon-activity.sh): the key from the job's
 * environment, and nothing of a tenant's; `schedule`: the backup schedule whose tenants'
 * projects are read one by one.
 */
export function neonActivityEnv(manifest: string, orgId: string | undefined, schedule: string): Record<string, string> {
  return {
    NEON_ACTIVITY_API_KEY: `\${{ secrets.${NEON_ACTIVITY_SECRET} }}`,
    NEON_ORG_ID: orgId ?? "",
    NEON_PAGE_LIMIT: String(NEON_PAGE_LIMIT),
    MANIFEST: manifest,
    MANIFEST_FORMAT: String(FLEET_MANIFEST_FORMAT),
    BATCH_KIND: "backup",
    BATCH_SCHEDULE: schedule,
    ACTIVITY_FILE,
    WRITTEN_FILE,
    NEON_PROJECT_SPACING_MS: String(NEON_PROJECT_SPACING_MS),
    NEON_PROJECT_READ_SECONDS: String(NEON_PROJECT_READ_SECONDS),
    NEON_PROJECT_GIVE_UP_AFTER: String(NEON_PROJECT_GIVE_UP_AFTER),
    ...NEON_READ_ENV,
  };
}

/** The planning job's Neon step: each tenant's last activity into ACTIVITY_FILE, its project's WAL written into WRITTEN_FILE. */
export function neonActivityScript(): string {
  return shellScript("fleet-manifest.sh", "neon-read.sh", "neon-activity.sh");
}

/** The artifact each backup run keeps its read of the fleet catalog's WAL written in, for the next run's canary (sh/wal-canary.sh). */
export const CANARY_ARTIFACT = "tenant-fleet-wal-canary";
/** Where the canary step leaves tonight's read (canary.json), for the upload step. */
export const CANARY_DIR = "${{ runner.temp }}/tenant-fleet-wal-canary";
/** Earlier runs of the same workflow file the canary looks at for a kept read, newest first. */
export const CANARY_RUNS = 5;
/** The canary step's id; its output `wal_rule` is the planning job's, which the batch jobs read. */
export const CANARY_STEP_ID = "canary";
/** The canary step's timeout: one Neon read and a few GitHub reads, with neon_get's retries (up to NEON_RETRY_AFTER_CAP each). */
export const CANARY_STEP_TIMEOUT_MINUTES = 5;
/** The canary step's name (the runtime suite finds it by name). */
export const CANARY_STEP_NAME = "Does Neon meter written data (the fleet catalog's)";

/**
 * Where the WAL rule's canary runs: this workflow's file on its branch. The previous scheduled
 * run's read counts for at most the schedule's longest gap plus slack (maxBackupAgeHours), and
 * never longer than backupMaxSkipDays: only the run just before tonight's proves anything.
 */
export interface CanarySpec {
  readonly workflow: string;
  readonly branch: string;
  readonly maxSkipDays: number;
  readonly scheduleMaxAgeHours: number;
}

/** How old the previous run's read may be, in seconds. */
export function canaryMaxAgeSeconds(canary: CanarySpec): number {
  return Math.min(canary.scheduleMaxAgeHours * 3600, canary.maxSkipDays * 86_400);
}

/**
 * The env of the planning job's canary step (sh/wal-canary.sh): the Neon key, the manifest
 * (which names the catalog's project) and where to find the earlier run's read. An earlier
 * read is trusted for at most backupMaxSkipDays, the longest any proof of idleness counts.
 */
export function walCanaryEnv(manifest: string, canary: CanarySpec): Record<string, string> {
  return {
    NEON_ACTIVITY_API_KEY: `\${{ secrets.${NEON_ACTIVITY_SECRET} }}`,
    MANIFEST: manifest,
    CANARY_DIR,
    CANARY_ARTIFACT,
    CANARY_WORKFLOW: canary.workflow,
    CANARY_BRANCH: canary.branch,
    CANARY_MAX_AGE_SECONDS: String(canaryMaxAgeSeconds(canary)),
    CANARY_RUNS: String(CANARY_RUNS),
    GH_TOKEN: "${{ github.token }}",
    ...NEON_READ_ENV,
  };
}

/** The canary step's script: neon-read.sh's neon_get, then sh/wal-canary.sh. */
export function walCanaryScript(): string {
  return shellScript("neon-read.sh", "wal-canary.sh");
}

/** The canary's artifact lives as long as a read of it can count (a day more), within GitHub's 1 to 90 days. */
export function canaryRetentionDays(canary: CanarySpec): number {
  return Math.min(90, Math.max(1, Math.ceil(canaryMaxAgeSeconds(canary) / 86_400) + 1));
}

/**
 * What the batch jobs read as WAL_RULE: the planning job's canary verdict, or, for a stack
 * without a fleet catalog, a standing "off" with the reason (nothing would show the metric moves).
 */
export function walRuleExpression(hasCatalog: boolean): string {
  return hasCatalog
    ? `\${{ needs.plan.outputs.wal_rule || 'off: the planning job did not decide (its canary step did not run)' }}`
    : "off: this stack has no fleet catalog, whose written_data_bytes would show that Neon meters written data (set the catalog setting)";
}

/** What sh/unchanged-check.sh reads besides the backup's own env (BACKUP_SCRIPT_ENV) and the tenant's. */
export function unchangedCheckEnv(maxSkipDays: number, clockSkewSeconds: number, hasCatalog: boolean): Record<string, string> {
  return {
    WAL_RULE: walRuleExpression(hasCatalog),
    ...(hasCatalog ? { WAL_ALIVE_SINCE: "${{ needs.plan.outputs.wal_alive_since }}" } : {}),
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
