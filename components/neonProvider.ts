/**
 * The one explicit Neon provider of the stack. Its API key comes from the secret config
 * `neon:apiKey`, else from NEON_API_KEY; either way it is a Pulumi secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as neon from "@pulumi/neon";

export function neonApiKey(): pulumi.Output<string> | undefined {
  const fromConfig = new pulumi.Config("neon").getSecret("apiKey");
  if (fromConfig) return fromConfig;
  const fromEnv = process.env.NEON_API_KEY;
  return fromEnv ? pulumi.secret(fromEnv) : undefined;
}

export function createNeonProvider(name = "neon"): neon.Provider {
  return new neon.Provider(name, { apiKey: neonApiKey() });
}
