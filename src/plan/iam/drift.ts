/**
 * The AWS role of the nightly drift workflow (.github/workflows/drift.yml): what `pulumi preview
 * --refresh` needs to read the stack's AWS resources, and nothing that writes or reads tenant
 * data. Created by hand like the CI roles (docs/drift.md prints how: `npm run drift --
 * role-policy`), trusting jobs of drift.yml on the default branch only.
 *
 * The reads are those the AWS provider's Read makes for each type the stack declares (the
 * Service Authorization Reference lists each action's access level: "Read" or "List";
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html,
 * list_awskeymanagementservice.html, list_awsidentityandaccessmanagementiam.html,
 * list_awssystemsmanager.html). Data reads are denied outright, so a wildcard can never
 * reach them: backup objects (s3:GetObject*), decryption with a vault or credentials key
 * (kms:Decrypt, kms:GenerateDataKey*), connection strings (ssm:GetParameter*).
 * test/driftRole.test.ts proves with src/core/iam/evaluate.ts that every write action the
 * deploy role needs (src/engine/doctor/awsActions.ts) and every data read is denied.
 */
import { DRIFT_ENVIRONMENT, DRIFT_WORKFLOW_PATH } from "../../core/repositoryContract";
import { ownWorkflowTrust } from "./ownWorkflowTrust";
import type { GithubRepositoryRef } from "./workflowAccess";
import type { PolicyDocument } from "../vaults/plan";

/** The actions the refresh reads with, per service (Read and List access levels only). */
export const DRIFT_READ_ACTIONS: readonly string[] = [
  // s3 bucket read: HeadBucket is authorised as s3:ListBucket (object names, never contents).
  "s3:ListBucket",
  "s3:GetBucket*",
  "s3:GetLifecycleConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucketObjectLockConfiguration",
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListResourceTags",
  "kms:ListAliases",
  "iam:GetRole",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:GetRolePolicy",
  "iam:GetOpenIDConnectProvider",
  "ssm:DescribeParameters",
  "ssm:ListTagsForResource",
];

/** Reads of tenant data or secrets: denied whatever else allows them. */
export const DRIFT_DENIED_DATA_READS: readonly string[] = ["s3:GetObject*", "kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "ssm:GetParameter*"];

/** The drift role's identity policy. */
export function driftRolePolicy(): { Version: string; Statement: Record<string, unknown>[] } {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadWhatTheStackDeclares", Effect: "Allow", Action: [...DRIFT_READ_ACTIONS], Resource: "*" },
      { Sid: "NeverTenantDataOrSecrets", Effect: "Deny", Action: [...DRIFT_DENIED_DATA_READS], Resource: "*" },
    ],
  };
}

/**
 * The drift role's trust policy: GitHub's OIDC tokens of jobs of drift.yml on the default
 * branch, in the environment that holds the drift's secrets (DRIFT_ENVIRONMENT), only. This
 * repository keeps GitHub's default subject template, as the deploy roles' trust does, so the
 * subject is the environment's and the workflow file and branch are the token's own claims
 * (src/plan/iam/ownWorkflowTrust.ts says why the subject alone would not do).
 */
export function driftRoleTrust(oidcProviderArn: string, repo: GithubRepositoryRef): PolicyDocument {
  return ownWorkflowTrust(oidcProviderArn, repo, {
    sid: "DriftWorkflowOnDefaultBranch",
    workflowPaths: [DRIFT_WORKFLOW_PATH],
    environments: [DRIFT_ENVIRONMENT],
  });
}
