import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../../src/plan/iam/workflowAccess";
import {
  OPERATION_ROLES,
  OPERATION_WORKFLOW_ACCESS,
  operationRoleWorkflows,
  OPERATIONS_BRANCH,
  operationWorkflowPath,
  type OperationKind,
  type OperationRole,
} from "../../src/core/repositoryContract";
import { accountOf, actionApplies, asList, evaluate, mayAllow, statementsOf, type PolicyLike } from "../../src/core/iam/evaluate";
import { operationRoleWorkflowPaths } from "../../src/plan/iam/operations";
import { trustOf } from "./roles";
import { TYPES, type Rule } from "./types";

export interface OidcTrustConfig {
  /** `owner/repository` of the application repository. */
  readonly repository: string;
  /** Its default branch, the only ref whose workflow files may assume a role. */
  readonly branch?: string;
  /**
   * `owner/repository` of the stack's own repository (the setting operationsRepository): its
   * roles (the operations role) trust exact workflow files of its default branch in an
   * environment, by the environment's subject and the token's own claims
   * (src/plan/iam/ownWorkflowTrust.ts). Unset: no role may trust it.
   */
  readonly stackRepository?: string;
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

/** A trust of the stack's own workflows: the files (`.github/workflows/F.yml`) and environments its statement pins. */
export interface StackTrust {
  readonly files: string[];
  readonly environments: string[];
}

const claim = (k: string) => `${GITHUB_OIDC_HOST}:${k}`;

/**
 * The statement pins, each with exact values, the subject to environments of the stack's
 * repository, the `environment` claim, the `job_workflow_ref` claim to files of its default
 * branch and the `ref` claim to that branch: the shape of src/plan/iam/ownWorkflowTrust.ts.
 */
function stackTrustOf(condition: unknown, stackRepository: string): StackTrust | undefined {
  const repo = escape(stackRepository);
  const branch = escape(OPERATIONS_BRANCH);
  const pinned = (key: string, shape: RegExp) => exactPins(condition, claim(key)).find((v) => v.length > 0 && v.every((x) => shape.test(x)));
  const subjects = pinned("sub", new RegExp(`^repo:${repo}:environment:[^:*?]+$`));
  const environments = pinned("environment", /^[^*?]+$/);
  const refs = pinned("job_workflow_ref", new RegExp(`^${repo}/\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml@refs/heads/${branch}$`));
  const ref = pinned("ref", new RegExp(`^refs/heads/${branch}$`));
  if (!subjects || !environments || !refs || !ref) return undefined;
  return { files: refs.map((r) => r.slice(stackRepository.length + 1, r.lastIndexOf("@"))), environments };
}

/**
 * Whether the files and environments a trust of the stack's workflows pins are those the
 * repository contract gives one operation role (OPERATION_WORKFLOW_ACCESS: the files whose
 * apply job assumes it, in its environment); else what is wrong. The shape alone would let a
 * regression trust a move's file, deploy.yml or another environment.
 */
export function contractProblem(t: StackTrust, custodyWorkflow?: string): string | undefined {
  const roles = Object.keys(OPERATION_ROLES) as OperationRole[];
  const files = (role: OperationRole) => operationRoleWorkflowPaths(role, role === "breakGlass" ? custodyWorkflow : undefined);
  const fits = (role: OperationRole) => t.files.every((f) => files(role).includes(f)) && t.environments.every((e) => e === OPERATION_ROLES[role].environment);
  if (roles.some(fits)) return undefined;
  const allowed = roles.map((r) => `${operationRoleWorkflows(r).join(", ")} in ${OPERATION_ROLES[r].environment}`).join("; ");
  return `trusts ${t.files.join(", ")} in ${t.environments.join(", ")}, but a role of the stack's own workflows may trust only the files whose apply job assumes it, in its environment (OPERATION_WORKFLOW_ACCESS in src/core/repositoryContract.ts): ${allowed}`;
}

/** GitHub's token for a job, as the claims AWS sees (https://docs.github.com/en/actions/reference/security/oidc). */
function tokenOf(job: { repository: string; file: string; ref: string; environment?: string; pullRequest?: boolean; aud?: string }): Record<string, string> {
  const sub = job.environment ? `environment:${job.environment}` : job.pullRequest ? "pull_request" : `ref:${job.ref}`;
  return {
    [claim("aud")]: job.aud ?? GITHUB_OIDC_AUDIENCE,
    [claim("sub")]: `repo:${job.repository}:${sub}`,
    [claim("ref")]: job.ref,
    [claim("job_workflow_ref")]: `${job.repository}/${job.file}@${job.ref}`,
    ...(job.environment ? { [claim("environment")]: job.environment } : {}),
  };
}

/** Tokens no trust of the stack's workflows may let in: another file, branch, tag, environment, repository, a pull request, a subject alone. */
export function stackHostileTokens(stackRepository: string, t: StackTrust): { claims: Record<string, string>; why: string }[] {
  const main = `refs/heads/${OPERATIONS_BRANCH}`;
  const job = { repository: stackRepository, file: t.files[0], ref: main, environment: t.environments[0] };
  const other = `hostile/${stackRepository.split("/")[1]}`;
  // The contract's other files of the same environment (a move's: it shares the environment and assumes no role).
  const neighbours = (Object.keys(OPERATION_WORKFLOW_ACCESS) as OperationKind[])
    .filter((k) => OPERATION_WORKFLOW_ACCESS[k].environment === job.environment && !t.files.includes(operationWorkflowPath(k)))
    .map((k) => ({
      claims: tokenOf({ ...job, file: operationWorkflowPath(k) }),
      why: `${operationWorkflowPath(k)} of ${OPERATIONS_BRANCH} in ${job.environment}`,
    }));
  return [
    ...neighbours,
    { claims: tokenOf({ ...job, file: ".github/workflows/hostile.yml" }), why: `another workflow file of ${OPERATIONS_BRANCH} in ${job.environment}` },
    { claims: tokenOf({ ...job, ref: "refs/heads/hostile" }), why: `${job.file} of another branch in ${job.environment}` },
    { claims: tokenOf({ ...job, ref: `refs/tags/${OPERATIONS_BRANCH}` }), why: `${job.file} at a tag in ${job.environment}` },
    { claims: tokenOf({ ...job, environment: "tenant-hostile" }), why: `${job.file} in another environment` },
    { claims: tokenOf({ ...job, environment: undefined, pullRequest: true, ref: "refs/pull/1/merge" }), why: "a pull request" },
    { claims: tokenOf({ ...job, repository: other }), why: "another repository" },
    { claims: tokenOf({ ...job, aud: `https://github.com/${stackRepository.split("/")[0]}` }), why: `${job.file} with another audience` },
    {
      claims: { [claim("aud")]: GITHUB_OIDC_AUDIENCE, [claim("sub")]: `repo:${stackRepository}:environment:${job.environment}` },
      why: "the environment's subject alone",
    },
  ];
}

/**
 * What a caller vouches for beyond the rule's config: the hand-made break-glass role's trust
 * (scripts/stacks.ts --keep-statement-file) keeps its owner's AWS principals, which
 * src/plan/iam/trustMerge.ts has allow-listed, and may trust the custody deploy's file.
 */
export interface TrustAllowances {
  /** AWS principal ARNs the trust may name (exactly these). */
  readonly awsPrincipals?: readonly string[];
  /** The custody deploy's workflow file the break-glass role may trust too (.github/workflows/F.yml). */
  readonly custodyWorkflow?: string;
}

/** Problems of one trust document: who can assume the role, by meaning. */
export function trustProblems(doc: PolicyLike, config: OidcTrustConfig, allow: TrustAllowances = {}): string[] {
  const branch = config.branch ?? "main";
  const pattern = workflowSubjectPattern(config.repository, branch);
  const problems: string[] = [];
  const providers = new Set<string>();
  const allowed: string[] = [];
  const stackTrusts: StackTrust[] = [];
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
      } else if (kind === "aws" && allow.awsPrincipals?.includes(value)) {
        continue;
      } else if (kind !== "federated") {
        problems.push(`statement${sid} trusts ${OTHER_PRINCIPALS[kind] ?? `the ${kind} principal`} ${value}; ${ONLY_GITHUB}`);
      } else if (assumes) {
        providers.add(value);
        const aud = exactPins(s.Condition, `${GITHUB_OIDC_HOST}:aud`);
        if (!aud.some((v) => v.length > 0 && v.every((x) => x === GITHUB_OIDC_AUDIENCE)))
          problems.push(`statement${sid} does not pin ${GITHUB_OIDC_HOST}:aud to ${GITHUB_OIDC_AUDIENCE} with StringEquals`);
        const own = config.stackRepository ? stackTrustOf(s.Condition, config.stackRepository) : undefined;
        if (own) {
          const off = contractProblem(own, allow.custodyWorkflow);
          if (off) problems.push(`statement${sid} ${off}`);
          stackTrusts.push(own);
          continue;
        }
        const subs = exactPins(s.Condition, `${GITHUB_OIDC_HOST}:sub`).filter((v) => v.length > 0 && v.every((x) => pattern.test(x)));
        if (!subs.length) {
          problems.push(
            `statement${sid} does not pin ${GITHUB_OIDC_HOST}:sub with StringEquals to exact workflow files of ${config.repository} on ${branch} (repo:OWNER/REPO:job_workflow_ref:OWNER/REPO/.github/workflows/FILE@refs/heads/${branch})${
              config.stackRepository
                ? `, nor to environments of ${config.stackRepository} with its environment, job_workflow_ref (exact files of ${OPERATIONS_BRANCH}) and ref claims pinned too (src/plan/iam/ownWorkflowTrust.ts)`
                : ""
            }`,
          );
        } else allowed.push(...subs.flat());
      }
    }
  }
  // Then by evaluation: no token a workflow author could obtain elsewhere gets in.
  const provider = [...providers][0] ?? "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
  const account = accountOf(provider) ?? "123456789012";
  const admits = (context: Record<string, string>) =>
    mayAllow(
      evaluate(
        { principal: { kind: "federated", provider }, action: "sts:AssumeRoleWithWebIdentity", resource: `arn:aws:iam::${account}:role/workflow`, context },
        { service: "trust", account, resourcePolicy: doc },
      ),
    );
  for (const t of hostileTokens(config.repository, branch, allowed)) {
    if (admits({ [`${GITHUB_OIDC_HOST}:sub`]: t.sub, [`${GITHUB_OIDC_HOST}:aud`]: t.aud })) problems.push(`${t.why} can assume it (subject ${t.sub})`);
  }
  for (const t of stackTrusts.flatMap((st) => stackHostileTokens(config.stackRepository!, st))) {
    if (admits(t.claims))
      problems.push(`${t.why} can assume it (subject ${t.claims[claim("sub")]}, job_workflow_ref ${t.claims[claim("job_workflow_ref")] ?? "none"})`);
  }
  return [...new Set(problems)];
}

/** Roles assumable through GitHub's OIDC provider trust only exact workflow files of the repository's default branch. */
export const oidcRoleTrust: Rule<OidcTrustConfig> = {
  name: "oidc-role-trust",
  description:
    "A role's trust allows no principal but GitHub.com's OIDC provider (no AWS account, role, user or service, no canonical user, no \"*\", no other identity provider, no NotPrincipal), and through GitHub only tokens with aud sts.amazonaws.com whose subject names an exact workflow file of the configured repository on its default branch, or, for the stack's own repository (stackRepository), whose subject names one of its environments and whose environment, job_workflow_ref (exact files of its default branch) and ref claims are pinned, to files and an environment the repository contract gives one operation role (OPERATION_WORKFLOW_ACCESS); checked by evaluating hostile tokens (other branches, files, pull requests, environments, repositories, audiences, a subject alone).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      repository: { type: "string", pattern: "^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$" },
      branch: { type: "string", default: "main" },
      stackRepository: { type: "string", pattern: "^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$" },
    },
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
