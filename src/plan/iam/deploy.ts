/**
 * The AWS deploy roles' trust (one role per tier, created by hand: docs/deploying.md,
 * "Credentials"): GitHub's OIDC tokens of deploy.yml's jobs on the default branch in the
 * tier's environments only. The prod role is assumed in `prod` (required reviewers) and in
 * `prod-additions` (no reviewers; deploy.yml enters it only when the fast path proved a pure
 * tenant addition), never in `dev`, a pull request, another file or another branch.
 *
 * Every condition must hold (StringEquals over several keys is an AND; the values of one key
 * an OR):
 * - `sub`, GitHub's default subject of a job in an environment, `repo:OWNER/REPO:environment:E`
 *   (https://docs.github.com/en/actions/reference/security/oidc); AWS requires a `sub`
 *   condition in a role trusting GitHub's provider;
 * - `environment`, `job_workflow_ref` and `ref`, claims of GitHub's token that STS validates as
 *   condition keys of their own since January 2026
 *   (https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif):
 *   the job runs deploy.yml of the default branch, from the default branch. An environment
 *   subject alone is not enough: GitHub creates an environment a job names when it does not
 *   exist, without rules, so a writer's branch could obtain `environment:prod-additions`
 *   before anyone set the environment up; the workflow and ref claims refuse that branch.
 * Pure; proven by evaluation in test/deployRole.test.ts.
 */
import { DEPLOY_WORKFLOW_PATH, PROD_ADDITIONS_ENVIRONMENT } from "../../core/repositoryContract";
import { policy, type PolicyDocument } from "../vaults/plan";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, subjectRepository, workflowSubject, type GithubRepositoryRef } from "./workflowAccess";

export type DeployTier = "dev" | "prod";

/** The environments whose deploy.yml jobs may assume the tier's deploy role. */
export const DEPLOY_ROLE_ENVIRONMENTS: Readonly<Record<DeployTier, readonly string[]>> = Object.freeze({
  dev: Object.freeze(["dev"]),
  prod: Object.freeze(["prod", PROD_ADDITIONS_ENVIRONMENT]),
});

/** The deploy role's trust policy for the tier, refusing anything but literal names. */
export function deployRoleTrust(oidcProviderArn: string, repo: GithubRepositoryRef, tier: DeployTier): PolicyDocument {
  const environments = [...DEPLOY_ROLE_ENVIRONMENTS[tier]];
  // workflowSubject checks the names and the branch; its job_workflow_ref part is the claim's value.
  const workflowRef = workflowSubject(repo, DEPLOY_WORKFLOW_PATH).split(":job_workflow_ref:")[1];
  return policy([
    {
      Sid: tier === "prod" ? "DeployWorkflowInProdEnvironmentsOnDefaultBranch" : "DeployWorkflowInDevEnvironmentOnDefaultBranch",
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: environments.map((e) => `${subjectRepository(repo)}:environment:${e}`),
          [`${GITHUB_OIDC_HOST}:environment`]: environments,
          [`${GITHUB_OIDC_HOST}:job_workflow_ref`]: workflowRef,
          [`${GITHUB_OIDC_HOST}:ref`]: `refs/heads/${repo.branch}`,
        },
      },
    },
  ]);
}
