import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../../components/backupPolicy";
import { asArray, policyDocument, TYPES, type Rule } from "./types";

export interface OidcTrustConfig {
  /** `owner/repository` of the application repository. */
  readonly repository: string;
}

/** Problems of one trust document for a role assumed through GitHub's OIDC provider. */
export function trustProblems(doc: { Statement?: any[] }, repository: string): string[] {
  const problems: string[] = [];
  const [owner, repo] = repository.split("/");
  const base = new RegExp(`^repo:${escape(owner)}(@\\d+)?/${escape(repo)}(@\\d+)?:`);
  for (const s of asArray(doc.Statement).filter((x: any) => x?.Effect === "Allow")) {
    const federated = asArray(s?.Principal?.Federated).map(String);
    if (!federated.some((f) => f.endsWith(`oidc-provider/${GITHUB_OIDC_HOST}`))) continue;
    const sid = s.Sid ? ` ${s.Sid}` : "";
    const aud = s?.Condition?.StringEquals?.[`${GITHUB_OIDC_HOST}:aud`];
    if (aud !== GITHUB_OIDC_AUDIENCE && !(Array.isArray(aud) && aud.length === 1 && aud[0] === GITHUB_OIDC_AUDIENCE)) problems.push(`statement${sid} does not pin ${GITHUB_OIDC_HOST}:aud to ${GITHUB_OIDC_AUDIENCE} with StringEquals`);
    const subs = [...asArray(s?.Condition?.StringEquals?.[`${GITHUB_OIDC_HOST}:sub`]), ...asArray(s?.Condition?.StringLike?.[`${GITHUB_OIDC_HOST}:sub`])].map(String);
    if (!subs.length) problems.push(`statement${sid} does not pin ${GITHUB_OIDC_HOST}:sub`);
    for (const sub of subs) {
      if (!base.test(sub)) problems.push(`statement${sid} trusts ${sub}, outside repo:${repository}`);
      else if (sub.includes(":pull_request")) problems.push(`statement${sid} trusts pull requests (${sub}), so forks could assume the role`);
      else if (sub.includes("*") && !/:environment:tenant-\*$/.test(sub)) problems.push(`statement${sid} uses a wildcard in ${sub}; only the tenant environments (environment:tenant-*) may be matched by pattern`);
    }
  }
  return problems;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The GitHub OIDC role trusts only the configured repository, with aud and sub pinned. */
export const oidcRoleTrust: Rule<OidcTrustConfig> = {
  name: "oidc-role-trust",
  description: "A role assumable through GitHub's OIDC provider pins aud to sts.amazonaws.com and sub to the configured repository (its default branch or tenant environments), never pull requests or other repositories.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { repository: { type: "string", pattern: "^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$" } }, required: ["repository"] },
  validate(resources, config) {
    return resources
      .filter((r) => r.type === TYPES.role)
      .flatMap((role) => {
        const doc = policyDocument(role.props.assumeRolePolicy);
        if (!doc) return [];
        const problems = trustProblems(doc, config.repository);
        return problems.length ? [{ urn: role.urn, message: `role ${role.name}: ${problems.join("; ")}; build the role with the GithubOidcRole component for ${config.repository}` }] : [];
      });
  },
};
