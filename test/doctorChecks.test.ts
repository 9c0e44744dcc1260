/**
 * npm run doctor against stand-ins of the APIs it reads (test/doctorStandIns.ts): each check's
 * ok, each failure with its fix, skip when a credential is absent, and never a write.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GITHUB_PERMISSIONS } from "../src/core/config/credentials";
import { checkDeployPermissions, callerIdentity } from "../src/engine/doctor/awsChecks";
import { checkCiEnvironments, checkRepositoryAccess } from "../src/engine/doctor/githubChecks";
import { ciEnvironments, neededPermissions } from "../src/engine/doctor/githubRequirements";
import { readWorkflows } from "../src/engine/doctor/doctor";
import { checkNeon } from "../src/engine/doctor/neonChecks";
import { checkPulumiBackend } from "../src/engine/doctor/pulumiBackend";
import { checkSignupRuleset } from "../src/engine/doctor/rulesetChecks";
import { guardedPaths } from "../src/engine/doctor/rulesetRequirements";
import { handWrittenOperationWorkflows, operationWorkflowsCheck } from "../src/engine/doctor/operationWorkflows";
import { PROD_ENVIRONMENT_CHOICE } from "../src/core/repositoryContract";
import { healthyRules, PULL_REQUEST_RULE, statusChecksRule } from "./fixtures/github-branch-rules";
import { environment, startAws, startGithub, startNeon, startPulumiCloud, type StandIn } from "./doctorStandIns";
import { ROOT } from "./program";

const ALL_TYPES = new Set(GITHUB_PERMISSIONS.flatMap((p) => p.resourceTypes));
const FULL_FINE_GRAINED = {
  contents: "write",
  workflows: "write",
  secrets: "write",
  variables: "write",
  administration: "write",
  environments: "write",
  actions: "write",
} as const;
const CI_REPO = "example-saas/tenant-fleet";
const APP = "example-saas/app";
const main = [{ name: "main", type: "branch" }];
const HEALTHY_ENVIRONMENTS = [
  environment("preview", { reviewers: [1], preventSelfReview: true, branches: "all" }),
  environment("dev"),
  environment("prod", { reviewers: [1], preventSelfReview: true }),
  environment("prod-additions"),
  environment("tenant-operations", { reviewers: [1, 2], preventSelfReview: true }),
  environment("tenant-erasure", { reviewers: [3] }),
  environment("tenant-signup"),
  environment("tenant-fleet-drift"),
];
const HEALTHY_POLICIES = {
  dev: main,
  prod: main,
  "prod-additions": main,
  "tenant-operations": main,
  "tenant-erasure": main,
  "tenant-signup": main,
  "tenant-fleet-drift": main,
};
/** The ruleset and CODEOWNERS docs/signup.md asks for, for the sample stacks (dev, prod). */
const HEALTHY_RULES = {
  rules: healthyRules(["dev", "prod"]),
  files: { ".github/CODEOWNERS": "# platform reviews CI\n* @example-saas/dev\n/.github/ @example-saas/platform\n/tenants/*.yaml\n" },
};

const standIns: StandIn[] = [];
afterAll(async () => {
  for (const s of standIns) expect(s.writes, s.url).toEqual([]);
  await Promise.all(standIns.map((s) => s.stop()));
});
const keep = <T extends StandIn>(s: T) => (standIns.push(s), s);

describe("GitHub", () => {
  let gh: StandIn;
  beforeAll(async () => {
    gh = keep(
      await startGithub({
        tokens: {
          full: { kind: "fine-grained", repositories: [APP, CI_REPO], permissions: FULL_FINE_GRAINED },
          "no-secrets": { kind: "fine-grained", repositories: [APP], permissions: { ...FULL_FINE_GRAINED, secrets: undefined as never } },
          "other-repo": { kind: "fine-grained", repositories: ["example-saas/else"], permissions: FULL_FINE_GRAINED },
          "classic-no-workflow": { kind: "classic", scopes: ["repo"] },
          "classic-full": { kind: "classic", scopes: ["repo", "workflow"] },
        },
        repos: {
          [APP]: { private: true, environments: [] },
          [CI_REPO]: { private: true, environments: HEALTHY_ENVIRONMENTS, branchPolicies: HEALTHY_POLICIES, ...HEALTHY_RULES },
          "example-saas/bare": { private: true, environments: [environment("prod", { branches: "all" })] },
          "example-saas/weak": {
            private: true,
            environments: [],
            rules: [
              { ...PULL_REQUEST_RULE, parameters: { ...PULL_REQUEST_RULE.parameters, require_last_push_approval: false } },
              statusChecksRule(["tenant diff (dev)"]),
            ],
            files: { "docs/CODEOWNERS": "/.github/workflows/deploy.yml @example-saas/platform\n" },
          },
          "example-saas/broken": { private: true, environments: [], rulesStatus: 500 },
          "example-saas/owned": {
            private: true,
            environments: [],
            rules: healthyRules(["dev", "prod"]),
            files: { ".github/CODEOWNERS": "* @example-saas/dev\n/.github/ @example-saas/platform\n" },
          },
        },
      }),
    );
  });
  const target = (token: string) => ({ base: gh.url, token, owner: "example-saas", repository: "app", branch: "main" });

  it("reads the repository and each permission's read half with a fine-grained token", async () => {
    const checks = await checkRepositoryAccess(target("full"), neededPermissions(ALL_TYPES));
    expect(checks[0]).toMatchObject({ status: "ok", name: `github repository ${APP}`, detail: "reachable with a fine-grained or GitHub App token" });
    const byPermission = Object.fromEntries(checks.slice(1).map((c) => [c.name, c.status]));
    expect(byPermission).toEqual({
      "github permission Metadata (read)": "ok",
      "github permission Contents (write)": "ok",
      "github permission Workflows (write)": "skip",
      "github permission Secrets (write)": "ok",
      "github permission Variables (write)": "ok",
      "github permission Administration (write)": "ok",
      "github permission Environments (write)": "skip",
      "github permission Actions (write)": "ok",
    });
  });

  it("names the missing permission, with GitHub's X-Accepted-GitHub-Permissions, and the fix", async () => {
    const checks = await checkRepositoryAccess(target("no-secrets"), neededPermissions(ALL_TYPES));
    const secrets = checks.find((c) => c.name === "github permission Secrets (write)");
    expect(secrets).toMatchObject({
      status: "fail",
      detail: `GET /repos/${APP}/actions/secrets/public-key refused (GitHub accepts secrets=read for it)`,
    });
    expect(secrets?.fix).toBe(`grant the token Secrets: Read and write on ${APP} (repository-scoped connection strings (secretScope repository))`);
    expect(checks.filter((c) => c.status === "fail")).toHaveLength(1);
  });

  it("reads a classic token's scopes from X-OAuth-Scopes", async () => {
    const checks = await checkRepositoryAccess(target("classic-no-workflow"), neededPermissions(ALL_TYPES));
    expect(checks[0].detail).toBe("reachable with a classic token (scopes: repo)");
    expect(checks.find((c) => c.name === "github permission Workflows (write)")).toMatchObject({
      status: "fail",
      detail: "the classic token lacks the workflow scope (GitHub refuses writes under .github/workflows/ without it)",
      fix: "add workflow to the token, or use a fine-grained token with Workflows: write",
    });
    const full = await checkRepositoryAccess(target("classic-full"), neededPermissions(ALL_TYPES));
    expect(full.every((c) => c.status === "ok")).toBe(true);
  });

  it("fails a rejected token and a repository the token cannot see, each with its fix", async () => {
    const [bad] = await checkRepositoryAccess(target("revoked"), []);
    expect(bad).toMatchObject({ status: "fail", detail: "GitHub rejects the token (401: expired, revoked or mistyped)" });
    const [hidden] = await checkRepositoryAccess(target("other-repo"), []);
    expect(hidden.status).toBe("fail");
    expect(hidden.fix).toContain(`give the token ${APP} (fine-grained: Repository access → Only select repositories; App: install it on ${APP})`);
  });

  it("checks this repository's CI environments against what its workflows need", async () => {
    const wanted = ciEnvironments(readWorkflows(ROOT)).environments;
    const healthy = await checkCiEnvironments({ base: gh.url, token: "full" }, CI_REPO, wanted);
    expect(healthy.map((c) => [c.name, c.status])).toEqual([
      ["ci environment dev (deploy.yml)", "ok"],
      ["ci environment preview (preview.yml)", "ok"],
      ["ci environment prod (deploy.yml)", "ok"],
      ["ci environment prod-additions (deploy.yml)", "ok"],
      ["ci environment tenant-erasure (tenant-erase.yml, tenant-move-finish.yml)", "ok"],
      ["ci environment tenant-fleet-drift (drift.yml)", "ok"],
      ["ci environment tenant-operations (tenant-export.yml, tenant-move.yml, tenant-restore.yml)", "ok"],
      ["ci environment tenant-signup (tenant-signup.yml)", "ok"],
    ]);
    expect(healthy[2].detail).toBe("required reviewers, no self-review, main only");

    const bare = await checkCiEnvironments({ base: gh.url, token: "classic-full" }, "example-saas/bare", wanted);
    expect(bare.find((c) => c.name.startsWith("ci environment dev"))).toMatchObject({
      status: "fail",
      detail: "missing",
      fix: "create it (Settings → Environments → New environment)",
    });
    expect(bare.find((c) => c.name.startsWith("ci environment prod"))).toMatchObject({
      status: "fail",
      detail: "no required reviewers, deploys from every branch",
      fix: "add them (Deployment protection rules → Required reviewers); allow main only (Deployment branches and tags → Selected branches → main)",
    });
    const unreadable = await checkCiEnvironments({ base: gh.url, token: "no-secrets" }, CI_REPO, wanted);
    expect(unreadable).toEqual([expect.objectContaining({ status: "fail", detail: 'cannot list them (HTTP 404: "Not Found")' })]);
  });

  it("checks the default branch's ruleset and CODEOWNERS when signups are on, and says why it cannot", async () => {
    const guarded = { guarded: guardedPaths(Object.keys(readWorkflows(ROOT))), unowned: ["tenants/tenants.yaml"] };
    const checks = ["tenant diff (dev)", "tenant diff (prod)"];
    const on = { inUse: "self-serve signup is on (signupsPerHour 20, signupsPerDay 200)" };
    const t = (token: string, repository: string) => ({ base: gh.url, token, repository });
    const healthy = await checkSignupRuleset(t("full", CI_REPO), on, checks, guarded);
    expect(healthy.map((c) => [c.name, c.status, c.detail])).toEqual([
      [
        `signup ruleset of ${CI_REPO} (main)`,
        "ok",
        "a pull request with an approval, stale approvals dismissed, the last push approved, code owners' review, and the checks tenant diff (dev), tenant diff (prod)",
      ],
      [
        `signup codeowners of ${CI_REPO} (main)`,
        "ok",
        ".github/CODEOWNERS gives every path under .github/ and the deploy's scripts an owner and leaves tenants/tenants.yaml to the required approval",
      ],
    ]);
    expect(gh.calls).toContain(`GET /repos/${CI_REPO}/rules/branches/main`);

    const [rules, owners] = await checkSignupRuleset(t("classic-full", "example-saas/weak"), on, checks, guarded);
    expect(rules).toMatchObject({
      status: "fail",
      detail: `${on.inUse}, but require_last_push_approval is off; required status checks lack "tenant diff (prod)"`,
    });
    expect(rules.fix).toContain('tick "Require approval of the most recent reviewable push"');
    expect(owners).toMatchObject({ status: "fail", detail: expect.stringMatching(/^docs\/CODEOWNERS leaves ".github\/workflows\/drift.yml", /) });

    const ownedTenants = await checkSignupRuleset(t("classic-full", "example-saas/owned"), on, checks, guarded);
    expect(ownedTenants[1]).toMatchObject({
      status: "fail",
      detail:
        '.github/CODEOWNERS gives "tenants/tenants.yaml" to @example-saas/dev: with code owners\' review required, every signup pull request would wait for them (the approver App cannot be a code owner)',
      fix: "end .github/CODEOWNERS with a line naming the file and no owner (`/tenants/tenants.yaml`), so an approval of the tenants file is enough",
    });

    const broken = await checkSignupRuleset(t("classic-full", "example-saas/broken"), on, checks, guarded);
    expect(broken.map((c) => [c.status, c.detail])).toEqual([
      ["fail", 'cannot check: GET /repos/example-saas/broken/rules/branches/main (HTTP 500: "Server Error")'],
      ["fail", "no CODEOWNERS on main (.github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS)"],
    ]);
    const hidden = await checkSignupRuleset(t("other-repo", CI_REPO), on, checks, guarded);
    expect(hidden).toEqual([
      expect.objectContaining({ status: "fail", detail: `cannot check: GET /repos/${CI_REPO} did not answer with its default branch (HTTP 404: "Not Found")` }),
    ]);
    expect(await checkSignupRuleset(t("full", CI_REPO), { off: "self-serve signup is off (signupsPerHour 0, signupsPerDay 200)" }, checks, guarded)).toEqual([
      { name: `signup ruleset of ${CI_REPO}`, status: "skip", detail: "not needed: self-serve signup is off (signupsPerHour 0, signupsPerDay 200)" },
    ]);
  });

  it("made only GET requests", () => {
    expect(gh.calls.length).toBeGreaterThan(20);
    expect(gh.calls.every((c) => c.startsWith("GET "))).toBe(true);
  });
});

describe("Neon", () => {
  let neon: StandIn;
  const saved = { ...process.env };
  const planned = ["acme-corp", "globex", "initech"];
  beforeAll(async () => {
    const many = Array.from({ length: 450 }, (_, i) => `other-${i}`);
    neon = keep(
      await startNeon({
        keys: { "org-key": ["org-a", "org-big"], "another-org-key": ["org-b"] },
        orgs: {
          "org-a": { name: "Example SaaS", plan: "scale", projects: ["acme-corp", "stray"] },
          "org-b": { name: "Other", plan: "free", projects: [] },
          "org-big": { name: "Big", plan: "business", projects: many },
        },
      }),
    );
    process.env.NEON_API_URL = `${neon.url}/api/v2`;
  });
  afterEach(() => {
    for (const k of ["NEON_API_KEY", "NEON_API_URL"]) process.env[k] = saved[k];
    process.env.NEON_API_URL = `${neon.url}/api/v2`;
  });

  it("reaches the organisation and counts its projects with the ones the first up creates", async () => {
    process.env.NEON_API_KEY = "org-key";
    const checks = await checkNeon(process.env, { orgId: "org-a", projectLimit: 10, plannedProjects: planned });
    expect(checks).toEqual([
      { name: "neon organisation org-a", status: "ok", detail: 'NEON_API_KEY reaches "Example SaaS" (plan scale)' },
      {
        name: "neon projects of org-a",
        status: "ok",
        detail: "2 project(s) now, 2 more after the first pulumi up (4), within tenant-fleet:neonProjectLimit 10",
      },
    ]);
  });

  it("fails over the project limit, counting every page of the listing", async () => {
    process.env.NEON_API_KEY = "org-key";
    const [, count] = await checkNeon(process.env, { orgId: "org-big", projectLimit: 452, plannedProjects: planned });
    expect(count).toMatchObject({
      status: "fail",
      detail: "450 project(s) now, 3 more after the first pulumi up (453), over tenant-fleet:neonProjectLimit 452",
    });
    expect(count.fix).toMatch(/^raise the Neon plan's project limit/);
    expect(neon.calls.filter((c) => c.includes("org_id=org-big")).length).toBe(2);
  });

  it("fails a key of another organisation and a rejected key, skips without a key", async () => {
    process.env.NEON_API_KEY = "another-org-key";
    const [other] = await checkNeon(process.env, { orgId: "org-a", plannedProjects: [] });
    expect(other).toMatchObject({ status: "fail", detail: "NEON_API_KEY does not reach it (HTTP 404: organization not found)" });
    expect(other.fix).toContain("use an organisation API key of org-a");
    process.env.NEON_API_KEY = "napi_bad";
    const [bad] = await checkNeon(process.env, { orgId: "org-a", plannedProjects: [] });
    expect(bad).toMatchObject({ status: "fail", detail: "Neon rejects NEON_API_KEY (HTTP 401: authorization failed)" });
    delete process.env.NEON_API_KEY;
    const [none] = await checkNeon(process.env, { orgId: "org-a", plannedProjects: [] });
    expect(none).toMatchObject({ status: "skip", detail: "NEON_API_KEY is not set" });
    process.env.NEON_API_KEY = "org-key";
    const [noOrg] = await checkNeon(process.env, { plannedProjects: [] });
    expect(noOrg).toMatchObject({ status: "skip", fix: expect.stringMatching(/^set tenant-fleet:neonOrgId/) });
  });
});

describe("AWS", () => {
  let aws: StandIn;
  const saved = { ...process.env };
  const sims = [
    { resource: "*", actions: ["kms:CreateKey", "kms:DescribeKey"], types: ["aws:kms/key:Key"] },
    { resource: "arn:aws:s3:::tf-prod-bk-eu-central-1-*", actions: ["s3:CreateBucket", "s3:PutBucketPolicy"], types: ["aws:s3/bucket:Bucket"] },
  ];
  beforeAll(async () => {
    aws = keep(
      await startAws({
        keys: {
          AKIAFULL: { arn: "arn:aws:iam::123456789012:user/deployer", account: "123456789012", allow: ["*"] },
          AKIANOKMS: { arn: "arn:aws:iam::123456789012:user/nokms", account: "123456789012", allow: ["*"], deny: ["kms:CreateKey"] },
          AKIANOSIM: { arn: "arn:aws:iam::123456789012:user/nosim", account: "123456789012", allow: ["s3:*"] },
          AKIAROLE: {
            arn: "arn:aws:sts::123456789012:assumed-role/tenant-fleet-deploy/session",
            account: "123456789012",
            allow: ["iam:*", "kms:*"],
          },
        },
        buckets: ["state-bucket"],
      }),
    );
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_STS: aws.url,
      AWS_ENDPOINT_URL_IAM: aws.url,
      AWS_ENDPOINT_URL_S3: aws.url,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: "/nonexistent/config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
      AWS_SECRET_ACCESS_KEY: "secret",
    });
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith("AWS_") && saved[k] === undefined) delete process.env[k];
  });
  const as = (key: string | undefined) => {
    if (key) process.env.AWS_ACCESS_KEY_ID = key;
    else delete process.env.AWS_ACCESS_KEY_ID;
    if (!key) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = "secret";
  };

  it("names the caller and finds every action allowed", async () => {
    as("AKIAFULL");
    const who = await callerIdentity("eu-central-1");
    expect(who.check).toEqual({ name: "aws caller", status: "ok", detail: "arn:aws:iam::123456789012:user/deployer (account 123456789012)" });
    if (!("caller" in who)) throw new Error("no caller");
    expect(await checkDeployPermissions("eu-central-1", who.caller, sims)).toEqual([
      { name: "aws permissions: kms", status: "ok", detail: "arn:aws:iam::123456789012:user/deployer may do the 2 action(s) the deploy needs" },
      { name: "aws permissions: s3", status: "ok", detail: "arn:aws:iam::123456789012:user/deployer may do the 2 action(s) the deploy needs" },
    ]);
  });

  it("names a denied action, where, and how to lift it", async () => {
    as("AKIANOKMS");
    const who = await callerIdentity("eu-central-1");
    if (!("caller" in who)) throw new Error("no caller");
    const [kms, s3] = await checkDeployPermissions("eu-central-1", who.caller, sims);
    expect(kms).toMatchObject({ status: "fail", detail: "arn:aws:iam::123456789012:user/nokms may not: kms:CreateKey (explicitDeny) on *" });
    expect(kms.fix).toMatch(/^allow these in arn:aws:iam::123456789012:user\/nokms's identity policy/);
    expect(s3.status).toBe("ok");
  });

  it("simulates an assumed role as the role, with its path; skips when the simulator is not allowed", async () => {
    as("AKIAROLE");
    const who = await callerIdentity("eu-central-1");
    if (!("caller" in who)) throw new Error("no caller");
    const [kms, s3] = await checkDeployPermissions("eu-central-1", who.caller, sims);
    expect(kms.detail).toMatch(/^arn:aws:iam::123456789012:role\/ci\/tenant-fleet-deploy may do/);
    expect(s3.detail).toContain("s3:CreateBucket (implicitDeny) on arn:aws:s3:::tf-prod-bk-eu-central-1-*");
    as("AKIANOSIM");
    const nosim = await callerIdentity("eu-central-1");
    if (!("caller" in nosim)) throw new Error("no caller");
    const [skipped] = await checkDeployPermissions("eu-central-1", nosim.caller, sims);
    expect(skipped).toMatchObject({ status: "skip", name: "aws permissions" });
    expect(skipped.fix).toContain("grant it iam:SimulatePrincipalPolicy");
  });

  it("fails a key AWS does not know and skips without credentials", async () => {
    as("AKIAUNKNOWN");
    expect((await callerIdentity("eu-central-1")).check).toMatchObject({ status: "fail", name: "aws caller" });
    expect((await callerIdentity("eu-central-1")).check.detail).toContain("InvalidClientTokenId");
    as(undefined);
    expect((await callerIdentity("eu-central-1")).check).toMatchObject({ status: "skip", name: "aws caller" });
  });

  it("checks an s3:// Pulumi backend's bucket with HeadBucket", async () => {
    as("AKIAFULL");
    expect(await checkPulumiBackend({ ...process.env, PULUMI_BACKEND_URL: "s3://state-bucket?region=eu-central-1" })).toMatchObject({ status: "ok" });
    const missing = await checkPulumiBackend({ ...process.env, PULUMI_BACKEND_URL: "s3://no-such-bucket?region=eu-central-1" });
    expect(missing).toMatchObject({ status: "fail", detail: "s3://no-such-bucket (from PULUMI_BACKEND_URL) does not exist" });
    expect(aws.calls.filter((c) => c.startsWith("HEAD "))).toEqual(["HEAD /state-bucket/", "HEAD /no-such-bucket/"]);
  });
});

describe("the Pulumi backend", () => {
  let cloud: StandIn;
  let home: string;
  beforeAll(async () => {
    cloud = keep(await startPulumiCloud({ "pul-good": "platform-bot" }));
    home = mkdtempSync(path.join(tmpdir(), "doctor-pulumi-"));
  });

  it("signs in to Pulumi Cloud with the token, fails a bad one and skips without one", async () => {
    const env = { PULUMI_BACKEND_URL: cloud.url, PULUMI_HOME: home };
    expect(await checkPulumiBackend({ ...env, PULUMI_ACCESS_TOKEN: "pul-good" })).toEqual({
      name: "pulumi backend",
      status: "ok",
      detail: `Pulumi Cloud ${cloud.url} (from PULUMI_BACKEND_URL): signed in as platform-bot`,
    });
    expect(await checkPulumiBackend({ ...env, PULUMI_ACCESS_TOKEN: "pul-old" })).toMatchObject({
      status: "fail",
      detail: `Pulumi Cloud ${cloud.url} rejects the token (401)`,
    });
    expect(await checkPulumiBackend(env)).toMatchObject({ status: "skip" });
  });

  it("reads the CLI's login from credentials.json, and its token", async () => {
    writeFileSync(path.join(home, "credentials.json"), JSON.stringify({ current: cloud.url, accessTokens: { [cloud.url]: "pul-good" } }));
    expect(await checkPulumiBackend({ PULUMI_HOME: home })).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("(from pulumi login (credentials.json))"),
    });
  });

  it("checks a file backend's directory and fails when there is no backend at all", async () => {
    const dir = path.join(home, "state");
    mkdirSync(dir);
    expect(await checkPulumiBackend({ PULUMI_BACKEND_URL: `file://${dir}` })).toMatchObject({ status: "ok" });
    expect(await checkPulumiBackend({ PULUMI_BACKEND_URL: `file://${dir}/missing` })).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("mkdir -p"),
    });
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o500);
      expect(await checkPulumiBackend({ PULUMI_BACKEND_URL: `file://${dir}` })).toMatchObject({
        status: "fail",
        detail: expect.stringContaining("not writable"),
      });
      chmodSync(dir, 0o700);
    }
    expect(await checkPulumiBackend({ PULUMI_HOME: path.join(home, "nothing") })).toMatchObject({
      status: "fail",
      detail: "no backend: PULUMI_BACKEND_URL is not set and pulumi login has not been run",
    });
  });
});

describe("workflows naming the operation environments", () => {
  const real = readWorkflows(ROOT);
  const custody = readFileSync(path.join(ROOT, "test/fixtures/vault-custody.yml"), "utf8");

  it("the generated tenant-operation workflows alone name them here", () => {
    expect(handWrittenOperationWorkflows(real)).toEqual([]);
    expect(operationWorkflowsCheck(real)).toEqual({
      name: "operation environments",
      status: "ok",
      detail: "only the generated tenant-operation workflows name tenant-operations, tenant-erasure",
    });
  });

  it("fails a hand-written file naming one, unless it is the custody deploy the doctor was told of", () => {
    const added = { ...real, "vault-custody.yml": custody, "ops-helper.yml": "jobs:\n  x:\n    environment: { name: tenant-operations }\n" };
    expect(handWrittenOperationWorkflows(added)).toEqual(["ops-helper.yml", "vault-custody.yml"]);
    const unknown = operationWorkflowsCheck(added);
    expect(unknown).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^ops-helper\.yml, vault-custody\.yml name\(s\) tenant-operations, tenant-erasure/),
    });
    expect(unknown.fix).toContain("--custody-workflow .github/workflows/<file>");
    expect(operationWorkflowsCheck(added, ".github/workflows/vault-custody.yml")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^ops-helper\.yml name/),
    });
    const { "ops-helper.yml": _, ...onlyCustody } = added;
    expect(operationWorkflowsCheck(onlyCustody, ".github/workflows/vault-custody.yml")).toMatchObject({
      status: "ok",
      detail: expect.stringMatching(/, and the custody deploy \.github\/workflows\/vault-custody\.yml$/),
    });
    // A longer name is another environment; the word itself anywhere (an expression, a comment) counts.
    expect(handWrittenOperationWorkflows({ "a.yml": "environment: tenant-operations-2\n", "b.yml": "# runs in tenant-erasure\n" })).toEqual(["b.yml"]);
  });

  it("reads each job's environment: another case, a YAML escape and an expression count; deploy.yml's prod choice does not (hostile4 G7)", () => {
    const files = {
      "a.yml": "jobs:\n  x:\n    environment: ${{ format('tenant-{0}', 'erasure') }}\n",
      "b.yml": 'jobs:\n  x:\n    environment: "tenant-\\x65rasure"\n',
      "c.yml": "jobs:\n  x:\n    environment: Tenant-Erasure\n",
      "d.yml": "jobs:\n  x:\n    environment:\n      name: ${{ vars.WHERE }}\n",
      "e.yml": "jobs:\n  x:\n    environment: TENANT-OPERATIONS-2\n  y:\n    environment: prod\n",
      "f.yml": `jobs:\n  x:\n    environment: ${JSON.stringify(PROD_ENVIRONMENT_CHOICE)}\n`,
      "g.yml": "jobs: [unclosed\n",
    };
    expect(handWrittenOperationWorkflows(files)).toEqual(["a.yml", "b.yml", "c.yml", "d.yml"]);
    expect(operationWorkflowsCheck({ ...real, ...files })).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(
        /^a\.yml, b\.yml, c\.yml, d\.yml name\(s\) tenant-operations, tenant-erasure \(in any case, or a job's environment is an expression/,
      ),
    });
  });

  it("fails a custody deploy named but not in the repository: the trust would be a key to a file nobody wrote", () => {
    expect(operationWorkflowsCheck(real, ".github/workflows/vault-custody.yml")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("names a file nobody wrote yet"),
    });
  });
});

describe("npm run doctor", () => {
  let apis: { gh: StandIn; neon: StandIn; aws: StandIn; cloud: StandIn };
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), "doctor-home-"));
    apis = {
      gh: keep(
        await startGithub({
          tokens: { full: { kind: "fine-grained", repositories: [APP, CI_REPO], permissions: FULL_FINE_GRAINED } },
          repos: {
            [APP]: { private: true, environments: [] },
            [CI_REPO]: { private: true, environments: HEALTHY_ENVIRONMENTS, branchPolicies: HEALTHY_POLICIES, ...HEALTHY_RULES },
          },
        }),
      ),
      neon: keep(
        await startNeon({
          keys: { "org-key": ["org-quiet-river-40213377"] },
          orgs: { "org-quiet-river-40213377": { name: "Example", plan: "scale", projects: ["stray-1", "stray-2"] } },
        }),
      ),
      aws: keep(await startAws({ keys: { AKIAFULL: { arn: "arn:aws:iam::123456789012:user/deployer", account: "123456789012", allow: ["*"] } }, buckets: [] })),
      cloud: keep(await startPulumiCloud({ "pul-good": "platform-bot" })),
    };
  });

  const doctor = (args: string[], env: Record<string, string> = {}) => {
    const base: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: home,
      PULUMI_HOME: path.join(home, ".pulumi"),
      NEON_API_KEY: "org-key",
      NEON_API_URL: `${apis.neon.url}/api/v2`,
      GITHUB_TOKEN: "full",
      GITHUB_BASE_URL: apis.gh.url,
      GITHUB_REPOSITORY: CI_REPO,
      AWS_ACCESS_KEY_ID: "AKIAFULL",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_ENDPOINT_URL_STS: apis.aws.url,
      AWS_ENDPOINT_URL_IAM: apis.aws.url,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: path.join(home, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, "aws-credentials"),
      PULUMI_BACKEND_URL: apis.cloud.url,
      PULUMI_ACCESS_TOKEN: "pul-good",
      NODE_NO_WARNINGS: "1",
    };
    // Asynchronous: the stand-ins answer from this process, which must not block while it waits.
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, "scripts/launch.mjs"), "scripts/doctor.ts", ...args], { cwd: ROOT, env: { ...base, ...env } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  };
  const callCount = () => Object.values(apis).reduce((n, s) => n + s.calls.length, 0);

  it("--help answers with its usage, says it changes nothing, exits 0 and calls no API", async () => {
    const before = callCount();
    const r = await doctor(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run doctor -- \[--stack S\]/);
    expect(r.stdout).toContain("without changing anything (read-only calls only)");
    expect(callCount()).toBe(before);
    expect((await doctor(["--nope"])).status).toBe(2);
    const outside = await doctor(["--custody-workflow", "../custody.yml"]);
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('--custody-workflow "../custody.yml": the custody deploy\'s workflow is one file directly under .github/workflows/');
    expect(callCount()).toBe(before);
  });

  it("passes a ready setup with every check ok, and only reads", async () => {
    const r = await doctor(["--stack", "prod"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    // Node here may be older than engines; everything the stand-ins answer is ok.
    for (const line of lines.slice(0, -1).filter((l) => !l.includes(" node: ")))
      expect(line, line).toMatch(/^(ok {4}|skip {2}github permission (Workflows|Environments) )/);
    expect(lines).toContain(
      "ok    neon projects of org-quiet-river-40213377: 2 project(s) now, 6 more after the first pulumi up (8); tenant-fleet:neonProjectLimit is not set, so nothing to compare with",
    );
    expect(lines.filter((l) => l.startsWith("ok    ci environment "))).toHaveLength(8);
    expect(lines).toContain("ok    operation environments: only the generated tenant-operation workflows name tenant-operations, tenant-erasure");
    expect(lines.filter((l) => l.startsWith("ok    signup "))).toEqual([
      `ok    signup ruleset of ${CI_REPO} (main): a pull request with an approval, stale approvals dismissed, the last push approved, code owners' review, and the checks tenant diff (dev), tenant diff (prod)`,
      `ok    signup codeowners of ${CI_REPO} (main): .github/CODEOWNERS gives every path under .github/ and the deploy's scripts an owner and leaves tenants/tenants.yaml to the required approval`,
    ]);
    expect(lines.filter((l) => l.startsWith("ok    aws permissions: ")).map((l) => l.split(":")[0])).toEqual([
      "ok    aws permissions",
      "ok    aws permissions",
      "ok    aws permissions",
    ]);
    expect(lines.at(-1)).toMatch(/^nothing blocks \(2 check\(s\) skipped: see why above\)\. Nothing was changed\.$/);
    for (const s of Object.values(apis)) expect(s.writes).toEqual([]);
  });

  it("exits 1 with the fix when something blocks, in JSON too", async () => {
    // 7 fits the 6 tenants (the plan's own check), not the 2 projects already there.
    const r = await doctor(["--stack", "prod", "--json", "--config", "tenant-fleet:neonProjectLimit=7"], { PULUMI_ACCESS_TOKEN: "pul-old" });
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { stack: string; blocked: boolean; checks: { name: string; status: string; fix?: string }[] };
    expect(doc).toMatchObject({ stack: "prod", blocked: true });
    expect(doc.checks.filter((c) => c.status === "fail").map((c) => c.name)).toEqual(["pulumi backend", "neon projects of org-quiet-river-40213377"]);
    expect(doc.checks.find((c) => c.name === "pulumi backend")?.fix).toMatch(/^create a new access token/);
  });

  it("fails, in the same form, a stack that does not load", async () => {
    const r = await doctor(["--stack", "prod", "--json", "--config", "tenant-fleet:neonProjectLimit=3"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the Neon plan allows 3 (tenant-fleet:neonProjectLimit)");
    expect(JSON.parse(r.stdout)).toEqual({
      stack: "prod",
      blocked: true,
      checks: [
        { name: "stack prod", status: "fail", detail: "1 problem(s) in its settings or tenants file (above)", fix: expect.stringContaining("npm run plan") },
      ],
    });
  });

  it("skips what it has no credential for, and does not block on it", async () => {
    const r = await doctor(["--stack", "prod"], { NEON_API_KEY: "", GITHUB_TOKEN: "", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("skip  neon key: NEON_API_KEY is not set; export NEON_API_KEY=");
    expect(r.stdout).toContain("skip  github token: GITHUB_TOKEN is not set; export GITHUB_TOKEN");
    expect(r.stdout).toContain("skip  aws caller: no AWS credentials found");
  });
});
