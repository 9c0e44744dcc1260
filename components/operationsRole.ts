/**
 * OperationsRole: the AWS role the tenant-operations workflows of the stack's own
 * repository assume (restores from dumps, exports), trusted only for their jobs of the
 * default branch in its tenant-operations environment, with the trust and permissions of
 * src/plan/iam/operations.ts. A change of the trust is an in-place update of the role's
 * assumeRolePolicy (terraform-provider-aws, internal/service/iam/role.go: resourceRoleUpdate
 * calls UpdateAssumeRolePolicy; neither it nor description forces a new role): its name and
 * ARN stay. Like the
 * workflow roles, it and the vaults name each other: construct it, then the vaults (which
 * bound it in their bucket and key policies), then call `grant`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { OPERATOR_PURPOSE, PURPOSE_TAG, STACK_TAG } from "../src/core/tags";
import type { BackupVault } from "./backupVault";
import { operationRoleWorkflowPaths, operationsTrustPolicy, operatorPolicy } from "../src/plan/iam/operations";
import { OPERATIONS_BRANCH, OPERATIONS_ENVIRONMENT } from "../src/core/repositoryContract";
import type { VaultGrant } from "../src/plan/iam/workflowAccess";

export interface OperationsRoleArgs {
  /** OWNER/REPOSITORY of the stack's repository. */
  readonly repository: string;
  /** The account's GitHub OIDC provider (the workflow roles' one). */
  readonly providerArn: pulumi.Input<string>;
  /** Stack name, in the role's description and tags. */
  readonly stack: string;
}

export class OperationsRole extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:OperationsRole";
  readonly role: aws.iam.Role;
  readonly arn: pulumi.Output<string>;

  constructor(
    private readonly name: string,
    args: OperationsRoleArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(OperationsRole.TYPE, name, {}, opts);
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `tenant-fleet ${args.stack}: tenant operations (restores from dumps, exports); reads backups, writes new exports; assumed only by ${operationRoleWorkflowPaths(
          "operations",
        )
          .map((p) => p.split("/").pop())
          .join(" and ")} of ${args.repository} on ${OPERATIONS_BRANCH} in its ${OPERATIONS_ENVIRONMENT} environment`,
        assumeRolePolicy: pulumi.output(args.providerArn).apply((arn) => JSON.stringify(operationsTrustPolicy(arn, args.repository))),
        maxSessionDuration: 3600,
        tags: { [STACK_TAG]: args.stack, [PURPOSE_TAG]: OPERATOR_PURPOSE },
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }

  /** Its permissions over the vaults, once they exist. */
  grant(vaults: readonly { readonly vault: BackupVault; readonly tenants: VaultGrant["tenants"] }[]): void {
    const grants = pulumi.all(
      vaults.map(({ vault, tenants }) =>
        pulumi.all([vault.bucketArn, vault.keyArn]).apply(([bucketArn, keyArn]): VaultGrant => ({ awsRegion: vault.awsRegion, bucketArn, keyArn, tenants })),
      ),
    );
    new aws.iam.RolePolicy(
      `${this.name}-permissions`,
      { role: this.role.id, policy: grants.apply((g) => JSON.stringify(operatorPolicy(g))) },
      { parent: this },
    );
  }
}
