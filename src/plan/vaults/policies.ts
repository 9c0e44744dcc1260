/**
 * The vault's policy documents: the bucket policy, which only denies, and the vault key's
 * policy, with the break-glass statements every customer-managed key of the stack ends with.
 * Pure data like ./plan.ts, whose IAM vocabulary and action lists they are written in.
 */
import { EXPORTS_PREFIX } from "../../../tenants/naming";
import {
  BACKUP_DESTRUCTION_ACTIONS,
  BACKUP_LIST_ACTIONS,
  BACKUP_READ_ACTIONS,
  BACKUP_UPLOAD_ACTIONS,
  MANIFEST_SUFFIX,
  KEY_ADMIN_ACTIONS,
  KEY_DESTRUCTION_ACTIONS,
  KEY_POLICY_ACTIONS,
  KEY_POLICY_GUARD_SID,
  policy,
  READ_KEY_ACTIONS,
  UPLOAD_KEY_ACTIONS,
  VAULT_CONFIGURATION_ACTIONS,
  VAULT_GUARD_SID,
  type BackupEncryption,
  type PolicyDocument,
  type PolicyStatement,
} from "./plan";

/** Who the vault's policies name. */
export interface VaultAccess {
  /** The backup writer role (absent when no tenant here backs up). */
  readonly writerRoleArn?: string;
  /** The restore-drill reader role. */
  readonly readerRoleArn?: string;
  /** The operations role (restores from dumps, exports), when the stack has one. */
  readonly operatorRoleArn?: string;
  /** IAM principals that administer the vault key: the identities that run `pulumi up`. */
  readonly keyAdministrators: readonly string[];
  /**
   * The one principal that may delete backups, schedule key deletion and, once a vault
   * exists, change its configuration and its key's policy. Unset: nobody may delete or
   * destroy, and the configuration stays with whoever IAM allows (the deploy identity).
   */
  readonly breakGlassArn?: string;
}

/**
 * Whether a vault's configuration and key policy are kept to break-glass: only when there is
 * a break-glass principal. Without one, guarding them would freeze every vault for good (a
 * key policy nobody may change can only be fixed by AWS Support), so they stay with the
 * deploy identity as before and the stack's plan warns (src/plan/inputs.ts).
 */
export function vaultGuarded(access: Pick<VaultAccess, "breakGlassArn">): boolean {
  return access.breakGlassArn !== undefined;
}

/**
 * `bypassPolicyLockoutSafetyCheck` for a vault key: true exactly when its policy keeps
 * `kms:PutKeyPolicy` from the key administrators, that is from the identity that creates the
 * key. KMS refuses such a policy unless the request bypasses the check ("use this parameter
 * only when you intend to prevent the principal that is making the request from making a
 * subsequent PutKeyPolicy request", CreateKey in the AWS KMS API Reference,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html): here that is the
 * intent. The key stays manageable by break-glass, which the policy allows PutKeyPolicy.
 */
export function keyBypassesLockoutCheck(access: Pick<VaultAccess, "breakGlassArn">): boolean {
  return vaultGuarded(access);
}

/**
 * Everyone but break-glass. `aws:PrincipalArn` is the role's ARN for any session of the role,
 * never the `sts:…:assumed-role/…` session ARN ("Do not specify the assumed role session ARN
 * as a value for this condition key", aws:PrincipalArn in the IAM User Guide,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn),
 * so every session the erasure or custody job opens is excepted, and nobody else.
 */
function exceptBreakGlass(breakGlassArn?: string): Pick<PolicyStatement, "Condition"> {
  return breakGlassArn ? { Condition: { ArnNotEquals: { "aws:PrincipalArn": breakGlassArn } } } : {};
}

/** What every object put must be: over TLS, new (never an overwrite or a copy), and encrypted the vault's way. */
function objectPutDenies(bucketArn: string, encryption: BackupEncryption, keyArn: string | undefined): PolicyStatement[] {
  const objects = `${bucketArn}/*`;
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, objects],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyOverwrites",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } },
    },
    { Sid: "DenyCopies", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: objects, Condition: { Null: { "s3:x-amz-copy-source": "false" } } },
    {
      Sid: "DenyOtherEncryption",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: {
        Null: { "s3:x-amz-server-side-encryption": "false" },
        StringNotEquals: { "s3:x-amz-server-side-encryption": encryption === "kms" ? "aws:kms" : "AES256" },
      },
    },
  ];
  if (encryption === "kms") {
    if (!keyArn) throw new Error("internal: a KMS vault needs its key ARN");
    statements.push({
      Sid: "DenyOtherKmsKeys",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: {
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn },
      },
    });
  }
  return statements;
}

/**
 * The bucket policy grants nothing; it only denies, to everyone it concerns, whatever the
 * identity policies of the account might otherwise allow:
 * - any request without TLS;
 * - an upload that would replace an existing backup (S3 conditional writes: `PutObject` and
 *   `CompleteMultipartUpload` must carry `If-None-Match: *`; the multipart steps that cannot
 *   carry it are exempt through `s3:ObjectCreationOperation`), and server-side copies;
 * - an upload naming another encryption or key: only where the request carries the header
 *   (Null false), since multipart parts carry none and default encryption covers requests
 *   without it (a negated operator, with or without IfExists, matches a missing header and
 *   would refuse every part);
 * - deletes, tag and retention changes, to all but the break-glass principal;
 * - with a break-glass principal, any change to the vault's configuration (lifecycle, this
 *   policy, versioning, public access block, Object Lock, ownership, encryption, replication)
 *   to all but break-glass: the deploy identity creates them before this policy exists
 *   (components/backupVault.ts orders them) and cannot change them afterwards;
 * - to each workflow role, every action but its own.
 */
export function bucketPolicy(
  bucketArn: string,
  encryption: BackupEncryption,
  keyArn: string | undefined,
  access: Omit<VaultAccess, "keyAdministrators">,
): PolicyDocument {
  const objects = `${bucketArn}/*`;
  const statements = objectPutDenies(bucketArn, encryption, keyArn);
  statements.push({
    Sid: "DenyErasureButBreakGlass",
    Effect: "Deny",
    Principal: "*",
    Action: [...BACKUP_DESTRUCTION_ACTIONS],
    Resource: [bucketArn, objects],
    ...exceptBreakGlass(access.breakGlassArn),
  });
  if (vaultGuarded(access)) {
    statements.push({
      Sid: VAULT_GUARD_SID,
      Effect: "Deny",
      Principal: "*",
      Action: [...VAULT_CONFIGURATION_ACTIONS],
      Resource: bucketArn,
      ...exceptBreakGlass(access.breakGlassArn),
    });
  }
  const roleBoundary = (Sid: string, roleArn: string | undefined, allowed: readonly string[]) =>
    roleArn
      ? [
          {
            Sid,
            Effect: "Deny" as const,
            Principal: "*" as const,
            NotAction: [...allowed],
            Resource: [bucketArn, objects],
            Condition: { ArnEquals: { "aws:PrincipalArn": roleArn } },
          },
        ]
      : [];
  // The writer also lists, and reads manifests (never a dump): the nightly check that leaves an idle tenant asleep.
  statements.push(...roleBoundary("BackupWriterUploadsOnly", access.writerRoleArn, [...BACKUP_UPLOAD_ACTIONS, ...BACKUP_LIST_ACTIONS, ...BACKUP_READ_ACTIONS]));
  if (access.writerRoleArn) {
    statements.push({
      Sid: "BackupWriterReadsOnlyManifests",
      Effect: "Deny",
      Principal: "*",
      Action: [...BACKUP_READ_ACTIONS],
      NotResource: `${bucketArn}/*${MANIFEST_SUFFIX}`,
      Condition: { ArnEquals: { "aws:PrincipalArn": access.writerRoleArn } },
    });
  }
  statements.push(...roleBoundary("DrillReaderReadsOnly", access.readerRoleArn, [...BACKUP_READ_ACTIONS, ...BACKUP_LIST_ACTIONS]));
  // The operations role reads and uploads; it uploads only under exports/, whatever its identity policy says.
  statements.push(...roleBoundary("OperatorReadsAndExportsOnly", access.operatorRoleArn, [...BACKUP_READ_ACTIONS, ...BACKUP_UPLOAD_ACTIONS]));
  if (access.operatorRoleArn) {
    statements.push({
      Sid: "OperatorUploadsOnlyExports",
      Effect: "Deny",
      Principal: "*",
      Action: [...BACKUP_UPLOAD_ACTIONS],
      NotResource: `${bucketArn}/${EXPORTS_PREFIX}*`,
      Condition: { ArnEquals: { "aws:PrincipalArn": access.operatorRoleArn } },
    });
  }
  return policy(statements);
}

/** `s3.<region>.amazonaws.com`: the only way workflow roles may use a vault key. */
export function s3ViaService(awsRegion: string): string {
  return `s3.${awsRegion}.amazonaws.com`;
}

/**
 * An explicit key policy instead of AWS's default (which lets any IAM administrator of the
 * account use, disable or delete the key): named administrators manage it, the workflow
 * roles use it only through S3 in its region, and nobody but the break-glass principal can
 * disable it or schedule its deletion. With a break-glass principal, nobody else may rewrite
 * the policy either (an administrator who could would grant itself the deletion); the key is
 * then created with `keyBypassesLockoutCheck`.
 */
export function vaultKeyPolicy(awsRegion: string, access: VaultAccess): PolicyDocument {
  if (!access.keyAdministrators.length) throw new Error("internal: a vault key needs at least one administrator");
  const viaS3 = { StringEquals: { "kms:ViaService": s3ViaService(awsRegion) } };
  const guarded = vaultGuarded(access);
  const statements: PolicyStatement[] = [
    {
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: [...access.keyAdministrators] },
      Action: guarded ? [...KEY_ADMIN_ACTIONS] : [...KEY_ADMIN_ACTIONS, ...KEY_POLICY_ACTIONS],
      Resource: "*",
    },
  ];
  if (access.writerRoleArn) {
    statements.push({
      Sid: "BackupWriterEncryptsThroughS3",
      Effect: "Allow",
      Principal: { AWS: access.writerRoleArn },
      Action: [...UPLOAD_KEY_ACTIONS],
      Resource: "*",
      Condition: viaS3,
    });
  }
  if (access.operatorRoleArn) {
    statements.push({
      Sid: "OperatorUsesThroughS3",
      Effect: "Allow",
      Principal: { AWS: access.operatorRoleArn },
      Action: [...UPLOAD_KEY_ACTIONS],
      Resource: "*",
      Condition: viaS3,
    });
  }
  if (access.readerRoleArn) {
    statements.push({
      Sid: "DrillReaderDecryptsThroughS3",
      Effect: "Allow",
      Principal: { AWS: access.readerRoleArn },
      Action: [...READ_KEY_ACTIONS],
      Resource: "*",
      Condition: viaS3,
    });
  }
  statements.push(...keyBreakGlass(access.breakGlassArn));
  if (guarded)
    statements.push({
      Sid: KEY_POLICY_GUARD_SID,
      Effect: "Deny",
      Principal: "*",
      Action: [...KEY_POLICY_ACTIONS],
      Resource: "*",
      ...exceptBreakGlass(access.breakGlassArn),
    });
  return policy(statements);
}

/**
 * The end of every customer-managed key policy of the stack: the break-glass principal
 * (when there is one) alone may disable the key or schedule its deletion, and undo that;
 * everyone else is denied both, whatever else allows them.
 */
export function keyBreakGlass(breakGlassArn: string | undefined): PolicyStatement[] {
  return [
    ...(breakGlassArn
      ? [
          {
            Sid: "BreakGlass",
            Effect: "Allow" as const,
            Principal: { AWS: breakGlassArn },
            Action: [...KEY_DESTRUCTION_ACTIONS, "kms:CancelKeyDeletion", "kms:EnableKey", "kms:DescribeKey", "kms:GetKeyPolicy", ...KEY_POLICY_ACTIONS],
            Resource: "*",
          },
        ]
      : []),
    {
      Sid: "DenyKeyDestructionButBreakGlass",
      Effect: "Deny",
      Principal: "*",
      Action: [...KEY_DESTRUCTION_ACTIONS],
      Resource: "*",
      ...exceptBreakGlass(breakGlassArn),
    },
  ];
}
