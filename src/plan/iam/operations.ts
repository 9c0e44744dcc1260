/**
 * The operations role: what the tenant-operations workflows of this stack's own repository
 * (.github/workflows/tenant-restore.yml, tenant-export.yml) may do in the vaults, and who
 * may assume it. Pure; proven by evaluation in test/operationsAccess.test.ts.
 *
 * Who: only jobs of the stack's repository that run in its `tenant-operations` environment
 * (required reviewers, default branch only): GitHub's default OIDC subject for such a job
 * is `repo:OWNER/REPO:environment:tenant-operations`, matched exactly.
 * What: read any backup of the stack (a restore from a dump), write new objects under
 * exports/ only (an export, never replacing one), read exports (a shared link is signed
 * with these permissions), and use the vault keys through S3. No list, no delete, no
 * tag: erasure is the break-glass role's, in its own environment.
 */
import { EXPORTS_PREFIX, retentionClassPrefix } from "../../../tenants/naming";
import { BACKUP_READ_ACTIONS, BACKUP_UPLOAD_ACTIONS, policy, UPLOAD_KEY_ACTIONS, type PolicyDocument, type PolicyStatement } from "../vaults/plan";
import { s3ViaService } from "../vaults/policies";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, subjectRepository, type VaultGrant } from "./workflowAccess";
import { OPERATIONS_ENVIRONMENT } from "../../core/repositoryContract";

/** What the operations role may do in a vault. */
export const OPERATOR_ACTIONS = Object.freeze([...BACKUP_READ_ACTIONS, ...BACKUP_UPLOAD_ACTIONS] as const);

/** `repo:OWNER/REPO:environment:tenant-operations`: GitHub's default subject of a job in that environment. */
export function operationsSubject(repository: string): string {
  const [owner, name, ...more] = repository.split("/");
  if (more.length || !owner || !name) throw new Error(`refusing an OIDC subject for ${JSON.stringify(repository)}: write OWNER/REPOSITORY`);
  return `${subjectRepository({ owner, repository: name, branch: "main" })}:environment:${OPERATIONS_ENVIRONMENT}`;
}

export function operationsTrustPolicy(oidcProviderArn: string, repository: string): PolicyDocument {
  return policy([
    {
      Sid: "TenantOperationsEnvironmentOnly",
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: operationsSubject(repository) } },
    },
  ]);
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
