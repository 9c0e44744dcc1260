/**
 * Settings and fleet of one stack, validated the same way for `pulumi up` (config/stack.ts)
 * and for the offline tools (the plan, the regions report): settings, then the tenants file
 * with everything the settings imply (residencies, limits, shards), then the dev seed.
 */
import * as path from "node:path";
import { loadTenantsFile, GITHUB_REPOSITORY_SECRET_LIMIT, type LoadContext } from "../tenants/load";
import type { Fleet } from "../tenants/model";
import type { Problem } from "../tenants/problems";
import { NAMESPACE, parseStackSettings, type SettingsSource, type StackSettings } from "./settings";
import { describeShard, owns, shardCollisions, shardStacks, type ShardStack } from "./shards";
import { devSeedProblems } from "./devSeed";

/** Tenants per stack above which the loader warns: see the benchmark in the README. */
export const RECOMMENDED_STACK_SIZE = 2000;

/** What validating the tenants file needs to know about the stack and its shards. */
export function fleetContext(settings: StackSettings, stackFile: string, shards: readonly ShardStack[] = []): LoadContext {
  const repo = (s: StackSettings) => `${s.github.owner}/${s.github.repository}`.toLowerCase();
  const sharded = shards.length > 1;
  return {
    allowedResidencies: settings.allowedResidencies,
    allowedResidenciesSource: `${stackFile} ${NAMESPACE}:allowedResidencies`,
    repositorySecretLimit: settings.secretScope === "repository" ? GITHUB_REPOSITORY_SECRET_LIMIT - settings.workflows.repositorySecretHeadroom : undefined,
    ...(sharded
      ? {
          stack: settings.stack,
          owners: (t) => shards.filter((s) => owns(s.settings, t)).map((s) => s.stack),
          shardSummary: shards.map((s) => `${s.stack}: ${describeShard(s.settings)}`).join("; "),
          // Shards writing repository secrets to the same repository share its 100 secrets.
          countsForSecretLimit: (t) => shards.some((s) => owns(s.settings, t) && s.settings.secretScope === "repository" && repo(s.settings) === repo(settings)),
        }
      : {}),
    neonProjectLimit: settings.neonLimits.projects,
    neonMaxHistoryRetentionHours: settings.neonLimits.historyRetentionHours,
    extraProjects: settings.devProject ? 1 : 0,
    recommendedStackSize: RECOMMENDED_STACK_SIZE,
  };
}

export interface StackInputs {
  readonly settings?: StackSettings;
  /** The tenants this stack owns; absent when any error was found. */
  readonly fleet?: Fleet;
  /** Errors and warnings, each with file:line:col. */
  readonly problems: readonly Problem[];
  readonly shards: readonly ShardStack[];
}

export function resolveStackInputs(raw: Readonly<Record<string, string | undefined>>, source: SettingsSource, root: string): StackInputs {
  const parsed = parseStackSettings(raw, source);
  if (!parsed.settings) return { problems: parsed.problems, shards: [] };
  const settings = parsed.settings;
  const shards = shardStacks(root, { stack: settings.stack, settings });
  const result = loadTenantsFile(path.resolve(root, settings.tenantsFile), fleetContext(settings, source.file, shards), settings.tenantsFile);
  const problems: Problem[] = [...result.problems, ...shardCollisions(settings.stack, shards, source.text)];
  if (result.fleet) problems.push(...devSeedProblems(settings, result.fleet, source));
  if (!result.fleet || problems.some((p) => p.severity === "error")) return { settings, problems, shards };
  const fleet: Fleet = Object.freeze({ ...result.fleet, tenants: Object.freeze(result.fleet.tenants.filter((t) => owns(settings, t))) });
  return { settings, fleet, problems, shards };
}
