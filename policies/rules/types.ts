/**
 * The engine-free shape of a policy rule: plain resources in, violations out. The pack
 * (`policies/index.ts`) adapts each rule to CrossGuard; tests call `validate` directly.
 */
import { BACKUP_PURPOSE, PURPOSE_TAG } from "../../src/core/tags";

/**
 * Properties as the engine hands them over: untyped JSON (CrossGuard's PolicyResource.props is
 * `Record<string, any>`), which the rules read field by field. Declared once, here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the engine's untyped JSON
export type Props = Readonly<Record<string, any>>;

export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

/** What a rule sees of a resource (CrossGuard's PolicyResource, reduced). */
export interface RuleResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Inputs of custom resources; registered outputs of components. Unknown values are undefined. */
  readonly props: Props;
  readonly protect: boolean;
  /** Known where the engine reports it (the offline plan); CrossGuard's analyzer protocol does not carry it. */
  readonly retainOnDelete?: boolean;
  readonly parentUrn?: string;
  /** Per property, the URNs of the resources its value came from: how a child names "its" bucket, role or key. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Violation {
  readonly message: string;
  readonly urn?: string;
}

export interface Rule<C = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  /** JSON Schema of the rule's config (policy pack config file), with defaults. */
  readonly configSchema?: { readonly properties: Record<string, unknown>; readonly required?: readonly string[] };
  readonly validate: (resources: readonly RuleResource[], config: C) => Violation[];
}

/** A policy document given as a JSON string or an object; undefined when unknown (preview). */
export function policyDocument(value: unknown): { Statement?: Props[] } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return { Statement: [] };
    }
  }
  return value as { Statement?: Props[] };
}

export function asArray<T>(v: T | readonly T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? [...v] : [v as T];
}

export const TYPES = Object.freeze({
  neonProject: "neon:index/project:Project",
  tenantDatabase: "tenant-fleet:index:TenantDatabase",
  devTestProject: "tenant-fleet:index:DevTestProject",
  bucket: "aws:s3/bucket:Bucket",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  kmsKey: "aws:kms/key:Key",
  kmsAlias: "aws:kms/alias:Alias",
  objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  managedPolicy: "aws:iam/policy:Policy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  repositoryFile: "github:index/repositoryFile:RepositoryFile",
});

/** The tags BackupVault sets, declared once in src/core/tags.ts: the pack finds a vault's bucket and key by PURPOSE_TAG = BACKUP_PURPOSE. */
export { BACKUP_PURPOSE, KEPT_TAG, PURPOSE_TAG as BACKUP_PURPOSE_TAG, RESIDENCIES_TAG } from "../../src/core/tags";

export function isBackupBucket(r: RuleResource): boolean {
  return r.type === TYPES.bucket && r.props.tags?.[PURPOSE_TAG] === BACKUP_PURPOSE;
}

export function isBackupKey(r: RuleResource): boolean {
  return r.type === TYPES.kmsKey && r.props.tags?.[PURPOSE_TAG] === BACKUP_PURPOSE;
}

/** Whether `r` took the value of `property` from `target` (e.g. a BucketPolicy's `bucket` from a Bucket). */
export function dependsOn(r: RuleResource, property: string, target: RuleResource): boolean {
  return (r.propertyDependencies?.[property] ?? []).includes(target.urn);
}

/**
 * The resources that configure a bucket: those whose `bucket` came from it or, when the
 * engine gave no dependencies, that name the same bucket. Never a sibling by position.
 */
export function configuringBucket(resources: readonly RuleResource[], bucket: RuleResource): RuleResource[] {
  const name = bucket.props.bucket ?? bucket.props.id;
  return resources.filter(
    (r) => r !== bucket && r.type.startsWith("aws:s3/") && (dependsOn(r, "bucket", bucket) || (name !== undefined && r.props.bucket === name)),
  );
}

/** The bucket's ARN when known (`arn` output, or built from its name). */
export function bucketArnOf(bucket: RuleResource): string | undefined {
  if (typeof bucket.props.arn === "string") return bucket.props.arn;
  return typeof bucket.props.bucket === "string" ? `arn:aws:s3:::${bucket.props.bucket}` : undefined;
}
