/** The GitHub API model of `npm run bench -- --api`: every GitHub type the program registers is counted, and the arithmetic is right. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { budgetOf, changeBudget, GITHUB_CALLS, minimumMinutes, unknownTypes, type PlannedResource } from "../src/tools/bench/githubApi";
import { syntheticTenantsYaml } from "../src/tools/bench/syntheticFleet";
import { runProgram } from "./program";

const SECRET = "github:index/actionsSecret:ActionsSecret";
const FILE = "github:index/repositoryFile:RepositoryFile";

describe("the GitHub API model", () => {
  it("knows the calls of every GitHub type the program registers, in every scope", async () => {
    for (const overrides of [["secretScope=repository"], ["secretScope=environment"]]) {
      const prod = await runProgram("prod", overrides);
      expect(unknownTypes(prod.resources)).toEqual([]);
    }
    const dev = await runProgram("dev", ["devNeonApiKey=k"]);
    expect(unknownTypes(dev.resources)).toEqual([]);
    for (const [type, calls] of Object.entries(GITHUB_CALLS)) {
      expect(calls.create.writes, type).toBe(1);
      expect(calls.refresh.writes, type).toBe(0);
      expect(calls.source, type).toMatch(/^resource_github_\w+\.go: /);
    }
  });

  it("counts a fresh up, a refresh, and a change as created, updated and deleted resources", () => {
    const a: PlannedResource[] = [
      { type: SECRET, name: "a", inputs: { v: 1 } },
      { type: SECRET, name: "b", inputs: { v: 1 } },
      { type: FILE, name: "w1", inputs: { content: "x" } },
      { type: "aws:s3/bucket:Bucket", name: "not-github" },
    ];
    expect(budgetOf(a, "create")).toMatchObject({ reads: 3 + 3 + 5, writes: 3 });
    expect(budgetOf(a, "refresh")).toMatchObject({ reads: 1 + 1 + 2, writes: 0 });
    const b: PlannedResource[] = [a[0], { type: SECRET, name: "c", inputs: { v: 1 } }, { type: FILE, name: "w1", inputs: { content: "y" } }];
    const change = changeBudget(a, b);
    // c created (3 reads, 1 write), w1 updated (2 reads, 1 write), b deleted (1 write), a untouched.
    expect(change).toMatchObject({ reads: 5, writes: 3, filesWritten: 1 });
    expect(change.byType[SECRET]).toEqual({ resources: 2, reads: 3, writes: 2 });
  });

  it("bounds the wall-clock by the tightest of GitHub's limits", () => {
    expect(minimumMinutes({ reads: 5000, writes: 0 }, 5000)).toEqual({ minutes: 60, bound: "5,000 requests/hour" });
    expect(minimumMinutes({ reads: 0, writes: 1000 }, 15000).bound).toBe("500 writes/hour (if all count as content)");
    expect(minimumMinutes({ reads: 0, writes: 1000 }, 15000).minutes).toBe(120);
    expect(minimumMinutes({ reads: 9000, writes: 0 }, 1_000_000)).toEqual({ minutes: 10, bound: "900 points/minute" });
  });

  it("adds one tenant right after the one at addedAt, and nothing else", () => {
    const base = parse(syntheticTenantsYaml(10)).tenants as { id: string }[];
    const added = parse(syntheticTenantsYaml(10, { addedAt: 4 })).tenants as { id: string; status: string }[];
    expect(added.map((t) => t.id)).toEqual([...base.slice(0, 5).map((t) => t.id), "t-000004-added", ...base.slice(5).map((t) => t.id)]);
    expect(added[5].status).toBe("active");
  });
});
