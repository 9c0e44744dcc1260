/**
 * The way out of a destructive tenant change, for people: what to do instead. A region or
 * Postgres-major change is what the tenants file's built-in `move:` is for (docs/operations.md,
 * "Move a tenant"): the line keeps its region and major, and the move block names the target,
 * with an example ticket the move's own rule accepts. Pure.
 */
import type { Tenant } from "../../tenants/model";
import { CHANGE_KINDS, type AcknowledgedChange } from "../../tenants/changeKinds";
import { EXAMPLE_TICKET } from "../../tenants/schema";
import { getRegion } from "../../tenants/regions";

const MOVE_DOC = 'docs/operations.md, "Move a tenant"';

/** The move that makes a region or major change without losing data, or why there is none. */
function moveInstead(before: Tenant, after: Tenant): string {
  const region = before.region !== after.region;
  const major = before.pgVersion !== after.pgVersion;
  const keep = [region ? `region: ${before.region}` : "", major ? `pgVersion: ${before.pgVersion}` : ""].filter(Boolean).join(", ");
  if (region && !getRegion(after.region).jurisdictions.includes(before.residency))
    return `a move stays inside the residency (${before.residency}), and ${after.region} is not: create a new tenant there, migrate the data, retire this one`;
  if (major && after.pgVersion < before.pgVersion)
    return `keep ${keep}; a move never goes to an older major: dump and restore into a new tenant on Postgres ${after.pgVersion}, then retire this one`;
  const target = [`region: ${after.region}`, major ? `pgVersion: ${after.pgVersion}` : "", `ticket: "${EXAMPLE_TICKET}"`].filter(Boolean).join(", ");
  return `keep ${keep} and move the tenant: move: { ${target} } (${MOVE_DOC})`;
}

/** What to do instead of a destructive change of this kind to the tenant `before` → `after` (the catalogue's text, a move for region and major). */
export function insteadOf(kind: AcknowledgedChange, before: Tenant | undefined, after: Tenant | undefined): string {
  if ((kind === "region" || kind === "pgVersion") && before && after) return moveInstead(before, after);
  return CHANGE_KINDS[kind].instead;
}
