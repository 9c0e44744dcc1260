/**
 * Planning a tenant's erasure (issue: tenant operations). Pure: the tenant, what the stack
 * keeps and how its vaults are locked in; what will be deleted, or why not, out.
 *
 * Erasure deletes the tenant's Neon project and every object version under its backup and
 * export prefixes (all retention classes, those each vault lists as well as the stack's, and the layout from before them) in EVERY vault of
 * the stack: a tenant that moved region left backups in the vault it no longer uses, and a
 * vault kept by keepVaultRegions still holds them. It goes through the break-glass role and
 * leaves a record. Before anything is deleted, every prefix is checked twice: by its name
 * (no prefix may be, or hold, a top-level prefix of the vault layout) and by what the vaults
 * list under it (every key is an object of the tenant itself: nothing below another path),
 * so an erasure never reaches another tenant's objects. It is refused for an active tenant
 * (retire it first: its secrets, backups and migrations stop), a tenant under legal hold,
 * a stack with no break-glass principal (nobody could delete the backups), and vaults in
 * compliance mode (nobody can delete a locked backup before its retention ends; erasing
 * the project alone would leave it half done).
 */
import type { Tenant } from "../../tenants/model";
import { backupPrefix, EXPORTS_PREFIX, exportPrefix, layoutPrefixOf, legacyBackupPrefix } from "../../tenants/naming";
import { backupRegionOf } from "../../tenants/placement";
import type { ObjectLockMode } from "../plan/vaults/plan";

/** Neon keeps a deleted project recoverable this long (its API reference, deleteProject); then it is gone. */
export const NEON_PROJECT_RECOVERY_DAYS = 7;

export interface ErasureRequest {
  readonly tenant: Tenant;
  /** Every retention class of the stack (src/plan/vaults/plan.ts retentionClasses): a tenant's backups may sit in any it ever had. */
  readonly retentionClasses: readonly number[];
  /**
   * Every AWS region with a vault of the stack (src/plan/vaults/plan.ts vaultRegions: every tenant's
   * backup region and keepVaultRegions); the tenant's own is added when missing.
   */
  readonly vaultRegions: readonly string[];
  readonly objectLock: ObjectLockMode;
  readonly breakGlassPrincipal?: string;
}

export type ErasurePlan =
  | {
      readonly action: "erase";
      readonly tenant: string;
      /** The Neon project, by its declared name and region. */
      readonly neonProject: { readonly name: string; readonly regionId: string };
      /** The AWS region of the tenant's own vault (its current region's). */
      readonly awsRegion: string;
      /** The prefixes whose every object version is deleted, in every vault. */
      readonly prefixes: readonly string[];
      /** Every vault's AWS region, sorted: the tenant's prefixes are erased in each. */
      readonly vaultRegions: readonly string[];
      /** Governance-mode locks are bypassed (the break-glass role may); off: plain deletes. */
      readonly bypassGovernance: boolean;
      readonly role: string;
      /** What to do once the erasure is recorded. */
      readonly afterwards: readonly string[];
    }
  | { readonly action: "refuse"; readonly why: string };

export function planErasure(r: ErasureRequest): ErasurePlan {
  const t = r.tenant;
  if (t.status !== "retired") {
    return {
      action: "refuse",
      why: `${t.id} is active: retire it first (status: retired, merged and deployed), so its secrets, backups and migrations stop before its data goes`,
    };
  }
  if (t.legalHold !== undefined)
    return {
      action: "refuse",
      why: `${t.id} is under legal hold (${JSON.stringify(t.legalHold)}): its data must be kept; remove legalHold in a reviewed change when the hold ends`,
    };
  if (!r.breakGlassPrincipal)
    return {
      action: "refuse",
      why: "the stack names no breakGlassPrincipal: the vaults let nobody delete a backup, so the erasure could not finish; set it (docs/settings.md) and deploy first",
    };
  if (r.objectLock === "compliance") {
    const longest = Math.max(...r.retentionClasses, 0);
    return {
      action: "refuse",
      why: `the vaults lock backups in compliance mode: nobody can delete ${t.id}'s backups before their retention ends (up to ${longest} days after the last one); erase then, or record the request and let the lifecycle expire them`,
    };
  }
  const classes = [...new Set(r.retentionClasses)].sort((a, b) => a - b);
  const prefixes = [...classes.map((days) => backupPrefix(t.id, days)), legacyBackupPrefix(t.id), exportPrefix(t.id)];
  const problem = prefixes.map(prefixProblem).find((p) => p !== undefined);
  if (problem) return { action: "refuse", why: `${problem}; nothing is erased (the tenants file refuses such an id: tenants/rules/reservedIds.ts)` };
  const awsRegion = backupRegionOf(t.region);
  return {
    action: "erase",
    tenant: t.id,
    neonProject: { name: t.name, regionId: t.region },
    awsRegion,
    prefixes,
    vaultRegions: [...new Set([...r.vaultRegions, awsRegion])].sort(),
    bypassGovernance: r.objectLock === "governance",
    role: r.breakGlassPrincipal,
    afterwards: [
      `remove ${t.id}'s line from the tenants file, acknowledging the change "removal" with this ticket; in a protected stack, pulumi state unprotect the project's URN first (the failing pulumi up names it)`,
    ],
  };
}

/**
 * Why a prefix cannot be erased as a tenant's, else undefined: it must be a path of
 * segments ending in a slash, and not a top-level prefix of the vault layout. Every layout
 * prefix is one segment and its slash, so a well-formed prefix holds one only by being it.
 */
export function prefixProblem(prefix: string): string | undefined {
  if (!/^([^/]+\/)+$/.test(prefix)) return `${JSON.stringify(prefix)} is not a tenant's prefix (segments, each ending in a slash)`;
  const layout = layoutPrefixOf(prefix);
  if (layout?.prefix === prefix) return `the prefix ${prefix} is the vaults' own: it holds ${layout.holds}, and erasing it would erase them`;
  return undefined;
}

/**
 * The tenant's prefix in every retention class a vault holds, from its top-level prefixes
 * (a listing with delimiter `/`): a class the stack no longer declares (its retention
 * changed, the drop acknowledged) keeps its objects, and its lifecycle rule went with it, so
 * only the listing finds them. Anything else at the top level is no retention class.
 */
export function retentionClassPrefixesIn(topLevel: readonly string[], tenantId: string): string[] {
  return [...new Set(topLevel)]
    .filter((p) => p !== EXPORTS_PREFIX && layoutPrefixOf(p)?.prefix === p)
    .sort()
    .map((p) => `${p}${tenantId}/`);
}

/** One object version (or delete marker) a vault listed under one of the erasure's prefixes. */
export interface ListedVersion {
  readonly awsRegion: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly key: string;
}

/**
 * What the vaults listed under the tenant's prefixes, checked before anything is deleted:
 * every key must be one of the tenant's own objects, directly under its prefix (backups,
 * manifests and exports are `<prefix><name>`). A key below a deeper path is someone else's:
 * another tenant's (`<prefix><other-id>/…`), a layout prefix's, or a path no tenant object
 * has; any such key refuses the whole erasure, in every vault. Returns one problem per such
 * key (the command names the first few).
 */
export function listingProblems(listed: readonly ListedVersion[], otherTenants: readonly string[]): string[] {
  const others = new Set(otherTenants);
  const out: string[] = [];
  for (const v of listed) {
    const where = `s3://${v.bucket}/${v.key} (${v.awsRegion})`;
    if (!v.key.startsWith(v.prefix)) {
      out.push(`${where} was listed under ${v.prefix} but lies outside it`);
      continue;
    }
    const rest = v.key.slice(v.prefix.length);
    if (!rest.includes("/")) continue;
    const segment = rest.slice(0, rest.indexOf("/"));
    const layout = layoutPrefixOf(rest);
    const whose = others.has(segment)
      ? `tenant ${segment}'s objects`
      : layout
        ? `the vault's ${layout.prefix} (${layout.holds})`
        : "a path below it, which no object of a tenant has";
    out.push(`${where} lies under ${v.prefix}${segment}/: ${whose}`);
  }
  return out;
}
