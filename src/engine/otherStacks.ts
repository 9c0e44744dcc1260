/**
 * The other stacks' tenants as the trusted side declares them (this checkout when it is the
 * base, else the base ref), for the review's check that a new binding does not take another
 * stack's project (src/review/bindingConflicts.ts). A stack whose files do not read is skipped:
 * its own review reports it.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { NAMESPACE, SETTINGS } from "../core/config/settings";
import { listStacks, stackConfigFromText } from "../core/config/stackFiles";
import { fileAtRef } from "../cli/git";
import { parseTenants } from "../../tenants/load";
import type { OtherStackTenant } from "../review/bindingConflicts";

export function otherStackTenants(root: string, stack: string, ref?: string): OtherStackTenant[] {
  const read = (file: string): string | undefined => {
    if (ref !== undefined) return fileAtRef(ref, file, root);
    try {
      return readFileSync(path.join(root, file), "utf8");
    } catch {
      return undefined;
    }
  };
  const projectText = read("Pulumi.yaml");
  if (projectText === undefined) return [];
  const out: OtherStackTenant[] = [];
  for (const other of listStacks(root)) {
    if (other === stack) continue;
    const stackText = read(`Pulumi.${other}.yaml`);
    if (stackText === undefined) continue;
    try {
      const cfg = stackConfigFromText(projectText, other, stackText).config;
      const file = cfg[`${NAMESPACE}:tenantsFile`] || String(SETTINGS.tenantsFile.default);
      const text = read(file);
      const fleet = text === undefined ? undefined : parseTenants(text, file).fleet;
      for (const t of fleet?.tenants ?? [])
        out.push({ stack: other, file, id: t.id, name: t.name, region: t.region, ...(t.neonProjectId ? { neonProjectId: t.neonProjectId } : {}) });
    } catch {
      continue;
    }
  }
  return out;
}
