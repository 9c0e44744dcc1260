/**
 * The Neon region catalog: every region id Neon has offered, where it is, which
 * jurisdictions it belongs to, and whether it still takes projects.
 *
 * Validation, components and reports all read this one table, so a residency
 * decision can never disagree between the plan, the stack and the audit report.
 */

export type RegionStatus = { readonly state: "active" } | { readonly state: "retired"; readonly since: string; readonly reason: string };

/** Where a data centre is: its city, its country, and every residency it lies inside. */
export interface Place {
  readonly city: string;
  /** ISO 3166-1 alpha-2 country code of the data centre. */
  readonly country: string;
  /** Every residency (country code or `EU`) a tenant can declare and still be kept here. */
  readonly jurisdictions: readonly string[];
}

/** The AWS regions that can hold a vault: one per place a Neon region sends its backups. */
const AWS_PLACES = {
  "us-east-1": { city: "N. Virginia", country: "US", jurisdictions: ["US"] },
  "us-east-2": { city: "Ohio", country: "US", jurisdictions: ["US"] },
  "us-west-2": { city: "Oregon", country: "US", jurisdictions: ["US"] },
  "eu-central-1": { city: "Frankfurt", country: "DE", jurisdictions: ["DE", "EU"] },
  "eu-west-2": { city: "London", country: "GB", jurisdictions: ["GB"] },
  "ap-southeast-1": { city: "Singapore", country: "SG", jurisdictions: ["SG"] },
  "ap-southeast-2": { city: "Sydney", country: "AU", jurisdictions: ["AU"] },
  "sa-east-1": { city: "São Paulo", country: "BR", jurisdictions: ["BR"] },
} as const satisfies Record<string, Place>;

/** An AWS region that holds backups (a key of the table above). */
export type AwsRegionId = keyof typeof AWS_PLACES;

export interface NeonRegion extends Place {
  /** Neon region id, e.g. `aws-eu-central-1`. */
  readonly id: RegionId;
  readonly cloud: "aws" | "azure";
  /** The cloud's own region name. */
  readonly cloudRegion: string;
  /**
   * The AWS region that holds backups for tenants in this Neon region. For AWS regions
   * it is the same region; for Azure it is the AWS region in the same jurisdiction.
   */
  readonly backupAwsRegion: AwsRegionId;
  readonly status: RegionStatus;
}

const ACTIVE: RegionStatus = { state: "active" };
const AZURE_RETIRED: RegionStatus = {
  state: "retired",
  since: "2026-08-27",
  reason: "Neon's Azure regions stopped taking new projects on 2026-04-07 and lost support on 2026-08-27",
};

/** An AWS Neon region: same place as the AWS region that keeps its backups. */
function aws(region: AwsRegionId) {
  return { cloud: "aws", cloudRegion: region, backupAwsRegion: region, ...AWS_PLACES[region], status: ACTIVE } as const;
}

/** A retired Azure Neon region, its backups in the AWS region of the same jurisdiction. */
function azure(cloudRegion: string, city: string, backupAwsRegion: AwsRegionId) {
  const { country, jurisdictions } = AWS_PLACES[backupAwsRegion];
  return { cloud: "azure", cloudRegion, backupAwsRegion, city, country, jurisdictions, status: AZURE_RETIRED } as const;
}

const CATALOG = {
  "aws-us-east-1": aws("us-east-1"),
  "aws-us-east-2": aws("us-east-2"),
  "aws-us-west-2": aws("us-west-2"),
  "aws-eu-central-1": aws("eu-central-1"),
  "aws-eu-west-2": aws("eu-west-2"),
  "aws-ap-southeast-1": aws("ap-southeast-1"),
  "aws-ap-southeast-2": aws("ap-southeast-2"),
  "aws-sa-east-1": aws("sa-east-1"),
  "azure-eastus2": azure("eastus2", "Virginia", "us-east-1"),
  "azure-westus3": azure("westus3", "Arizona", "us-west-2"),
  "azure-gwc": azure("germanywestcentral", "Frankfurt", "eu-central-1"),
};

/** A Neon region id the catalog knows (the schema accepts nothing else). */
export type RegionId = keyof typeof CATALOG;

export const NEON_REGIONS: readonly NeonRegion[] = Object.freeze(
  (Object.entries(CATALOG) as [RegionId, Omit<NeonRegion, "id">][]).map(([id, r]) =>
    Object.freeze({ id, ...r, jurisdictions: Object.freeze([...r.jurisdictions]) }),
  ),
);

const BY_ID = new Map<string, NeonRegion>(NEON_REGIONS.map((r) => [r.id, r]));

export const ALL_REGION_IDS: readonly RegionId[] = Object.freeze(NEON_REGIONS.map((r) => r.id));
export const ACTIVE_REGION_IDS: readonly RegionId[] = Object.freeze(NEON_REGIONS.filter((r) => r.status.state === "active").map((r) => r.id));

/** Every AWS region a vault can be in, sorted. */
export const VAULT_REGIONS: readonly AwsRegionId[] = Object.freeze((Object.keys(AWS_PLACES) as AwsRegionId[]).sort());

export function isRegionId(id: string): id is RegionId {
  return BY_ID.has(id);
}

export function findRegion(id: string): NeonRegion | undefined {
  return BY_ID.get(id);
}

/** The region of an id the type system already vouches for. */
export function getRegion(id: RegionId): NeonRegion {
  return BY_ID.get(id)!;
}

/** Active regions that can serve a tenant with this declared residency. */
export function activeRegionsFor(residency: string): NeonRegion[] {
  return NEON_REGIONS.filter((r) => r.status.state === "active" && r.jurisdictions.includes(residency));
}

/** Where an AWS region is, from the AWS table itself (not from a Neon region that happens to share its name). */
export function awsRegionPlace(awsRegion: string): Place | undefined {
  return Object.hasOwn(AWS_PLACES, awsRegion) ? AWS_PLACES[awsRegion as AwsRegionId] : undefined;
}

/** Every jurisdiction some region serves, sorted. */
export const KNOWN_JURISDICTIONS: readonly string[] = Object.freeze([...new Set(NEON_REGIONS.flatMap((r) => r.jurisdictions))].sort());

// ISO 3166-1 alpha-2 codes that are reserved or user-assigned, never a country.
const NOT_A_COUNTRY = /^(AA|Q[M-Z]|X[A-Z]|ZZ|EU|EZ|UN)$/;
const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

/**
 * The canonical ISO code for a deprecated alias (`UK` → `GB`, `SU` → `RU`), or undefined
 * when the code is not an alias.
 */
export function canonicalResidency(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  const canonical = Intl.getCanonicalLocales(`und-${code}`)[0]?.slice(4);
  return canonical && canonical !== code ? canonical : undefined;
}

/** True for `EU` and for current ISO 3166-1 alpha-2 country codes. */
export function isResidency(code: string): boolean {
  if (code === "EU") return true;
  if (!/^[A-Z]{2}$/.test(code) || NOT_A_COUNTRY.test(code)) return false;
  if (canonicalResidency(code) !== undefined) return false;
  return regionNames.of(code) !== undefined;
}

/** English name of a residency code, for reports. */
export function residencyName(code: string): string {
  if (code === "EU") return "European Union";
  return (isResidency(code) && regionNames.of(code)) || code;
}
