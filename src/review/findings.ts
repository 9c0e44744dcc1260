/**
 * The review's shared vocabulary: how a change is classed, one planned registration, one
 * finding about a resource, and the `@pulumi/aws` resource types the review reads. The tenant
 * diff (diff.ts), the resource diff (resources.ts) and the weakening checks (weakening.ts) all
 * speak it; keeping it here lets each import it without importing the others.
 */

/** safe; review: shown to the reviewer, does not fail; destructive: fails unless acknowledged. */
export type ChangeClass = "safe" | "review" | "destructive";

/** One registration as `npm run plan -- --json` prints it. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly options: { readonly protect: boolean; readonly retainOnDelete: boolean };
}

export type ResourceChange = "created" | "deleted" | "replaced" | "changed" | "unprotected" | "secret-moved" | "iam-widened" | "weakened";

export interface ResourceFinding {
  readonly type: string;
  readonly name: string;
  readonly change: ResourceChange;
  readonly class: ChangeClass;
  /** What exactly: the replace-forcing inputs, the protection lowered, the new destination, the grants added. */
  readonly detail: string;
  /** The tenant the resource belongs to, when it belongs to one. */
  readonly tenant?: string;
  /** The backup vault (AWS region) the resource belongs to, when it belongs to one. */
  readonly vault?: string;
  /** A deleted resource retained on delete: Pulumi forgets it and it stays as it is. */
  readonly retained?: boolean;
  /** An unprotected resource: the options turned off. */
  readonly lowered?: readonly ("protect" | "retainOnDelete")[];
  /** A sweeping grant of a resource or trust policy: the principals it names (a stack setting that names exactly these accounts for it). */
  readonly principals?: readonly string[];
  /** A privileged Deny that now excepts these principals in the planner's break-glass condition (a change of break-glass alone accounts for it). */
  readonly exceptions?: readonly string[];
  /** A weakened lifecycle: the retention classes (days) it concerns (each class leaving the stack accounts for it). */
  readonly classes?: readonly number[];
}

/** The resource types the review reads, by their `@pulumi/aws` v7 tokens. */
export const AWS_TYPES = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  policy: "aws:iam/policy:Policy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  rolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  userPolicyAttachmentsExclusive: "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
  groupPolicyAttachmentsExclusive: "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
  rolePoliciesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
  userPoliciesExclusive: "aws:iam/userPoliciesExclusive:UserPoliciesExclusive",
  groupPoliciesExclusive: "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive",
  key: "aws:kms/key:Key",
  keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
  grant: "aws:kms/grant:Grant",
  bucket: "aws:s3/bucket:Bucket",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  acl: "aws:s3/bucketAcl:BucketAcl",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
} as const;

/** The `@pulumi/github` v6 types that protect an environment's secrets (src/review/environments.ts). */
export const GITHUB_TYPES = {
  environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
  deploymentPolicy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
} as const;
