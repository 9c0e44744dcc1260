/**
 * The three kinds of tenant workflow, each a KindSpec for tenantWorkflow: nightly backups (one
 * file per schedule), migrations (on push, wave by wave) and the weekly restore drill.
 */
import * as path from "node:path";
import { fleetNames, neonActivityEnvironment } from "../../core/repositoryContract";
import { maxBackupAgeHours } from "../../core/cronGap";
import { manifestPath } from "../repository/manifest";
import { wavesOf } from "../repository/waves";
import { ACTIONS } from "./actions";
import { unchangedCheckEnv, unchangedCheckScript } from "./activityScripts";
import {
  backupScript,
  backupScriptEnv,
  CLOCK_SKEW_SECONDS,
  DRILL_SCRIPT_ENV,
  drillTenantScript,
  migrationTenantScript,
  NEWEST_BACKUP_SCRIPT_ENV,
} from "./backupScripts";
import type { DispatchInput, RunStep, Triggers } from "./model";
import { installPgClientStep, manifestCheckoutStep, vaultExpr } from "./steps";
import { tenantWorkflow } from "./tenantWorkflow";
import {
  DEFAULT_BACKUP_MAX_SKIP_DAYS,
  DEFAULT_BATCH_PARALLELISM,
  type PlannedWorkflow,
  type RenderedWorkflow,
  type WorkflowSettings,
} from "./workflowSettings";

/** Batch jobs of one workflow that run at once (each works on BATCH_PARALLELISM tenants). */
export const BACKUP_MAX_PARALLEL = 8;
export const MIGRATION_MAX_PARALLEL = 4;
export const DRILL_MAX_PARALLEL = 4;

/** Matrix job names start with these; the alert job finds the failed tenants by them. */
export const BACKUP_JOB_PREFIX = "backup ";
export const DRILL_JOB_PREFIX = "restore ";

export function backupWorkflow(file: PlannedWorkflow, settings: WorkflowSettings): RenderedWorkflow {
  const schedule = file.schedule!;
  const names = settings.names ?? fleetNames();
  const maxSkipDays = settings.backupMaxSkipDays ?? DEFAULT_BACKUP_MAX_SKIP_DAYS;
  // Idle tenants stay asleep: the plan reads Neon's activity, each tenant is checked before its string is read.
  const activity =
    maxSkipDays > 0
      ? {
          activity: {
            environment: neonActivityEnvironment(names),
            ...(settings.neonOrgId ? { orgId: settings.neonOrgId } : {}),
            // The WAL rule's canary: the fleet catalog's WAL written, compared with this file's previous run's read.
            ...(settings.catalog
              ? { canary: { workflow: path.posix.basename(file.path), branch: settings.branch, maxSkipDays, scheduleMaxAgeHours: maxBackupAgeHours(schedule) } }
              : {}),
          },
          precheck: unchangedCheckScript(),
        }
      : {};
  return tenantWorkflow(file, settings, {
    ...activity,
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
      ...backupScriptEnv(settings.encryption),
      ...(maxSkipDays > 0
        ? {
            // Neon's last activity of the batch's tenants, as the plan read it ({} when it could not).
            BATCH_LAST_ACTIVE: "${{ toJSON(matrix.batch.last_active || fromJSON('{}')) }}",
            // Their projects' WAL written, as the plan read it before tonight's dumps ({} when it could not).
            BATCH_NEON_WRITTEN: "${{ toJSON(matrix.batch.neon_written || fromJSON('{}')) }}",
            ...unchangedCheckEnv(maxSkipDays, CLOCK_SKEW_SECONDS, settings.catalog !== undefined),
          }
        : {}),
    },
    checkout: manifestCheckoutStep(),
    tools: [installPgClientStep()],
    stepName: "Dump, check and upload each tenant",
    tenantScript: backupScript(),
    alert: true,
  });
}

type Migrations = NonNullable<WorkflowSettings["migrations"]>;

/** A manual run of the migrations can migrate some tenants, or one wave; tenants at the target are left alone either way. */
function migrationsTriggers(settings: WorkflowSettings, migrations: Migrations, waves: readonly string[]): Triggers {
  const names = settings.names ?? fleetNames();
  const behind: Record<string, DispatchInput> = migrations.versionQuery
    ? {
        behind: {
          description: "Only tenants whose schema version is behind this one (as the version query prints it)",
          type: "string",
          required: false,
          default: "",
        },
      }
    : {};
  return {
    // The manifest is on the list: the deploy that onboards a tenant migrates it (tenants already at the target are left alone).
    push: { branches: [settings.branch], paths: [...migrations.paths, manifestPath(names)] },
    workflow_dispatch: {
      inputs: {
        tenants: { description: "Only these tenants (ids, comma-separated); empty: every tenant", type: "string", required: false, default: "" },
        wave: { description: "Only this wave", type: "choice", required: false, default: "all", options: ["all", ...waves] },
        retry_run: {
          description: "Only what this run (its id) left undone: its failed tenants and those a stopped wave never reached",
          type: "string",
          required: false,
          default: "",
        },
        ...behind,
      },
    },
  };
}

/** Dependencies install, and the target version is read, in steps that hold no secret; only the migrations see DATABASE_URL. */
function migrationsTools(migrations: Migrations): RunStep[] {
  return [
    ...(migrations.setupCommand ? [{ name: "Install (no secrets)", shell: "bash" as const, run: `set -euo pipefail\n${migrations.setupCommand}\n` }] : []),
    ...(migrations.targetCommand
      ? [
          {
            name: "Target version (no secrets)",
            shell: "bash" as const,
            run: `set -euo pipefail\ntarget="$(${migrations.targetCommand})"\nif [ -z "\${target}" ]; then echo "::error::the target version command printed nothing"; exit 1; fi\nif [[ "\${target}" == *$'\\n'* ]]; then echo "::error::the target version command printed more than one line"; exit 1; fi\necho "TARGET_VERSION=\${target}" >> "\${GITHUB_ENV}"\necho "target version: \${target}"\n`,
          },
        ]
      : []),
  ];
}

export function migrationsWorkflow(file: PlannedWorkflow, settings: WorkflowSettings, migrations: Migrations): RenderedWorkflow {
  const names = settings.names ?? fleetNames();
  const waves = wavesOf({ waves: migrations.waves });
  return tenantWorkflow(file, settings, {
    kind: "migrations",
    batchKind: "migrations",
    jobId: "migrate",
    jobPrefix: "migrate ",
    name: "tenant-fleet migrations",
    description: `Schema migrations of every active tenant on push to ${settings.branch} (and when a deploy changes the fleet), wave by wave (${waves.join(", ")}), in batches from ${manifestPath(names)}`,
    on: migrationsTriggers(settings, migrations, waves),
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
    tools: migrationsTools(migrations),
    stepName: "Migrate each tenant",
    tenantScript: migrationTenantScript(migrations.command),
    alert: true,
    waves: { names: waves, budget: migrations.failureBudget ?? "0" },
  });
}

export function restoreDrillWorkflow(file: PlannedWorkflow, settings: WorkflowSettings): RenderedWorkflow {
  const names = settings.names ?? fleetNames();
  const maxSkipDays = settings.backupMaxSkipDays ?? DEFAULT_BACKUP_MAX_SKIP_DAYS;
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
    env: {
      BACKUP_BUCKET: `\${{ ${vaultExpr(names)}.bucket }}`,
      ...NEWEST_BACKUP_SCRIPT_ENV,
      ...DRILL_SCRIPT_ENV,
      // Idle tenants' dumps are skipped for up to backupMaxSkipDays: their newest may be that much older.
      ...(maxSkipDays > 0 ? { MAX_SKIP_HOURS: String(maxSkipDays * 24) } : {}),
    },
    checkout: manifestCheckoutStep(),
    tools: [installPgClientStep()],
    stepName: "Find, verify and restore each tenant's newest backup",
    tenantScript: drillTenantScript(),
    drill: true,
    alert: true,
  });
}
