/** Settings and fleet of the working tree, validated through the same modules as the program. */
import * as path from "node:path";
import { PROJECT_ROOT } from "../plan/stack";
import { NAMESPACE, projectSettings } from "../core/config/settings";
import { ALLOW_OUTSIDE_PROJECT, resolveStackInputs, type StackInputs } from "../plan/inputs";
import type { StackConfig } from "../core/config/stackFiles";

/**
 * `--tenants FILE`: relative to where the user ran the command, like `pulumi --config`.
 * `--allow-outside-project`: the user means a file outside the project (refused otherwise).
 */
export function applyTenantsOverride(stackConfig: StackConfig, file: string | undefined, allowOutside = false): void {
  if (allowOutside) process.env[ALLOW_OUTSIDE_PROJECT] = "1";
  if (!file) return;
  const fromCwd = path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
  const rel = path.relative(PROJECT_ROOT, fromCwd);
  stackConfig.config[`${NAMESPACE}:tenantsFile`] = rel.startsWith("..") ? fromCwd : rel;
  stackConfig.overridden.add("tenantsFile");
}

/** A checkout's settings and fleet (this project's, or another's read as data: `--head DIR`), its stack file named `fileLabel` in messages. */
export function loadWorkingTree(stackConfig: StackConfig, root = PROJECT_ROOT, fileLabel = stackConfig.stackFile): StackInputs {
  const raw = projectSettings(stackConfig.config);
  return resolveStackInputs(raw, { stack: stackConfig.stack, file: fileLabel, text: stackConfig.stackFileText, overridden: stackConfig.overridden }, root);
}
