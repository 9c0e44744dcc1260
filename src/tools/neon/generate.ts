/**
 * Regenerates sdks/neon from the provider's schema facts:
 *
 *   npm run neon-sdk                                                   kislerdm/neon at NEON_VERSION
 *   npm run neon-sdk -- --provider neondatabase/neon --version 0.1.0  another provider's facts
 *
 * src/tools/neon/facts/… (read from the provider's Go source by src/tools/neon/goSchema.ts)
 * → bridge rules (src/tools/neon/bridge.ts) → TypeScript sources and their compiled bin/
 * (src/tools/neon/render.ts). sdks/neon/README.md is ours and kept. It also writes
 * test/fixtures/neon/surface-<version>.json, the type surface those facts imply, so a review
 * sees which outputs may be undefined and which nested inputs take an id.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseCommandLine, runMain, write, writeOutputFile } from "../../cli/cli";
import { UsageError } from "../../core/config/stackFiles";
import * as path from "node:path";
import { bridge, expectedSurface } from "./bridge";
import type { TfSchema } from "./goSchema";
import { renderSdk, writeSdk, type PackageFacts } from "./render";

/** The provider the stack uses, and its version: the one place that says which SDK sdks/neon is. */
export const NEON_PROVIDER = "kislerdm/neon";
export const NEON_VERSION = "0.18.0";
export const ROOT = path.resolve(__dirname, "../../..");

/** Where a provider's facts live: kislerdm/neon's at facts/tfschema-<version>.json (as before), any other's under facts/<owner>-<name>/. */
export function factsFile(version = NEON_VERSION, provider = NEON_PROVIDER): string {
  const dir = provider === NEON_PROVIDER ? "" : `${provider.replace("/", "-")}/`;
  return path.join(ROOT, `src/tools/neon/facts/${dir}tfschema-${version}.json`);
}

export function neonFacts(version = NEON_VERSION, provider = NEON_PROVIDER): TfSchema {
  return JSON.parse(readFileSync(factsFile(version, provider), "utf8"));
}

export function surfaceFile(version = NEON_VERSION): string {
  return path.join(ROOT, `test/fixtures/neon/surface-${version}.json`);
}

export function packageFacts(version = NEON_VERSION, provider = NEON_PROVIDER): PackageFacts {
  return {
    provider,
    bridgeVersion: "1.3.0",
    parameterValue: Buffer.from(JSON.stringify({ remote: { url: `registry.opentofu.org/${provider}`, version } })).toString("base64"),
    minPulumi: "3.238.0",
  };
}

/** Rewrites sdks/neon (compiled) and the surface fixture from the facts; returns the paths written, relative to the project. */
export function writeNeonSdk(version = NEON_VERSION, provider = NEON_PROVIDER): string[] {
  const dir = path.join(ROOT, "sdks/neon");
  const model = bridge(neonFacts(version, provider));
  writeSdk(dir, renderSdk(model, packageFacts(version, provider), "ours"), "ours", ["README.md"]);
  // The surface those facts imply, for review: which outputs may be undefined, which nested inputs take an id.
  writeOutputFile(surfaceFile(version), `${JSON.stringify(expectedSurface(model), null, 2)}\n`);
  return [path.relative(ROOT, dir), path.relative(ROOT, surfaceFile(version))];
}

export const USAGE = [
  "usage: npm run neon-sdk [-- --provider <owner>/<name> --version <version>]",
  "",
  "Rewrites sdks/neon and test/fixtures/neon/surface-<version>.json from the provider's schema facts",
  `(src/tools/neon/facts/). Without options: ${NEON_PROVIDER} ${NEON_VERSION}, the provider the stack uses.`,
  "",
  "  --provider <owner>/<name>  the Terraform provider (default " + NEON_PROVIDER + "), e.g. neondatabase/neon",
  "  --version <version>        its version (default " + NEON_VERSION + " for " + NEON_PROVIDER + "; required for another provider)",
].join("\n");

/** The provider and version a command line asks for, with its facts file checked to exist (a UsageError saying how to make it otherwise). */
export function requestedSdk(argv: string[]): { provider: string; version: string } {
  const options = parseCommandLine(argv, { provider: { type: "string" }, version: { type: "string" } }, USAGE);
  const provider = options.provider ?? NEON_PROVIDER;
  if (!/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/.test(provider))
    throw new UsageError(`--provider ${JSON.stringify(provider.slice(0, 60))} is not <owner>/<name> (e.g. neondatabase/neon)\n${USAGE}`);
  if (provider !== NEON_PROVIDER && !options.version) throw new UsageError(`--provider ${provider} needs --version: which release to generate\n${USAGE}`);
  const version = (options.version ?? NEON_VERSION).replace(/^v/, "");
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new UsageError(`--version ${JSON.stringify(version.slice(0, 40))} is not a release such as 0.18.0\n${USAGE}`);
  const file = factsFile(version, provider);
  if (!existsSync(file)) {
    const rel = path.relative(ROOT, file);
    throw new UsageError(
      [
        `no schema facts for ${provider} ${version}: ${rel} does not exist.`,
        `Produce them from the provider's Go source at its release tag, then run this again:`,
        `  git clone https://github.com/${provider.replace(/^([^/]+)\/(.+)$/, "$1/terraform-provider-$2")} /tmp/provider && git -C /tmp/provider checkout v${version}`,
        `  mkdir -p ${path.dirname(rel)} && npx tsx src/tools/neon/goSchema.ts /tmp/provider ${version} ${provider} > ${rel}`,
      ].join("\n"),
    );
  }
  return { provider, version };
}

// Run as `npm run neon-sdk` (this very file, not another generate.ts that imports it).
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  runMain("neon-sdk", async (argv) => {
    const { provider, version } = requestedSdk(argv);
    const [dir, surface] = writeNeonSdk(version, provider);
    await write(`wrote ${dir} and ${surface} (${provider} ${version})\n`);
    return 0;
  });
}
