/**
 * Pure builders for the identity side of the backups: which GitHub workflow may assume
 * which AWS role (the OIDC subjects and trust policies), and what each role may do (its
 * permission document). One role per purpose, each trusted only by the generated workflow
 * files that need it, on the default branch; proven by evaluation in
 * test/leastPrivilege.test.ts.
 */
import { backupPrefix, retentionClassPrefix } from "../../../tenants/naming";
import {
  BACKUP_LIST_ACTIONS,
  BACKUP_READ_ACTIONS,
  BACKUP_UPLOAD_ACTIONS,
  policy,
  READ_KEY_ACTIONS,
  UPLOAD_KEY_ACTIONS,
  type PolicyDocument,
  type PolicyStatement,
} from "../vaults/plan";
import { s3ViaService } from "../vaults/policies";

// ---------------------------------------------------------------------------------------
// GitHub OIDC

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/** The ARN of GitHub's OIDC provider in an AWS account, as a role's trust names it. */
export const GITHUB_OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;

/**
 * The claims the application repository's OIDC subject is made of (the stack sets this
 * template on the repository). `job_workflow_ref` names the workflow file and the ref it
 * ran from, so a trust can name exact files on the default branch; no environment
 * (`context`) is included, so one subject serves every tenant of a file whatever the
 * secret scope. GitHub URL-encodes `:` inside claim values, so no value can forge another
 * claim. Subjects read `repo:OWNER/REPO:job_workflow_ref:OWNER/REPO/.github/workflows/F.yml@refs/heads/main`.
 */
export const OIDC_SUBJECT_CLAIM_KEYS = Object.freeze(["repo", "job_workflow_ref"] as const);

export type { SecretScope } from "../../core/repositoryContract";
import type { SecretScope } from "../../core/repositoryContract";
import { credentialReadStatements, type CredentialGrant } from "./credentials";

export interface GithubRepositoryRef {
  readonly owner: string;
  readonly repository: string;
  readonly branch: string;
  /** Numeric ids, for repositories whose OIDC subjects carry them (created after 2026-07-15). */
  readonly ownerId?: string;
  readonly repositoryId?: string;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;
const NUMERIC = /^[0-9]{1,20}$/;
const WORKFLOW_PATH = /^\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml$/;

/** `repo:OWNER/REPO`, or `repo:OWNER@ID/REPO@ID` when the ids are known. Refuses anything wildcard-like. */
export function subjectRepository(repo: GithubRepositoryRef): string {
  if (!OWNER.test(repo.owner) || !REPO.test(repo.repository)) {
    throw new Error(`refusing an OIDC subject for ${JSON.stringify(`${repo.owner}/${repo.repository}`)}: owner and repository must be literal names`);
  }
  if (!BRANCH.test(repo.branch) || repo.branch.includes("*")) {
    throw new Error(`refusing an OIDC subject for branch ${JSON.stringify(repo.branch)}: it must be a literal branch name`);
  }
  for (const id of [repo.ownerId, repo.repositoryId]) {
    if (id !== undefined && !NUMERIC.test(id)) throw new Error(`refusing an OIDC subject with id ${JSON.stringify(id)}: ids are numbers`);
  }
  if ((repo.ownerId === undefined) !== (repo.repositoryId === undefined)) {
    throw new Error("refusing an OIDC subject with only one of the owner and repository ids: give both or neither");
  }
  const owner = repo.ownerId ? `${repo.owner}@${repo.ownerId}` : repo.owner;
  const name = repo.repositoryId ? `${repo.repository}@${repo.repositoryId}` : repo.repository;
  return `repo:${owner}/${name}`;
}

/** The exact subject of a job that runs `path` from the default branch of the repository. */
export function workflowSubject(repo: GithubRepositoryRef, path: string): string {
  if (!WORKFLOW_PATH.test(path)) throw new Error(`refusing an OIDC subject for workflow ${JSON.stringify(path)}: it must be a file in .github/workflows`);
  return `${subjectRepository(repo)}:job_workflow_ref:${repo.owner}/${repo.repository}/${path}@refs/heads/${repo.branch}`;
}

/**
 * Trust for one purpose: tokens of GitHub's provider for AWS, whose subject is one of the
 * given workflow files on the default branch. Exact strings only (StringEquals): no
 * pattern another file, branch, environment or pull request could match.
 */
export function workflowTrustPolicy(oidcProviderArn: string, subjects: readonly string[]): PolicyDocument {
  if (!subjects.length) throw new Error("internal: a workflow role needs at least one workflow to trust");
  return policy([
    {
      Sid: "GeneratedWorkflowsOnDefaultBranch",
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: [...subjects] } },
    },
  ]);
}

/** The length IAM counts: the document without whitespace outside strings. */
export function policyLength(doc: PolicyDocument): number {
  return JSON.stringify(doc).length;
}

/** A provider ARN of the longest partition, so size checks never depend on the account. */
const WORST_PROVIDER_ARN = `arn:aws-us-gov:iam::123456789012:oidc-provider/${GITHUB_OIDC_HOST}`;

/** The trust policy's length for these workflow files, before any ARN is known. */
export function trustPolicyLength(repo: GithubRepositoryRef, paths: readonly string[]): number {
  return policyLength(
    workflowTrustPolicy(
      WORST_PROVIDER_ARN,
      paths.map((p) => workflowSubject(repo, p)),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Permissions

export type RolePurpose = "backupWriter" | "drillReader" | "migrator";

/**
 * What each role is for, and the generated workflow kind that assumes it. `regionScopeOnly`:
 * the role exists only where tenants' credentials live in AWS (secretScope region).
 */
export const ROLE_PURPOSES = Object.freeze({
  backupWriter: {
    workflowKind: "backup",
    title: "backup writer",
    regionScopeOnly: false,
    description:
      "uploads new backups of the tenants that back up (and, in the region scope, reads their direct connection strings); cannot read, overwrite, retag or delete backups",
  },
  drillReader: {
    workflowKind: "restore-drill",
    title: "drill reader",
    regionScopeOnly: false,
    description: "lists and reads the backups of the tenants it drills; cannot write or delete",
  },
  migrator: {
    workflowKind: "migrations",
    title: "migrations",
    regionScopeOnly: true,
    description: "reads the direct connection strings of the tenants it migrates; no backup access",
  },
} as const);

/** The purposes a stack has roles for, by secret scope. */
export function rolePurposes(scope: SecretScope): RolePurpose[] {
  return (Object.keys(ROLE_PURPOSES) as RolePurpose[]).filter((p) => scope === "region" || !ROLE_PURPOSES[p].regionScopeOnly);
}

/** The region scope's credentials a role reads: the stack (its SSM path) and, per region, the key and tenants. */
export interface CredentialAccess {
  readonly stack: string;
  readonly grants: readonly CredentialGrant[];
}

/** One vault as the roles see it: its ARNs and the tenants (with their retention class) they serve there. */
export interface VaultGrant {
  readonly awsRegion: string;
  readonly bucketArn: string;
  readonly keyArn?: string;
  readonly tenants: readonly { readonly id: string; readonly retentionDays: number }[];
}

/**
 * `tenant`: one key prefix per tenant (`retain-14d/acme-corp/*`). `class`: one prefix per
 * retention class in use (`retain-14d/*`), for fleets whose per-tenant prefixes would pass
 * IAM's limit of 10,240 characters of inline policy per role.
 */
export type GrantScope = "tenant" | "class";

/** IAM allows 10,240 characters of inline policy per role; keep room for the unexpected. */
export const INLINE_POLICY_BUDGET = 9_000;

function classesOf(g: VaultGrant): number[] {
  return [...new Set(g.tenants.map((t) => t.retentionDays))].sort((a, b) => a - b);
}

function objectPrefixes(g: VaultGrant, scope: GrantScope): string[] {
  return scope === "tenant" ? g.tenants.map((t) => backupPrefix(t.id, t.retentionDays)) : classesOf(g).map((d) => retentionClassPrefix(d));
}

function keyStatement(Sid: string, grants: readonly VaultGrant[], actions: readonly string[]): PolicyStatement[] {
  const keyed = grants.filter((g) => g.keyArn && g.tenants.length);
  if (!keyed.length) return [];
  return [
    {
      Sid,
      Effect: "Allow",
      Action: [...actions],
      Resource: keyed.map((g) => g.keyArn!),
      Condition: { StringEquals: { "kms:ViaService": [...new Set(keyed.map((g) => s3ViaService(g.awsRegion)))] } },
    },
  ];
}

/**
 * The backup writer: upload (single PUT or multipart) under the prefix of each tenant it
 * backs up, in that tenant's retention class, and only as a new object; use the vault keys
 * only through S3. To leave an idle tenant asleep (sh/unchanged-check.sh) it also reads
 * under those prefixes, which the vault's bucket policy narrows to the backups' manifests
 * (BackupWriterReadsOnlyManifests: tables, row counts, times; never a dump), and lists its
 * retention classes (key names: tenant ids and times). Both ride on statements of the size
 * the uploads already need, so a fleet keeps per-tenant upload grants as long as before.
 * Nothing else: no dump read, no tag, no delete.
 */
export function backupWriterPolicy(grants: readonly VaultGrant[], scope: GrantScope, credentials?: CredentialAccess): PolicyDocument {
  const used = grants.filter((g) => g.tenants.length);
  const resources = used.flatMap((g) => objectPrefixes(g, scope).map((p) => `${g.bucketArn}/${p}*`));
  const actions = [...BACKUP_UPLOAD_ACTIONS, ...BACKUP_READ_ACTIONS];
  return policy([
    ...(resources.length ? [{ Sid: "UploadNewBackupsReadManifests", Effect: "Allow" as const, Action: actions, Resource: resources }] : []),
    ...used.map((g, i): PolicyStatement => ({
      Sid: `ListBackupClasses${i}`,
      Effect: "Allow",
      Action: [...BACKUP_LIST_ACTIONS],
      Resource: g.bucketArn,
      Condition: { StringLike: { "s3:prefix": objectPrefixes(g, "class").map((p) => `${p}*`) } },
    })),
    {
      Sid: "NeverReplaceABackup",
      Effect: "Deny",
      Action: "s3:PutObject",
      Resource: "*",
      Condition: { Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } },
    },
    ...keyStatement("EncryptThroughS3", used, UPLOAD_KEY_ACTIONS),
    ...(credentials ? credentialReadStatements(credentials.stack, credentials.grants, "direct", scope) : []),
  ]);
}

/** The migrations role (region scope): read the direct strings of the tenants it migrates, through SSM; nothing else. */
export function migratorPolicy(credentials: CredentialAccess, scope: GrantScope): PolicyDocument {
  const statements = credentialReadStatements(credentials.stack, credentials.grants, "direct", scope);
  if (!statements.length) throw new Error("internal: a migrations role needs tenants to read");
  return policy(statements);
}

/**
 * The drill reader: list and read the backups of each tenant it drills (active tenants
 * that back up), in their current retention class; decrypt only through S3. Retired
 * tenants' backups and other stacks' vaults are out of reach.
 */
export function drillReaderPolicy(grants: readonly VaultGrant[], scope: GrantScope): PolicyDocument {
  const used = grants.filter((g) => g.tenants.length);
  const statements: PolicyStatement[] = used.map((g, i): PolicyStatement => ({
    Sid: `ListDrilledBackups${i}`,
    Effect: "Allow",
    Action: [...BACKUP_LIST_ACTIONS],
    Resource: g.bucketArn,
    Condition:
      scope === "tenant"
        ? { StringEquals: { "s3:prefix": objectPrefixes(g, scope) } }
        : { StringLike: { "s3:prefix": objectPrefixes(g, scope).map((p) => `${p}*`) } },
  }));
  const reads = used.flatMap((g) => objectPrefixes(g, scope).map((p) => `${g.bucketArn}/${p}*`));
  if (reads.length) statements.push({ Sid: "ReadDrilledBackups", Effect: "Allow", Action: [...BACKUP_READ_ACTIONS], Resource: reads });
  statements.push(...keyStatement("DecryptThroughS3", used, READ_KEY_ACTIONS));
  return policy(statements);
}

/** Longest ARNs possible, so the choice depends only on the tenants, never on generated names. */
const WORST_BUCKET_ARN = `arn:aws-us-gov:s3:::${"x".repeat(63)}`;
const WORST_KEY_ARN = `arn:aws-us-gov:kms:ap-southeast-2:123456789012:key/${"0".repeat(36)}`;

/** The vaults as plain data, with the longest ARNs, for deciding the scope before any ARN is known. */
export interface VaultShape {
  readonly awsRegion: string;
  readonly hasKey: boolean;
  readonly tenants: VaultGrant["tenants"];
}

function worstGrants(vaults: readonly VaultShape[]): VaultGrant[] {
  return vaults.map((v) => ({ awsRegion: v.awsRegion, bucketArn: WORST_BUCKET_ARN, keyArn: v.hasKey ? WORST_KEY_ARN : undefined, tenants: v.tenants }));
}

/** Credentials as plain data: per region, the tenants a role reads there. */
export interface CredentialShape {
  readonly awsRegion: string;
  readonly tenants: readonly string[];
}

function worstCredentials(stack: string, shapes: readonly CredentialShape[] | undefined): CredentialAccess | undefined {
  return shapes ? { stack, grants: shapes.map((c) => ({ awsRegion: c.awsRegion, keyArn: WORST_KEY_ARN, tenants: c.tenants })) } : undefined;
}

/**
 * Per role, per-tenant prefixes (and parameters) where they fit IAM's inline policy size,
 * else per retention class (and the stack's parameters in each region). Decided on plain data.
 */
export function grantScopes(
  vaults: readonly VaultShape[],
  credentials?: { readonly stack: string; readonly backedUp: readonly CredentialShape[]; readonly migrated: readonly CredentialShape[] },
): Record<RolePurpose, GrantScope> {
  const worst = worstGrants(vaults);
  const fits = (doc: PolicyDocument) => policyLength(doc) <= INLINE_POLICY_BUDGET;
  const backedUp = worstCredentials(credentials?.stack ?? "", credentials?.backedUp);
  const migrated = worstCredentials(credentials?.stack ?? "", credentials?.migrated);
  return {
    backupWriter: fits(backupWriterPolicy(worst, "tenant", backedUp)) ? "tenant" : "class",
    drillReader: fits(drillReaderPolicy(worst, "tenant")) ? "tenant" : "class",
    migrator: !migrated || !migrated.grants.some((g) => g.tenants.length) || fits(migratorPolicy(migrated, "tenant")) ? "tenant" : "class",
  };
}
