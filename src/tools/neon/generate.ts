/**
 * Regenerates sdks/neon from the provider's schema facts:
 *
 *   npm run neon-sdk
 *
 * src/tools/neon/facts/tfschema-<version>.json (read from the provider's Go source by
 * src/tools/neon/goSchema.ts) → bridge rules (src/tools/neon/bridge.ts) → TypeScript sources and
 * their compiled bin/ (src/tools/neon/render.ts). sdks/neon/README.md is ours and kept. It also
 * writes test/fixtures/neon/surface-<version>.json, the type surface those facts imply, so a
 * review sees which outputs may be undefined and which nested inputs take an id.
 */
import { readFileSync } from "node:fs";
import { parseCommandLine, runMain, write, writeOutputFile } from "../../cli/cli";
import * as path from "node:path";
import { bridge, expectedSurface } from "./bridge";
import type { TfSchema } from "./goSchema";
import { renderSdk, writeSdk, type PackageFacts } from "./render";

export const NEON_VERSION = "0.15.0";
export const ROOT = path.resolve(__dirname, "../../..");

export function neonFacts(version = NEON_VERSION): TfSchema {
  return JSON.parse(readFileSync(path.join(ROOT, `src/tools/neon/facts/tfschema-${version}.json`), "utf8"));
}

export function surfaceFile(version = NEON_VERSION): string {
  return path.join(ROOT, `test/fixtures/neon/surface-${version}.json`);
}

export function packageFacts(version = NEON_VERSION): PackageFacts {
  return {
    bridgeVersion: "1.3.0",
    parameterValue: Buffer.from(JSON.stringify({ remote: { url: "registry.opentofu.org/kislerdm/neon", version } })).toString("base64"),
    minPulumi: "3.238.0",
  };
}

/** Rewrites sdks/neon (compiled) and the surface fixture from the facts; returns the paths written, relative to the project. */
export function writeNeonSdk(): string[] {
  const dir = path.join(ROOT, "sdks/neon");
  const model = bridge(neonFacts());
  writeSdk(dir, renderSdk(model, packageFacts(), "ours"), "ours", ["README.md"]);
  // The surface those facts imply, for review: which outputs may be undefined, which nested inputs take an id.
  writeOutputFile(surfaceFile(), `${JSON.stringify(expectedSurface(model), null, 2)}\n`);
  return [path.relative(ROOT, dir), path.relative(ROOT, surfaceFile())];
}

// Run as `npm run neon-sdk` (this very file, not another generate.ts that imports it).
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  runMain("neon-sdk", async (argv) => {
    parseCommandLine(argv, {}, "usage: npm run neon-sdk   (rewrites sdks/neon and its surface fixture from src/tools/neon/facts/)");
    const [dir, surface] = writeNeonSdk();
    await write(`wrote ${dir} and ${surface}\n`);
    return 0;
  });
}
