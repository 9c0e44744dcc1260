/**
 * The deployment protection of the GitHub environments that hold a secret (a tenant's
 * connection string, the dev project's Neon key, the catalog's writer string): which
 * branches may run a job in the environment, and so read its secrets. Any change that lets
 * more refs in (a branch pattern widened, a policy dropped or added, the environment's own
 * protection loosened) is destructive: a workflow on any such ref reads the secret. Pure:
 * the plans come in as data.
 *
 * GitHub's rules (https://docs.github.com/en/actions/deployment/targeting-different-environments/using-environments-for-deployment#deployment-branches-and-tags):
 * without a deployment branch policy any branch may deploy to an environment; with custom
 * branch policies, a ref must match one of the environment's name patterns.
 */
import { GITHUB_TYPES, type PlannedResource } from "./findings";
import type { Weakening } from "./weakening";

/** The inputs of a `github.RepositoryEnvironment` that protect it (@pulumi/github v6). */
const ENVIRONMENT_PROTECTION = ["deploymentBranchPolicy", "reviewers", "waitTimer", "preventSelfReview", "canAdminsBypass"] as const;

/** The inputs of a `github.RepositoryEnvironmentDeploymentPolicy` that say which refs may deploy. */
const POLICY_PATTERNS = ["branchPattern", "tagPattern"] as const;

const envKey = (r: PlannedResource) => `${String(r.inputs.repository)}\u0000${String(r.inputs.environment)}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const shown = (v: unknown) => JSON.stringify(v) ?? "(unset)";

/** The environments (repository, name) that hold a secret in a plan. */
function secretEnvironments(plan: readonly PlannedResource[], holdsSecret: (r: PlannedResource) => boolean): Set<string> {
  return new Set(
    plan
      .filter((r) => r.inputs.environment !== undefined && r.type !== GITHUB_TYPES.environment && r.type !== GITHUB_TYPES.deploymentPolicy && holdsSecret(r))
      .map(envKey),
  );
}

/** One finding about an environment's protection, on the resource it concerns. */
export interface EnvironmentFinding {
  readonly resource: PlannedResource;
  readonly weakening: Weakening;
}

/**
 * Every loosening of a secret-bearing environment's protection, base against head: the
 * environment's protection inputs changed or (created with a secret) missing its branch
 * policy; a deployment policy's pattern changed, a new one on an environment that had
 * protection, or one gone while its environment stays.
 */
export function environmentFindings(
  base: readonly PlannedResource[],
  head: readonly PlannedResource[],
  holdsSecret: (r: PlannedResource) => boolean,
): EnvironmentFinding[] {
  const guarded = new Set([...secretEnvironments(base, holdsSecret), ...secretEnvironments(head, holdsSecret)]);
  const key = (r: PlannedResource) => `${r.type}\u0000${r.name}`;
  const before = new Map(base.map((r) => [key(r), r]));
  const after = new Map(head.map((r) => [key(r), r]));
  const headEnvironments = new Set(head.filter((r) => r.type === GITHUB_TYPES.environment).map(envKey));
  const baseEnvironments = new Set(base.filter((r) => r.type === GITHUB_TYPES.environment).map(envKey));
  const out: EnvironmentFinding[] = [];
  const weak = (resource: PlannedResource, detail: string) =>
    out.push({
      resource,
      weakening: { change: "weakened", class: "destructive", detail: `environment ${String(resource.inputs.environment)} holds a secret: ${detail}` },
    });
  for (const r of head) {
    if (!guarded.has(envKey(r))) continue;
    const old = before.get(key(r));
    if (r.type === GITHUB_TYPES.environment) {
      const changed = ENVIRONMENT_PROTECTION.filter((k) => old !== undefined && !same(old.inputs[k], r.inputs[k]));
      if (changed.length)
        weak(
          r,
          `its protection changes (${changed.map((k) => `${k} ${shown(old!.inputs[k])} → ${shown(r.inputs[k])}`).join(", ")}): a job on another branch, or without approval, may read it`,
        );
      else if (!old && r.inputs.deploymentBranchPolicy === undefined)
        weak(r, "it is created without a deployment branch policy: a job on any branch may read it");
    } else if (r.type === GITHUB_TYPES.deploymentPolicy) {
      const changed = POLICY_PATTERNS.filter((k) => old !== undefined && !same(old.inputs[k], r.inputs[k]));
      if (changed.length)
        weak(
          r,
          `the refs that may deploy change (${changed.map((k) => `${k} ${shown(old!.inputs[k])} → ${shown(r.inputs[k])}`).join(", ")}): a job on those refs may read it`,
        );
      else if (!old && baseEnvironments.has(envKey(r)))
        weak(r, `a new deployment policy lets ${shown(r.inputs.branchPattern ?? r.inputs.tagPattern)} deploy too: a job on those refs may read it`);
    }
  }
  for (const r of base) {
    if (r.type !== GITHUB_TYPES.deploymentPolicy || after.has(key(r)) || !guarded.has(envKey(r)) || !headEnvironments.has(envKey(r))) continue;
    weak(
      r,
      `its deployment policy ${shown(r.inputs.branchPattern ?? r.inputs.tagPattern)} is gone while the environment stays: other refs may then deploy (none left: any branch)`,
    );
  }
  return out;
}
