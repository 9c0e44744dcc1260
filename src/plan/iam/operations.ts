/**
 * The operations role: what the tenant-operations workflows of this stack's own repository
 * (.github/workflows/tenant-restore.yml, tenant-export.yml) may do in the vaults, and who
 * may assume it; and who may assume the break-glass role (the stack's breakGlassPrincipal,
 * created by hand), whose trust `npm run stacks -- --break-glass-role-trust` prints. Pure;
 * proven by evaluation in test/operationsTrust.test.ts and test/operationsAccess.test.ts.
 *
 * Who: only the workflow files whose apply job assumes the role (OPERATION_WORKFLOW_ACCESS),
 * of the default branch, run from it, in the role's environment (tenant-operations;
 * break-glass: tenant-erasure, and the hand-written vault custody deploy's file only when its
 * owner names it: custodyWorkflowProblem says why no file is trusted by default): the
 * environment's subject and the token's `environment`, `job_workflow_ref` and `ref` claims
 * (src/plan/iam/ownWorkflowTrust.ts says why the subject alone would not do). A move's
 * workflows run in the same environments and assume no role: they never obtain one.
 * What: read any backup of the stack (a restore from a dump), write new objects under
 * exports/ only (an export, never replacing one), read exports (a shared link is signed
 * with these permissions), and use the vault keys through S3. No list, no delete, no
 * tag: erasure is the break-glass role's, in its own environment.
 */
import { EXPORTS_PREFIX, retentionClassPrefix } from "../../../tenants/naming";
import { BACKUP_READ_ACTIONS, BACKUP_UPLOAD_ACTIONS, policy, UPLOAD_KEY_ACTIONS, type PolicyDocument, type PolicyStatement } from "../vaults/plan";
import { s3ViaService } from "../vaults/policies";
import type { VaultGrant } from "./workflowAccess";
import { ownWorkflowTrust } from "./ownWorkflowTrust";
import { custodyWorkflowProblem, OPERATION_ROLES, operationRoleWorkflows, OPERATIONS_BRANCH, type OperationRole } from "../../core/repositoryContract";

/** What the operations role may do in a vault. */
export const OPERATOR_ACTIONS = Object.freeze([...BACKUP_READ_ACTIONS, ...BACKUP_UPLOAD_ACTIONS] as const);

/** The workflow files trusted with the role: its operation workflows (break-glass: and the custody deploy's file, when one is named). */
export function operationRoleWorkflowPaths(role: OperationRole, custodyWorkflow?: string): string[] {
  if (custodyWorkflow === undefined) return operationRoleWorkflows(role);
  if (role !== "breakGlass") throw new Error("internal: only the break-glass role trusts a custody workflow");
  const problem = custodyWorkflowProblem(custodyWorkflow);
  if (problem) throw new Error(`refusing the custody workflow ${problem}`);
  return [...operationRoleWorkflows(role), custodyWorkflow];
}

/**
 * The role's trust policy for the stack's repository (OWNER/REPOSITORY), refusing anything but
 * literal names; the break-glass role's trusts `custodyWorkflow` too when given.
 */
export function operationRoleTrust(oidcProviderArn: string, repository: string, role: OperationRole, custodyWorkflow?: string): PolicyDocument {
  const [owner, name, ...more] = repository.split("/");
  if (more.length || !owner || !name) throw new Error(`refusing an OIDC subject for ${JSON.stringify(repository)}: write OWNER/REPOSITORY`);
  return ownWorkflowTrust(
    oidcProviderArn,
    { owner, repository: name, branch: OPERATIONS_BRANCH },
    {
      sid: role === "operations" ? "TenantOperationsWorkflowsOnDefaultBranch" : "ErasureWorkflowsOnDefaultBranch",
      workflowPaths: operationRoleWorkflowPaths(role, custodyWorkflow),
      environments: [OPERATION_ROLES[role].environment],
    },
  );
}

/** The operations role's trust (the stack creates the role with it). */
export function operationsTrustPolicy(oidcProviderArn: string, repository: string): PolicyDocument {
  return operationRoleTrust(oidcProviderArn, repository, "operations");
}

/** Every retention class a vault holds backups of (its tenants', retired ones included). */
function classes(g: VaultGrant): number[] {
  return [...new Set(g.tenants.map((t) => t.retentionDays))].sort((a, b) => a - b);
}

/** The operations role's permissions over the stack's vaults. */
export function operatorPolicy(grants: readonly VaultGrant[]): PolicyDocument {
  const used = grants.filter((g) => g.tenants.length);
  const statements: PolicyStatement[] = [];
  const reads = used.flatMap((g) => [...classes(g).map((d) => `${g.bucketArn}/${retentionClassPrefix(d)}*`), `${g.bucketArn}/${EXPORTS_PREFIX}*`]);
  if (reads.length) statements.push({ Sid: "ReadBackupsAndExports", Effect: "Allow", Action: [...BACKUP_READ_ACTIONS], Resource: reads });
  if (used.length)
    statements.push({
      Sid: "WriteNewExports",
      Effect: "Allow",
      Action: [...BACKUP_UPLOAD_ACTIONS],
      Resource: used.map((g) => `${g.bucketArn}/${EXPORTS_PREFIX}*`),
    });
  statements.push({
    Sid: "NeverReplaceAnObject",
    Effect: "Deny",
    Action: "s3:PutObject",
    Resource: "*",
    Condition: { Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } },
  });
  const keyed = used.filter((g) => g.keyArn);
  if (keyed.length) {
    statements.push({
      Sid: "UseVaultKeysThroughS3",
      Effect: "Allow",
      Action: [...UPLOAD_KEY_ACTIONS],
      Resource: keyed.map((g) => g.keyArn!),
      Condition: { StringEquals: { "kms:ViaService": [...new Set(keyed.map((g) => s3ViaService(g.awsRegion)))] } },
    });
  }
  return policy(statements);
}
