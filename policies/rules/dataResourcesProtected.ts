import { isBackupBucket, isBackupKey, TYPES, type Rule, type RuleResource } from "./types";

export interface ProtectionConfig {
  readonly requireProtection: boolean;
}

/**
 * The data-bearing resources and everything that hardens them: tenant Neon projects, the
 * backup buckets and keys, and every S3 or KMS resource that configures one of them
 * (versioning, lifecycle, policy, public access block, encryption, ownership, object lock,
 * key alias). Losing a child strips a vault as surely as losing the bucket.
 */
export function dataResources(resources: readonly RuleResource[]): RuleResource[] {
  const anchors = resources.filter((r) => isBackupBucket(r) || isBackupKey(r));
  const anchorUrns = new Set(anchors.map((a) => a.urn));
  const members = resources.filter(
    (r) =>
      (r.type.startsWith("aws:s3/") || r.type.startsWith("aws:kms/")) &&
      !anchorUrns.has(r.urn) &&
      Object.values(r.propertyDependencies ?? {}).some((urns) => urns.some((u) => anchorUrns.has(u))),
  );
  return [...resources.filter((r) => r.type === TYPES.neonProject), ...anchors, ...members];
}

/** Data-bearing resources and their vaults' hardening are protected and retained where the stack requires it. */
export const dataResourcesProtected: Rule<ProtectionConfig> = {
  name: "data-resources-protected",
  description:
    "Tenant Neon projects, backup buckets and keys, and every resource that configures a vault (versioning, lifecycle, bucket policy, public access block, encryption, ownership, object lock, key alias) are protected and retained on delete in stacks that require protection (retain-on-delete is checked where the engine reports it: the offline plan and tests; CrossGuard's protocol does not carry it). A finished move's source project, released by the tenants file, need only be retained.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { requireProtection: { type: "boolean", default: true } } },
  validate(resources, config) {
    if (config.requireProtection === false) return [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // A finished move's source, released by the tenants file (the review shows it as move.finish): retained on delete, no longer protected.
    const released = (r: RuleResource) => {
      const parent = r.parentUrn ? byUrn.get(r.parentUrn) : undefined;
      return r.type === TYPES.neonProject && parent?.type === TYPES.tenantDatabase && parent.props.released === true;
    };
    return dataResources(resources).flatMap((r) => {
      const missing = [...(!r.protect && !released(r) ? ["protected"] : []), ...(r.retainOnDelete === false ? ["retained on delete"] : [])];
      return missing.length
        ? [
            {
              urn: r.urn,
              message: `${r.type} ${r.name} holds or guards tenant data and is not ${missing.join(" or ")}; set tenant-fleet:protect to true for this stack`,
            },
          ]
        : [];
    });
  },
};
