/**
 * The bash the tenant operations run (src/operations/tenantOperations.ts, through runScript;
 * the runtime suite runs it against PostgreSQL and the S3 stand-in). Each script is a file in
 * src/operations/sh/ whose header says what it does and names its environment inputs; this
 * module reads them and declares, once, the constants they take from their environment (the
 * `*_ENV` records, which every caller of runScript spreads into the script's env).
 */
import * as path from "node:path";
import { shellBody } from "../core/shellFile";
import { USER_TABLES_SQL } from "../plan/workflows/backupScripts";

/** Where the operations' .sh files are. */
export const OPERATION_SCRIPT_DIR = path.join(__dirname, "sh");
/** The same directory as workflows name it, relative to the repository (`bash src/operations/sh/<file>`). */
export const OPERATION_SCRIPT_PATH = "src/operations/sh";

const script = (name: string): string => shellBody(OPERATION_SCRIPT_DIR, name);

/**
 * The scripts .github/workflows/deploy.yml (hand-written) runs from its checkout as
 * `bash src/operations/sh/<file>`: the fast path's two steps (both run `onlyTenants` first) and
 * the readiness report (docs/deploying.md, docs/signup.md).
 */
export const DEPLOY_SCRIPTS = Object.freeze({
  deployedCommit: "deploy-deployed-commit.sh",
  onlyTenants: "deploy-only-tenants.sh",
  fastPath: "deploy-fast-path.sh",
  ready: "deploy-ready.sh",
} as const);

/** Every version and delete marker under each prefix in one vault, as JSON lines (sh/erase-listing.sh). */
export function eraseListingScript(): string {
  return script("erase-listing.sh");
}

/** A vault's top-level prefixes, noncurrent versions included (sh/vault-top-level.sh). */
export function vaultTopLevelScript(): string {
  return script("vault-top-level.sh");
}

/** Deletes exactly the versions of a checked listing, at most 1,000 a request (sh/erase-versions.sh). */
export function eraseVersionsScript(): string {
  return script("erase-versions.sh");
}

/** S3 takes at most 5 GiB in one PUT; a conditional write (If-None-Match) has no multipart copy. */
export const SINGLE_PUT_LIMIT_BYTES = 5 * 1024 ** 3;

/** What sh/plain-export.sh takes from its environment besides the export's own inputs. */
export const PLAIN_EXPORT_ENV: Readonly<Record<string, string>> = Object.freeze({ SINGLE_PUT_LIMIT_BYTES: String(SINGLE_PUT_LIMIT_BYTES) });

/** A plain-SQL copy of an export beside its custom dump, encrypted as the vault requires (sh/plain-export.sh). */
export function plainExportScript(): string {
  return script("plain-export.sh");
}

/** How long a move by dump waits for the source's sessions from before the pause to end (those the tenant's role may not end itself). */
export const MOVE_PAUSE_WAIT_SECONDS = 60;

/**
 * What the move scripts take from their environment besides the move's own inputs: the
 * tenant's tables as every script of the stack finds them, and the pause's wait.
 */
export const MOVE_SCRIPT_ENV: Readonly<Record<string, string>> = Object.freeze({
  USER_TABLES_SQL,
  PAUSE_WAIT_SECONDS: String(MOVE_PAUSE_WAIT_SECONDS),
});

/** A move step: the prelude every move script shares (sh/move-prelude.sh), then the step's own file. */
function moveScript(name: string): string {
  return `${script("move-prelude.sh")}\n${script(name)}`;
}

/** A move's copy with the source's writes paused, then both sides compared table by table (sh/move-copy.sh). */
export function copyCompareScript(): string {
  return moveScript("move-copy.sh");
}

/** A move by logical replication, its start: schema, publication, slot, subscription, first copy (sh/move-replicate.sh). */
export function replicateScript(): string {
  return moveScript("move-replicate.sh");
}

/** A move by logical replication, its end: wait, sequences, compare, drop the replication (sh/move-catch-up.sh). */
export function catchUpScript(): string {
  return moveScript("move-catch-up.sh");
}
