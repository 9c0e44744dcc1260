/**
 * GitHub's OIDC token for a job of a repository with the default subject template, as the
 * claims AWS sees (https://docs.github.com/en/actions/reference/security/oidc): `sub` is
 * `repo:O/R:environment:E` for a job in an environment, `repo:O/R:pull_request` for a pull
 * request, `repo:O/R:ref:R` otherwise; `ref`, `job_workflow_ref`, `repository` and
 * `environment` are claims of their own, which STS validates as condition keys.
 */
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../src/plan/iam/workflowAccess";

export interface OidcJob {
  repository: string;
  /** The workflow file, `.github/workflows/<file>.yml`. */
  workflow: string;
  ref?: string;
  environment?: string;
  pullRequest?: boolean;
  aud?: string;
}

/** The claims of the job's token, keyed as AWS condition keys. */
export function oidcClaims(job: OidcJob): Record<string, string> {
  const ref = job.ref ?? "refs/heads/main";
  const sub = job.environment
    ? `repo:${job.repository}:environment:${job.environment}`
    : job.pullRequest
      ? `repo:${job.repository}:pull_request`
      : `repo:${job.repository}:ref:${ref}`;
  return {
    [`${GITHUB_OIDC_HOST}:aud`]: job.aud ?? GITHUB_OIDC_AUDIENCE,
    [`${GITHUB_OIDC_HOST}:sub`]: sub,
    [`${GITHUB_OIDC_HOST}:ref`]: ref,
    [`${GITHUB_OIDC_HOST}:job_workflow_ref`]: `${job.repository}/${job.workflow}@${ref}`,
    [`${GITHUB_OIDC_HOST}:repository`]: job.repository,
    ...(job.environment ? { [`${GITHUB_OIDC_HOST}:environment`]: job.environment } : {}),
  };
}
