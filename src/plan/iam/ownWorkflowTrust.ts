/**
 * Trust for a role assumed by a workflow of this repository (tenant-fleet's own: deploy.yml,
 * drift.yml), whose OIDC subjects keep GitHub's default template: a job in an environment has
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
 * the job runs that workflow file of the default branch, from the default branch, in one of
 * the named environments. Pure; proven by evaluation in test/deployRole.test.ts and
 * test/driftRole.test.ts.
 */
import { policy, type PolicyDocument } from "../vaults/plan";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, subjectRepository, workflowSubject, type GithubRepositoryRef } from "./workflowAccess";

export interface OwnWorkflow {
  /** The statement id, saying what the trust is for. */
  readonly sid: string;
  /** The workflow file, `.github/workflows/<file>.yml`. */
  readonly workflowPath: string;
  /** The environments its jobs assume the role in. */
  readonly environments: readonly string[];
}

/** The trust policy: only `workflowPath` of the default branch, in `environments`; literal names only. */
export function ownWorkflowTrust(oidcProviderArn: string, repo: GithubRepositoryRef, w: OwnWorkflow): PolicyDocument {
  if (!w.environments.length) throw new Error("internal: a role of this repository's workflows needs at least one environment");
  // workflowSubject checks the names and the branch; its job_workflow_ref part is the claim's value.
  const workflowRef = workflowSubject(repo, w.workflowPath).split(":job_workflow_ref:")[1];
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
          [`${GITHUB_OIDC_HOST}:job_workflow_ref`]: workflowRef,
          [`${GITHUB_OIDC_HOST}:ref`]: `refs/heads/${repo.branch}`,
        },
      },
    },
  ]);
}
