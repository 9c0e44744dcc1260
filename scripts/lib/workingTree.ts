/** Settings and fleet of the working tree, validated through the same modules as the program. */
import * as path from "node:path";
import { PROJECT_ROOT } from "../../config/stack";
import { NAMESPACE, fleetContext, parseStackSettings, type StackSettings } from "../../config/settings";
import { loadTenantsFile } from "../../tenants/load";
import type { Fleet } from "../../tenants/model";
import type { Problem } from "../../tenants/problems";
import type { StackConfig } from "./stackConfig";
import { devSeedProblems } from "../../config/devSeed";

/** `--tenants FILE`: relative to where the user ran the command, like `pulumi --config`. */
export function applyTenantsOverride(stackConfig: StackConfig, file: string | undefined): void {
  if (!file) return;
  const fromCwd = path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
  const rel = path.relative(PROJECT_ROOT, fromCwd);
  stackConfig.config[`${NAMESPACE}:tenantsFile`] = rel.startsWith("..") ? fromCwd : rel;
  stackConfig.overridden.add("tenantsFile");
}

export function loadWorkingTree(stackConfig: StackConfig): { settings?: StackSettings; fleet?: Fleet; problems: Problem[] } {
  const raw = Object.fromEntries(
    Object.entries(stackConfig.config)
      .filter(([k]) => k.startsWith(`${NAMESPACE}:`))
      .map(([k, v]) => [k.slice(NAMESPACE.length + 1), v]),
  );
  const source = { stack: stackConfig.stack, file: stackConfig.stackFile, text: stackConfig.stackFileText, overridden: stackConfig.overridden };
  const { settings, problems } = parseStackSettings(raw, source);
  if (!settings) return { problems };
  const result = loadTenantsFile(path.resolve(PROJECT_ROOT, settings.tenantsFile), fleetContext(settings, stackConfig.stackFile), settings.tenantsFile);
  if (!result.fleet) return { settings, problems: [...problems, ...result.problems] };
  const seed = devSeedProblems(settings, result.fleet, source);
  return { settings, fleet: seed.length ? undefined : result.fleet, problems: [...problems, ...result.problems, ...seed] };
}
