/** The stack's tenants file and data-relevant settings as they were at a git ref. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { NAMESPACE, SETTINGS, parseStackSettings, projectSettings, protectFromConfig } from "../core/config/settings";
import type { VaultKeeping } from "../plan/vaults/plan";
import { owns } from "../core/config/shards";
import { parseTenants } from "../../tenants/load";
import type { Problem } from "../core/diagnostics/problems";
import type { Side } from "../review/diff";
import { fileAtRef, resolveRef } from "../cli/git";
import { stackConfigFromText } from "../core/config/stackFiles";
import { stackGrantScopes } from "../plan/grantScopeWarning";

/** `side` undefined: the tenants file did not exist at the ref (every tenant is new). */
export function baseSide(root: string, ref: string, stack: string): { side: Side | undefined } | { problems: readonly Problem[] } {
  resolveRef(ref, root);
  const stackFile = `Pulumi.${stack}.yaml`;
  const projectText = fileAtRef(ref, "Pulumi.yaml", root) ?? readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
  const stackText = fileAtRef(ref, stackFile, root) ?? "config: {}\n";
  const cfg = stackConfigFromText(projectText, stack, stackText).config;
  const get = (key: string) => cfg[`${NAMESPACE}:${key}`];
  const tenantsFile = get("tenantsFile") || String(SETTINGS.tenantsFile.default);
  const protect = protectFromConfig(cfg);
  const neonOrgId = get("neonOrgId") || undefined;
  const text = fileAtRef(ref, tenantsFile, root);
  if (text === undefined) return { side: undefined };
  const raw = projectSettings(cfg);
  const baseSettings = parseStackSettings(raw, { stack, file: stackFile }).settings;
  // The stack's default snapshots resolve each tenant's at the ref as the program did then.
  const result = parseTenants(text, `${ref}:${tenantsFile}`, baseSettings ? { snapshots: { default: baseSettings.backup.snapshots } } : {});
  if (!result.fleet) return { problems: result.problems.filter((p) => p.severity === "error") };
  // A sharded stack compares only the tenants it owned at the ref: a tenant that moved to
  // another shard shows as removed here (its project would be deleted by this stack).
  const fleet = baseSettings ? { ...result.fleet, tenants: result.fleet.tenants.filter((t) => owns(baseSettings, t)) } : result.fleet;
  const source = { tenantsText: text, stackFile: `${ref}:${stackFile}`, stackText: fileAtRef(ref, stackFile, root) };
  const grantScopes = baseSettings ? stackGrantScopes(baseSettings, fleet) : undefined;
  return { side: { fleet, stack: { neonOrgId, protect, keep: keeping(get), settings: raw, grantScopes }, source } };
}

/** Whether the stack was protected at the ref; undefined when its stack file did not exist there. */
export function protectedAtRef(root: string, ref: string, stack: string): boolean | undefined {
  const stackText = fileAtRef(ref, `Pulumi.${stack}.yaml`, root);
  if (stackText === undefined) return undefined;
  const projectText = fileAtRef(ref, "Pulumi.yaml", root) ?? readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
  try {
    return protectFromConfig(stackConfigFromText(projectText, stack, stackText).config);
  } catch {
    // Unreadable at the ref: nothing says it was unprotected, so the stricter tier.
    return true;
  }
}

/** The vaults and retention classes the stack kept at the ref (read on their own, so that an older stack file still counts). */
function keeping(get: (key: string) => string | undefined): VaultKeeping {
  const read = (key: "keepVaultRegions" | "keepRetentionDays") => {
    const raw = get(key);
    const parsed = raw === undefined ? undefined : SETTINGS[key].schema.safeParse(raw);
    return parsed?.success ? (parsed.data as never[]) : [];
  };
  return { regions: read("keepVaultRegions"), retentionDays: read("keepRetentionDays") };
}
