#!/usr/bin/env node
/**
 * Runs a TypeScript command of this project with the node arguments `Pulumi.yaml` gives the
 * real program (runtime.options.nodeargs), so `npm run plan` and `npm run regions` run the
 * program as fast as `pulumi up` would (without them a 1,000-tenant plan took 2.6x as long:
 * the SDK captures a stack trace for every promise it tracks).
 *
 *   node scripts/launch.mjs scripts/plan.ts [arguments...]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [script, ...args] = process.argv.slice(2);
  if (!script) {
    process.stderr.write("usage: node scripts/launch.mjs <script.ts> [arguments...]\n");
    process.exit(2);
  }
  const child = spawn(process.execPath, launchArgs(script, args), { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
