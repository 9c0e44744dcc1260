/**
 * The operations role and the break-glass principal, proven by evaluating the documents
 * the real program declares (prod stack, with operationsRepository): who may assume the
 * operations role, what it may do in a vault whatever its own policy says, and that only
 * the break-glass principal can erase.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram } from "./program";
import { admin, asCaller, assume, assumeWithClaims, kms, s3, worldOf, type Caller, type World } from "./iamWorld";
import { oidcClaims, type OidcJob } from "./githubOidcClaims";
import { ALLOW_EVERYTHING } from "../src/core/iam/evaluate";

const REPO = "example-saas/tenant-fleet";
const GLASS = "arn:aws:iam::123456789012:role/tenant-fleet-break-glass";
const STAMP = "20261122T031705Z";

describe("the operations role (prod stack)", () => {
  let world: World;
  let operator: Caller;
  let bucket: string;
  let region: string;
  beforeAll(async () => {
    const run = await runProgram("prod", [`operationsRepository=${REPO}`]);
    world = worldOf(run);
    operator = asCaller(world.operator!);
    region = "eu-central-1";
    bucket = world.vaults.get(region)!.bucketArn;
    expect(run.outputs.operationsRoleArn).toBe(world.operator!.arn);
  });

  it("is assumed only by tenant-restore.yml and tenant-export.yml of main in the stack's repository's tenant-operations environment", () => {
    // The declared role's trust, evaluated; every case a token GitHub issues (test/operationsTrust.test.ts has the rest).
    const job = (j: Partial<OidcJob>) =>
      assumeWithClaims(world, world.operator!, oidcClaims({ repository: REPO, workflow: ".github/workflows/tenant-restore.yml", ...j }));
    expect(job({ environment: "tenant-operations" })).toBe("allow");
    expect(job({ environment: "tenant-operations", workflow: ".github/workflows/tenant-export.yml" })).toBe("allow");
    for (const j of [
      { environment: "prod" },
      { environment: "tenant-erasure" },
      {},
      { pullRequest: true, ref: "refs/pull/7/merge" },
      { environment: "tenant-operations", repository: "example-saas/app" },
      { environment: "tenant-operations-2" },
      { environment: "tenant-operations", workflow: ".github/workflows/tenant-move.yml" },
      { environment: "tenant-operations", ref: "refs/heads/feature" },
      { environment: "tenant-operations", aud: "other-audience" },
    ]) {
      expect(job(j), JSON.stringify(j)).not.toBe("allow");
    }
    // The environment's subject alone no longer suffices.
    expect(assume(world, world.operator!, `repo:${REPO}:environment:tenant-operations`)).not.toBe("allow");
  });

  it("reads backups and exports, and writes only new exports", () => {
    const ok = { "s3:if-none-match": "*", "s3:ObjectCreationOperation": true };
    expect(s3(world, region, operator, "s3:GetObject", `${bucket}/retain-14d/acme-corp/${STAMP}.dump`)).toBe("allow");
    expect(s3(world, region, operator, "s3:GetObject", `${bucket}/exports/acme-corp/${STAMP}.dump`)).toBe("allow");
    expect(s3(world, region, operator, "s3:PutObject", `${bucket}/exports/acme-corp/${STAMP}.dump`, ok)).toBe("allow");
    expect(kms(world, region, operator, "kms:GenerateDataKey", true)).toBe("allow");
    expect(kms(world, region, operator, "kms:Decrypt", false)).not.toBe("allow");
    // Replacing an export, writing among the backups, listing, deleting, retagging: denied.
    expect(s3(world, region, operator, "s3:PutObject", `${bucket}/exports/acme-corp/${STAMP}.dump`, { "s3:ObjectCreationOperation": true })).not.toBe("allow");
    expect(s3(world, region, operator, "s3:PutObject", `${bucket}/retain-14d/acme-corp/${STAMP}.dump`, ok)).not.toBe("allow");
    for (const action of ["s3:ListBucket", "s3:ListBucketVersions"]) expect(s3(world, region, operator, action, bucket), action).not.toBe("allow");
    for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectTagging", "s3:BypassGovernanceRetention", "s3:PutObjectRetention"]) {
      expect(s3(world, region, operator, action, `${bucket}/exports/acme-corp/${STAMP}.dump`), action).not.toBe("allow");
    }
  });

  it("stays bounded by the vault even if its own policy is widened to everything", () => {
    const widened: Caller = { arn: operator.arn, identity: [ALLOW_EVERYTHING] };
    expect(
      s3(world, region, widened, "s3:PutObject", `${bucket}/retain-14d/acme-corp/${STAMP}.dump`, {
        "s3:if-none-match": "*",
        "s3:ObjectCreationOperation": true,
      }),
    ).toBe("explicit-deny");
    expect(s3(world, region, widened, "s3:DeleteObjectVersion", `${bucket}/retain-14d/acme-corp/${STAMP}.dump`)).toBe("explicit-deny");
    expect(s3(world, region, widened, "s3:ListBucketVersions", bucket)).toBe("explicit-deny");
  });

  it("leaves erasure to the break-glass principal: it may delete every version, nobody else may", () => {
    const glass = { arn: GLASS, identity: [ALLOW_EVERYTHING] };
    const object = `${bucket}/retain-14d/old-mill/${STAMP}.dump`;
    for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"])
      expect(s3(world, region, glass, action, object), action).toBe("allow");
    expect(s3(world, region, glass, "s3:ListBucketVersions", bucket)).toBe("allow");
    for (const who of [admin("account-admin"), asCaller(world.writer!), asCaller(world.reader!), { arn: operator.arn, identity: [ALLOW_EVERYTHING] }]) {
      expect(s3(world, region, who, "s3:DeleteObjectVersion", object), who.arn).toBe("explicit-deny");
    }
  });
});
