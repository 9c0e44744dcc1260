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
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ALLOW_EVERYTHING, evaluate } from "../src/core/iam/evaluate";
import { operationRoleTrust, operationsTrustPolicy } from "../src/plan/iam/operations";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../src/plan/iam/workflowAccess";
import { custodyWorkflowProblem, PROD_ENVIRONMENT_CHOICE, type OperationRole } from "../src/core/repositoryContract";
import { mergeKeptStatements } from "../src/plan/iam/trustMerge";
import type { PolicyDocument } from "../src/plan/vaults/plan";
import { trustProblems } from "../policies/rules/oidcRoleTrust";
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

function assume(role: OperationRole, context: Record<string, string>, trust: unknown = TRUST[role]()) {
  return evaluate(
    {
      principal: { kind: "federated", provider: PROVIDER },
      action: "sts:AssumeRoleWithWebIdentity",
      resource: `arn:aws:iam::${ACCOUNT}:role/${role}`,
      context,
    },
    { service: "trust", account: ACCOUNT, resourcePolicy: trust as never },
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
  it("lets tenant-erase.yml of main assume it in tenant-erasure, and no custody file unless one is named", () => {
    expect(assume("breakGlass", claims({ environment: "tenant-erasure", workflow: W("tenant-erase.yml") }))).toBe("allow");
    // The file name the docs once suggested is no key by default: whoever merged it first would get break-glass.
    expect(assume("breakGlass", claims({ environment: "tenant-erasure", workflow: W("vault-custody.yml") }))).toBe("implicit-deny");
  });

  it("with a custody workflow named, lets that file of main in tenant-erasure assume it too, and nothing else", () => {
    const trust = operationRoleTrust(PROVIDER, R, "breakGlass", W("break-glass-custody.yaml"));
    const custody = (job: Job) => assume("breakGlass", claims({ environment: "tenant-erasure", workflow: W("break-glass-custody.yaml"), ...job }), trust);
    expect(custody({})).toBe("allow");
    expect(assume("breakGlass", claims({ environment: "tenant-erasure", workflow: W("tenant-erase.yml") }), trust)).toBe("allow");
    expect(custody({ workflow: W("vault-custody.yml") })).toBe("implicit-deny");
    expect(custody({ ref: "refs/heads/feature" })).toBe("implicit-deny");
    expect(custody({ ref: "refs/tags/main" })).toBe("implicit-deny");
    expect(custody({ environment: "tenant-operations" })).toBe("implicit-deny");
    expect(() => operationRoleTrust(PROVIDER, R, "operations", W("break-glass-custody.yaml"))).toThrow(/only the break-glass role/);
  });

  it.each([
    ["vault-custody.yml", /one file directly under \.github\/workflows\//],
    [".github/workflows/sub/vault-custody.yml", /one file directly under/],
    [".github/workflows/../workflows/vault-custody.yml", /no "\.\."/],
    [".github/workflows/..yml", /no "\.\."/],
    [".github/workflows/vault-custody.json", /ending \.yml or \.yaml/],
    [".github/workflows/*.yml", /one file directly under/],
    [".github/workflows/tenant-move-finish.yml", /belongs to this project/],
    [".github/workflows/tenant-erase.yml", /belongs to this project/],
    [".github/workflows/deploy.yml", /belongs to this project/],
  ])("refuses the custody workflow %s", (file, why) => {
    expect(custodyWorkflowProblem(file)).toMatch(why);
    expect(() => operationRoleTrust(PROVIDER, R, "breakGlass", file)).toThrow(why);
  });

  it("refuses the environment's subject alone (the trust the docs asked for before)", () => {
    const only = { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: `repo:${R}:environment:tenant-erasure` };
    expect(assume("breakGlass", only)).toBe("implicit-deny");
  });
});

/** This repository's workflow files (name → text), and the test's hand-written custody deploy under `as` when given. */
function workflows(custodyAs?: string): Record<string, string> {
  const dir = path.join(ROOT, ".github/workflows");
  const real = Object.fromEntries(
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => [f, readFileSync(path.join(dir, f), "utf8")]),
  );
  return custodyAs ? { ...real, [custodyAs]: readFileSync(path.join(ROOT, "test/fixtures/vault-custody.yml"), "utf8") } : real;
}

/** Every job the break-glass and operations trusts let in, given GitHub's token for it (each job gets one here, to ask the trust alone). */
function granted(files: Record<string, string>, custodyWorkflow?: string): string[] {
  const trusts = { operations: TRUST.operations(), breakGlass: operationRoleTrust(PROVIDER, R, "breakGlass", custodyWorkflow) };
  const out: string[] = [];
  for (const [file, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const wf = parse(text) as Workflow;
    for (const [id, job] of Object.entries(wf.jobs)) {
      const env = typeof job.environment === "string" ? job.environment : job.environment?.name;
      const environments = env === PROD_ENVIRONMENT_CHOICE ? ["prod", "prod-additions"] : [env];
      const asks = job.steps.some((s) => typeof s.with?.["role-to-assume"] === "string");
      for (const environment of environments)
        for (const role of ["operations", "breakGlass"] as const)
          if (assume(role, claims({ workflow: W(file), environment }), trusts[role]) === "allow")
            out.push(`${file} ${id} ${role}${asks ? "" : " (asks for no role)"}`);
    }
  }
  return out;
}

const APPLY_JOBS = ["tenant-erase.yml apply breakGlass", "tenant-export.yml apply operations", "tenant-restore.yml apply operations"];

describe("the operation roles over the real workflows", () => {
  it("are assumed by exactly the apply jobs that ask for them, and by no other job of this repository", () => {
    expect(granted(workflows())).toEqual(APPLY_JOBS);
  });

  // The project does not own the custody deploy and keeps no record of the name its owner chose
  // (the trust lives in AWS): the real files are judged by the default trust, which no
  // hand-written file passes, and the custody file by the trust that names it.
  it("a hand-written custody deploy gets break-glass only from the trust that names it", () => {
    expect(granted(workflows("vault-custody.yml"))).toEqual(APPLY_JOBS);
    expect(granted(workflows("vault-custody.yml"), W("vault-custody.yml"))).toEqual([...APPLY_JOBS, "vault-custody.yml custody breakGlass"].sort());
    expect(granted(workflows("vault-custody.yml"), W("break-glass.yml"))).toEqual(APPLY_JOBS);
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
    expect(ok.stderr).toContain("aws iam update-assume-role-policy replaces the trust with it");
    const alone = cli("--custody-workflow", W("vault-custody.yml"));
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain("--custody-workflow goes with --break-glass-role-trust only");
  }, 60_000);

  it("prints the custody workflow's trust only when asked, and keeps the statements of --keep-statement-file", () => {
    const cli = (...args: string[]) =>
      spawnSync("npm", ["run", "--silent", "stacks", "--", "--break-glass-role-trust", "--oidc-provider", PROVIDER, "--repository", R, ...args], {
        cwd: ROOT,
        encoding: "utf8",
      });
    const custody = cli("--custody-workflow", W("vault-custody.yml"));
    expect(custody.status, custody.stderr).toBe(0);
    expect(JSON.parse(custody.stdout)).toEqual(operationRoleTrust(PROVIDER, R, "breakGlass", W("vault-custody.yml")));
    const outside = cli("--custody-workflow", ".github/workflows/../../x.yml");
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('--custody-workflow ".github/workflows/../../x.yml": the custody deploy\'s workflow is one file directly under');
    const dir = mkdtempSync(path.join(tmpdir(), "break-glass-"));
    writeFileSync(path.join(dir, "trust.json"), JSON.stringify({ Version: "2012-10-17", Statement: [SUBJECT_ONLY, WORKSTATION] }, null, 2));
    const kept = cli("--keep-statement-file", path.join(dir, "trust.json"));
    expect(kept.status, kept.stderr).toBe(0);
    expect(JSON.parse(kept.stdout)).toEqual({ Version: "2012-10-17", Statement: [...operationRoleTrust(PROVIDER, R, "breakGlass").Statement, WORKSTATION] });
    expect(kept.stderr).toContain("kept 1 statement(s) of");
    expect(kept.stderr).toContain('replaced statement "ErasureEnvironment"');
    // With the custody file named, the pack's check vouches for it; a kept web identity is refused, nothing printed.
    const both = cli("--custody-workflow", W("vault-custody.yml"), "--keep-statement-file", path.join(dir, "trust.json"));
    expect(both.status, both.stderr).toBe(0);
    expect(JSON.parse(both.stdout).Statement).toEqual([...operationRoleTrust(PROVIDER, R, "breakGlass", W("vault-custody.yml")).Statement, WORKSTATION]);
    const google = { Sid: "Google", Effect: "Allow", Principal: { Federated: "accounts.google.com" }, Action: "sts:AssumeRoleWithWebIdentity" };
    writeFileSync(path.join(dir, "google.json"), JSON.stringify({ Version: "2012-10-17", Statement: [WORKSTATION, google] }));
    const refused = cli("--keep-statement-file", path.join(dir, "google.json"));
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain(`--keep-statement-file ${path.join(dir, "google.json")}: statement "Google" trusts "Federated"`);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(path.join(dir, "broken.json"), '{\n  "Statement": [\n    {"Effect" "Allow"}\n  ]\n}\n');
    const broken = cli("--keep-statement-file", path.join(dir, "broken.json"));
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain(`${path.join(dir, "broken.json")}:3:15: not JSON`);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

/** A trust from the earlier documentation: the environment's subject alone. */
const SUBJECT_ONLY = {
  Sid: "ErasureEnvironment",
  Effect: "Allow",
  Principal: { Federated: PROVIDER },
  Action: "sts:AssumeRoleWithWebIdentity",
  Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: `repo:${R}:environment:tenant-erasure` } },
};
/** The owner's path for when GitHub is down: a person's role, with MFA. */
const WORKSTATION = {
  Sid: "SecondPersonWithMfa",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/platform-admin` },
  Action: "sts:AssumeRole",
  Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
};

describe("the printed trust merged with the statements an owner keeps", () => {
  const printed = operationRoleTrust(PROVIDER, R, "breakGlass");

  it("keeps every statement that does not trust GitHub's provider, after the printed one, and replaces the ones that do", () => {
    const merged = mergeKeptStatements(printed, { Version: "2012-10-17", Statement: [SUBJECT_ONLY, WORKSTATION] });
    expect(merged.document.Statement).toEqual([...printed.Statement, WORKSTATION]);
    expect(merged).toMatchObject({ kept: 1, replaced: ['statement "ErasureEnvironment"'] });
    // The merged trust: the workstation still gets in, the old subject-only token no longer does.
    const person = evaluate(
      {
        principal: { kind: "aws", arn: `arn:aws:iam::${ACCOUNT}:role/platform-admin` },
        action: "sts:AssumeRole",
        resource: `arn:aws:iam::${ACCOUNT}:role/breakGlass`,
        context: { "aws:MultiFactorAuthPresent": "true" },
      } as never,
      { service: "trust", account: ACCOUNT, resourcePolicy: merged.document as never },
    );
    expect(person).toBe("allow");
    const only = { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: `repo:${R}:environment:tenant-erasure` };
    expect(assume("breakGlass", only, merged.document)).toBe("implicit-deny");
    expect(assume("breakGlass", claims({ environment: "tenant-erasure", workflow: W("tenant-erase.yml") }), merged.document)).toBe("allow");
  });

  it("takes a statement list or one statement too, and refuses what is not a statement or reuses the printed Sid", () => {
    expect(mergeKeptStatements(printed, [WORKSTATION]).document.Statement).toEqual([...printed.Statement, WORKSTATION]);
    expect(mergeKeptStatements(printed, WORKSTATION).kept).toBe(1);
    expect(() => mergeKeptStatements(printed, { nothing: true })).toThrow(/holds no trust policy/);
    expect(() => mergeKeptStatements(printed, [WORKSTATION, "Allow"])).toThrow(/statement #2 is not an IAM policy statement/);
    expect(() => mergeKeptStatements(printed, [{ ...WORKSTATION, Sid: "ErasureWorkflowsOnDefaultBranch" }])).toThrow(/has the printed statement's Sid/);
    expect(() => mergeKeptStatements(printed, [{ ...WORKSTATION, Principal: { AWS: ["*"] } }])).toThrow(
      /"SecondPersonWithMfa" lets any principal of any account/,
    );
    expect(() => mergeKeptStatements(printed, [{ ...WORKSTATION, Principal: "*" }])).toThrow(/lets any principal/);
  });
});

/** The merged trust's answer for a principal asking with an action and a context. */
function asks(doc: unknown, principal: unknown, action: string, context: Record<string, string> = {}) {
  // The caller's own policies allow everything: only the trust decides.
  const target = { service: "trust", account: ACCOUNT, resourcePolicy: doc as never } as const;
  return evaluate({ principal, action, resource: `arn:aws:iam::${ACCOUNT}:role/breakGlass`, context } as never, target, [ALLOW_EVERYTHING]);
}
const ENTERPRISE = `${PROVIDER}/example-saas`;
const allow = (over: Record<string, unknown>) => ({ Effect: "Allow", Action: "sts:AssumeRole", ...over });

describe("what the merge keeps: an allow-list (hostile4 G5, G6)", () => {
  const printed = operationRoleTrust(PROVIDER, R, "breakGlass");

  it("replaces every GitHub statement, whatever the issuer path or spelling of the provider (GitHub Enterprise's unique issuer)", () => {
    const broad = {
      Sid: "OldGithub",
      Effect: "Allow",
      Principal: { Federated: ENTERPRISE },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringLike: { "token.actions.githubusercontent.com/example-saas:sub": "repo:example-saas/*" } },
    };
    const odd = [`${PROVIDER}/`, PROVIDER.replace("token.actions", "TOKEN.actions")].map((p) => ({ ...broad, Sid: undefined, Principal: { Federated: [p] } }));
    const merged = mergeKeptStatements(printed, [broad, ...odd, WORKSTATION], { account: ACCOUNT });
    expect(merged).toMatchObject({ kept: 1, replaced: ['statement "OldGithub"', "statement #2", "statement #3"] });
    expect(merged.document.Statement).toEqual([...printed.Statement, WORKSTATION]);
    const anyRepo = { "token.actions.githubusercontent.com/example-saas:sub": "repo:example-saas/random-app:ref:refs/heads/feature" };
    expect(asks(merged.document, { kind: "federated", provider: ENTERPRISE }, "sts:AssumeRoleWithWebIdentity", anyRepo)).toBe("implicit-deny");
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["a public web identity", allow({ Principal: { Federated: "accounts.google.com" }, Action: "sts:AssumeRoleWithWebIdentity" }), /trusts "Federated"/],
    ["Cognito", allow({ Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" }), /trusts "Federated"/],
    [
      "a SAML provider",
      allow({ Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` }, Action: "sts:AssumeRoleWithSAML" }),
      /trusts "Federated"/,
    ],
    ["a service", allow({ Principal: { Service: "ec2.amazonaws.com" } }), /trusts "Service"/],
    ["an AWS principal beside a service", allow({ Principal: { AWS: WORKSTATION.Principal.AWS, Service: "lambda.amazonaws.com" } }), /trusts "AWS", "Service"/],
    ["NotPrincipal", allow({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }), /every principal but a list assume the role \(NotPrincipal\)/],
    ["NotAction", { Effect: "Allow", Principal: WORKSTATION.Principal, NotAction: "sts:AssumeRoleWithSAML" }, /has "NotAction"/],
    ["another account's root", allow({ Principal: { AWS: "arn:aws:iam::999999999999:root" } }), /every principal another account allows/],
    ["a wildcard ARN", allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/*` } }), /any principal of any account/],
    ["an account ID", allow({ Principal: { AWS: ACCOUNT } }), /not the ARN of an IAM role or user/],
    ["a session ARN", allow({ Principal: { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/me` } }), /not the ARN of an IAM role or user/],
    [
      "a web identity action",
      allow({ Principal: WORKSTATION.Principal, Action: ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"] }),
      /allows "sts:AssumeRoleWithWebIdentity"/,
    ],
    ["sts:*", allow({ Principal: WORKSTATION.Principal, Action: "sts:*" }), /allows "sts:\*"/],
  ])("refuses %s, naming the statement, why and the fix", (_, st, why) => {
    const run = () => mergeKeptStatements(printed, [WORKSTATION, st], { account: ACCOUNT });
    expect(run).toThrow(why);
    expect(run).toThrow(/^statement #2 .*: leave it out of the file given here, and once you have reviewed it, add it to the printed document by hand$/);
  });

  it("keeps Deny statements, this account's root and role/user ARNs, and admits only our GitHub job and those principals", () => {
    const deny = { Sid: "NoGuests", Effect: "Deny", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:*" };
    const teamArns = [`arn:aws:iam::${ACCOUNT}:root`, "arn:aws:iam::210987654321:role/sso/AWSReservedSSO_Admin"];
    const team = allow({
      Sid: "Team",
      Principal: { AWS: teamArns },
      Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
      Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
    });
    const merged = mergeKeptStatements(printed, [WORKSTATION, deny, team], { account: ACCOUNT });
    expect(merged.document.Statement).toEqual([...printed.Statement, WORKSTATION, deny, team]);
    expect(merged.awsPrincipals).toEqual([WORKSTATION.Principal.AWS, ...teamArns]);
    const mfa = { "aws:MultiFactorAuthPresent": "true" };
    const aws = (arn: string) => ({ kind: "aws", arn });
    expect(asks(merged.document, aws(WORKSTATION.Principal.AWS), "sts:AssumeRole", mfa)).toBe("allow");
    expect(asks(merged.document, aws("arn:aws:iam::210987654321:role/sso/AWSReservedSSO_Admin"), "sts:TagSession", mfa)).toBe("allow");
    expect(asks(merged.document, aws(WORKSTATION.Principal.AWS), "sts:AssumeRole")).toBe("implicit-deny");
    expect(asks(merged.document, aws("arn:aws:iam::999999999999:role/admin"), "sts:AssumeRole", mfa)).not.toBe("allow");
    // This account's root: any principal of the account whose own policies allow it, with MFA.
    expect(asks(merged.document, aws(`arn:aws:iam::${ACCOUNT}:role/other`), "sts:AssumeRole", mfa)).toBe("allow");
    expect(asks(merged.document, aws(`arn:aws:iam::${ACCOUNT}:role/other`), "sts:AssumeRoleWithWebIdentity", mfa)).not.toBe("allow");
    expect(asks(merged.document, { kind: "service", service: "ec2.amazonaws.com" }, "sts:AssumeRole")).toBe("implicit-deny");
    expect(asks(merged.document, { kind: "federated", provider: "accounts.google.com" }, "sts:AssumeRoleWithWebIdentity")).toBe("implicit-deny");
    expect(assume("breakGlass", claims({ environment: "tenant-erasure", workflow: W("tenant-erase.yml") }), merged.document)).toBe("allow");
    expect(assume("breakGlass", claims({ environment: "tenant-erasure", workflow: W("vault-custody.yml") }), merged.document)).toBe("implicit-deny");
  });
});

describe("the merged trust passes the policy pack's oidc-role-trust rule before it is printed (hostile4 G8)", () => {
  const config = { repository: R, stackRepository: R };

  it("accepts the printed trust with the kept AWS principals and the named custody file vouched for, and nothing more", () => {
    const printed = operationRoleTrust(PROVIDER, R, "breakGlass");
    expect(trustProblems(printed, config)).toEqual([]);
    const custody = operationRoleTrust(PROVIDER, R, "breakGlass", W("vault-custody.yml"));
    expect(trustProblems(custody, config, { custodyWorkflow: W("vault-custody.yml") })).toEqual([]);
    expect(trustProblems(custody, config).join("; ")).toMatch(/trusts .*vault-custody\.yml/);
    const merged = mergeKeptStatements(printed, [WORKSTATION], { account: ACCOUNT });
    expect(trustProblems(merged.document, config, { awsPrincipals: merged.awsPrincipals })).toEqual([]);
    expect(trustProblems(merged.document, config).join("; ")).toMatch(/trusts the AWS principal arn:aws:iam::123456789012:role\/platform-admin/);
  });

  it("refuses to return a merged document the rule refuses", () => {
    const printed = operationRoleTrust(PROVIDER, R, "breakGlass");
    // Vetted against another stack repository, the printed statement itself is one the rule refuses.
    const vet = (doc: PolicyDocument, awsPrincipals: readonly string[]) =>
      trustProblems(doc, { repository: "example-saas/other", stackRepository: "example-saas/other" }, { awsPrincipals });
    expect(() => mergeKeptStatements(printed, [WORKSTATION], { account: ACCOUNT, vet })).toThrow(
      /^the merged trust fails the policy pack's oidc-role-trust rule, so it is not printed: statement ErasureWorkflowsOnDefaultBranch/,
    );
    expect(mergeKeptStatements(printed, [WORKSTATION], { account: ACCOUNT, vet: (doc, p) => trustProblems(doc, config, { awsPrincipals: p }) }).kept).toBe(1);
  });
});
