/**
 * The drift role can only read (src/plan/iam/drift.ts), proven with the project's IAM evaluator
 * (src/core/iam/evaluate.ts): every action its policy allows has a read verb, every write the
 * deploy role needs (src/engine/doctor/awsActions.ts) and every destructive action is denied,
 * data reads are denied explicitly, and the reads the refresh needs are allowed.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "./program";
import { evaluate, type Request } from "../src/core/iam/evaluate";
import { DRIFT_ENVIRONMENT } from "../src/core/repositoryContract";
import { oidcClaims, type OidcJob } from "./githubOidcClaims";
import { AWS_DEPLOY_ACTIONS } from "../src/engine/doctor/awsActions";
import { DRIFT_DENIED_DATA_READS, DRIFT_READ_ACTIONS, driftRolePolicy, driftRoleTrust } from "../src/plan/iam/drift";

const ACCOUNT = "111122223333";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/tenant-fleet-drift`;
const RESOURCES = [
  "arn:aws:s3:::tf-prod-bk-eu-central-1-20261101",
  "arn:aws:s3:::tf-prod-bk-eu-central-1-20261101/prod/acme-corp/2026-12-01.dump",
  `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  `arn:aws:iam::${ACCOUNT}:role/tenant-fleet-backup-writer`,
  `arn:aws:ssm:eu-central-1:${ACCOUNT}:parameter/tenant-fleet/prod/acme-corp/direct-url`,
];
const decide = (action: string, resource: string) => {
  const req: Request = { principal: { kind: "aws", arn: ROLE }, action, resource };
  return evaluate(req, { service: "default", account: ACCOUNT }, [driftRolePolicy()]);
};
const READ_VERB = /^[a-z0-9]+:(Get|List|Describe|Head)/;

/** Writes and destructive actions on what the stack owns, beyond those the deploy role needs. */
const DESTRUCTIVE = [
  "s3:DeleteBucket",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutObject",
  "s3:BypassGovernanceRetention",
  "s3:PutObjectRetention",
  "s3:DeleteBucketPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:PutKeyPolicy",
  "kms:CreateGrant",
  "iam:DeleteRole",
  "iam:AttachRolePolicy",
  "iam:PassRole",
  "sts:AssumeRole",
  "ssm:DeleteParameter",
];

describe("the drift role's policy", () => {
  it("allows only actions with a read verb", () => {
    const allowed = driftRolePolicy()
      .Statement.filter((s) => s.Effect === "Allow")
      .flatMap((s) => s.Action as string[]);
    expect(allowed.filter((a) => !READ_VERB.test(a))).toEqual([]);
    expect(allowed).toEqual([...DRIFT_READ_ACTIONS]);
  });

  const writes = [...new Set(Object.values(AWS_DEPLOY_ACTIONS).flatMap((t) => t.actions))].filter((a) => !READ_VERB.test(a));
  it.each([...writes, ...DESTRUCTIVE])("denies %s on everything the stack owns", (action) => {
    for (const r of RESOURCES) expect(decide(action, r), r).toBe("implicit-deny");
  });

  it.each(["s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt", "kms:GenerateDataKey", "ssm:GetParameter", "ssm:GetParametersByPath"])(
    "denies the data read %s explicitly",
    (action) => {
      for (const r of RESOURCES) expect(decide(action, r), r).toBe("explicit-deny");
    },
  );

  it("allows every read the deploy role's types are refreshed with, but the connection strings' (ssm:GetParameter)", () => {
    const reads = [...new Set(Object.values(AWS_DEPLOY_ACTIONS).flatMap((t) => t.actions))].filter((a) => READ_VERB.test(a));
    const refused = reads.filter((a) => decide(a, RESOURCES[0]) !== "allow");
    expect(refused).toEqual(["ssm:GetParameter"]);
    expect(DRIFT_DENIED_DATA_READS).toContain("ssm:GetParameter*");
  });

  it("is assumed only by jobs of drift.yml on the default branch in its environment: no other workflow, branch, environment or pull request", () => {
    const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const trust = driftRoleTrust(provider, { owner: "example-saas", repository: "tenant-fleet", branch: "main" });
    const assume = (job: Partial<OidcJob>) =>
      evaluate(
        {
          principal: { kind: "federated", provider },
          action: "sts:AssumeRoleWithWebIdentity",
          resource: ROLE,
          context: oidcClaims({ repository: "example-saas/tenant-fleet", workflow: ".github/workflows/drift.yml", ...job }),
        },
        { service: "trust", account: ACCOUNT, resourcePolicy: trust },
      );
    expect(assume({ environment: DRIFT_ENVIRONMENT })).toBe("allow");
    const refused: Record<string, Parameters<typeof assume>[0]> = {
      "another audience": { environment: DRIFT_ENVIRONMENT, aud: "other" },
      "deploy.yml in the drift environment": { environment: DRIFT_ENVIRONMENT, workflow: ".github/workflows/deploy.yml" },
      "drift.yml of a branch in the drift environment (GitHub creates an environment a job names)": {
        environment: DRIFT_ENVIRONMENT,
        ref: "refs/heads/feature",
      },
      "drift.yml of a tag named main": { environment: DRIFT_ENVIRONMENT, ref: "refs/tags/main" },
      "drift.yml without the environment": {},
      "drift.yml in prod": { environment: "prod" },
      "a pull request": { pullRequest: true, ref: "refs/pull/7/merge" },
      "another repository's drift.yml": { repository: "example-saas/other", environment: DRIFT_ENVIRONMENT },
    };
    for (const [why, job] of Object.entries(refused)) expect(assume(job), why).toBe("implicit-deny");
  });

  it("is printed by npm run drift -- role-trust for the repository given, refusing a pattern", () => {
    const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const cli = (...args: string[]) => spawnSync("npm", ["run", "--silent", "drift", "--", "role-trust", ...args], { cwd: ROOT, encoding: "utf8" });
    const ok = cli("--oidc-provider", provider, "--repository", "example-saas/tenant-fleet");
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual(driftRoleTrust(provider, { owner: "example-saas", repository: "tenant-fleet", branch: "main" }));
    const bad = cli("--oidc-provider", provider, "--repository", "example-saas/*");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('refusing an OIDC subject for "example-saas/*": owner and repository must be literal names');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
