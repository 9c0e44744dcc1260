/** The text plan's resource tree: the lines `npm run plan` prints under "Resources". */
import { describe, expect, it } from "vitest";
import { resourceTree } from "../src/engine/planReport";
import type { RecordedOptions, RecordedResource } from "../src/engine/offline";

const STACK = "urn:pulumi:prod::tenant-fleet::pulumi:pulumi:Stack::tenant-fleet-prod";
const NO_OPTIONS: RecordedOptions = { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [] };

function resource(type: string, name: string, parentUrn: string, options: Partial<RecordedOptions> = {}): RecordedResource {
  return {
    type,
    name,
    urn: `urn:pulumi:prod::tenant-fleet::${type}::${name}`,
    parent: parentUrn.split("::").pop()!,
    parentUrn,
    custom: !type.startsWith("tenant-fleet:"),
    inputs: {},
    wireInputs: {},
    options: { ...NO_OPTIONS, ...options },
    additionalSecretOutputs: [],
    propertyDependencies: {},
    dependencies: [],
    aliases: [],
  };
}

describe("resourceTree", () => {
  it("puts each resource under its parent, siblings in registration order, with its options", () => {
    const a = resource("tenant-fleet:index:Tenant", "acme", STACK);
    const b = resource("tenant-fleet:index:Tenant", "globex", STACK);
    const project = resource("neon:index/project:Project", "acme", a.urn, { protect: true, retainOnDelete: true });
    const role = resource("neon:index/role:Role", "acme-app", project.urn, { ignoreChanges: ["password"] });
    const secret = resource("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret", "acme-url", a.urn, { import: "app:prod:ACME" });
    const other = resource("neon:index/project:Project", "globex", b.urn);
    // Registrations interleave: a later tenant's resources come before an earlier tenant's children.
    expect(resourceTree([a, b, other, project, secret, role])).toEqual([
      "  tenant-fleet:index:Tenant  acme",
      "    neon:index/project:Project  acme  [protected; retained on delete]",
      "      neon:index/role:Role  acme-app  [ignores password]",
      "    github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret  acme-url  [imports app:prod:ACME]",
      "  tenant-fleet:index:Tenant  globex",
      "    neon:index/project:Project  globex",
    ]);
  });

  it("lists at the top level every resource whose parent is not in the run (the stack, or a parent never registered)", () => {
    const provider = resource("pulumi:providers:neon", "neon", STACK);
    const orphan = resource("aws:s3/bucket:Bucket", "vault", "urn:pulumi:prod::tenant-fleet::tenant-fleet:index:Gone::gone");
    expect(resourceTree([provider, orphan])).toEqual(["  pulumi:providers:neon  neon", "  aws:s3/bucket:Bucket  vault"]);
    expect(resourceTree([])).toEqual([]);
  });

  it("prints a deep, wide tree whole: 20,000 resources, each line once", () => {
    const tenants = Array.from({ length: 5000 }, (_, i) => resource("tenant-fleet:index:Tenant", `t-${i}`, STACK));
    const children = tenants.flatMap((t) => [resource("neon:index/project:Project", t.name, t.urn), resource("neon:index/role:Role", t.name, t.urn)]);
    const grandchildren = children.filter((_, i) => i % 2 === 0).map((p) => resource("neon:index/database:Database", p.name, p.urn));
    const lines = resourceTree([...tenants, ...children, ...grandchildren]);
    expect(lines).toHaveLength(20_000);
    expect(lines.slice(0, 4)).toEqual([
      "  tenant-fleet:index:Tenant  t-0",
      "    neon:index/project:Project  t-0",
      "      neon:index/database:Database  t-0",
      "    neon:index/role:Role  t-0",
    ]);
    expect(lines.at(-1)).toBe("    neon:index/role:Role  t-4999");
  });
});
