/**
 * The inputs of one stack run: its settings and its validated fleet, read through the
 * Pulumi config API. Any problem stops the program before a single resource is
 * registered, as a `pulumi.RunError` whose message lists every problem (Pulumi prints
 * it without a stack trace).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, fleetContext, parseStackSettingsOrThrow, type StackSettings } from "./settings";
import { loadFleetOrThrow } from "../tenants/load";
import { formatProblem, InputError, isInputError } from "../tenants/problems";
import { devSeedProblems } from "./devSeed";
import type { Fleet } from "../tenants/model";

/** The project root: where Pulumi.yaml and the tenants file live. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

export interface StackInputs {
  readonly settings: StackSettings;
  readonly fleet: Fleet;
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Raw `tenant-fleet:*` values of the running stack, keyed without the namespace. */
export function rawSettings(): Record<string, string> {
  const all = pulumi.runtime.allConfig();
  const prefix = `${NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(all)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

/** Reads and validates settings and tenants, or stops the program with every problem. */
export function loadStackInputs(): StackInputs {
  const stack = pulumi.getStack();
  const stackFile = `Pulumi.${stack}.yaml`;
  try {
    const source = { stack, file: stackFile, text: readOptional(path.join(PROJECT_ROOT, stackFile)) };
    const settings = parseStackSettingsOrThrow(rawSettings(), source);
    const { fleet, warnings } = loadFleetOrThrow(
      path.resolve(PROJECT_ROOT, settings.tenantsFile),
      fleetContext(settings, stackFile),
      settings.tenantsFile,
    );
    const seed = devSeedProblems(settings, fleet, source);
    if (seed.length) throw new InputError(seed);
    for (const w of warnings) pulumi.log.warn(formatProblem(w));
    return { settings, fleet };
  } catch (err) {
    if (isInputError(err)) throw new pulumi.RunError(err.message);
    throw err;
  }
}
