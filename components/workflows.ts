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
import { ENVIRONMENT_SECRET_NAME, environmentName, repositorySecretName } from "../tenants/naming";
import { longestGapHours } from "./cronGap";
import { BACKUP_TIMESTAMP_DATE_FORMAT, RETENTION_TAG, type BackupEncryption, type SecretScope } from "./backupPolicy";

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
  roleArn: "TENANT_FLEET_AWS_ROLE_ARN",
  vaults: "TENANT_FLEET_BACKUP_VAULTS",
});

/**
 * The names a stack writes into the application repository. Shards sharing a repository
 * get their own (`tenant-fleet-prod-eu-backup-….yml`, `TENANT_FLEET_AWS_ROLE_ARN_PROD_EU`),
 * so they never overwrite each other's files or variables.
 */
export interface FleetNames {
  /** File and concurrency-group prefix, e.g. `tenant-fleet` or `tenant-fleet-prod-eu`. */
  readonly prefix: string;
  readonly roleArnVariable: string;
  readonly vaultsVariable: string;
}

export function fleetNames(shardKey = ""): FleetNames {
  const suffix = shardKey ? `_${shardKey.toUpperCase().replace(/-/g, "_")}` : "";
  return {
    prefix: shardKey ? `tenant-fleet-${shardKey}` : "tenant-fleet",
    roleArnVariable: `${VARIABLES.roleArn}${suffix}`,
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
  readonly migrations?: { readonly command: string; readonly paths: readonly string[] };
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
  return { id: t.id, pg: t.pgVersion, aws_region: getRegion(t.region).backupAwsRegion, max_age_hours: maxBackupAgeHours(t.backup.schedule) };
}

/** The job-level settings that give a tenant job its database URL, per secret scope. */
function tenantSecretBinding(scope: SecretScope): { environment?: string; databaseUrl: string } {
  return scope === "environment"
    ? { environment: environmentName("${{ matrix.tenant.id }}"), databaseUrl: `\${{ secrets.${ENVIRONMENT_SECRET_NAME} }}` }
    : { databaseUrl: "${{ secrets[matrix.tenant.secret] }}" };
}

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

function awsCredentialsStep(sessionName: string, names: FleetNames): object {
  return {
    name: "AWS credentials (OIDC)",
    uses: ACTIONS.configureAwsCredentials.uses,
    with: {
      "role-to-assume": `\${{ vars.${names.roleArnVariable} }}`,
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

function uploadCommand(encryption: BackupEncryption): string {
  const sse = encryption === "kms" ? '--server-side-encryption aws:kms --ssekms-key-id "${BACKUP_KMS_KEY}"' : "--server-side-encryption AES256";
  return `aws s3api put-object --bucket "\${BACKUP_BUCKET}" --key "\${key}" --body "\${dump}" --tagging "${RETENTION_TAG}=\${RETENTION_DAYS}" ${sse} > /dev/null`;
}

function backupScript(encryption: BackupEncryption): string {
  return [
    "set -euo pipefail",
    'bin="/usr/lib/postgresql/${PG_MAJOR}/bin"',
    `stamp="$(date -u +${BACKUP_TIMESTAMP_DATE_FORMAT})"`,
    'key="${TENANT_ID}/${stamp}.dump"',
    'dump="${RUNNER_TEMP}/${TENANT_ID}.dump"',
    '"${bin}/pg_dump" --format=custom --no-owner --no-privileges --file="${dump}" --dbname="${DATABASE_URL}"',
    'if [ ! -s "${dump}" ]; then echo "::error::the dump of ${TENANT_ID} is empty"; exit 1; fi',
    '"${bin}/pg_restore" --list "${dump}" > /dev/null',
    uploadCommand(encryption),
    'echo "backed up ${TENANT_ID} to s3://${BACKUP_BUCKET}/${key} ($(stat -c %s "${dump}") bytes)"',
    'rm -f "${dump}"',
  ].join("\n");
}

function backupWorkflow(schedule: string, tenants: readonly Tenant[], part: number, parts: number, settings: WorkflowSettings): RenderedWorkflow {
  const slug = scheduleSlug(schedule);
  const suffix = parts > 1 ? `-part${part}` : "";
  const binding = tenantSecretBinding(settings.scope);
  const names = settings.names ?? fleetNames();
  const body = {
    name: `tenant-fleet backups (${schedule})${parts > 1 ? ` ${part}/${parts}` : ""}`,
    on: { schedule: [{ cron: schedule }], workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: `${names.prefix}-backup-${slug}${suffix}`, "cancel-in-progress": false },
    jobs: {
      backup: {
        name: "backup ${{ matrix.tenant.id }}",
        "runs-on": RUNNER,
        "timeout-minutes": 60,
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
        steps: [
          awsCredentialsStep("tenant-fleet-backup", names),
          installPgClientStep(),
          { name: "Dump, check and upload", shell: "bash", env: { DATABASE_URL: binding.databaseUrl }, run: `${backupScript(settings.encryption)}\n` },
        ],
      },
    },
  };
  const path = `${WORKFLOW_DIR}/${names.prefix}-backup-${slug}${suffix}.yml`;
  return { path, kind: "backup", tenantIds: tenants.map((t) => t.id), content: render(body, header(`Nightly backups of ${tenants.length} tenant(s) on "${schedule}" (UTC)`, settings)) };
}

function migrationsWorkflow(tenants: readonly Tenant[], part: number, parts: number, settings: WorkflowSettings, migrations: NonNullable<WorkflowSettings["migrations"]>): RenderedWorkflow {
  const suffix = parts > 1 ? `-part${part}` : "";
  const names = settings.names ?? fleetNames();
  const binding = tenantSecretBinding(settings.scope);
  const body = {
    name: `tenant-fleet migrations${parts > 1 ? ` ${part}/${parts}` : ""}`,
    on: { push: { branches: [settings.branch], paths: [...migrations.paths] }, workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: `${names.prefix}-migrations${suffix}`, "cancel-in-progress": false },
    jobs: {
      migrate: {
        name: "migrate ${{ matrix.tenant.id }}",
        "runs-on": RUNNER,
        "timeout-minutes": 30,
        ...(binding.environment ? { environment: binding.environment } : {}),
        permissions: { contents: "read" },
        strategy: {
          "fail-fast": false,
          "max-parallel": MIGRATION_MAX_PARALLEL,
          matrix: { tenant: tenants.map((t) => ({ id: t.id, ...secretRef(t, settings.scope) })) },
        },
        env: { TENANT_ID: "${{ matrix.tenant.id }}" },
        steps: [
          { name: "Check out", uses: ACTIONS.checkout.uses, with: { "persist-credentials": false } },
          { name: "Migrate", shell: "bash", env: { DATABASE_URL: binding.databaseUrl }, run: `set -euo pipefail\n${migrations.command}\n` },
        ],
      },
    },
  };
  return {
    path: `${WORKFLOW_DIR}/${names.prefix}-migrations${suffix}.yml`,
    kind: "migrations",
    tenantIds: tenants.map((t) => t.id),
    content: render(body, header(`Schema migrations of ${tenants.length} tenant(s) on push to ${settings.branch} and on demand`, settings)),
  };
}

function drillScript(): string {
  return [
    "set -euo pipefail",
    'bin="/usr/lib/postgresql/${PG_MAJOR}/bin"',
    'key="$(aws s3api list-objects-v2 --bucket "${BACKUP_BUCKET}" --prefix "${TENANT_ID}/" --query \'sort_by(Contents || `[]`, &Key)[-1].Key\' --output text)"',
    'if [ -z "${key}" ] || [ "${key}" = "None" ]; then echo "::error::no backup of ${TENANT_ID} in ${BACKUP_BUCKET}"; exit 1; fi',
    'stamp="$(basename "${key}" .dump)"',
    'taken="$(date -u -d "${stamp:0:4}-${stamp:4:2}-${stamp:6:2}T${stamp:9:2}:${stamp:11:2}:${stamp:13:2}Z" +%s)"',
    'age_hours=$(( ( $(date -u +%s) - taken ) / 3600 ))',
    'if [ "${age_hours}" -gt "${MAX_AGE_HOURS}" ]; then echo "::error::the newest backup of ${TENANT_ID} (${key}) is ${age_hours} h old; its schedule allows ${MAX_AGE_HOURS} h"; exit 1; fi',
    'dump="${RUNNER_TEMP}/${TENANT_ID}.dump"',
    'aws s3api get-object --bucket "${BACKUP_BUCKET}" --key "${key}" "${dump}" > /dev/null',
    'if [ ! -s "${dump}" ]; then echo "::error::${key} is empty"; exit 1; fi',
    '"${bin}/pg_restore" --list "${dump}" > /dev/null',
    '"${bin}/createdb" --host=localhost --username=postgres drill',
    '"${bin}/pg_restore" --host=localhost --username=postgres --dbname=drill --no-owner --no-privileges --exit-on-error "${dump}"',
    'tables="$("${bin}/psql" --host=localhost --username=postgres --dbname=drill -tAc "select count(*) from information_schema.tables where table_schema not in (\'pg_catalog\', \'information_schema\')")"',
    'echo "restored ${key} (${age_hours} h old) into Postgres ${PG_MAJOR}: ${tables} tables"',
  ].join("\n");
}

function restoreDrillWorkflow(tenants: readonly Tenant[], part: number, parts: number, settings: WorkflowSettings): RenderedWorkflow {
  const suffix = parts > 1 ? `-part${part}` : "";
  const names = settings.names ?? fleetNames();
  const body = {
    name: `tenant-fleet restore drill${parts > 1 ? ` ${part}/${parts}` : ""}`,
    on: { schedule: [{ cron: settings.restoreDrillSchedule }], workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: `${names.prefix}-restore-drill${suffix}`, "cancel-in-progress": false },
    jobs: {
      drill: {
        name: "restore ${{ matrix.tenant.id }}",
        "runs-on": RUNNER,
        "timeout-minutes": 60,
        permissions: { "id-token": "write", contents: "read" },
        strategy: { "fail-fast": false, "max-parallel": DRILL_MAX_PARALLEL, matrix: { tenant: tenants.map(drillEntry) } },
        services: {
          postgres: {
            image: "postgres:${{ matrix.tenant.pg }}",
            env: { POSTGRES_HOST_AUTH_METHOD: "trust" },
            ports: ["5432:5432"],
            options: "--health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 30",
          },
        },
        env: {
          TENANT_ID: "${{ matrix.tenant.id }}",
          PG_MAJOR: "${{ matrix.tenant.pg }}",
          MAX_AGE_HOURS: "${{ matrix.tenant.max_age_hours }}",
          BACKUP_BUCKET: `\${{ ${vaultExpr(names)}.bucket }}`,
        },
        steps: [awsCredentialsStep("tenant-fleet-restore-drill", names), installPgClientStep(), { name: "Restore the newest backup", shell: "bash", run: `${drillScript()}\n` }],
      },
    },
  };
  return {
    path: `${WORKFLOW_DIR}/${names.prefix}-restore-drill${suffix}.yml`,
    kind: "restore-drill",
    tenantIds: tenants.map((t) => t.id),
    content: render(body, header(`Weekly restore drill of ${tenants.length} tenant(s): the newest backup must exist, be fresh and restore`, settings)),
  };
}

/** Every generated workflow for a fleet, in a stable order. Retired tenants get none. */
export function renderWorkflows(tenants: readonly Tenant[], settings: WorkflowSettings): RenderedWorkflow[] {
  const active = tenants.filter((t) => t.status === "active").sort(byId);
  const backedUp = active.filter((t) => t.backup.enabled);
  const out: RenderedWorkflow[] = [];

  const schedules = [...new Set(backedUp.map((t) => t.backup.schedule))].sort();
  for (const schedule of schedules) {
    const parts = chunk(backedUp.filter((t) => t.backup.schedule === schedule));
    parts.forEach((p, i) => out.push(backupWorkflow(schedule, p, i + 1, parts.length, settings)));
  }
  if (settings.migrations && active.length) {
    const parts = chunk(active);
    parts.forEach((p, i) => out.push(migrationsWorkflow(p, i + 1, parts.length, settings, settings.migrations!)));
  }
  if (backedUp.length) {
    const parts = chunk(backedUp);
    parts.forEach((p, i) => out.push(restoreDrillWorkflow(p, i + 1, parts.length, settings)));
  }
  return out;
}
