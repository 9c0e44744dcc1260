/**
 * Provider credentials. Each is a Pulumi secret however it was given (secret config or
 * environment). A real `pulumi up` without them stops before anything is registered,
 * with the command that fixes it; previews and the offline plan run without them.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Credential {
  readonly configKey: string;
  readonly envVar: string;
  readonly fix: string;
  /** Where CI's deploys take it from instead of the stack file. */
  readonly inCi: string;
}

export const NEON_API_KEY: Credential = {
  configKey: "neon:apiKey",
  envVar: "NEON_API_KEY",
  inCi: "the NEON_API_KEY secret of the dev or prod environment",
  fix: "export NEON_API_KEY=<a Neon API key of the organisation> (in CI, the dev or prod environment's secret); pulumi config set --secret neon:apiKey also works, but then whoever can decrypt the stack's config holds it",
};

export interface GithubPermission {
  /** The repository permission as GitHub's App and fine-grained token settings name it. */
  readonly permission: string;
  readonly access: "read" | "write";
  /** The resource types of @pulumi/github v6 that need it. */
  readonly resourceTypes: readonly string[];
  readonly why: string;
}

/**
 * Every repository permission the stack's GitHub credential needs, on the one application
 * repository, and nothing else: the App's permissions, the fine-grained token's, and the
 * docs/deploying.md table all come from this list (test/credentials.test.ts checks the program
 * registers no GitHub resource type missing from it).
 */
export const GITHUB_PERMISSIONS: readonly GithubPermission[] = [
  { permission: "Metadata", access: "read", resourceTypes: [], why: "every App and fine-grained token has it; reads the repository" },
  {
    permission: "Contents",
    access: "write",
    resourceTypes: ["github:index/repositoryFile:RepositoryFile"],
    why: "commits the generated workflows and the fleet manifest to the default branch",
  },
  {
    permission: "Workflows",
    access: "write",
    resourceTypes: ["github:index/repositoryFile:RepositoryFile"],
    why: "GitHub refuses writes under .github/workflows/ without it",
  },
  {
    permission: "Secrets",
    access: "write",
    resourceTypes: ["github:index/actionsSecret:ActionsSecret"],
    why: "repository-scoped connection strings (secretScope repository)",
  },
  {
    permission: "Variables",
    access: "write",
    resourceTypes: ["github:index/actionsVariable:ActionsVariable"],
    why: "role ARNs, vaults and the dev project id, which are not secret",
  },
  {
    permission: "Administration",
    access: "write",
    resourceTypes: [
      "github:index/repositoryEnvironment:RepositoryEnvironment",
      "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    ],
    why: "per-tenant and dev environments and their branch policies",
  },
  {
    permission: "Environments",
    access: "write",
    resourceTypes: ["github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret"],
    why: "environment-scoped connection strings and the dev project's Neon key",
  },
  {
    permission: "Actions",
    access: "write",
    resourceTypes: ["github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate"],
    why: "the OIDC subject template the AWS roles' trust depends on",
  },
];

export const GITHUB_TOKEN: Credential = {
  configKey: "github:token",
  envVar: "GITHUB_TOKEN",
  inCi: 'the GitHub App token the deploy jobs mint (docs/deploying.md "Credentials")',
  fix: `export GITHUB_TOKEN (CI: a GitHub App installation token from actions/create-github-app-token, scoped to the application repository; a workstation: a fine-grained token); either needs, on the application repository only: ${GITHUB_PERMISSIONS.map((p) => `${p.permission} ${p.access}`).join(", ")}. Without Workflows write GitHub refuses to write .github/workflows/*`,
};

export function credential(c: Credential): pulumi.Output<string> | undefined {
  const [namespace, key] = c.configKey.split(":");
  const fromConfig = new pulumi.Config(namespace).getSecret(key);
  if (fromConfig) return fromConfig;
  const fromEnv = process.env[c.envVar];
  return fromEnv ? pulumi.secret(fromEnv) : undefined;
}

/**
 * The Neon key of a preview that has none. The provider only checks at configure time that
 * a key is non-empty (neon-sdk-go NewClient) and calls the API on create, read, update and
 * delete, none of which a preview without --refresh does; so a pull request's preview needs
 * no Neon credential at all, and a real update without one stops in requireCredentials.
 */
export const PREVIEW_NEON_API_KEY = "preview-without-a-neon-key";

export function neonApiKey(): pulumi.Output<string> | undefined {
  return credential(NEON_API_KEY) ?? (pulumi.runtime.isDryRun() ? pulumi.secret(PREVIEW_NEON_API_KEY) : undefined);
}

/** Stops a real update that lacks credentials; lists every missing one. */
export function requireCredentials(needed: readonly Credential[]): void {
  if (pulumi.runtime.isDryRun()) return;
  const missing = needed.filter((c) => credential(c) === undefined);
  if (missing.length) {
    throw new pulumi.RunError(missing.map((c) => `${c.configKey} is not set: ${c.fix}`).join("\n"));
  }
}

/** The dev/test project's workflow key (secret config only: it must never sit in plaintext). */
export function devWorkflowApiKey(): pulumi.Output<string> | undefined {
  return new pulumi.Config("tenant-fleet").getSecret("devNeonApiKey");
}

/** The backups' activity key (secret config only), which the wiring puts in the default-branch environment of the planning job. */
export function neonActivityApiKey(): pulumi.Output<string> | undefined {
  return new pulumi.Config("tenant-fleet").getSecret("neonActivityApiKey");
}

/**
 * How the GitHub provider paces its calls, pinned rather than left to defaults that may
 * change: one request at a time, a second between writes (GitHub's guidance for avoiding
 * secondary rate limits, and under its 80 content-creating requests a minute), waiting out a
 * `Retry-After` when GitHub asks. These are terraform-provider-github v6's defaults with its
 * legacy client; docs/scale.md has what they cost a large first deploy.
 */
export const GITHUB_PACING = Object.freeze({
  legacyClient: true,
  parallelRequests: false,
  writeDelayMs: 1000,
  readDelayMs: 0,
  maxRetries: 3,
  retryDelayMs: 1000,
});
