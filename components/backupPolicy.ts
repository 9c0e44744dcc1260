/**
 * Pure, typed builders for everything about backups that an auditor reads: which vault
 * serves which tenants, the object key layout, lifecycle rules, the bucket policy, and
 * the GitHub OIDC role's trust and permission documents. No Pulumi here: plain data in,
 * plain data out, unit-tested as data.
 */
import type { Tenant } from "../tenants/model";
import { getRegion } from "../tenants/regions";
import { backupPrefix, environmentName } from "../tenants/naming";

// ---------------------------------------------------------------------------------------
// IAM vocabulary

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { readonly AWS?: string | readonly string[]; readonly Federated?: string };
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** Writing a backup and its retention tag. Never a delete: expiry is the lifecycle's job. */
export const BACKUP_WRITE_ACTIONS = Object.freeze(["s3:PutObject", "s3:PutObjectTagging"] as const);
/** Reading backups back, for restore drills. */
export const BACKUP_READ_ACTIONS = Object.freeze(["s3:GetObject", "s3:GetObjectTagging"] as const);
/** Finding the newest backup of a tenant. */
export const BACKUP_LIST_ACTIONS = Object.freeze(["s3:ListBucket"] as const);
/** SSE-KMS: encrypt on upload, decrypt on download. */
export const VAULT_KEY_ACTIONS = Object.freeze(["kms:GenerateDataKey", "kms:Decrypt"] as const);
/** Actions the backup role must never hold (a compromised workflow cannot erase backups). */
export const FORBIDDEN_BACKUP_ROLE_ACTIONS = Object.freeze([
  "s3:*",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteBucket",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutObjectRetention",
  "s3:BypassGovernanceRetention",
  "kms:*",
  "kms:ScheduleKeyDeletion",
] as const);

// ---------------------------------------------------------------------------------------
// Vaults and keys

export type BackupEncryption = "kms" | "s3";
export type ObjectLockMode = "off" | "governance" | "compliance";

/** The object tag the workflow sets and the lifecycle rules match. */
export const RETENTION_TAG = "retention-days";
/** How long an overwritten or expired backup version is kept before it is removed. */
export const NONCURRENT_VERSION_DAYS = 7;
/** Incomplete multipart uploads are cleaned up after this many days. */
export const INCOMPLETE_UPLOAD_DAYS = 1;

/** UTC timestamp in object keys: sortable, no locale names, e.g. 20261122T031700Z. */
export function backupTimestamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}
/** The same format for `date -u +…` in workflow scripts. */
export const BACKUP_TIMESTAMP_DATE_FORMAT = "%Y%m%dT%H%M%SZ";

/** `<tenant-id>/<UTC timestamp>.dump` */
export function backupKey(tenantId: string, at: Date): string {
  return `${backupPrefix(tenantId)}${backupTimestamp(at)}.dump`;
}

export interface VaultPlan {
  /** AWS region of the bucket and its key. */
  readonly awsRegion: string;
  /** Every tenant whose backups live here (retired ones keep theirs until they expire). */
  readonly tenants: readonly Tenant[];
  /** Tenants that back up now: active with backups enabled. */
  readonly writers: readonly Tenant[];
  /** Distinct retention periods, ascending: one lifecycle rule each. */
  readonly retentions: readonly number[];
  /** Jurisdictions of the tenants here (for the audit). */
  readonly residencies: readonly string[];
}

/**
 * One vault per AWS region that has tenants. Regions and tenants are sorted (by region,
 * by id) so that reordering the tenants file never changes a policy document.
 */
export function planVaults(tenants: readonly Tenant[]): VaultPlan[] {
  const byRegion = new Map<string, Tenant[]>();
  for (const t of [...tenants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const aws = getRegion(t.region).backupAwsRegion;
    byRegion.set(aws, [...(byRegion.get(aws) ?? []), t]);
  }
  return [...byRegion.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([awsRegion, list]) => ({
      awsRegion,
      tenants: list,
      writers: list.filter((t) => t.status === "active" && t.backup.enabled),
      retentions: [...new Set(list.map((t) => t.backup.retentionDays))].sort((a, b) => a - b),
      residencies: [...new Set(list.map((t) => t.residency))].sort(),
    }));
}

/** Bucket name prefix (S3 allows 37 characters; the provider appends a unique suffix). */
export function bucketPrefix(stack: string, awsRegion: string): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  const tail = `-bk-${clean(awsRegion)}-`;
  return `tf-${clean(stack)}`.slice(0, 37 - tail.length) + tail;
}

export interface LifecycleRule {
  readonly id: string;
  readonly status: "Enabled";
  readonly filter: { readonly tag?: { readonly key: string; readonly value: string }; readonly prefix?: string };
  readonly expiration?: { readonly days?: number; readonly expiredObjectDeleteMarker?: boolean };
  readonly noncurrentVersionExpiration?: { readonly noncurrentDays: number };
  readonly abortIncompleteMultipartUpload?: { readonly daysAfterInitiation: number };
}

/**
 * Retention without one rule per tenant: one rule per distinct retention, matching the
 * tag the workflow sets, plus one bucket-wide rule for noncurrent versions, expired
 * delete markers and incomplete uploads.
 */
export function lifecycleRules(retentions: readonly number[]): LifecycleRule[] {
  return [
    ...retentions.map(
      (days): LifecycleRule => ({
        id: `retention-${days}d`,
        status: "Enabled",
        filter: { tag: { key: RETENTION_TAG, value: String(days) } },
        expiration: { days },
      }),
    ),
    {
      id: "housekeeping",
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { expiredObjectDeleteMarker: true },
      noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
      abortIncompleteMultipartUpload: { daysAfterInitiation: INCOMPLETE_UPLOAD_DAYS },
    },
  ];
}

/** Denies any request without TLS and any upload not encrypted the vault's way. */
export function bucketPolicy(bucketArn: string, encryption: BackupEncryption, keyArn?: string): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyUnencryptedUploads",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": encryption === "kms" ? "aws:kms" : "AES256" } },
    },
  ];
  if (encryption === "kms") {
    if (!keyArn) throw new Error("internal: a KMS vault needs its key ARN");
    statements.push({
      Sid: "DenyOtherKmsKeys",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

// ---------------------------------------------------------------------------------------
// GitHub OIDC

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export interface GithubRepositoryRef {
  readonly owner: string;
  readonly repository: string;
  readonly branch: string;
  /** Numeric ids, for repositories whose OIDC subjects carry them (created after 2026-07-15). */
  readonly ownerId?: string;
  readonly repositoryId?: string;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const BRANCH = /^[A-Za-z0-9._\/-]{1,200}$/;
const NUMERIC = /^[0-9]{1,20}$/;

/** `repo:OWNER/REPO`, or `repo:OWNER@ID/REPO@ID` when the ids are known. Refuses anything wildcard-like. */
export function subjectRepository(repo: GithubRepositoryRef): string {
  if (!OWNER.test(repo.owner) || !REPO.test(repo.repository)) {
    throw new Error(`refusing an OIDC subject for ${JSON.stringify(`${repo.owner}/${repo.repository}`)}: owner and repository must be literal names`);
  }
  if (!BRANCH.test(repo.branch) || repo.branch.includes("*")) {
    throw new Error(`refusing an OIDC subject for branch ${JSON.stringify(repo.branch)}: it must be a literal branch name`);
  }
  for (const id of [repo.ownerId, repo.repositoryId]) {
    if (id !== undefined && !NUMERIC.test(id)) throw new Error(`refusing an OIDC subject with id ${JSON.stringify(id)}: ids are numbers`);
  }
  if ((repo.ownerId === undefined) !== (repo.repositoryId === undefined)) {
    throw new Error("refusing an OIDC subject with only one of the owner and repository ids: give both or neither");
  }
  const owner = repo.ownerId ? `${repo.owner}@${repo.ownerId}` : repo.owner;
  const name = repo.repositoryId ? `${repo.repository}@${repo.repositoryId}` : repo.repository;
  return `repo:${owner}/${name}`;
}

export type SecretScope = "repository" | "environment";

/**
 * The subjects allowed to assume the backup role: the default branch of the configured
 * repository, and with environment-scoped secrets its tenant environments. Never a pull
 * request (so never a fork), never another repository.
 */
export function trustedSubjects(repo: GithubRepositoryRef, scope: SecretScope): { exact: string[]; patterns: string[] } {
  const base = subjectRepository(repo);
  const exact = [`${base}:ref:refs/heads/${repo.branch}`];
  const patterns = scope === "environment" ? [`${base}:environment:${environmentName("*")}`] : [];
  return { exact, patterns };
}

export function trustPolicy(oidcProviderArn: string, repo: GithubRepositoryRef, scope: SecretScope): PolicyDocument {
  const { exact, patterns } = trustedSubjects(repo, scope);
  const statements: PolicyStatement[] = [
    {
      Sid: "GithubDefaultBranch",
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: exact,
        },
      },
    },
  ];
  if (patterns.length) {
    statements.push({
      Sid: "GithubTenantEnvironments",
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE },
        StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: patterns },
      },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

export interface VaultGrant {
  readonly bucketArn: string;
  /** KMS key of the vault, when it encrypts with one. */
  readonly keyArn?: string;
  /** Tenants allowed to write here: their prefixes. */
  readonly writerIds: readonly string[];
}

/** IAM allows 10,240 characters of inline policy per role; keep room for whitespace. */
export const INLINE_POLICY_BUDGET = 9_000;

/**
 * Least privilege for the backup role: write under each writing tenant's prefix, read
 * back for restore drills, use the vault keys. No delete of any kind.
 * When listing every prefix would pass IAM's inline-policy size, writes are granted on
 * the bucket's backup keys (`*​/*.dump`) instead, and `narrowed` is false.
 */
export function backupRolePolicy(grants: readonly VaultGrant[]): { document: PolicyDocument; narrowed: boolean } {
  const statements = (perTenant: boolean): PolicyStatement[] => {
    const s: PolicyStatement[] = [];
    const writes = grants.flatMap((g) => (perTenant ? g.writerIds.map((id) => `${g.bucketArn}/${backupPrefix(id)}*`) : g.writerIds.length ? [`${g.bucketArn}/*/*.dump`] : []));
    if (writes.length) s.push({ Sid: "WriteTenantBackups", Effect: "Allow", Action: [...BACKUP_WRITE_ACTIONS], Resource: writes });
    if (grants.length) {
      s.push({ Sid: "ReadBackupsForRestoreDrills", Effect: "Allow", Action: [...BACKUP_READ_ACTIONS], Resource: grants.map((g) => `${g.bucketArn}/*`) });
      s.push({ Sid: "ListBackups", Effect: "Allow", Action: [...BACKUP_LIST_ACTIONS], Resource: grants.map((g) => g.bucketArn) });
    }
    const keys = grants.map((g) => g.keyArn).filter((k): k is string => !!k);
    if (keys.length) s.push({ Sid: "UseVaultKeys", Effect: "Allow", Action: [...VAULT_KEY_ACTIONS], Resource: keys });
    return s;
  };
  const narrowed = canNarrowWrites(grants.map((g) => ({ writers: g.writerIds, hasKey: !!g.keyArn })));
  return { document: { Version: "2012-10-17", Statement: statements(narrowed) }, narrowed };
}

/** Longest ARNs possible, so the choice depends only on the tenants, never on generated names. */
const WORST_BUCKET_ARN = `arn:aws:s3:::${"x".repeat(63)}`;
const WORST_KEY_ARN = `arn:aws-us-gov:kms:ap-southeast-2:123456789012:key/${"0".repeat(36)}`;

/** Whether per-tenant write prefixes fit IAM's inline policy size, decided on plain data. */
export function canNarrowWrites(vaults: readonly { writers: readonly string[]; hasKey: boolean }[]): boolean {
  const grants = vaults.map((v) => ({ bucketArn: WORST_BUCKET_ARN, keyArn: v.hasKey ? WORST_KEY_ARN : undefined, writerIds: v.writers }));
  const statements: PolicyStatement[] = [
    { Sid: "WriteTenantBackups", Effect: "Allow", Action: [...BACKUP_WRITE_ACTIONS], Resource: grants.flatMap((g) => g.writerIds.map((id) => `${g.bucketArn}/${backupPrefix(id)}*`)) },
    { Sid: "ReadBackupsForRestoreDrills", Effect: "Allow", Action: [...BACKUP_READ_ACTIONS], Resource: grants.map((g) => `${g.bucketArn}/*`) },
    { Sid: "ListBackups", Effect: "Allow", Action: [...BACKUP_LIST_ACTIONS], Resource: grants.map((g) => g.bucketArn) },
    { Sid: "UseVaultKeys", Effect: "Allow", Action: [...VAULT_KEY_ACTIONS], Resource: grants.flatMap((g) => (g.keyArn ? [g.keyArn] : [])) },
  ];
  return JSON.stringify({ Version: "2012-10-17", Statement: statements }).length <= INLINE_POLICY_BUDGET;
}
