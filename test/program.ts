/** Runs index.ts under the mock runtime with a stack file's config (test helper). */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { vi } from "vitest";
import { readStackConfig } from "../src/core/config/stackFiles";
import { runOffline, type OfflineRun } from "../src/engine/offline";

export const ROOT = path.resolve(__dirname, "..");

export async function runProgram(
  stack: string,
  overrides: readonly string[] = [],
  env: Record<string, string | undefined> = {},
  preview = true,
): Promise<OfflineRun> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    return await runStackProgram(stack, () => import("../index"), overrides, preview);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Any program (index.ts with a change on top, the SDK floor) under the mock runtime with a stack file's config, after a module reset. */
export async function runStackProgram(
  stack: string,
  program: () => Promise<Record<string, unknown>>,
  overrides: readonly string[] = [],
  preview = true,
): Promise<OfflineRun> {
  const cfg = readStackConfig(ROOT, stack, overrides);
  vi.resetModules();
  return runOffline({ project: cfg.project, stack: cfg.stack, config: cfg.config, secretKeys: cfg.secretKeys, program, preview });
}

/**
 * What a copy of the project needs to run its program and commands: the folders of code
 * tsconfig.json compiles (its one list, so a new folder is copied too), the policy pack,
 * and the project's files. `withTests` adds test/ (the runtime suite, test/runtime/, with it).
 */
export function projectFiles(withTests = false): string[] {
  const include = (JSON.parse(readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { include: string[] }).include;
  const tops = [...new Set(include.map((g) => g.split("/")[0]))].filter((f) => withTests || f !== "test");
  return [...tops, "policies", "Pulumi.yaml", ...readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f)), "package.json", "tsconfig.json"];
}
