/**
 * What the generated workflows need from a stack (WorkflowSettings), derived from its settings
 * once (workflowSettings), and the shapes of a planned and a rendered workflow file.
 */
import { defaultOf, type StackSettings } from "../../core/config/settings";
import { catalogWriterLocation, type FleetNames, type SecretScope } from "../../core/repositoryContract";
import type { BackupEncryption } from "../vaults/plan";

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
  /** The failure issue of scheduled workflows: its label and assignees (default: the alertLabel and alertAssignees settings' defaults). */
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
  /**
   * Days an idle tenant's dump may be skipped (the backups' planning job reads each tenant's
   * last activity from Neon); 0: every tenant is dumped every night, and Neon is not read.
   * @default the backupMaxSkipDays setting's
   */
  readonly backupMaxSkipDays?: number;
  /** The Neon organisation of the tenants' projects (a personal key lists them with it). */
  readonly neonOrgId?: string;
}

/** One generated workflow file before it is rendered: its kind, path and (backups) schedule. */
export interface PlannedWorkflow {
  readonly kind: "backup" | "migrations" | "restore-drill";
  readonly path: string;
  /** Backups: the cron they run on. */
  readonly schedule?: string;
  /** The drill: a tenant takes Neon snapshots, so a job checks they are on schedule (snapshotCheck.ts). */
  readonly snapshotCheck?: boolean;
}

export interface RenderedWorkflow {
  /** Path in the repository, e.g. `.github/workflows/tenant-fleet-backup-17-3-x-x-x.yml`. */
  readonly path: string;
  readonly content: string;
  readonly kind: PlannedWorkflow["kind"] | "dev-seed" | "dev-preview" | "dev-cleanup";
}

/** The settings' defaults, for callers that build WorkflowSettings by hand. */
export const DEFAULT_BATCH_SIZE = defaultOf("batchSize");
export const DEFAULT_BATCH_PARALLELISM = defaultOf("batchParallelism");
export const DEFAULT_BACKUP_MAX_SKIP_DAYS = defaultOf("backupMaxSkipDays");
/** The failure issue's label and assignees when WorkflowSettings names none: the settings' defaults. */
export const DEFAULT_ALERTS = Object.freeze({ label: defaultOf("alertLabel"), assignees: Object.freeze([...defaultOf("alertAssignees")]) });

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
    backupMaxSkipDays: settings.backup.maxSkipDays,
    neonOrgId: settings.neonOrgId,
  };
}

function catalogOf(where: ReturnType<typeof catalogWriterLocation>): WorkflowSettings["catalog"] {
  return where.scope === "environment" ? { environment: where.environment } : {};
}
