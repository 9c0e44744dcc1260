/**
 * The AWS deploy roles' trust (one role per tier, created by hand: docs/deploying.md,
 * "Credentials"): GitHub's OIDC tokens of deploy.yml's jobs on the default branch in the
 * tier's environments only. The prod role is assumed in `prod` (required reviewers) and in
 * `prod-additions` (no reviewers; deploy.yml enters it only when the fast path proved a pure
 * tenant addition), never in `dev`, a pull request, another file or another branch.
 *
 * The conditions (workflow file, branch, environments, all required) and why an environment
 * subject alone is not enough: src/plan/iam/ownWorkflowTrust.ts.
 * Pure; proven by evaluation in test/deployRole.test.ts.
 */
import { DEPLOY_WORKFLOW_PATH, PROD_ADDITIONS_ENVIRONMENT } from "../../core/repositoryContract";
import type { PolicyDocument } from "../vaults/plan";
import { ownWorkflowTrust } from "./ownWorkflowTrust";
import type { GithubRepositoryRef } from "./workflowAccess";

export type DeployTier = "dev" | "prod";

/** The environments whose deploy.yml jobs may assume the tier's deploy role. */
export const DEPLOY_ROLE_ENVIRONMENTS: Readonly<Record<DeployTier, readonly string[]>> = Object.freeze({
  dev: Object.freeze(["dev"]),
  prod: Object.freeze(["prod", PROD_ADDITIONS_ENVIRONMENT]),
});

/** The deploy role's trust policy for the tier, refusing anything but literal names. */
export function deployRoleTrust(oidcProviderArn: string, repo: GithubRepositoryRef, tier: DeployTier): PolicyDocument {
  return ownWorkflowTrust(oidcProviderArn, repo, {
    sid: tier === "prod" ? "DeployWorkflowInProdEnvironmentsOnDefaultBranch" : "DeployWorkflowInDevEnvironmentOnDefaultBranch",
    workflowPaths: [DEPLOY_WORKFLOW_PATH],
    environments: DEPLOY_ROLE_ENVIRONMENTS[tier],
  });
}
