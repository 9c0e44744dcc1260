/**
 * The fleet catalog: a small Postgres database of metadata (tenants, migration runs,
 * backups, drills; never tenant data). Its schema is versioned here and migrated by the
 * project itself (`npm run catalog -- migrate`); tenant rows come from the stack's outputs
 * (`npm run catalog -- sync`, an idempotent upsert after `pulumi up`); the generated jobs
 * add history through a role that may only insert; `npm run status` reads it.
 *
 * The queries are here; the status is summarised by a pure function (fleetStatus).
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { CATALOG_WRITER_ROLE, scramVerifier } from "../plan/projects/catalogWriter";
import { isActive } from "../../tenants/model";
import type { OperationRecord } from "./record";

export { CATALOG_WRITER_ROLE };
const MIGRATIONS_DIR = path.join(__dirname, "migrations");
/** The advisory lock a catalog migration holds, so two deploys never migrate at once. */
const CATALOG_LOCK_KEY = 6147711133;

/** What the catalog needs of a Postgres client (node-postgres's Client has it). */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** The catalog's schema migrations, in order: `NNNN_name.sql` files. */
export function catalogMigrations(dir = MIGRATIONS_DIR): { version: number; name: string; sql: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: readFileSync(path.join(dir, f), "utf8") }));
}

/**
 * Applies every migration not yet applied, each in its own transaction under an advisory
 * lock (two deploys cannot interleave), then (re)grants the writer its inserts. With
 * `writerPassword` (src/plan/projects/catalogWriter.ts: derived from the owner's), the writer role is
 * created, or its password set, first: a login role with no attribute and no membership.
 * Returns the names applied.
 */
export async function migrateCatalog(db: Queryable, migrations = catalogMigrations(), writerPassword?: string): Promise<string[]> {
  // It is interpolated into SQL (CREATE ROLE takes no parameters): hex only, checked here.
  if (writerPassword !== undefined && !/^[0-9a-f]{64}$/.test(writerPassword)) throw new Error("internal: the writer's password is not a derived one");
  const applied: string[] = [];
  await db.query("select pg_advisory_lock($1)", [CATALOG_LOCK_KEY]);
  try {
    await db.query(
      "create table if not exists catalog_schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())",
    );
    const done = new Set((await db.query<{ version: number }>("select version from catalog_schema_migrations")).rows.map((r) => Number(r.version)));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await db.query("begin");
      try {
        await db.query(m.sql);
        await db.query("insert into catalog_schema_migrations (version, name) values ($1, $2)", [m.version, m.name]);
        await db.query("commit");
      } catch (err) {
        await db.query("rollback");
        throw new Error(`catalog migration ${m.name} failed: ${(err as Error).message}`);
      }
      applied.push(m.name);
    }
    if (writerPassword !== undefined) {
      // Its SCRAM verifier, not the password: the server (and its statement log) never sees it.
      // Only what a non-superuser owner may say; the attributes it may not set are checked below.
      const attributes = `login password '${scramVerifier(writerPassword)}' noinherit connection limit 20`;
      await db.query(
        `do $$ begin if exists (select from pg_roles where rolname = '${CATALOG_WRITER_ROLE}') then
           alter role ${CATALOG_WRITER_ROLE} with ${attributes};
         else
           create role ${CATALOG_WRITER_ROLE} with ${attributes};
         end if; end $$`,
      );
    }
    const writer = (
      await db.query<{ powers: string[] }>(
        `select array_remove(array[case when rolsuper then 'superuser' end, case when rolcreatedb then 'createdb' end, case when rolcreaterole then 'createrole' end,
                case when rolreplication then 'replication' end, case when rolbypassrls then 'bypassrls' end]
                || array(select 'member of ' || g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = r.oid), null) as powers
           from pg_roles r where rolname = $1`,
        [CATALOG_WRITER_ROLE],
      )
    ).rows[0];
    if (writer?.powers.length)
      throw new Error(
        `the writer role ${CATALOG_WRITER_ROLE} has ${writer.powers.join(", ")}, so it could do more than insert history: drop it (drop role ${CATALOG_WRITER_ROLE}) and migrate again`,
      );
    await db.query("revoke create on schema public from public");
    await db.query("revoke all on all tables in schema public from public");
    await db.query(
      `do $$ begin if exists (select from pg_roles where rolname = '${CATALOG_WRITER_ROLE}') then
         grant usage on schema public to ${CATALOG_WRITER_ROLE};
         grant insert on migration_runs, backups, drills to ${CATALOG_WRITER_ROLE};
       end if; end $$`,
    );
  } finally {
    await db.query("select pg_advisory_unlock($1)", [CATALOG_LOCK_KEY]);
  }
  return applied;
}

/** A tenant as the stack's outputs give it (`tenants` rows and `databasesByTenant`). */
export interface CatalogTenant {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly residency: string;
  readonly status: "active" | "retired";
  readonly neonProjectId?: string;
  /** Its backup layers as the stack declares them (absent in outputs older than the layers). */
  readonly layers?: BackupLayers;
}

/** A tenant's backup layers: Neon's PITR window and snapshots, and the dumps in its own vault. */
export interface BackupLayers {
  readonly pitrHours: number;
  readonly snapshots: { readonly schedule: string; readonly retentionDays: number };
  readonly dumps: { readonly enabled: boolean; readonly schedule: string; readonly retentionDays: number };
}

/** The layers of a `tenants` row of the stack outputs (src/plan/regions.ts RegionRow), when it has them all. */
function layersOf(r: Record<string, unknown>): BackupLayers | undefined {
  const { pitrHours, snapshotSchedule, snapshotRetentionDays, backupsEnabled, backupSchedule, backupRetentionDays } = r;
  if (typeof pitrHours !== "number" || typeof snapshotSchedule !== "string" || typeof snapshotRetentionDays !== "number") return undefined;
  if (typeof backupsEnabled !== "boolean" || typeof backupSchedule !== "string" || typeof backupRetentionDays !== "number") return undefined;
  return {
    pitrHours,
    snapshots: { schedule: snapshotSchedule, retentionDays: snapshotRetentionDays },
    dumps: { enabled: backupsEnabled, schedule: backupSchedule, retentionDays: backupRetentionDays },
  };
}

/** The layers in a line: "PITR 24 h · snapshots daily at 02:00 UTC, 7 d · dumps 17 3 * * *, 14 d". */
export function describeLayers(l: BackupLayers | undefined): string {
  if (!l) return "(not synced)";
  const snapshots = l.snapshots.schedule === "off" ? "snapshots off" : `snapshots ${l.snapshots.schedule}, ${l.snapshots.retentionDays} d`;
  const dumps = l.dumps.enabled ? `dumps ${l.dumps.schedule}, ${l.dumps.retentionDays} d` : "dumps off";
  return `PITR ${l.pitrHours} h · ${snapshots} · ${dumps}`;
}

/** The tenants in `pulumi stack output --json`, checked for shape. */
export function tenantsFromOutputs(outputs: unknown): CatalogTenant[] {
  const o = outputs as { tenants?: unknown; databasesByTenant?: Record<string, { projectId?: unknown }> } | null;
  if (!o || !Array.isArray(o.tenants))
    throw new Error("the stack outputs have no tenants list: run pulumi stack output --json --show-secrets=false after pulumi up");
  return o.tenants.map((t, i) => {
    const r = t as Record<string, unknown>;
    if (
      typeof r.id !== "string" ||
      typeof r.name !== "string" ||
      typeof r.neonRegion !== "string" ||
      typeof r.residency !== "string" ||
      (r.status !== "active" && r.status !== "retired")
    ) {
      throw new Error(`tenants[${i}] of the stack outputs is not { id, name, neonRegion, residency, status }`);
    }
    const projectId = o.databasesByTenant?.[r.id]?.projectId;
    const layers = layersOf(r);
    return {
      id: r.id,
      name: r.name,
      region: r.neonRegion,
      residency: r.residency,
      status: r.status,
      ...(typeof projectId === "string" ? { neonProjectId: projectId } : {}),
      ...(layers ? { layers } : {}),
    };
  });
}

/**
 * Upserts the stack's tenants: new ones inserted, known ones updated; a tenant retired now
 * gets its retired_at once, a reactivated one loses it. Tenants the stack no longer lists
 * stay (erasure records them). Idempotent. Returns how many rows it wrote.
 */
export async function syncTenants(db: Queryable, stack: string, tenants: readonly CatalogTenant[]): Promise<number> {
  if (!tenants.length) return 0;
  const rows = await db.query(
    `insert into tenants (id, stack, name, region, residency, status, neon_project_id, neon_project_since, retired_at, backup_layers)
     select t.id, $1, t.name, t.region, t.residency, t.status, t.neon_project_id, case when t.neon_project_id is not null then now() end, case when t.status = 'retired' then now() end, t.backup_layers
     from jsonb_to_recordset($2::jsonb) as t (id citext, name text, region text, residency text, status text, neon_project_id text, backup_layers jsonb)
     on conflict (id) do update set
       stack = excluded.stack, name = excluded.name, region = excluded.region, residency = excluded.residency,
       status = excluded.status, neon_project_id = coalesce(excluded.neon_project_id, tenants.neon_project_id),
       neon_project_since = case when excluded.neon_project_id is distinct from tenants.neon_project_id and excluded.neon_project_id is not null then now() else tenants.neon_project_since end,
       retired_at = case when excluded.status = 'retired' then coalesce(tenants.retired_at, now()) end,
       backup_layers = coalesce(excluded.backup_layers, tenants.backup_layers),
       synced_at = now()
     returning id`,
    [
      stack,
      JSON.stringify(
        tenants.map((t) => ({
          id: t.id,
          name: t.name,
          region: t.region,
          residency: t.residency,
          status: t.status,
          neon_project_id: t.neonProjectId ?? null,
          backup_layers: t.layers ?? null,
        })),
      ),
    ],
  );
  return rows.rows.length;
}

/** Per tenant, what the status needs: its row and its newest migration, backup and drill. */
export interface TenantRecord {
  readonly id: string;
  readonly status: string;
  readonly migration?: {
    readonly result: string;
    readonly versionBefore: string | null;
    readonly versionAfter: string | null;
    readonly at: string;
    readonly runUrl: string | null;
  };
  /** Its version as its newest migration run left it (after a failure: the version it was at). */
  readonly version?: string | null;
  readonly backup?: { readonly result: string; readonly at: string };
  readonly drill?: { readonly result: string; readonly at: string };
  /** Its backup layers as last synced from the stack (absent before the first sync that carried them). */
  readonly layers?: BackupLayers;
}

export async function tenantRecords(db: Queryable, stack?: string): Promise<TenantRecord[]> {
  const { rows } = await db.query<Record<string, string | null> & { backup_layers?: BackupLayers | null }>(
    `select t.id::text as id, t.status, t.backup_layers,
            m.result as m_result, m.version_before, m.version_after, m.recorded_at::text as m_at, m.run_url,
            -- After a success, the version it reached; after a failure, the one it was at.
            case when m.result = 'failed' then m.version_before else coalesce(m.version_after, m.version_before) end as version,
            b.result as b_result, b.recorded_at::text as b_at,
            d.result as d_result, d.recorded_at::text as d_at
     from tenants t
     left join lateral (select * from migration_runs x where x.tenant_id = t.id order by x.recorded_at desc, x.id desc limit 1) m on true
     left join lateral (select * from backups x where x.tenant_id = t.id order by x.recorded_at desc, x.id desc limit 1) b on true
     left join lateral (select * from drills x where x.tenant_id = t.id order by x.recorded_at desc, x.id desc limit 1) d on true
     where $1::text is null or t.stack = $1
     order by t.id`,
    [stack ?? null],
  );
  return rows.map((r) => ({
    id: r.id!,
    status: r.status!,
    ...(r.m_result
      ? { migration: { result: r.m_result, versionBefore: r.version_before, versionAfter: r.version_after, at: r.m_at!, runUrl: r.run_url } }
      : {}),
    ...(r.version !== null && r.version !== undefined ? { version: r.version } : {}),
    ...(r.b_result ? { backup: { result: r.b_result, at: r.b_at! } } : {}),
    ...(r.d_result ? { drill: { result: r.d_result, at: r.d_at! } } : {}),
    ...(r.backup_layers ? { layers: r.backup_layers } : {}),
  }));
}

export interface FleetStatus {
  /** The version the fleet is measured against: given, else the one most active tenants are at. */
  readonly target: string | null;
  /** Active tenants per version (`(none)`: never migrated successfully). */
  readonly versions: Readonly<Record<string, number>>;
  readonly behind: readonly string[];
  readonly failed: readonly string[];
  readonly neverMigrated: readonly string[];
  readonly tenants: readonly TenantRecord[];
}

/**
 * The fleet from its records (pure): active tenants per version, who is behind the target,
 * whose newest migration failed, who was never migrated. Retired tenants are listed, not
 * counted.
 */
export function fleetStatus(records: readonly TenantRecord[], target?: string): FleetStatus {
  const active = records.filter(isActive);
  const versions: Record<string, number> = {};
  for (const r of active) versions[r.version ?? "(none)"] = (versions[r.version ?? "(none)"] ?? 0) + 1;
  const measured = Object.entries(versions).filter(([v]) => v !== "(none)");
  const chosen = target ?? (measured.length ? measured.sort(([a, x], [b, y]) => y - x || (a < b ? 1 : -1))[0][0] : null);
  return {
    target: chosen,
    versions,
    behind: active.filter((r) => r.version !== undefined && r.version !== null && chosen !== null && r.version !== chosen).map((r) => r.id),
    failed: active.filter((r) => r.migration?.result === "failed").map((r) => r.id),
    neverMigrated: active.filter((r) => !r.migration).map((r) => r.id),
    tenants: records,
  };
}

/** How long ago a catalog timestamp was, in whole hours (days past two days). */
export function ageOf(at: string, now: Date): string {
  const hours = Math.max(0, Math.floor((now.getTime() - Date.parse(at.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00"))) / 3_600_000));
  return hours >= 48 ? `${Math.floor(hours / 24)} d ago` : `${hours} h ago`;
}

/** The status as text for a terminal: per tenant its newest backup and drill with their ages, then its backup layers. */
export function renderStatus(s: FleetStatus, now: Date = new Date()): string {
  const lines = [`fleet catalog · target version ${s.target ?? "(none yet)"}`, ""];
  lines.push("version                        tenants");
  for (const [v, n] of Object.entries(s.versions).sort()) lines.push(`${v.padEnd(30)} ${n}${v === s.target ? "  (target)" : ""}`);
  lines.push("");
  lines.push(`behind the target: ${s.behind.length ? s.behind.join(", ") : "none"}`);
  lines.push(`newest migration failed: ${s.failed.length ? s.failed.join(", ") : "none"}`);
  lines.push(`never migrated: ${s.neverMigrated.length ? s.neverMigrated.join(", ") : "none"}`);
  lines.push("", "tenant                         status    version              last backup                  last drill");
  for (const t of s.tenants) {
    const at = (x?: { result: string; at: string }) => (x ? `${x.result} ${x.at.slice(0, 19)}` : "never");
    const age = (x?: { at: string }) => (x ? ` (${ageOf(x.at, now)})` : "");
    lines.push(`${t.id.padEnd(30)} ${t.status.padEnd(9)} ${String(t.version ?? "(none)").padEnd(20)} ${at(t.backup).padEnd(28)} ${at(t.drill)}${age(t.drill)}`);
    // The newest dump's age, then every layer the stack declares (snapshot ages: Neon's API, not the catalog).
    lines.push(`${"".padEnd(30)} layers: ${describeLayers(t.layers)}${t.backup ? `; newest dump ${ageOf(t.backup.at, now)}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

/** What a restore of one tenant can use, from the catalog (src/operations/restore.ts plans with it). */
export interface RestoreFacts {
  /** Backups that completed, each verified when a drill restored it. */
  readonly dumps: readonly { key: string; takenAt: Date; verified: boolean }[];
  /** The migrations run asked for: the WAL position before its first attempt, and when that attempt began. */
  readonly migration?: { lsn: string; at: Date };
}

/** `…/20261202T031700Z.dump` → when the dump began (the key says it), else undefined. */
export function dumpTime(key: string): Date | undefined {
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.dump$/.exec(key);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

export async function restoreFacts(db: Queryable, tenantId: string, run?: number): Promise<RestoreFacts> {
  const rows = (
    await db.query<{ object_key: string; recorded_at: Date; verified: boolean }>(
      `select b.object_key, b.recorded_at, exists (select from drills d where d.tenant_id = b.tenant_id and d.object_key = b.object_key and d.result = 'ok') as verified
         from backups b where b.tenant_id = $1 and b.result = 'ok' and b.object_key is not null`,
      [tenantId],
    )
  ).rows;
  const dumps = rows.map((r) => ({ key: r.object_key, takenAt: dumpTime(r.object_key) ?? new Date(r.recorded_at), verified: r.verified }));
  if (run === undefined) return { dumps };
  const m = (
    await db.query<{ lsn: string; at: Date }>(
      `select lsn_before::text as lsn, recorded_at - make_interval(secs => coalesce(seconds, 0)) as at
         from migration_runs where tenant_id = $1 and run_id = $2 and lsn_before is not null order by run_attempt limit 1`,
      [tenantId, run],
    )
  ).rows[0];
  return { dumps, ...(m ? { migration: { lsn: m.lsn, at: new Date(m.at) } } : {}) };
}

/** What finishing a move needs to know (src/operations/move.ts planFinish): which project serves the tenant, since when, and its backups and drills since. */
export interface ServingFacts {
  readonly projectId: string | null;
  readonly since: Date | null;
  /** Successful backups and drills recorded since the project began to serve. */
  readonly backups: number;
  readonly drills: number;
}

export async function servingFacts(db: Queryable, tenantId: string): Promise<ServingFacts | undefined> {
  const row = (
    await db.query<{ neon_project_id: string | null; since: Date | null; backups: string; drills: string }>(
      `select t.neon_project_id, t.neon_project_since as since,
              (select count(*) from backups b where b.tenant_id = t.id and b.result = 'ok' and b.recorded_at >= t.neon_project_since) as backups,
              (select count(*) from drills d where d.tenant_id = t.id and d.result = 'ok' and d.recorded_at >= t.neon_project_since) as drills
         from tenants t where t.id = $1`,
      [tenantId],
    )
  ).rows[0];
  return row
    ? { projectId: row.neon_project_id, since: row.since ? new Date(row.since) : null, backups: Number(row.backups), drills: Number(row.drills) }
    : undefined;
}

/** Appends one tenant operation's record (src/catalog/record.ts) to the catalog; an erasure that completed also marks the tenant erased. */
export async function insertOperation(db: Queryable, r: OperationRecord): Promise<void> {
  await db.query(
    `insert into operations (tenant_id, stack, kind, ticket, requested_by, run_id, run_attempt, run_url, result, plan, detail, error, started_at, finished_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14)`,
    [
      r.tenant,
      r.stack,
      r.kind,
      r.ticket,
      r.requestedBy,
      r.run?.id ?? null,
      r.run?.attempt ?? null,
      r.run?.url ?? null,
      r.result,
      JSON.stringify(r.plan),
      JSON.stringify(r.detail),
      r.error ?? null,
      r.startedAt,
      r.finishedAt,
    ],
  );
  if (r.kind === "erase" && r.result === "ok")
    await db.query("update tenants set erased_at = $2 where id = $1 and erased_at is null", [r.tenant, r.finishedAt]);
}
