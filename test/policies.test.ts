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
import type { RuleResource } from "../policies/rules/types";
import { unpinnedActions } from "../policies/rules/workflowActionsPinned";
import { credentialFindings } from "../policies/rules/workflowNoLiteralCredentials";
import { dangerousActions } from "../policies/rules/backupRoleNoDelete";
import { trustPolicy, bucketPolicy, lifecycleRules } from "../components/backupPolicy";
import type { RecordedResource } from "../scripts/lib/offline";
import { ROOT, runProgram } from "./program";

const rule = (name: string) => RULES.find((r) => r.name === name)!;
const OIDC = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const repo = { owner: "example-saas", repository: "app", branch: "main" };

function res(type: string, name: string, props: Record<string, any>, extra: Partial<RuleResource> = {}): RuleResource {
  return { type, name, urn: `urn:pulumi:prod::tenant-fleet::${type}::${name}`, props, protect: true, ...extra };
}

function vault(overrides: Record<string, Record<string, any> | null> = {}, bucketProps: Record<string, any> = {}): RuleResource[] {
  const parentUrn = "urn:vault";
  const parts: Record<string, [string, Record<string, any>]> = {
    versioning: ["aws:s3/bucketVersioning:BucketVersioning", { versioningConfiguration: { status: "Enabled" } }],
    encryption: ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "k" }, bucketKeyEnabled: true }] }],
    pab: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }],
    ownership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerEnforced" } }],
    policy: ["aws:s3/bucketPolicy:BucketPolicy", { policy: JSON.stringify(bucketPolicy("arn:aws:s3:::b", "kms", "arn:k")) }],
    lifecycle: ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { rules: lifecycleRules([14]) }],
  };
  const bucket = res("aws:s3/bucket:Bucket", "backups-eu-central-1", { region: "eu-central-1", tags: { "tenant-fleet:purpose": "tenant-backups", "tenant-fleet:residencies": "DE EU" }, ...bucketProps }, { parentUrn });
  const children = Object.entries(parts)
    .filter(([k]) => overrides[k] !== null)
    .map(([k, [type, props]]) => res(type, `backups-eu-central-1-${k}`, { ...props, ...(overrides[k] ?? {}) }, { parentUrn }));
  return [bucket, ...children];
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
  { rule: "neon-project-residency", config: { allowedResidencies: ["EU"] }, compliant: tenantDb("EU", "aws-eu-central-1"), violating: tenantDb("EU", "aws-us-east-1"), message: /outside its tenant's residency EU/ },
  { rule: "neon-project-residency", config: { allowedResidencies: ["EU"] }, compliant: tenantDb("EU", "aws-eu-central-1"), violating: tenantDb("US", "aws-us-east-1"), message: /residency US, which this stack does not allow/ },
  { rule: "neon-project-residency", config: { allowedResidencies: ["DE", "EU"] }, compliant: tenantDb("DE", "aws-eu-central-1"), violating: tenantDb("DE", "azure-gwc"), message: /retired/ },
  { rule: "backup-vault-hardening", config: {}, compliant: vault(), violating: vault({ versioning: null }), message: /lacks versioning/ },
  { rule: "backup-vault-hardening", config: {}, compliant: vault(), violating: vault({ encryption: { rules: [] } }), message: /default encryption/ },
  { rule: "backup-vault-hardening", config: {}, compliant: vault(), violating: vault({ pab: { restrictPublicBuckets: false } }), message: /public access blocks \(restrictPublicBuckets\)/ },
  { rule: "backup-vault-hardening", config: {}, compliant: vault(), violating: vault({ ownership: { rule: { objectOwnership: "ObjectWriter" } } }), message: /BucketOwnerEnforced/ },
  { rule: "backup-vault-hardening", config: {}, compliant: vault(), violating: vault({ policy: { policy: JSON.stringify({ Statement: [] }) } }), message: /denies requests without TLS/ },
  { rule: "backup-vault-hardening", config: {}, compliant: vault(), violating: vault({ lifecycle: null }), message: /lifecycle retention/ },
  { rule: "backup-vault-jurisdiction", config: {}, compliant: vault(), violating: vault({}, { tags: { "tenant-fleet:purpose": "tenant-backups", "tenant-fleet:residencies": "EU GB" } }), message: /serves tenants with residency GB/ },
  {
    rule: "oidc-role-trust",
    config: { repository: "example-saas/app" },
    compliant: [res("aws:iam/role:Role", "r", { assumeRolePolicy: JSON.stringify(trustPolicy(OIDC, repo, "environment")) })],
    violating: [res("aws:iam/role:Role", "r", { assumeRolePolicy: JSON.stringify(trustPolicy(OIDC, { ...repo, repository: "other" }, "repository")) })],
    message: /outside repo:example-saas\/app/,
  },
  {
    rule: "oidc-role-trust",
    config: { repository: "example-saas/app" },
    compliant: [res("aws:iam/role:Role", "r", { assumeRolePolicy: JSON.stringify(trustPolicy(OIDC, { ...repo, ownerId: "1", repositoryId: "2" }, "repository")) })],
    violating: [res("aws:iam/role:Role", "r", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Federated: OIDC }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:example-saas/app:*" } } }] }) })],
    message: /does not pin token.actions.githubusercontent.com:aud.*wildcard/,
  },
  {
    rule: "oidc-role-trust",
    config: { repository: "example-saas/app" },
    compliant: [res("aws:iam/role:Role", "other-role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) })],
    violating: [res("aws:iam/role:Role", "r", { assumeRolePolicy: JSON.stringify({ Statement: [{ Sid: "Prs", Effect: "Allow", Principal: { Federated: OIDC }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:example-saas/app:pull_request" } } }] }) })],
    message: /statement Prs trusts pull requests/,
  },
  {
    rule: "backup-role-no-delete",
    config: {},
    compliant: [res("aws:iam/rolePolicy:RolePolicy", "p", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: "*" }, { Effect: "Deny", Action: "s3:*", Resource: "*" }] }) })],
    violating: [res("aws:iam/rolePolicy:RolePolicy", "p", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:Delete*"], Resource: "*" }] }) })],
    message: /allows s3:Delete\*/,
  },
  { rule: "data-resources-protected", config: { requireProtection: true }, compliant: [...tenantDb("EU", "aws-eu-central-1"), ...vault()], violating: tenantDb("EU", "aws-eu-central-1", false), message: /neon:index\/project:Project acme-corp holds tenant data and is not protected/ },
  { rule: "data-resources-protected", config: { requireProtection: false }, compliant: tenantDb("EU", "aws-eu-central-1", false), violating: vault().map((r) => ({ ...r, protect: false })).concat(res("aws:kms/key:Key", "k", {}, { protect: false })), message: /aws:kms\/key:Key k holds tenant data/ },
  { rule: "workflow-no-literal-credentials", config: {}, compliant: file(`${WORKFLOW}      - env:\n          DATABASE_URL: \${{ secrets.DATABASE_URL }}\n          POSTGRES_HOST_AUTH_METHOD: trust\n`), violating: file(`${WORKFLOW}      - env:\n          DATABASE_URL: postgresql://app:s3cr3t@ep-x.neon.tech/app\n`), message: /a database URL with a password/ },
  { rule: "workflow-no-literal-credentials", config: {}, compliant: file(WORKFLOW, "README.md"), violating: file(`${WORKFLOW}      - env:\n          POSTGRES_PASSWORD: hunter2\n`), message: /a literal password/ },
  { rule: "workflow-actions-pinned", config: {}, compliant: file(WORKFLOW), violating: file(`${WORKFLOW}      - uses: aws-actions/configure-aws-credentials@v4\n`), message: /uses aws-actions\/configure-aws-credentials@v4 without a full commit SHA/ },
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
    expect(unpinnedActions("- uses: a/b@v1\n  uses: 'c/d@main'\n- uses: e/f@0123456789abcdef0123456789abcdef01234567\n- uses: docker://alpine@sha256:" + "a".repeat(64))).toEqual(["a/b@v1", "c/d@main"]);
    expect(credentialFindings("key: AKIAABCDEFGHIJKLMNOP\ntoken: ghp_" + "a".repeat(36))).toEqual(["an AWS access key id", "a GitHub token"]);
    expect(dangerousActions({ Statement: [{ Effect: "Allow", Action: "s3:*" }, { Effect: "Allow", Action: "kms:Schedule*" }, { Effect: "Allow", Action: "s3:Get*" }] })).toEqual(["s3:*", "kms:Schedule*"]);
  });
});

describe("the pack's inventory", () => {
  it("pins the rules and their enforcement levels", () => {
    expect(RULES.map((r) => [r.name, r.enforcementLevel])).toEqual([
      ["neon-project-residency", "mandatory"],
      ["backup-vault-hardening", "mandatory"],
      ["backup-vault-jurisdiction", "mandatory"],
      ["oidc-role-trust", "mandatory"],
      ["backup-role-no-delete", "mandatory"],
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
    expect(Object.keys(config).every((k) => RULES.some((r) => r.name === k))).toBe(true);
  });
});

function asRuleResources(resources: readonly RecordedResource[]): RuleResource[] {
  return resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.custom ? r.inputs : (r.outputs ?? {}), protect: r.options.protect, parentUrn: r.parentUrn }));
}

describe("the pack against what the program declares", async () => {
  const prod = asRuleResources((await runProgram("prod")).resources);
  const prodConfig = JSON.parse(readFileSync(path.join(ROOT, "policies/config.prod.json"), "utf8"));
  const devRun = asRuleResources((await runProgram("dev")).resources);

  it("the prod stack passes every rule", () => {
    for (const r of RULES) expect(r.validate(prod, prodConfig[r.name] ?? {}), r.name).toEqual([]);
  });

  it("the dev stack passes with its config, and fails protection with prod's", () => {
    const devConfig = JSON.parse(readFileSync(path.join(ROOT, "policies/config.dev.json"), "utf8"));
    for (const r of RULES) expect(r.validate(devRun, devConfig[r.name] ?? {}), r.name).toEqual([]);
    expect(rule("data-resources-protected").validate(devRun, { requireProtection: true }).length).toBeGreaterThan(0);
  });
});
