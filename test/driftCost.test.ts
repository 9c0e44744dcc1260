/**
 * The drift run's API cost model (src/review/drift/cost.ts): calls per service from resource
 * counts, the projection to 1,000 and 10,000 tenants, and the budgets' arithmetic.
 */
import { describe, expect, it } from "vitest";
import { PAGE_LIMIT } from "../src/operations/adopt/reader";
import { DRIFT_TYPES } from "../src/review/drift/classify";
import { costMarkdown, countTypes, driftCost, ISSUE_JOB_CALLS, NEON_PROBE_CALLS, projectCounts, READS } from "../src/review/drift/cost";
import { budgetOf } from "../src/tools/bench/githubApi";
import { runProgram } from "./program";

const P = "neon:index/project:Project";
const ENV = "github:index/repositoryEnvironment:RepositoryEnvironment";
const SECRET = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
const BUCKET = "aws:s3/bucket:Bucket";

describe("driftCost", () => {
  it("multiplies each type's reads by its count, adds the pace's timed calls, the project listing and the issue", () => {
    const c = driftCost({ [P]: 10, [ENV]: 10, [SECRET]: 10, [BUCKET]: 2, "pulumi:providers:neon": 1, "tenant-fleet:index:TenantDatabase": 10 }, 10, PAGE_LIMIT);
    expect(c.services).toEqual([
      { service: "neon", calls: 10 * 4 + 1 + NEON_PROBE_CALLS, budgetMinutes: ((41 + NEON_PROBE_CALLS) / 700) * 1 },
      { service: "github", calls: 10 * 1 + 10 * 1 + ISSUE_JOB_CALLS, budgetMinutes: (23 / 5000) * 60 },
      { service: "aws", calls: 2 * 15 },
    ]);
    expect(c.unknown).toEqual([]);
  });

  it("pages the organisation's projects PAGE_LIMIT at a time", () => {
    expect(driftCost({ [P]: 10_000 }, 10_000, PAGE_LIMIT).services[0].calls).toBe(40_000 + Math.ceil(10_000 / PAGE_LIMIT) + NEON_PROBE_CALLS);
  });

  it("names a type it has no reads for instead of counting it as free", () => {
    expect(driftCost({ "aws:rds/instance:Instance": 1 }, 1, PAGE_LIMIT).unknown).toEqual(["aws:rds/instance:Instance"]);
  });

  it("counts a refresh's GitHub calls as the bench does (one declaration: READS), in both secret scopes", async () => {
    for (const scope of ["environment", "repository"]) {
      const plan = await runProgram("prod", [`secretScope=${scope}`]);
      const counts = countTypes(plan.resources.map((r) => ({ type: r.type, key: r.urn })));
      const github = driftCost(counts, 6, PAGE_LIMIT).services.find((s) => s.service === "github")!;
      const bench = budgetOf(plan.resources, "refresh");
      expect(bench.reads, scope).toBeGreaterThan(0);
      expect(github.calls - ISSUE_JOB_CALLS, scope).toBe(bench.reads);
    }
  }, 60_000);

  it("reads an environment secret with one call: the provider keeps the repository's id in state", () => {
    expect(READS[SECRET].calls).toBe(1);
    expect(READS[SECRET].source).toMatch(/actions_environment_secret\.go Read L209-L254: GetEnvSecret/);
  });

  it("knows the same types as the drift table", () => {
    expect(Object.keys(READS).sort()).toEqual(Object.keys(DRIFT_TYPES).sort());
  });
});

describe("the projection to 1,000 and 10,000 tenants", () => {
  it("scales per-tenant types and keeps the vaults and roles", () => {
    expect(projectCounts({ [P]: 6, [ENV]: 5, [BUCKET]: 5 }, 6, 10_000)).toEqual({ [P]: 10_000, [ENV]: 8334, [BUCKET]: 5 });
  });

  it("gives the sample prod stack's calls (the figures docs/drift.md quotes)", async () => {
    const plan = await runProgram("prod");
    const counts = countTypes(plan.resources.map((r) => ({ type: r.type, key: r.urn })));
    const at = (n: number) => driftCost(projectCounts(counts, 6, n), n, PAGE_LIMIT).services.map((s) => [s.service, s.calls]);
    expect(at(1000)).toEqual([
      ["neon", 4840],
      ["github", 2519],
      ["aws", 139],
    ]);
    expect(at(10_000)).toEqual([
      ["neon", 48_362],
      ["github", 25_019],
      ["aws", 139],
    ]);
    const table = costMarkdown([1000, 10_000].map((n) => driftCost(projectCounts(counts, 6, n), n, PAGE_LIMIT)));
    expect(table).toContain("| neon | 700 a minute per Neon account | 4,840 (6.9 min) | 48,362 (69.1 min) |");
    expect(table).toContain("| github | 5,000 an hour per App installation | 2,519 (30.2 min) | 25,019 (5.0 h) |");
  }, 60_000);
});
