/** The stack fits the limits of S3, Neon and GitHub it will meet, checked before anything is created. */
import { CODE_DEFAULTS, isActive } from "../model";
import { backupRegionOf } from "../placement";
import type { Problem } from "../../src/core/diagnostics/problems";
import { layerPath, presetOf } from "../tiers";
import type { Rule } from "./types";
import {
  maxTenantsWithin,
  PLAN_MEMORY_BUDGET_MIB,
  PLAN_MEMORY_ENV,
  PLAN_MEMORY_MODEL,
  planPeakMiB,
  shardsNeeded,
  STANDARD_RUNNER_MEMORY_GB,
} from "../../src/core/planMemory";

/** S3 allows this many lifecycle rules per bucket (one per distinct retention, plus housekeeping). */
export const S3_LIFECYCLE_RULE_LIMIT = 1000;

/** SSM Parameter Store's limit of standard parameters per region and account. */
export const SSM_STANDARD_PARAMETER_LIMIT = 10_000;

/** GitHub's limit of Actions secrets per repository. */
export const GITHUB_REPOSITORY_SECRET_LIMIT = 100;

export const lifecycleRulesPerVault: Rule = ({ owned, at }) => {
  const out: Problem[] = [];
  const retentionsByVault = new Map<string, Set<number>>();
  for (const { index, raw, layer } of owned) {
    if (raw.region === undefined) continue;
    const vault = backupRegionOf(raw.region);
    const retentions = retentionsByVault.get(vault) ?? new Set<number>();
    retentions.add(raw.backup?.retentionDays ?? layer.backup?.retentionDays ?? CODE_DEFAULTS.backup.retentionDays);
    retentionsByVault.set(vault, retentions);
    if (retentions.size === S3_LIFECYCLE_RULE_LIMIT) {
      out.push(
        at.error(
          ["tenants", index, "backup"],
          `${vault} would need ${retentions.size + 1} lifecycle rules (one per distinct retentionDays, plus housekeeping) and S3 allows ${S3_LIFECYCLE_RULE_LIMIT}; use fewer distinct retention periods`,
        ),
      );
    }
  }
  return out;
};

export const pitrWithinPlan: Rule = ({ defaults, tiers, owned, ctx, at }) => {
  const max = ctx.limits?.neonHistoryRetentionHours;
  if (max === undefined) return [];
  const out: Problem[] = [];
  for (const { index, raw, layer } of owned) {
    const hours = raw.historyRetentionHours ?? layer.historyRetentionHours ?? CODE_DEFAULTS.historyRetentionHours;
    if (hours <= max) continue;
    const where =
      raw.historyRetentionHours !== undefined
        ? ["tenants", index, "historyRetentionHours"]
        : (layerPath(raw.tier, presetOf(tiers, raw.tier), defaults, ["historyRetentionHours"]) ?? ["tenants", index]);
    out.push(
      at.error(
        where,
        `a PITR window of ${hours} h is above the ${max} h the Neon plan allows (tenant-fleet:neonMaxHistoryRetentionHours); shorten it or upgrade the plan`,
      ),
    );
  }
  return out;
};

export const neonProjects: Rule = ({ owned, ctx, at }) => {
  const limit = ctx.limits?.neonProjects;
  const extra = ctx.limits?.extraProjects ?? 0;
  // A tenant being moved has two projects until the move finishes.
  const moving = owned.filter((t) => t.raw.move).length;
  const projects = owned.length + moving + extra;
  if (limit === undefined || projects <= limit) return [];
  return [
    at.error(
      ["tenants"],
      `this stack needs ${projects} Neon projects (${owned.length} tenants${moving ? `, ${moving} move target(s)` : ""}${extra ? ` and ${extra} of the stack's own: dev/test, catalog` : ""}) and the Neon plan allows ${limit} (tenant-fleet:neonProjectLimit); retire and erase tenants, or raise the plan's limit`,
    ),
  ];
};

export const stackSize: Rule = ({ owned, ctx, at }) => {
  const recommended = ctx.limits?.recommendedTenants;
  if (recommended === undefined || owned.length <= recommended) return [];
  return [
    at.error(
      ["tenants"],
      `this stack holds ${owned.length} tenants, more than the ${recommended} a stack handles comfortably (npm run bench); split the fleet into shards (tenant-fleet:shardResidencies or shardRegions)`,
      "warning",
    ),
  ];
};

/**
 * A stack whose plan would not fit its CI runner's memory is refused before anything is
 * planned (the program would otherwise die out of memory minutes into pulumi up), with the
 * estimate, the budget and the shards that bring each stack within it.
 */
export const planMemory: Rule = ({ owned, ctx, at }) => {
  const budget = ctx.limits?.planMemoryMiB;
  if (budget === undefined || owned.length <= maxTenantsWithin(budget)) return [];
  const n = (x: number) => x.toLocaleString("en-US");
  const byRegion = new Map<string, number>();
  for (const { raw } of owned) if (raw.region !== undefined) byRegion.set(raw.region, (byRegion.get(raw.region) ?? 0) + 1);
  const regions = [...byRegion].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([r, c]) => `${r}: ${n(c)}`);
  return [
    at.error(
      ["tenants"],
      `this stack holds ${n(owned.length)} tenants and planning them takes about ${n(Math.round(planPeakMiB(owned.length)))} MiB ` +
        `(${n(PLAN_MEMORY_MODEL.fixedMiB)} MiB + ${n(PLAN_MEMORY_MODEL.perThousandTenantsMiB)} MiB per 1,000 tenants, npm run bench -- --plan-output), ` +
        `more than the ${n(Math.round(budget))} MiB a plan may take (${budget === PLAN_MEMORY_BUDGET_MIB ? `on a standard GitHub-hosted runner of a private repository, ${STANDARD_RUNNER_MEMORY_GB.private} GB` : PLAN_MEMORY_ENV}): ` +
        `at most ${n(maxTenantsWithin(budget))} tenants fit one stack; split the fleet into at least ${shardsNeeded(owned.length, budget)} stacks with ` +
        `tenant-fleet:shardRegions (this stack's tenants by region: ${regions.join(", ")}) or tenant-fleet:shardResidencies, one stack per part (docs/scale.md, "Shards")`,
    ),
  ];
};

export const repositorySecrets: Rule = ({ entries, ctx, at }) => {
  const limit = ctx.limits?.repositorySecrets;
  if (limit === undefined) return [];
  // Unsharded, this stack owns every entry; sharded, a tenant counts when its stack writes repository secrets here.
  const counts = (e: (typeof entries)[number]) => !ctx.shards || ctx.shards.countsForSecretLimit(e.raw);
  const active = entries.filter((e) => isActive(e.raw) && counts(e)).length;
  if (active <= limit) return [];
  return [
    at.error(
      ["tenants"],
      `${active} active tenants need ${active} repository secrets; GitHub allows ${GITHUB_REPOSITORY_SECRET_LIMIT} per repository and this stack keeps ${GITHUB_REPOSITORY_SECRET_LIMIT - limit} for the repository's own, so at most ${limit} tenants fit; set tenant-fleet:secretScope to region (SSM parameters in each tenant's AWS region, batched jobs) or environment (one GitHub environment and job per tenant)`,
    ),
  ];
};

export const credentialParameters: Rule = ({ owned, ctx, at }) => {
  const limit = ctx.limits?.parametersPerRegion;
  if (limit === undefined) return [];
  const perRegion = new Map<string, number>();
  for (const { raw } of owned) {
    if (!isActive(raw) || raw.region === undefined) continue;
    const r = backupRegionOf(raw.region);
    perRegion.set(r, (perRegion.get(r) ?? 0) + 2);
  }
  return [...perRegion]
    .filter(([, n]) => n > limit)
    .map(([region, n]) =>
      at.error(
        ["tenants"],
        `${n / 2} active tenants keep their connection strings in ${region}: ${n} SSM parameters, and a region holds ${limit} standard parameters per account; shard the stack (shardRegions, shardResidencies) or give the stacks separate AWS accounts`,
      ),
    );
};
