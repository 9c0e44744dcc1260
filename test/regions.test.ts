import { describe, expect, it } from "vitest";
import { NEON_REGIONS, ACTIVE_REGION_IDS, activeRegionsFor, canonicalResidency, findRegion, isResidency, residencyName } from "../tenants/regions";

describe("region catalog", () => {
  it("lists Neon's AWS regions as active and its Azure regions as retired with the date and reason", () => {
    expect(ACTIVE_REGION_IDS).toEqual([
      "aws-us-east-1",
      "aws-us-east-2",
      "aws-us-west-2",
      "aws-eu-central-1",
      "aws-eu-west-2",
      "aws-ap-southeast-1",
      "aws-ap-southeast-2",
      "aws-sa-east-1",
    ]);
    for (const id of ["azure-eastus2", "azure-westus3", "azure-gwc"]) {
      const r = findRegion(id)!;
      expect(r.status).toMatchObject({ state: "retired", since: "2026-08-27" });
      expect(r.status.state === "retired" && r.status.reason).toMatch(/2026-04-07/);
    }
  });

  it("maps each region to its AWS backup region in the same country", () => {
    for (const r of NEON_REGIONS) {
      if (r.cloud === "aws") expect(`aws-${r.backupAwsRegion}`).toBe(r.id);
      expect(r.jurisdictions).toContain(r.country);
    }
    expect(findRegion("aws-eu-central-1")).toMatchObject({ city: "Frankfurt", country: "DE", jurisdictions: ["DE", "EU"] });
    expect(findRegion("aws-eu-west-2")).toMatchObject({ city: "London", country: "GB", jurisdictions: ["GB"] });
  });

  it("answers which active regions serve a residency", () => {
    expect(activeRegionsFor("EU").map((r) => r.id)).toEqual(["aws-eu-central-1"]);
    expect(activeRegionsFor("US").map((r) => r.id)).toEqual(["aws-us-east-1", "aws-us-east-2", "aws-us-west-2"]);
    expect(activeRegionsFor("FR")).toEqual([]);
  });

  it("knows residency codes", () => {
    expect(isResidency("EU")).toBe(true);
    expect(isResidency("FR")).toBe(true);
    expect(isResidency("XK")).toBe(false);
    expect(isResidency("UK")).toBe(false);
    expect(canonicalResidency("UK")).toBe("GB");
    expect(canonicalResidency("GB")).toBeUndefined();
    expect(isResidency("ZZ")).toBe(false);
    expect(residencyName("DE")).toBe("Germany");
    expect(residencyName("EU")).toBe("European Union");
  });
});
