/** The first real pull request after npm run init: the starter (example: true) was never deployed, so the diff from it has nothing to acknowledge. */
import { describe, expect, it } from "vitest";
import { comparableBase } from "../src/review/exampleBase";
import { diffFleets, diffPasses, type Side } from "../src/review/diff";
import { parseTenants } from "../tenants/load";

// npm run init's starter, and the team's first real file: the starter's tenant gone, two customers instead.
const STARTER = [
  "version: 1",
  "example: true",
  "tenants:",
  "  - id: first-customer",
  "    name: First Customer",
  "    region: aws-eu-central-1",
  "    residency: EU",
  "    status: active",
  "",
].join("\n");
const FIRST_REAL = [
  "version: 1",
  "defaults:",
  "  backup: { schedule: '17 3 * * *', retentionDays: 30 }",
  "tenants:",
  "  - { id: northwind, name: Northwind, region: aws-eu-central-1, residency: EU, status: active }",
  "  - { id: contoso, name: Contoso, region: aws-us-east-2, residency: US, status: active }",
  "",
].join("\n");

const side = (text: string): Side => ({ fleet: parseTenants(text, "tenants/acme.yaml").fleet!, stack: { neonOrgId: "org-a-1", protect: true } });

describe("an example base side", () => {
  it("is compared with nothing when the head makes the fleet real: no acknowledgement asked", () => {
    const before = side(STARTER);
    const after = side(FIRST_REAL);
    // What the review asked before: the starter's tenant removed, destructive and unacknowledged.
    const old = diffFleets(before, after);
    expect(diffPasses(old)).toBe(false);
    expect(old.tenants.find((t) => t.id === "first-customer")?.change).toBe("removed");

    const base = comparableBase(before, after, "tenants/acme.yaml");
    expect(base).toEqual({ before: undefined, note: expect.stringContaining("tenants/acme.yaml is an example fleet (example: true)") });
    const diff = diffFleets((base as { before: Side | undefined }).before, after);
    expect(diffPasses(diff)).toBe(true);
    expect(diff.summary).toMatchObject({ added: 2, removed: 0, destructive: 0, unacknowledged: 0 });
  });

  it("leaves two examples, and two real fleets, compared as ever", () => {
    const a = side(STARTER);
    expect(comparableBase(a, side(STARTER.replace("First Customer", "Renamed")), "f")).toEqual({ before: a });
    const real = side(FIRST_REAL);
    expect(comparableBase(real, side(FIRST_REAL), "f")).toEqual({ before: real });
    expect(comparableBase(undefined, real, "f")).toEqual({ before: undefined });
  });

  it("refuses to mark a real fleet as an example", () => {
    const r = comparableBase(side(FIRST_REAL), side(STARTER), "tenants/acme.yaml");
    expect(r).toEqual({
      refusal: expect.stringMatching(/^tenants\/acme\.yaml: example: true marks a fleet that is real at the base as an example; .*Remove example: true/),
    });
  });
});
