/**
 * Moving a tenant to another region or Postgres major without changing its id (issue:
 * tenant operations). Pure: the tenant's `move` in, the target project the stack creates
 * beside the current one, the copy's and the finish's plans out.
 *
 * The target is the tenant's next generation: resource `<id>-g<n+1>` (the current project
 * keeps its resource name, so its URN never changes), project name `<name> [g<n+1>]` (so
 * the two are never confused by name), the target region and major, protected like the
 * tenant's. `npm run tenant -- move ID --apply` copies the current database into it and
 * compares every table's rows. Until `cutover: true`, routes, secrets, backups and
 * migrations stay on the current project; from then on they are the target's (servingTenant)
 * and the current project stays, protected. `finish: true` releases it (unprotected,
 * retained on delete); `npm run tenant -- move ID --finish` deletes it once the target has
 * served through the grace period, backed up and drilled; the tenant's line then becomes
 * the target's (region, pgVersion, generation: n+1, no move), which the stack reads as the
 * same resource: nothing is created or replaced.
 */
import type { Tenant } from "../../tenants/model";
import { backupRegionOf } from "../../tenants/placement";
import { projectName, projectResourceName } from "../../tenants/naming";
import { moveTarget } from "../../tenants/serving";

/** The publication, replication slot and subscription of a move by logical replication: one per tenant database, fixed. */
export const MOVE_REPLICATION_NAME = "tenant_fleet_move";

export type MovePlan =
  | {
      /** copy: dump and restore; replicate: schema, then logical replication from the source; catch-up: wait, sequences, compare, stop replicating. */
      readonly action: "copy" | "replicate" | "catch-up";
      readonly tenant: string;
      readonly ticket: string;
      readonly method: "dump" | "logical";
      readonly source: { readonly name: string; readonly region: string; readonly pgVersion: number; readonly awsRegion: string };
      readonly target: { readonly name: string; readonly region: string; readonly pgVersion: number; readonly awsRegion: string; readonly resource: string };
      readonly steps: readonly string[];
    }
  | { readonly action: "refuse"; readonly why: string };

/** The move's next step: `move ID` copies (dump) or starts replicating (logical); `move ID --catch-up` ends a replication. */
export function planMove(t: Tenant, catchUp = false): MovePlan {
  const target = moveTarget(t);
  if (!target || !t.move)
    return {
      action: "refuse",
      why: `${t.id} has no move in the tenants file: add move: { region, pgVersion, ticket } to it, merge and deploy, so the stack creates the target project`,
    };
  if (t.move.cutover) return { action: "refuse", why: `${t.id}'s move is cut over: the target serves the application and is not copied into again` };
  const logical = t.move.method === "logical";
  if (catchUp && !logical)
    return { action: "refuse", why: `${t.id} moves by dump (move.method): there is no replication to catch up; move ${t.id} copies once, with writes paused` };
  const where = `${target.region}, Postgres ${target.pgVersion}`;
  const compare = "compare: every table on both sides, each table's exact row count and content checksum; a difference fails";
  const after = "routes, secrets, backups and migrations stay on the current project until cutover: true in the move block switches them to the target";
  const steps = catchUp
    ? [
        `wait until the target has applied everything the source had written when the step began (writes to ${t.id} paused)`,
        "copy every sequence's value from the source (logical replication does not carry them)",
        `${compare} (writes during the catch-up: pause them and run it again)`,
        `stop replicating: drop the subscription on the target, the replication slot and the publication ${MOVE_REPLICATION_NAME} on the source`,
        after,
      ]
    : logical
      ? [
          `check the source: wal_level=logical (the stack sets it for a logical move), and every table has a primary key or REPLICA IDENTITY FULL (else its updates and deletes would fail on the source)`,
          `copy the schema into the target's database, which must be empty (${where})`,
          `publish every table of the source (publication and replication slot ${MOVE_REPLICATION_NAME}) and subscribe the target to it: the tables are copied, then every change follows`,
          `wait until every table is copied; the target keeps following the source until move ${t.id} --catch-up`,
          after,
        ]
      : [
          `pause ${t.id}'s writes: its database read-only for new sessions, the sessions opened before ended (made writable again when the copy ends, failed or not)`,
          `dump ${t.id}'s database from ${t.region} (Postgres ${t.pgVersion}) and restore it into the target's, which must be empty (${where})`,
          `${compare} (a write that got past the pause: run it again)`,
          after,
        ];
  return {
    action: catchUp ? "catch-up" : logical ? "replicate" : "copy",
    tenant: t.id,
    ticket: t.move.ticket,
    method: t.move.method,
    source: { name: projectName(t), region: t.region, pgVersion: t.pgVersion, awsRegion: backupRegionOf(t.region) },
    target: {
      name: projectName(target),
      region: target.region,
      pgVersion: target.pgVersion,
      awsRegion: backupRegionOf(target.region),
      resource: projectResourceName(target),
    },
    steps,
  };
}

/** What the finish knows of the world: the catalog's record of who serves the tenant, and the stack's project ids. */
export interface FinishFacts {
  readonly now: Date;
  readonly graceDays: number;
  /** The fleet catalog's facts (src/catalog/catalog.ts servingFacts); undefined without a catalog or without the tenant's row. */
  readonly serving?: { readonly projectId: string | null; readonly since: Date | null; readonly backups: number; readonly drills: number };
  /** From the stack's outputs (moves): the source, which the finish deletes, and the target, which must serve. */
  readonly sourceProjectId?: string;
  readonly targetProjectId?: string;
}

export type FinishPlan =
  | {
      readonly action: "finish";
      readonly tenant: string;
      readonly ticket: string;
      /** The project deleted: the released source. */
      readonly source: { readonly name: string; readonly region: string; readonly resource: string; readonly projectId: string | null };
      /** The project that serves and stays. */
      readonly target: {
        readonly name: string;
        readonly region: string;
        readonly pgVersion: number;
        readonly resource: string;
        readonly projectId: string | null;
        readonly servingSince: string;
      };
      readonly checks: readonly string[];
      /** The tenant's line afterwards. */
      readonly line: { readonly region: string; readonly pgVersion: number; readonly generation: number };
      readonly afterwards: readonly string[];
    }
  | { readonly action: "refuse"; readonly why: string };

const DAY_MS = 86_400_000;

/**
 * Finishing a move: the released source project is deleted once the target has served the
 * tenant for the grace period, with a successful backup and restore drill since. Every
 * fact comes from the catalog (which the deploy syncs) and the stack's outputs; anything
 * unknown refuses.
 */
export function planFinish(t: Tenant, f: FinishFacts): FinishPlan {
  const target = moveTarget(t);
  if (!t.move || !target) return { action: "refuse", why: `${t.id} has no move in the tenants file; nothing to finish` };
  if (!t.move.finish)
    return {
      action: "refuse",
      why: `${t.id}'s move is not finished in the tenants file: set finish: true in its move block (after the cutover), merge and deploy, so that the stack releases the source project; a protected project is never deleted behind Pulumi's back`,
    };
  if (!f.serving)
    return {
      action: "refuse",
      why: `the fleet catalog has no record of which project serves ${t.id} (CATALOG_DATABASE_URL unset, or the deploy never synced it): the finish proves the grace period, a backup and a drill from it`,
    };
  if (f.sourceProjectId === undefined || f.targetProjectId === undefined)
    return {
      action: "refuse",
      why: `the stack's outputs do not name ${t.id}'s source and target projects: pass --outputs FILE (pulumi stack output --json), whose moves.${t.id} names both`,
    };
  if (f.sourceProjectId === f.targetProjectId)
    return { action: "refuse", why: `the stack's outputs name the same project (${f.sourceProjectId}) as source and target; refresh the stack` };
  if (f.serving.projectId !== f.targetProjectId) {
    return {
      action: "refuse",
      why: `the fleet catalog says ${t.id} is served by ${f.serving.projectId ?? "no project"}, not the target ${f.targetProjectId}: deploy the cutover and let the catalog sync before finishing`,
    };
  }
  if (!f.serving.since)
    return { action: "refuse", why: `the fleet catalog does not say since when the target serves ${t.id}; let the deploy sync the catalog again` };
  const ends = new Date(f.serving.since.getTime() + f.graceDays * DAY_MS);
  if (f.now < ends)
    return {
      action: "refuse",
      why: `the target has served ${t.id} since ${f.serving.since.toISOString()}; the grace period (moveGraceDays: ${f.graceDays}) ends ${ends.toISOString()}: the source stays until then`,
    };
  if (f.serving.backups < 1)
    return {
      action: "refuse",
      why: `no successful backup of ${t.id} is recorded since the target began to serve (${f.serving.since.toISOString()}): the source is the only other copy; let a backup run first`,
    };
  if (f.serving.drills < 1)
    return {
      action: "refuse",
      why: `no successful restore drill of ${t.id} is recorded since the target began to serve (${f.serving.since.toISOString()}): a backup nobody has restored proves nothing; let a drill run first`,
    };
  const line = { region: target.region, pgVersion: target.pgVersion, generation: target.generation };
  return {
    action: "finish",
    tenant: t.id,
    ticket: t.move.ticket,
    source: { name: projectName(t), region: t.region, resource: projectResourceName(t), projectId: f.sourceProjectId },
    target: {
      name: projectName(target),
      region: target.region,
      pgVersion: target.pgVersion,
      resource: projectResourceName(target),
      projectId: f.targetProjectId,
      servingSince: f.serving.since.toISOString(),
    },
    checks: [
      `the catalog says ${f.targetProjectId} has served ${t.id} since ${f.serving.since.toISOString()}, longer than the grace period (${f.graceDays} days)`,
      `${f.serving.backups} successful backup(s) and ${f.serving.drills} restore drill(s) of it since`,
    ],
    line,
    afterwards: [
      `in the tenants file, ${t.id}'s line becomes the target's: region: ${line.region}, pgVersion: ${line.pgVersion}, generation: ${line.generation}, and no move (the review shows "move finished": nothing is created or replaced)`,
    ],
  };
}
