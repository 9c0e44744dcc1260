/**
 * Who may assume the operations role (created by the stack) and the break-glass role (created
 * by hand with the trust `npm run stacks -- --break-glass-role-trust` prints), proven with the
 * project's IAM evaluator (src/core/iam/evaluate.ts) on src/plan/iam/operations.ts's documents:
 * only the workflow files of main whose apply job assumes the role, run from main, in the
 * role's environment. GitHub creates an environment a job names when it does not exist, and
 * every job of any file that names an environment gets its subject, so the subject alone is
 * what the cases below would pass with. Tokens: test/githubOidcClaims.ts (GitHub's claims with
 * the default subject template, https://docs.github.com/en/actions/reference/security/oidc).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { evaluate } from "../src/core/iam/evaluate";
import { operationRoleTrust, operationsTrustPolicy } from "../src/plan/iam/operations";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../src/plan/iam/workflowAccess";
import { PROD_ENVIRONMENT_CHOICE, type OperationRole } from "../src/core/repositoryContract";
import { oidcClaims, type OidcJob } from "./githubOidcClaims";
import { ROOT } from "./program";
import type { Workflow } from "./ciTrust";

const ACCOUNT = "123456789012";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const R = "example-saas/tenant-fleet";
const W = (file: string) => `.github/workflows/${file}`;

type Job = Partial<OidcJob>;
const claims = (job: Job): Record<string, string> => oidcClaims({ repository: R, workflow: W("tenant-restore.yml"), ...job });

/** The role's trust as the stack (operations) or the printed document (break-glass) has it. */
const TRUST: Record<OperationRole, () => unknown> = {
  // The stack's own entry point, so these cases hold whatever builds the document behind it.
  operations: () => operationsTrustPolicy(PROVIDER, R),
  breakGlass: () => operationRoleTrust(PROVIDER, R, "breakGlass"),
};

function assume(role: OperationRole, context: Record<string, string>) {
  return evaluate(
    {
      principal: { kind: "federated", provider: PROVIDER },
      action: "sts:AssumeRoleWithWebIdentity",
      resource: `arn:aws:iam::${ACCOUNT}:role/${role}`,
      context,
    },
    { service: "trust", account: ACCOUNT, resourcePolicy: TRUST[role]() as never },
  );
}

describe("the operations role's trust", () => {
  it("lets tenant-restore.yml and tenant-export.yml of main assume it in tenant-operations", () => {
    expect(assume("operations", claims({ environment: "tenant-operations" }))).toBe("allow");
    expect(assume("operations", claims({ environment: "tenant-operations", workflow: W("tenant-export.yml") }))).toBe("allow");
  });

  it.each<[string, Job]>([
    // The same environment, another file: each would have had the old subject-only trust's subject.
    ["tenant-move.yml of main in tenant-operations (it assumes no role)", { environment: "tenant-operations", workflow: W("tenant-move.yml") }],
    ["a writer's new workflow of main in tenant-operations", { environment: "tenant-operations", workflow: W("ops-helper.yml") }],
    ["deploy.yml of main in tenant-operations", { environment: "tenant-operations", workflow: W("deploy.yml") }],
    ["tenant-restore.yml of a branch in tenant-operations", { environment: "tenant-operations", ref: "refs/heads/feature" }],
    ["tenant-restore.yml of a tag named main", { environment: "tenant-operations", ref: "refs/tags/main" }],
    ["tenant-restore.yml of main in tenant-erasure", { environment: "tenant-erasure" }],
    ["tenant-restore.yml of main without an environment", {}],
    ["a pull request", { pullRequest: true, ref: "refs/pull/7/merge" }],
    ["another repository's tenant-restore.yml in tenant-operations", { environment: "tenant-operations", repository: "example-saas/app" }],
    ["an environment named like it", { environment: "tenant-operations-2" }],
    ["another audience", { environment: "tenant-operations", aud: "other" }],
  ])("refuses %s", (_, job) => {
    expect(assume("operations", claims(job))).toBe("implicit-deny");
  });

  it.each(["environment", "job_workflow_ref", "ref"])("refuses a token of the right job without its %s claim", (claim) => {
    const token = claims({ environment: "tenant-operations" });
    expect(assume("operations", token)).toBe("allow");
    delete token[`${GITHUB_OIDC_HOST}:${claim}`];
    expect(assume("operations", token)).toBe("implicit-deny");
  });

  it("refuses the environment's subject alone (the old trust's one condition)", () => {
    const only = { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: `repo:${R}:environment:tenant-operations` };
    expect(assume("operations", only)).toBe("implicit-deny");
  });
});

describe("the break-glass role's trust", () => {
  it("lets tenant-erase.yml and the vault custody deploy of main assume it in tenant-erasure", () => {
    expect(assume("breakGlass", claims({ environment: "tenant-erasure", workflow: W("tenant-erase.yml") }))).toBe("allow");
    expect(assume("breakGlass", claims({ environment: "tenant-erasure", workflow: W("vault-custody.yml") }))).toBe("allow");
  });

  it.each<[string, Job]>([
    ["tenant-move-finish.yml of main in tenant-erasure (it assumes no role)", { environment: "tenant-erasure", workflow: W("tenant-move-finish.yml") }],
    ["tenant-restore.yml of main in tenant-erasure", { environment: "tenant-erasure" }],
    ["a writer's new workflow of main in tenant-erasure", { environment: "tenant-erasure", workflow: W("cleanup.yml") }],
    ["tenant-erase.yml of a branch in tenant-erasure", { environment: "tenant-erasure", workflow: W("tenant-erase.yml"), ref: "refs/heads/feature" }],
    ["tenant-erase.yml of main in tenant-operations", { environment: "tenant-operations", workflow: W("tenant-erase.yml") }],
    ["a pull request", { pullRequest: true, workflow: W("tenant-erase.yml"), ref: "refs/pull/7/merge" }],
    ["another repository's tenant-erase.yml", { environment: "tenant-erasure", workflow: W("tenant-erase.yml"), repository: "example-saas/app" }],
  ])("refuses %s", (_, job) => {
    expect(assume("breakGlass", claims(job))).toBe("implicit-deny");
  });

  it("refuses the environment's subject alone (the trust the docs asked for before)", () => {
    const only = { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: `repo:${R}:environment:tenant-erasure` };
    expect(assume("breakGlass", only)).toBe("implicit-deny");
  });
});

describe("the operation roles over the real workflows", () => {
  it("are assumed by exactly the apply jobs that ask for them, and by no other job of this repository", () => {
    const granted: string[] = [];
    const dir = path.join(ROOT, ".github/workflows");
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(".yml"))
      .sort()) {
      const wf = parse(readFileSync(path.join(dir, file), "utf8")) as Workflow;
      for (const [id, job] of Object.entries(wf.jobs)) {
        // Without id-token: write a job gets no token at all; here every job is given one, to ask the trust alone.
        const env = typeof job.environment === "string" ? job.environment : job.environment?.name;
        const environments = env === PROD_ENVIRONMENT_CHOICE ? ["prod", "prod-additions"] : [env];
        const asks = job.steps.some((s) => typeof s.with?.["role-to-assume"] === "string");
        for (const environment of environments)
          for (const role of ["operations", "breakGlass"] as const)
            if (assume(role, claims({ workflow: W(file), environment })) === "allow") granted.push(`${file} ${id} ${role}${asks ? "" : " (asks for no role)"}`);
      }
    }
    expect(granted).toEqual(["tenant-erase.yml apply breakGlass", "tenant-export.yml apply operations", "tenant-restore.yml apply operations"]);
  });

  it("is printed for the break-glass role by npm run stacks -- --break-glass-role-trust, refusing a pattern", () => {
    const cli = (...args: string[]) => spawnSync("npm", ["run", "--silent", "stacks", "--", ...args], { cwd: ROOT, encoding: "utf8" });
    const ok = cli("--break-glass-role-trust", "--oidc-provider", PROVIDER, "--repository", R);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual(operationRoleTrust(PROVIDER, R, "breakGlass"));
    const bad = cli("--break-glass-role-trust", "--oidc-provider", PROVIDER, "--repository", "example-saas/*");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('refusing an OIDC subject for "example-saas/*": owner and repository must be literal names');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const branch = cli("--break-glass-role-trust", "--oidc-provider", PROVIDER, "--repository", R, "--branch", "trunk");
    expect(branch.status).toBe(2);
    expect(branch.stderr).toContain('--branch "trunk": the tenant-operation workflows run on main only');
  }, 60_000);
});
