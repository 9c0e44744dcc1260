/**
 * Trust for a role assumed by workflows of this repository (tenant-fleet's own: deploy.yml,
 * drift.yml, the tenant-operation workflows), whose OIDC subjects keep GitHub's default template: a job in an environment has
 * the subject `repo:OWNER/REPO:environment:E`
 * (https://docs.github.com/en/actions/reference/security/oidc). The stack sets a custom
 * template (OIDC_SUBJECT_CLAIM_KEYS) on the application repository only; a repository has one
 * template, so this repository's roles are written for the default one, all of them.
 *
 * An environment subject alone is not enough: GitHub creates an environment a job names when
 * it does not exist, without deployment rules, so a writer's branch could obtain it. So every
 * condition below must hold (StringEquals over several keys is an AND, the values of one key an
 * OR): `sub` (AWS requires a `sub` condition in a role trusting GitHub's provider), and the
 * `environment`, `job_workflow_ref` and `ref` claims, which STS validates as condition keys of
 * their own since January 2026
 * (https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif):
 * the job runs one of the named workflow files of the default branch, from the default branch,
 * in one of the named environments. Each key's values are an OR of their own, so every file
 * is trusted in every environment named: give several of each only when every pair is meant.
 * Pure; proven by evaluation in test/deployRole.test.ts, test/driftRole.test.ts and
 * test/operationsTrust.test.ts.
 */
import { policy, type PolicyDocument } from "../vaults/plan";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, subjectRepository, workflowSubject, type GithubRepositoryRef } from "./workflowAccess";

export interface OwnWorkflow {
  /** The statement id, saying what the trust is for. */
  readonly sid: string;
  /** The workflow files, `.github/workflows/<file>.yml`, any of which may assume the role. */
  readonly workflowPaths: readonly string[];
  /** The environments its jobs assume the role in. */
  readonly environments: readonly string[];
}

/** The trust policy: only `workflowPaths` of the default branch, in `environments`; literal names only. */
export function ownWorkflowTrust(oidcProviderArn: string, repo: GithubRepositoryRef, w: OwnWorkflow): PolicyDocument {
  if (!w.environments.length) throw new Error("internal: a role of this repository's workflows needs at least one environment");
  if (!w.workflowPaths.length) throw new Error("internal: a role of this repository's workflows needs at least one workflow file");
  // workflowSubject checks the names and the branch; its job_workflow_ref part is the claim's value.
  const workflowRefs = w.workflowPaths.map((p) => workflowSubject(repo, p).split(":job_workflow_ref:")[1]);
  return policy([
    {
      Sid: w.sid,
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: w.environments.map((e) => `${subjectRepository(repo)}:environment:${e}`),
          [`${GITHUB_OIDC_HOST}:environment`]: [...w.environments],
          // One file: a plain string, as the deploy and drift roles' trust has always been written.
          [`${GITHUB_OIDC_HOST}:job_workflow_ref`]: workflowRefs.length === 1 ? workflowRefs[0] : workflowRefs,
          [`${GITHUB_OIDC_HOST}:ref`]: `refs/heads/${repo.branch}`,
        },
      },
    },
  ]);
}
