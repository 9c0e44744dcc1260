import { findRegion } from "../../tenants/regions";
import { liesIn } from "../../tenants/placement";
import { TYPES, type Rule } from "./types";

export interface NeonResidencyConfig {
  readonly allowedResidencies: readonly string[];
}

/** A Neon project lies in an active region, inside its tenant's residency, which the stack allows. */
export const neonProjectResidency: Rule<NeonResidencyConfig> = {
  name: "neon-project-residency",
  description: "A tenant's Neon project is in an active Neon region inside the tenant's declared residency, and that residency is one the stack allows.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: { allowedResidencies: { type: "array", items: { type: "string" }, default: [] } },
    required: ["allowedResidencies"],
  },
  validate(resources, config) {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const out = [];
    for (const p of resources.filter((r) => r.type === TYPES.neonProject)) {
      const regionId = p.props.regionId as string | undefined;
      const region = regionId ? findRegion(regionId) : undefined;
      const parent = p.parentUrn ? byUrn.get(p.parentUrn) : undefined;
      const residency = parent?.type === TYPES.tenantDatabase ? (parent.props.residency as string | undefined) : undefined;
      if (!region) {
        out.push({
          urn: p.urn,
          message: `Neon project ${p.name} has region ${JSON.stringify(regionId)}, which is not a Neon region; set the tenant's region to one in tenants/regions.ts`,
        });
        continue;
      }
      if (region.status.state !== "active") {
        out.push({
          urn: p.urn,
          message: `Neon project ${p.name} is in ${region.id}, which is retired (${region.status.reason}); move the tenant to an active region in its jurisdiction`,
        });
      }
      if (parent?.type === TYPES.devTestProject) continue; // test data only: no tenant residency applies
      if (!residency) {
        out.push({ urn: p.urn, message: `Neon project ${p.name} has no tenant residency to check against; declare it through the TenantDatabase component` });
        continue;
      }
      if (!config.allowedResidencies.includes(residency)) {
        out.push({
          urn: p.urn,
          message: `Neon project ${p.name} belongs to a tenant with residency ${residency}, which this stack does not allow (${config.allowedResidencies.join(", ") || "none"}); add it to tenant-fleet:allowedResidencies and the policy config after review, or move the tenant to another stack`,
        });
      }
      if (!liesIn(region, residency)) {
        out.push({
          urn: p.urn,
          message: `Neon project ${p.name} is in ${region.id} (${region.city}, ${region.country}), outside its tenant's residency ${residency}; choose a region that serves ${residency}`,
        });
      }
    }
    return out;
  },
};
