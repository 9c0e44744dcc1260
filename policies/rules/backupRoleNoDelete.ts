import { mayAllowAction, statementsOf, type PolicyLike } from "../../src/core/iam/evaluate";
import { permissionsOf, trustOf, trustsWebIdentity } from "./roles";
import { TYPES, type Rule } from "./types";

/**
 * What no role a workflow can assume may hold, whatever it is for: erasing or re-tagging
 * backups, changing how a vault keeps them, giving them away, disabling or deleting keys,
 * and any way to grant itself more (IAM writes, passing or assuming other roles).
 */
export const FORBIDDEN_WORKFLOW_ROLE_ACTIONS = Object.freeze([
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteBucket",
  "s3:PutObjectTagging",
  "s3:PutObjectVersionTagging",
  "s3:DeleteObjectTagging",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutReplicationConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketAcl",
  "s3:PutObjectAcl",
  "s3:PutBucketObjectLockConfiguration",
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:CreateGrant",
  "iam:PassRole",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:UpdateAssumeRolePolicy",
  "iam:CreatePolicyVersion",
  "iam:CreateAccessKey",
  "sts:AssumeRole",
] as const);

/** Forbidden actions a document may allow (wildcards and NotAction included), ignoring resources and conditions. */
export function dangerousActions(doc: PolicyLike): string[] {
  const found = FORBIDDEN_WORKFLOW_ROLE_ACTIONS.filter((a) => mayAllowAction(doc, a));
  if (statementsOf(doc).some((s) => s.Effect === "Allow" && s.NotAction !== undefined)) return ["NotAction (allows everything but a list)", ...found];
  return [...found];
}

/** No permission that reaches a workflow role, by any path, allows erasing backups, changing vaults or keys, or escalating. */
export const backupRoleNoDelete: Rule = {
  name: "backup-role-no-delete",
  description:
    "No role a workflow can assume (trusting a web identity provider or anyone) holds, through a role policy, an inline policy, a managed policy or an attachment, any permission to delete or re-tag backups, change a vault's policy, lifecycle, versioning, replication or encryption, disable or delete a key or rewrite its policy, or grant itself more; a managed policy the stack does not declare (AmazonS3FullAccess) cannot be checked and fails.",
  enforcementLevel: "mandatory",
  validate(resources) {
    return resources
      .filter((r) => r.type === TYPES.role && trustsWebIdentity(trustOf(r)))
      .flatMap((role) =>
        permissionsOf(role, resources).flatMap((source) => {
          if (source.opaqueArn) {
            return [
              {
                urn: role.urn,
                message: `role ${role.name} gets ${source.opaqueArn} from ${source.from}: a policy the stack does not declare cannot be checked; grant workflow roles only the documents the stack builds`,
              },
            ];
          }
          const bad = source.document ? dangerousActions(source.document) : [];
          return bad.length
            ? [
                {
                  urn: role.urn,
                  message: `role ${role.name} is allowed ${bad.join(", ")} by ${source.from}, which could erase backups, weaken a vault or key, or escalate; a backup writer uploads (s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts) and a drill reader reads (s3:GetObject, s3:ListBucket), each with its key through S3`,
                },
              ]
            : [];
        }),
      );
  },
};
