/**
 * The Neon region catalog: every region id Neon has offered, where it is, which
 * jurisdictions it belongs to, and whether it still takes projects.
 *
 * Validation, components and reports all read this one table, so a residency
 * decision can never disagree between the plan, the stack and the audit report.
 */

export type RegionStatus =
  | { readonly state: "active" }
  | { readonly state: "retired"; readonly since: string; readonly reason: string };

export interface NeonRegion {
  /** Neon region id, e.g. `aws-eu-central-1`. */
  readonly id: string;
  readonly cloud: "aws" | "azure";
  /** The cloud's own region name (for AWS, where the tenant's backup vault lives). */
  readonly cloudRegion: string;
  /**
   * The AWS region that holds backups for tenants in this Neon region. For AWS regions
   * it is the same region; for Azure it is the AWS region in the same jurisdiction.
   */
  readonly backupAwsRegion: string;
  readonly city: string;
  /** ISO 3166-1 alpha-2 country code of the data centre. */
  readonly country: string;
  /** Every residency (country code or `EU`) a tenant can declare and still be served here. */
  readonly jurisdictions: readonly string[];
  readonly status: RegionStatus;
}

const ACTIVE: RegionStatus = { state: "active" };
const AZURE_RETIRED: RegionStatus = {
  state: "retired",
  since: "2026-08-27",
  reason: "Neon's Azure regions stopped taking new projects on 2026-04-07 and lost support on 2026-08-27",
};

function region(r: NeonRegion): NeonRegion {
  return Object.freeze({ ...r, jurisdictions: Object.freeze([...r.jurisdictions]) });
}

export const NEON_REGIONS: readonly NeonRegion[] = Object.freeze([
  region({ id: "aws-us-east-1", cloud: "aws", cloudRegion: "us-east-1", backupAwsRegion: "us-east-1", city: "N. Virginia", country: "US", jurisdictions: ["US"], status: ACTIVE }),
  region({ id: "aws-us-east-2", cloud: "aws", cloudRegion: "us-east-2", backupAwsRegion: "us-east-2", city: "Ohio", country: "US", jurisdictions: ["US"], status: ACTIVE }),
  region({ id: "aws-us-west-2", cloud: "aws", cloudRegion: "us-west-2", backupAwsRegion: "us-west-2", city: "Oregon", country: "US", jurisdictions: ["US"], status: ACTIVE }),
  region({ id: "aws-eu-central-1", cloud: "aws", cloudRegion: "eu-central-1", backupAwsRegion: "eu-central-1", city: "Frankfurt", country: "DE", jurisdictions: ["DE", "EU"], status: ACTIVE }),
  region({ id: "aws-eu-west-2", cloud: "aws", cloudRegion: "eu-west-2", backupAwsRegion: "eu-west-2", city: "London", country: "GB", jurisdictions: ["GB"], status: ACTIVE }),
  region({ id: "aws-ap-southeast-1", cloud: "aws", cloudRegion: "ap-southeast-1", backupAwsRegion: "ap-southeast-1", city: "Singapore", country: "SG", jurisdictions: ["SG"], status: ACTIVE }),
  region({ id: "aws-ap-southeast-2", cloud: "aws", cloudRegion: "ap-southeast-2", backupAwsRegion: "ap-southeast-2", city: "Sydney", country: "AU", jurisdictions: ["AU"], status: ACTIVE }),
  region({ id: "aws-sa-east-1", cloud: "aws", cloudRegion: "sa-east-1", backupAwsRegion: "sa-east-1", city: "São Paulo", country: "BR", jurisdictions: ["BR"], status: ACTIVE }),
  region({ id: "azure-eastus2", cloud: "azure", cloudRegion: "eastus2", backupAwsRegion: "us-east-1", city: "Virginia", country: "US", jurisdictions: ["US"], status: AZURE_RETIRED }),
  region({ id: "azure-westus3", cloud: "azure", cloudRegion: "westus3", backupAwsRegion: "us-west-2", city: "Arizona", country: "US", jurisdictions: ["US"], status: AZURE_RETIRED }),
  region({ id: "azure-gwc", cloud: "azure", cloudRegion: "germanywestcentral", backupAwsRegion: "eu-central-1", city: "Frankfurt", country: "DE", jurisdictions: ["DE", "EU"], status: AZURE_RETIRED }),
]);

const BY_ID = new Map(NEON_REGIONS.map((r) => [r.id, r]));

export const ALL_REGION_IDS: readonly string[] = Object.freeze(NEON_REGIONS.map((r) => r.id));
export const ACTIVE_REGION_IDS: readonly string[] = Object.freeze(
  NEON_REGIONS.filter((r) => r.status.state === "active").map((r) => r.id),
);

export function findRegion(id: string): NeonRegion | undefined {
  return BY_ID.get(id);
}

/** The region, or an exception: for code that runs after validation has accepted the id. */
export function getRegion(id: string): NeonRegion {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`internal: region ${id} was not validated`);
  return r;
}

/** Active regions that can serve a tenant with this declared residency. */
export function activeRegionsFor(residency: string): NeonRegion[] {
  return NEON_REGIONS.filter((r) => r.status.state === "active" && r.jurisdictions.includes(residency));
}

/** Country and jurisdictions of an AWS region, from the catalog's AWS regions. */
export function awsRegionPlace(awsRegion: string): { country: string; city: string; jurisdictions: readonly string[] } | undefined {
  const r = NEON_REGIONS.find((x) => x.cloud === "aws" && x.cloudRegion === awsRegion);
  return r ? { country: r.country, city: r.city, jurisdictions: r.jurisdictions } : undefined;
}

/** Every jurisdiction some region serves, sorted. */
export const KNOWN_JURISDICTIONS: readonly string[] = Object.freeze(
  [...new Set(NEON_REGIONS.flatMap((r) => r.jurisdictions))].sort(),
);

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
