import { isBackupBucket, TYPES, type Rule } from "./types";

export interface ProtectionConfig {
  readonly requireProtection: boolean;
}

/** Neon projects, backup buckets and their KMS keys are protected where the stack requires it. */
export const dataResourcesProtected: Rule<ProtectionConfig> = {
  name: "data-resources-protected",
  description: "Data-bearing resources (tenant Neon projects, backup buckets, KMS keys) are protected in stacks that require protection.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { requireProtection: { type: "boolean", default: true } } },
  validate(resources, config) {
    if (config.requireProtection === false) return [];
    return resources
      .filter((r) => r.type === TYPES.neonProject || r.type === TYPES.kmsKey || isBackupBucket(r))
      .filter((r) => !r.protect)
      .map((r) => ({ urn: r.urn, message: `${r.type} ${r.name} holds tenant data and is not protected; set tenant-fleet:protect to true for this stack` }));
  },
};
