/**
 * The workflow roles' grant scope, decided before any resource exists, and the warning when
 * a role is widened to whole retention classes: the stack's roles are granted what
 * components/workflowRoles.ts grants them (the vaults and credentials as index.ts plans them,
 * the serving fleet), so the warning is positioned like every other problem (the stack
 * file's shard setting, or its config when the stack is not sharded) and says which setting
 * splits the fleet so per-tenant grants fit again.
 */
import type { Fleet } from "../../tenants/model";
import { servingFleet } from "../../tenants/serving";
import type { Problem } from "../core/diagnostics/problems";
import { locateKey, NAMESPACE, type SettingsSource, type StackSettings } from "../core/config/settings";
import { planVaults } from "./vaults/plan";
import { credentialRegions } from "./repository/credentialRegions";
import { grantScopes, ROLE_PURPOSES, type GrantScope, type RolePurpose } from "./iam/workflowAccess";

/** Each role's scope as the program will grant it: per tenant where it fits IAM's inline policy size, else per retention class. */
export function stackGrantScopes(settings: StackSettings, fleet: Fleet): Record<RolePurpose, GrantScope> {
  const tenants = servingFleet(fleet).tenants;
  const vaults = planVaults(tenants, settings.backup.keep).map((v) => ({
    awsRegion: v.awsRegion,
    hasKey: settings.backup.encryption === "kms",
    tenants: v.backedUp.map((t) => ({ id: t.id, retentionDays: t.backup.retentionDays })),
  }));
  const regions = settings.secretScope === "region" ? credentialRegions(tenants, Boolean(settings.workflows.migrationsCommand)) : undefined;
  return grantScopes(
    vaults,
    regions && {
      stack: settings.stack,
      backedUp: regions.map((r) => ({ awsRegion: r.awsRegion, tenants: r.backedUp })),
      migrated: regions.map((r) => ({ awsRegion: r.awsRegion, tenants: r.migrated })),
    },
  );
}

/** The warning when some role is widened to retention classes, at the shard setting that would narrow the stack. */
export function grantScopeProblem(settings: StackSettings, fleet: Fleet, source: SettingsSource): Problem | undefined {
  const scopes = stackGrantScopes(settings, fleet);
  const widened = (Object.keys(scopes) as RolePurpose[]).filter((p) => scopes[p] === "class");
  if (!widened.length) return undefined;
  const key = shardKeyFor(settings, fleet);
  const by = key === "shardRegions" ? "region" : "residency";
  const counts = new Map<string, number>();
  for (const t of fleet.tenants) counts.set(t[by], (counts.get(t[by]) ?? 0) + 1);
  const parts = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
  const roles = widened.map((p) => `the ${ROLE_PURPOSES[p].title} role`).join(" and ");
  const split = `split it with ${NAMESPACE}:${key} (this stack's tenants by ${by}: ${parts.join(", ")})`;
  return {
    severity: "warning",
    file: source.file,
    ...locateKey(source.text, key),
    path: `${NAMESPACE}:${key}`,
    message: `${roles} of this stack's ${fleet.tenants.length} tenants ${widened.length > 1 ? "are" : "is"} granted whole retention classes (retain-<days>d/*) and the stack's parameters in each region, not one prefix and parameter per tenant: per-tenant grants would pass IAM's 10,240-character inline policy, so a role may write or read other tenants of the same class and vault (write-once, never a delete); shard the stack so each shard's grants fit: ${split}, one stack per part (docs/scale.md, "Shards")`,
  };
}

/** The shard setting that narrows this stack: the one it already uses, else regions when its tenants span several, else residencies. */
function shardKeyFor(settings: StackSettings, fleet: Fleet): "shardRegions" | "shardResidencies" {
  if (settings.shard?.regions?.length) return "shardRegions";
  if (settings.shard?.residencies?.length) return "shardResidencies";
  return new Set(fleet.tenants.map((t) => t.region)).size > 1 ? "shardRegions" : "shardResidencies";
}
