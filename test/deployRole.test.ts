/**
 * The AWS deploy roles' trust (src/plan/iam/deploy.ts), proven with the project's IAM
 * evaluator: only deploy.yml's jobs on main, in the tier's environments, can assume the
 * tier's role; the prod role in prod and prod-additions, the dev role in dev, nothing else.
 * The tokens are GitHub's claims for a job (https://docs.github.com/en/actions/reference/security/oidc):
 * `sub` with the default template (`repo:O/R:environment:E` for a job in an environment,
 * `repo:O/R:ref:R` or `repo:O/R:pull_request` otherwise), and the `environment`,
 * `job_workflow_ref` and `ref` claims STS validates as condition keys.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { evaluate } from "../src/core/iam/evaluate";
import { deployRoleTrust, type DeployTier } from "../src/plan/iam/deploy";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../src/plan/iam/workflowAccess";
import { PROD_ENVIRONMENT_CHOICE } from "../src/core/repositoryContract";
import { oidcClaims, type OidcJob } from "./githubOidcClaims";
import { ROOT } from "./program";
import type { Workflow } from "./ciTrust";

const ACCOUNT = "123456789012";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const OWNER = "example-saas";
const REPO = "tenant-fleet";
const R = `${OWNER}/${REPO}`;

type Job = Partial<OidcJob>;

/** GitHub's token for a job of this repository (deploy.yml unless said), as the claims AWS sees. */
const claims = (job: Job): Record<string, string> => oidcClaims({ repository: R, workflow: ".github/workflows/deploy.yml", ...job });

const ROLE = (tier: DeployTier) => `arn:aws:iam::${ACCOUNT}:role/${tier === "prod" ? "tenant-fleet-deploy" : "tenant-fleet-deploy-dev"}`;

function assume(tier: DeployTier, context: Record<string, string>) {
  return evaluate(
    { principal: { kind: "federated", provider: PROVIDER }, action: "sts:AssumeRoleWithWebIdentity", resource: ROLE(tier), context },
    { service: "trust", account: ACCOUNT, resourcePolicy: deployRoleTrust(PROVIDER, { owner: OWNER, repository: REPO, branch: "main" }, tier) },
  );
}

describe("the deploy roles' trust", () => {
  it("lets deploy.yml on main assume the prod role in prod and in prod-additions, and the dev role in dev", () => {
    expect(assume("prod", claims({ environment: "prod" }))).toBe("allow");
    expect(assume("prod", claims({ environment: "prod-additions" }))).toBe("allow");
    expect(assume("dev", claims({ environment: "dev" }))).toBe("allow");
  });

  it.each<[string, DeployTier, Job]>([
    ["the dev environment, prod role", "prod", { environment: "dev" }],
    ["the prod environment, dev role", "dev", { environment: "prod" }],
    ["prod-additions, dev role", "dev", { environment: "prod-additions" }],
    // GitHub creates an environment a job names when none exists, without rules: the branch's own file.
    ["prod-additions from a branch's deploy.yml", "prod", { environment: "prod-additions", ref: "refs/heads/feature" }],
    ["prod from a tag named main", "prod", { environment: "prod", ref: "refs/tags/main" }],
    ["another workflow file of main in prod-additions", "prod", { environment: "prod-additions", workflow: ".github/workflows/tenant-signup.yml" }],
    ["another workflow file of main in prod", "prod", { environment: "prod", workflow: ".github/workflows/preview.yml" }],
    ["deploy.yml on main without an environment", "prod", {}],
    ["a pull request", "prod", { pullRequest: true, ref: "refs/pull/7/merge" }],
    ["another repository's deploy.yml in prod", "prod", { environment: "prod", repository: "example-saas/app" }],
    ["an environment named like it", "prod", { environment: "prod-additions-2" }],
    ["another audience", "prod", { environment: "prod", aud: "other" }],
  ])("refuses %s", (_, tier, job) => {
    expect(assume(tier, claims(job))).toBe("implicit-deny");
  });

  it("refuses a token without the claims STS validates (the subject alone never suffices)", () => {
    const only = { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: `repo:${R}:environment:prod-additions` };
    expect(assume("prod", only)).toBe("implicit-deny");
  });

  it("holds for the jobs of the real deploy.yml: only up-dev gets the dev role and only up-prod the prod role, in either of its environments", () => {
    const wf = parse(readFileSync(path.join(ROOT, ".github/workflows/deploy.yml"), "utf8")) as Workflow;
    const granted: string[] = [];
    for (const [id, job] of Object.entries(wf.jobs)) {
      // Without id-token: write a job gets no token at all.
      if (job.permissions?.["id-token"] !== "write") continue;
      const env = typeof job.environment === "string" ? job.environment : job.environment?.name;
      const environments = env === PROD_ENVIRONMENT_CHOICE ? ["prod", "prod-additions"] : env ? [env] : [undefined];
      for (const environment of environments)
        for (const tier of ["dev", "prod"] as const) if (assume(tier, claims({ environment })) === "allow") granted.push(`${id} ${environment ?? "-"} ${tier}`);
    }
    expect(granted).toEqual(["up-dev dev dev", "up-prod prod prod", "up-prod prod-additions prod"]);
  });

  it("is printed by npm run stacks -- --deploy-role-trust, refusing a pattern", () => {
    const cli = (...args: string[]) => spawnSync("npm", ["run", "--silent", "stacks", "--", ...args], { cwd: ROOT, encoding: "utf8" });
    const ok = cli("--deploy-role-trust", "prod", "--oidc-provider", PROVIDER, "--repository", R);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual(deployRoleTrust(PROVIDER, { owner: OWNER, repository: REPO, branch: "main" }, "prod"));
    const bad = cli("--deploy-role-trust", "prod", "--oidc-provider", PROVIDER, "--repository", "example-saas/*");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('refusing an OIDC subject for "example-saas/*": owner and repository must be literal names');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const tier = cli("--deploy-role-trust", "staging", "--oidc-provider", PROVIDER, "--repository", R);
    expect(tier.status).toBe(2);
    expect(tier.stderr).toContain('--deploy-role-trust "staging": dev or prod');
  }, 60_000);
});
