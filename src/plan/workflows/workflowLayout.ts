/**
 * What a tenant workflow is built from: the kind's KindSpec (kinds.ts), and the Layout of one
 * workflow being built (its slots, credential binding, rounds and the names of its jobs and
 * outputs), which tenantWorkflow.ts turns into jobs.
 */
import { ENVIRONMENT_SECRET_NAME, fleetNames, type FleetNames, type SecretScope } from "../../core/repositoryContract";
import { effectiveBatchSize, ENVIRONMENT_SLOTS } from "../repository/limits";
import { defaultBranchOnly } from "./actions";
import type { CanarySpec } from "./activityScripts";
import type { BatchKind } from "./batchScripts";
import type { ActionStep, Concurrency, Env, Step, Triggers } from "./model";
import { DEFAULT_BATCH_SIZE, type PlannedWorkflow, type WorkflowSettings } from "./workflowSettings";

/** What distinguishes one kind of tenant workflow from another. */
export interface KindSpec {
  readonly kind: PlannedWorkflow["kind"];
  readonly batchKind: BatchKind;
  /** The batch job's id (slots add `-2` …) and its name's prefix (the alert job finds it by it). */
  readonly jobId: string;
  readonly jobPrefix: string;
  readonly name: string;
  readonly description: string;
  readonly on: Triggers;
  readonly schedule?: string;
  readonly maxParallel: number;
  /** Tenants one job works on at once. */
  readonly parallelism: number;
  /** The AWS role the job assumes (its variable), if any. */
  readonly role?: { readonly variable: string; readonly session: string };
  /** Whether the job reads tenants' connection strings. */
  readonly credentials: boolean;
  readonly env: Env;
  /** Steps before the AWS credentials (tools), after the checkout. */
  readonly tools: readonly Step[];
  readonly checkout: ActionStep;
  readonly stepName: string;
  readonly tenantScript: string;
  /** Backups: run for each tenant before its string is read; may settle it as unchanged (activityScripts.ts). */
  readonly precheck?: string;
  /** Backups: the planning job reads each tenant's last activity from Neon first, in this environment (neonActivityEnvironment). */
  readonly activity?: { readonly environment: string; readonly orgId?: string; readonly canary?: CanarySpec };
  readonly drill?: boolean;
  readonly alert: boolean;
  /** Migrations: the waves in order, each gated on the one before staying within the budget. */
  readonly waves?: { readonly names: readonly string[]; readonly budget: string };
}

/** Matrix jobs per kind: one matrix of batches, or, where a job reads a tenant's environment, slots of one tenant each. */
export function slotCount(scope: SecretScope, credentials = true): number {
  return scope === "environment" && credentials ? ENVIRONMENT_SLOTS : 1;
}

/** Job ids of a kind's slots: `backup`, then `backup-2` … (environment scope). */
export function slotJobIds(jobId: string, scope: SecretScope, credentials = true): string[] {
  return Array.from({ length: slotCount(scope, credentials) }, (_, i) => (i === 0 ? jobId : `${jobId}-${i + 1}`));
}

/** Where a batch job's step finds the tenants' connection strings, and the env that carries them. */
export interface CredentialBinding {
  readonly source: "slots" | "environment" | "parameter" | "none";
  readonly env: Env;
}

/**
 * How a batch job's step gets each tenant's connection string, per secret scope: named
 * repository secrets in numbered variables (only the batch's own, never the whole
 * `secrets` context), the job's environment, or SSM through the job's role. The label says
 * where a tenant's string lives (never its value).
 */
function credentialBinding(scope: SecretScope, slots: number): CredentialBinding {
  switch (scope) {
    case "repository":
      return {
        source: "slots",
        env: Object.fromEntries(Array.from({ length: slots }, (_, i) => [`DATABASE_URL_${i + 1}`, `\${{ secrets[matrix.batch.secrets[${i}]] }}`])),
      };
    case "environment":
      return { source: "environment", env: { DATABASE_URL: `\${{ secrets.${ENVIRONMENT_SECRET_NAME} }}` } };
    case "region":
      return { source: "parameter", env: {} };
  }
}

/**
 * One concurrency group per tenant database, shared by its backup and its migrations: a
 * dump never holds locks a migration waits on (and the reads queued behind it). GitHub
 * keeps one run and one pending job per group; a third arrival cancels the pending one,
 * which then counts as a failure for the alert job.
 */
export function tenantDatabaseConcurrency(names: FleetNames): Concurrency & { "cancel-in-progress": false } {
  return { group: `${names.prefix}-database-\${{ matrix.batch.key }}`, "cancel-in-progress": false };
}

/**
 * One workflow being built: the kind, the stack, and the names of its jobs and outputs.
 * Without waves, one round of slots (`slot_N` outputs, jobs `backup`, `backup-2` …); with
 * waves, a round per wave (`w1_slot_N`, jobs `migrate-w1` …) and a gate after each.
 */
export class Layout {
  readonly names: FleetNames;
  readonly slots: string[];
  readonly binding: CredentialBinding;
  readonly branchOnly: { if: string };
  readonly rounds: (string | undefined)[];

  constructor(
    readonly settings: WorkflowSettings,
    readonly spec: KindSpec,
  ) {
    this.names = settings.names ?? fleetNames();
    this.slots = slotJobIds(spec.jobId, settings.scope, spec.credentials);
    const batchSize = effectiveBatchSize(settings.scope, settings.batchSize ?? DEFAULT_BATCH_SIZE, spec.credentials);
    this.binding = spec.credentials ? credentialBinding(settings.scope, batchSize) : { source: "none", env: {} };
    this.branchOnly = defaultBranchOnly(settings.branch);
    this.rounds = spec.waves ? [...spec.waves.names] : [undefined];
  }

  output(round: number, i: number): string {
    return this.spec.waves ? `w${round + 1}_slot_${i + 1}` : `slot_${i + 1}`;
  }

  jobIdOf(round: number, slot: string): string {
    return this.spec.waves ? slot.replace(this.spec.jobId, `${this.spec.jobId}-w${round + 1}`) : slot;
  }

  gateId(round: number): string {
    return `gate_w${round + 1}`;
  }
}
