/**
 * Generated GitHub Actions workflows for the application repository, rendered from typed
 * objects with the `yaml` package (never string templates). Pure: tenants and settings
 * in, file paths and contents out.
 *
 * Nothing a tenant wrote reaches a script or an expression: matrices carry only validated
 * ids, region ids and numbers; scripts read them from the environment, always quoted.
 */
import { Document, isScalar, visit, Scalar } from "yaml";
import type { Tenant } from "../tenants/model";
import { getRegion } from "../tenants/regions";
import { backupPrefix, ENVIRONMENT_SECRET_NAME, environmentName, repositorySecretName } from "../tenants/naming";
import { longestGapHours } from "./cronGap";
import { BACKUP_TIMESTAMP_DATE_FORMAT, type BackupEncryption } from "./backupPolicy";
import type { SecretScope } from "./workflowAccess";
import { postgresImage } from "./images";
import type { StackSettings } from "../config/settings";

/** Third-party actions, pinned to full commit SHAs. */
export const ACTIONS = Object.freeze({
  checkout: { uses: "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", version: "v4.2.2" },
  configureAwsCredentials: { uses: "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502", version: "v4.0.2" },
});

/** GitHub runs at most 256 jobs from one matrix. */
export const MAX_MATRIX_JOBS = 256;
export const BACKUP_MAX_PARALLEL = 8;
export const MIGRATION_MAX_PARALLEL = 4;
export const DRILL_MAX_PARALLEL = 4;
export const RUNNER = "ubuntu-24.04";
export const WORKFLOW_DIR = ".github/workflows";
/** Variables the stack sets in the repository (values are not secret). */
export const VARIABLES = Object.freeze({
  /** The backup writer role (the name predates the drill's own role). */
  roleArn: "TENANT_FLEET_AWS_ROLE_ARN",
  drillRoleArn: "TENANT_FLEET_DRILL_ROLE_ARN",
  vaults: "TENANT_FLEET_BACKUP_VAULTS",
});
/** How far a backup's name may run ahead of S3's record of its upload (runner clock skew). */
export const CLOCK_SKEW_SECONDS = 300;

/**
 * The names a stack writes into the application repository. Shards sharing a repository
 * get their own (`tenant-fleet-prod-eu-backup-….yml`, `TENANT_FLEET_AWS_ROLE_ARN_PROD_EU`),
 * so they never overwrite each other's files or variables.
 */
export interface FleetNames {
  /** File and concurrency-group prefix, e.g. `tenant-fleet` or `tenant-fleet-prod-eu`. */
  readonly prefix: string;
  /** The backup writer role's ARN. */
  readonly roleArnVariable: string;
  /** The restore-drill reader role's ARN. */
  readonly drillRoleArnVariable: string;
  readonly vaultsVariable: string;
}

export function fleetNames(shardKey = ""): FleetNames {
  const suffix = shardKey ? `_${shardKey.toUpperCase().replace(/-/g, "_")}` : "";
  return {
    prefix: shardKey ? `tenant-fleet-${shardKey}` : "tenant-fleet",
    roleArnVariable: `${VARIABLES.roleArn}${suffix}`,
    drillRoleArnVariable: `${VARIABLES.drillRoleArn}${suffix}`,
    vaultsVariable: `${VARIABLES.vaults}${suffix}`,
  };
}
/** Slack on top of a schedule's longest gap before a backup counts as stale (queueing, run time). */
export const BACKUP_AGE_SLACK_HOURS = 6;

export interface WorkflowSettings {
  readonly scope: SecretScope;
  readonly encryption: BackupEncryption;
  readonly branch: string;
  /** The tenants file the workflows were generated from, named in the header. */
  readonly source: string;
  /** `setupCommand` installs what the migrations need, in a step that holds no secret. */
  readonly migrations?: { readonly command: string; readonly setupCommand?: string; readonly paths: readonly string[] };
  readonly restoreDrillSchedule: string;
  /** Names in the repository; default: an unsharded stack's. */
  readonly names?: FleetNames;
}

export interface RenderedWorkflow {
  /** Path in the repository, e.g. `.github/workflows/tenant-fleet-backup-17-3-x-x-x.yml`. */
  readonly path: string;
  readonly content: string;
  readonly kind: "backup" | "migrations" | "restore-drill" | "dev-seed" | "dev-preview" | "dev-cleanup";
  readonly tenantIds: readonly string[];
}


/** The workflow settings a stack's settings give, under the names of its shard. */
export function workflowSettings(settings: StackSettings, names: FleetNames): WorkflowSettings {
  return {
    scope: settings.secretScope,
    encryption: settings.backup.encryption,
    branch: settings.github.branch,
    source: settings.tenantsFile,
    migrations: settings.workflows.migrationsCommand
      ? { command: settings.workflows.migrationsCommand, setupCommand: settings.workflows.migrationsSetupCommand, paths: settings.workflows.migrationsPaths }
      : undefined,
    restoreDrillSchedule: settings.workflows.restoreDrillSchedule,
    names,
  };
}

/** `17 3 * * *` → `17-3-x-x-x`: stable, file-name safe. */
export function scheduleSlug(cron: string): string {
  return cron
    .trim()
    .split(/\s+/)
    .map((f) => f.replace(/\*/g, "x").replace(/\//g, "s").replace(/,/g, "c").toLowerCase())
    .join("-");
}

/** How old the newest backup may be before the restore drill fails. */
export function maxBackupAgeHours(cron: string): number {
  return longestGapHours(cron) + BACKUP_AGE_SLACK_HOURS;
}

export function chunk<T>(items: readonly T[], size = MAX_MATRIX_JOBS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function byId(a: Tenant, b: Tenant): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Matrix entries carry only validated ids, region ids and numbers. */
function secretRef(t: Tenant, scope: SecretScope): { secret?: string } {
  return scope === "repository" ? { secret: repositorySecretName(t.id) } : {};
}
function backupEntry(t: Tenant, scope: SecretScope) {
  return { id: t.id, ...secretRef(t, scope), pg: t.pgVersion, aws_region: getRegion(t.region).backupAwsRegion, retention_days: t.backup.retentionDays };
}
function drillEntry(t: Tenant) {
  return {
    id: t.id,
    pg: t.pgVersion,
    pg_image: postgresImage(t.pgVersion),
    aws_region: getRegion(t.region).backupAwsRegion,
    retention_days: t.backup.retentionDays,
    max_age_hours: maxBackupAgeHours(t.backup.schedule),
  };
}

/**
 * The job-level settings that give a tenant job its database URL, per secret scope, and
 * how messages name that secret (never its value).
 */
function tenantSecretBinding(scope: SecretScope): { environment?: string; databaseUrl: string; label: string } {
  return scope === "environment"
    ? {
        environment: environmentName("${{ matrix.tenant.id }}"),
        databaseUrl: `\${{ secrets.${ENVIRONMENT_SECRET_NAME} }}`,
        label: `secret ${ENVIRONMENT_SECRET_NAME} of environment ${environmentName("${{ matrix.tenant.id }}")}`,
      }
    : { databaseUrl: "${{ secrets[matrix.tenant.secret] }}", label: "secret ${{ matrix.tenant.secret }}" };
}

/**
 * Runs a job only for the default branch (its schedule, a push to it, or a dispatch of it):
 * a dispatch of a generated file on another ref stops before any step. This guards the
 * generated files only; a workflow someone writes on another branch is not bound by it,
 * which is why production secrets belong in environments restricted to the default branch.
 */
export function defaultBranchOnly(branch: string): { if: string } {
  return { if: `github.ref == 'refs/heads/${branch}'` };
}

/**
 * Bash for a step that holds DATABASE_URL: a missing secret is named, not met with a
 * socket error, the password is masked in the log before any tool could print it, and
 * the parts of the string (user, password, host, database) are kept for redaction.
 */
const DATABASE_URL_PRELUDE = [
  'if [ -z "${DATABASE_URL:-}" ]; then echo "::error::${SECRET_LABEL} is empty or missing for ${TENANT_ID}: pulumi up writes it, and only runs of the default branch can read it"; exit 1; fi',
  'url_rest="${DATABASE_URL#*://}"; url_userinfo=""; case "${url_rest}" in *@*) url_userinfo="${url_rest%%@*}"; url_rest="${url_rest#*@}";; esac',
  'url_user="${url_userinfo%%:*}"; url_password=""; case "${url_userinfo}" in *:*) url_password="${url_userinfo#*:}";; esac',
  'url_host="${url_rest%%[/?]*}"; if [[ "${url_host}" =~ ^(.*):[0-9]+$ ]]; then url_host="${BASH_REMATCH[1]}"; fi; url_db=""; case "${url_rest}" in */*) url_db="${url_rest#*/}"; url_db="${url_db%%\\?*}";; esac',
  'if [ -n "${url_password}" ]; then echo "::add-mask::${url_password}"; fi',
];

function header(kind: string, settings: WorkflowSettings): string {
  return [
    ` Generated by tenant-fleet from ${settings.source}: do not edit.`,
    ` ${kind}.`,
    " Changes made here are overwritten by the next `pulumi up`; change the tenants file or the stack settings instead.",
  ].join("\n");
}

const VERSION_OF = new Map<string, string>(Object.values(ACTIONS).map((a) => [a.uses, a.version]));

/** YAML text of a workflow: pinned actions carry their version as a comment, cron strings are quoted. */
export function renderYaml(body: object, comment: string): string {
  const doc = new Document(body);
  doc.commentBefore = comment;
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      const value = pair.value as Scalar;
      if (pair.key.value === "uses" && VERSION_OF.has(String(value.value))) value.comment = ` ${VERSION_OF.get(String(value.value))}`;
      if (pair.key.value === "cron") value.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
const render = renderYaml;

function vaultExpr(names: FleetNames): string {
  return `fromJSON(vars.${names.vaultsVariable})[matrix.tenant.aws_region]`;
}

function awsCredentialsStep(sessionName: string, roleVariable: string): object {
  return {
    name: "AWS credentials (OIDC)",
    uses: ACTIONS.configureAwsCredentials.uses,
    with: {
      "role-to-assume": `\${{ vars.${roleVariable} }}`,
      "aws-region": "${{ matrix.tenant.aws_region }}",
      "role-session-name": sessionName,
    },
  };
}

const INSTALL_PG_CLIENT = [
  "set -euo pipefail",
  "sudo apt-get update -qq",
  "sudo apt-get install -y -qq postgresql-common",
  "sudo /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y",
  'sudo apt-get install -y -qq "postgresql-client-${PG_MAJOR}"',
  '"/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" --version',
].join("\n");

function installPgClientStep(): object {
  return { name: "Postgres client of the tenant's major version", shell: "bash", run: `${INSTALL_PG_CLIENT}\n` };
}

/** The tenant's key prefix as the scripts spell it, from the one definition of the layout. */
const SHELL_BACKUP_PREFIX = backupPrefix("${TENANT_ID}", "${RETENTION_DAYS}");

/** A new object only (`If-None-Match: *`): the bucket policy refuses anything that could replace a backup. */
function uploadCommand(encryption: BackupEncryption): string {
  const sse = encryption === "kms" ? '--server-side-encryption aws:kms --ssekms-key-id "${BACKUP_KMS_KEY}"' : "--server-side-encryption AES256";
  return `aws s3api put-object --bucket "\${BACKUP_BUCKET}" --key "\${key}" --body "\${dump}" --if-none-match '*' ${sse} > /dev/null`;
}

/**
 * pg_dump's failure, said without a value from the secret: libpq's messages quote the
 * connection string back (a malformed one), or its host, user or database. Known
 * failures become a fixed sentence naming the tenant and the secret; any other first
 * line is shown with every part of the connection string cut out.
 */
const PG_DUMP = [
  'status=0',
  '"${bin}/pg_dump" --format=custom --no-owner --no-privileges --file="${dump}" --dbname="${DATABASE_URL}" 2> "${dump}.err" || status=$?',
  'if [ "${status}" -ne 0 ]; then',
  '  first="$(head -n 1 "${dump}.err")"',
  '  case "${first}" in',
  '    *"connection info string"*|*"invalid URI"*|*"invalid connection option"*|*"invalid sslmode"*|*"invalid channel_binding"*|*"invalid integer value"*|*"invalid percent-encoded"*|*\'missing "="\'*|*"unterminated quoted string"*) reason="it does not hold a valid connection string";;',
  '    *"could not translate host name"*) reason="its host name does not resolve";;',
  '    *"password authentication failed"*|*"no password supplied"*|*"password must be"*) reason="the server refused its user or password";;',
  '    *"server version mismatch"*) reason="pg_dump ${PG_MAJOR} is older than the server; the tenant\'s pgVersion must be the server\'s major";;',
  '    *"SSL"*|*"channel binding"*|*"certificate"*) reason="the TLS or channel-binding handshake failed";;',
  '    *"Connection refused"*|*"timeout expired"*|*"timed out"*|*"No route to host"*|*"Network is unreachable"*) reason="its server did not answer";;',
  '    *"does not exist"*) reason="its role or database does not exist on the server";;',
  '    *)',
  '      reason="${first//"${DATABASE_URL}"/[connection string]}"',
  '      for part in "${url_password}" "${url_user}" "${url_host}" "${url_db}"; do',
  '        if [ "${#part}" -ge 3 ]; then reason="${reason//"${part}"/[from the secret]}"; fi',
  '      done',
  '      reason="exit ${status}: ${reason}";;',
  '  esac',
  '  echo "::error::pg_dump could not back up ${TENANT_ID} with the connection string in ${SECRET_LABEL}: ${reason}"',
  "  exit 1",
  "fi",
];

function backupScript(encryption: BackupEncryption): string {
  return [
    "set -euo pipefail",
    ...DATABASE_URL_PRELUDE,
    'bin="/usr/lib/postgresql/${PG_MAJOR}/bin"',
    `stamp="$(date -u +${BACKUP_TIMESTAMP_DATE_FORMAT})"`,
    `key="${SHELL_BACKUP_PREFIX}\${stamp}.dump"`,
    'dump="${RUNNER_TEMP}/${TENANT_ID}.dump"',
    ...PG_DUMP,
    'if [ ! -s "${dump}" ]; then echo "::error::the dump of ${TENANT_ID} is empty"; exit 1; fi',
    '"${bin}/pg_restore" --list "${dump}" > /dev/null',
    uploadCommand(encryption),
    'echo "backed up ${TENANT_ID} to s3://${BACKUP_BUCKET}/${key} ($(stat -c %s "${dump}") bytes)"',
    'rm -f "${dump}"',
  ].join("\n");
}

function backupWorkflow(file: PlannedWorkflow, settings: WorkflowSettings): RenderedWorkflow {
  const { tenants, part, parts } = file;
  const schedule = file.schedule!;
  const binding = tenantSecretBinding(settings.scope);
  const names = settings.names ?? fleetNames();
  const body = {
    name: `tenant-fleet backups (${schedule})${parts > 1 ? ` ${part}/${parts}` : ""}`,
    on: { schedule: [{ cron: schedule }], workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: concurrencyGroup(file.path), "cancel-in-progress": false },
    jobs: {
      backup: {
        name: "backup ${{ matrix.tenant.id }}",
        "runs-on": RUNNER,
        "timeout-minutes": 60,
        ...defaultBranchOnly(settings.branch),
        ...(binding.environment ? { environment: binding.environment } : {}),
        permissions: { "id-token": "write", contents: "read" },
        strategy: { "fail-fast": false, "max-parallel": BACKUP_MAX_PARALLEL, matrix: { tenant: tenants.map((t) => backupEntry(t, settings.scope)) } },
        env: {
          TENANT_ID: "${{ matrix.tenant.id }}",
          PG_MAJOR: "${{ matrix.tenant.pg }}",
          RETENTION_DAYS: "${{ matrix.tenant.retention_days }}",
          BACKUP_BUCKET: `\${{ ${vaultExpr(names)}.bucket }}`,
          ...(settings.encryption === "kms" ? { BACKUP_KMS_KEY: `\${{ ${vaultExpr(names)}.kmsKeyArn }}` } : {}),
        },
        // Tools first: nothing that downloads or installs runs while AWS credentials exist.
        steps: [
          installPgClientStep(),
          awsCredentialsStep("tenant-fleet-backup", names.roleArnVariable),
          { name: "Dump, check and upload", shell: "bash", env: { DATABASE_URL: binding.databaseUrl, SECRET_LABEL: binding.label }, run: `${backupScript(settings.encryption)}\n` },
        ],
      },
    },
  };
  return { path: file.path, kind: "backup", tenantIds: tenants.map((t) => t.id), content: render(body, header(`Nightly backups of ${tenants.length} tenant(s) on "${schedule}" (UTC)`, settings)) };
}

function migrationsWorkflow(file: PlannedWorkflow, settings: WorkflowSettings, migrations: NonNullable<WorkflowSettings["migrations"]>): RenderedWorkflow {
  const { tenants, part, parts } = file;
  const binding = tenantSecretBinding(settings.scope);
  const body = {
    name: `tenant-fleet migrations${parts > 1 ? ` ${part}/${parts}` : ""}`,
    on: { push: { branches: [settings.branch], paths: [...migrations.paths] }, workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: concurrencyGroup(file.path), "cancel-in-progress": false },
    jobs: {
      migrate: {
        name: "migrate ${{ matrix.tenant.id }}",
        "runs-on": RUNNER,
        "timeout-minutes": 30,
        ...defaultBranchOnly(settings.branch),
        ...(binding.environment ? { environment: binding.environment } : {}),
        permissions: { contents: "read" },
        strategy: {
          "fail-fast": false,
          "max-parallel": MIGRATION_MAX_PARALLEL,
          matrix: { tenant: tenants.map((t) => ({ id: t.id, ...secretRef(t, settings.scope) })) },
        },
        env: { TENANT_ID: "${{ matrix.tenant.id }}" },
        // Dependencies install in a step that holds no secret; only the migration sees DATABASE_URL.
        steps: [
          { name: "Check out", uses: ACTIONS.checkout.uses, with: { "persist-credentials": false } },
          ...(migrations.setupCommand ? [{ name: "Install (no secrets)", shell: "bash", run: `set -euo pipefail\n${migrations.setupCommand}\n` }] : []),
          {
            name: "Migrate",
            shell: "bash",
            env: { DATABASE_URL: binding.databaseUrl, SECRET_LABEL: binding.label },
            run: `${["set -euo pipefail", ...DATABASE_URL_PRELUDE, migrations.command].join("\n")}\n`,
          },
        ],
      },
    },
  };
  return {
    path: file.path,
    kind: "migrations",
    tenantIds: tenants.map((t) => t.id),
    content: render(body, header(`Schema migrations of ${tenants.length} tenant(s) on push to ${settings.branch} and on demand`, settings)),
  };
}

/**
 * Finds the newest backup of the tenant in its retention class, over every page of the
 * listing. Keys are named by the time the dump started and S3 records when the upload
 * finished, so a key dated after its own upload (beyond clock skew) was not written by the
 * backup job: the drill fails on it instead of trusting it as "newest" forever. Objects
 * whose names are not backups are ignored. Writes `key` and `age_minutes` to the step output.
 */
function newestBackupScript(): string {
  return [
    "set -euo pipefail",
    `prefix="${SHELL_BACKUP_PREFIX}"`,
    'listing="${RUNNER_TEMP}/${TENANT_ID}.listing.json"',
    'aws s3api list-objects-v2 --bucket "${BACKUP_BUCKET}" --prefix "${prefix}" --output json > "${listing}"',
    `jq -r --arg prefix "\${prefix}" '(.Contents // [])[] | select(.Key | startswith($prefix)) | select(.Key | ltrimstr($prefix) | test("^[0-9]{8}T[0-9]{6}Z\\\\.dump$")) | [.Key, (.Key | ltrimstr($prefix) | rtrimstr(".dump") | strptime("${BACKUP_TIMESTAMP_DATE_FORMAT}") | mktime), (.LastModified | sub("\\\\.[0-9]+"; "") | sub("(\\\\+00:00|Z)$"; "Z") | fromdateiso8601)] | @tsv' "\${listing}" > "\${listing}.tsv"`,
    'newest="" newest_at=0 forged=()',
    'while IFS=$\'\\t\' read -r key taken uploaded; do',
    '  if [ "${taken}" -gt $(( uploaded + CLOCK_SKEW_SECONDS )) ]; then forged+=("${key}"); continue; fi',
    '  if [ "${taken}" -gt "${newest_at}" ]; then newest="${key}"; newest_at="${taken}"; fi',
    'done < "${listing}.tsv"',
    'if [ "${#forged[@]}" -gt 0 ]; then echo "::error::${#forged[@]} backup(s) of ${TENANT_ID} are dated after their own upload, so the backup job did not write them: ${forged[*]}. Investigate before trusting this vault"; exit 1; fi',
    'if [ -z "${newest}" ]; then echo "::error::no backup of ${TENANT_ID} under s3://${BACKUP_BUCKET}/${prefix}"; exit 1; fi',
    'age_minutes=$(( ( $(date -u +%s) - newest_at ) / 60 ))',
    'if [ "${age_minutes}" -gt $(( MAX_AGE_HOURS * 60 )) ]; then echo "::error::the newest backup of ${TENANT_ID} (${newest}) is $(( age_minutes / 60 )) h $(( age_minutes % 60 )) min old; its schedule allows ${MAX_AGE_HOURS} h"; exit 1; fi',
    'echo "key=${newest}" >> "${GITHUB_OUTPUT}"',
    'echo "age_minutes=${age_minutes}" >> "${GITHUB_OUTPUT}"',
  ].join("\n");
}

function drillScript(): string {
  return [
    "set -euo pipefail",
    'bin="/usr/lib/postgresql/${PG_MAJOR}/bin"',
    'dump="${RUNNER_TEMP}/${TENANT_ID}.dump"',
    'aws s3api get-object --bucket "${BACKUP_BUCKET}" --key "${BACKUP_KEY}" "${dump}" > /dev/null',
    'if [ ! -s "${dump}" ]; then echo "::error::${BACKUP_KEY} is empty"; exit 1; fi',
    '"${bin}/pg_restore" --list "${dump}" > /dev/null',
    '"${bin}/createdb" --host=localhost --username=postgres drill',
    '"${bin}/pg_restore" --host=localhost --username=postgres --dbname=drill --no-owner --no-privileges --exit-on-error "${dump}"',
    'tables="$("${bin}/psql" --host=localhost --username=postgres --dbname=drill -tAc "select count(*) from information_schema.tables where table_schema not in (\'pg_catalog\', \'information_schema\')")"',
    'echo "restored ${BACKUP_KEY} (${AGE_MINUTES} min old) into Postgres ${PG_MAJOR}: ${tables} tables"',
  ].join("\n");
}

function restoreDrillWorkflow(file: PlannedWorkflow, settings: WorkflowSettings): RenderedWorkflow {
  const { tenants, part, parts } = file;
  const names = settings.names ?? fleetNames();
  const body = {
    name: `tenant-fleet restore drill${parts > 1 ? ` ${part}/${parts}` : ""}`,
    on: { schedule: [{ cron: settings.restoreDrillSchedule }], workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: concurrencyGroup(file.path), "cancel-in-progress": false },
    jobs: {
      drill: {
        name: "restore ${{ matrix.tenant.id }}",
        "runs-on": RUNNER,
        "timeout-minutes": 60,
        ...defaultBranchOnly(settings.branch),
        permissions: { "id-token": "write", contents: "read" },
        strategy: { "fail-fast": false, "max-parallel": DRILL_MAX_PARALLEL, matrix: { tenant: tenants.map(drillEntry) } },
        services: {
          postgres: {
            // Pinned by digest (components/images.ts): this container receives the tenant's data.
            image: "${{ matrix.tenant.pg_image }}",
            env: { POSTGRES_HOST_AUTH_METHOD: "trust" },
            ports: ["5432:5432"],
            options: "--health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 30",
          },
        },
        env: {
          TENANT_ID: "${{ matrix.tenant.id }}",
          PG_MAJOR: "${{ matrix.tenant.pg }}",
          RETENTION_DAYS: "${{ matrix.tenant.retention_days }}",
          MAX_AGE_HOURS: "${{ matrix.tenant.max_age_hours }}",
          BACKUP_BUCKET: `\${{ ${vaultExpr(names)}.bucket }}`,
        },
        steps: [
          installPgClientStep(),
          awsCredentialsStep("tenant-fleet-restore-drill", names.drillRoleArnVariable),
          { name: "Find the newest backup", id: "newest", shell: "bash", env: { CLOCK_SKEW_SECONDS: String(CLOCK_SKEW_SECONDS) }, run: `${newestBackupScript()}\n` },
          {
            name: "Restore it",
            shell: "bash",
            env: { BACKUP_KEY: "${{ steps.newest.outputs.key }}", AGE_MINUTES: "${{ steps.newest.outputs.age_minutes }}" },
            run: `${drillScript()}\n`,
          },
        ],
      },
    },
  };
  return {
    path: file.path,
    kind: "restore-drill",
    tenantIds: tenants.map((t) => t.id),
    content: render(body, header(`Weekly restore drill of ${tenants.length} tenant(s): the newest backup must exist, be fresh and restore`, settings)),
  };
}

/** One generated workflow file before it is rendered: its kind, path and tenants. */
export interface PlannedWorkflow {
  readonly kind: "backup" | "migrations" | "restore-drill";
  readonly path: string;
  readonly tenants: readonly Tenant[];
  /** 1-based part of a kind (and schedule) split past the matrix limit, and how many parts there are. */
  readonly part: number;
  readonly parts: number;
  /** Backups: the cron they run on. */
  readonly schedule?: string;
}

/** The concurrency group of a file: its name without the extension (unique per file). */
function concurrencyGroup(path: string): string {
  return path.split("/").pop()!.replace(/\.ya?ml$/, "");
}

/**
 * Every generated file of a fleet, in a stable order, without rendering: the one place
 * that decides which files exist and what they are called (the OIDC trust of each role
 * names exactly these paths). Retired tenants get none.
 */
export function planWorkflows(tenants: readonly Tenant[], settings: Pick<WorkflowSettings, "migrations" | "names">): PlannedWorkflow[] {
  const names = settings.names ?? fleetNames();
  const active = tenants.filter((t) => t.status === "active").sort(byId);
  const backedUp = active.filter((t) => t.backup.enabled);
  const out: PlannedWorkflow[] = [];
  const add = (kind: PlannedWorkflow["kind"], stem: string, list: readonly Tenant[], schedule?: string) => {
    const parts = chunk(list);
    parts.forEach((p, i) => {
      const suffix = parts.length > 1 ? `-part${i + 1}` : "";
      out.push({ kind, path: `${WORKFLOW_DIR}/${names.prefix}-${stem}${suffix}.yml`, tenants: p, part: i + 1, parts: parts.length, ...(schedule ? { schedule } : {}) });
    });
  };
  for (const schedule of [...new Set(backedUp.map((t) => t.backup.schedule))].sort()) {
    add("backup", `backup-${scheduleSlug(schedule)}`, backedUp.filter((t) => t.backup.schedule === schedule), schedule);
  }
  if (settings.migrations && active.length) add("migrations", "migrations", active);
  if (backedUp.length) add("restore-drill", "restore-drill", backedUp);
  return out;
}

/** Every generated workflow for a fleet, in the order planWorkflows gives. */
export function renderWorkflows(tenants: readonly Tenant[], settings: WorkflowSettings): RenderedWorkflow[] {
  return planWorkflows(tenants, settings).map((file) =>
    file.kind === "backup" ? backupWorkflow(file, settings) : file.kind === "migrations" ? migrationsWorkflow(file, settings, settings.migrations!) : restoreDrillWorkflow(file, settings),
  );
}
