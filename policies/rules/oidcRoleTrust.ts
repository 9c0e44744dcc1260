import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../../src/plan/iam/workflowAccess";
import { accountOf, actionApplies, asList, evaluate, mayAllow, statementsOf, type PolicyLike, type Request } from "../../src/core/iam/evaluate";
import { trustOf } from "./roles";
import { TYPES, type Rule } from "./types";

export interface OidcTrustConfig {
  /** `owner/repository` of the application repository. */
  readonly repository: string;
  /** Its default branch, the only ref whose workflow files may assume a role. */
  readonly branch?: string;
}

const ASSUME_ACTIONS = ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRole", "sts:AssumeRoleWithSAML"];
const GITHUB_PROVIDER = new RegExp(`^arn:aws[a-z-]*:iam::\\d{12}:oidc-provider/${GITHUB_OIDC_HOST.replace(/\./g, "\\.")}$`);

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The subject of a generated workflow file of the repository on its default branch, and nothing else. */
export function workflowSubjectPattern(repository: string, branch: string): RegExp {
  const [owner, repo] = repository.split("/");
  return new RegExp(
    `^repo:${escape(owner)}(@\\d+)?/${escape(repo)}(@\\d+)?:job_workflow_ref:${escape(owner)}/${escape(repo)}/\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml@refs/heads/${escape(branch)}$`,
  );
}

/** Principals a role of this stack must never trust, by their key in a Principal element (lower case). */
const OTHER_PRINCIPALS: Readonly<Record<string, string>> = {
  aws: "the AWS principal",
  service: "the AWS service",
  canonicaluser: "the canonical user (an AWS account)",
};
const ONLY_GITHUB = `a role of this stack is assumed only through GitHub.com's OIDC provider (arn:aws:iam::ACCOUNT:oidc-provider/${GITHUB_OIDC_HOST}): remove this principal from the trust (a role for an account, a person or a service belongs outside this stack)`;

/** Values an operator pins a key to exactly: StringEquals, or StringLike without wildcards; never IfExists or a set operator. */
function exactPins(condition: unknown, key: string): string[][] {
  const pins: string[][] = [];
  if (!condition || typeof condition !== "object") return pins;
  for (const [op, block] of Object.entries(condition as Record<string, unknown>)) {
    const base = op.toLowerCase();
    if (base !== "stringequals" && base !== "stringlike") continue;
    if (!block || typeof block !== "object") continue;
    for (const [k, v] of Object.entries(block as Record<string, unknown>)) {
      if (k.toLowerCase() !== key.toLowerCase()) continue;
      const values = asList(v).map(String);
      if (base === "stringlike" && values.some((x) => /[*?]/.test(x))) continue;
      pins.push(values);
    }
  }
  return pins;
}

/** Tokens that must never assume a workflow role: other refs, files, repositories, contexts, audiences. */
export function hostileTokens(repository: string, branch: string, allowed: readonly string[]): { sub: string; aud: string; why: string }[] {
  const aud = GITHUB_OIDC_AUDIENCE;
  const base = `repo:${repository}`;
  const file = (f: string, ref = `refs/heads/${branch}`) => `${base}:job_workflow_ref:${repository}/.github/workflows/${f}@${ref}`;
  const out = [
    { sub: `${base}:ref:refs/heads/${branch}`, aud, why: "any workflow on the default branch (GitHub's default subject)" },
    { sub: `${base}:pull_request`, aud, why: "a pull request" },
    { sub: `${base}:environment:tenant-hostile`, aud, why: "a job in an environment" },
    { sub: file("hostile.yml"), aud, why: "another workflow file on the default branch" },
    { sub: file("hostile.yml", "refs/heads/hostile"), aud, why: "another workflow file on another branch" },
    {
      sub: `repo:hostile/${repository.split("/")[1]}:job_workflow_ref:hostile/${repository.split("/")[1]}/.github/workflows/hostile.yml@refs/heads/${branch}`,
      aud,
      why: "another repository",
    },
  ];
  for (const a of allowed) {
    out.push({ sub: a.replace(`@refs/heads/${branch}`, "@refs/heads/hostile"), aud, why: "a generated file on another branch" });
    out.push({ sub: a.replace(`@refs/heads/${branch}`, "@refs/pull/1/merge"), aud, why: "a generated file in a pull request" });
    out.push({ sub: a.replace(`@refs/heads/${branch}`, "@refs/tags/v1"), aud, why: "a generated file at a tag" });
    out.push({ sub: a, aud: `https://github.com/${repository.split("/")[0]}`, why: "a generated file with another audience" });
  }
  return out;
}

/** Problems of one trust document: who can assume the role, by meaning. */
export function trustProblems(doc: PolicyLike, config: OidcTrustConfig): string[] {
  const branch = config.branch ?? "main";
  const pattern = workflowSubjectPattern(config.repository, branch);
  const problems: string[] = [];
  const providers = new Set<string>();
  const allowed: string[] = [];
  for (const [i, s] of statementsOf(doc).entries()) {
    if (s.Effect !== "Allow") continue;
    const sid = s.Sid ? ` ${String(s.Sid)}` : ` #${i + 1}`;
    if (s.NotPrincipal !== undefined) {
      problems.push(`statement${sid} lets every principal but a list assume the role (NotPrincipal); name GitHub's OIDC provider as the only Principal`);
      continue;
    }
    const assumes = ASSUME_ACTIONS.some((a) => actionApplies(s, a));
    const principal = s.Principal as unknown;
    const entries =
      principal === "*"
        ? [["*", "*"]]
        : Object.entries((principal ?? {}) as Record<string, unknown>).flatMap(([k, v]) => asList(v).map((x) => [k.toLowerCase(), String(x)]));
    for (const [kind, value] of entries) {
      if (kind === "*" || (kind === "aws" && value === "*")) {
        problems.push(`statement${sid} lets any principal of any account assume the role`);
      } else if (kind === "federated" && !GITHUB_PROVIDER.test(value)) {
        problems.push(`statement${sid} trusts the identity provider ${value}; only GitHub.com's provider (${GITHUB_OIDC_HOST}) may assume a workflow role`);
      } else if (kind !== "federated") {
        problems.push(`statement${sid} trusts ${OTHER_PRINCIPALS[kind] ?? `the ${kind} principal`} ${value}; ${ONLY_GITHUB}`);
      } else if (assumes) {
        providers.add(value);
        const aud = exactPins(s.Condition, `${GITHUB_OIDC_HOST}:aud`);
        if (!aud.some((v) => v.length > 0 && v.every((x) => x === GITHUB_OIDC_AUDIENCE)))
          problems.push(`statement${sid} does not pin ${GITHUB_OIDC_HOST}:aud to ${GITHUB_OIDC_AUDIENCE} with StringEquals`);
        const subs = exactPins(s.Condition, `${GITHUB_OIDC_HOST}:sub`).filter((v) => v.length > 0 && v.every((x) => pattern.test(x)));
        if (!subs.length) {
          problems.push(
            `statement${sid} does not pin ${GITHUB_OIDC_HOST}:sub with StringEquals to exact workflow files of ${config.repository} on ${branch} (repo:OWNER/REPO:job_workflow_ref:OWNER/REPO/.github/workflows/FILE@refs/heads/${branch})`,
          );
        } else allowed.push(...subs.flat());
      }
    }
  }
  // Then by evaluation: no token a workflow author could obtain elsewhere gets in.
  const provider = [...providers][0] ?? "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
  const account = accountOf(provider) ?? "123456789012";
  for (const t of hostileTokens(config.repository, branch, allowed)) {
    const req: Request = {
      principal: { kind: "federated", provider },
      action: "sts:AssumeRoleWithWebIdentity",
      resource: `arn:aws:iam::${account}:role/workflow`,
      context: { [`${GITHUB_OIDC_HOST}:sub`]: t.sub, [`${GITHUB_OIDC_HOST}:aud`]: t.aud },
    };
    if (mayAllow(evaluate(req, { service: "trust", account, resourcePolicy: doc }))) problems.push(`${t.why} can assume it (subject ${t.sub})`);
  }
  return [...new Set(problems)];
}

/** Roles assumable through GitHub's OIDC provider trust only exact workflow files of the repository's default branch. */
export const oidcRoleTrust: Rule<OidcTrustConfig> = {
  name: "oidc-role-trust",
  description:
    "A role's trust allows no principal but GitHub.com's OIDC provider (no AWS account, role, user or service, no canonical user, no \"*\", no other identity provider, no NotPrincipal), and through GitHub only tokens with aud sts.amazonaws.com whose subject names an exact workflow file of the configured repository on its default branch; checked by evaluating hostile tokens (other branches, files, pull requests, environments, repositories, audiences).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: { repository: { type: "string", pattern: "^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$" }, branch: { type: "string", default: "main" } },
    required: ["repository"],
  },
  validate(resources, config) {
    return resources
      .filter((r) => r.type === TYPES.role)
      .flatMap((role) => {
        const doc = trustOf(role);
        if (!doc) return [];
        const problems = trustProblems(doc, config);
        return problems.length
          ? [
              {
                urn: role.urn,
                message: `role ${role.name}: ${problems.join("; ")}; build workflow roles with the WorkflowRoles component for ${config.repository}`,
              },
            ]
          : [];
      });
  },
};
