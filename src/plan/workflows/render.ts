/**
 * Generated GitHub Actions workflows for the application repository, rendered from typed
 * objects with the `yaml` package (never string templates). Pure: tenants and settings
 * in, file paths and contents out.
 *
 * Nothing a tenant wrote reaches a script or an expression: matrices carry only validated
 * ids, region ids and numbers; scripts read them from the environment, always quoted.
 */
import { createHash } from "node:crypto";
import { Document, isScalar, visit, Scalar } from "yaml";
import type { Tenant } from "../../../tenants/model";
import { BACKUP_AGE_SLACK_HOURS, maxBackupAgeHours } from "../../core/cronGap";
import type { BackupEncryption } from "../vaults/plan";
import { alertScript } from "./alertScript";
import { BACKUP_PART_BYTES, backupScript, CLOCK_SKEW_SECONDS, drillTenantScript, migrationTenantScript } from "./backupScripts";
import { batchScript, gateScript, planScript, recordScript, type BatchKind } from "./batchScripts";

export { CLOCK_SKEW_SECONDS };
import { defaultOf, type StackSettings } from "../../core/config/settings";
import { catalogWriterLocation, ENVIRONMENT_SECRET_NAME, type FleetNames, type SecretScope, WORKFLOW_DIR, concurrencyGroup, environmentName, fleetNames } from "../../core/repositoryContract";
import { effectiveBatchSize, ENVIRONMENT_SLOTS, MANIFEST_DIR, manifestPath, MAX_MATRIX_JOBS, wavesOf } from "../repository/manifest";

/** Third-party actions, pinned to full commit SHAs. */
export const ACTIONS = Object.freeze({
  checkout: { uses: "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", version: "v4.2.2" },
  configureAwsCredentials: { uses: "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502", version: "v4.0.2" },
  uploadArtifact: { uses: "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", version: "v7.0.0" },
  downloadArtifact: { uses: "actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", version: "v8.0.1" },
});

export { MAX_MATRIX_JOBS };
/** Batch jobs of one workflow that run at once (each works on BATCH_PARALLELISM tenants). */
export const BACKUP_MAX_PARALLEL = 8;
export const MIGRATION_MAX_PARALLEL = 4;
export const DRILL_MAX_PARALLEL = 4;
export const RUNNER = "ubuntu-24.04";
export { BACKUP_AGE_SLACK_HOURS, maxBackupAgeHours };

export interface WorkflowSettings {
  readonly scope: SecretScope;
  readonly encryption: BackupEncryption;
  readonly branch: string;
  /** The tenants file the workflows were generated from, named in the header. */
  readonly source: string;
  /** `setupCommand` installs what the migrations need, in a step that holds no secret. */
  readonly migrations?: {
    readonly command: string;
    readonly setupCommand?: string;
    readonly paths: readonly string[];
    /** The waves in order (default: one, `general`), and the failures each may have before the rollout stops (`N` or `P%`, default 0). */
    readonly waves?: readonly string[];
    readonly failureBudget?: string;
    /** SQL giving a tenant's schema version; a command printing the target version (no secret). */
    readonly versionQuery?: string;
    readonly targetCommand?: string;
  };
  readonly restoreDrillSchedule: string;
  /** Names in the repository; default: an unsharded stack's. */
  readonly names?: FleetNames;
  /** The failure issue of scheduled workflows: its label and assignees (default: tenant-fleet-alert, nobody). */
  readonly alerts?: { readonly label: string; readonly assignees: readonly string[] };
  /** Tenants per batch job (repository and region scopes). @default the batchSize setting's */
  readonly batchSize?: number;
  /** Tenants a backup or drill job works on at once. @default the batchParallelism setting's */
  readonly batchParallelism?: number;
  /**
   * The stack's fleet catalog, when it creates one: the environment whose secret holds the
   * writer string (environment and region scopes), which the recording jobs enter. Without
   * it they read a repository secret of the same name, if someone set one.
   */
  readonly catalog?: { readonly environment?: string };
}

export interface RenderedWorkflow {
  /** Path in the repository, e.g. `.github/workflows/tenant-fleet-backup-17-3-x-x-x.yml`. */
  readonly path: string;
  readonly content: string;
  readonly kind: "backup" | "migrations" | "restore-drill" | "dev-seed" | "dev-preview" | "dev-cleanup";
}

/** The settings' defaults, for callers that build WorkflowSettings by hand. */
export const DEFAULT_BATCH_SIZE = defaultOf("batchSize");
export const DEFAULT_BATCH_PARALLELISM = defaultOf("batchParallelism");

/** The workflow settings a stack's settings give, under the names of its shard. */
export function workflowSettings(settings: StackSettings, names: FleetNames): WorkflowSettings {
  return {
    scope: settings.secretScope,
    encryption: settings.backup.encryption,
    branch: settings.github.branch,
    source: settings.tenantsFile,
    migrations: settings.workflows.migrationsCommand
      ? {
          command: settings.workflows.migrationsCommand,
          setupCommand: settings.workflows.migrationsSetupCommand,
          paths: settings.workflows.migrationsPaths,
          waves: settings.workflows.migrationWaves,
          failureBudget: settings.workflows.migrationFailureBudget,
          versionQuery: settings.workflows.migrationVersionQuery,
          targetCommand: settings.workflows.migrationsTargetCommand,
        }
      : undefined,
    restoreDrillSchedule: settings.workflows.restoreDrillSchedule,
    names,
    alerts: { label: settings.workflows.alertLabel, assignees: settings.workflows.alertAssignees },
    batchSize: settings.workflows.batchSize,
    batchParallelism: settings.workflows.batchParallelism,
    catalog: settings.catalog ? catalogOf(catalogWriterLocation(settings.secretScope, names)) : undefined,
  };
}

function catalogOf(where: ReturnType<typeof catalogWriterLocation>): WorkflowSettings["catalog"] {
  return where.scope === "environment" ? { environment: where.environment } : {};
}

/** `17 3 * * *` → `17-3-x-x-x`: stable, file-name safe. */
export function scheduleSlug(cron: string): string {
  return cron
    .trim()
    .split(/\s+/)
    .map((f) => f.replace(/\*/g, "x").replace(/\//g, "s").replace(/,/g, "c").toLowerCase())
    .join("-");
}

/**
 * Each schedule's file-name slug. Two schedules whose slugs coincide (`1-2 3 * * *` and
 * `1 2-3 * * *` both read `1-2-3-x-x-x`) each get a short hash of the schedule appended, so
 * no two workflow files (and resources) share a name; every other slug stays as it was.
 */
export function scheduleSlugs(schedules: readonly string[]): Map<string, string> {
  const bySlug = new Map<string, string[]>();
  for (const s of schedules) bySlug.set(scheduleSlug(s), [...(bySlug.get(scheduleSlug(s)) ?? []), s]);
  const out = new Map<string, string>();
  for (const [slug, group] of bySlug) {
    for (const s of group) out.set(s, group.length > 1 ? `${slug}-${createHash("sha256").update(s).digest("hex").slice(0, 6)}` : slug);
  }
  return out;
}

export function chunk<T>(items: readonly T[], size = MAX_MATRIX_JOBS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Matrix jobs per kind: one matrix of batches, or, where a job reads a tenant's environment, slots of one tenant each. */
export function slotCount(scope: SecretScope, credentials = true): number {
  return scope === "environment" && credentials ? ENVIRONMENT_SLOTS : 1;
}

/** Job ids of a kind's slots: `backup`, then `backup-2` … (environment scope). */
export function slotJobIds(jobId: string, scope: SecretScope, credentials = true): string[] {
  return Array.from({ length: slotCount(scope, credentials) }, (_, i) => (i === 0 ? jobId : `${jobId}-${i + 1}`));
}

/**
 * How a batch job's step gets each tenant's connection string, per secret scope: named
 * repository secrets in numbered variables (only the batch's own, never the whole
 * `secrets` context), the job's environment, or SSM through the job's role. The label says
 * where a tenant's string lives (never its value).
 */
function credentialBinding(scope: SecretScope, slots: number): { source: "slots" | "environment" | "parameter"; env: Record<string, string> } {
  switch (scope) {
    case "repository":
      return { source: "slots", env: Object.fromEntries(Array.from({ length: slots }, (_, i) => [`DATABASE_URL_${i + 1}`, `\${{ secrets[matrix.batch.secrets[${i}]] }}`])) };
    case "environment":
      return { source: "environment", env: { DATABASE_URL: `\${{ secrets.${ENVIRONMENT_SECRET_NAME} }}` } };
    case "region":
      return { source: "parameter", env: {} };
  }
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

/** YAML text of a workflow: pinned actions carry their version as a comment (`versions` adds actions beyond ACTIONS), cron strings are quoted. */
export function renderYaml(body: object, comment: string, versions: ReadonlyMap<string, string> = VERSION_OF): string {
  const doc = new Document(body);
  doc.commentBefore = comment;
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      const value = pair.value as Scalar;
      if (pair.key.value === "uses" && versions.has(String(value.value))) value.comment = ` ${versions.get(String(value.value))}`;
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
  return { group: `${names.prefix}-database-\${{ matrix.batch.key }}`, "cancel-in-progress": false };
}


/**
 * The last job of a scheduled workflow: opens one issue per workflow when a run fails
 * (naming the failed tenants and linking the run), comments on it while it stays red, and
 * closes it on the next fully green run. Only this job holds `issues: write`.
 */
function alertJob(needs: readonly string[], jobPrefix: string, settings: WorkflowSettings): object {
  const alerts = settings.alerts ?? DEFAULT_ALERTS;
  return {
    name: "tell people",
    needs: [...needs],
    if: `always() && ${defaultBranchOnly(settings.branch).if}`,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    permissions: { issues: "write", actions: "read", checks: "read" },
    steps: [
      // The batch jobs' result lines name every failed tenant; annotations are capped (10 errors a step).
      runResultsStep(),
      {
        name: "Open, update or close the failure issue",
        shell: "bash",
        env: {
          GH_TOKEN: "${{ github.token }}",
          RESULTS_DIR,
          // The planning job's and every batch job's: failure when any failed or was cancelled.
          RESULT: "${{ (contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled')) && 'failure' || 'success' }}",
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
  return `fromJSON(vars.${names.vaultsVariable})[matrix.batch.aws_region]`;
}

function awsCredentialsStep(sessionName: string, roleVariable: string): object {
  return {
    name: "AWS credentials (OIDC)",
    uses: ACTIONS.configureAwsCredentials.uses,
    with: {
      "role-to-assume": `\${{ vars.${roleVariable} }}`,
      "aws-region": "${{ matrix.batch.aws_region }}",
      "role-session-name": sessionName,
    },
  };
}

/** Installs the Postgres client of major PG_MAJOR from PGDG (the tenant's, or the newest for the operations). */
export const INSTALL_PG_CLIENT = [
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


/** Checks out only the fleet manifest, from the commit being run, without keeping the token. */
function manifestCheckoutStep(): object {
  return {
    name: "Fleet manifest",
    uses: ACTIONS.checkout.uses,
    with: { "persist-credentials": false, "sparse-checkout": MANIFEST_DIR, "sparse-checkout-cone-mode": false },
  };
}

/** What distinguishes one kind of tenant workflow from another. */
interface KindSpec {
  readonly kind: PlannedWorkflow["kind"];
  readonly batchKind: BatchKind;
  /** The batch job's id (slots add `-2` …) and its name's prefix (the alert job finds it by it). */
  readonly jobId: string;
  readonly jobPrefix: string;
  readonly name: string;
  readonly description: string;
  readonly on: object;
  readonly schedule?: string;
  readonly maxParallel: number;
  /** Tenants one job works on at once. */
  readonly parallelism: number;
  /** The AWS role the job assumes (its variable), if any. */
  readonly role?: { readonly variable: string; readonly session: string };
  /** Whether the job reads tenants' connection strings. */
  readonly credentials: boolean;
  readonly env: Record<string, string>;
  /** Steps before the AWS credentials (tools), after the checkout. */
  readonly tools: readonly object[];
  readonly checkout: object;
  readonly stepName: string;
  readonly tenantScript: string;
  readonly drill?: boolean;
  readonly alert: boolean;
  /** Migrations: the waves in order, each gated on the one before staying within the budget. */
  readonly waves?: { readonly names: readonly string[]; readonly budget: string };
}

/** Where a batch job leaves its tenants' result lines for its wave's gate. */
const RESULTS_DIR = "${{ runner.temp }}/tenant-fleet-results";
/** A tenant the fleet manifest did not list this many days ago is new: its database may still be empty. */
export const NEW_TENANT_DAYS = 7;
/** Where a retry's planning job puts the results of the run it retries. */
const RETRY_DIR = "${{ runner.temp }}/tenant-fleet-retry";
/** The artifact of one batch's results: `<prefix>-w<n>-<batch key>`. */
export const RESULTS_ARTIFACT = "tenant-fleet-results";

/**
 * A tenant workflow: a planning job that reads the manifest, one batch job per slot (one
 * slot, or the environment scope's forty) whose matrix is the plan's output, and the
 * alert job. Slots share one definition of their env and steps (YAML anchors).
 */
function tenantWorkflow(file: PlannedWorkflow, settings: WorkflowSettings, spec: KindSpec): RenderedWorkflow {
  const names = settings.names ?? fleetNames();
  const slots = slotJobIds(spec.jobId, settings.scope, spec.credentials);
  const batchSize = effectiveBatchSize(settings.scope, settings.batchSize ?? DEFAULT_BATCH_SIZE, spec.credentials);
  const binding = spec.credentials ? credentialBinding(settings.scope, batchSize) : { source: "none" as const, env: {} };
  const branchOnly = defaultBranchOnly(settings.branch);
  const needsAws = spec.role !== undefined;
  // Without waves, one round of slots (`slot_N` outputs, jobs `backup`, `backup-2` …); with
  // waves, a round per wave (`w1_slot_N`, jobs `migrate-w1` …) and a gate after each.
  const rounds: (string | undefined)[] = spec.waves ? [...spec.waves.names] : [undefined];
  const output = (round: number, i: number) => (spec.waves ? `w${round + 1}_slot_${i + 1}` : `slot_${i + 1}`);
  const jobIdOf = (round: number, slot: string) => (spec.waves ? slot.replace(spec.jobId, `${spec.jobId}-w${round + 1}`) : slot);
  const gateId = (round: number) => `gate_w${round + 1}`;
  const env = {
    MANIFEST: manifestPath(names),
    BATCH_KIND: spec.batchKind,
    ...(spec.schedule ? { BATCH_SCHEDULE: spec.schedule } : {}),
    BATCH_KEY: "${{ matrix.batch.key }}",
    BATCH_PARALLELISM: String(spec.parallelism),
    CREDENTIAL_SOURCE: binding.source,
    PG_MAJOR: "${{ matrix.batch.pg }}",
    ...spec.env,
  };
  // The runner context is not available to a job's env, only to its steps'.
  const stepEnv = { ...binding.env, RESULTS_DIR };
  // Tools first: nothing that downloads or installs runs while AWS credentials exist.
  const steps = (round: number) => [
    spec.checkout,
    ...spec.tools,
    ...(spec.role ? [awsCredentialsStep(spec.role.session, spec.role.variable)] : []),
    { name: spec.stepName, shell: "bash", env: stepEnv, run: `${batchScript(spec.tenantScript, { drill: spec.drill, lock: spec.credentials, kind: spec.batchKind })}\n` },
    {
      name: spec.waves ? "Keep the results for the wave's gate" : "Keep the results for the fleet catalog",
      if: "always()",
      uses: ACTIONS.uploadArtifact.uses,
      with: { name: `${RESULTS_ARTIFACT}-${spec.waves ? `w${round + 1}-` : ""}\${{ matrix.batch.key }}`, path: `${RESULTS_DIR}/`, "if-no-files-found": "ignore", "retention-days": 30, overwrite: true },
    },
  ];
  // One list per round, shared by its slots: the file says it once and the slots alias it.
  const stepsOf = rounds.map((_, round) => steps(round));
  const slotJob = (round: number, i: number) => ({
    name: `${spec.jobPrefix}\${{ matrix.batch.key }}`,
    needs: round > 0 ? ["plan", gateId(round - 1)] : ["plan"],
    // A later wave's jobs follow the wave before through its gate, whose own needs may have been
    // skipped (an empty wave, a slot left empty, a resumed run) or failed (within the budget):
    // GitHub's implicit success() is false after any such ancestor, so they say which results
    // they accept: the plan's and the gate's success, and the run not cancelled.
    if: round > 0
      ? `!cancelled() && ${branchOnly.if} && needs.plan.result == 'success' && needs.${gateId(round - 1)}.result == 'success' && needs.plan.outputs.${output(round, i)} != '[]'`
      : `${branchOnly.if} && needs.plan.outputs.${output(round, i)} != '[]'`,
    // The batch's runner labels (runnerLabels) when its tenants' residency maps to some, else GitHub-hosted.
    "runs-on": `\${{ matrix.batch.runs_on || '${RUNNER}' }}`,
    "timeout-minutes": "${{ matrix.batch.timeout_minutes }}",
    ...(settings.scope === "environment" && spec.credentials
      ? { environment: environmentName("${{ matrix.batch.key }}"), concurrency: tenantDatabaseConcurrency(names) }
      : {}),
    permissions: needsAws ? { "id-token": "write", contents: "read" } : { contents: "read" },
    strategy: { "fail-fast": false, "max-parallel": spec.maxParallel, matrix: { batch: `\${{ fromJSON(needs.plan.outputs.${output(round, i)}) }}` } },
    ...(spec.drill ? { services: drillServices() } : {}),
    env,
    steps: stepsOf[round],
  });
  const gateJob = (round: number) => ({
    name: `wave ${rounds[round]}: within the failure budget?`,
    needs: ["plan", ...slots.map((slot) => jobIdOf(round, slot)), ...(round > 0 ? [gateId(round - 1)] : [])],
    // Runs whatever its batch jobs did (it judges them); never after a stopped wave.
    if: `always() && ${branchOnly.if} && needs.plan.result == 'success'${round > 0 ? ` && needs.${gateId(round - 1)}.result == 'success'` : ""}`,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    ...catalogEnvironment(settings),
    permissions: {},
    steps: [
      {
        name: "The wave's results",
        uses: ACTIONS.downloadArtifact.uses,
        // No artifact at all (every job of the wave died early) is judged below, not here.
        "continue-on-error": true,
        with: { pattern: `${RESULTS_ARTIFACT}-w${round + 1}-*`, path: `${RESULTS_DIR}/`, "merge-multiple": true },
      },
      // Recorded whatever the verdict; a catalog that refuses the rows is an error of its own, not the wave's.
      { ...recordStep(spec.batchKind, `wave ${rounds[round]}`, names, rounds[round]), "continue-on-error": true },
      {
        name: "Stop the rollout when the wave is over its failure budget",
        shell: "bash",
        env: { WAVE: rounds[round], PLANNED: `\${{ needs.plan.outputs.w${round + 1}_tenants }}`, BUDGET: spec.waves!.budget, RESULTS_DIR },
        run: `${gateScript()}\n`,
      },
    ],
  });
  // Without waves, and when the stack has a catalog, one job after the batches records them all in it.
  const recordJob = () => ({
    name: "record in the fleet catalog",
    needs: ["plan", ...slots],
    if: `always() && ${branchOnly.if} && needs.plan.result == 'success'`,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    ...catalogEnvironment(settings),
    permissions: {},
    steps: [
      runResultsStep(),
      recordStep(spec.batchKind, spec.name, names),
    ],
  });
  const batchJobs = [
    ...rounds.flatMap((_, round) => [
      ...slots.map((slot, i) => [jobIdOf(round, slot), slotJob(round, i)] as const),
      ...(spec.waves ? [[gateId(round), gateJob(round)] as const] : []),
    ]),
    ...(!spec.waves && settings.catalog ? [["record", recordJob()] as const] : []),
  ];
  const body = {
    name: spec.name,
    on: spec.on,
    permissions: {},
    concurrency: { group: concurrencyGroup(file.path), "cancel-in-progress": false },
    jobs: {
      plan: {
        name: "plan",
        "runs-on": RUNNER,
        "timeout-minutes": 10,
        ...branchOnly,
        // Migrations: reading another run's results (a retry) needs actions: read.
        permissions: spec.waves ? { contents: "read", actions: "read" } : { contents: "read" },
        outputs: Object.fromEntries(
          rounds.flatMap((_, round) => [
            ...slots.map((_s, i) => [output(round, i), `\${{ steps.plan.outputs.${output(round, i)} }}`]),
            ...(spec.waves ? [[`w${round + 1}_tenants`, `\${{ steps.plan.outputs.w${round + 1}_tenants }}`]] : []),
          ]),
        ),
        steps: [
          manifestCheckoutStep(),
          ...(spec.waves
            ? [
                {
                  name: "Results of the run to retry",
                  if: "inputs.retry_run != ''",
                  uses: ACTIONS.downloadArtifact.uses,
                  // A run without results is judged by the plan, which names it.
                  "continue-on-error": true,
                  with: { pattern: `${RESULTS_ARTIFACT}-w*`, path: `${RETRY_DIR}/`, "merge-multiple": true, "run-id": "${{ inputs.retry_run }}", "github-token": "${{ github.token }}" },
                },
              ]
            : []),
          {
            name: "Plan the batches from the fleet manifest",
            id: "plan",
            shell: "bash",
            env: {
              MANIFEST: manifestPath(names),
              BATCH_KIND: spec.batchKind,
              ...(spec.schedule ? { BATCH_SCHEDULE: spec.schedule } : {}),
              ...(spec.waves
                ? { WAVES: JSON.stringify(spec.waves.names), ONLY_TENANTS: "${{ inputs.tenants }}", ONLY_WAVE: "${{ inputs.wave }}", RETRY_RUN: "${{ inputs.retry_run }}", RETRY_DIR, ...(spec.env.ONLY_BEHIND ? { ONLY_BEHIND: "${{ inputs.behind }}" } : {}) }
                : {}),
              SLOTS: String(slots.length),
              BATCH_PARALLELISM: String(spec.parallelism),
              WITH_SECRETS: String(binding.source === "slots"),
              // Backups: who is new to the manifest, read from its history with the run's token.
              ...(spec.batchKind === "backup" ? { NEW_TENANT_DAYS: String(NEW_TENANT_DAYS), GH_TOKEN: "${{ github.token }}" } : {}),
            },
            run: `${planScript()}\n`,
          },
        ],
      },
      ...Object.fromEntries(batchJobs),
      ...(spec.alert ? { alert: alertJob(["plan", ...batchJobs.map(([id]) => id)], spec.jobPrefix, settings) } : {}),
    },
  };
  return { path: file.path, kind: spec.kind, content: render(body, header(spec.description, settings)) };
}

/** Every batch job's result lines of this run, in RESULTS_DIR (none at all is the reader's to judge). */
function runResultsStep(): object {
  return { name: "The run's results", uses: ACTIONS.downloadArtifact.uses, "continue-on-error": true, with: { pattern: `${RESULTS_ARTIFACT}-*`, path: `${RESULTS_DIR}/`, "merge-multiple": true } };
}

/** A recording job enters the catalog's environment when the stack keeps the writer string there. */
function catalogEnvironment(settings: WorkflowSettings): { environment?: string } {
  return settings.catalog?.environment ? { environment: settings.catalog.environment } : {};
}

/** The step that records a run's (or a wave's) result lines in the fleet catalog. */
function recordStep(kind: BatchKind, what: string, names: FleetNames, wave?: string): object {
  return {
    name: wave ? "Record the wave in the fleet catalog" : "Record the results in the fleet catalog",
    shell: "bash",
    env: { CATALOG_URL: `\${{ secrets.${names.catalogSecret} }}`, CATALOG_SECRET: names.catalogSecret, WHAT: what, ...(wave ? { WAVE: wave } : {}), RESULTS_DIR },
    run: `${recordScript(kind)}\n`,
  };
}

function drillServices(): object {
  return {
    postgres: {
      // Pinned by digest (src/plan/repository/images.ts, through the manifest): this container receives tenants' data.
      image: "${{ matrix.batch.pg_image }}",
      env: { POSTGRES_HOST_AUTH_METHOD: "trust" },
      ports: ["5432:5432"],
      options: "--health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 30",
    },
  };
}

function backupWorkflow(file: PlannedWorkflow, settings: WorkflowSettings): RenderedWorkflow {
  const schedule = file.schedule!;
  const names = settings.names ?? fleetNames();
  return tenantWorkflow(file, settings, {
    kind: "backup",
    batchKind: "backup",
    jobId: "backup",
    jobPrefix: BACKUP_JOB_PREFIX,
    name: `tenant-fleet backups (${schedule})`,
    description: `Nightly backups of the tenants on "${schedule}" (UTC), in batches from ${manifestPath(names)}`,
    on: { schedule: [{ cron: schedule }], workflow_dispatch: {} },
    schedule,
    maxParallel: BACKUP_MAX_PARALLEL,
    parallelism: settings.batchParallelism ?? DEFAULT_BATCH_PARALLELISM,
    role: { variable: names.roleArnVariable, session: "tenant-fleet-backup" },
    credentials: true,
    env: {
      BACKUP_BUCKET: `\${{ ${vaultExpr(names)}.bucket }}`,
      // The batch's tenants the plan found new (an empty database is allowed, with a warning).
      BATCH_NEW: "${{ join(matrix.batch.new || fromJSON('[]'), ' ') }}",
      ...(settings.encryption === "kms" ? { BACKUP_KMS_KEY: `\${{ ${vaultExpr(names)}.kmsKeyArn }}` } : {}),
      BACKUP_PART_BYTES: String(BACKUP_PART_BYTES),
    },
    checkout: manifestCheckoutStep(),
    tools: [installPgClientStep()],
    stepName: "Dump, check and upload each tenant",
    tenantScript: backupScript(settings.encryption),
    alert: true,
  });
}

function migrationsWorkflow(file: PlannedWorkflow, settings: WorkflowSettings, migrations: NonNullable<WorkflowSettings["migrations"]>): RenderedWorkflow {
  const names = settings.names ?? fleetNames();
  const waves = wavesOf({ waves: migrations.waves });
  return tenantWorkflow(file, settings, {
    kind: "migrations",
    batchKind: "migrations",
    jobId: "migrate",
    jobPrefix: "migrate ",
    name: "tenant-fleet migrations",
    description: `Schema migrations of every active tenant on push to ${settings.branch} (and when a deploy changes the fleet), wave by wave (${waves.join(", ")}), in batches from ${manifestPath(names)}`,
    // The manifest is on the list: the deploy that onboards a tenant migrates it (tenants already at the target are left alone).
    on: {
      push: { branches: [settings.branch], paths: [...migrations.paths, manifestPath(names)] },
      // A manual run can migrate some tenants, or one wave; tenants at the target are left alone either way.
      workflow_dispatch: {
        inputs: {
          tenants: { description: "Only these tenants (ids, comma-separated); empty: every tenant", type: "string", required: false, default: "" },
          wave: { description: "Only this wave", type: "choice", required: false, default: "all", options: ["all", ...waves] },
          retry_run: { description: "Only what this run (its id) left undone: its failed tenants and those a stopped wave never reached", type: "string", required: false, default: "" },
          ...(migrations.versionQuery ? { behind: { description: "Only tenants whose schema version is behind this one (as the version query prints it)", type: "string", required: false, default: "" } } : {}),
        },
      },
    },
    maxParallel: MIGRATION_MAX_PARALLEL,
    // One tenant at a time within a job: the migration tool shares the job's working tree.
    parallelism: 1,
    ...(settings.scope === "region" ? { role: { variable: names.migrationsRoleArnVariable, session: "tenant-fleet-migrations" } } : {}),
    credentials: true,
    env: {
      // The tenants of a manual run for some tenants (empty: the whole batch).
      BATCH_ONLY: "${{ join(matrix.batch.only || fromJSON('[]'), ' ') }}",
      ...(migrations.versionQuery ? { ONLY_BEHIND: "${{ inputs.behind }}" } : {}),
      ...(migrations.versionQuery ? { VERSION_QUERY: migrations.versionQuery } : {}),
    },
    checkout: { name: "Check out", uses: ACTIONS.checkout.uses, with: { "persist-credentials": false } },
    // Dependencies install, and the target version is read, in steps that hold no secret; only the migrations see DATABASE_URL.
    tools: [
      ...(migrations.setupCommand ? [{ name: "Install (no secrets)", shell: "bash", run: `set -euo pipefail\n${migrations.setupCommand}\n` }] : []),
      ...(migrations.targetCommand
        ? [{ name: "Target version (no secrets)", shell: "bash", run: `set -euo pipefail\ntarget="$(${migrations.targetCommand})"\nif [ -z "\${target}" ]; then echo "::error::the target version command printed nothing"; exit 1; fi\nif [[ "\${target}" == *$'\\n'* ]]; then echo "::error::the target version command printed more than one line"; exit 1; fi\necho "TARGET_VERSION=\${target}" >> "\${GITHUB_ENV}"\necho "target version: \${target}"\n` }]
        : []),
    ],
    stepName: "Migrate each tenant",
    tenantScript: migrationTenantScript(migrations.command),
    alert: true,
    waves: { names: waves, budget: migrations.failureBudget ?? "0" },
  });
}

function restoreDrillWorkflow(file: PlannedWorkflow, settings: WorkflowSettings): RenderedWorkflow {
  const names = settings.names ?? fleetNames();
  return tenantWorkflow(file, settings, {
    kind: "restore-drill",
    batchKind: "restoreDrill",
    jobId: "drill",
    jobPrefix: DRILL_JOB_PREFIX,
    name: "tenant-fleet restore drill",
    description: `Weekly restore drill: each tenant's newest backup must exist, be fresh and restore; batches from ${manifestPath(names)}`,
    on: { schedule: [{ cron: settings.restoreDrillSchedule }], workflow_dispatch: {} },
    maxParallel: DRILL_MAX_PARALLEL,
    parallelism: settings.batchParallelism ?? DEFAULT_BATCH_PARALLELISM,
    role: { variable: names.drillRoleArnVariable, session: "tenant-fleet-restore-drill" },
    credentials: false,
    env: { BACKUP_BUCKET: `\${{ ${vaultExpr(names)}.bucket }}`, CLOCK_SKEW_SECONDS: String(CLOCK_SKEW_SECONDS) },
    checkout: manifestCheckoutStep(),
    tools: [installPgClientStep()],
    stepName: "Find, verify and restore each tenant's newest backup",
    tenantScript: drillTenantScript(),
    drill: true,
    alert: true,
  });
}

/** One generated workflow file before it is rendered: its kind, path and (backups) schedule. */
export interface PlannedWorkflow {
  readonly kind: "backup" | "migrations" | "restore-drill";
  readonly path: string;
  /** Backups: the cron they run on. */
  readonly schedule?: string;
}

/**
 * Every generated file of a fleet, in a stable order, without rendering: the one place
 * that decides which files exist and what they are called (the OIDC trust of each role
 * names exactly these paths). One per backup schedule, one for the drill, one for the
 * migrations: never a file per tenant or per part of the fleet, so adding a tenant
 * rewrites only the manifest. Retired tenants get none.
 */
export function planWorkflows(tenants: readonly Tenant[], settings: Pick<WorkflowSettings, "migrations" | "names">): PlannedWorkflow[] {
  const names = settings.names ?? fleetNames();
  const active = tenants.filter((t) => t.status === "active");
  const backedUp = active.filter((t) => t.backup.enabled);
  const path = (stem: string) => `${WORKFLOW_DIR}/${names.prefix}-${stem}.yml`;
  const schedules = [...new Set(backedUp.map((t) => t.backup.schedule))].sort();
  const slugs = scheduleSlugs(schedules);
  return [
    ...schedules.map((schedule): PlannedWorkflow => ({ kind: "backup", path: path(`backup-${slugs.get(schedule)}`), schedule })),
    ...(settings.migrations && active.length ? [{ kind: "migrations" as const, path: path("migrations") }] : []),
    ...(backedUp.length ? [{ kind: "restore-drill" as const, path: path("restore-drill") }] : []),
  ];
}

/** Every generated workflow for a fleet, in the order planWorkflows gives. */
export function renderWorkflows(tenants: readonly Tenant[], settings: WorkflowSettings): RenderedWorkflow[] {
  return planWorkflows(tenants, settings).map((file) =>
    file.kind === "backup" ? backupWorkflow(file, settings) : file.kind === "migrations" ? migrationsWorkflow(file, settings, settings.migrations!) : restoreDrillWorkflow(file, settings),
  );
}
