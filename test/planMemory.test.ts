/** The plan's memory model and the loader's refusal of a stack its CI runner cannot plan. */
import { describe, expect, it } from "vitest";
import {
  maxTenantsWithin,
  PLAN_MEMORY_BUDGET_MIB,
  PLAN_MEMORY_ENV,
  PLAN_MEMORY_MODEL,
  planMemoryBudgetMiB,
  planPeakMiB,
  shardsNeeded,
  STANDARD_RUNNER_MEMORY_GB,
} from "../src/core/planMemory";
import { fleetContext } from "../src/plan/inputs";
import { parseTenants } from "../tenants/load";
import { formatProblem } from "../src/core/diagnostics/problems";
import { ACME, NORTHWIND, fleetYaml } from "./helpers";

describe("the plan's memory model", () => {
  it("leaves the runner's operating system and the engine room: the budget is under the private runner's memory", () => {
    const runnerMiB = (STANDARD_RUNNER_MEMORY_GB.private * 1e9) / 2 ** 20;
    expect(PLAN_MEMORY_BUDGET_MIB).toBeLessThan(runnerMiB);
    expect(STANDARD_RUNNER_MEMORY_GB.public).toBeGreaterThan(STANDARD_RUNNER_MEMORY_GB.private);
  });

  it("grows by the per-1,000 figure from the fixed part", () => {
    expect(planPeakMiB(0)).toBe(PLAN_MEMORY_MODEL.fixedMiB);
    expect(planPeakMiB(2000) - planPeakMiB(1000)).toBeCloseTo(PLAN_MEMORY_MODEL.perThousandTenantsMiB);
  });

  it("fits the most tenants whose estimate is within the budget, and not one more", () => {
    const max = maxTenantsWithin();
    expect(planPeakMiB(max)).toBeLessThanOrEqual(PLAN_MEMORY_BUDGET_MIB);
    expect(planPeakMiB(max + 1)).toBeGreaterThan(PLAN_MEMORY_BUDGET_MIB);
    expect(maxTenantsWithin(PLAN_MEMORY_MODEL.fixedMiB - 1)).toBe(0);
  });

  it("counts the shards a fleet needs: one up to the maximum, then one more per maximum", () => {
    const max = maxTenantsWithin();
    expect(shardsNeeded(1)).toBe(1);
    expect(shardsNeeded(max)).toBe(1);
    expect(shardsNeeded(max + 1)).toBe(2);
    expect(shardsNeeded(2 * max + 1)).toBe(3);
    expect(shardsNeeded(10, PLAN_MEMORY_MODEL.fixedMiB)).toBe(Infinity);
  });

  it("takes a larger runner's budget from the environment, and refuses a value that is not one", () => {
    expect(planMemoryBudgetMiB({})).toBe(PLAN_MEMORY_BUDGET_MIB);
    expect(planMemoryBudgetMiB({ [PLAN_MEMORY_ENV]: "" })).toBe(PLAN_MEMORY_BUDGET_MIB);
    expect(planMemoryBudgetMiB({ [PLAN_MEMORY_ENV]: "14336" })).toBe(14336);
    for (const bad of ["14 GiB", "512", "-1", "1e4"])
      expect(() => planMemoryBudgetMiB({ [PLAN_MEMORY_ENV]: bad })).toThrow(
        `environment:1:1: ${PLAN_MEMORY_ENV}: ${JSON.stringify(bad)} is not a whole number of MiB of at least 1024: set the memory one plan may take on the runner, or unset it for ${PLAN_MEMORY_BUDGET_MIB} (a private repository's 7 GB standard runner)`,
      );
  });

  it("is the budget every stack's tenants file is checked against", () => {
    expect(fleetContext({ ...minimalSettings() } as never, "Pulumi.prod.yaml").limits?.planMemoryMiB).toBe(PLAN_MEMORY_BUDGET_MIB);
  });
});

describe("the loader refuses a stack whose plan would not fit (planMemory)", () => {
  // A budget that fits three tenants: the rule and its message at a size a test can write.
  const budget = PLAN_MEMORY_MODEL.fixedMiB + (PLAN_MEMORY_MODEL.perThousandTenantsMiB * 3.5) / 1000;
  const tenants = (count: number) => Array.from({ length: count }, (_, i) => ({ ...(i % 2 ? NORTHWIND : ACME), id: `t${i}`, name: `T${i}` }));

  it("plans as many tenants as fit", () => {
    expect(maxTenantsWithin(budget)).toBe(3);
    const r = parseTenants(fleetYaml(tenants(3)), "t.yaml", { limits: { planMemoryMiB: budget } });
    expect(r.fleet?.tenants).toHaveLength(3);
    expect(r.problems).toEqual([]);
  });

  it("refuses one more before anything is planned, with the estimate, the budget, the runner and the shard settings that fix it", () => {
    const r = parseTenants(fleetYaml(tenants(5)), "t.yaml", { limits: { planMemoryMiB: budget } });
    expect(r.fleet).toBeUndefined();
    const estimate = Math.round(planPeakMiB(5)).toLocaleString("en-US");
    expect(r.problems.map(formatProblem)).toEqual([
      `t.yaml:3:3: tenants: this stack holds 5 tenants and planning them takes about ${estimate} MiB (${PLAN_MEMORY_MODEL.fixedMiB} MiB + ${PLAN_MEMORY_MODEL.perThousandTenantsMiB} MiB per 1,000 tenants, npm run bench -- --plan-output), more than the ${Math.round(budget)} MiB a plan may take (${PLAN_MEMORY_ENV}): at most 3 tenants fit one stack; split the fleet into at least 2 stacks with tenant-fleet:shardRegions (this stack's tenants by region: aws-eu-central-1: 3, aws-us-east-2: 2) or tenant-fleet:shardResidencies, one stack per part (docs/scale.md, "Shards")`,
    ]);
  });

  it("names the private runner when the budget is the default", () => {
    const over = maxTenantsWithin() + 1;
    const lines = parseTenants(fleetYaml(tenants(over)), "t.yaml", { limits: { planMemoryMiB: PLAN_MEMORY_BUDGET_MIB } }).problems.map(formatProblem);
    expect(lines.filter((l) => !l.includes(": warning: "))).toEqual([
      expect.stringContaining(
        `more than the 6,144 MiB a plan may take (on a standard GitHub-hosted runner of a private repository, 7 GB): at most ${maxTenantsWithin().toLocaleString("en-US")} tenants fit one stack; split the fleet into at least 2 stacks`,
      ),
    ]);
  });

  it("counts only the tenants this stack owns when shards share the file", () => {
    const shards = {
      stack: "prod-eu",
      owners: (t: { residency?: string }) => [t.residency === "EU" ? "prod-eu" : "prod-us"],
      summary: "prod-eu: residencies EU; prod-us: residencies US",
      countsForSecretLimit: () => false,
    };
    const r = parseTenants(fleetYaml(tenants(6)), "t.yaml", { limits: { planMemoryMiB: budget }, shards });
    expect(r.problems).toEqual([]);
    expect(r.fleet).toBeDefined();
  });
});

function minimalSettings() {
  return {
    allowedResidencies: ["EU"],
    workflows: { migrationWaves: [], repositorySecretHeadroom: 10 },
    secretScope: "environment",
    neonLimits: {},
    devProject: false,
    catalog: false,
    github: { owner: "o", repository: "r" },
    backup: { snapshots: "off" },
  };
}
