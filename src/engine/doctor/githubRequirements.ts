/**
 * What the stack asks of GitHub, derived from what it registers and from this repository's
 * own workflows. Pure.
 *
 * - The repository permissions: GITHUB_PERMISSIONS (src/core/config/credentials.ts) filtered to
 *   the resource types the plan registers, and how the doctor sees each without writing: a
 *   GET that needs its read half. A fine-grained token or an App token that lacks it gets 403,
 *   and GitHub names the permission the route accepts in `X-Accepted-GitHub-Permissions`
 *   (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#insufficient-permission-errors;
 *   the routes' permissions: https://docs.github.com/en/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens).
 *   A classic token instead lists its scopes in `X-OAuth-Scopes`
 *   (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
 * - The CI environments: each environment a job of .github/workflows/ names, with the
 *   protection docs/deploying.md ("Environment settings") asks of it.
 */
import { parse } from "yaml";
import { GITHUB_PERMISSIONS, type GithubPermission } from "../../core/config/credentials";
import { DRIFT_ENVIRONMENT, PROD_ADDITIONS_ENVIRONMENT, PROD_ENVIRONMENT_CHOICE } from "../../core/repositoryContract";

export interface Probe {
  /** A route (relative to /repos/OWNER/REPO) that needs the permission's read half; undefined: GitHub has none. */
  readonly path?: (branch: string) => string;
  /** The classic token scope that covers the permission. */
  readonly classicScope: "repo" | "workflow";
  /** Why no read proves it, when `path` is undefined. */
  readonly unprovable?: string;
}

/** One read per permission of GITHUB_PERMISSIONS (a test fails when one has no entry). */
export const PERMISSION_PROBES: Readonly<Record<string, Probe>> = {
  Metadata: { path: () => "", classicScope: "repo" },
  Contents: { path: (branch) => `/contents/?ref=${encodeURIComponent(branch)}`, classicScope: "repo" },
  Workflows: {
    classicScope: "workflow",
    unprovable: "GitHub has no read route that needs the Workflows permission (it has a write half only); the first write under .github/workflows/ proves it",
  },
  Secrets: { path: () => "/actions/secrets/public-key", classicScope: "repo" },
  Variables: { path: () => "/actions/variables?per_page=1", classicScope: "repo" },
  Administration: { path: () => "/actions/permissions", classicScope: "repo" },
  Environments: {
    classicScope: "repo",
    unprovable: "its read routes name an environment, and the stack's environments do not exist before the first pulumi up",
  },
  Actions: { path: () => "/actions/oidc/customization/sub", classicScope: "repo" },
};

/** The permissions the plan's resource types need (Metadata always: every call reads the repository). */
export function neededPermissions(types: ReadonlySet<string>): GithubPermission[] {
  return GITHUB_PERMISSIONS.filter((p) => p.resourceTypes.length === 0 || p.resourceTypes.some((t) => types.has(t)));
}

/** What docs/deploying.md ("Environment settings") asks of an environment of this repository's CI. */
export interface EnvironmentRule {
  readonly reviewers: boolean;
  readonly preventSelfReview: boolean;
  /** Reviewers none of whom may be this environment's. */
  readonly reviewersOtherThan?: string;
}

export const ENVIRONMENT_RULES: Readonly<Record<string, EnvironmentRule>> = {
  preview: { reviewers: true, preventSelfReview: true },
  dev: { reviewers: false, preventSelfReview: false },
  prod: { reviewers: true, preventSelfReview: true },
  // The deploy's fast path (docs/deploying.md): only a proven pure tenant addition enters it, main only.
  [PROD_ADDITIONS_ENVIRONMENT]: { reviewers: false, preventSelfReview: false },
  "tenant-operations": { reviewers: true, preventSelfReview: true },
  "tenant-erasure": { reviewers: true, preventSelfReview: false, reviewersOtherThan: "tenant-operations" },
  // Self-serve signup (docs/signup.md): no reviewers by design (the approval gate is the base's checker), main only.
  "tenant-signup": { reviewers: false, preventSelfReview: false },
  // The nightly drift check: a schedule cannot wait for reviewers; its credentials read only (docs/drift.md).
  [DRIFT_ENVIRONMENT]: { reviewers: false, preventSelfReview: false },
};

/** An environment the CI's workflows name, with what it must enforce. */
export interface CiEnvironment extends EnvironmentRule {
  readonly name: string;
  /** The workflow files whose jobs run in it. */
  readonly workflows: readonly string[];
  /** Every job in it runs on main only, so the environment must allow main only. */
  readonly mainOnly: boolean;
}

const ON_MAIN = /github\.ref\s*==\s*'refs\/heads\/main'/;

interface ParsedJob {
  readonly environment?: string | { readonly name?: string };
  readonly if?: string;
}

/**
 * The environments of this repository's workflows (file name → text). An environment no rule
 * names is listed with no reviewers required (and `unruled` says so: a test keeps it empty).
 */
export function ciEnvironments(workflows: Readonly<Record<string, string>>): { environments: CiEnvironment[]; unruled: string[] } {
  const found = new Map<string, { workflows: Set<string>; mainOnly: boolean }>();
  for (const [file, text] of Object.entries(workflows).sort(([a], [b]) => a.localeCompare(b))) {
    const doc = parse(text) as { jobs?: Record<string, ParsedJob> } | null;
    for (const job of Object.values(doc?.jobs ?? {})) {
      const named = typeof job.environment === "string" ? job.environment : job.environment?.name;
      // deploy.yml's one choice names both of its environments; any other expression, none the doctor can know.
      const envs = named === PROD_ENVIRONMENT_CHOICE ? ["prod", PROD_ADDITIONS_ENVIRONMENT] : named && !named.includes("${{") ? [named] : [];
      for (const env of envs) {
        const entry = found.get(env) ?? { workflows: new Set<string>(), mainOnly: true };
        entry.workflows.add(file);
        entry.mainOnly &&= ON_MAIN.test(String(job.if ?? ""));
        found.set(env, entry);
      }
    }
  }
  const unruled = [...found.keys()].filter((name) => !ENVIRONMENT_RULES[name]).sort();
  const environments = [...found.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => ({
      name,
      workflows: [...e.workflows],
      mainOnly: e.mainOnly,
      ...(ENVIRONMENT_RULES[name] ?? { reviewers: false, preventSelfReview: false }),
    }));
  return { environments, unruled };
}

/** An environment as GET /repos/{owner}/{repo}/environments lists it (the fields the doctor reads). */
export interface ListedEnvironment {
  readonly name: string;
  readonly protection_rules?: readonly {
    readonly type: string;
    readonly prevent_self_review?: boolean;
    readonly reviewers?: readonly { readonly type?: string; readonly reviewer?: { readonly id?: number; readonly login?: string; readonly slug?: string } }[];
  }[];
  readonly deployment_branch_policy?: { readonly protected_branches: boolean; readonly custom_branch_policies: boolean } | null;
}

/** A deployment branch policy as GET …/environments/{name}/deployment-branch-policies lists it. */
export interface BranchPolicy {
  readonly name: string;
  readonly type?: string;
}

const reviewersOf = (e: ListedEnvironment | undefined) =>
  new Set(
    (e?.protection_rules ?? [])
      .filter((r) => r.type === "required_reviewers")
      .flatMap((r) => r.reviewers ?? [])
      .map((r) => `${r.type ?? "User"}:${r.reviewer?.id ?? r.reviewer?.login ?? r.reviewer?.slug}`),
  );

/** What is wrong with one environment, each with its fix; empty: it is as the CI needs it. */
export function environmentProblems(
  want: CiEnvironment,
  listed: ReadonlyMap<string, ListedEnvironment>,
  policies: readonly BranchPolicy[] | undefined,
): string[] {
  const env = listed.get(want.name);
  if (!env) return [`missing: create it (Settings → Environments → New environment)`];
  const problems: string[] = [];
  const reviewRule = env.protection_rules?.find((r) => r.type === "required_reviewers");
  if (want.reviewers && !reviewRule) problems.push("no required reviewers: add them (Deployment protection rules → Required reviewers)");
  if (want.preventSelfReview && reviewRule && !reviewRule.prevent_self_review) problems.push('self-review allowed: tick "Prevent self-review"');
  if (want.reviewersOtherThan) {
    const mine = reviewersOf(env);
    const theirs = reviewersOf(listed.get(want.reviewersOtherThan));
    const shared = [...mine].filter((r) => theirs.has(r));
    if (shared.length) problems.push(`shares reviewer(s) ${shared.join(", ")} with ${want.reviewersOtherThan}: give it reviewers of its own`);
  }
  if (want.mainOnly) {
    const policy = env.deployment_branch_policy;
    const onlyMain =
      policy?.custom_branch_policies === true && policies?.length === 1 && policies[0].name === "main" && (policies[0].type ?? "branch") === "branch";
    if (!onlyMain) {
      const now = !policy
        ? "every branch"
        : policy.protected_branches
          ? "every protected branch"
          : `${(policies ?? []).map((p) => p.name).join(", ") || "no branch"}`;
      problems.push(`deploys from ${now}: allow main only (Deployment branches and tags → Selected branches → main)`);
    }
  }
  return problems;
}
