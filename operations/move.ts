/**
 * Moving a tenant to another region or Postgres major without changing its id (issue:
 * tenant operations), stage one. Pure: the tenant's `move` in, the target project the
 * stack creates beside the current one and the copy's plan out.
 *
 * The target is the tenant's next generation: resource `<id>-g2` (the current project
 * keeps its resource name, so its URN never changes), project name `<name> [g2]` (so
 * the two are never confused by name), the target region and major, protected like the
 * tenant's. `npm run tenant -- move ID --apply` copies the current database into it and
 * compares every table's rows. Routes, secrets, backups and migrations stay on the current
 * project; switching them (cutover) and releasing the source (finish) are not built yet.
 */
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
  return {
    action: "copy",
    tenant: t.id,
    ticket: t.move.ticket,
    source: { name: t.name, region: t.region, pgVersion: t.pgVersion, awsRegion: backupRegionOf(t.region) },
    target: { name: target.name, region: target.region, pgVersion: target.pgVersion, awsRegion: backupRegionOf(target.region), resource: moveResourceName(t.id) },
    steps: [
      `dump ${t.id}'s database from ${t.region} (Postgres ${t.pgVersion}) and restore it into the target's, which must be empty (${target.region}, Postgres ${target.pgVersion})`,
      "compare: every table on both sides, and each table's exact row count; a difference fails (writes during the copy: pause them and run again)",
      "routes, secrets, backups and migrations stay on the current project (cutover is not built yet)",
    ],
  };
}
