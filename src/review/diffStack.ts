/**
 * The stack-wide part of a tenant diff (./diff.ts): the organisation, protection, the backup
 * layout (vaults and retention classes leaving), the workflow roles' grant scopes, every
 * stack setting by its SETTING_REVIEW class, and the stack file's ESC imports.
 */
import { CHANGE_KINDS } from "../../tenants/changeKinds";
import { retentionClasses, vaultRegions } from "../plan/vaults/plan";
import { readSetting, SETTING_REVIEW, SETTINGS, type SettingKey, type SettingReview } from "../core/config/settings";
import { escChanges } from "./escImports";
import { grantScopeChanges } from "./diffGrantScope";
import { defaultsChanges, tierChanges } from "./diffTiers";
import type { FieldChange, Side } from "./diffTypes";

/** The stack-wide changes: organisation, protection, the backup layout and the stack settings. */
export function stackFieldChanges(before: Side, after: Side): FieldChange[] {
  const stackChanges: FieldChange[] = [];
  if (before.stack.neonOrgId !== after.stack.neonOrgId) {
    if (before.stack.neonOrgId !== undefined && after.stack.neonOrgId === undefined) {
      // The provider suppresses the diff of an org_id removed from config (DiffSuppressFunc in
      // resource_project.go): nothing is replaced; only projects created later are affected.
      stackChanges.push({
        field: "tenant-fleet:neonOrgId",
        before: before.stack.neonOrgId,
        after: undefined,
        class: "safe",
        why: `existing projects stay in ${before.stack.neonOrgId} (the provider ignores a removed organisation id); projects created from now on get none: Neon puts them in the API key's organisation, or refuses them for a personal key`,
      });
    } else {
      stackChanges.push({
        field: "tenant-fleet:neonOrgId",
        before: before.stack.neonOrgId,
        after: after.stack.neonOrgId,
        class: "destructive",
        kind: "orgId",
        why: CHANGE_KINDS.orgId.why,
      });
    }
  }
  if (before.stack.protect && !after.stack.protect) {
    stackChanges.push({
      field: "tenant-fleet:protect",
      before: true,
      after: false,
      class: "destructive",
      kind: "protection",
      why: CHANGE_KINDS.protection.why,
    });
  } else if (!before.stack.protect && after.stack.protect) {
    stackChanges.push({ field: "tenant-fleet:protect", before: false, after: true, class: "safe", why: "tenant projects, buckets and keys become protected" });
  }
  stackChanges.push(...defaultsChanges(before.fleet, after.fleet), ...tierChanges(before.fleet, after.fleet));
  stackChanges.push(...backupLayoutChanges(before, after), ...grantScopeChanges(before.stack.grantScopes, after.stack.grantScopes));
  if (before.stack.settings && after.stack.settings) stackChanges.push(...settingChanges(before.stack.settings, after.stack.settings));
  const esc = (side: Side) => ({ stackText: side.source?.stackText, settings: side.stack.settings });
  stackChanges.push(...escChanges(esc(before), esc(after)));
  return stackChanges;
}

/** The field of a retention class leaving the stack (backupLayoutChanges), which accounts for its lifecycle rules. */
export const retentionField = (days: number) => `retention class ${days}d`;

/**
 * A vault or retention class that leaves the program: the vault's versioning, lifecycle,
 * policy and public access block would be removed while backups may still be in it, and a
 * class's rule would stop expiring the backups already under its prefix (an erased tenant's
 * among them). Both are kept by a stack setting until the backups have expired.
 */
function backupLayoutChanges(before: Side, after: Side): FieldChange[] {
  const out: FieldChange[] = [];
  const headRegions = new Set(vaultRegions(after.fleet.tenants, after.stack.keep));
  for (const region of vaultRegions(before.fleet.tenants, before.stack.keep).filter((r) => !headRegions.has(r))) {
    out.push({
      field: `backup vault ${region}`,
      before: "kept",
      after: undefined,
      class: "destructive",
      kind: "vault",
      why: `no tenant backs up to ${region} any more, and its backups are there until their retention ends: removing the vault strips its versioning, lifecycle, policy and public access block (the bucket and key are retained, unmanaged). Keep it with tenant-fleet:keepVaultRegions until the last backup has expired`,
    });
  }
  const headClasses = new Set(retentionClasses(after.fleet.tenants, after.stack.keep));
  for (const days of retentionClasses(before.fleet.tenants, before.stack.keep).filter((d) => !headClasses.has(d))) {
    out.push({
      field: retentionField(days),
      before: "expires",
      after: undefined,
      class: "destructive",
      kind: "retention",
      why: `no tenant keeps backups ${days} days any more: without its lifecycle rule, the backups already under retain-${days}d/ never expire (an erased tenant's included). Keep it with tenant-fleet:keepRetentionDays for ${days} days after the last such backup`,
    });
  }
  return out;
}

/** A setting's value as the stack runs with it: parsed, its default when unset, the raw text when it does not parse. */
export function settingValue(raw: Readonly<Record<string, string | undefined>>, key: SettingKey): unknown {
  const read = readSetting(key, raw[key]);
  return "value" in read ? read.value : raw[key];
}

/**
 * Every stack setting that changes, classed by SETTING_REVIEW next to its declaration: a
 * destructive one fails unless acknowledged (its kind), a review one is shown, a safe one
 * listed. Secret settings say that they changed, never their values.
 */
function settingChanges(before: Readonly<Record<string, string | undefined>>, after: Readonly<Record<string, string | undefined>>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [key, review] of Object.entries(SETTING_REVIEW) as [SettingKey, SettingReview][]) {
    if (review.class === "elsewhere") continue;
    const [b, a] = [settingValue(before, key), settingValue(after, key)];
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    const secret = SETTINGS[key].secretOnly === true;
    const shown = {
      field: `tenant-fleet:${key}`,
      before: secret ? (b === undefined ? undefined : "(secret)") : b,
      after: secret ? (a === undefined ? undefined : "(secret, changed)") : a,
    };
    if (review.class === "destructive" && (!review.when || review.when(b, a))) out.push({ ...shown, class: "destructive", kind: review.kind, why: review.why });
    else out.push({ ...shown, class: review.class === "safe" ? "safe" : "review", why: review.why });
  }
  return out;
}
