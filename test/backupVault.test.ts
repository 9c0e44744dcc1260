/** Backup vaults and the workflow roles as the stacks declare them (mock runtime). */
import { describe, expect, it } from "vitest";
import { runProgram } from "./program";
import type { OfflineRun, RecordedResource } from "../src/engine/offline";

const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const DEPLOY = "arn:aws:iam::123456789012:role/tenant-fleet-deploy";
const BREAK_GLASS = "arn:aws:iam::123456789012:role/tenant-fleet-break-glass";
const REGIONS = ["eu-central-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"];

function inVault(run: OfflineRun, region: string): RecordedResource[] {
  const vault = run.resources.find((r) => r.type === "tenant-fleet:index:BackupVault" && r.name === `backups-${region}`)!;
  return run.resources.filter((r) => r.parentUrn === vault.urn);
}
function one(list: readonly RecordedResource[], type: string, name?: string): RecordedResource {
  const found = list.filter((r) => r.type === type && (name === undefined || r.name === name));
  expect(found, type).toHaveLength(1);
  return found[0];
}
const json = (r: RecordedResource, key: string) => JSON.parse(r.inputs[key] as string);

describe("backups in the prod stack", async () => {
  const run = await runProgram("prod");
  const vaults = run.resources.filter((r) => r.type === "tenant-fleet:index:BackupVault");

  it("has one vault per AWS region in use, not per tenant", () => {
    expect(vaults.map((v) => v.name).sort()).toEqual(REGIONS.map((r) => `backups-${r}`));
    expect(run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket")).toHaveLength(5);
  });

  it.each(REGIONS)("hardens the %s vault, every resource in that region, all protected and retained", (region) => {
    const children = inVault(run, region);
    for (const r of children) {
      expect(r.inputs.region, r.type).toBe(region);
      expect(r.options, `${r.type} ${r.name}`).toMatchObject({ protect: true, retainOnDelete: true });
    }
    expect(one(children, "aws:kms/key:Key").inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(one(children, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(one(children, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: expect.stringMatching(new RegExp(`^arn:aws:kms:${region}:`)) },
        bucketKeyEnabled: true,
      },
    ]);
    expect(one(children, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(one(children, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    const policy = json(one(children, "aws:s3/bucketPolicy:BucketPolicy"), "policy");
    expect(policy.Statement.filter((s: { Effect: string }) => s.Effect !== "Deny")).toEqual([]);
    const rules = one(children, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { id: string }[];
    expect(rules.at(-1)!.id).toBe("housekeeping");
    expect(children.some((c) => c.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")).toBe(false);
  });

  it("gives every vault the stack's retention classes, by key prefix, plus the tag rules of backups written before classes", () => {
    for (const region of REGIONS) {
      const rules = one(inVault(run, region), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as {
        id: string;
        filter: unknown;
        noncurrentVersionExpiration?: { noncurrentDays: number };
      }[];
      expect(rules.map((r) => r.id)).toEqual([
        "retain-14d",
        "retain-30d",
        "retain-35d",
        "legacy-retention-14d",
        "legacy-retention-30d",
        "legacy-retention-35d",
        "exports",
        "housekeeping",
      ]);
      expect(rules[0].filter).toEqual({ prefix: "retain-14d/" });
      // Exports have their own rule (exportRetentionDays, default 7), apart from the backups.
      expect(rules.find((r) => r.id === "exports")).toMatchObject({ filter: { prefix: "exports/" }, expiration: { days: 7 } });
      expect(rules.at(-1)!.noncurrentVersionExpiration).toEqual({ noncurrentDays: 35 });
    }
  });

  it("gives each key an explicit policy: named administrators, workflow roles through S3, deletion and policy changes by break-glass only", () => {
    const key = json(one(inVault(run, "eu-west-2"), "aws:kms/key:Key"), "policy");
    expect(key.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "KeyAdministration",
      "BackupWriterEncryptsThroughS3",
      "DrillReaderDecryptsThroughS3",
      "BreakGlass",
      "DenyKeyDestructionButBreakGlass",
      "DenyKeyPolicyChangesButBreakGlass",
    ]);
    expect(key.Statement[0].Principal).toEqual({ AWS: [DEPLOY] });
    expect(key.Statement[1].Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.eu-west-2.amazonaws.com" } });
    expect(key.Statement[4].Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } });
    expect(key.Statement[5].Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } });
    expect(JSON.stringify(key)).not.toMatch(/:root"/);
  });

  it("creates each key knowingly past KMS's lockout check: its policy keeps kms:PutKeyPolicy from the deploy role that creates it", () => {
    for (const region of REGIONS) expect(one(inVault(run, region), "aws:kms/key:Key").inputs.bypassPolicyLockoutSafetyCheck, region).toBe(true);
  });

  it("creates the bucket policy last, after everything it then keeps to break-glass, so a fresh pulumi up by the deploy role succeeds", () => {
    for (const region of REGIONS) {
      const children = inVault(run, region);
      const policy = one(children, "aws:s3/bucketPolicy:BucketPolicy");
      for (const type of [
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      ]) {
        expect(policy.dependencies, `${region}: the policy waits for ${type}`).toContain(one(children, type).urn);
      }
    }
  });

  it("names the workflow roles in every vault, one nobody backs up to included, so a tenant joining or leaving a region never changes a vault's policies", () => {
    const policies = (region: string) => [
      json(one(inVault(run, region), "aws:kms/key:Key"), "policy"),
      json(one(inVault(run, region), "aws:s3/bucketPolicy:BucketPolicy"), "policy"),
    ];
    const [key, bucket] = policies("us-east-1");
    expect(key.Statement.map((s: { Sid: string }) => s.Sid)).toContain("BackupWriterEncryptsThroughS3");
    expect(bucket.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(expect.arrayContaining(["BackupWriterUploadsOnly", "DrillReaderReadsOnly"]));
    // The same documents as a vault that serves tenants, but for its own bucket, key and region.
    const strip = (doc: unknown, region: string) =>
      JSON.stringify(doc)
        .replace(new RegExp(region, "g"), "R")
        .replace(/tf-prod-bk-R-[a-z0-9-]+/g, "B")
        .replace(/key\/[0-9a-f-]+/g, "key/K");
    const [servedKey, servedBucket] = policies("eu-west-2");
    expect(strip(key, "us-east-1")).toBe(strip(servedKey, "eu-west-2"));
    expect(strip(bucket, "us-east-1")).toBe(strip(servedBucket, "eu-west-2"));
  });

  it("creates the GitHub OIDC provider without a thumbprint, under the URN it had before the roles were split", () => {
    const provider = one(run.resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    expect(provider.inputs).toEqual({ url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] });
    expect(provider.name).toBe("github-backups-provider");
    const component = one(run.resources, "tenant-fleet:index:WorkflowRoles");
    expect(component.name).toBe("github-backups");
    expect(JSON.stringify(component.aliases)).toContain('"type":"tenant-fleet:index:GithubOidcRole"');
    expect(JSON.stringify(provider.aliases)).toContain("tenant-fleet:index:GithubOidcRole::github-backups");
  });

  it("has one role per purpose, each trusted only by its own workflow files on the default branch", () => {
    const trust = (name: string) => json(one(run.resources, "aws:iam/role:Role", name), "assumeRolePolicy");
    const subjects = (name: string) => trust(name).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"];
    const ref = (file: string) => `repo:example-saas/app:job_workflow_ref:example-saas/app/.github/workflows/${file}@refs/heads/main`;
    expect(subjects("github-backups-backup-writer")).toEqual([ref("tenant-fleet-backup-17-3-x-x-x.yml"), ref("tenant-fleet-backup-43-5-x-x-x.yml")]);
    expect(subjects("github-backups-drill-reader")).toEqual([ref("tenant-fleet-restore-drill.yml")]);
    for (const name of ["github-backups-backup-writer", "github-backups-drill-reader"]) {
      expect(trust(name).Statement).toHaveLength(1);
      expect(trust(name).Statement[0].Principal).toEqual({ Federated: OIDC_ARN });
      expect(Object.keys(trust(name).Statement[0].Condition)).toEqual(["StringEquals"]);
    }
  });

  it("sets the repository's OIDC subject to the claims the trusts name, and keeps it if the stack goes", () => {
    const template = one(
      run.resources,
      "github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate",
    );
    expect(template.inputs).toEqual({ repository: "app", useDefault: false, includeClaimKeys: ["repo", "job_workflow_ref"] });
    expect(template.options.retainOnDelete).toBe(true);
    expect(template.provider).toMatch(/pulumi:providers:github::github::/);
  });

  it("grants the writer uploads under each backed-up tenant's prefix in its class, and the reader the same prefixes to read", () => {
    const writer = json(one(run.resources, "aws:iam/rolePolicy:RolePolicy", "github-backups-backup-writer-permissions"), "policy");
    expect(writer.Statement[0].Resource).toEqual([
      expect.stringMatching(/eu-central-1.*\/retain-14d\/acme-corp\/\*$/),
      expect.stringMatching(/eu-central-1.*\/retain-35d\/brightwave\/\*$/),
      expect.stringMatching(/eu-west-2.*\/retain-14d\/thames-logistics\/\*$/),
      expect.stringMatching(/us-east-2.*\/retain-30d\/northwind\/\*$/),
      expect.stringMatching(/us-west-2.*\/retain-14d\/pacific-health\/\*$/),
    ]);
    const reader = json(one(run.resources, "aws:iam/rolePolicy:RolePolicy", "github-backups-drill-reader-permissions"), "policy");
    expect(reader.Statement.find((s: { Sid: string }) => s.Sid === "ReadDrilledBackups").Resource).toEqual(writer.Statement[0].Resource);
    expect(JSON.stringify([writer, reader])).not.toMatch(/Delete|Tagging|"s3:\*"|"kms:\*"/);
  });

  it("exports each vault's bucket and region, and both role ARNs", () => {
    expect(Object.keys(run.outputs.backupVaults as object).sort()).toEqual(REGIONS);
    expect((run.outputs.backupVaults as Record<string, unknown>)["eu-west-2"]).toEqual({
      bucket: expect.stringMatching(/^tf-prod-bk-eu-west-2-/),
      region: "eu-west-2",
      kmsKeyArn: expect.stringMatching(/^arn:aws:kms:/),
    });
    expect(run.outputs.backupRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/github-backups-backup-writer/);
    expect(run.outputs.drillRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/github-backups-drill-reader/);
  });
});

describe("backup settings", async () => {
  const sse = await runProgram("prod", [
    "backupEncryption=s3",
    "backupObjectLock=governance",
    `oidcProviderArn=${OIDC_ARN}`,
    "secretScope=environment",
    'keepVaultRegions=["sa-east-1"]',
    "keepRetentionDays=[90]",
  ]);

  it("uses SSE-S3 without keys when asked", () => {
    expect(sse.resources.filter((r) => r.type === "aws:kms/key:Key")).toEqual([]);
    const children = inVault(sse, "eu-central-1");
    expect(one(children, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
  });

  it("turns on Object Lock for the shortest retention class", () => {
    const children = inVault(sse, "eu-central-1");
    expect(one(children, "aws:s3/bucket:Bucket").inputs.objectLockEnabled).toBe(true);
    expect(one(children, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs).toMatchObject({
      objectLockEnabled: "Enabled",
      rule: { defaultRetention: { mode: "GOVERNANCE", days: 14 } },
    });
    expect(one(children, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").options).toMatchObject({ protect: true, retainOnDelete: true });
  });

  it("keeps a vault and a retention class the stack names, with no tenant behind them", () => {
    const kept = inVault(sse, "sa-east-1");
    expect(one(kept, "aws:s3/bucket:Bucket").options).toMatchObject({ protect: true, retainOnDelete: true });
    const rules = one(kept, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { id: string }[];
    expect(rules.map((r) => r.id)).toContain("retain-90d");
    // Its policy names the roles (bounding them) like every vault's, so a tenant moving in changes nothing in it.
    expect(JSON.stringify(json(one(kept, "aws:s3/bucketPolicy:BucketPolicy"), "policy"))).toMatch(/github-backups-backup-writer/);
  });

  it("creates the Object Lock configuration before the bucket policy too", () => {
    const children = inVault(sse, "eu-central-1");
    expect(one(children, "aws:s3/bucketPolicy:BucketPolicy").dependencies).toContain(
      one(children, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").urn,
    );
  });

  it("reuses an existing OIDC provider, and the trusts stay exact in environment scope (no environment pattern)", () => {
    expect(sse.resources.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toEqual([]);
    for (const role of sse.resources.filter((r) => r.type === "aws:iam/role:Role")) {
      const trust = json(role, "assumeRolePolicy");
      expect(trust.Statement.map((s: { Principal: unknown }) => s.Principal)).toEqual([{ Federated: OIDC_ARN }]);
      expect(JSON.stringify(trust)).not.toMatch(/StringLike|environment|\*/);
    }
  });
});
