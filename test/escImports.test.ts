// The review of a stack file's Pulumi ESC imports (hostile review of issue 34): the settings the
// review cannot read offline are never taken for their defaults.
import { describe, expect, it } from "vitest";
import { escChanges } from "../src/review/escImports";
import { diffFleets } from "../src/review/diff";
import { parseTenants } from "../tenants/load";
import { ACME, fleetYaml } from "./helpers";

const STACK = "config:\n  tenant-fleet:protect: true\n  tenant-fleet:tenantsFile: tenants/tenants.yaml\n";
const IMPORTING = "environment:\n  - acme/prod-overrides\nconfig:\n  tenant-fleet:tenantsFile: tenants/tenants.yaml\n";
const settings = (text: string) =>
  Object.fromEntries([...text.matchAll(/tenant-fleet:(\w+): (.+)/g)].map((m) => [m[1], m[2]])) as Record<string, string | undefined>;

describe("ESC imports in the review", () => {
  it("makes adding imports, and a setting dropped while they exist, destructive (esc)", () => {
    const changes = escChanges({ stackText: STACK, settings: settings(STACK) }, { stackText: IMPORTING, settings: settings(IMPORTING) });
    expect(changes).toMatchObject([
      { field: "environment", before: undefined, after: "acme/prod-overrides", class: "destructive", kind: "esc" },
      { field: "tenant-fleet:protect", before: "true", after: undefined, class: "destructive", kind: "esc", why: expect.stringMatching(/not the default/) },
    ]);
  });

  it("reads the imports form too, and says nothing when neither side imports", () => {
    const imports = "environment:\n  imports:\n    - acme/a\n    - acme/b\nconfig: {}\n";
    expect(escChanges({ stackText: IMPORTING }, { stackText: imports })).toMatchObject([
      { field: "environment", before: "acme/prod-overrides", after: "acme/a, acme/b", kind: "esc" },
    ]);
    expect(escChanges({ stackText: STACK, settings: settings(STACK) }, { stackText: STACK, settings: {} })).toEqual([]);
    expect(escChanges({ stackText: IMPORTING }, { stackText: STACK })).toMatchObject([{ field: "environment", class: "safe" }]);
  });

  it("fails the tenant diff of a head that swaps protect: true for an ESC import (it passed as 'no change')", () => {
    const fleet = parseTenants(fleetYaml([ACME]), "tenants.yaml").fleet!;
    const side = (text: string) => ({ fleet, stack: { protect: true, settings: settings(text) }, source: { stackText: text } });
    const diff = diffFleets(side(STACK), side(IMPORTING));
    expect(diff.summary).toMatchObject({ destructive: 2, unacknowledged: 2 });
    expect(diff.stack.map((c) => c.kind)).toEqual(["esc", "esc"]);
  });
});
