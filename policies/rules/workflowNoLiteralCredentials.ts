import { TYPES, type Rule } from "./types";

/** Patterns of credentials that must never be written into a workflow file. */
export const CREDENTIAL_PATTERNS: readonly [string, RegExp][] = [
  ["a database URL with a password", /postgres(?:ql)?:\/\/[^\s:@/]+:[^\s@/]+@/i],
  ["an AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["an AWS secret access key", /aws_secret_access_key\s*[:=]\s*["']?[A-Za-z0-9/+]{40}/i],
  ["a GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{20,})\b/],
  ["a Neon API key", /\bnapi_[A-Za-z0-9]{20,}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a literal password", /^\s*[A-Z0-9_]*PASSWORD\s*:\s*(?!\$\{\{)["']?[^\s"'#][^#\n]*$/im],
];

export function credentialFindings(content: string): string[] {
  return CREDENTIAL_PATTERNS.filter(([, re]) => re.test(content)).map(([what]) => what);
}

export function isWorkflowFile(path: unknown): boolean {
  return typeof path === "string" && /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
}

/** Generated workflow files contain no literal credential: secrets come from ${{ secrets.* }}. */
export const workflowNoLiteralCredentials: Rule = {
  name: "workflow-no-literal-credentials",
  description:
    "A workflow file written to the application repository contains no literal credential (database URL with password, AWS, GitHub or Neon keys, private keys, passwords).",
  enforcementLevel: "mandatory",
  validate(resources) {
    return resources
      .filter((r) => r.type === TYPES.repositoryFile && isWorkflowFile(r.props.file) && typeof r.props.content === "string")
      .flatMap((f) => {
        const found = credentialFindings(f.props.content);
        return found.length
          ? [{ urn: f.urn, message: `${f.props.file} contains ${found.join(", ")}; reference secrets as \${{ secrets.NAME }} in a step's env instead` }]
          : [];
      });
  },
};
