/**
 * The AWS side of a stack as the evaluator needs it, read from the resources the real
 * program declared under the mock runtime: each workflow role's trust and permissions
 * (every path the pack knows), each vault's bucket policy and key policy.
 */
import { ALLOW_EVERYTHING, evaluate, type Decision, type PolicyLike, type RequestContext } from "../src/core/iam/evaluate";
import { permissionsOf, trustOf } from "../policies/rules/roles";
import { bucketArnOf, configuringBucket, isBackupBucket, isBackupKey, policyDocument, TYPES, type RuleResource } from "../policies/rules/types";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../src/plan/iam/workflowAccess";
import { arnParts, PARAMETER_CONTEXT_KEY, ssmViaService } from "../src/plan/iam/credentials";
import { BACKUP_PURPOSE_TAG } from "../policies/rules/types";

/** Credentials keys carry this purpose tag (set by TenantCredentials). */
export const CREDENTIALS_PURPOSE = "tenant-credentials";
import { toRuleResources, type OfflineRun } from "../src/engine/offline";

export const ACCOUNT = "123456789012";

/**
 * What the identities that run `pulumi up` (the key administrators) must not do to a vault
 * that exists when the stack has a break-glass principal (issue 31, finding 4): change how it
 * keeps backups (lifecycle, bucket policy, versioning, public access, Object Lock, ownership,
 * encryption, replication), or rewrite, disable or schedule the deletion of its key. Written
 * out here, apart from the program's own constants, as the specification the tests hold it to.
 */
export const VAULT_SETTINGS = Object.freeze([
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutBucketOwnershipControls",
  "s3:PutEncryptionConfiguration",
  "s3:PutReplicationConfiguration",
]);
export const KEY_CUSTODY = Object.freeze(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"]);

export interface WorldRole {
  readonly arn: string;
  readonly trust: PolicyLike;
  readonly identity: readonly PolicyLike[];
}

export interface WorldVault {
  readonly region: string;
  readonly bucketArn: string;
  readonly bucketPolicy: PolicyLike;
  readonly keyArn?: string;
  readonly keyPolicy?: PolicyLike;
}

/** A region's credentials key and parameters (region scope). */
export interface WorldCredentials {
  readonly region: string;
  readonly keyArn: string;
  readonly keyPolicy: PolicyLike;
  /** Parameter names in the region, each with its ARN. */
  readonly parameters: ReadonlyMap<string, string>;
}

export interface World {
  readonly provider: string;
  readonly writer?: WorldRole;
  readonly reader?: WorldRole;
  readonly migrator?: WorldRole;
  /** The operations role of the stack's own repository (operationsRepository). */
  readonly operator?: WorldRole;
  readonly vaults: ReadonlyMap<string, WorldVault>;
  readonly credentials: ReadonlyMap<string, WorldCredentials>;
}

function role(resources: readonly RuleResource[], name: string): WorldRole | undefined {
  const r = resources.find((x) => x.type === TYPES.role && x.name === name);
  if (!r) return undefined;
  const identity = permissionsOf(r, resources).map((s) => {
    if (!s.document) throw new Error(`${name}: ${s.from} cannot be evaluated`);
    return s.document;
  });
  return { arn: String(r.props.arn), trust: trustOf(r)!, identity };
}

export function worldOf(run: OfflineRun): World {
  const resources = toRuleResources(run);
  const vaults = new Map<string, WorldVault>();
  for (const bucket of resources.filter(isBackupBucket)) {
    const region = String(bucket.props.region);
    const policy = configuringBucket(resources, bucket).find((r) => r.type === TYPES.bucketPolicy)!;
    const key = resources.find((r) => isBackupKey(r) && r.props.region === region);
    vaults.set(region, {
      region,
      bucketArn: bucketArnOf(bucket)!,
      bucketPolicy: policyDocument(policy.props.policy)!,
      keyArn: key ? String(key.props.arn) : undefined,
      keyPolicy: key ? policyDocument(key.props.policy) : undefined,
    });
  }
  const credentials = new Map<string, WorldCredentials>();
  for (const key of resources.filter((r) => r.type === TYPES.kmsKey && r.props.tags?.[BACKUP_PURPOSE_TAG] === CREDENTIALS_PURPOSE)) {
    const region = String(key.props.region);
    const keyArn = String(key.props.arn);
    const { partition, account } = arnParts(keyArn);
    const parameters = new Map(
      resources
        .filter((r) => r.type === "aws:ssm/parameter:Parameter" && r.props.region === region)
        .map((r) => [String(r.props.name), `arn:${partition}:ssm:${region}:${account}:parameter${String(r.props.name)}`] as const),
    );
    credentials.set(region, { region, keyArn, keyPolicy: policyDocument(key.props.policy)!, parameters });
  }
  const provider =
    resources.find((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider")?.props.arn ??
    `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB_OIDC_HOST}`;
  return {
    provider: String(provider),
    writer: role(resources, "github-backups-backup-writer"),
    reader: role(resources, "github-backups-drill-reader"),
    migrator: role(resources, "github-backups-migrations"),
    operator: role(resources, "tenant-operations-role"),
    vaults,
    credentials,
  };
}

/** A principal and the identity policies it carries: a workflow role, or someone hypothetical with every IAM permission. */
export interface Caller {
  readonly arn: string;
  readonly identity: readonly PolicyLike[];
}

export const asCaller = (r: WorldRole): Caller => ({ arn: r.arn, identity: r.identity });
export const admin = (name: string, account = ACCOUNT): Caller => ({ arn: `arn:aws:iam::${account}:role/${name}`, identity: [ALLOW_EVERYTHING] });

/** An S3 request to a vault, over TLS, with the global keys AWS always sets. */
export function s3(world: World, region: string, caller: Caller, action: string, resource: string, context: RequestContext = {}): Decision {
  const vault = world.vaults.get(region)!;
  const ctx = { "aws:SecureTransport": true, "aws:PrincipalArn": caller.arn, "aws:PrincipalAccount": caller.arn.split(":")[4], ...context };
  return evaluate(
    { principal: { kind: "aws", arn: caller.arn }, action, resource, context: ctx },
    { service: "default", account: ACCOUNT, resourcePolicy: vault.bucketPolicy },
    caller.identity,
  );
}

/** A KMS request on a vault key, either made by S3 on the caller's behalf or directly. */
export function kms(world: World, region: string, caller: Caller, action: string, viaS3: boolean): Decision {
  const vault = world.vaults.get(region)!;
  const ctx: RequestContext = { "aws:PrincipalArn": caller.arn, ...(viaS3 ? { "kms:ViaService": `s3.${region}.amazonaws.com` } : {}) };
  return evaluate(
    { principal: { kind: "aws", arn: caller.arn }, action, resource: vault.keyArn!, context: ctx },
    { service: "kms", account: ACCOUNT, resourcePolicy: vault.keyPolicy },
    caller.identity,
  );
}

/** Whether a GitHub token with this subject (and audience, from this provider) may assume the role. */
export function assume(world: World, r: WorldRole, sub: string, aud: string = GITHUB_OIDC_AUDIENCE, provider = world.provider): Decision {
  return evaluate(
    {
      principal: { kind: "federated", provider },
      action: "sts:AssumeRoleWithWebIdentity",
      resource: r.arn,
      context: { [`${GITHUB_OIDC_HOST}:sub`]: sub, [`${GITHUB_OIDC_HOST}:aud`]: aud },
    },
    { service: "trust", account: ACCOUNT, resourcePolicy: r.trust },
  );
}

/** AssumeRoleWithWebIdentity with a token's whole claims (test/githubOidcClaims.ts), as the role's trust decides it. */
export function assumeWithClaims(world: World, r: WorldRole, claims: RequestContext, provider = world.provider): Decision {
  return evaluate(
    { principal: { kind: "federated", provider }, action: "sts:AssumeRoleWithWebIdentity", resource: r.arn, context: claims },
    { service: "trust", account: ACCOUNT, resourcePolicy: r.trust },
  );
}

/**
 * SSM GetParameter of a SecureString with decryption, as AWS decides it: the caller's
 * identity policy for ssm:GetParameter on the parameter (parameters have no resource
 * policy), then KMS Decrypt by SSM on the caller's behalf, with the parameter's ARN as
 * encryption context, against the key policy. Both must allow.
 */
export function ssmRead(world: World, region: string, caller: Caller, name: string): { action: string; decision: Decision }[] {
  const creds = world.credentials.get(region);
  const arn = creds?.parameters.get(name) ?? `arn:aws:ssm:${region}:${ACCOUNT}:parameter${name}`;
  const ctx: RequestContext = { "aws:PrincipalArn": caller.arn, "aws:PrincipalAccount": caller.arn.split(":")[4] };
  const get = evaluate(
    { principal: { kind: "aws", arn: caller.arn }, action: "ssm:GetParameter", resource: arn, context: ctx },
    { service: "default", account: ACCOUNT },
    caller.identity,
  );
  if (!creds) return [{ action: "ssm:GetParameter", decision: get }];
  const decrypt = evaluate(
    {
      principal: { kind: "aws", arn: caller.arn },
      action: "kms:Decrypt",
      resource: creds.keyArn,
      context: { ...ctx, "kms:ViaService": ssmViaService(region), [PARAMETER_CONTEXT_KEY]: arn },
    },
    { service: "kms", account: ACCOUNT, resourcePolicy: creds.keyPolicy },
    caller.identity,
  );
  return [
    { action: "ssm:GetParameter", decision: get },
    { action: "kms:Decrypt", decision: decrypt },
  ];
}
