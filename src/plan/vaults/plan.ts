/**
 * Pure, typed builders for the resource side of the backups: which vault serves which
 * tenants, the object key layout, the lifecycle rules, and the IAM vocabulary and action
 * lists the policies are written in; the bucket and key policies are in ./policies.ts. No Pulumi here: plain data in, plain data out, unit-tested as data and proven by
 * evaluation (test/leastPrivilege.test.ts). The workflow roles' own documents (trust and
 * permissions) are in ./workflowAccess.ts.
 */
import { isBackedUp, type Tenant } from "../../../tenants/model";
import { backupRegionOf } from "../../../tenants/placement";
import { backupPrefix, EXPORTS_PREFIX, retentionClassPrefix } from "../../../tenants/naming";

// ---------------------------------------------------------------------------------------
// IAM vocabulary

export type PrincipalElement = "*" | { readonly AWS?: string | readonly string[]; readonly Federated?: string | readonly string[] };

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: PrincipalElement;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export function policy(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Uploading one backup: single PUT or multipart (PutObject), abandoning a failed upload, and reading back S3's record of the upload's parts before completing it (no object data). Never a read of a backup, a tag or a delete. */
export const BACKUP_UPLOAD_ACTIONS = Object.freeze(["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"] as const);
/** Reading one backup back (GetObject also covers HeadObject). */
export const BACKUP_READ_ACTIONS = Object.freeze(["s3:GetObject"] as const);
/** Finding a tenant's newest backup. */
export const BACKUP_LIST_ACTIONS = Object.freeze(["s3:ListBucket"] as const);
/** SSE-KMS uploads: a data key to encrypt, and Decrypt because multipart uploads re-read it. */
export const UPLOAD_KEY_ACTIONS = Object.freeze(["kms:GenerateDataKey", "kms:Decrypt"] as const);
/** SSE-KMS downloads. */
export const READ_KEY_ACTIONS = Object.freeze(["kms:Decrypt"] as const);
/**
 * What key administrators (the identities that run `pulumi up`) may do to a key: everything
 * `pulumi up` needs after creating it (describe, read its policy, enable rotation, tag,
 * manage its alias), never use it (they cannot decrypt a backup, nor create a grant that
 * would let anyone do so), never disable it or schedule its deletion, and not rewrite its
 * policy (KEY_POLICY_ACTIONS, which a vault key gives break-glass alone). They keep
 * `CancelKeyDeletion` and `EnableKey`: both only undo a destruction, so a second party can
 * rescue a key break-glass scheduled for deletion within its 30-day window.
 */
export const KEY_ADMIN_ACTIONS = Object.freeze([
  "kms:CreateAlias",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Get*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:CancelKeyDeletion",
  "kms:DeleteAlias",
  "kms:RotateKeyOnDemand",
] as const);
/**
 * Rewriting a key's policy: whoever holds it can grant itself anything, the deletion this
 * policy denies included (KMS has no condition on the new policy's content).
 */
export const KEY_POLICY_ACTIONS = Object.freeze(["kms:PutKeyPolicy"] as const);
/** Losing these loses every backup of a region at once: denied to all but the break-glass principal. */
export const KEY_DESTRUCTION_ACTIONS = Object.freeze(["kms:ScheduleKeyDeletion", "kms:DisableKey"] as const);
/**
 * Changing how a vault keeps its backups, once it exists: lifecycle (expiry), the bucket
 * policy itself, versioning, the public access block, Object Lock defaults, ownership (ACLs),
 * default encryption (another key) and replication (a copy of every backup elsewhere).
 * Each also covers its delete API: DeleteBucketLifecycle needs s3:PutLifecycleConfiguration,
 * DeletePublicAccessBlock s3:PutBucketPublicAccessBlock, DeleteBucketOwnershipControls
 * s3:PutBucketOwnershipControls, DeleteBucketEncryption s3:PutEncryptionConfiguration,
 * DeleteBucketReplication s3:PutReplicationConfiguration (the "Permissions" section of each
 * operation in the Amazon S3 API Reference, https://docs.aws.amazon.com/AmazonS3/latest/API/).
 * S3 offers no condition key on a lifecycle's or a policy's content
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html),
 * so "only longer retention" cannot be expressed: these go to break-glass as a whole.
 * Denied in the bucket policy to every principal but the break-glass one (VAULT_GUARD_SID).
 */
export const VAULT_CONFIGURATION_ACTIONS = Object.freeze([
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutBucketOwnershipControls",
  "s3:PutEncryptionConfiguration",
  "s3:PutReplicationConfiguration",
] as const);
/** The bucket policy statement that keeps a vault's configuration to break-glass. */
export const VAULT_GUARD_SID = "DenyVaultConfigurationButBreakGlass";
/** The key policy statement that keeps a vault key's policy to break-glass. */
export const KEY_POLICY_GUARD_SID = "DenyKeyPolicyChangesButBreakGlass";
/**
 * Erasing or shortening backups: deletes, tag changes (legacy backups are retained by tag),
 * retention and legal-hold changes, governance bypass and deleting the bucket. Denied in
 * the bucket policy to every principal but the break-glass one.
 */
export const BACKUP_DESTRUCTION_ACTIONS = Object.freeze([
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutObjectTagging",
  "s3:PutObjectVersionTagging",
  "s3:DeleteObjectTagging",
  "s3:DeleteObjectVersionTagging",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
  "s3:DeleteBucket",
] as const);

// ---------------------------------------------------------------------------------------
// Vaults and keys

export type BackupEncryption = "kms" | "s3";
export type ObjectLockMode = "off" | "governance" | "compliance";

/** The object tag that retained backups written before retention classes. */
export const LEGACY_RETENTION_TAG = "retention-days";
/** Noncurrent versions are kept at least this long, and at least as long as the longest retention. */
export const MIN_NONCURRENT_VERSION_DAYS = 7;
/** Incomplete multipart uploads are cleaned up after this many days. */
export const INCOMPLETE_UPLOAD_DAYS = 1;

/** UTC timestamp in object keys: sortable, no locale names, e.g. 20261122T031700Z. */
export function backupTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}
/** The same format for `date -u +…` in workflow scripts. */
export const BACKUP_TIMESTAMP_DATE_FORMAT = "%Y%m%dT%H%M%SZ";
/** A backup's manifest: its dump's key with this suffix instead of `.dump` (src/plan/workflows/backupScripts.ts). */
export const MANIFEST_SUFFIX = ".manifest.json";

/** `retain-<days>d/<tenant-id>/<UTC timestamp>.dump` */
export function backupKey(tenantId: string, retentionDays: number, at: Date): string {
  return `${backupPrefix(tenantId, retentionDays)}${backupTimestamp(at)}.dump`;
}

export interface VaultPlan {
  /** AWS region of the bucket and its key. */
  readonly awsRegion: string;
  /** Every tenant in the tenants file whose backups live here (retired ones keep theirs until they expire). */
  readonly tenants: readonly Tenant[];
  /** Tenants that back up now (active, backups enabled): the writers and the drilled. */
  readonly backedUp: readonly Tenant[];
  /**
   * Retention classes, ascending: one lifecycle rule each. The same in every vault of the
   * stack (every tenant's retention plus `keepRetentionDays`), so a class stays while any
   * tenant anywhere uses it or the stack keeps it.
   */
  readonly retentions: readonly number[];
  /** Jurisdictions of the tenants here (for the audit); empty for a vault kept with no tenant. */
  readonly residencies: readonly string[];
  /** True when no tenant of the file backs up here any more and `keepVaultRegions` keeps the vault. */
  readonly kept: boolean;
}

/** What the stack keeps beyond its tenants: vaults and retention classes that still hold backups. */
export interface VaultKeeping {
  readonly regions?: readonly string[];
  readonly retentionDays?: readonly number[];
}

function byId(a: Tenant, b: Tenant): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Every retention class of a stack: its tenants' retentions and those it keeps. */
export function retentionClasses(tenants: readonly Tenant[], keep: VaultKeeping = {}): number[] {
  return [...new Set([...tenants.map((t) => t.backup.retentionDays), ...(keep.retentionDays ?? [])])].sort((a, b) => a - b);
}

/** Every AWS region that holds a vault: its tenants' backup regions and those it keeps. */
export function vaultRegions(tenants: readonly Tenant[], keep: VaultKeeping = {}): string[] {
  return [...new Set([...tenants.map((t) => backupRegionOf(t.region)), ...(keep.regions ?? [])])].sort();
}

/**
 * One vault per AWS region that has tenants or is kept. Regions and tenants are sorted
 * (by region, by id) so that reordering the tenants file never changes a policy document.
 */
export function planVaults(tenants: readonly Tenant[], keep: VaultKeeping = {}): VaultPlan[] {
  const retentions = retentionClasses(tenants, keep);
  const byRegion = new Map<string, Tenant[]>(vaultRegions(tenants, keep).map((r) => [r, []]));
  for (const t of [...tenants].sort(byId)) byRegion.get(backupRegionOf(t.region))!.push(t);
  return [...byRegion.entries()].map(([awsRegion, list]) => ({
    awsRegion,
    tenants: list,
    backedUp: list.filter(isBackedUp),
    retentions,
    residencies: [...new Set(list.map((t) => t.residency))].sort(),
    kept: list.length === 0,
  }));
}

/** Bucket name prefix (S3 allows 37 characters; the provider appends a unique suffix). */
export function bucketPrefix(stack: string, awsRegion: string): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/-+/g, "-")
      .replace(/^-|-$/g, "");
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

/** How long noncurrent versions stay: at least the longest retention, so a replaced or deleted backup outlives its own retention. */
export function noncurrentVersionDays(retentions: readonly number[]): number {
  return Math.max(MIN_NONCURRENT_VERSION_DAYS, ...retentions);
}

/**
 * Retention without one rule per tenant: per retention class, one rule expiring its key
 * prefix (`retain-14d/`) and one expiring the backups written before classes existed by
 * their tag; plus one bucket-wide rule for noncurrent versions, expired delete markers and
 * incomplete uploads. With `exportRetentionDays`, one more rule expires tenants' exports.
 */
export function lifecycleRules(retentions: readonly number[], exportRetentionDays?: number): LifecycleRule[] {
  return [
    ...retentions.map((days): LifecycleRule => ({
      id: `retain-${days}d`,
      status: "Enabled",
      filter: { prefix: retentionClassPrefix(days) },
      expiration: { days },
    })),
    ...retentions.map((days): LifecycleRule => ({
      id: `legacy-retention-${days}d`,
      status: "Enabled",
      filter: { tag: { key: LEGACY_RETENTION_TAG, value: String(days) } },
      expiration: { days },
    })),
    ...(exportRetentionDays !== undefined
      ? [{ id: "exports", status: "Enabled" as const, filter: { prefix: EXPORTS_PREFIX }, expiration: { days: exportRetentionDays } }]
      : []),
    {
      id: "housekeeping",
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { expiredObjectDeleteMarker: true },
      noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionDays(retentions) },
      abortIncompleteMultipartUpload: { daysAfterInitiation: INCOMPLETE_UPLOAD_DAYS },
    },
  ];
}
