import { liesIn, placeOfAwsRegion } from "../../tenants/placement";
import { isBackupBucket, KEPT_TAG, RESIDENCIES_TAG, type Rule } from "./types";

/** A backup bucket serves only tenants whose residency contains the bucket's region. */
export const backupVaultJurisdiction: Rule = {
  name: "backup-vault-jurisdiction",
  description: "A tenant backup bucket lies in an AWS region inside the declared residency of every tenant it serves.",
  enforcementLevel: "mandatory",
  validate(resources) {
    return resources.filter(isBackupBucket).flatMap((bucket) => {
      const region = bucket.props.region as string | undefined;
      const place = region ? placeOfAwsRegion(region) : undefined;
      const residencies = String(bucket.props.tags?.[RESIDENCIES_TAG] ?? "")
        .split(/\s+/)
        .filter(Boolean);
      if (!place)
        return [
          {
            urn: bucket.urn,
            message: `backup bucket ${bucket.name} has no known region (${JSON.stringify(region)}); set the per-resource region of the vault`,
          },
        ];
      if (!residencies.length && bucket.props.tags?.[KEPT_TAG] === "true") return []; // kept after its last tenant left: serves nobody now
      if (!residencies.length)
        return [
          {
            urn: bucket.urn,
            message: `backup bucket ${bucket.name} does not say which residencies it serves (tag ${RESIDENCIES_TAG}); build vaults with the BackupVault component`,
          },
        ];
      const outside = residencies.filter((r) => !liesIn(place, r));
      return outside.length
        ? [
            {
              urn: bucket.urn,
              message: `backup bucket ${bucket.name} in ${region} (${place.city}, ${place.country}) serves tenants with residency ${outside.join(", ")}, outside its jurisdiction; keep each tenant's backups in a vault inside its residency`,
            },
          ]
        : [];
    });
  },
};
