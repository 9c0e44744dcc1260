#!/usr/bin/env node
/**
 * Runs a TypeScript command of this project with the node arguments `Pulumi.yaml` gives the
 * real program (runtime.options.nodeargs), so `npm run plan` and `npm run regions` run the
 * program as fast as `pulumi up` would (without them a 1,000-tenant plan took 2.6x as long:
 * the SDK captures a stack trace for every promise it tracks).
 *
 * It first checks the running Node.js against package.json's "engines": an older Node gets one
 * line naming the releases needed and how to get one (exit 1), not a stack trace from deep
 * inside a dependency.
 *
 *   node scripts/launch.mjs scripts/plan.ts [arguments...]
 */
import { spawn } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import minVersion from "semver/ranges/min-version.js";
import satisfies from "semver/functions/satisfies.js";
import { parse } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The Node.js releases package.json's "engines" accept (a semver range). */
export function requiredNode() {
  const range = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))?.engines?.node;
  if (typeof range !== "string" || !minVersion(range)) throw new Error(`package.json: engines.node ${JSON.stringify(range)} is not a version range`);
  return range;
}

/** One line saying why this Node.js cannot run the project and what to do, or undefined when it can. */
export function nodeVersionProblem(version = process.versions.node, required = requiredNode(), execPath = process.execPath) {
  if (satisfies(version, required)) return undefined;
  const major = minVersion(required).major;
  return (
    `tenant-fleet needs Node.js ${required} (package.json "engines"), and ${execPath} is v${version}: ` +
    `install Node.js ${major} (for example \`nvm install ${major}\`), or on Linux put the one CI uses first on PATH: PATH="$(bash .ci/node):$PATH"`
  );
}

/** runtime.options.nodeargs of Pulumi.yaml, split at whitespace (it holds simple flags only). */
export function pulumiNodeArgs() {
  const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8"));
  return String(project?.runtime?.options?.nodeargs ?? "")
    .split(/\s+/)
    .filter(Boolean);
}

/** The command line that runs a project script as launch.mjs does. */
export function launchArgs(script, args = []) {
  return [...pulumiNodeArgs(), "--import", "tsx", join(root, script), ...args];
}

// Node resolves a symlinked main module to its real path (import.meta.url), so argv[1] is compared the same
// way: run through a symlinked checkout, the command must run, not exit 0 having done nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const [script, ...args] = process.argv.slice(2);
  if (!script) {
    process.stderr.write("usage: node scripts/launch.mjs <script.ts> [arguments...]\n");
    process.exit(2);
  }
  const problem = nodeVersionProblem();
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  const child = spawn(process.execPath, launchArgs(script, args), { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
