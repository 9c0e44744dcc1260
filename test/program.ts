/** Runs index.ts under the mock runtime with a stack file's config (test helper). */
import * as path from "node:path";
import { vi } from "vitest";
import { readStackConfig } from "../config/stackFiles";
import { runOffline, type OfflineRun } from "../scripts/lib/offline";

export const ROOT = path.resolve(__dirname, "..");

export async function runProgram(stack: string, overrides: readonly string[] = [], env: Record<string, string | undefined> = {}, preview = true): Promise<OfflineRun> {
  const cfg = readStackConfig(ROOT, stack, overrides);
  vi.resetModules();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    return await runOffline({
      project: cfg.project,
      stack: cfg.stack,
      config: cfg.config,
      secretKeys: cfg.secretKeys,
      program: () => import("../index"),
      preview,
    });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
