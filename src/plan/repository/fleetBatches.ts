/**
 * Every batch of the fleet, by kind of job: backups per schedule, the restore drill, and the
 * migrations per wave; and the warnings when a kind's batches had to grow. Pure: tenants and
 * settings in, no host needed (the bench and the tests plan without an engine).
 */
import { isActive, isBackedUp, type Tenant } from "../../../tenants/model";
import { backupRegionOf } from "../../../tenants/placement";
import { migrationsHeld } from "../../../tenants/serving";
import type { SecretScope } from "../../core/repositoryContract";
import { byId, planBatches, type Batchable, type BatchPlan } from "./batches";
import { effectiveBatchSize, MAX_MATRIX_JOBS, maxJobs } from "./limits";
import { runnerOf } from "./runners";
import { waveOf, wavesOf } from "./waves";

/** What each kind of generated job needs from the stack's settings. */
export interface ManifestSettings {
  readonly stack: string;
  /** The tenants file, named in the manifest. */
  readonly source: string;
  readonly scope: SecretScope;
  readonly batchSize: number;
  /** Whether the stack generates a migrations workflow. */
  readonly migrations: boolean;
  /** The migration waves in order (tenants without a rollout go in the last); default one wave, `general`. */
  readonly waves?: readonly string[];
  /** Runner labels per residency (runnerLabels): a batch's jobs run where its tenants' residency maps. */
  readonly runners?: Readonly<Record<string, readonly string[]>>;
}

/** Every batch of the fleet, by kind (backups by schedule), before any host is known. */
export interface FleetBatches {
  readonly backup: ReadonlyMap<string, BatchPlan>;
  readonly restoreDrill?: BatchPlan;
  /** Per wave, in the waves' order (a wave without tenants has no entry). */
  readonly migrations?: ReadonlyMap<string, BatchPlan>;
}

function batchable(t: Tenant, runners?: Readonly<Record<string, readonly string[]>>): Batchable {
  const runsOn = runnerOf(t, runners);
  return { id: t.id, awsRegion: backupRegionOf(t.region), pg: t.pgVersion, ...(runsOn ? { runsOn } : {}) };
}

/** The batches of every kind of job; retired tenants get none, and a tenant replicating into its move target gets no migrations (migrationsHeld, tenants/serving.ts). */
export function planFleetBatches(
  tenants: readonly Tenant[],
  settings: Pick<ManifestSettings, "scope" | "batchSize" | "migrations" | "waves" | "runners">,
): FleetBatches {
  const active = tenants.filter(isActive).sort(byId);
  const backedUp = active.filter(isBackedUp);
  const plan = (list: readonly Tenant[], credentials = true, keyPrefix = "") =>
    planBatches(
      list.map((t) => batchable(t, settings.runners)),
      effectiveBatchSize(settings.scope, settings.batchSize, credentials),
      maxJobs(settings.scope, credentials),
      keyPrefix,
    );
  const waves = wavesOf(settings);
  const migrations = new Map<string, BatchPlan>();
  for (const wave of waves) {
    const members = active.filter((t) => waveOf(t, waves) === wave && !migrationsHeld(t));
    if (members.length) migrations.set(wave, plan(members, true, `${wave}-`));
  }
  const backup = new Map<string, BatchPlan>();
  for (const schedule of [...new Set(backedUp.map((t) => t.backup.schedule))].sort())
    backup.set(schedule, plan(backedUp.filter((t) => t.backup.schedule === schedule)));
  return {
    backup,
    ...(backedUp.length ? { restoreDrill: plan(backedUp, false) } : {}),
    ...(settings.migrations && active.length ? { migrations } : {}),
  };
}

/** Warnings for the plan: a kind whose batches had to grow past the requested size. */
export function batchWarnings(batches: FleetBatches): string[] {
  const kinds: [string, BatchPlan | undefined][] = [
    ...[...batches.backup].map(([s, p]): [string, BatchPlan] => [`backups on "${s}"`, p]),
    ["the restore drill", batches.restoreDrill],
    ...[...(batches.migrations ?? [])].map(([w, p]): [string, BatchPlan] => [`migrations of wave ${w}`, p]),
  ];
  return kinds
    .filter(([, p]) => p && p.size > p.requested)
    .map(
      ([what, p]) =>
        `${what} would need more than ${MAX_MATRIX_JOBS} jobs with ${p!.requested} tenant(s) per job, so each job serves up to ${p!.size}; raise tenant-fleet:batchSize or shard the stack to keep jobs short`,
    );
}
