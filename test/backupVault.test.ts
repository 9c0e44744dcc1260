/** Backup vaults and the OIDC role as the prod stack declares them (mock runtime). */
import { describe, expect, it } from "vitest";
import { runProgram } from "./program";
import type { OfflineRun, RecordedResource } from "../scripts/lib/offline";

const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

function inVault(run: OfflineRun, region: string): RecordedResource[] {
  const vault = run.resources.find((r) => r.type === "tenant-fleet:index:BackupVault" && r.name === `backups-${region}`)!;
  return run.resources.filter((r) => r.parentUrn === vault.urn);
}
function one(list: readonly RecordedResource[], type: string): RecordedResource {
  const found = list.filter((r) => r.type === type);
  expect(found, type).toHaveLength(1);
  return found[0];
}

describe("backups in the prod stack", async () => {
  const run = await runProgram("prod");
  const vaults = run.resources.filter((r) => r.type === "tenant-fleet:index:BackupVault");

  it("has one vault per AWS region in use, not per tenant", () => {
    expect(vaults.map((v) => v.name).sort()).toEqual(["backups-eu-central-1", "backups-eu-west-2", "backups-us-east-1", "backups-us-east-2", "backups-us-west-2"]);
    expect(run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket")).toHaveLength(5);
  });

  it.each(["eu-central-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"])("hardens the %s vault, every resource in that region", (region) => {
    const children = inVault(run, region);
    for (const r of children.filter((c) => c.type.startsWith("aws:s3") || c.type.startsWith("aws:kms"))) expect(r.inputs.region, r.type).toBe(region);

    const bucket = one(children, "aws:s3/bucket:Bucket");
    const key = one(children, "aws:kms/key:Key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    for (const data of [bucket, key]) expect(data.options).toMatchObject({ protect: true, retainOnDelete: true });

    expect(one(children, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(one(children, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: expect.stringMatching(new RegExp(`^arn:aws:kms:${region}:`)) }, bucketKeyEnabled: true },
    ]);
    expect(one(children, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(one(children, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    const policy = JSON.parse(one(children, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy as string);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyUnencryptedUploads", "DenyOtherKmsKeys"]);
    const rules = one(children, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { id: string }[];
    expect(rules.at(-1)!.id).toBe("housekeeping");
    expect(rules.filter((r) => r.id.startsWith("retention-")).length).toBeGreaterThan(0);
    expect(children.some((c) => c.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")).toBe(false);
  });

  it("keeps a retention rule per distinct retention of the tenants in the region", () => {
    const rules = one(inVault(run, "eu-central-1"), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { id: string }[];
    expect(rules.map((r) => r.id)).toEqual(["retention-14d", "retention-35d", "housekeeping"]);
  });

  it("creates the GitHub OIDC provider without a thumbprint and a role pinned to the repository's default branch", () => {
    const provider = one(run.resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    expect(provider.inputs).toEqual({ url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] });
    const role = one(run.resources, "aws:iam/role:Role");
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Principal).toEqual({ Federated: OIDC_ARN });
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": ["repo:example-saas/app:ref:refs/heads/main"],
    });
    const permissions = JSON.parse(one(run.resources, "aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
    expect(permissions.Statement[0].Resource).toEqual([
      expect.stringMatching(/eu-central-1.*\/acme-corp\/\*$/),
      expect.stringMatching(/eu-central-1.*\/brightwave\/\*$/),
      expect.stringMatching(/eu-west-2.*\/thames-logistics\/\*$/),
      expect.stringMatching(/us-east-2.*\/northwind\/\*$/),
      expect.stringMatching(/us-west-2.*\/pacific-health\/\*$/),
    ]);
    expect(JSON.stringify(permissions)).not.toMatch(/Delete/);
  });

  it("exports each vault's bucket and region, and the role ARN", () => {
    expect(Object.keys(run.outputs.backupVaults as object).sort()).toEqual(["eu-central-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"]);
    expect((run.outputs.backupVaults as Record<string, unknown>)["eu-west-2"]).toEqual({ bucket: expect.stringMatching(/^tf-prod-bk-eu-west-2-/), region: "eu-west-2" });
    expect(run.outputs.backupRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });
});

describe("backup settings", async () => {
  const sse = await runProgram("prod", ["backupEncryption=s3", "backupObjectLock=governance", `oidcProviderArn=${OIDC_ARN}`, "secretScope=environment"]);

  it("uses SSE-S3 without keys when asked", () => {
    expect(sse.resources.filter((r) => r.type === "aws:kms/key:Key")).toEqual([]);
    const children = inVault(sse, "eu-central-1");
    expect(one(children, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
  });

  it("turns on Object Lock for the shortest retention in the vault", () => {
    const children = inVault(sse, "eu-central-1");
    expect(one(children, "aws:s3/bucket:Bucket").inputs.objectLockEnabled).toBe(true);
    expect(one(children, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs).toMatchObject({
      objectLockEnabled: "Enabled",
      rule: { defaultRetention: { mode: "GOVERNANCE", days: 14 } },
    });
  });

  it("reuses an existing OIDC provider and trusts the tenant environments", () => {
    expect(sse.resources.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toEqual([]);
    const trust = JSON.parse(one(sse.resources, "aws:iam/role:Role").inputs.assumeRolePolicy as string);
    expect(trust.Statement.map((s: { Principal: unknown }) => s.Principal)).toEqual([{ Federated: OIDC_ARN }, { Federated: OIDC_ARN }]);
    expect(trust.Statement[1].Condition.StringLike).toEqual({ "token.actions.githubusercontent.com:sub": ["repo:example-saas/app:environment:tenant-*"] });
  });
});
