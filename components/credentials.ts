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
}

export const NEON_API_KEY: Credential = {
  configKey: "neon:apiKey",
  envVar: "NEON_API_KEY",
  fix: "pulumi config set --secret neon:apiKey <key> (a Neon API key of the organisation), or export NEON_API_KEY",
};

export const GITHUB_TOKEN: Credential = {
  configKey: "github:token",
  envVar: "GITHUB_TOKEN",
  fix: "pulumi config set --secret github:token <token>, or export GITHUB_TOKEN: a token with the repo and workflow scopes (fine-grained: Secrets, Variables, Environments, Contents and Workflows read/write on the application repository); without workflow scope GitHub refuses to write .github/workflows/*",
};

export function credential(c: Credential): pulumi.Output<string> | undefined {
  const [namespace, key] = c.configKey.split(":");
  const fromConfig = new pulumi.Config(namespace).getSecret(key);
  if (fromConfig) return fromConfig;
  const fromEnv = process.env[c.envVar];
  return fromEnv ? pulumi.secret(fromEnv) : undefined;
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
