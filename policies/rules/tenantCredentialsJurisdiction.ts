import { liesIn, placeOfAwsRegion } from "../../tenants/placement";
import type { Rule } from "./types";

export const CREDENTIAL_PARAMETER = "aws:ssm/parameter:Parameter";
/** Tags TenantCredentials sets on each parameter: whose string it is, and where that tenant's data must stay. */
export const TENANT_TAG = "tenant-fleet:tenant";
export const RESIDENCY_TAG = "tenant-fleet:residency";

/**
 * A tenant's connection string (region scope) is an SSM SecureString under a
 * customer-managed key, in an AWS region inside the tenant's declared residency.
 */
export const tenantCredentialsJurisdiction: Rule = {
  name: "tenant-credentials-jurisdiction",
  description:
    "A tenant's connection string kept in SSM is a SecureString under a customer-managed key, in an AWS region inside the tenant's declared residency.",
  enforcementLevel: "mandatory",
  validate(resources) {
    return resources
      .filter((r) => r.type === CREDENTIAL_PARAMETER && r.props.tags?.[TENANT_TAG] !== undefined)
      .flatMap((p) => {
        const tenant = String(p.props.tags[TENANT_TAG]);
        const region = p.props.region as string | undefined;
        const place = region ? placeOfAwsRegion(region) : undefined;
        const residency = p.props.tags?.[RESIDENCY_TAG] as string | undefined;
        const out: { urn: string; message: string }[] = [];
        if (p.props.type !== "SecureString")
          out.push({
            urn: p.urn,
            message: `parameter ${p.props.name} holds tenant ${tenant}'s connection string as ${JSON.stringify(p.props.type)}; it must be a SecureString`,
          });
        if (!p.props.keyId)
          out.push({
            urn: p.urn,
            message: `parameter ${p.props.name} of tenant ${tenant} is encrypted with AWS's default key; name the region's credentials key (keyId)`,
          });
        if (!place)
          out.push({
            urn: p.urn,
            message: `parameter ${p.props.name} of tenant ${tenant} has no known region (${JSON.stringify(region)}); set the per-resource region`,
          });
        else if (!residency)
          out.push({
            urn: p.urn,
            message: `parameter ${p.props.name} of tenant ${tenant} does not say its tenant's residency (tag ${RESIDENCY_TAG}); build credentials with the TenantCredentials component`,
          });
        else if (!liesIn(place, residency))
          out.push({
            urn: p.urn,
            message: `parameter ${p.props.name} of tenant ${tenant} is in ${region} (${place.city}, ${place.country}), outside its residency ${residency}; keep a tenant's credentials in its backup region`,
          });
        return out;
      });
  },
};
