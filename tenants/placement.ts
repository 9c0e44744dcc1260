/**
 * Placement: for a tenant, where its database lives, where its backups live, and
 * whether each lies inside the residency the tenant declared. The loader, vault
 * planning, the workflows, the regions report and both residency policy rules ask
 * this module, so the answer cannot differ between the plan, the stack and the audit.
 */
import { awsRegionPlace, getRegion, type AwsRegionId, type Place, type RegionId } from "./regions";

export type { RegionId, AwsRegionId } from "./regions";

/** A place and whether a given residency contains it. */
export interface PlacedIn extends Place {
  readonly inResidency: boolean;
}

export interface Placement {
  readonly residency: string;
  /** The Neon region of the tenant's project. */
  readonly database: PlacedIn & { readonly region: RegionId };
  /** The AWS region of the vault that keeps the tenant's backups. */
  readonly backup: PlacedIn & { readonly awsRegion: AwsRegionId };
  /** Both inside the residency. */
  readonly held: boolean;
}

/** Does the place lie inside the residency (`EU` or a country code)? The one containment rule. */
export function liesIn(place: Place, residency: string): boolean {
  return place.jurisdictions.includes(residency);
}

/** The AWS region that keeps backups of a Neon region's tenants. */
export function backupRegionOf(region: RegionId): AwsRegionId {
  return getRegion(region).backupAwsRegion;
}

export function placementOf(tenant: { readonly region: RegionId; readonly residency: string }): Placement {
  const neon = getRegion(tenant.region);
  const awsRegion = neon.backupAwsRegion;
  const vault = awsRegionPlace(awsRegion)!;
  const database = { region: neon.id, city: neon.city, country: neon.country, jurisdictions: neon.jurisdictions, inResidency: liesIn(neon, tenant.residency) };
  const backup = { awsRegion, ...vault, inResidency: liesIn(vault, tenant.residency) };
  return { residency: tenant.residency, database, backup, held: database.inResidency && backup.inResidency };
}

/** Where an AWS region read from a resource (policy pack) is; undefined for one that holds no vault. */
export { awsRegionPlace as placeOfAwsRegion };
