/**
 * The fleet manifest: one non-secret JSON file per stack in the application repository
 * (`.github/tenant-fleet/<prefix>.json`) that says, per active tenant, where its database
 * and its credential are and how it is backed up, and per kind of job the batches the
 * generated workflows run. The workflows never list tenants: their planning job reads the
 * manifest at run time, so adding, changing or retiring a tenant rewrites this one file.
 *
 * Pure: tenants, settings and the hosts `pulumi up` learnt in; JSON out. The batches come
 * from fleetBatches.ts (which needs no host), the scheduler from batches.ts; their public
 * names are re-exported here.
 */
import { isActive, type Tenant } from "../../../tenants/model";
import { backupRegionOf } from "../../../tenants/placement";
import { maxBackupAgeHours } from "../../core/cronGap";
import { credentialLocation, type CredentialLocation, type FleetNames, type SecretScope } from "../../core/repositoryContract";
import { byId, type Batch } from "./batches";
import { planFleetBatches, type ManifestSettings } from "./fleetBatches";
import { postgresImage } from "./images";
import { snapshotMaxAgeHours, type SnapshotFrequency } from "../../../tenants/snapshots";

export { planBatches, type Batch, type BatchPlan } from "./batches";
export { credentialRegions } from "./credentialRegions";
export { batchWarnings, planFleetBatches, type FleetBatches, type ManifestSettings } from "./fleetBatches";
export { effectiveBatchSize, ENVIRONMENT_SLOTS, MAX_MATRIX_JOBS, maxJobs } from "./limits";
export { runnerOf } from "./runners";
export { waveOf, wavesOf } from "./waves";

/**
 * The format of the fleet manifest (this file's; each backup's own manifest has its own
 * format, in backupScripts.ts). 2: migrations batches carry their wave (a workflow of format 1
 * would find none).
 */
export const FLEET_MANIFEST_FORMAT = 2;
/** The folder of the manifests, beside the workflows (one file per stack or shard). */
export const MANIFEST_DIR = ".github/tenant-fleet";
/** Hours past a snapshot schedule's period before its newest snapshot is overdue: Neon takes it within its hour, and a drill runs at its own time. */
export const SNAPSHOT_SLACK_HOURS = 6;

export function manifestPath(names: FleetNames): string {
  return `${MANIFEST_DIR}/${names.prefix}.json`;
}

/** Per active tenant, what the generated jobs read. */
export interface ManifestTenant {
  readonly id: string;
  readonly region: string;
  readonly awsRegion: string;
  readonly pg: number;
  /** The direct host the stack created: a backup of a connection string pointing elsewhere fails. */
  readonly host: string;
  readonly credential: CredentialLocation;
  /** The Neon project (not secret), when `pulumi up` learnt it: runtime jobs read Neon's API about it. */
  readonly projectId?: string;
  /** Neon's own snapshots of its root branch (tenants/snapshots.ts); absent when off. maxAgeHours: the drill's limit for the newest. */
  readonly snapshots?: {
    readonly frequency: SnapshotFrequency;
    readonly hour: number;
    readonly day?: number;
    readonly retentionDays: number;
    readonly maxAgeHours: number;
  };
  /** Absent when the tenant does not back up. */
  readonly backup?: {
    readonly schedule: string;
    readonly retentionDays: number;
    readonly timeoutMinutes: number;
    readonly maxAgeHours: number;
    readonly emptyAllowedUntil?: string;
  };
}

export interface ManifestBatch extends Batch {
  /** Restore drill: the pinned Postgres image of the batch's major. */
  readonly pgImage?: string;
  /** Migrations: the wave the batch is migrated in. */
  readonly wave?: string;
}

export interface FleetManifest {
  readonly format: typeof FLEET_MANIFEST_FORMAT;
  readonly stack: string;
  readonly source: string;
  readonly secretScope: SecretScope;
  /**
   * The fleet catalog's Neon project, when the stack creates one: the backups' canary reads its
   * WAL written to prove Neon still meters it (sh/wal-canary.sh). Absent without a catalog.
   */
  readonly catalog?: { readonly projectId: string };
  readonly tenants: readonly ManifestTenant[];
  /** Retired tenants: the application's resolver refuses them by name. */
  readonly retired: readonly string[];
  readonly batches: {
    readonly backup: Readonly<Record<string, readonly ManifestBatch[]>>;
    readonly restoreDrill: readonly ManifestBatch[];
    readonly migrations: readonly ManifestBatch[];
  };
}

/**
 * The manifest for these tenants, with the host `pulumi up` created for each active one (and its
 * project id, when given), and the fleet catalog's project id when the stack has one.
 */
export function fleetManifest(
  tenants: readonly Tenant[],
  settings: ManifestSettings,
  hosts: ReadonlyMap<string, string>,
  projectIds: ReadonlyMap<string, string> = new Map(),
  catalogProjectId?: string,
): FleetManifest {
  const sorted = [...tenants].sort(byId);
  const batches = planFleetBatches(sorted, settings);
  const entry = (t: Tenant): ManifestTenant => {
    const host = hosts.get(t.id);
    if (host === undefined) throw new Error(`internal: no host for tenant ${t.id}`);
    const awsRegion = backupRegionOf(t.region);
    return {
      id: t.id,
      region: t.region,
      awsRegion,
      pg: t.pgVersion,
      host,
      credential: credentialLocation(t.id, settings.scope, { stack: settings.stack, awsRegion }),
      ...(projectIds.has(t.id) ? { projectId: projectIds.get(t.id) } : {}),
      ...(t.backup.snapshots !== "off"
        ? { snapshots: { ...t.backup.snapshots, maxAgeHours: snapshotMaxAgeHours(t.backup.snapshots, SNAPSHOT_SLACK_HOURS) } }
        : {}),
      ...(t.backup.enabled
        ? {
            backup: {
              schedule: t.backup.schedule,
              retentionDays: t.backup.retentionDays,
              timeoutMinutes: t.backup.timeoutMinutes,
              maxAgeHours: maxBackupAgeHours(t.backup.schedule),
              ...(t.backup.emptyAllowedUntil ? { emptyAllowedUntil: t.backup.emptyAllowedUntil } : {}),
            },
          }
        : {}),
    };
  };
  return {
    format: FLEET_MANIFEST_FORMAT,
    stack: settings.stack,
    source: settings.source,
    secretScope: settings.scope,
    ...(catalogProjectId ? { catalog: { projectId: catalogProjectId } } : {}),
    tenants: sorted.filter(isActive).map(entry),
    retired: sorted.filter((t) => t.status === "retired").map((t) => t.id),
    batches: {
      backup: Object.fromEntries([...batches.backup].map(([schedule, plan]) => [schedule, plan.batches])),
      restoreDrill: (batches.restoreDrill?.batches ?? []).map((b) => ({ ...b, pgImage: postgresImage(b.pg) })),
      migrations: [...(batches.migrations ?? [])].flatMap(([wave, plan]) => plan.batches.map((b) => ({ ...b, wave }))),
    },
  };
}

/**
 * The manifest's text: two-space JSON with each tenant and each batch on one line, so a
 * pull request's diff of a deploy shows one line per tenant changed.
 */
export function renderManifest(m: FleetManifest): string {
  const line = (v: unknown) => JSON.stringify(v);
  const list = (items: readonly unknown[], indent: string) => (items.length ? `[\n${items.map((i) => `${indent}  ${line(i)}`).join(",\n")}\n${indent}]` : "[]");
  const backup = Object.entries(m.batches.backup);
  return [
    "{",
    `  "format": ${m.format},`,
    `  "stack": ${line(m.stack)},`,
    `  "source": ${line(m.source)},`,
    `  "secretScope": ${line(m.secretScope)},`,
    ...(m.catalog ? [`  "catalog": ${line(m.catalog)},`] : []),
    `  "tenants": ${list(m.tenants, "  ")},`,
    `  "retired": ${line(m.retired)},`,
    '  "batches": {',
    `    "backup": ${backup.length ? `{\n${backup.map(([s, b]) => `      ${line(s)}: ${list(b, "      ")}`).join(",\n")}\n    }` : "{}"},`,
    `    "restoreDrill": ${list(m.batches.restoreDrill, "    ")},`,
    `    "migrations": ${list(m.batches.migrations, "    ")}`,
    "  }",
    "}",
    "",
  ].join("\n");
}
