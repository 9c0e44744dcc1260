/**
 * src/operations/readiness.ts, pure: which ready statuses a deploy owes (docs/signup.md, "The
 * application learns it is ready"). The script around it is tested in test/deployReady.test.ts.
 * GitHub's rules these functions rely on:
 * - a status's description is at most 140 characters
 *   (https://docs.github.com/en/rest/commits/statuses#create-a-commit-status);
 * - List commit statuses for a reference answers every status of the commit with its `creator`
 *   (https://docs.github.com/en/rest/commits/statuses#list-commit-statuses-for-a-reference).
 */
import { describe, expect, it } from "vitest";
import {
  activeIds,
  addedTenants,
  announcedTenants,
  readinessPlan,
  readyDescriptions,
  STATUS_DESCRIPTION_MAX,
  WORKFLOW_TOKEN_LOGIN,
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
    expect(announcedTenants([ok("ready: a, b")], CONTEXT, RUNS)).toEqual(new Set(["a", "b"]));
    for (const forged of [
      ok("ready: a", { creator: { login: "mallory" } }),
      ok("ready: a", { creator: null }),
      ok("ready: a", { state: "failure" }),
      ok("ready: a", { context: "tenant-fleet/ready/dev" }),
      ok("ready: a", { target_url: "https://evil.example/o/r/actions/runs/12" }),
      ok("ready: a", { target_url: `${RUNS}12/../../other` }),
      ok("not ready: a"),
    ])
      expect(announcedTenants([forged], CONTEXT, RUNS), JSON.stringify(forged)).toEqual(new Set());
  });

  it("leave out a name an older, shortened description cut", () => {
    expect(announcedTenants([ok("ready: alpha, beta, gam… (4 tenants)")], CONTEXT, RUNS)).toEqual(new Set(["alpha", "beta"]));
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
