"use strict";
/**
 * Starts a TypeScript entry point the way `pulumi up` starts this program. With
 * `runtime.options.typescript: true`, @pulumi/pulumi's cmd/run registers ts-node (the
 * project's own, else the 7.0.1 it vendors) with the project's `typescript` and
 * tsconfig.json, and type-checks every file it loads unless PULUMI_NODEJS_TRANSPILE_ONLY is
 * "true" or the tsconfig sets `noCheck`. The choice of ts-node and compiler is delegated to
 * @pulumi/pulumi's own helpers, so a new SDK version is measured as it behaves.
 *
 * The benchmark uses it to measure start-up under the real loader (everything else runs
 * under tsx); a test checks that it type-checks by default and not when told otherwise.
 * Plain JavaScript, because a TypeScript loader cannot be loaded by itself.
 *
 *   node [Pulumi.yaml nodeargs] src/tools/bench/pulumiTsLoader.cjs <entry.ts> [args...]
 *
 * Run from the project root (ts-node reads ./tsconfig.json, as the Pulumi CLI's does).
 */
const path = require("node:path");
const tsutils = require("@pulumi/pulumi/tsutils");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: node src/tools/bench/pulumiTsLoader.cjs <entry.ts> [args...]\n");
  process.exit(2);
}

const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const switchedOff = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const transpileOnly = switchedOff ? switchedOff === "true" : compilerOptions.noCheck;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly,
  project: "tsconfig.json",
  skipProject: false,
  // cmd/run's defaults for TypeScript 4.7 and later; the project's tsconfig overrides them.
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});

const program = path.resolve(entry);
process.argv = [process.argv[0], program, ...args];
require(program);
