/**
 * Regenerates sdks/neon from the provider's schema facts:
 *
 *   npm run neon-sdk
 *
 * test/fixtures/neon/tfschema-<version>.json (read from the provider's Go source by
 * scripts/neon/goSchema.ts) → bridge rules (scripts/neon/bridge.ts) → TypeScript sources and
 * their compiled bin/ (scripts/neon/render.ts). sdks/neon/README.md is ours and kept.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { bridge } from "./bridge";
import type { TfSchema } from "./goSchema";
import { renderSdk, writeSdk, type PackageFacts } from "./render";

export const NEON_VERSION = "0.15.0";
export const ROOT = path.resolve(__dirname, "../..");

export function neonFacts(version = NEON_VERSION): TfSchema {
  return JSON.parse(readFileSync(path.join(ROOT, `test/fixtures/neon/tfschema-${version}.json`), "utf8"));
}

export function packageFacts(version = NEON_VERSION): PackageFacts {
  return {
    bridgeVersion: "1.3.0",
    parameterValue: Buffer.from(JSON.stringify({ remote: { url: "registry.opentofu.org/kislerdm/neon", version } })).toString("base64"),
    minPulumi: "3.238.0",
  };
}

if (process.argv[1] && /generate\.ts$/.test(process.argv[1])) {
  const dir = path.join(ROOT, "sdks/neon");
  writeSdk(dir, renderSdk(bridge(neonFacts()), packageFacts(), "ours"), "ours", ["README.md"]);
  process.stdout.write(`wrote ${path.relative(ROOT, dir)}\n`);
}
