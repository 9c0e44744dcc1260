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
import { backupRegionOf } from "../tenants/placement";
import { longestGapHours } from "./cronGap";
import type { BackupEncryption } from "../vaults/plan";
import { alertScript } from "./alertScript";
import { BACKUP_PART_BYTES, backupScript, CLOCK_SKEW_SECONDS, DATABASE_URL_PRELUDE, drillScript, newestBackupScript } from "./backupScripts";

export { CLOCK_SKEW_SECONDS };
import type { SecretScope } from "../iam/workflowAccess";
import { postgresImage } from "./images";
import type { StackSettings } from "../config/settings";
import { ENVIRONMENT_SECRET_NAME, type FleetNames, WORKFLOW_DIR, concurrencyGroup, environmentName, fleetNames, hostsVariable, repositorySecretName } from "../repository/contract";

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
  /** The failure issue of scheduled workflows: its label and assignees (default: tenant-fleet-alert, nobody). */
  readonly alerts?: { readonly label: string; readonly assignees: readonly string[] };
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
    alerts: { label: settings.workflows.alertLabel, assignees: settings.workflows.alertAssignees },
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
/** A new tenant's backups may find no tables until this date (only when the tenants file says so). */
function emptyAllowed(t: Tenant): { empty_allowed_until?: string } {
  return t.backup.emptyAllowedUntil ? { empty_allowed_until: t.backup.emptyAllowedUntil } : {};
}
function backupEntry(t: Tenant, scope: SecretScope) {
  return {
    id: t.id,
    ...secretRef(t, scope),
    pg: t.pgVersion,
    aws_region: backupRegionOf(t.region),
    retention_days: t.backup.retentionDays,
    timeout_minutes: t.backup.timeoutMinutes,
    ...emptyAllowed(t),
  };
}
function drillEntry(t: Tenant) {
  return {
    id: t.id,
    pg: t.pgVersion,
    pg_image: postgresImage(t.pgVersion),
    aws_region: backupRegionOf(t.region),
    retention_days: t.backup.retentionDays,
    max_age_hours: maxBackupAgeHours(t.backup.schedule),
    timeout_minutes: t.backup.timeoutMinutes,
    ...emptyAllowed(t),
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

/** Matrix job names start with these; the alert job finds the failed tenants by them. */
export const BACKUP_JOB_PREFIX = "backup ";
export const DRILL_JOB_PREFIX = "restore ";
export const DEFAULT_ALERTS = Object.freeze({ label: "tenant-fleet-alert", assignees: Object.freeze([] as string[]) });

/**
 * One concurrency group per tenant database, shared by its backup and its migrations: a
 * dump never holds locks a migration waits on (and the reads queued behind it). GitHub
 * keeps one run and one pending job per group; a third arrival cancels the pending one,
 * which then counts as a failure for the alert job.
 */
export function tenantDatabaseConcurrency(names: FleetNames): { group: string; "cancel-in-progress": false } {
  return { group: `${names.prefix}-database-\${{ matrix.tenant.id }}`, "cancel-in-progress": false };
}


/**
 * The last job of a scheduled workflow: opens one issue per workflow when a run fails
 * (naming the failed tenants and linking the run), comments on it while it stays red, and
 * closes it on the next fully green run. Only this job holds `issues: write`.
 */
function alertJob(needs: string, jobPrefix: string, settings: WorkflowSettings): object {
  const alerts = settings.alerts ?? DEFAULT_ALERTS;
  return {
    name: "tell people",
    needs: [needs],
    if: `always() && ${defaultBranchOnly(settings.branch).if}`,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    permissions: { issues: "write", actions: "read" },
    steps: [
      {
        name: "Open, update or close the failure issue",
        shell: "bash",
        env: {
          GH_TOKEN: "${{ github.token }}",
          RESULT: `\${{ needs.${needs}.result }}`,
          JOB_PREFIX: jobPrefix,
          ALERT_LABEL: alerts.label,
          ALERT_ASSIGNEES: JSON.stringify(alerts.assignees),
        },
        run: `${alertScript()}\n`,
      },
    ],
  };
}

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

/** The step that installs the tenant's Postgres client (the runtime suite stands in for it by name). */
export const PG_CLIENT_STEP_NAME = "Postgres client of the tenant's major version";

function installPgClientStep(): object {
  return { name: PG_CLIENT_STEP_NAME, shell: "bash", run: `${INSTALL_PG_CLIENT}\n` };
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
        name: `${BACKUP_JOB_PREFIX}\${{ matrix.tenant.id }}`,
        "runs-on": RUNNER,
        "timeout-minutes": "${{ matrix.tenant.timeout_minutes }}",
        ...defaultBranchOnly(settings.branch),
        concurrency: tenantDatabaseConcurrency(names),
        ...(binding.environment ? { environment: binding.environment } : {}),
        permissions: { "id-token": "write", contents: "read" },
        strategy: { "fail-fast": false, "max-parallel": BACKUP_MAX_PARALLEL, matrix: { tenant: tenants.map((t) => backupEntry(t, settings.scope)) } },
        env: {
          TENANT_ID: "${{ matrix.tenant.id }}",
          PG_MAJOR: "${{ matrix.tenant.pg }}",
          RETENTION_DAYS: "${{ matrix.tenant.retention_days }}",
          BACKUP_BUCKET: `\${{ ${vaultExpr(names)}.bucket }}`,
          ...(settings.encryption === "kms" ? { BACKUP_KMS_KEY: `\${{ ${vaultExpr(names)}.kmsKeyArn }}` } : {}),
          HOSTS_VARIABLE: hostsVariable(file.path),
          EXPECTED_DB_HOST: `\${{ fromJSON(vars.${hostsVariable(file.path)} || '{}')[matrix.tenant.id] }}`,
          EMPTY_ALLOWED_UNTIL: "${{ matrix.tenant.empty_allowed_until }}",
          BACKUP_PART_BYTES: String(BACKUP_PART_BYTES),
        },
        // Tools first: nothing that downloads or installs runs while AWS credentials exist.
        steps: [
          installPgClientStep(),
          awsCredentialsStep("tenant-fleet-backup", names.roleArnVariable),
          { name: "Dump, check and upload", shell: "bash", env: { DATABASE_URL: binding.databaseUrl, SECRET_LABEL: binding.label }, run: `${backupScript(settings.encryption)}\n` },
        ],
      },
      alert: alertJob("backup", BACKUP_JOB_PREFIX, settings),
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
        concurrency: tenantDatabaseConcurrency(settings.names ?? fleetNames()),
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
        name: `${DRILL_JOB_PREFIX}\${{ matrix.tenant.id }}`,
        "runs-on": RUNNER,
        "timeout-minutes": "${{ matrix.tenant.timeout_minutes }}",
        ...defaultBranchOnly(settings.branch),
        permissions: { "id-token": "write", contents: "read" },
        strategy: { "fail-fast": false, "max-parallel": DRILL_MAX_PARALLEL, matrix: { tenant: tenants.map(drillEntry) } },
        services: {
          postgres: {
            // Pinned by digest (workflows/images.ts): this container receives the tenant's data.
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
          EMPTY_ALLOWED_UNTIL: "${{ matrix.tenant.empty_allowed_until }}",
          BACKUP_BUCKET: `\${{ ${vaultExpr(names)}.bucket }}`,
        },
        steps: [
          installPgClientStep(),
          awsCredentialsStep("tenant-fleet-restore-drill", names.drillRoleArnVariable),
          { name: "Find the newest backup", id: "newest", shell: "bash", env: { CLOCK_SKEW_SECONDS: String(CLOCK_SKEW_SECONDS) }, run: `${newestBackupScript()}\n` },
          {
            name: "Restore it",
            shell: "bash",
            env: { BACKUP_KEY: "${{ steps.newest.outputs.key }}", MANIFEST_KEY: "${{ steps.newest.outputs.manifest }}", AGE_MINUTES: "${{ steps.newest.outputs.age_minutes }}" },
            run: `${drillScript()}\n`,
          },
        ],
      },
      alert: alertJob("drill", DRILL_JOB_PREFIX, settings),
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
