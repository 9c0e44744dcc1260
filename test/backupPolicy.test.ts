/** The backup documents as data: keys, vault grouping, lifecycle, bucket policy, trust and permissions. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  backupKey,
  backupRolePolicy,
  backupTimestamp,
  bucketPolicy,
  bucketPrefix,
  FORBIDDEN_BACKUP_ROLE_ACTIONS,
  lifecycleRules,
  planVaults,
  trustPolicy,
  trustedSubjects,
  type PolicyDocument,
} from "../components/backupPolicy";
import { parseTenants } from "../tenants/load";
import { ACME, NORTHWIND, fleetYaml } from "./helpers";

const repo = { owner: "example-saas", repository: "app", branch: "main" };
const OIDC = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

function actions(doc: PolicyDocument): string[] {
  return doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => (Array.isArray(s.Action) ? [...s.Action] : [s.Action as string]));
}

describe("backup object keys", () => {
  it("are <tenant-id>/<UTC timestamp>.dump", () => {
    expect(backupKey("acme-corp", new Date("2026-11-22T03:17:05.123Z"))).toBe("acme-corp/20261122T031705Z.dump");
    expect(backupTimestamp(new Date("2027-01-02T00:00:00Z"))).toBe("20270102T000000Z");
  });

  it("sort in time order, whatever the dates", () => {
    const date = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2999-12-31T23:59:59Z"), noInvalidDate: true });
    fc.assert(
      fc.property(date, date, (a, b) => {
        const [ka, kb] = [backupKey("t", a), backupKey("t", b)];
        const secA = Math.floor(a.getTime() / 1000);
        const secB = Math.floor(b.getTime() / 1000);
        expect(Math.sign(ka.localeCompare(kb))).toBe(Math.sign(secA - secB));
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
    expect(plans[0].writers.map((t) => t.id)).toEqual(["acme-corp", "brightwave"]);
    expect(plans[0].retentions).toEqual([14, 30, 90]);
    expect(plans[0].residencies).toEqual(["DE", "EU"]);
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
  it("has one rule per distinct retention keyed on the object tag, plus housekeeping", () => {
    expect(lifecycleRules([14, 30])).toEqual([
      { id: "retention-14d", status: "Enabled", filter: { tag: { key: "retention-days", value: "14" } }, expiration: { days: 14 } },
      { id: "retention-30d", status: "Enabled", filter: { tag: { key: "retention-days", value: "30" } }, expiration: { days: 30 } },
      {
        id: "housekeeping",
        status: "Enabled",
        filter: { prefix: "" },
        expiration: { expiredObjectDeleteMarker: true },
        noncurrentVersionExpiration: { noncurrentDays: 7 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
  });
});

describe("bucket policy", () => {
  const arn = "arn:aws:s3:::b";
  it("denies requests without TLS and uploads not encrypted with the vault key", () => {
    expect(bucketPolicy(arn, "kms", "arn:aws:kms:eu-central-1:1:key/k")).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
        { Sid: "DenyUnencryptedUploads", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `${arn}/*`, Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } } },
        { Sid: "DenyOtherKmsKeys", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `${arn}/*`, Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-central-1:1:key/k" } } },
      ],
    });
  });

  it("requires SSE-S3 headers when the vault uses SSE-S3", () => {
    const doc = bucketPolicy(arn, "s3");
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyUnencryptedUploads"]);
    expect(doc.Statement[1].Condition).toEqual({ StringNotEquals: { "s3:x-amz-server-side-encryption": "AES256" } });
  });
});

describe("OIDC trust policy", () => {
  it("pins aud and sub to the default branch of the configured repository", () => {
    expect(trustPolicy(OIDC, repo, "repository")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "GithubDefaultBranch",
          Effect: "Allow",
          Principal: { Federated: OIDC },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": ["repo:example-saas/app:ref:refs/heads/main"],
            },
          },
        },
      ],
    });
  });

  it("adds the tenant environments of the same repository with environment-scoped secrets", () => {
    const doc = trustPolicy(OIDC, repo, "environment");
    expect(doc.Statement[1]).toEqual({
      Sid: "GithubTenantEnvironments",
      Effect: "Allow",
      Principal: { Federated: OIDC },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        StringLike: { "token.actions.githubusercontent.com:sub": ["repo:example-saas/app:environment:tenant-*"] },
      },
    });
  });

  it("uses owner and repository ids in subjects when they are configured", () => {
    expect(trustedSubjects({ ...repo, ownerId: "123", repositoryId: "456" }, "repository").exact).toEqual(["repo:example-saas@123/app@456:ref:refs/heads/main"]);
    expect(() => trustedSubjects({ ...repo, ownerId: "123" }, "repository")).toThrow(/give both or neither/);
  });

  it.each([
    [{ ...repo, owner: "*" }],
    [{ ...repo, repository: "*" }],
    [{ ...repo, owner: "example-saas/app:ref:refs/heads/main,repo:evil" }],
    [{ ...repo, repository: "app:pull_request" }],
    [{ ...repo, branch: "*" }],
    [{ ...repo, ownerId: "1*", repositoryId: "2" }],
  ])("cannot be produced for another repository, a wildcard or a pull request: %o", (bad) => {
    expect(() => trustPolicy(OIDC, bad, "repository")).toThrow(/refusing/);
  });

  it("always pins aud and sub, never admits pull requests, never leaves the repository", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,20}[A-Za-z0-9]$/);
    fc.assert(
      fc.property(name, fc.stringMatching(/^[A-Za-z0-9._-]{1,30}$/), fc.stringMatching(/^[a-z][a-z0-9/-]{0,20}$/), fc.constantFrom("repository", "environment") as fc.Arbitrary<"repository" | "environment">, (owner, repository, branch, scope) => {
        const doc = trustPolicy(OIDC, { owner, repository, branch }, scope);
        for (const s of doc.Statement) {
          expect(s.Action).toBe("sts:AssumeRoleWithWebIdentity");
          expect(s.Principal).toEqual({ Federated: OIDC });
          expect(s.Condition?.StringEquals?.["token.actions.githubusercontent.com:aud"]).toBe("sts.amazonaws.com");
          const subs = [s.Condition?.StringEquals?.["token.actions.githubusercontent.com:sub"], s.Condition?.StringLike?.["token.actions.githubusercontent.com:sub"]].flat().filter(Boolean) as string[];
          expect(subs.length).toBeGreaterThan(0);
          for (const sub of subs) {
            expect(sub.startsWith(`repo:${owner}/${repository}:`)).toBe(true);
            expect(sub).not.toContain("pull_request");
            // The only wildcard allowed is the tenant environments of this very repository.
            if (sub.includes("*")) expect(sub).toBe(`repo:${owner}/${repository}:environment:tenant-*`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("backup role permissions", () => {
  const grants = [
    { bucketArn: "arn:aws:s3:::eu", keyArn: "arn:aws:kms:eu-central-1:1:key/a", writerIds: ["acme-corp", "brightwave"] },
    { bucketArn: "arn:aws:s3:::us", keyArn: "arn:aws:kms:us-east-2:1:key/b", writerIds: [] },
  ];

  it("writes under each writing tenant's prefix, reads for drills, uses the vault keys", () => {
    const { document, narrowed } = backupRolePolicy(grants);
    expect(narrowed).toBe(true);
    expect(document).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "WriteTenantBackups", Effect: "Allow", Action: ["s3:PutObject", "s3:PutObjectTagging"], Resource: ["arn:aws:s3:::eu/acme-corp/*", "arn:aws:s3:::eu/brightwave/*"] },
        { Sid: "ReadBackupsForRestoreDrills", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectTagging"], Resource: ["arn:aws:s3:::eu/*", "arn:aws:s3:::us/*"] },
        { Sid: "ListBackups", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::eu", "arn:aws:s3:::us"] },
        { Sid: "UseVaultKeys", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: ["arn:aws:kms:eu-central-1:1:key/a", "arn:aws:kms:us-east-2:1:key/b"] },
      ],
    });
  });

  it("never grants a delete or a way to change retention, and every statement has a Sid", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/), { maxLength: 400 }), (ids) => {
        const { document } = backupRolePolicy([{ ...grants[0], writerIds: ids }]);
        for (const a of actions(document)) expect(FORBIDDEN_BACKUP_ROLE_ACTIONS).not.toContain(a);
        for (const a of actions(document)) expect(a).not.toMatch(/Delete|\*/);
        for (const s of document.Statement) expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/);
      }),
      { numRuns: 50 },
    );
  });

  it("falls back to the backup keys of the bucket when per-tenant prefixes would pass IAM's size limit", () => {
    const many = Array.from({ length: 400 }, (_, i) => `tenant-${i}`);
    const { document, narrowed } = backupRolePolicy([{ ...grants[0], writerIds: many }]);
    expect(narrowed).toBe(false);
    expect(document.Statement[0]).toEqual({ Sid: "WriteTenantBackups", Effect: "Allow", Action: ["s3:PutObject", "s3:PutObjectTagging"], Resource: ["arn:aws:s3:::eu/*/*.dump"] });
  });
});
