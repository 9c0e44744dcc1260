/** npm run doctor's pure parts: what it derives from the plan and the workflows, how it judges and prints. */
import { describe, expect, it } from "vitest";
import { GITHUB_PERMISSIONS } from "../src/core/config/credentials";
import { AWS_DEPLOY_ACTIONS, awsSimulations } from "../src/engine/doctor/awsActions";
import { githubToken, readWorkflows } from "../src/engine/doctor/doctor";
import { readStackConfig } from "../src/core/config/stackFiles";
import {
  ciEnvironments,
  ENVIRONMENT_RULES,
  environmentProblems,
  neededPermissions,
  PERMISSION_PROBES,
  type ListedEnvironment,
} from "../src/engine/doctor/githubRequirements";
import { nodeCheck, satisfies } from "../src/engine/doctor/node";
import { exitCode, fail, formatCheck, ok, renderJson, renderText, skip } from "../src/engine/doctor/report";
import { environment } from "./doctorStandIns";
import { ROOT, runProgram } from "./program";

const SCOPE = { account: "123456789012", region: "eu-central-1", stack: "prod" };

describe("the Node check", () => {
  it("reads engines ranges as npm writes them", () => {
    expect(satisfies("v20.19.0", ">=20.19")).toBe(true);
    expect(satisfies("v20.18.9", ">=20.19")).toBe(false);
    expect(satisfies("v22.1.0", ">=22 <25")).toBe(true);
    expect(satisfies("v25.0.0", ">=22 <25")).toBe(false);
    expect(satisfies("v18.0.0", "^18 || >=22")).toBe(true);
    expect(satisfies("v18.0.0", "18 || >=22")).toBe(true);
    // The project's own range: npm's caret, and 23 left out.
    expect(satisfies("v22.13.0", "^22.13.0 || >=24")).toBe(true);
    expect(satisfies("v22.12.9", "^22.13.0 || >=24")).toBe(false);
    expect(satisfies("v23.5.0", "^22.13.0 || >=24")).toBe(false);
    expect(satisfies("v24.0.0", "^22.13.0 || >=24")).toBe(true);
    expect(satisfies("v22.1.0", "not a range")).toBeUndefined();
  });

  it("says which Node to install when the running one is too old", () => {
    const c = nodeCheck("v20.19.0", ">=22");
    expect(c).toMatchObject({ status: "fail", detail: "v20.19.0 does not satisfy engines.node >=22" });
    expect(c.fix).toContain("nvm install 22");
    expect(nodeCheck("v22.3.0", ">=22").status).toBe("ok");
    expect(nodeCheck("v22.3.0", "latest")).toMatchObject({ status: "fail", detail: 'cannot read engines.node "latest"' });
  });
});

describe("the AWS actions of the deploy", () => {
  it("knows every AWS type the program registers, in every scope and option", async () => {
    const runs = [
      await runProgram("prod"),
      await runProgram("prod", ["secretScope=region", "backupObjectLock=governance"]),
      await runProgram("dev", ["devNeonApiKey=k"]),
    ];
    const registered = new Set(runs.flatMap((r) => r.resources.map((x) => x.type)).filter((t) => t.startsWith("aws:")));
    expect([...registered].filter((t) => !AWS_DEPLOY_ACTIONS[t])).toEqual([]);
    for (const run of runs) expect(awsSimulations(run.resources, SCOPE).unknown).toEqual([]);
    // The object lock and SSM types are really among them, not just in the table.
    expect(registered).toContain("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
    expect(registered).toContain("aws:ssm/parameter:Parameter");
  });

  it("asks about each action where the deploy does it: the vault's buckets, the roles, the stack's parameters", async () => {
    const run = await runProgram("prod", ["secretScope=region"]);
    const { simulations } = awsSimulations(run.resources, SCOPE);
    const on = (resource: string) => simulations.find((s) => s.resource === resource);
    expect(on("arn:aws:s3:::tf-prod-bk-eu-central-1-*")?.actions).toEqual(
      expect.arrayContaining(["s3:CreateBucket", "s3:PutBucketPolicy", "s3:PutLifecycleConfiguration", "s3:PutBucketVersioning"]),
    );
    expect(on("arn:aws:iam::123456789012:role/github-backups-backup-writer-*")?.actions).toEqual(
      expect.arrayContaining(["iam:CreateRole", "iam:PutRolePolicy"]),
    );
    expect(on("arn:aws:ssm:eu-central-1:123456789012:parameter/tenant-fleet/prod/*")?.actions).toContain("ssm:PutParameter");
    expect(on("*")?.actions).toContain("kms:CreateKey");
    expect(on("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com")?.actions).toContain("iam:CreateOpenIDConnectProvider");
    // One simulation per place: a thousand tenants' parameters do not make a thousand calls.
    const parameters = run.resources.filter((r) => r.type === "aws:ssm/parameter:Parameter");
    const regions = new Set(parameters.map((p) => p.inputs.region));
    expect(parameters.length).toBeGreaterThan(regions.size);
    expect(simulations.filter((s) => s.resource.includes(":parameter/")).map((s) => s.resource.split(":")[3])).toEqual([...regions].sort());
  });

  it("lists an AWS type it does not know instead of passing over it", () => {
    const got = awsSimulations([{ type: "aws:rds/instance:Instance", name: "db", inputs: {} }], SCOPE);
    expect(got).toEqual({ simulations: [], unknown: ["aws:rds/instance:Instance"] });
  });
});

describe("the GitHub permissions the stack uses", () => {
  it("has a read-only probe, or says why none exists, for every permission the credential list declares", () => {
    for (const p of GITHUB_PERMISSIONS) {
      const probe = PERMISSION_PROBES[p.permission];
      expect(probe, p.permission).toBeDefined();
      expect(!!probe.path !== !!probe.unprovable, p.permission).toBe(true);
    }
    expect(Object.keys(PERMISSION_PROBES).sort()).toEqual(GITHUB_PERMISSIONS.map((p) => p.permission).sort());
  });

  it("derives the list from what the plan registers in each secret scope", async () => {
    const names = async (overrides: string[]) =>
      neededPermissions(new Set((await runProgram("prod", overrides)).resources.map((r) => r.type))).map((p) => p.permission);
    expect(await names(["secretScope=environment"])).toEqual(["Metadata", "Contents", "Workflows", "Variables", "Administration", "Environments", "Actions"]);
    expect(await names(["secretScope=repository"])).toEqual(["Metadata", "Contents", "Workflows", "Secrets", "Variables", "Actions"]);
    expect(await names(["secretScope=region"])).toEqual(["Metadata", "Contents", "Workflows", "Variables", "Actions"]);
  });
});

describe("the GitHub token", () => {
  it("is the one the stack's provider gets: github:token from the stack file, else GITHUB_TOKEN", () => {
    const plain = readStackConfig(ROOT, "prod", ["github:token=ghp_from_config"]);
    expect(githubToken({ stackConfig: plain, env: { GITHUB_TOKEN: "from-env" } })).toEqual({ token: "ghp_from_config" });
    const none = readStackConfig(ROOT, "prod");
    expect(githubToken({ stackConfig: none, env: { GITHUB_TOKEN: "from-env" } })).toEqual({ token: "from-env" });
    expect(githubToken({ stackConfig: none, env: {} })).toMatchObject({ missing: { status: "skip", detail: "GITHUB_TOKEN is not set" } });
    const encrypted = { ...none, config: { ...none.config, "github:token": "[secret]" }, secretKeys: ["github:token"] };
    expect(githubToken({ stackConfig: encrypted, env: {} })).toMatchObject({
      missing: { status: "skip", detail: "Pulumi.prod.yaml keeps github:token encrypted, which only pulumi can decrypt" },
    });
    expect(githubToken({ stackConfig: encrypted, env: { GITHUB_TOKEN: "same" } })).toEqual({ token: "same" });
  });
});

describe("the CI environments", () => {
  it("are the ones this repository's workflows name, each with a rule from docs/deploying.md", () => {
    const { environments, unruled } = ciEnvironments(readWorkflows(ROOT));
    expect(unruled).toEqual([]);
    expect(environments.map((e) => e.name)).toEqual(Object.keys(ENVIRONMENT_RULES).sort());
    const byName = Object.fromEntries(environments.map((e) => [e.name, e]));
    expect(byName.preview).toMatchObject({ mainOnly: false, reviewers: true, workflows: ["preview.yml"] });
    expect(byName.prod).toMatchObject({ mainOnly: true, reviewers: true, workflows: ["deploy.yml"] });
    expect(byName.dev).toMatchObject({ mainOnly: true, reviewers: false });
    expect(byName["tenant-erasure"]).toMatchObject({ mainOnly: true, reviewersOtherThan: "tenant-operations" });
    expect(byName["tenant-erasure"].workflows).toEqual(["tenant-erase.yml", "tenant-move-finish.yml"]);
    expect(byName["tenant-signup"]).toMatchObject({ mainOnly: true, reviewers: false, workflows: ["tenant-signup.yml"] });
  });

  it("says what is wrong with an environment and how to fix it", () => {
    const want = ciEnvironments(readWorkflows(ROOT)).environments;
    const prod = want.find((e) => e.name === "prod")!;
    const erasure = want.find((e) => e.name === "tenant-erasure")!;
    const listed = (...envs: Record<string, unknown>[]) => new Map(envs.map((e) => [e.name as string, e as unknown as ListedEnvironment]));
    const main = [{ name: "main", type: "branch" }];
    expect(environmentProblems(prod, listed(), undefined)).toEqual(["missing: create it (Settings → Environments → New environment)"]);
    expect(environmentProblems(prod, listed(environment("prod", { reviewers: [1], preventSelfReview: true })), main)).toEqual([]);
    expect(environmentProblems(prod, listed(environment("prod")), main)).toEqual([
      "no required reviewers: add them (Deployment protection rules → Required reviewers)",
    ]);
    expect(environmentProblems(prod, listed(environment("prod", { reviewers: [1] })), main)).toEqual(['self-review allowed: tick "Prevent self-review"']);
    expect(environmentProblems(prod, listed(environment("prod", { reviewers: [1], preventSelfReview: true, branches: "all" })), undefined)[0]).toMatch(
      /^deploys from every branch: allow main only/,
    );
    expect(
      environmentProblems(prod, listed(environment("prod", { reviewers: [1], preventSelfReview: true })), [...main, { name: "release/*", type: "branch" }])[0],
    ).toMatch(/^deploys from main, release\/\*: allow main only/);
    const shared = listed(
      environment("tenant-erasure", { reviewers: [7, 8] }),
      environment("tenant-operations", { reviewers: [8, 9], preventSelfReview: true }),
    );
    expect(environmentProblems(erasure, shared, main)).toEqual(["shares reviewer(s) User:8 with tenant-operations: give it reviewers of its own"]);
  });
});

describe("the report", () => {
  const checks = [ok("node", "v22.1.0"), skip("neon key", "NEON_API_KEY is not set", "export it"), fail("pulumi backend", "no backend", "pulumi login")];

  it("prints one line per check, ok / FAIL with the fix / skip with why, and a summary", () => {
    expect(renderText(checks).split("\n")).toEqual([
      "ok    node: v22.1.0",
      "skip  neon key: NEON_API_KEY is not set; export it",
      "FAIL  pulumi backend: no backend; pulumi login",
      "1 check(s) failed: fix them before the first pulumi up (1 skipped). Nothing was changed.",
      "",
    ]);
    expect(formatCheck(ok("a", "b"))).toBe("ok    a: b");
  });

  it("exits 1 on a failure only: a skipped check does not block", () => {
    expect(exitCode(checks)).toBe(1);
    expect(exitCode(checks.slice(0, 2))).toBe(0);
    expect(JSON.parse(renderJson("prod", checks.slice(0, 2)))).toEqual({ stack: "prod", blocked: false, checks: checks.slice(0, 2) });
  });
});

describe("where the doctor sends credentials (hostile review)", () => {
  it("names every endpoint the environment redirects, and nothing when none is", async () => {
    const { endpointsCheck } = await import("../src/engine/doctor/doctor");
    expect(endpointsCheck({})).toEqual([]);
    expect(endpointsCheck({ NEON_API_URL: "https://neon.example/api/v2", PULUMI_BACKEND_URL: "https://pulumi.example" })).toEqual([
      {
        name: "endpoints",
        status: "ok",
        detail: "credentials go where the environment points: NEON_API_URL=https://neon.example/api/v2, PULUMI_BACKEND_URL=https://pulumi.example",
      },
    ]);
  });

  it("refuses to send a Pulumi token over plain http off this machine, and sends none", async () => {
    const { checkPulumiBackend } = await import("../src/engine/doctor/pulumiBackend");
    const c = await checkPulumiBackend({ PULUMI_BACKEND_URL: "http://pulumi.example.com", PULUMI_ACCESS_TOKEN: "pul-secret" });
    expect(c).toMatchObject({ status: "fail", detail: expect.stringMatching(/plain http: the token would cross the network unencrypted/) });
    expect(JSON.stringify(c)).not.toContain("pul-secret");
  });
});
