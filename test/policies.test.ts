/**
 * The policy pack's rules, engine-free: a compliant and a violating fixture per rule, the
 * inventory of rules and levels, the committed policy configs, and the whole pack against
 * the resources the real program declares (mock runtime).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RULES } from "../policies/rules";
import { actionMatches, evaluate } from "../src/core/iam/evaluate";
import { stackHostileTokens } from "../policies/rules/oidcRoleTrust";
import { operationRoleWorkflowPaths, operationsTrustPolicy } from "../src/plan/iam/operations";
import { ownWorkflowTrust } from "../src/plan/iam/ownWorkflowTrust";
import type { RuleResource } from "../policies/rules/types";
import { unpinnedActions } from "../policies/rules/workflowActionsPinned";
import { credentialFindings } from "../policies/rules/workflowNoLiteralCredentials";
import { dangerousActions } from "../policies/rules/backupRoleNoDelete";
import { lifecycleRules } from "../src/plan/vaults/plan";
import { bucketPolicy, vaultKeyPolicy } from "../src/plan/vaults/policies";
import { backupWriterPolicy, workflowSubject, workflowTrustPolicy } from "../src/plan/iam/workflowAccess";
import { toRuleResources } from "../src/engine/offline";
import { ROOT, runProgram } from "./program";

const rule = (name: string) => RULES.find((r) => r.name === name)!;
const OIDC = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const GHES = "arn:aws:iam::123456789012:oidc-provider/ghes.example.com/_services/token";
const repo = { owner: "example-saas", repository: "app", branch: "main" };
const TRUST_CONFIG = { repository: "example-saas/app", branch: "main" };
const STACK_REPO = "example-saas/tenant-fleet";
const STACK_TRUST_CONFIG = { ...TRUST_CONFIG, stackRepository: STACK_REPO };
/** The operations role's trust before: the environment's subject alone. */
const ENVIRONMENT_SUBJECT_ONLY = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Federated: OIDC },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": `repo:${STACK_REPO}:environment:tenant-operations`,
        },
      },
    },
  ],
};
const SUB = workflowSubject(repo, ".github/workflows/tenant-fleet-backup-17-3-x-x-x.yml");
const BUCKET_ARN = "arn:aws:s3:::tf-prod-bk-eu-central-1-abc";
const KEY_ARN = "arn:aws:kms:eu-central-1:123456789012:key/k";
const DEPLOY = "arn:aws:iam::123456789012:role/deploy";

function res(type: string, name: string, props: Record<string, any>, extra: Partial<RuleResource> = {}): RuleResource {
  return { type, name, urn: `urn:pulumi:prod::tenant-fleet::${type}::${name}`, props, protect: true, retainOnDelete: true, ...extra };
}

const BUCKET_TAGS = { "tenant-fleet:purpose": "tenant-backups", "tenant-fleet:residencies": "DE EU" };

/** A vault whose children name their bucket; overrides replace a child's props, null drops it. */
/** A region-scope parameter as TenantCredentials declares it. */
function credential(props: Record<string, any> = {}): RuleResource {
  return res("aws:ssm/parameter:Parameter", "credentials-eu-central-1-acme-corp-direct", {
    region: "eu-central-1",
    name: "/tenant-fleet/prod/acme-corp/direct-url",
    type: "SecureString",
    keyId: "arn:aws:kms:eu-central-1:123456789012:key/credentials",
    tags: { "tenant-fleet:tenant": "acme-corp", "tenant-fleet:residency": "EU" },
    ...props,
  });
}

function vault(
  overrides: Record<string, Record<string, any> | null> = {},
  bucketProps: Record<string, any> = {},
  childExtra: Partial<RuleResource> = {},
): RuleResource[] {
  const bucket = res("aws:s3/bucket:Bucket", "backups-eu-central-1", {
    region: "eu-central-1",
    bucket: "tf-prod-bk-eu-central-1-abc",
    arn: BUCKET_ARN,
    tags: BUCKET_TAGS,
    ...bucketProps,
  });
  const key = res("aws:kms/key:Key", "backups-eu-central-1-key", {
    region: "eu-central-1",
    arn: KEY_ARN,
    tags: BUCKET_TAGS,
    policy: JSON.stringify(vaultKeyPolicy("eu-central-1", { keyAdministrators: [DEPLOY] })),
  });
  const parts: Record<string, [string, Record<string, any>]> = {
    versioning: ["aws:s3/bucketVersioning:BucketVersioning", { versioningConfiguration: { status: "Enabled" } }],
    encryption: [
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }] },
    ],
    pab: [
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    ],
    ownership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerEnforced" } }],
    policy: ["aws:s3/bucketPolicy:BucketPolicy", { policy: JSON.stringify(bucketPolicy(BUCKET_ARN, "kms", KEY_ARN, {})) }],
    lifecycle: ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { rules: lifecycleRules([14, 30]) }],
  };
  const children = Object.entries(parts)
    .filter(([k]) => overrides[k] !== null)
    .map(([k, [type, props]]) =>
      res(
        type,
        `backups-eu-central-1-${k}`,
        { bucket: "backups-eu-central-1-id", ...props, ...(overrides[k] ?? {}) },
        { propertyDependencies: { bucket: [bucket.urn] }, ...childExtra },
      ),
    );
  return [bucket, key, ...children];
}

/** A workflow role, and whatever else grants it permissions. */
function workflowRole(trust: unknown = workflowTrustPolicy(OIDC, [SUB]), props: Record<string, any> = {}): RuleResource {
  return res("aws:iam/role:Role", "writer", {
    name: "writer-abc",
    arn: "arn:aws:iam::123456789012:role/writer-abc",
    assumeRolePolicy: JSON.stringify(trust),
    ...props,
  });
}
const roleUrn = workflowRole().urn;
const grant = (actions: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });
const rolePolicy = (policy: string) =>
  res("aws:iam/rolePolicy:RolePolicy", "writer-permissions", { role: "writer-abc", policy }, { propertyDependencies: { role: [roleUrn] } });
const WRITER_DOC = JSON.stringify(
  backupWriterPolicy([{ awsRegion: "eu-central-1", bucketArn: BUCKET_ARN, keyArn: KEY_ARN, tenants: [{ id: "acme-corp", retentionDays: 14 }] }], "tenant"),
);
const trustWith = (...statements: object[]) => ({ Version: "2012-10-17", Statement: [...workflowTrustPolicy(OIDC, [SUB]).Statement, ...statements] });
const githubStatement = (Condition: object, Federated = OIDC) => ({
  Effect: "Allow",
  Principal: { Federated },
  Action: "sts:AssumeRoleWithWebIdentity",
  Condition,
});
const AUD = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

const BREAK_GLASS = "arn:aws:iam::123456789012:role/tenant-fleet-break-glass";
const KEY_CONFIG = { keyAdministrators: [DEPLOY], breakGlassPrincipal: BREAK_GLASS };
/** A vault key whose policy is the program's own (administrators, break-glass, optional roles) plus extra statements. */
function keyWith(extra?: object, access: Partial<Parameters<typeof vaultKeyPolicy>[1]> = {}): RuleResource[] {
  const doc = vaultKeyPolicy("eu-central-1", { keyAdministrators: [DEPLOY], breakGlassArn: BREAK_GLASS, ...access });
  const key = vault()[1];
  return [{ ...key, props: { ...key.props, policy: JSON.stringify({ ...doc, Statement: [...doc.Statement, ...(extra ? [extra] : [])] }) } }];
}

/** The keys with their administrators' kms:Put* (PutKeyPolicy) taken away, as when only break-glass may rewrite the policy. */
function adminsManageOnly(keys: RuleResource[]): RuleResource[] {
  return keys.map((k) => {
    const doc = JSON.parse(k.props.policy) as { Statement: { Sid?: string; Action?: string[] }[] };
    const Statement = doc.Statement.map((st) =>
      st.Sid === "KeyAdministration" ? { ...st, Action: st.Action!.filter((a) => !actionMatches(a, "kms:PutKeyPolicy")) } : st,
    );
    return { ...k, props: { ...k.props, policy: JSON.stringify({ ...doc, Statement }) } };
  });
}

function tenantDb(residency: string, regionId: string, protect = true): RuleResource[] {
  return [
    res("tenant-fleet:index:TenantDatabase", "acme-corp", { tenantId: "acme-corp", residency, regionId }, { urn: "urn:db:acme" }),
    res("neon:index/project:Project", "acme-corp", { regionId, pgVersion: 17 }, { parentUrn: "urn:db:acme", protect }),
  ];
}

const WORKFLOW = "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: ./local-action\n";
const file = (content: string, name = ".github/workflows/x.yml") => [res("github:index/repositoryFile:RepositoryFile", "wf", { file: name, content })];

interface Fixture {
  readonly rule: string;
  readonly config: Record<string, unknown>;
  readonly compliant: RuleResource[];
  readonly violating: RuleResource[];
  readonly message: RegExp;
}

const fixtures: Fixture[] = [
  {
    rule: "neon-project-residency",
    config: { allowedResidencies: ["EU"] },
    compliant: tenantDb("EU", "aws-eu-central-1"),
    violating: tenantDb("EU", "aws-us-east-1"),
    message: /outside its tenant's residency EU/,
  },
  {
    rule: "neon-project-residency",
    config: { allowedResidencies: ["EU"] },
    compliant: tenantDb("EU", "aws-eu-central-1"),
    violating: tenantDb("US", "aws-us-east-1"),
    message: /residency US, which this stack does not allow/,
  },
  {
    rule: "neon-project-residency",
    config: { allowedResidencies: ["DE", "EU"] },
    compliant: tenantDb("DE", "aws-eu-central-1"),
    violating: tenantDb("DE", "azure-gwc"),
    message: /retired/,
  },
  { rule: "backup-vault-hardening", config: {}, compliant: vault(), violating: vault({ versioning: null }), message: /lacks versioning/ },
  { rule: "backup-vault-hardening", config: {}, compliant: vault(), violating: vault({ encryption: { rules: [] } }), message: /default encryption/ },
  {
    rule: "backup-vault-hardening",
    config: {},
    compliant: vault(),
    violating: vault({ pab: { restrictPublicBuckets: false } }),
    message: /public access blocks \(restrictPublicBuckets\)/,
  },
  {
    rule: "backup-vault-hardening",
    config: {},
    compliant: vault(),
    violating: vault({ ownership: { rule: { objectOwnership: "ObjectWriter" } } }),
    message: /BucketOwnerEnforced/,
  },
  {
    rule: "backup-vault-hardening",
    config: {},
    compliant: vault(),
    violating: vault({ policy: { policy: JSON.stringify({ Statement: [] }) } }),
    message: /denies requests without TLS/,
  },
  { rule: "backup-vault-hardening", config: {}, compliant: vault(), violating: vault({ lifecycle: null }), message: /lifecycle retention/ },
  // The review's bypasses, one fixture each.
  {
    rule: "backup-vault-hardening",
    config: {},
    compliant: vault(),
    violating: vault({ policy: { policy: JSON.stringify(bucketPolicy("arn:aws:s3:::another-bucket", "kms", KEY_ARN, {})) } }),
    message: /denies requests without TLS \(aws:SecureTransport false\) on this bucket.*refuses uploads replacing an object/,
  },
  {
    rule: "backup-vault-hardening",
    config: {},
    compliant: vault(),
    violating: vault({
      policy: {
        policy: JSON.stringify({
          ...bucketPolicy(BUCKET_ARN, "kms", KEY_ARN, {}),
          Statement: [
            ...bucketPolicy(BUCKET_ARN, "kms", KEY_ARN, {}).Statement,
            {
              Sid: "Partner",
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::999999999999:root" },
              Action: "s3:*",
              Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
            },
          ],
        }),
      },
    }),
    message: /grants nothing \(statement Partner allows access/,
  },
  {
    rule: "backup-vault-hardening",
    config: {},
    compliant: vault(),
    violating: vault({ lifecycle: { rules: [...lifecycleRules([14]), { id: "tidy", status: "Enabled", filter: { prefix: "" }, expiration: { days: 1 } }] } }),
    message: /lifecycle rule tidy expires objects outside a retention class after 1 day/,
  },
  {
    rule: "backup-vault-hardening",
    config: {},
    compliant: vault(),
    violating: vault({
      lifecycle: { rules: lifecycleRules([30]).map((r) => (r.id === "housekeeping" ? { ...r, noncurrentVersionExpiration: { noncurrentDays: 7 } } : r)) },
    }),
    message: /removes noncurrent versions after 7 day\(s\), before the longest retention \(30 days\)/,
  },
  {
    // A complete sibling under the same parent does not harden a bucket it does not configure.
    rule: "backup-vault-hardening",
    config: {},
    compliant: vault(),
    violating: [
      ...vault({}, { bucket: "sibling", arn: "arn:aws:s3:::sibling" }).slice(0, 2),
      ...vault()
        .slice(2)
        .map((r) => ({
          ...r,
          propertyDependencies: { bucket: ["urn:pulumi:prod::tenant-fleet::aws:s3/bucket:Bucket::other"] },
          props: { ...r.props, bucket: "other" },
        })),
    ],
    message: /lacks versioning/,
  },
  {
    rule: "backup-vault-jurisdiction",
    config: {},
    compliant: vault(),
    violating: vault({}, { tags: { ...BUCKET_TAGS, "tenant-fleet:residencies": "EU GB" } }),
    message: /serves tenants with residency GB/,
  },
  {
    rule: "backup-vault-jurisdiction",
    config: {},
    compliant: vault({}, { tags: { ...BUCKET_TAGS, "tenant-fleet:residencies": "", "tenant-fleet:kept": "true" } }),
    violating: vault({}, { tags: { ...BUCKET_TAGS, "tenant-fleet:residencies": "" } }),
    message: /does not say which residencies/,
  },
  {
    rule: "tenant-credentials-jurisdiction",
    config: {},
    compliant: [credential()],
    violating: [credential({ region: "us-east-1" })],
    message: /is in us-east-1 \(.*\), outside its residency EU/,
  },
  {
    rule: "tenant-credentials-jurisdiction",
    config: {},
    compliant: [credential()],
    violating: [credential({ type: "String", keyId: undefined })],
    message: /as "String"; it must be a SecureString[\s\S]*AWS's default key/,
  },
  {
    rule: "tenant-credentials-jurisdiction",
    config: {},
    compliant: [credential()],
    violating: [credential({ tags: { "tenant-fleet:tenant": "acme-corp" } })],
    message: /does not say its tenant's residency/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [workflowRole(workflowTrustPolicy(OIDC, [workflowSubject({ ...repo, repository: "other" }, ".github/workflows/x.yml")]))],
    message: /does not pin .*sub.*exact workflow files of example-saas\/app/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole(workflowTrustPolicy(OIDC, [workflowSubject({ ...repo, ownerId: "1", repositoryId: "2" }, ".github/workflows/x.yml")]))],
    violating: [workflowRole({ Statement: [githubStatement({ StringLike: { "token.actions.githubusercontent.com:sub": "repo:example-saas/app:*" } })] })],
    message: /does not pin token.actions.githubusercontent.com:aud.*any workflow on the default branch/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [workflowRole({ Statement: [{ Sid: "Anyone", Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] })],
    message: /statement Anyone lets any principal of any account assume the role/,
  },
  // Any principal but GitHub's OIDC provider, alone or beside the generated statement (issue 31, finding 5).
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [workflowRole(trustWith({ Sid: "Partner", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" }))],
    message:
      /statement Partner trusts the AWS principal arn:aws:iam::999999999999:root; a role of this stack is assumed only through GitHub.com's OIDC provider .*: remove this principal/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [workflowRole(trustWith({ Effect: "Allow", Principal: { Service: ["ec2.amazonaws.com"] }, Action: "sts:AssumeRole" }))],
    message: /statement #2 trusts the AWS service ec2.amazonaws.com; .*remove this principal/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [
      res("aws:iam/role:Role", "lambda", {
        assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      }),
    ],
    message: /statement #1 trusts the AWS service lambda.amazonaws.com/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [
      workflowRole(
        trustWith({
          Sid: "SameAccountRole",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::123456789012:role/deploy"] },
          Action: ["sts:AssumeRole", "sts:TagSession"],
        }),
      ),
    ],
    message: /statement SameAccountRole trusts the AWS principal arn:aws:iam::123456789012:role\/deploy/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [
      workflowRole(
        trustWith({
          Sid: "Canonical",
          Effect: "Allow",
          Principal: { CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" },
          Action: "sts:AssumeRole",
        }),
      ),
    ],
    message: /statement Canonical trusts the canonical user \(an AWS account\) 79a59df9/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [
      workflowRole(
        trustWith({ Sid: "Saml", Effect: "Allow", Principal: { Federated: "arn:aws:iam::123456789012:saml-provider/okta" }, Action: "sts:AssumeRoleWithSAML" }),
      ),
    ],
    message: /statement Saml trusts the identity provider arn:aws:iam::123456789012:saml-provider\/okta/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [workflowRole(trustWith({ Sid: "Second", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRoleWithWebIdentity" }))],
    message: /statement Second lets any principal/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [
      workflowRole(trustWith(githubStatement({ StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": SUB.replace("17-3", "1?-3") } }))),
    ],
    message: /does not pin .*sub/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [
      workflowRole(trustWith(githubStatement({ stringequals: AUD, stringlike: { "Token.Actions.GitHubUserContent.com:Sub": "repo:example-saas/app:*" } }))),
    ],
    message: /any workflow on the default branch .*can assume it/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [workflowRole(trustWith(githubStatement({ StringEquals: AUD, StringEqualsIfExists: { "token.actions.githubusercontent.com:sub": SUB } })))],
    message: /does not pin token.actions.githubusercontent.com:sub/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [
      workflowRole(
        trustWith(
          githubStatement({ StringEquals: { "ghes.example.com/_services/token:aud": "sts.amazonaws.com", "ghes.example.com/_services/token:sub": SUB } }, GHES),
        ),
      ),
    ],
    message: /trusts the identity provider .*ghes\.example\.com/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    violating: [workflowRole(workflowTrustPolicy(OIDC, [SUB.replace("@refs/heads/main", "@refs/heads/feature")]))],
    message: /does not pin .*sub/,
  },
  // The stack's own repository (operationsRepository): the operations role's trust, and the subject-only trust it replaced.
  {
    rule: "oidc-role-trust",
    config: STACK_TRUST_CONFIG,
    compliant: [workflowRole(), workflowRole(operationsTrustPolicy(OIDC, STACK_REPO))],
    violating: [workflowRole(ENVIRONMENT_SUBJECT_ONLY)],
    message: /does not pin .*sub.*nor to environments of example-saas\/tenant-fleet with its environment, job_workflow_ref/,
  },
  {
    rule: "oidc-role-trust",
    config: TRUST_CONFIG,
    compliant: [workflowRole()],
    // Without stackRepository no role may trust the stack's own repository.
    violating: [workflowRole(operationsTrustPolicy(OIDC, STACK_REPO))],
    message: /statement TenantOperationsWorkflowsOnDefaultBranch does not pin .*sub/,
  },
  {
    rule: "oidc-role-trust",
    config: STACK_TRUST_CONFIG,
    compliant: [workflowRole(operationsTrustPolicy(OIDC, STACK_REPO))],
    // A branch's files: the shape of the stack's trust, another ref.
    violating: [workflowRole(JSON.parse(JSON.stringify(operationsTrustPolicy(OIDC, STACK_REPO)).replace(/refs\/heads\/main/g, "refs/heads/feature")))],
    message: /does not pin .*sub/,
  },
  // The shape with the wrong files or environment: only OPERATION_WORKFLOW_ACCESS's pairs pass (hostile3 F9).
  ...(
    [
      [["tenant-restore.yml", "tenant-export.yml", "tenant-move.yml"], "tenant-operations"],
      [["deploy.yml"], "tenant-operations"],
      [["tenant-erase.yml"], "tenant-operations"],
      [["tenant-restore.yml"], "tenant-erasure"],
      [["tenant-erase.yml", "vault-custody.yml"], "tenant-erasure"],
    ] as const
  ).map(([files, environment]): Fixture => ({
    rule: "oidc-role-trust",
    config: STACK_TRUST_CONFIG,
    compliant: [workflowRole(operationsTrustPolicy(OIDC, STACK_REPO))],
    violating: [
      workflowRole(
        ownWorkflowTrust(
          OIDC,
          { owner: "example-saas", repository: "tenant-fleet", branch: "main" },
          { sid: "Regression", workflowPaths: files.map((f) => `.github/workflows/${f}`), environments: [environment] },
        ),
      ),
    ],
    message: new RegExp(
      `statement Regression trusts .*${files[files.length - 1].replace(/\./g, "\\.")} in ${environment}, but a role of the stack's own workflows may trust only the files whose apply job assumes it, in its environment \\(OPERATION_WORKFLOW_ACCESS`,
    ),
  })),
  {
    rule: "backup-role-no-delete",
    config: {},
    compliant: [workflowRole(), rolePolicy(WRITER_DOC)],
    violating: [workflowRole(), rolePolicy(grant(["s3:PutObject", "s3:Delete*"]))],
    message: /is allowed s3:DeleteObject, s3:DeleteObjectVersion, s3:DeleteBucket.* by role policy writer-permissions/,
  },
  {
    rule: "backup-role-no-delete",
    config: {},
    compliant: [
      workflowRole(),
      res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lambda-logs", {
        role: "other",
        policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      }),
    ],
    violating: [
      workflowRole(),
      res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "s3-full", { role: "writer-abc", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }),
    ],
    message: /gets arn:aws:iam::aws:policy\/AmazonS3FullAccess from policy attachment s3-full: a policy the stack does not declare cannot be checked/,
  },
  {
    rule: "backup-role-no-delete",
    config: {},
    compliant: [workflowRole(), rolePolicy(WRITER_DOC)],
    violating: [workflowRole(), rolePolicy(grant(["kms:PutKeyPolicy"]))],
    message: /is allowed kms:PutKeyPolicy/,
  },
  {
    rule: "backup-role-no-delete",
    config: {},
    compliant: [workflowRole(undefined, { inlinePolicies: [{ name: "w", policy: WRITER_DOC }] })],
    violating: [workflowRole(undefined, { inlinePolicies: [{ name: "ops", policy: grant(["s3:PutBucketPolicy"]) }] })],
    message: /is allowed s3:PutBucketPolicy by inline policy ops/,
  },
  {
    rule: "backup-role-no-delete",
    config: {},
    compliant: [workflowRole()],
    violating: [
      workflowRole(),
      res("aws:iam/policy:Policy", "tidy", { arn: "arn:aws:iam::123456789012:policy/tidy", policy: grant(["s3:PutLifecycleConfiguration"]) }),
      res("aws:iam/policyAttachment:PolicyAttachment", "tidy-to-writer", { roles: ["writer-abc"], policyArn: "arn:aws:iam::123456789012:policy/tidy" }),
    ],
    message: /is allowed s3:PutLifecycleConfiguration by policy attachment tidy-to-writer of policy tidy/,
  },
  {
    rule: "backup-role-no-delete",
    config: {},
    compliant: [workflowRole(undefined, { managedPolicyArns: [] })],
    violating: [
      workflowRole(undefined, { managedPolicyArns: ["arn:aws:iam::123456789012:policy/replicate"] }),
      res("aws:iam/policy:Policy", "replicate", { arn: "arn:aws:iam::123456789012:policy/replicate", policy: grant(["s3:PutReplicationConfiguration"]) }),
    ],
    message: /is allowed s3:PutReplicationConfiguration/,
  },
  {
    rule: "backup-role-no-delete",
    config: {},
    compliant: [workflowRole(), rolePolicy(WRITER_DOC)],
    violating: [workflowRole(), rolePolicy(JSON.stringify({ Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] }))],
    message: /NotAction/,
  },
  {
    rule: "backup-key-policy",
    config: KEY_CONFIG,
    compliant: vault().slice(1, 2),
    violating: vault()
      .slice(1, 2)
      .map((k) => ({
        ...k,
        props: {
          ...k.props,
          policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }] }),
        },
      })),
    message: /any IAM administrator of the account may kms:ScheduleKeyDeletion/,
  },
  // Key use for a principal the stack does not know: enumerated from the document, not probed with a made-up outsider (issue 31, finding 5).
  {
    rule: "backup-key-policy",
    config: KEY_CONFIG,
    compliant: keyWith(),
    violating: keyWith({
      Sid: "PartnerDecrypts",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::999999999999:role/partner" },
      Action: "kms:Decrypt",
      Resource: "*",
    }),
    message:
      /statement PartnerDecrypts lets arn:aws:iam::999999999999:role\/partner use the key \(kms:Decrypt\), and it is none of the key administrators, the stack's roles or the break-glass principal; .*let only the stack's roles use the key/,
  },
  {
    rule: "backup-key-policy",
    config: KEY_CONFIG,
    compliant: keyWith(),
    violating: keyWith({
      Sid: "Grants",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::999999999999:root"] },
      Action: ["kms:CreateGrant", "kms:ListGrants"],
      Resource: "*",
    }),
    message: /statement Grants lets account 999999999999 \(any of its IAM principals its IAM policies allow\) use the key \(kms:CreateGrant\)/,
  },
  {
    rule: "backup-key-policy",
    config: KEY_CONFIG,
    compliant: keyWith(),
    violating: keyWith({
      Sid: "Analytics",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:role/analytics" },
      Action: "kms:*",
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" } },
    }),
    message:
      /statement Analytics lets arn:aws:iam::123456789012:role\/analytics use the key \(kms:Decrypt, kms:Encrypt, kms:GenerateDataKey,.*kms:CreateGrant, kms:PutKeyPolicy\)/,
  },
  {
    rule: "backup-key-policy",
    config: KEY_CONFIG,
    compliant: keyWith(),
    violating: keyWith({ Sid: "Trail", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:GenerateDataKey*", Resource: "*" }),
    message:
      /statement Trail lets Service principal cloudtrail.amazonaws.com use the key \(kms:GenerateDataKey, kms:GenerateDataKeyWithoutPlaintext, kms:GenerateDataKeyPair, kms:GenerateDataKeyPairWithoutPlaintext\)/,
  },
  {
    rule: "backup-key-policy",
    config: KEY_CONFIG,
    compliant: keyWith(),
    violating: keyWith({ Sid: "AllBut", Effect: "Allow", NotPrincipal: { AWS: DEPLOY }, Action: "kms:ReEncrypt*", Resource: "*" }),
    message: /statement AllBut lets every principal but .* use the key \(kms:ReEncryptFrom, kms:ReEncryptTo\)/,
  },
  // The stack's own roles may use the key; the same grant to a role the stack does not declare fails.
  {
    rule: "backup-key-policy",
    config: KEY_CONFIG,
    compliant: [workflowRole(), ...keyWith(undefined, { writerRoleArn: workflowRole().props.arn })],
    violating: keyWith(undefined, { writerRoleArn: workflowRole().props.arn }),
    message: /statement BackupWriterEncryptsThroughS3 lets arn:aws:iam::123456789012:role\/writer-abc use the key \(kms:Decrypt, kms:GenerateDataKey\)/,
  },
  // Without the pack config, the key administrators are unknown: their kms:Put* (PutKeyPolicy) is refused until npm run schema writes it.
  {
    rule: "backup-key-policy",
    config: {},
    compliant: adminsManageOnly(keyWith(undefined, { breakGlassArn: undefined })),
    violating: keyWith(undefined, { breakGlassArn: undefined }),
    message: /statement KeyAdministration lets arn:aws:iam::123456789012:role\/deploy use the key \(kms:PutKeyPolicy\)/,
  },
  {
    rule: "data-resources-protected",
    config: { requireProtection: true },
    compliant: [...tenantDb("EU", "aws-eu-central-1"), ...vault()],
    violating: tenantDb("EU", "aws-eu-central-1", false),
    message: /neon:index\/project:Project acme-corp holds or guards tenant data and is not protected/,
  },
  {
    rule: "data-resources-protected",
    config: { requireProtection: false },
    compliant: tenantDb("EU", "aws-eu-central-1", false),
    violating: vault().map((r) => ({ ...r, protect: false })),
    message: /aws:kms\/key:Key backups-eu-central-1-key holds or guards tenant data/,
  },
  {
    rule: "data-resources-protected",
    config: { requireProtection: true },
    compliant: vault(),
    violating: vault({}, {}, { retainOnDelete: false }),
    message: /BucketLifecycleConfiguration backups-eu-central-1-lifecycle holds or guards tenant data and is not retained on delete/,
  },
  {
    rule: "workflow-no-literal-credentials",
    config: {},
    compliant: file(`${WORKFLOW}      - env:\n          DATABASE_URL: \${{ secrets.DATABASE_URL }}\n          POSTGRES_HOST_AUTH_METHOD: trust\n`),
    violating: file(`${WORKFLOW}      - env:\n          DATABASE_URL: postgresql://app:s3cr3t@ep-x.neon.tech/app\n`),
    message: /a database URL with a password/,
  },
  {
    rule: "workflow-no-literal-credentials",
    config: {},
    compliant: file(WORKFLOW, "README.md"),
    violating: file(`${WORKFLOW}      - env:\n          POSTGRES_PASSWORD: hunter2\n`),
    message: /a literal password/,
  },
  {
    rule: "workflow-actions-pinned",
    config: {},
    compliant: file(WORKFLOW),
    violating: file(`${WORKFLOW}      - uses: aws-actions/configure-aws-credentials@v4\n`),
    message: /uses aws-actions\/configure-aws-credentials@v4 without a full commit SHA/,
  },
];

describe("policy rules: compliant and violating fixtures", () => {
  it.each(fixtures.map((f, i) => [`${f.rule} #${i}`, f] as const))("%s", (_, f) => {
    const r = rule(f.rule);
    const config = f.rule === "data-resources-protected" && f.config.requireProtection === false ? { requireProtection: true } : f.config;
    expect(r.validate(f.compliant, f.config)).toEqual([]);
    const violations = r.validate(f.violating, config);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.map((v) => v.message).join("\n")).toMatch(f.message);
    for (const v of violations) expect(v.urn).toMatch(/^urn:/);
  });

  it("every rule has both fixtures", () => {
    expect(new Set(fixtures.map((f) => f.rule))).toEqual(new Set(RULES.map((r) => r.name)));
  });

  it("helpers catch what they promise", () => {
    expect(
      unpinnedActions(
        "- uses: a/b@v1\n  uses: 'c/d@main'\n- uses: e/f@0123456789abcdef0123456789abcdef01234567\n- uses: docker://alpine@sha256:" + "a".repeat(64),
      ),
    ).toEqual(["a/b@v1", "c/d@main"]);
    expect(credentialFindings("key: AKIAABCDEFGHIJKLMNOP\ntoken: ghp_" + "a".repeat(36))).toEqual(["an AWS access key id", "a GitHub token"]);
    expect(
      dangerousActions({
        Statement: [
          { Effect: "Allow", Action: "kms:Schedule*" },
          { Effect: "Allow", Action: "s3:Get*" },
          { Effect: "Deny", Action: "s3:*" },
        ],
      }),
    ).toEqual(["kms:ScheduleKeyDeletion"]);
    expect(dangerousActions({ Statement: [{ Effect: "Allow", Action: "S3:*" }] })).toContain("s3:PutBucketPolicy");
  });
});

describe("the pack's inventory", () => {
  it("pins the rules and their enforcement levels", () => {
    expect(RULES.map((r) => [r.name, r.enforcementLevel])).toEqual([
      ["neon-project-residency", "mandatory"],
      ["backup-vault-hardening", "mandatory"],
      ["backup-vault-jurisdiction", "mandatory"],
      ["tenant-credentials-jurisdiction", "mandatory"],
      ["oidc-role-trust", "mandatory"],
      ["backup-role-no-delete", "mandatory"],
      ["backup-key-policy", "mandatory"],
      ["data-resources-protected", "mandatory"],
      ["workflow-no-literal-credentials", "mandatory"],
      ["workflow-actions-pinned", "mandatory"],
    ]);
    for (const r of RULES) expect(r.description.length).toBeGreaterThan(40);
  });

  it("lists every rule in policies/README.md for auditors", () => {
    const readme = readFileSync(path.join(ROOT, "policies/README.md"), "utf8");
    for (const r of RULES) expect(readme).toMatch(new RegExp(`\\| \`${r.name}\` \\| ${r.enforcementLevel} \\|`));
  });

  it.each(["prod", "dev"])("config.%s.json agrees with Pulumi.%s.yaml", (stack) => {
    const config = JSON.parse(readFileSync(path.join(ROOT, `policies/config.${stack}.json`), "utf8"));
    const settings = parse(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")).config;
    expect(config["neon-project-residency"].allowedResidencies).toEqual(settings["tenant-fleet:allowedResidencies"]);
    expect(config["data-resources-protected"].requireProtection).toBe(settings["tenant-fleet:protect"]);
    expect(config["oidc-role-trust"].repository).toBe(`${settings["tenant-fleet:githubOwner"]}/${settings["tenant-fleet:githubRepository"]}`);
    expect(config["oidc-role-trust"].branch).toBe(settings["tenant-fleet:githubBranch"] ?? "main");
    expect(config["oidc-role-trust"].stackRepository).toBe(settings["tenant-fleet:operationsRepository"]);
    expect(config["backup-key-policy"].keyAdministrators).toEqual(settings["tenant-fleet:keyAdministrators"]);
    expect(config["backup-key-policy"].breakGlassPrincipal).toBe(settings["tenant-fleet:breakGlassPrincipal"]);
    expect(Object.keys(config).every((k) => RULES.some((r) => r.name === k))).toBe(true);
  });
});

describe("the pack against what the program declares", async () => {
  const prod = toRuleResources(await runProgram("prod"));
  const prodConfig = JSON.parse(readFileSync(path.join(ROOT, "policies/config.prod.json"), "utf8"));
  const devRun = toRuleResources(await runProgram("dev"));
  const regionScope = toRuleResources(await runProgram("prod", ["secretScope=region"]));

  it("the prod stack passes every rule, in the region scope too (its SSM parameters checked)", () => {
    for (const r of RULES) expect(r.validate(prod, prodConfig[r.name] ?? {}), r.name).toEqual([]);
    for (const r of RULES) expect(r.validate(regionScope, prodConfig[r.name] ?? {}), r.name).toEqual([]);
    expect(regionScope.filter((x) => x.type === "aws:ssm/parameter:Parameter").length).toBeGreaterThan(0);
  });

  it("a stack with operationsRepository passes every rule when its config names the stack's repository (as npm run schema writes it), and fails oidc-role-trust without", async () => {
    const run = toRuleResources(await runProgram("prod", [`operationsRepository=${STACK_REPO}`]));
    const settings = { ...prodConfig["oidc-role-trust"], stackRepository: STACK_REPO };
    for (const r of RULES) expect(r.validate(run, r.name === "oidc-role-trust" ? settings : (prodConfig[r.name] ?? {})), r.name).toEqual([]);
    expect(rule("oidc-role-trust").validate(run, prodConfig["oidc-role-trust"])).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^role tenant-operations-role: statement TenantOperationsWorkflowsOnDefaultBranch does not pin/),
      }),
    ]);
  });

  it("the hostile tokens for the stack's own workflows are refused by its trust, and the subject-only trust let them in", () => {
    const files = operationRoleWorkflowPaths("operations");
    const tokens = stackHostileTokens(STACK_REPO, { files, environments: ["tenant-operations"] });
    const admits = (doc: unknown, context: Record<string, string>) =>
      evaluate(
        { principal: { kind: "federated", provider: OIDC }, action: "sts:AssumeRoleWithWebIdentity", resource: "arn:aws:iam::123456789012:role/r", context },
        { service: "trust", account: "123456789012", resourcePolicy: doc as never },
      );
    for (const t of tokens) expect(admits(operationsTrustPolicy(OIDC, STACK_REPO), t.claims), t.why).toBe("implicit-deny");
    const before = tokens.filter((t) => admits(ENVIRONMENT_SUBJECT_ONLY, t.claims) === "allow").map((t) => t.why);
    expect(before).toEqual([
      ".github/workflows/tenant-move.yml of main in tenant-operations",
      "another workflow file of main in tenant-operations",
      ".github/workflows/tenant-restore.yml of another branch in tenant-operations",
      ".github/workflows/tenant-restore.yml at a tag in tenant-operations",
      "the environment's subject alone",
    ]);
  });

  it("a move passes every rule at each stage; only the finished move's released source may be unprotected, and only while retained", async () => {
    for (const stage of ["move", "move-cutover", "move-finish"]) {
      const run = toRuleResources(await runProgram("prod", [`tenantsFile=test/fixtures/${stage}-tenants.yaml`]));
      for (const r of RULES) expect(r.validate(run, prodConfig[r.name] ?? {}), `${stage}: ${r.name}`).toEqual([]);
      if (stage !== "move-finish") continue;
      const source = run.find((x) => x.type === "neon:index/project:Project" && x.name === "acme-corp")!;
      expect(source.protect).toBe(false);
      const dropped = run.map((x) => (x === source ? { ...x, retainOnDelete: false } : x));
      expect(rule("data-resources-protected").validate(dropped, { requireProtection: true })).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/acme-corp holds or guards tenant data and is not retained on delete/) }),
      ]);
      // Another tenant's project unprotected is still refused: the release is the parent's, per project.
      const other = run.map((x) => (x.type === "neon:index/project:Project" && x.name === "northwind" ? { ...x, protect: false } : x));
      expect(rule("data-resources-protected").validate(other, { requireProtection: true })).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/northwind holds or guards tenant data and is not protected/) }),
      ]);
    }
  });

  it("backup-key-policy accepts the program's vault keys whether the key administrators or break-glass alone hold PutKeyPolicy, and refuses key use by anyone else", () => {
    const keyRule = rule("backup-key-policy");
    const config = prodConfig["backup-key-policy"];
    const keys = prod.filter((r) => r.type === "aws:kms/key:Key" && r.props.tags?.["tenant-fleet:purpose"] === "tenant-backups");
    expect(keys.length).toBeGreaterThan(0);
    type Doc = { Statement: { Sid?: string; Action?: string | string[] }[] };
    const rewrite = (change: (doc: Doc) => Doc) =>
      prod.map((r) => (keys.includes(r) ? { ...r, props: { ...r.props, policy: JSON.stringify(change(JSON.parse(r.props.policy))) } } : r));
    const actions = (st: { Action?: string | string[] }) => (Array.isArray(st.Action) ? st.Action : st.Action ? [st.Action] : []);
    const withActions = (doc: Doc, sid: string, f: (a: string[]) => string[]) => ({
      ...doc,
      Statement: doc.Statement.map((st) => (st.Sid === sid ? { ...st, Action: f(actions(st)) } : st)),
    });
    // Before the change: the administrators hold kms:Put*. After: only break-glass holds kms:PutKeyPolicy.
    const before = rewrite((d) => withActions(d, "KeyAdministration", (a) => [...new Set([...a, "kms:Put*"])]));
    const after = rewrite((d) =>
      withActions(
        withActions(d, "KeyAdministration", (a) => a.filter((x) => !actionMatches(x, "kms:PutKeyPolicy"))),
        "BreakGlass",
        (a) => [...new Set([...a, "kms:PutKeyPolicy"])],
      ),
    );
    expect(keyRule.validate(prod, config)).toEqual([]);
    expect(keyRule.validate(before, config)).toEqual([]);
    expect(keyRule.validate(after, config)).toEqual([]);
    const partner = rewrite((d) => ({
      ...d,
      Statement: [
        ...d.Statement,
        {
          Sid: "Partner",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::999999999999:role/partner" },
          Action: ["kms:Decrypt", "kms:CreateGrant"],
          Resource: "*",
        },
      ],
    }));
    const violations = keyRule.validate(partner, config);
    expect(violations.map((v) => v.urn).sort()).toEqual(keys.map((k) => k.urn).sort());
    for (const v of violations)
      expect(v.message).toMatch(/statement Partner lets arn:aws:iam::999999999999:role\/partner use the key \(kms:Decrypt, kms:CreateGrant\)/);
    // Break-glass is allowed because the config names it: without it, its PutKeyPolicy is refused.
    expect(keyRule.validate(after, { ...config, breakGlassPrincipal: undefined }).length).toBe(keys.length);
  });

  it("the dev stack passes with its config, and fails protection with prod's", () => {
    const devConfig = JSON.parse(readFileSync(path.join(ROOT, "policies/config.dev.json"), "utf8"));
    for (const r of RULES) expect(r.validate(devRun, devConfig[r.name] ?? {}), r.name).toEqual([]);
    expect(rule("data-resources-protected").validate(devRun, { requireProtection: true }).length).toBeGreaterThan(0);
  });
});
