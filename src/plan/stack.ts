/**
 * The inputs of one stack run: its settings and its validated fleet, read through the
 * Pulumi config API. Any problem stops the program before a single resource is
 * registered, as a `pulumi.RunError` whose message lists every problem (Pulumi prints
 * it without a stack trace).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { projectSettings, type StackSettings } from "../core/config/settings";
import { formatProblem, InputError } from "../core/diagnostics/problems";
import { resolveStackInputs } from "./inputs";
import type { ShardStack } from "../core/config/shards";
import type { Fleet } from "../../tenants/model";

/** The project root: where Pulumi.yaml and the tenants file live. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Raw `tenant-fleet:*` values of the running stack, keyed without the namespace. */
export function rawSettings(): Record<string, string> {
  return projectSettings(pulumi.runtime.allConfig());
}

/** Reads and validates settings and tenants, or stops the program with every problem. */
export function loadStackInputs(): { settings: StackSettings; fleet: Fleet; shards: readonly ShardStack[] } {
  const stack = pulumi.getStack();
  const stackFile = `Pulumi.${stack}.yaml`;
  // live: Pulumi hands over the config with any ESC environment's values already in it.
  const inputs = resolveStackInputs(
    rawSettings(),
    { stack, file: stackFile, text: readOptional(path.join(PROJECT_ROOT, stackFile)), live: true },
    PROJECT_ROOT,
  );
  if (!inputs.settings || !inputs.fleet) {
    throw new pulumi.RunError(new InputError(inputs.problems.filter((p) => p.severity === "error")).message);
  }
  for (const w of inputs.problems.filter((p) => p.severity === "warning")) pulumi.log.warn(formatProblem(w));
  return { settings: inputs.settings, fleet: inputs.fleet, shards: inputs.shards };
}
