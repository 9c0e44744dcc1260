/**
 * The region scope's credentials: each active tenant's connection strings as SSM
 * SecureString parameters in its backup AWS region, under the stack's path, encrypted
 * with a customer-managed key of that region. Pure builders of the key policy and of the
 * statements that let a workflow role or the application read them; proven by evaluation
 * in test/leastPrivilege.test.ts.
 *
 * SSM encrypts a SecureString with the encryption context `PARAMETER_ARN` (the
 * parameter's ARN), so a key policy can say which parameters a principal may decrypt, and
 * `kms:ViaService` says it is only through SSM of that region.
 */
import { credentialParameter, parameterPath, type CredentialKind } from "../../core/repositoryContract";
import { KEY_ADMIN_ACTIONS, KEY_POLICY_ACTIONS, policy, type PolicyDocument, type PolicyStatement } from "../vaults/plan";
import { keyBreakGlass } from "../vaults/policies";

/** The one SSM action a reader needs (the AWS CLI's get-parameter, the SDK's GetParameterCommand). */
export const PARAMETER_READ_ACTIONS = Object.freeze(["ssm:GetParameter"] as const);
/** What SSM asks of KMS to read a SecureString. */
export const PARAMETER_DECRYPT_ACTIONS = Object.freeze(["kms:Decrypt"] as const);
/** What SSM asks of KMS to write one (standard parameters use Encrypt; advanced ones a data key), and read it back. */
export const PARAMETER_WRITE_KEY_ACTIONS = Object.freeze(["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"] as const);
export const PARAMETER_CONTEXT_KEY = "kms:EncryptionContext:PARAMETER_ARN";

/** `ssm.<region>.amazonaws.com`: the only way anyone may use a credentials key. */
export function ssmViaService(awsRegion: string): string {
  return `ssm.${awsRegion}.amazonaws.com`;
}

/** `arn:aws:kms:eu-central-1:123456789012:key/…` → partition and account. */
export function arnParts(arn: string): { partition: string; account: string } {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || !/^\d{12}$/.test(parts[4])) throw new Error(`internal: ${JSON.stringify(arn)} is not an ARN with an account`);
  return { partition: parts[1], account: parts[4] };
}

/** The ARN of a parameter of the stack (or, with `*` as the tenant, a pattern over its tenants). */
export function parameterArn(where: { partition: string; account: string; awsRegion: string }, stack: string, tenant: string, kind: CredentialKind): string {
  // A name that starts with "/" drops it in the ARN: parameter/tenant-fleet/….
  return `arn:${where.partition}:ssm:${where.awsRegion}:${where.account}:parameter${credentialParameter(stack, tenant, kind)}`;
}

/** Every parameter ARN of the stack in a region, as a pattern for the key policy's context condition. */
function stackParameters(where: { partition: string; awsRegion: string }, stack: string, kind: CredentialKind): string {
  return `arn:${where.partition}:ssm:${where.awsRegion}:*:parameter${parameterPath(stack)}*/${kind}-url`;
}

/** Who a region's credentials key names. */
export interface CredentialsKeyAccess {
  readonly stack: string;
  readonly awsRegion: string;
  /** The identities that run `pulumi up`: they administer the key and write (and refresh) the parameters through SSM. */
  readonly keyAdministrators: readonly string[];
  /** Workflow roles that read tenants' direct strings (backups, migrations). */
  readonly workflowReaders: readonly string[];
  /** The application's runtime roles: they read pooled strings. */
  readonly applicationReaders: readonly string[];
  readonly breakGlassArn?: string;
}

/**
 * An explicit key policy: named administrators manage the key and are the only writers of
 * the stack's parameters; workflow roles decrypt only the stack's direct strings, the
 * application only its pooled ones, all only through SSM of the key's region; nobody but
 * the break-glass principal can disable the key or schedule its deletion.
 */
export function credentialsKeyPolicy(access: CredentialsKeyAccess): PolicyDocument {
  if (!access.keyAdministrators.length) throw new Error("internal: a credentials key needs at least one administrator");
  const { partition } = arnParts(access.keyAdministrators[0]);
  const where = { partition, awsRegion: access.awsRegion };
  const through = (kinds: readonly CredentialKind[]) => ({
    StringEquals: { "kms:ViaService": ssmViaService(access.awsRegion) },
    StringLike: { [PARAMETER_CONTEXT_KEY]: kinds.map((k) => stackParameters(where, access.stack, k)) },
  });
  const statements: PolicyStatement[] = [
    // Unlike a vault key, the administrators keep PutKeyPolicy here: the key holds nothing
    // they cannot rewrite (they write every parameter it protects, from Neon's answers), and
    // adding an application role (applicationRoleArns) must not need break-glass.
    {
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: [...access.keyAdministrators] },
      Action: [...KEY_ADMIN_ACTIONS, ...KEY_POLICY_ACTIONS],
      Resource: "*",
    },
    {
      Sid: "StackWritesItsParametersThroughSsm",
      Effect: "Allow",
      Principal: { AWS: [...access.keyAdministrators] },
      Action: [...PARAMETER_WRITE_KEY_ACTIONS],
      Resource: "*",
      Condition: through(["direct", "pooled"]),
    },
  ];
  if (access.workflowReaders.length) {
    statements.push({
      Sid: "WorkflowsDecryptDirectStringsThroughSsm",
      Effect: "Allow",
      Principal: { AWS: [...access.workflowReaders] },
      Action: [...PARAMETER_DECRYPT_ACTIONS],
      Resource: "*",
      Condition: through(["direct"]),
    });
  }
  if (access.applicationReaders.length) {
    statements.push({
      Sid: "ApplicationDecryptsPooledStringsThroughSsm",
      Effect: "Allow",
      Principal: { AWS: [...access.applicationReaders] },
      Action: [...PARAMETER_DECRYPT_ACTIONS],
      Resource: "*",
      Condition: through(["pooled"]),
    });
  }
  statements.push(...keyBreakGlass(access.breakGlassArn));
  return policy(statements);
}

/** One region's credentials as a role sees them: the key, and the tenants it reads there. */
export interface CredentialGrant {
  readonly awsRegion: string;
  readonly keyArn: string;
  readonly tenants: readonly string[];
}

/** `tenant`: one parameter ARN per tenant; `class`: every tenant of the stack in the region (past IAM's inline size). */
export type CredentialScope = "tenant" | "class";

/** The statements that let a role read these tenants' strings of one kind: GetParameter on them, Decrypt through SSM. */
export function credentialReadStatements(
  stack: string,
  grants: readonly CredentialGrant[],
  kind: CredentialKind,
  scope: CredentialScope,
  sidPrefix = "ReadTenantCredentials",
): PolicyStatement[] {
  const used = grants.filter((g) => g.tenants.length);
  if (!used.length) return [];
  const resources = used.flatMap((g) => {
    const where = { ...arnParts(g.keyArn), awsRegion: g.awsRegion };
    return scope === "tenant" ? g.tenants.map((t) => parameterArn(where, stack, t, kind)) : [parameterArn(where, stack, "*", kind)];
  });
  return [
    { Sid: sidPrefix, Effect: "Allow", Action: [...PARAMETER_READ_ACTIONS], Resource: resources },
    {
      Sid: `${sidPrefix}Decrypt`,
      Effect: "Allow",
      Action: [...PARAMETER_DECRYPT_ACTIONS],
      Resource: used.map((g) => g.keyArn),
      Condition: { StringEquals: { "kms:ViaService": [...new Set(used.map((g) => ssmViaService(g.awsRegion)))] } },
    },
  ];
}

/**
 * The identity policy for the application's runtime role: read the pooled string of any
 * active tenant of this stack in the regions it serves, decrypting through SSM only.
 * The stack outputs it; attach it to the roles named in applicationRoleArns.
 */
export function applicationCredentialsPolicy(stack: string, grants: readonly CredentialGrant[]): PolicyDocument {
  return policy(credentialReadStatements(stack, grants, "pooled", "class", "ReadTenantPooledStrings"));
}
