/**
 * The widening of the workflow roles to whole retention classes (issue 34): warned before
 * any resource, at the stack file's shard setting, naming the setting and the split that
 * brings per-tenant grants back; decided as components/workflowRoles.ts grants.
 */
import { describe, expect, it } from "vitest";
import { parseStackSettings } from "../src/core/config/settings";
import { formatProblem } from "../src/core/diagnostics/problems";
import { grantScopeProblem, stackGrantScopes } from "../src/plan/grantScopeWarning";
import { parseTenants } from "../tenants/load";
import { fleetYaml } from "./helpers";

const DEPLOY = "arn:aws:iam::123456789012:role/tenant-fleet-deploy";
const STACK_FILE = `config:\n  tenant-fleet:githubOwner: example-saas\n  tenant-fleet:githubRepository: app\n  tenant-fleet:secretScope: environment\n`;
const source = { stack: "prod", file: "Pulumi.prod.yaml", text: STACK_FILE };
const raw = { githubOwner: "example-saas", githubRepository: "app", secretScope: "environment", keyAdministrators: JSON.stringify([DEPLOY]) };

/** `n` active tenants, alternating between Frankfurt (EU) and Ohio (US). */
function fleet(n: number) {
  const tenants = Array.from({ length: n }, (_, i) => ({
    id: `tenant-${String(i).padStart(3, "0")}`,
    name: `Tenant ${i}`,
    region: i % 2 ? "aws-us-east-2" : "aws-eu-central-1",
    residency: i % 2 ? "US" : "EU",
    status: "active",
  }));
  const r = parseTenants(fleetYaml(tenants), "tenants/tenants.yaml");
  if (!r.fleet) throw new Error(r.problems.map(formatProblem).join("\n"));
  return r.fleet;
}

describe("the class-scope widening warning", () => {
  const settings = parseStackSettings(raw, source).settings!;

  it("is silent while per-tenant grants fit", () => {
    expect(stackGrantScopes(settings, fleet(20))).toEqual({ backupWriter: "tenant", drillReader: "tenant", migrator: "tenant" });
    expect(grantScopeProblem(settings, fleet(20), source)).toBeUndefined();
  });

  it("past the inline policy size: positioned at the stack file, naming the shard setting and the split", () => {
    const big = fleet(240);
    expect(stackGrantScopes(settings, big)).toMatchObject({ backupWriter: "class" });
    const p = grantScopeProblem(settings, big, source)!;
    // Not sharded: the start of the config block (where the shard setting goes).
    expect(formatProblem(p)).toMatch(
      /^Pulumi\.prod\.yaml:2:3: warning: tenant-fleet:shardRegions: the backup writer role and the drill reader role of this stack's 240 tenants are granted whole retention classes/,
    );
    expect(p.message).toContain("split it with tenant-fleet:shardRegions (this stack's tenants by region: aws-eu-central-1: 120, aws-us-east-2: 120)");
    expect(p.message).toContain('docs/scale.md, "Shards"');
  });

  it("a shard already set: points at its line", () => {
    const text = `${STACK_FILE}  tenant-fleet:shardResidencies: [EU, US]\n`;
    const sharded = parseStackSettings({ ...raw, shardResidencies: '["EU","US"]' }, { ...source, text }).settings!;
    const p = grantScopeProblem(sharded, fleet(240), { ...source, text })!;
    expect(p).toMatchObject({ file: "Pulumi.prod.yaml", line: 5, col: 34, path: "tenant-fleet:shardResidencies" });
    expect(p.message).toContain("(this stack's tenants by residency: EU: 120, US: 120)");
  });
});
