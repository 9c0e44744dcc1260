/**
 * The bash that turns the fleet manifest into jobs, and a job into its tenants.
 *
 * The planning job reads the manifest (src/plan/repository/manifest.ts) from the commit being run
 * and prints the matrix of each job slot: one entry per batch with only its key, AWS
 * region, Postgres major, timeout and (repository scope) the names of its tenants'
 * secrets. A batch job then reads its batch's tenants from the same manifest and runs the
 * per-tenant script of its kind for each (backupScripts.ts), a few at a time, each under
 * its own timeout and its own credential. Every tenant is attempted whatever the others
 * do; the job names the failed tenants first (its first annotation, the top of its summary),
 * prints each tenant's log in a group, writes a table to the job summary, keeps one result
 * line per tenant (the wave's gate, the catalog and the alert job read them), and fails.
 */
import { FLEET_MANIFEST_FORMAT, MAX_MATRIX_JOBS } from "../repository/manifest";
import { shellScript } from "./shell";

/** Each batch kind as the manifest names its batches. */
export type BatchKind = "backup" | "restoreDrill" | "migrations";

/**
 * What a batch job keeps per tenant for the fleet catalog, after its id, result and
 * seconds: the tenant script's GITHUB_OUTPUT keys, in order, and the catalog's table and
 * columns they go to (src/catalog/migrations/).
 */
export const RESULT_RECORDS = Object.freeze({
  migrations: {
    table: "migration_runs",
    fields: ["version_before", "version_after", "lsn_before"],
    columns: { version_before: "text", version_after: "text", lsn_before: "pg_lsn" },
  },
  // A backup's result is ok, failed or unchanged (an idle tenant left asleep: its key is the dump it still has).
  backup: { table: "backups", fields: ["key", "bytes", "tables", "rows"], columns: { object_key: "text", bytes: "bigint", tables: "int", rows: "bigint" } },
  restoreDrill: { table: "drills", fields: ["key"], columns: { object_key: "text" } },
} as const satisfies Record<BatchKind, { table: string; fields: readonly string[]; columns: Record<string, string> }>);

/** The title of the annotation that names a batch job's failed tenants (the alert job reads it). */
export const FAILED_TENANTS_TITLE = "tenant-fleet failed tenants";
/** Minutes a migration of one tenant may take. */
export const MIGRATION_TIMEOUT_MINUTES = 30;
/**
 * The advisory lock every backup and migration of a tenant holds on its database while it
 * runs (one key: advisory locks are per database, and each tenant has its own), so the two
 * never overlap whichever jobs, workflows or batches they come from. GitHub's concurrency
 * groups cannot do this for batches, and cancel the pending run of a busy group.
 */
export const TENANT_LOCK_KEY = 128034967727732; // "tenant" in ASCII, as a number
/** How long a backup or migration waits for the other to finish before it fails. */
export const TENANT_LOCK_WAIT_SECONDS = 1800;
export const TENANT_LOCK_POLL_SECONDS = 5;
/** GitHub-hosted jobs stop at six hours. */
export const JOB_TIMEOUT_CAP_MINUTES = 360;
/** A batch job's own minutes on top of its tenants' (checkout, client, credentials). */
export const JOB_OVERHEAD_MINUTES = 15;

/** What the planning step (sh/fleet-manifest.sh, sh/plan.sh) reads besides the workflow's own settings. */
export const PLAN_SCRIPT_ENV: Readonly<Record<string, string>> = Object.freeze({
  MANIFEST_FORMAT: String(FLEET_MANIFEST_FORMAT),
  MAX_MATRIX_JOBS: String(MAX_MATRIX_JOBS),
  MIGRATION_TIMEOUT_MINUTES: String(MIGRATION_TIMEOUT_MINUTES),
  JOB_OVERHEAD_MINUTES: String(JOB_OVERHEAD_MINUTES),
  JOB_TIMEOUT_CAP_MINUTES: String(JOB_TIMEOUT_CAP_MINUTES),
});

/** The planning step: the manifest's batches of the kind as the slots' matrices (sh/plan.sh; PLAN_SCRIPT_ENV). */
export function planScript(): string {
  return shellScript("fleet-manifest.sh", "plan.sh");
}

/** The advisory lock's constants (sh/tenant-lock.sh): a batch job of a kind that reads tenants' strings holds each tenant's lock. */
export const TENANT_LOCK_ENV: Readonly<Record<string, string>> = Object.freeze({
  TENANT_LOCK_KEY: String(TENANT_LOCK_KEY),
  TENANT_LOCK_WAIT_SECONDS: String(TENANT_LOCK_WAIT_SECONDS),
  TENANT_LOCK_POLL_SECONDS: String(TENANT_LOCK_POLL_SECONDS),
});

/**
 * What a batch job's step (sh/batch.sh) reads besides the workflow's own settings: with
 * `lock`, TENANT_LOCK_ENV (each tenant's run holds its advisory lock); RESULT_FIELDS, the
 * kind's GITHUB_OUTPUT keys it keeps per tenant (RESULT_RECORDS).
 */
export function batchScriptEnv(kind: BatchKind, lock: boolean): Record<string, string> {
  return {
    MANIFEST_FORMAT: String(FLEET_MANIFEST_FORMAT),
    MIGRATION_TIMEOUT_MINUTES: String(MIGRATION_TIMEOUT_MINUTES),
    FAILED_TENANTS_TITLE,
    RESULT_FIELDS: RESULT_RECORDS[kind].fields.join(" "),
    ...(lock ? TENANT_LOCK_ENV : {}),
  };
}

/** The heredoc delimiter that carries the tenant script inside the batch script. */
const TENANT_SCRIPT_DELIMITER = "TENANT_FLEET_TENANT_SCRIPT";
const PRECHECK_DELIMITER = "TENANT_FLEET_PRECHECK";

/**
 * A batch job's step: every tenant of the batch through `tenantScript`, BATCH_PARALLELISM at
 * a time (sh/batch.sh; its header names its environment, batchScriptEnv the constants). The
 * tenant script reaches it as the function `tenant_script`, which prints it (a quoted
 * heredoc: its text is not expanded), for each tenant's run under its own timeout. With
 * `lock` (as batchScriptEnv's), the advisory lock's functions (sh/tenant-lock.sh). With
 * `precheck` (backups: activityScripts.ts), the function `precheck_script`, run for each
 * tenant before its string is read; it may settle the tenant as unchanged.
 */
export function batchScript(tenantScript: string, lock: boolean, precheck?: string): string {
  const carrier = (fn: string, delimiter: string, script: string) => {
    if (script.split("\n").includes(delimiter)) throw new Error(`internal: the script of ${fn} contains the heredoc delimiter`);
    return [`${fn}() {`, `  cat <<'${delimiter}'`, script, delimiter, "}"].join("\n");
  };
  return [
    shellScript("fleet-manifest.sh"),
    carrier("tenant_script", TENANT_SCRIPT_DELIMITER, tenantScript),
    ...(precheck !== undefined ? [carrier("precheck_script", PRECHECK_DELIMITER, precheck)] : []),
    shellScript(...(lock ? ["host-of.sh", "tenant-lock.sh"] : []), "batch.sh"),
  ].join("\n");
}

/** The title of the annotation that says a rollout stopped at a wave. */
export const ROLLOUT_STOPPED_TITLE = "tenant-fleet rollout stopped";

/** What the wave's gate (sh/gate.sh) reads besides the wave's own values. */
export const GATE_SCRIPT_ENV: Readonly<Record<string, string>> = Object.freeze({ ROLLOUT_STOPPED_TITLE });

/** A wave's gate: fails when the wave's failed or silent tenants exceed its budget (sh/gate.sh; GATE_SCRIPT_ENV). */
export function gateScript(): string {
  return shellScript("gate.sh");
}

/**
 * The insert of a kind's result rows into its catalog table (RESULT_RECORDS), the wave's for
 * migrations: the rows arrive as the psql variable `rows` (JSON), never as SQL text. No ON
 * CONFLICT: it needs SELECT, which the writer has not; a run attempt records once.
 */
export function recordSql(kind: BatchKind): string {
  const record = RESULT_RECORDS[kind];
  const columns = Object.entries(record.columns);
  const wave = kind === "migrations";
  const targets = ["tenant_id", "run_id", "run_attempt", "run_url", ...(wave ? ["wave"] : []), "result", ...columns.map(([name]) => name), "seconds"];
  const values = [
    "r.tenant_id",
    ":'run_id'::bigint",
    ":'attempt'::int",
    ":'run_url'",
    ...(wave ? ["r.wave"] : []),
    "r.result",
    ...columns.map(([name, type]) => (type === "text" ? `r.${name}` : `r.${name}::${type}`)),
    "r.seconds",
  ];
  const recordset = ["tenant_id text", ...(wave ? ["wave text"] : []), "result text", ...columns.map(([name]) => `${name} text`), "seconds int"];
  return [
    `insert into ${record.table} (${targets.join(", ")})`,
    `select ${values.join(", ")}`,
    `from json_to_recordset(:'rows'::json) as r (${recordset.join(", ")});`,
  ].join("\n");
}

/** What the recording step (sh/record.sh) reads for a kind: its columns, in result-line order, and its insert. */
export function recordScriptEnv(kind: BatchKind): Record<string, string> {
  return { RECORD_COLUMNS: Object.keys(RESULT_RECORDS[kind].columns).join(" "), RECORD_SQL: recordSql(kind) };
}

/**
 * Records a run's results in the fleet catalog as its insert-only writer, one row per tenant,
 * run and attempt (sh/record.sh; recordScriptEnv). Without the catalog's secret it says so
 * and records nothing.
 */
export function recordScript(): string {
  return shellScript("record.sh");
}
