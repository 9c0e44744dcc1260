/**
 * The fleet manifest: one non-secret JSON file per stack in the application repository
 * (`.github/tenant-fleet/<prefix>.json`) that says, per active tenant, where its database
 * and its credential are and how it is backed up, and per kind of job the batches the
 * generated workflows run. The workflows never list tenants: their planning job reads the
 * manifest at run time, so adding, changing or retiring a tenant rewrites this one file.
 *
 * Pure: tenants, settings and the hosts `pulumi up` learnt in; JSON out. The batch plan
 * needs no host, so the bench and the tests plan without an engine.
 */
import type { Tenant } from "../../../tenants/model";
import { backupRegionOf } from "../../../tenants/placement";
import { migrationsHeld } from "../../../tenants/serving";
import { maxBackupAgeHours } from "../../core/cronGap";
import { postgresImage } from "./images";
import { credentialLocation, type CredentialLocation, type FleetNames, type SecretScope } from "../../core/repositoryContract";

/** 2: migrations batches carry their wave (a workflow of format 1 would find none). */
export const MANIFEST_FORMAT = 2;
/** The folder of the manifests, beside the workflows (one file per stack or shard). */
export const MANIFEST_DIR = ".github/tenant-fleet";
/** GitHub runs at most 256 jobs from one matrix. */
export const MAX_MATRIX_JOBS = 256;
/**
 * Matrix jobs per kind in the environment scope, where each job serves one tenant (a job
 * reads one environment's secrets): 40 × 256 = 10,240 tenants per schedule.
 */
export const ENVIRONMENT_SLOTS = 40;

export function manifestPath(names: FleetNames): string {
  return `${MANIFEST_DIR}/${names.prefix}.json`;
}

/** Tenants of one AWS region and Postgres major that one job serves. */
export interface Batch {
  /** `eu-central-1-pg17-2`, or the tenant id when a batch is one tenant (environment scope). */
  readonly key: string;
  readonly awsRegion: string;
  readonly pg: number;
  readonly tenants: readonly string[];
  /** The runner labels its jobs run on (runnerLabels); absent: GitHub-hosted. */
  readonly runsOn?: readonly string[];
}

export interface BatchPlan {
  readonly batches: readonly Batch[];
  /** The batch size used: the requested one, or larger when the requested one needs more than `maxBatches` jobs. */
  readonly size: number;
  readonly requested: number;
}

interface Batchable {
  readonly id: string;
  readonly awsRegion: string;
  readonly pg: number;
  readonly runsOn?: readonly string[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tenants grouped by AWS region, Postgres major and runner, each group sorted by id. */
function groups(tenants: readonly Batchable[]): Batchable[][] {
  const byGroup = new Map<string, Batchable[]>();
  for (const t of [...tenants].sort((a, b) => compare(a.id, b.id))) {
    const key = `${t.awsRegion}\u0000${String(t.pg).padStart(4, "0")}\u0000${(t.runsOn ?? []).join(",")}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), t]);
  }
  return [...byGroup.entries()].sort(([a], [b]) => compare(a, b)).map(([, g]) => g);
}

/** How many jobs batches of `size` need for these groups. */
function jobCount(sizes: readonly number[], size: number): number {
  return sizes.reduce((n, s) => n + Math.ceil(s / size), 0);
}

/**
 * Batches of at most `size` tenants sharing an AWS region and Postgres major, stable by
 * id. When that needs more than `maxBatches` jobs, the size grows to the smallest that
 * fits (the caller warns); `size` 1 keys each batch by its tenant's id.
 */
export function planBatches(tenants: readonly Batchable[], requested: number, maxBatches: number, keyPrefix = ""): BatchPlan {
  if (!Number.isInteger(requested) || requested < 1) throw new Error(`internal: batch size ${requested}`);
  const grouped = groups(tenants);
  const sizes = grouped.map((g) => g.length);
  if (grouped.length > maxBatches) throw new Error(`internal: ${grouped.length} region and Postgres groups cannot share ${maxBatches} jobs`);
  let size = requested;
  if (jobCount(sizes, size) > maxBatches) {
    // Binary search on the smallest size that fits: job counts fall as the size grows.
    let lo = size + 1;
    let hi = Math.max(...sizes);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (jobCount(sizes, mid) <= maxBatches) hi = mid;
      else lo = mid + 1;
    }
    size = lo;
  }
  const batches: Batch[] = [];
  // Groups of one region and major that differ by runner are numbered apart: `eu-central-1-pg17-r2-1`.
  const runnerIndex = new Map<string, string[]>();
  for (const g of grouped) {
    const rk = `${g[0].awsRegion}-pg${g[0].pg}`;
    runnerIndex.set(rk, [...new Set([...(runnerIndex.get(rk) ?? []), (g[0].runsOn ?? []).join(",")])]);
  }
  for (const group of grouped) {
    // Even batches: a group of 26 with size 25 gives 13 + 13, not 25 + 1.
    const count = Math.ceil(group.length / size);
    const each = Math.ceil(group.length / count);
    for (let i = 0; i < count; i++) {
      const members = group.slice(i * each, (i + 1) * each);
      if (!members.length) continue;
      const { awsRegion, pg, runsOn } = members[0];
      const runners = runnerIndex.get(`${awsRegion}-pg${pg}`)!;
      const r = runners.length > 1 ? `r${runners.indexOf((runsOn ?? []).join(",")) + 1}-` : "";
      batches.push({ key: size === 1 ? members[0].id : `${keyPrefix}${awsRegion}-pg${pg}-${r}${i + 1}`, awsRegion, pg, tenants: members.map((t) => t.id), ...(runsOn?.length ? { runsOn } : {}) });
    }
  }
  return { batches, size, requested };
}

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

/** The waves of a stack, in order: its setting, or one wave. */
export function wavesOf(settings: Pick<ManifestSettings, "waves">): readonly string[] {
  return settings.waves?.length ? settings.waves : ["general"];
}

/** A tenant's migration wave: its rollout, else the last wave. */
export function waveOf(t: Tenant, waves: readonly string[]): string {
  return t.rollout ?? waves[waves.length - 1];
}

/** Every batch of the fleet, by kind (backups by schedule), before any host is known. */
export interface FleetBatches {
  readonly backup: ReadonlyMap<string, BatchPlan>;
  readonly restoreDrill?: BatchPlan;
  /** Per wave, in the waves' order (a wave without tenants has no entry). */
  readonly migrations?: ReadonlyMap<string, BatchPlan>;
}

function byId(a: Tenant, b: Tenant): number {
  return compare(a.id, b.id);
}

/** The runner labels a tenant's data may be processed on, from runnerLabels; undefined: none mapped (GitHub-hosted). */
export function runnerOf(t: Pick<Tenant, "residency">, runners: Readonly<Record<string, readonly string[]>> = {}): readonly string[] | undefined {
  return runners[t.residency];
}

function batchable(t: Tenant, runners?: Readonly<Record<string, readonly string[]>>): Batchable {
  const runsOn = runnerOf(t, runners);
  return { id: t.id, awsRegion: backupRegionOf(t.region), pg: t.pgVersion, ...(runsOn ? { runsOn } : {}) };
}

/**
 * The batch size a kind runs with: one tenant per job where the job reads the tenant's
 * environment (environment scope; the restore drill reads no connection string and batches).
 */
export function effectiveBatchSize(scope: SecretScope, batchSize: number, credentials = true): number {
  return scope === "environment" && credentials ? 1 : batchSize;
}

/** The jobs one kind may run: one matrix of 256, or the environment scope's slots. */
export function maxJobs(scope: SecretScope, credentials = true): number {
  return scope === "environment" && credentials ? ENVIRONMENT_SLOTS * MAX_MATRIX_JOBS : MAX_MATRIX_JOBS;
}

/** The batches of every kind of job; retired tenants get none, and a tenant replicating into its move target gets no migrations (migrationsHeld, tenants/serving.ts). */
export function planFleetBatches(tenants: readonly Tenant[], settings: Pick<ManifestSettings, "scope" | "batchSize" | "migrations" | "waves" | "runners">): FleetBatches {
  const active = tenants.filter((t) => t.status === "active").sort(byId);
  const backedUp = active.filter((t) => t.backup.enabled);
  const plan = (list: readonly Tenant[], credentials = true, keyPrefix = "") => planBatches(list.map((t) => batchable(t, settings.runners)), effectiveBatchSize(settings.scope, settings.batchSize, credentials), maxJobs(settings.scope, credentials), keyPrefix);
  const waves = wavesOf(settings);
  const migrations = new Map<string, BatchPlan>();
  for (const wave of waves) {
    const members = active.filter((t) => waveOf(t, waves) === wave && !migrationsHeld(t));
    if (members.length) migrations.set(wave, plan(members, true, `${wave}-`));
  }
  const backup = new Map<string, BatchPlan>();
  for (const schedule of [...new Set(backedUp.map((t) => t.backup.schedule))].sort()) backup.set(schedule, plan(backedUp.filter((t) => t.backup.schedule === schedule)));
  return {
    backup,
    ...(backedUp.length ? { restoreDrill: plan(backedUp, false) } : {}),
    ...(settings.migrations && active.length ? { migrations } : {}),
  };
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
  readonly format: typeof MANIFEST_FORMAT;
  readonly stack: string;
  readonly source: string;
  readonly secretScope: SecretScope;
  readonly tenants: readonly ManifestTenant[];
  /** Retired tenants: the application's resolver refuses them by name. */
  readonly retired: readonly string[];
  readonly batches: {
    readonly backup: Readonly<Record<string, readonly ManifestBatch[]>>;
    readonly restoreDrill: readonly ManifestBatch[];
    readonly migrations: readonly ManifestBatch[];
  };
}

/** The manifest for these tenants, with the host `pulumi up` created for each active one. */
export function fleetManifest(tenants: readonly Tenant[], settings: ManifestSettings, hosts: ReadonlyMap<string, string>): FleetManifest {
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
    format: MANIFEST_FORMAT,
    stack: settings.stack,
    source: settings.source,
    secretScope: settings.scope,
    tenants: sorted.filter((t) => t.status === "active").map(entry),
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

/** Warnings for the plan: a kind whose batches had to grow past the requested size. */
export function batchWarnings(batches: FleetBatches): string[] {
  const kinds: [string, BatchPlan | undefined][] = [
    ...[...batches.backup].map(([s, p]): [string, BatchPlan] => [`backups on "${s}"`, p]),
    ["the restore drill", batches.restoreDrill],
    ...[...(batches.migrations ?? [])].map(([w, p]): [string, BatchPlan] => [`migrations of wave ${w}`, p]),
  ];
  return kinds
    .filter(([, p]) => p && p.size > p.requested)
    .map(([what, p]) => `${what} would need more than ${MAX_MATRIX_JOBS} jobs with ${p!.requested} tenant(s) per job, so each job serves up to ${p!.size}; raise tenant-fleet:batchSize or shard the stack to keep jobs short`);
}

/** The region scope's credentials, per backup AWS region: its active tenants, and which of them backups and migrations read. */
export function credentialRegions(tenants: readonly Tenant[], migrations: boolean): { awsRegion: string; active: Tenant[]; backedUp: string[]; migrated: string[] }[] {
  const byRegion = new Map<string, Tenant[]>();
  for (const t of [...tenants].sort(byId)) {
    if (t.status !== "active") continue;
    const r = backupRegionOf(t.region);
    byRegion.set(r, [...(byRegion.get(r) ?? []), t]);
  }
  return [...byRegion.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([awsRegion, active]) => ({ awsRegion, active, backedUp: active.filter((t) => t.backup.enabled).map((t) => t.id), migrated: migrations ? active.map((t) => t.id) : [] }));
}
