/**
 * The backup documents as data: key layout, vault planning, lifecycle, bucket and key
 * policies, OIDC subjects and trust, the roles' permissions and their sizes. What the
 * documents allow and deny is proven by evaluation in test/leastPrivilege.test.ts.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { backupKey, backupTimestamp, bucketPrefix, lifecycleRules, planVaults } from "../src/plan/vaults/plan";
import { bucketPolicy, vaultKeyPolicy } from "../src/plan/vaults/policies";
import { credentialsKeyPolicy } from "../src/plan/iam/credentials";
import { actionMatches } from "../src/core/iam/evaluate";
import { TRUST_POLICY_LIMIT_DEFAULT } from "../src/core/iam/limits";
import { VAULT_SETTINGS } from "./iamWorld";
import {
  backupWriterPolicy,
  drillReaderPolicy,
  grantScopes,
  policyLength,
  trustPolicyLength,
  workflowSubject,
  workflowTrustPolicy,
} from "../src/plan/iam/workflowAccess";
import { planWorkflows } from "../src/plan/workflows/render";
import { parseTenants } from "../tenants/load";
import { ACME, NORTHWIND, fleetYaml } from "./helpers";

const repo = { owner: "example-saas", repository: "app", branch: "main" };
const OIDC = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const WRITER = "arn:aws:iam::123456789012:role/writer";
const READER = "arn:aws:iam::123456789012:role/reader";
const DEPLOY = "arn:aws:iam::123456789012:role/deploy";
const BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass";

describe("backup object keys", () => {
  it("are retain-<days>d/<tenant-id>/<UTC timestamp>.dump", () => {
    expect(backupKey("acme-corp", 14, new Date("2026-11-22T03:17:05.123Z"))).toBe("retain-14d/acme-corp/20261122T031705Z.dump");
    expect(backupTimestamp(new Date("2027-01-02T00:00:00Z"))).toBe("20270102T000000Z");
  });

  it("sort in time order within a tenant's class, whatever the dates", () => {
    const date = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2999-12-31T23:59:59Z"), noInvalidDate: true });
    fc.assert(
      fc.property(date, date, (a, b) => {
        const [ka, kb] = [backupKey("t", 30, a), backupKey("t", 30, b)];
        expect(Math.sign(ka.localeCompare(kb))).toBe(Math.sign(Math.floor(a.getTime() / 1000) - Math.floor(b.getTime() / 1000)));
      }),
    );
  });
});

describe("vault planning", () => {
  const fleet = parseTenants(
    fleetYaml([
      { ...ACME, backup: "{ retentionDays: 30 }" },
      { ...ACME, id: "brightwave", name: "Brightwave", residency: "DE" },
      { ...ACME, id: "gone", name: "Gone", status: "retired", backup: "{ retentionDays: 90 }" },
      { ...ACME, id: "quiet", name: "Quiet", backup: "{ enabled: false }" },
      NORTHWIND,
    ]),
    "t.yaml",
  ).fleet!;

  it("makes one vault per AWS region in use, in region order, not one per tenant", () => {
    const plans = planVaults(fleet.tenants);
    expect(plans.map((p) => p.awsRegion)).toEqual(["eu-central-1", "us-east-2"]);
    expect(plans[0].tenants.map((t) => t.id)).toEqual(["acme-corp", "brightwave", "gone", "quiet"]);
    expect(plans[0].backedUp.map((t) => t.id)).toEqual(["acme-corp", "brightwave"]);
    expect(plans[0].residencies).toEqual(["DE", "EU"]);
    expect(plans.map((p) => p.kept)).toEqual([false, false]);
  });

  it("gives every vault every retention class of the stack, retired tenants' included", () => {
    for (const plan of planVaults(fleet.tenants)) expect(plan.retentions).toEqual([14, 30, 90]);
  });

  it("keeps the vaults and classes the stack names, with nobody behind them", () => {
    const plans = planVaults(fleet.tenants, { regions: ["eu-west-2"], retentionDays: [7] });
    expect(plans.map((p) => [p.awsRegion, p.kept, p.tenants.length])).toEqual([
      ["eu-central-1", false, 4],
      ["eu-west-2", true, 0],
      ["us-east-2", false, 1],
    ]);
    expect(plans[1].retentions).toEqual([7, 14, 30, 90]);
  });

  it("names buckets with a prefix S3 accepts for any stack name", () => {
    expect(bucketPrefix("prod", "eu-central-1")).toBe("tf-prod-bk-eu-central-1-");
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.constantFrom("eu-central-1", "ap-southeast-2", "us-east-1"), (stack, region) => {
        const p = bucketPrefix(stack, region);
        expect(p.length).toBeLessThanOrEqual(37);
        expect(p).toMatch(/^[a-z0-9][a-z0-9.-]*-$/);
        expect(p).toContain(`-bk-${region}-`);
      }),
    );
  });
});

describe("lifecycle", () => {
  it("expires each retention class by its key prefix, legacy backups by their tag, and keeps noncurrent versions as long as the longest retention", () => {
    expect(lifecycleRules([14, 30])).toEqual([
      { id: "retain-14d", status: "Enabled", filter: { prefix: "retain-14d/" }, expiration: { days: 14 } },
      { id: "retain-30d", status: "Enabled", filter: { prefix: "retain-30d/" }, expiration: { days: 30 } },
      { id: "legacy-retention-14d", status: "Enabled", filter: { tag: { key: "retention-days", value: "14" } }, expiration: { days: 14 } },
      { id: "legacy-retention-30d", status: "Enabled", filter: { tag: { key: "retention-days", value: "30" } }, expiration: { days: 30 } },
      {
        id: "housekeeping",
        status: "Enabled",
        filter: { prefix: "" },
        expiration: { expiredObjectDeleteMarker: true },
        noncurrentVersionExpiration: { noncurrentDays: 30 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
    expect(lifecycleRules([1]).at(-1)!.noncurrentVersionExpiration).toEqual({ noncurrentDays: 7 });
  });

  it("stays within S3's 1,000 rules per bucket for any set of classes a stack can have", () => {
    expect(lifecycleRules(Array.from({ length: 499 }, (_, i) => i + 1))).toHaveLength(999);
  });
});

/** Whether a statement's actions (wildcards included) name this action. */
const allows = (s: { Action?: string | readonly string[] }, action: string) => [s.Action ?? []].flat().some((a) => actionMatches(a, action));

describe("bucket policy", () => {
  const arn = "arn:aws:s3:::b";
  it("only denies: no TLS, overwrites, copies, other encryption or keys, erasure and configuration changes but by break-glass, and each role's other actions", () => {
    const doc = bucketPolicy(arn, "kms", "arn:aws:kms:eu-central-1:1:key/k", { writerRoleArn: WRITER, readerRoleArn: READER, breakGlassArn: BREAK_GLASS });
    expect(doc.Statement.map((s) => [s.Sid, s.Effect])).toEqual([
      ["DenyInsecureTransport", "Deny"],
      ["DenyOverwrites", "Deny"],
      ["DenyCopies", "Deny"],
      ["DenyOtherEncryption", "Deny"],
      ["DenyOtherKmsKeys", "Deny"],
      ["DenyErasureButBreakGlass", "Deny"],
      ["DenyVaultConfigurationButBreakGlass", "Deny"],
      ["BackupWriterUploadsOnly", "Deny"],
      ["BackupWriterReadsOnlyManifests", "Deny"],
      ["DrillReaderReadsOnly", "Deny"],
    ]);
    // The writer reads nothing but manifests (the nightly unchanged check), whatever its identity policy says.
    expect(doc.Statement.find((s) => s.Sid === "BackupWriterReadsOnlyManifests")).toMatchObject({
      Action: ["s3:GetObject"],
      NotResource: `${arn}/*.manifest.json`,
      Condition: { ArnEquals: { "aws:PrincipalArn": WRITER } },
    });
    expect(doc.Statement[1].Condition).toEqual({ Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } });
    expect(doc.Statement[3].Condition).toEqual({
      Null: { "s3:x-amz-server-side-encryption": "false" },
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
    });
    expect(doc.Statement[5].Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } });
    // The vault's configuration: every setting that decides how long backups stay and who may reach them, the bucket itself as resource.
    expect(doc.Statement[6]).toEqual({
      Sid: "DenyVaultConfigurationButBreakGlass",
      Effect: "Deny",
      Principal: "*",
      Action: [...VAULT_SETTINGS],
      Resource: arn,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } },
    });
  });

  it("with SSE-S3 names no key; without a break-glass principal denies erasure to everyone and leaves the configuration to IAM (a guard nobody could pass would freeze the vault)", () => {
    const doc = bucketPolicy(arn, "s3", undefined, {});
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyOverwrites",
      "DenyCopies",
      "DenyOtherEncryption",
      "DenyErasureButBreakGlass",
    ]);
    expect(doc.Statement[3].Condition).toEqual({
      Null: { "s3:x-amz-server-side-encryption": "false" },
      StringNotEquals: { "s3:x-amz-server-side-encryption": "AES256" },
    });
    expect(doc.Statement[4].Condition).toBeUndefined();
  });
});

describe("key policy", () => {
  it("names administrators, lets the roles use the key only through S3 in its region, and keeps destruction and policy changes to break-glass", () => {
    const doc = vaultKeyPolicy("eu-west-2", { keyAdministrators: [DEPLOY], writerRoleArn: WRITER, readerRoleArn: READER, breakGlassArn: BREAK_GLASS });
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      "KeyAdministration",
      "BackupWriterEncryptsThroughS3",
      "DrillReaderDecryptsThroughS3",
      "BreakGlass",
      "DenyKeyDestructionButBreakGlass",
      "DenyKeyPolicyChangesButBreakGlass",
    ]);
    expect(doc.Statement[0].Action).not.toContain("kms:Decrypt");
    expect(doc.Statement[0].Action).not.toContain("kms:Disable*");
    // No Put* at all (kms:PutKeyPolicy is the only KMS action it would match): an administrator who could rewrite the policy could grant itself the deletion.
    expect((doc.Statement[0].Action as string[]).filter((a) => /^kms:Put/.test(a))).toEqual([]);
    expect(doc.Statement[0].Action).toContain("kms:CancelKeyDeletion");
    expect(doc.Statement[5]).toEqual({
      Sid: "DenyKeyPolicyChangesButBreakGlass",
      Effect: "Deny",
      Principal: "*",
      Action: ["kms:PutKeyPolicy"],
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } },
    });
    expect(doc.Statement[3].Action).toContain("kms:PutKeyPolicy");
    expect(doc.Statement[2]).toMatchObject({
      Principal: { AWS: READER },
      Action: ["kms:Decrypt"],
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-2.amazonaws.com" } },
    });
  });

  it("without a break-glass principal denies destruction to everyone, leaves the policy to the administrators (else nobody could ever change it), and refuses a key without administrators", () => {
    const doc = vaultKeyPolicy("eu-west-2", { keyAdministrators: [DEPLOY] });
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["KeyAdministration", "DenyKeyDestructionButBreakGlass"]);
    expect(allows(doc.Statement[0], "kms:PutKeyPolicy")).toBe(true);
    expect(doc.Statement[1].Condition).toBeUndefined();
    expect(() => vaultKeyPolicy("eu-west-2", { keyAdministrators: [] })).toThrow(/administrator/);
  });
});

describe("credentials key policy", () => {
  it("keeps kms:PutKeyPolicy with its administrators (they write every parameter it protects) and destruction with break-glass", () => {
    const doc = credentialsKeyPolicy({
      stack: "prod",
      awsRegion: "eu-west-2",
      keyAdministrators: [DEPLOY],
      workflowReaders: [WRITER],
      applicationReaders: [],
      breakGlassArn: BREAK_GLASS,
    });
    expect(doc.Statement[0]).toMatchObject({ Sid: "KeyAdministration", Principal: { AWS: [DEPLOY] } });
    expect(allows(doc.Statement[0], "kms:PutKeyPolicy")).toBe(true);
    expect(doc.Statement.map((s) => s.Sid)).not.toContain("DenyKeyPolicyChangesButBreakGlass");
  });
});

describe("OIDC subjects and trust", () => {
  const path = ".github/workflows/tenant-fleet-backup-17-3-x-x-x.yml";

  it("names the repository, the workflow file and the default branch", () => {
    expect(workflowSubject(repo, path)).toBe(`repo:example-saas/app:job_workflow_ref:example-saas/app/${path}@refs/heads/main`);
    expect(workflowSubject({ ...repo, ownerId: "123", repositoryId: "456" }, path)).toBe(
      `repo:example-saas@123/app@456:job_workflow_ref:example-saas/app/${path}@refs/heads/main`,
    );
  });

  it.each([
    [{ ...repo, owner: "*" }, path],
    [{ ...repo, repository: "*" }, path],
    [{ ...repo, owner: "example-saas/app:ref:refs/heads/main,repo:evil" }, path],
    [{ ...repo, repository: "app:pull_request" }, path],
    [{ ...repo, branch: "*" }, path],
    [{ ...repo, ownerId: "1*", repositoryId: "2" }, path],
    [{ ...repo, ownerId: "1" }, path],
    [repo, ".github/workflows/*.yml"],
    [repo, ".github/workflows/x.yml@refs/heads/main"],
    [repo, "other/x.yml"],
  ])("cannot be produced for a wildcard, another repository or another kind of ref: %o %s", (bad, p) => {
    expect(() => workflowSubject(bad, p)).toThrow(/refusing/);
  });

  it("trusts exact subjects only, with aud pinned, from GitHub's provider", () => {
    const doc = workflowTrustPolicy(OIDC, [workflowSubject(repo, path)]);
    expect(doc.Statement).toEqual([
      {
        Sid: "GeneratedWorkflowsOnDefaultBranch",
        Effect: "Allow",
        Principal: { Federated: OIDC },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [workflowSubject(repo, path)],
          },
        },
      },
    ]);
    expect(() => workflowTrustPolicy(OIDC, [])).toThrow(/at least one/);
  });

  it("fits IAM's default trust policy size at 2,000 tenants on one schedule (one backup file and one drill file, whatever the fleet size)", async () => {
    const tenants = parseTenants(
      fleetYaml(Array.from({ length: 2000 }, (_, i) => ({ ...ACME, id: `tenant-${String(i).padStart(4, "0")}`, name: `Tenant ${i}` }))),
      "t.yaml",
    ).fleet!.tenants;
    const files = planWorkflows(tenants, {});
    for (const kind of ["backup", "restore-drill"] as const) {
      const paths = files.filter((f) => f.kind === kind).map((f) => f.path);
      expect(paths).toHaveLength(1);
      expect(trustPolicyLength(repo, paths)).toBeLessThanOrEqual(TRUST_POLICY_LIMIT_DEFAULT);
    }
  });
});

describe("workflow role permissions", () => {
  const grants = [
    {
      awsRegion: "eu-central-1",
      bucketArn: "arn:aws:s3:::eu",
      keyArn: "arn:aws:kms:eu-central-1:1:key/a",
      tenants: [
        { id: "acme-corp", retentionDays: 14 },
        { id: "brightwave", retentionDays: 35 },
      ],
    },
    { awsRegion: "us-east-2", bucketArn: "arn:aws:s3:::us", keyArn: "arn:aws:kms:us-east-2:1:key/b", tenants: [] },
  ];

  it("lets the writer upload new objects under each tenant's prefix, read there (manifests: the bucket policy), list its classes, and nothing else", () => {
    expect(backupWriterPolicy(grants, "tenant").Statement).toEqual([
      {
        Sid: "UploadNewBackupsReadManifests",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObject"],
        Resource: ["arn:aws:s3:::eu/retain-14d/acme-corp/*", "arn:aws:s3:::eu/retain-35d/brightwave/*"],
      },
      {
        Sid: "ListBackupClasses0",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: "arn:aws:s3:::eu",
        Condition: { StringLike: { "s3:prefix": ["retain-14d/*", "retain-35d/*"] } },
      },
      {
        Sid: "NeverReplaceABackup",
        Effect: "Deny",
        Action: "s3:PutObject",
        Resource: "*",
        Condition: { Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } },
      },
      {
        Sid: "EncryptThroughS3",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: ["arn:aws:kms:eu-central-1:1:key/a"],
        Condition: { StringEquals: { "kms:ViaService": ["s3.eu-central-1.amazonaws.com"] } },
      },
    ]);
  });

  it("lets the reader list and read each drilled tenant's prefix", () => {
    expect(drillReaderPolicy(grants, "tenant").Statement).toEqual([
      {
        Sid: "ListDrilledBackups0",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: "arn:aws:s3:::eu",
        Condition: { StringEquals: { "s3:prefix": ["retain-14d/acme-corp/", "retain-35d/brightwave/"] } },
      },
      {
        Sid: "ReadDrilledBackups",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: ["arn:aws:s3:::eu/retain-14d/acme-corp/*", "arn:aws:s3:::eu/retain-35d/brightwave/*"],
      },
      {
        Sid: "DecryptThroughS3",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: ["arn:aws:kms:eu-central-1:1:key/a"],
        Condition: { StringEquals: { "kms:ViaService": ["s3.eu-central-1.amazonaws.com"] } },
      },
    ]);
  });

  it("keeps per-tenant prefixes while they fit IAM's inline policy size, then grants retention classes", () => {
    const vault = (n: number) => [
      { awsRegion: "eu-central-1", hasKey: true, tenants: Array.from({ length: n }, (_, i) => ({ id: `tenant-${i}`, retentionDays: 14 + (i % 3) })) },
    ];
    expect(grantScopes(vault(40))).toEqual({ backupWriter: "tenant", drillReader: "tenant", migrator: "tenant" });
    expect(grantScopes(vault(400))).toEqual({ backupWriter: "class", drillReader: "class", migrator: "tenant" });
    // Region scope: the parameters count too, for the writer and the migrations role.
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `tenant-${i}`);
    const credentials = (n: number) => ({
      stack: "prod",
      backedUp: [{ awsRegion: "eu-central-1", tenants: ids(n) }],
      migrated: [{ awsRegion: "eu-central-1", tenants: ids(n) }],
    });
    expect(grantScopes(vault(30), credentials(30))).toEqual({ backupWriter: "tenant", drillReader: "tenant", migrator: "tenant" });
    expect(grantScopes(vault(60), credentials(60))).toEqual({ backupWriter: "class", drillReader: "tenant", migrator: "tenant" });
    expect(grantScopes(vault(200), credentials(200))).toEqual({ backupWriter: "class", drillReader: "class", migrator: "class" });
    const wide = backupWriterPolicy([{ ...grants[0], tenants: vault(400)[0].tenants }], "class");
    expect(wide.Statement[0].Resource).toEqual(["arn:aws:s3:::eu/retain-14d/*", "arn:aws:s3:::eu/retain-15d/*", "arn:aws:s3:::eu/retain-16d/*"]);
  });

  it("decides the scope so that the real document always fits, whatever the ids", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/), retentionDays: fc.integer({ min: 1, max: 3650 }) }), { maxLength: 300 }),
        (tenants) => {
          const scopes = grantScopes([{ awsRegion: "ap-southeast-2", hasKey: true, tenants }]);
          const real = [
            {
              awsRegion: "ap-southeast-2",
              bucketArn: `arn:aws:s3:::${"b".repeat(63)}`,
              keyArn: `arn:aws:kms:ap-southeast-2:123456789012:key/${"0".repeat(36)}`,
              tenants,
            },
          ];
          expect(policyLength(backupWriterPolicy(real, scopes.backupWriter))).toBeLessThanOrEqual(10_240);
          expect(policyLength(drillReaderPolicy(real, scopes.drillReader))).toBeLessThanOrEqual(10_240);
        },
      ),
      { numRuns: 60 },
    );
  });
});
