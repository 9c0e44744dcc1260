/**
 * What one nightly drift run costs in API calls, per service, and how that compares with each
 * service's budget. Pure: resource counts per type in, call counts out. The calls each
 * resource's refresh makes are stated once, in READS (the provider's Read of that type); the
 * counts come from the stack's own preview (every step, `same` included) or its offline plan.
 * A projection to another fleet size scales the per-tenant types by tenants and keeps the rest
 * (vaults are per region, roles per stack).
 */
export type Service = "neon" | "github" | "aws";

/** A Neon project: one a tenant, and what the regions check lists. */
export const NEON_PROJECT = "neon:index/project:Project";

interface Read {
  readonly service: Service;
  /** API calls one refresh of one resource makes. */
  readonly calls: number;
  /** One per tenant (scaled with the fleet) or per stack/region (fixed). */
  readonly perTenant: boolean;
  /** The provider's read, where the count comes from. */
  readonly source: string;
}

const NEON_READ = "kislerdm/terraform-provider-neon v0.15.0 provider/";
/** The GitHub provider @pulumi/github 6.15 bridges (its ActionsEnvironmentSecret has `repositoryId`, added in v6.11.0); lines are v6.13.0's. */
const GH_READ = "integrations/terraform-provider-github v6.13.0 github/resource_github_";
const AWS_READ = "hashicorp/terraform-provider-aws internal/service/";

/** Calls per resource refresh, per type the stack declares (the drift table's types; test/driftCost.test.ts checks they match). */
export const READS: Readonly<Record<string, Read>> = {
  [NEON_PROJECT]: {
    service: "neon",
    calls: 4,
    perTenant: true,
    source: `${NEON_READ}resource_project.go resourceProjectRead: GET /projects/{id}, its branches, the default branch's endpoints and databases`,
  },
  "neon:index/branch:Branch": { service: "neon", calls: 1, perTenant: true, source: `${NEON_READ}resource_branch.go: GET /projects/{id}/branches/{branch}` },
  "neon:index/database:Database": { service: "neon", calls: 1, perTenant: true, source: `${NEON_READ}resource_database.go: GET .../databases/{name}` },
  "neon:index/role:Role": { service: "neon", calls: 1, perTenant: true, source: `${NEON_READ}resource_role.go: GET .../roles/{name}` },
  "neon:index/endpoint:Endpoint": { service: "neon", calls: 1, perTenant: true, source: `${NEON_READ}resource_endpoint.go: GET .../endpoints/{id}` },
  "neon:index/branchBackupSchedule:BranchBackupSchedule": {
    service: "neon",
    calls: 1,
    perTenant: true,
    source:
      "kislerdm/terraform-provider-neon provider/resource_branch_backup_schedule.go Read: GetSnapshotSchedule, GET /projects/{id}/branches/{branch}/backup_schedule",
  },
  "github:index/repositoryEnvironment:RepositoryEnvironment": {
    service: "github",
    calls: 1,
    perTenant: true,
    source: `${GH_READ}repository_environment.go Read L205-L289: GetEnvironment, GET /repos/{o}/{r}/environments/{name}`,
  },
  "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": {
    service: "github",
    calls: 1,
    perTenant: true,
    source: `${GH_READ}actions_environment_secret.go Read L209-L254: GetEnvSecret (L218), GET /repositories/{repository_id}/environments/{env}/secrets/{name}, with the repository id kept in state (before v6.11.0 a Repositories.Get came first)`,
  },
  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": {
    service: "github",
    calls: 1,
    perTenant: true,
    source: `${GH_READ}repository_environment_deployment_policy.go Read L150-L187: GetDeploymentBranchPolicy (L161), GET .../deployment-branch-policies/{id}`,
  },
  "github:index/actionsSecret:ActionsSecret": {
    service: "github",
    calls: 1,
    perTenant: true,
    source: `${GH_READ}actions_secret.go Read L211-L255: GetRepoSecret (L219), GET .../actions/secrets/{name}`,
  },
  "github:index/actionsVariable:ActionsVariable": {
    service: "github",
    calls: 1,
    perTenant: false,
    source: `${GH_READ}actions_variable.go Read L123-L155: GetRepoVariable (L131), GET .../actions/variables/{name}`,
  },
  "github:index/repositoryFile:RepositoryFile": {
    service: "github",
    calls: 2,
    perTenant: false,
    source: `${GH_READ}repository_file.go Read L268-L364: GetContents (L285), then GetCommit of the commit_sha in state (L328)`,
  },
  "github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate": {
    service: "github",
    calls: 1,
    perTenant: false,
    source: `${GH_READ}actions_repository_oidc_subject_claim_customization_template.go Read L86: GetRepoOIDCSubjectClaimCustomTemplate (L93), GET .../actions/oidc/customization/sub`,
  },
  "aws:s3/bucket:Bucket": {
    service: "aws",
    calls: 15,
    perTenant: false,
    source: `${AWS_READ}s3/bucket.go resourceBucketRead: HeadBucket and GetBucket{Policy,Acl,Cors,Website,Versioning,Accelerate,RequestPayment,Logging,Lifecycle,Replication,Encryption,Tagging,Location}, GetObjectLockConfiguration`,
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    service: "aws",
    calls: 1,
    perTenant: false,
    source: `${AWS_READ}s3: GetBucketLifecycleConfiguration`,
  },
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": {
    service: "aws",
    calls: 1,
    perTenant: false,
    source: `${AWS_READ}s3: GetObjectLockConfiguration`,
  },
  "aws:s3/bucketVersioning:BucketVersioning": { service: "aws", calls: 1, perTenant: false, source: `${AWS_READ}s3: GetBucketVersioning` },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { service: "aws", calls: 1, perTenant: false, source: `${AWS_READ}s3: GetBucketOwnershipControls` },
  "aws:s3/bucketPolicy:BucketPolicy": { service: "aws", calls: 1, perTenant: false, source: `${AWS_READ}s3: GetBucketPolicy` },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { service: "aws", calls: 1, perTenant: false, source: `${AWS_READ}s3: GetPublicAccessBlock` },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    service: "aws",
    calls: 1,
    perTenant: false,
    source: `${AWS_READ}s3: GetBucketEncryption`,
  },
  "aws:kms/key:Key": {
    service: "aws",
    calls: 4,
    perTenant: false,
    source: `${AWS_READ}kms/key.go: DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags`,
  },
  "aws:kms/alias:Alias": { service: "aws", calls: 1, perTenant: false, source: `${AWS_READ}kms/alias.go: ListAliases (one page)` },
  "aws:iam/role:Role": { service: "aws", calls: 3, perTenant: false, source: `${AWS_READ}iam/role.go: GetRole, ListRolePolicies, ListAttachedRolePolicies` },
  "aws:iam/rolePolicy:RolePolicy": { service: "aws", calls: 1, perTenant: false, source: `${AWS_READ}iam/role_policy.go: GetRolePolicy` },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { service: "aws", calls: 1, perTenant: false, source: `${AWS_READ}iam: GetOpenIDConnectProvider` },
  "aws:ssm/parameter:Parameter": {
    service: "aws",
    calls: 3,
    perTenant: true,
    source: `${AWS_READ}ssm/parameter.go: GetParameter, DescribeParameters, ListTagsForResource`,
  },
};

/**
 * Each service's budget, as its documentation states it:
 * - Neon: 700 requests a minute per account (https://neon.com/docs/reference/api/key-concepts, "Rate limiting").
 * - GitHub: a GitHub App installation's token, 5,000 requests an hour at least (15,000 on Enterprise Cloud)
 *   (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api, "Primary rate limit for GitHub App installations").
 * - AWS: no account-wide budget; each API is throttled on its own (IAM and KMS per-second quotas), so only the count is given.
 */
export const BUDGETS: Readonly<Record<Service, { readonly calls: number; readonly perMinutes: number; readonly what: string } | undefined>> = {
  neon: { calls: 700, perMinutes: 1, what: "700 a minute per Neon account" },
  github: { calls: 5000, perMinutes: 60, what: "5,000 an hour per App installation" },
  aws: undefined,
};

/**
 * The Neon calls the drift job makes to time one call before the preview (src/review/drift/pace.ts):
 * one-project listings, the least of which counts; a few, so one slow answer does not slow the night.
 */
export const NEON_PROBE_CALLS = 3;

/** The issue job's GitHub calls for one stack: the open issues' list and at most two writes (a comment, then the close). */
export const ISSUE_JOB_CALLS = 3;

export interface ServiceCost {
  readonly service: Service;
  readonly calls: number;
  /** Minutes of the service's whole budget the calls take; undefined without a budget. */
  readonly budgetMinutes?: number;
}

export interface CostEstimate {
  readonly tenants: number;
  readonly services: readonly ServiceCost[];
  /** Types counted that READS does not know: their calls are missing from the totals. */
  readonly unknown: readonly string[];
}

/** Scales per-tenant types from `tenants` to `target` tenants; fixed types keep their counts. */
export function projectCounts(counts: Readonly<Record<string, number>>, tenants: number, target: number): Record<string, number> {
  if (tenants <= 0) throw new Error(`internal: projecting from ${tenants} tenants`);
  return Object.fromEntries(Object.entries(counts).map(([type, n]) => [type, READS[type]?.perTenant ? Math.ceil((n * target) / tenants) : n]));
}

/**
 * The calls of one drift run of a stack with these resource counts: the pace's timed Neon calls,
 * the refresh's reads, the regions check's project listing (`projectsPerPage` a page: PAGE_LIMIT of
 * src/operations/adopt/reader.ts, given by the caller) and the issue job's (a list and at most
 * two writes).
 */
export function driftCost(counts: Readonly<Record<string, number>>, tenants: number, projectsPerPage: number): CostEstimate {
  const calls: Record<Service, number> = { neon: 0, github: 0, aws: 0 };
  const unknown: string[] = [];
  for (const [type, n] of Object.entries(counts)) {
    if (type.startsWith("pulumi:") || type.startsWith("tenant-fleet:")) continue;
    const read = READS[type];
    if (!read) unknown.push(type);
    else calls[read.service] += read.calls * n;
  }
  const projects = counts[NEON_PROJECT] ?? 0;
  calls.neon += Math.max(1, Math.ceil(projects / projectsPerPage)) + NEON_PROBE_CALLS;
  calls.github += ISSUE_JOB_CALLS;
  const services = (Object.keys(calls) as Service[]).map((service): ServiceCost => {
    const budget = BUDGETS[service];
    return { service, calls: calls[service], ...(budget ? { budgetMinutes: (calls[service] / budget.calls) * budget.perMinutes } : {}) };
  });
  return { tenants, services, unknown: unknown.sort() };
}

/** Resource counts per type: from a preview digest's steps (each URN once) or an offline plan's resources. */
export function countTypes(items: readonly { readonly type: string; readonly key: string }[]): Record<string, number> {
  const seen = new Set<string>();
  const counts: Record<string, number> = {};
  for (const { type, key } of items) {
    if (seen.has(key)) continue;
    seen.add(key);
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/** The cost table: per service, calls at each size and the share of its budget. */
export function costMarkdown(estimates: readonly CostEstimate[]): string {
  const minutes = (m?: number) => (m === undefined ? "no shared budget" : m < 90 ? `${m.toFixed(1)} min` : `${(m / 60).toFixed(1)} h`);
  const rows = (["neon", "github", "aws"] as Service[]).map((s) => {
    const cells = estimates.map((e) => {
      const c = e.services.find((x) => x.service === s)!;
      return `${c.calls.toLocaleString("en-US")} (${minutes(c.budgetMinutes)})`;
    });
    return `| ${s} | ${BUDGETS[s]?.what ?? "per-API throttling only"} | ${cells.join(" | ")} |`;
  });
  return [
    `| service | budget | ${estimates.map((e) => `${e.tenants.toLocaleString("en-US")} tenants`).join(" | ")} |`,
    `|---|---|${estimates.map(() => "---").join("|")}|`,
    ...rows,
    "",
    "Calls of one nightly run (the refresh's reads, the regions listing, the issue), and how long they take at the whole budget.",
  ].join("\n");
}
