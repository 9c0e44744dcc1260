/**
 * The engine-free shape of a policy rule: plain resources in, violations out. The pack
 * (`policies/index.ts`) adapts each rule to CrossGuard; tests call `validate` directly.
 */

export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

/** What a rule sees of a resource (CrossGuard's PolicyResource, reduced). */
export interface RuleResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Inputs of custom resources; registered outputs of components. Unknown values are undefined. */
  readonly props: Readonly<Record<string, any>>;
  readonly protect: boolean;
  readonly parentUrn?: string;
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
export function policyDocument(value: unknown): { Statement?: any[] } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return { Statement: [] };
    }
  }
  return value as { Statement?: any[] };
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
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  repositoryFile: "github:index/repositoryFile:RepositoryFile",
});

/** Backup buckets carry this tag (set by BackupVault). */
export const BACKUP_PURPOSE_TAG = "tenant-fleet:purpose";
export const BACKUP_PURPOSE = "tenant-backups";
export const RESIDENCIES_TAG = "tenant-fleet:residencies";

export function isBackupBucket(r: RuleResource): boolean {
  return r.type === TYPES.bucket && r.props.tags?.[BACKUP_PURPOSE_TAG] === BACKUP_PURPOSE;
}
