/**
 * npm run init's sizing (src/tools/bench/sizing.ts): the sample prod stack planned once per
 * scope with one and two synthetic tenants, then sized for fleets from ten to ten thousand.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planScopes, sizeFromPlans, sizingReport, type ScopePlans, type SettingsIn } from "../src/tools/bench/sizing";
import { readStackConfig } from "../src/core/config/stackFiles";
import { parseStackSettingsOrThrow, projectSettings } from "../src/core/config/settings";
import { RECOMMENDED_STACK_SIZE } from "../src/plan/inputs";
import { ROOT } from "./program";

const settingsIn: SettingsIn = (scope) => {
  const cfg = readStackConfig(ROOT, "prod", [`secretScope=${scope}`]);
  return {
    settings: parseStackSettingsOrThrow(projectSettings(cfg.config), { stack: "prod", file: cfg.stackFile, text: cfg.stackFileText }),
    config: cfg.config,
  };
};

let plans: ScopePlans;
beforeAll(async () => {
  plans = await planScopes(settingsIn);
}, 600_000);

describe("sizing a stack for its fleet", () => {
  it("counts what one more tenant registers in GitHub in each scope, from the program's own plans", () => {
    const s = sizeFromPlans(10, plans, settingsIn);
    // environment: the tenant's environment, its branch policy and its secret; region: nothing in GitHub.
    expect(s.scopes.map((x) => [x.scope, x.perTenant])).toEqual([
      ["environment", 3],
      ["region", 0],
    ]);
    expect(plans.environment[1].length - plans.environment[0].length).toBe(3);
  });

  it("keeps secrets per GitHub environment for a small fleet, where every cost fits", () => {
    const s = sizeFromPlans(10, plans, settingsIn);
    expect(s.chosen).toBe("environment");
    expect(s.scopes[0].misses).toEqual([]);
    expect(s.shards).toBe(1);
    expect(sizingReport(s).at(-1)).toMatch(
      /^ {2}chosen: environment, the first scope that fits every target \(first up under 15 min; a night under 60 billed min/,
    );
  });

  it("moves to the region scope in the hundreds, saying which targets the environment scope misses and by how much", () => {
    const s = sizeFromPlans(300, plans, settingsIn);
    expect(s.chosen).toBe("region");
    const env = s.scopes[0];
    // Per tenant: a GitHub environment, a branch policy and a secret, created one write each after reads.
    expect(env.resources).toBe(plans.environment[0].length + 3 * 299);
    expect(env.misses.join("; ")).toMatch(
      /first pulumi up needs at least \d+ min of GitHub's API \(target 15\); a night of backups bills \d+ runner-minutes \(target 60\)/,
    );
    expect(s.scopes[1].resources).toBe(plans.region[0].length);
    const report = sizingReport(s);
    expect(report[0]).toBe("sizing for 300 tenants:");
    expect(report[1]).toMatch(/^ {2}environment 3 GitHub resource\(s\) per tenant; first up [\d,]+ GitHub calls, at least [\d.]+ min \(500 writes\/hour/);
  });

  it("shards past the recommended stack size and sizes each stack for its share", () => {
    const s = sizeFromPlans(5000, plans, settingsIn);
    expect(s.shards).toBe(Math.ceil(5000 / RECOMMENDED_STACK_SIZE));
    expect(s.chosen).toBe("region");
    expect(s.scopes[1].runners.tenants).toBe(RECOMMENDED_STACK_SIZE);
    const report = sizingReport(s);
    expect(report[0]).toBe("sizing for 5,000 tenants (2,000 per stack):");
    expect(report.at(-1)).toBe(
      '  shards: 3 stacks of at most 2,000 tenants; this stack is the first: add the others with npm run init -- --stack <name> and split the fleet with tenant-fleet:shardResidencies or shardRegions (docs/scale.md "Shards")',
    );
  });
});
