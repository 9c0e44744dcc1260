/**
 * The bash of the generated backup, restore-drill and migration jobs, from the `.sh` files in
 * `sh/` (each names its environment inputs in its header), and the constants those scripts
 * read from the environment: the workflows module places the scripts in steps and the env
 * records below in the steps' `env:`; src/operations/tenantOperations.ts runs the backup and
 * drill scripts with the same records; the runtime suite (test/runtime/) runs them for real.
 *
 * A backup is verified before it counts (sh/backup.sh): the connection string must point at
 * the host the stack created for the tenant, the database must hold tables (unless the tenant
 * is marked new), the dump's table of contents must list every table the database has, and
 * the upload streams in parts that S3 checks (Content-MD5) and completes only as a new
 * object. An extension's configuration tables count as the tenant's (pg_dump dumps their rows
 * that match the extension's filter; see sh/count-tables.sql). A manifest written last (same
 * prefix, `.manifest.json`) records what was dumped, with every table's exact row count taken
 * in the snapshot the dump was made from; a dump without one is unfinished. The drill
 * (sh/newest-backup.sh, sh/drill.sh) trusts only manifests, checks the download against it
 * (size, SHA-256), restores, and compares tables and row counts (exactly; within a tolerance
 * for older manifests, which recorded the planner's estimates).
 */
import { backupPrefix } from "../../../tenants/naming";
import { BACKUP_TIMESTAMP_DATE_FORMAT, MANIFEST_SUFFIX, type BackupEncryption } from "../vaults/plan";
import { shellScript, sqlText } from "./shell";

/** Streamed upload part size: 128 MiB parts reach S3's 10,000-part limit at 1.25 TiB; one part at a time sits on the runner's disk. */
export const BACKUP_PART_BYTES = 128 * 1024 * 1024;
/** How long pg_dump waits for a table lock before failing (instead of queueing behind a migration's ALTER and holding up every reader behind it). */
export const PG_DUMP_LOCK_WAIT_TIMEOUT = "60s";
/** Older manifests only (no `row_counts: "exact"`): a restored table may differ from the manifest's estimate by this many rows, or this share of the estimate, whichever is larger (estimates came from the planner's statistics). */
export const ROW_TOLERANCE_ROWS = 100;
export const ROW_TOLERANCE_PERCENT = 20;
/** How far a backup's name may run ahead of S3's record of its upload (runner clock skew). */
export const CLOCK_SKEW_SECONDS = 300;
/** The backup manifest's format; the drill refuses one it does not know. (The fleet manifest's is FLEET_MANIFEST_FORMAT.) */
export const BACKUP_MANIFEST_FORMAT = 1;
export { MANIFEST_SUFFIX };
/**
 * The manifest's `row_counts` when its `tables` are exact counts, taken with count(*) in the
 * snapshot pg_dump dumped; a manifest without the field (older backups) holds estimates.
 */
export const EXACT_ROW_COUNTS = "exact";

/** The tenant's own tables (`c`, in schema `n`): ordinary tables outside the system schemas, none an extension's. */
export const USER_TABLES_SQL = [
  "from pg_class c join pg_namespace n on n.oid = c.relnamespace",
  "where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'",
  "and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')",
].join(" ");

/**
 * A statement per table that pg_dump dumps (the tenant's own and an extension's configuration
 * tables, with the extension's filter) that prints its exact row count as `name<TAB>rows`
 * (sh/count-tables.sql): the backup runs them in the dump's snapshot, the drill in the
 * restored database.
 */
export const COUNT_SQL = sqlText("count-tables.sql");

/** The key prefix of a tenant's backups as the scripts fill it in: `{tenant}` and `{days}` from the one definition of the layout. */
export const BACKUP_PREFIX_LAYOUT = backupPrefix("{tenant}", "{days}");

/** The server-side encryption arguments of an upload into the vault (src/operations/scripts.ts's plain export). */
export function sseArgs(encryption: BackupEncryption): string {
  return encryption === "kms" ? '--server-side-encryption aws:kms --ssekms-key-id "${BACKUP_KMS_KEY}"' : "--server-side-encryption AES256";
}

/** What sh/newest-backup.sh reads besides the tenant's own variables. */
export const NEWEST_BACKUP_SCRIPT_ENV: Readonly<Record<string, string>> = Object.freeze({
  BACKUP_PREFIX_LAYOUT,
  BACKUP_TIMESTAMP_FORMAT: BACKUP_TIMESTAMP_DATE_FORMAT,
  BACKUP_MANIFEST_SUFFIX: MANIFEST_SUFFIX,
  CLOCK_SKEW_SECONDS: String(CLOCK_SKEW_SECONDS),
});

/** What sh/drill.sh reads besides the backup's and the tenant's own variables. */
export const DRILL_SCRIPT_ENV: Readonly<Record<string, string>> = Object.freeze({
  BACKUP_MANIFEST_FORMAT: String(BACKUP_MANIFEST_FORMAT),
  EXACT_ROW_COUNTS,
  ROW_TOLERANCE_ROWS: String(ROW_TOLERANCE_ROWS),
  ROW_TOLERANCE_PERCENT: String(ROW_TOLERANCE_PERCENT),
  COUNT_SQL,
});

/** What sh/backup.sh reads besides the tenant's own variables, the vault and BACKUP_ENCRYPTION. */
export const BACKUP_SCRIPT_ENV: Readonly<Record<string, string>> = Object.freeze({
  BACKUP_PREFIX_LAYOUT,
  BACKUP_TIMESTAMP_FORMAT: BACKUP_TIMESTAMP_DATE_FORMAT,
  BACKUP_MANIFEST_SUFFIX: MANIFEST_SUFFIX,
  BACKUP_MANIFEST_FORMAT: String(BACKUP_MANIFEST_FORMAT),
  EXACT_ROW_COUNTS,
  PG_DUMP_LOCK_WAIT_TIMEOUT,
  COUNT_SQL,
  BACKUP_PART_BYTES: String(BACKUP_PART_BYTES),
});

/** BACKUP_SCRIPT_ENV with the vault's encryption (`kms` also needs BACKUP_KMS_KEY, the vault's key). */
export function backupScriptEnv(encryption: BackupEncryption): Record<string, string> {
  return { BACKUP_ENCRYPTION: encryption, ...BACKUP_SCRIPT_ENV };
}

/** The strings a script that holds DATABASE_URL starts with: masked, split, and its host checked against the manifest's. */
const CHECKED_DATABASE_URL = ["host-of.sh", "database-url.sh", "host-check.sh"];

/** The backup step (sh/backup.sh; its header names its environment, backupScriptEnv the constants). */
export function backupScript(): string {
  return shellScript(...CHECKED_DATABASE_URL, "backup.sh");
}

/** The tenant's newest complete backup, checked for age and forgery (sh/newest-backup.sh; NEWEST_BACKUP_SCRIPT_ENV). */
export function newestBackupScript(): string {
  return shellScript("newest-backup.sh");
}

/** The restore step: the manifest, the dump checked against it, restored and compared (sh/drill.sh; DRILL_SCRIPT_ENV). */
export function drillScript(): string {
  return shellScript("drill.sh");
}

/** One tenant's drill as a batch job runs it: find the newest backup, then restore it. */
export function drillTenantScript(): string {
  return shellScript("newest-backup.sh", "drill-tenant.sh", "drill.sh");
}

/**
 * One tenant's migration: the checked connection string, the version and WAL position before
 * (sh/migration-tenant.sh), the team's `command` as the stack settings give it, then the
 * version after (sh/migration-tenant-after.sh).
 */
export function migrationTenantScript(command: string): string {
  return [shellScript(...CHECKED_DATABASE_URL, "migration-tenant.sh"), command, shellScript("migration-tenant-after.sh")].join("\n");
}
