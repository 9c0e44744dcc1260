import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ALL_REGION_IDS, KNOWN_JURISDICTIONS, NEON_REGIONS, VAULT_REGIONS, findRegion } from "../tenants/regions";
import { backupRegionOf, liesIn, placementOf, placeOfAwsRegion } from "../tenants/placement";

describe("placement", () => {
  it("keeps backups inside every residency the database lies in, for every region and residency", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_REGION_IDS), fc.constantFrom(...KNOWN_JURISDICTIONS, "FR", "US", "XX"), (region, residency) => {
        const p = placementOf({ region, residency });
        expect(p.database.region).toBe(region);
        expect(p.backup.awsRegion).toBe(backupRegionOf(region));
        if (p.database.inResidency) expect(p.backup.inResidency).toBe(true);
        expect(p.held).toBe(p.database.inResidency && p.backup.inResidency);
        expect(p.database.inResidency).toBe(liesIn(findRegion(region)!, residency));
        expect(p.backup.inResidency).toBe(liesIn(placeOfAwsRegion(p.backup.awsRegion)!, residency));
      }),
    );
  });

  it("places a retired Azure region's backups by the AWS table, not by a Neon region of the same name", () => {
    const p = placementOf({ region: "azure-gwc", residency: "EU" });
    expect(p.database).toMatchObject({ city: "Frankfurt", country: "DE", inResidency: true });
    expect(p.backup).toMatchObject({ awsRegion: "eu-central-1", city: "Frankfurt", country: "DE", inResidency: true });
    expect(placementOf({ region: "azure-westus3", residency: "US" }).backup).toMatchObject({ awsRegion: "us-west-2", city: "Oregon" });
  });

  it("says when a placement leaves the residency", () => {
    const p = placementOf({ region: "aws-eu-west-2", residency: "EU" });
    expect(p).toMatchObject({ held: false, database: { inResidency: false, country: "GB" }, backup: { inResidency: false, awsRegion: "eu-west-2" } });
  });

  it("has a vault region for every Neon region's backups, and no vault region nothing sends backups to", () => {
    expect([...new Set(NEON_REGIONS.map((r) => backupRegionOf(r.id)))].sort()).toEqual([...VAULT_REGIONS]);
  });

  it("knows no place for an unknown region (policy input)", () => {
    expect(findRegion("aws-mars-1")).toBeUndefined();
    expect(placeOfAwsRegion("toString")).toBeUndefined();
    expect(placeOfAwsRegion("mars-1")).toBeUndefined();
  });
});
