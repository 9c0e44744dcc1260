/**
 * Moving a tenant to another region or Postgres major without changing its id (issue:
 * tenant operations), up to the cutover. Pure: the tenant's `move` in, the target project the
 * stack creates beside the current one and the copy's plan out.
 *
 * The target is the tenant's next generation: resource `<id>-g2` (the current project
 * keeps its resource name, so its URN never changes), project name `<name> [g2]` (so
 * the two are never confused by name), the target region and major, protected like the
 * tenant's. `npm run tenant -- move ID --apply` copies the current database into it and
 * compares every table's rows. Until `cutover: true`, routes, secrets, backups and
 * migrations stay on the current project; from then on they are the target's (servingTenant)
 * and the current project stays, protected. Releasing it (finish) is not built yet.
 */
import type { Fleet } from "../tenants/model";
import type { Tenant } from "../tenants/model";
import { backupRegionOf } from "../tenants/placement";

/** The generation a move creates. */
export const MOVE_GENERATION = 2;

/** `acme-corp-g2`: the target project's resource name. */
export function moveResourceName(tenantId: string): string {
  return `${tenantId}-g${MOVE_GENERATION}`;
}

/** The tenant as its target project is declared: same id and database names, the target's region, major and a name of its own. */
export function moveTarget(t: Tenant): Tenant | undefined {
  if (!t.move || t.status !== "active") return undefined;
  const { move: _move, ...rest } = t;
  return { ...rest, name: `${t.name} [g${MOVE_GENERATION}]`, region: t.move.region, pgVersion: t.move.pgVersion };
}

/**
 * The tenant as everything but the project declarations sees it: its move target's region
 * and major once the move is cut over, else as declared. The display name stays the tenant's.
 */
export function servingTenant(t: Tenant): Tenant {
  return t.move?.cutover && t.status === "active" ? { ...t, region: t.move.region, pgVersion: t.move.pgVersion } : t;
}

export function servingFleet(fleet: Fleet): Fleet {
  return Object.freeze({ ...fleet, tenants: Object.freeze(fleet.tenants.map(servingTenant)) });
}

/** The project an operation on the tenant works on: the move's target once cut over, else its own. */
export function operatedTenant(t: Tenant): Tenant {
  return t.move?.cutover ? (moveTarget(t) ?? t) : t;
}

export type MovePlan =
  | {
      readonly action: "copy";
      readonly tenant: string;
      readonly ticket: string;
      readonly source: { readonly name: string; readonly region: string; readonly pgVersion: number; readonly awsRegion: string };
      readonly target: { readonly name: string; readonly region: string; readonly pgVersion: number; readonly awsRegion: string; readonly resource: string };
      readonly steps: readonly string[];
    }
  | { readonly action: "refuse"; readonly why: string };

export function planMove(t: Tenant): MovePlan {
  const target = moveTarget(t);
  if (!target || !t.move) return { action: "refuse", why: `${t.id} has no move in the tenants file: add move: { region, pgVersion, ticket } to it, merge and deploy, so the stack creates the target project` };
  if (t.move.cutover) return { action: "refuse", why: `${t.id}'s move is cut over: the target serves the application and is not copied into again` };
  return {
    action: "copy",
    tenant: t.id,
    ticket: t.move.ticket,
    source: { name: t.name, region: t.region, pgVersion: t.pgVersion, awsRegion: backupRegionOf(t.region) },
    target: { name: target.name, region: target.region, pgVersion: target.pgVersion, awsRegion: backupRegionOf(target.region), resource: moveResourceName(t.id) },
    steps: [
      `dump ${t.id}'s database from ${t.region} (Postgres ${t.pgVersion}) and restore it into the target's, which must be empty (${target.region}, Postgres ${target.pgVersion})`,
      "compare: every table on both sides, and each table's exact row count; a difference fails (writes during the copy: pause them and run again)",
      "routes, secrets, backups and migrations stay on the current project until cutover: true in the move block switches them to the target",
    ],
  };
}
