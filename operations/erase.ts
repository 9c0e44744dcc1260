/**
 * Planning a tenant's erasure (issue: tenant operations). Pure: the tenant, what the stack
 * keeps and how its vaults are locked in; what will be deleted, or why not, out.
 *
 * Erasure deletes the tenant's Neon project and every object version under its backup and
 * export prefixes in its vault (all retention classes, and the layout from before them),
 * through the break-glass role, and leaves a record. It is refused for an active tenant
 * (retire it first: its secrets, backups and migrations stop), a tenant under legal hold,
 * a stack with no break-glass principal (nobody could delete the backups), and vaults in
 * compliance mode (nobody can delete a locked backup before its retention ends; erasing
 * the project alone would leave it half done).
 */
import type { Tenant } from "../tenants/model";
import { backupPrefix, exportPrefix, legacyBackupPrefix } from "../tenants/naming";
import { backupRegionOf } from "../tenants/placement";
import type { ObjectLockMode } from "../vaults/plan";

/** Neon keeps a deleted project recoverable this long (its API reference, deleteProject); then it is gone. */
export const NEON_PROJECT_RECOVERY_DAYS = 7;

export interface ErasureRequest {
  readonly tenant: Tenant;
  /** Every retention class of the stack (vaults/plan.ts retentionClasses): a tenant's backups may sit in any it ever had. */
  readonly retentionClasses: readonly number[];
  readonly objectLock: ObjectLockMode;
  readonly breakGlassPrincipal?: string;
}

export type ErasurePlan =
  | {
      readonly action: "erase";
      readonly tenant: string;
      /** The Neon project, by its declared name and region. */
      readonly neonProject: { readonly name: string; readonly regionId: string };
      /** The vault's AWS region and the prefixes whose every object version is deleted. */
      readonly awsRegion: string;
      readonly prefixes: readonly string[];
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
    return { action: "refuse", why: `${t.id} is active: retire it first (status: retired, merged and deployed), so its secrets, backups and migrations stop before its data goes` };
  }
  if (t.legalHold !== undefined) return { action: "refuse", why: `${t.id} is under legal hold (${JSON.stringify(t.legalHold)}): its data must be kept; remove legalHold in a reviewed change when the hold ends` };
  if (!r.breakGlassPrincipal) return { action: "refuse", why: "the stack names no breakGlassPrincipal: the vaults let nobody delete a backup, so the erasure could not finish; set it (docs/settings.md) and deploy first" };
  if (r.objectLock === "compliance") {
    const longest = Math.max(...r.retentionClasses, 0);
    return { action: "refuse", why: `the vaults lock backups in compliance mode: nobody can delete ${t.id}'s backups before their retention ends (up to ${longest} days after the last one); erase then, or record the request and let the lifecycle expire them` };
  }
  const classes = [...new Set(r.retentionClasses)].sort((a, b) => a - b);
  return {
    action: "erase",
    tenant: t.id,
    neonProject: { name: t.name, regionId: t.region },
    awsRegion: backupRegionOf(t.region),
    prefixes: [...classes.map((days) => backupPrefix(t.id, days)), legacyBackupPrefix(t.id), exportPrefix(t.id)],
    bypassGovernance: r.objectLock === "governance",
    role: r.breakGlassPrincipal,
    afterwards: [
      `remove ${t.id}'s line from the tenants file, acknowledging the change "removal" with this ticket; in a protected stack, pulumi state unprotect the project's URN first (the failing pulumi up names it)`,
    ],
  };
}
