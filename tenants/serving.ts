/**
 * The serving fleet: how a tenant's move (tenants file, `move:` block) changes what the rest of
 * the program sees. Pure functions of the tenant model, used by the program (index.ts), the
 * planners, the review and the tenant operations alike: the stack declares the move's target
 * project beside the current one (moveTarget, projectsOf); until the cutover everything else
 * stays on the current project, from then on on the target (servingTenant, servingFleet,
 * operatedTenant); migrations wait while a logical replication runs (migrationsHeld); a
 * finished move's line becomes the target's (finishedTenant). The move's own plans (copy,
 * catch-up, finish) are in src/operations/move.ts.
 */
import { isActive, type Fleet, type Tenant } from "./model";

/**
 * The tenant as its target project is declared: same id and database names, the next generation, the target's region and major.
 * The target is a new project: the binding to an adopted project (neonProjectId) stays with the tenant's own.
 */
export function moveTarget(t: Tenant): Tenant | undefined {
  if (!t.move || !isActive(t)) return undefined;
  const { move: _move, neonProjectId: _bound, ...rest } = t;
  return { ...rest, generation: t.generation + 1, region: t.move.region, pgVersion: t.move.pgVersion };
}

/** Every project the tenant has while its line stands: its own, and its move's target (as declared, for lists of what a stack owns). */
export function projectsOf(t: Tenant): Tenant[] {
  const target = moveTarget(t);
  return target ? [t, target] : [t];
}

/**
 * While a tenant moves by logical replication (until its cutover), the fleet's migrations
 * skip it: DDL is not replicated, and a migrated source stops the replication (the target
 * lacks the new column). The cutover's deploy changes the manifest, which runs the
 * migrations again, now on the target.
 */
export function migrationsHeld(t: Tenant): boolean {
  return isActive(t) && t.move?.method === "logical" && !t.move.cutover;
}

/** The tenant's line once its move is finished: the target's region, major and generation, no move. */
export function finishedTenant(t: Tenant): Tenant | undefined {
  return t.move?.finish ? moveTarget(t) : undefined;
}

/**
 * The tenant as everything but the project declarations sees it: its move target's region
 * and major once the move is cut over, else as declared. The display name stays the tenant's.
 */
export function servingTenant(t: Tenant): Tenant {
  return t.move?.cutover && isActive(t) ? { ...t, region: t.move.region, pgVersion: t.move.pgVersion } : t;
}

export function servingFleet(fleet: Fleet): Fleet {
  return Object.freeze({ ...fleet, tenants: Object.freeze(fleet.tenants.map(servingTenant)) });
}

/** The project an operation on the tenant works on: the move's target once cut over, else its own. */
export function operatedTenant(t: Tenant): Tenant {
  return t.move?.cutover ? (moveTarget(t) ?? t) : t;
}
