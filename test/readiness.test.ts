/**
 * src/operations/readiness.ts, pure: which ready statuses a deploy owes (docs/signup.md, "The
 * application learns it is ready"). The script around it is tested in test/deployReady.test.ts.
 * GitHub's rules these functions rely on:
 * - a status's description is at most 140 characters
 *   (https://docs.github.com/en/rest/commits/statuses#create-a-commit-status);
 * - List commit statuses for a reference answers every status of the commit with its `creator`
 *   (https://docs.github.com/en/rest/commits/statuses#list-commit-statuses-for-a-reference);
 * - Get a workflow run answers its `path` (the workflow file, `@<ref>` possibly appended),
 *   `event`, `head_branch` and `head_sha`
 *   (https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run); every workflow
 *   of the repository, a pull request's too, posts statuses as github-actions[bot].
 */
import { describe, expect, it } from "vitest";
import {
  activeIds,
  addedTenants,
  announcedTenants,
  boundIndex,
  hasDoneMarker,
  isDeployRun,
  readinessPlan,
  readyDescriptions,
  STATUS_DESCRIPTION_MAX,
  WORKFLOW_TOKEN_LOGIN,
  type DeployRunRule,
  type ListedRun,
  type ListedStatus,
} from "../src/operations/readiness";

const RUNS = "https://github.com/o/r/actions/runs/";
const CONTEXT = "tenant-fleet/ready/prod";
const A = "a".repeat(40);
const B = "b".repeat(40);
const HEAD = "c".repeat(40);
const ok = (description: string, over: Partial<ListedStatus> = {}): ListedStatus => ({
  state: "success",
  context: CONTEXT,
  description,
  target_url: `${RUNS}12`,
  creator: { login: WORKFLOW_TOKEN_LOGIN },
  ...over,
});
const RULE: DeployRunRule = { workflowFile: ".github/workflows/deploy.yml", branch: "main", chain: new Set([HEAD, B, A]) };
const deployRun = (over: Partial<Record<keyof ListedRun, unknown>> = {}): ListedRun => ({
  id: 12,
  path: ".github/workflows/deploy.yml",
  event: "push",
  head_branch: "main",
  head_sha: A,
  ...over,
});
const file = (...entries: string[]) => `version: 1\ntenants:\n${entries.join("")}`;
const tenant = (id: string, status = "active") => `  - { id: ${id}, name: X, region: aws-eu-central-1, residency: EU, status: ${status} }\n`;

describe("the tenants a commit added", () => {
  it("are the ids active in the commit's file and not in its first parent's", () => {
    expect(addedTenants(file(tenant("a")), file(tenant("a"), tenant("c"), tenant("b")))).toEqual(["b", "c"]);
    // A reactivation adds the id back; a retirement adds nothing.
    expect(addedTenants(file(tenant("a", "retired")), file(tenant("a")))).toEqual(["a"]);
    expect(addedTenants(file(tenant("a")), file(tenant("a", "retired")))).toEqual([]);
  });

  it("are none when the parent has no such file (a new or renamed file proves no signup) or either side is not YAML", () => {
    expect(addedTenants(undefined, file(tenant("a")))).toEqual([]);
    expect(addedTenants("tenants: [", file(tenant("a")))).toEqual(["a"]);
    expect(activeIds("tenants: [")).toEqual(new Set());
    expect(activeIds("tenants: 3")).toEqual(new Set());
    expect(addedTenants(file(tenant("a")), "{")).toEqual([]);
  });
});

describe("the tenants a commit's statuses already announced", () => {
  it("are named by success statuses of the context, posted by the workflow token with a run of this repository as target", () => {
    const trusted = (id: string) => id === "12";
    expect(announcedTenants([ok("ready: a, b")], CONTEXT, RUNS, trusted)).toEqual(new Set(["a", "b"]));
    // Without a verified run, nothing counts (hostile4 G4: any workflow posts as the workflow token).
    expect(announcedTenants([ok("ready: a, b")], CONTEXT, RUNS)).toEqual(new Set());
    expect(announcedTenants([ok("ready: a", { target_url: `${RUNS}13` })], CONTEXT, RUNS, trusted)).toEqual(new Set());
    for (const forged of [
      ok("ready: a", { creator: { login: "mallory" } }),
      ok("ready: a", { creator: null }),
      ok("ready: a", { state: "failure" }),
      ok("ready: a", { context: "tenant-fleet/ready/dev" }),
      ok("ready: a", { target_url: "https://evil.example/o/r/actions/runs/12" }),
      ok("ready: a", { target_url: `${RUNS}12/../../other` }),
      ok("not ready: a"),
    ])
      expect(
        announcedTenants([forged], CONTEXT, RUNS, () => true),
        JSON.stringify(forged),
      ).toEqual(new Set());
  });

  it("leave out a name an older, shortened description cut", () => {
    expect(announcedTenants([ok("ready: alpha, beta, gam… (4 tenants)")], CONTEXT, RUNS, () => true)).toEqual(new Set(["alpha", "beta"]));
  });
});

describe("a deploy run (whose statuses count)", () => {
  it("is a push run of deploy.yml on main at a commit of main's first-parent chain", () => {
    expect(isDeployRun(deployRun(), RULE)).toBe(true);
    expect(isDeployRun(deployRun({ path: ".github/workflows/deploy.yml@refs/heads/main" }), RULE)).toBe(true);
    for (const other of [
      deployRun({ event: "pull_request" }),
      deployRun({ path: ".github/workflows/ci.yml" }),
      deployRun({ head_branch: "feature" }),
      // A tag called main reports head_branch main; its commit is not on main's chain.
      deployRun({ head_sha: "d".repeat(40) }),
      deployRun({ path: undefined }),
    ])
      expect(isDeployRun(other, RULE), JSON.stringify(other)).toBe(false);
    expect(isDeployRun(undefined, RULE)).toBe(false);
  });

  it("leaves a ready-done marker that counts only on the run's own commit", () => {
    const DONE = "tenant-fleet/ready-done/prod";
    const marker = ok("the ready step completed", { context: DONE });
    const runOf = (id: string) => (id === "12" ? deployRun() : undefined);
    expect(hasDoneMarker(A, [marker], DONE, RUNS, runOf, RULE)).toBe(true);
    expect(hasDoneMarker(B, [marker], DONE, RUNS, runOf, RULE)).toBe(false);
    expect(hasDoneMarker(A, [{ ...marker, target_url: `${RUNS}13` }], DONE, RUNS, runOf, RULE)).toBe(false);
    expect(hasDoneMarker(A, [{ ...marker, context: CONTEXT }], DONE, RUNS, runOf, RULE)).toBe(false);
  });
});

describe("the range's bound", () => {
  const chain = [HEAD, "1".repeat(40), B, "2".repeat(40), A];
  it("is the newest deploy with a verified marker; without one, the oldest deploy checked; without a check, the newest deploy", () => {
    const deployed = new Set([HEAD, B, A]);
    expect(boundIndex(chain, deployed, { checked: new Set([B, A]), marked: new Set([A]) })).toEqual({ stop: 4, kind: "ready-done" });
    expect(boundIndex(chain, deployed, { checked: new Set([B, A]), marked: new Set() })).toEqual({ stop: 4, kind: "oldest-checked-deploy" });
    expect(boundIndex(chain, deployed, { checked: new Set([B]), marked: new Set() })).toEqual({ stop: 2, kind: "oldest-checked-deploy" });
    expect(boundIndex(chain, deployed, { checked: new Set(), marked: new Set() })).toEqual({ stop: 2, kind: "deploy" });
    expect(boundIndex(chain, deployed)).toEqual({ stop: 2, kind: "deploy" });
    // The run's own commit is never its bound.
    expect(boundIndex(chain, new Set([HEAD]))).toEqual({ stop: -1, kind: "none" });
  });
});

describe("descriptions", () => {
  it(`name every tenant, ${STATUS_DESCRIPTION_MAX} characters at most each`, () => {
    const ids = Array.from({ length: 40 }, (_, i) => `tenant-${String(i).padStart(3, "0")}`);
    const out = readyDescriptions(ids);
    expect(out.length).toBeGreaterThan(1);
    for (const d of out) expect(d.length).toBeLessThanOrEqual(STATUS_DESCRIPTION_MAX);
    expect(out.flatMap((d) => d.slice("ready: ".length).split(", "))).toEqual(ids);
    expect(readyDescriptions(["a"])).toEqual(["ready: a"]);
  });
});

describe("the statuses a run owes", () => {
  it("put each tenant the stack has on the commit that added it, unless a status there names it; the rest it created on its own commit", () => {
    const plan = readinessPlan({
      commits: [
        { sha: B, added: ["b", "gone"] },
        { sha: A, added: ["a", "told"] },
      ],
      announced: { [A]: new Set(["told"]) },
      active: ["a", "b", "told", "reborn"],
      created: ["b", "reborn"],
      head: HEAD,
    });
    expect(plan.posts).toEqual([
      { sha: A, tenants: ["a"], description: "ready: a" },
      { sha: B, tenants: ["b"], description: "ready: b" },
      { sha: HEAD, tenants: ["reborn"], description: "ready: reborn" },
    ]);
    expect(plan.tenants).toEqual(["a", "b", "reborn"]);
    expect(plan.unposted).toEqual([]);
  });

  it("owe nothing when every tenant is announced, and post at most maxStatuses, naming the rest as unposted", () => {
    expect(readinessPlan({ commits: [{ sha: A, added: ["a"] }], announced: { [A]: new Set(["a"]) }, active: ["a"], created: [], head: HEAD }).tenants).toEqual(
      [],
    );
    const plan = readinessPlan({
      commits: [
        { sha: B, added: ["b"] },
        { sha: A, added: ["a"] },
      ],
      announced: {},
      active: ["a", "b"],
      created: [],
      head: HEAD,
      maxStatuses: 1,
    });
    expect(plan.posts).toEqual([{ sha: A, tenants: ["a"], description: "ready: a" }]);
    expect(plan.unposted).toEqual(["b"]);
    expect(plan.tenants).toEqual(["a", "b"]);
  });
});
