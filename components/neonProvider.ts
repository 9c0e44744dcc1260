/**
 * The one explicit Neon provider of the stack. Its API key comes from the secret config
 * `neon:apiKey`, else from NEON_API_KEY; either way it is a Pulumi secret. A preview
 * without either runs with a placeholder (components/credentials.ts says why that is safe).
 */
import * as neon from "@pulumi/neon";
import { neonApiKey } from "./credentials";

export function createNeonProvider(name = "neon"): neon.Provider {
  return new neon.Provider(name, { apiKey: neonApiKey() });
}
