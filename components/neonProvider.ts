/**
 * The one explicit Neon provider of the stack. Its API key comes from the secret config
 * `neon:apiKey`, else from NEON_API_KEY; either way it is a Pulumi secret.
 */
import * as neon from "@pulumi/neon";
import { credential, NEON_API_KEY } from "./credentials";

export function createNeonProvider(name = "neon"): neon.Provider {
  return new neon.Provider(name, { apiKey: credential(NEON_API_KEY) });
}
