/**
 * What `pulumi up` asks AWS for, per resource type the program registers: the IAM actions the
 * AWS provider calls to create, read and update it, and the resource the actions apply to. The
 * doctor asks IAM's policy simulator about exactly these (test/doctor.test.ts fails when the
 * program registers an AWS type missing here). Actions and resource ARN formats: the Service
 * Authorization Reference, one page per service:
 *   KMS  https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 *   S3   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 *   IAM  https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 *   SSM  https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 * Pure.
 */
import { parameterPath } from "../../core/repositoryContract";

/** A registered resource as the offline plan records it (type, name, inputs). */
export interface PlannedAwsResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** Where the simulated resources live: the caller's account, the stack's region and name. */
export interface AwsScope {
  readonly account: string;
  readonly region: string;
  readonly stack: string;
}

interface AwsTypeActions {
  readonly actions: readonly string[];
  /** The resource the actions are simulated on; "*" where it has no ARN before it exists. */
  readonly resource: (r: PlannedAwsResource, scope: AwsScope, byName: ReadonlyMap<string, PlannedAwsResource>) => string;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const regionOf = (r: PlannedAwsResource, scope: AwsScope) => str(r.inputs.region) ?? scope.region;

/**
 * The name Pulumi gives a resource without an explicit one is its resource name plus a random
 * suffix; the offline plan gives a reference to resource X the id `X-id` (src/engine/offline.ts).
 */
const referenced = (id: unknown): string | undefined => str(id)?.replace(/-id$/, "");

/** A bucket of the vault: `bucketPrefix` then Pulumi's suffix; its parts reference the bucket. */
function bucketArn(r: PlannedAwsResource, _scope: AwsScope, byName: ReadonlyMap<string, PlannedAwsResource>): string {
  const bucket = r.type === BUCKET ? r : byName.get(referenced(r.inputs.bucket) ?? "");
  const prefix = str(bucket?.inputs.bucketPrefix) ?? str(bucket?.inputs.bucket);
  return `arn:aws:s3:::${prefix ? `${prefix}*` : "*"}`;
}

/** A role of an explicit name, or one Pulumi names after the resource (`NAME-<suffix>`). */
const roleArn = (scope: AwsScope, explicit: string | undefined, resourceName: string | undefined) =>
  `arn:aws:iam::${scope.account}:role/${explicit ?? (resourceName ? `${resourceName}-*` : "*")}`;

const BUCKET = "aws:s3/bucket:Bucket";
const bucketPart = (put: string, get: string): AwsTypeActions => ({ actions: [`s3:${put}`, `s3:${get}`], resource: bucketArn });

export const AWS_DEPLOY_ACTIONS: Readonly<Record<string, AwsTypeActions>> = {
  "aws:kms/key:Key": {
    actions: [
      "kms:CreateKey",
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:EnableKeyRotation",
      "kms:ListResourceTags",
      "kms:TagResource",
      // ListAliases has no resource type: it is granted on "*" only.
      "kms:ListAliases",
    ],
    resource: () => "*",
  },
  "aws:kms/alias:Alias": {
    actions: ["kms:CreateAlias"],
    resource: (r, scope) => `arn:aws:kms:${regionOf(r, scope)}:${scope.account}:${str(r.inputs.name) ?? "alias/*"}`,
  },
  [BUCKET]: {
    actions: ["s3:CreateBucket", "s3:ListBucket", "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:GetBucketAcl", "s3:GetBucketCORS"],
    resource: bucketArn,
  },
  "aws:s3/bucketVersioning:BucketVersioning": bucketPart("PutBucketVersioning", "GetBucketVersioning"),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketPart(
    "PutEncryptionConfiguration",
    "GetEncryptionConfiguration",
  ),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketPart("PutBucketPublicAccessBlock", "GetBucketPublicAccessBlock"),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketPart("PutBucketOwnershipControls", "GetBucketOwnershipControls"),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketPart("PutLifecycleConfiguration", "GetLifecycleConfiguration"),
  "aws:s3/bucketPolicy:BucketPolicy": bucketPart("PutBucketPolicy", "GetBucketPolicy"),
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": bucketPart("PutBucketObjectLockConfiguration", "GetBucketObjectLockConfiguration"),
  "aws:iam/role:Role": {
    actions: ["iam:CreateRole", "iam:GetRole", "iam:TagRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:UpdateAssumeRolePolicy"],
    resource: (r, scope) => roleArn(scope, str(r.inputs.name), r.name),
  },
  "aws:iam/rolePolicy:RolePolicy": {
    actions: ["iam:PutRolePolicy", "iam:GetRolePolicy"],
    resource: (r, scope, byName) => {
      const role = byName.get(referenced(r.inputs.role) ?? "");
      return roleArn(scope, str(role?.inputs.name), role?.name);
    },
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
    actions: ["iam:CreateOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", "iam:TagOpenIDConnectProvider"],
    resource: (r, scope) => `arn:aws:iam::${scope.account}:oidc-provider/${(str(r.inputs.url) ?? "*").replace(/^https:\/\//, "")}`,
  },
  "aws:ssm/parameter:Parameter": {
    actions: ["ssm:PutParameter", "ssm:GetParameter", "ssm:AddTagsToResource", "ssm:ListTagsForResource"],
    // Every parameter of the stack lives under its path: one simulation covers them all.
    resource: (r, scope) => `arn:aws:ssm:${regionOf(r, scope)}:${scope.account}:parameter${parameterPath(scope.stack)}*`,
  },
};

export interface AwsSimulation {
  readonly resource: string;
  readonly actions: readonly string[];
  /** The resource types that need these actions there. */
  readonly types: readonly string[];
}

/**
 * The simulations that cover what the plan registers: one per resource ARN, each with every
 * action needed on it; `unknown` lists AWS types this table does not know (a bug of the table).
 */
export function awsSimulations(resources: readonly PlannedAwsResource[], scope: AwsScope): { simulations: AwsSimulation[]; unknown: string[] } {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const grouped = new Map<string, { actions: Set<string>; types: Set<string> }>();
  const unknown = new Set<string>();
  for (const r of resources) {
    if (!r.type.startsWith("aws:") || r.type.startsWith("pulumi:providers:")) continue;
    const known = AWS_DEPLOY_ACTIONS[r.type];
    if (!known) {
      unknown.add(r.type);
      continue;
    }
    const arn = known.resource(r, scope, byName);
    const entry = grouped.get(arn) ?? { actions: new Set<string>(), types: new Set<string>() };
    for (const a of known.actions) entry.actions.add(a);
    entry.types.add(r.type);
    grouped.set(arn, entry);
  }
  const simulations = [...grouped.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([resource, e]) => ({ resource, actions: [...e.actions].sort(), types: [...e.types].sort() }));
  return { simulations, unknown: [...unknown].sort() };
}
