/**
 * What the signup path asks of the default branch's rules and CODEOWNERS
 * (src/engine/doctor/rulesetRequirements.ts): the rules as "Get rules for a branch" answers them
 * (test/fixtures/github-branch-rules.ts), and CODEOWNERS held to GitHub's own examples
 * (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#example-of-a-codeowners-file).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { tenantDiffCheck } from "../src/core/repositoryContract";
import { guardedPaths, ownersOf, parseCodeowners, rulesetProblems, unownedPaths } from "../src/engine/doctor/rulesetRequirements";
import { signupUse } from "../src/engine/doctor/doctor";
import { healthyRules, PULL_REQUEST_RULE, statusChecksRule } from "./fixtures/github-branch-rules";
import { ROOT } from "./program";

const CHECKS = ["tenant diff (dev)", "tenant diff (prod)"];

describe("the rules on the default branch", () => {
  it("accepts the rules docs/signup.md asks for", () => {
    expect(rulesetProblems(healthyRules(["dev", "prod"]), CHECKS)).toEqual([]);
  });

  it("names each missing pull_request parameter with the setting that fixes it", () => {
    const weak = {
      ...PULL_REQUEST_RULE,
      parameters: {
        ...PULL_REQUEST_RULE.parameters,
        required_approving_review_count: 0,
        dismiss_stale_reviews_on_push: false,
        require_last_push_approval: false,
        require_code_owner_review: false,
      },
    };
    const problems = rulesetProblems([weak, statusChecksRule(CHECKS)], CHECKS);
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "required_approving_review_count is 0",
      "dismiss_stale_reviews_on_push is off",
      "require_last_push_approval is off",
      "require_code_owner_review is off",
    ]);
    expect(problems[2]).toContain('"Require approval of the most recent reviewable push"');
  });

  it("combines rules of several rulesets as GitHub layers them (the most restrictive wins)", () => {
    const a = { ...PULL_REQUEST_RULE, parameters: { ...PULL_REQUEST_RULE.parameters, require_code_owner_review: false, require_last_push_approval: false } };
    const b = {
      ...PULL_REQUEST_RULE,
      ruleset_id: 7,
      parameters: { ...PULL_REQUEST_RULE.parameters, required_approving_review_count: 0, require_code_owner_review: true, require_last_push_approval: true },
    };
    expect(rulesetProblems([a, b, statusChecksRule(["tenant diff (dev)"]), statusChecksRule(["tenant diff (prod)"])], CHECKS)).toEqual([]);
  });

  it("fails without a pull_request rule, and names the stacks whose tenant diff is not required", () => {
    expect(rulesetProblems([], CHECKS)).toEqual([expect.stringMatching(/^no pull_request rule applies: add "Require a pull request before merging"/)]);
    expect(rulesetProblems([PULL_REQUEST_RULE, statusChecksRule(["tenant diff (dev)", "lint"])], CHECKS)).toEqual([
      'required status checks lack "tenant diff (prod)": add them (the ruleset → Require status checks to pass → Add checks)',
    ]);
  });

  it("asks for the check names tenant-diff.yml's matrix job gives", () => {
    const doc = parse(readFileSync(path.join(ROOT, ".github/workflows/tenant-diff.yml"), "utf8")) as { jobs: Record<string, { name?: string }> };
    expect(doc.jobs["tenant-diff"].name).toBe(tenantDiffCheck("${{ matrix.stack }}"));
  });

  it("is in use when the workflow is here and the stack takes signups", () => {
    expect(signupUse({ signups: { perHour: 20, perDay: 200 } }, ["tenant-signup.yml"]).inUse).toMatch(/^self-serve signup is on/);
    expect(signupUse({ signups: { perHour: 0, perDay: 200 } }, ["tenant-signup.yml"]).off).toBe(
      "self-serve signup is off (signupsPerHour 0, signupsPerDay 200)",
    );
    expect(signupUse({ signups: { perHour: 20, perDay: 200 } }, ["deploy.yml"]).off).toBe(".github/workflows/tenant-signup.yml is not in this repository");
  });
});

describe("CODEOWNERS", () => {
  // GitHub's example file, abridged: each line's documented meaning is the expectation below.
  const EXAMPLE = [
    "# comment",
    "*       @global-owner1 @global-owner2",
    "*.js    @js-owner #This is an inline comment.",
    "*.go docs@example.com",
    "/build/logs/ @doctocat",
    "docs/*  docs@example.com",
    "apps/ @octocat",
    "/docs/ @doctocat",
    "/scripts/ @doctocat @octocat",
    "**/logs @octocat",
    "/apps/ @octocat",
    "/apps/github",
  ].join("\n");
  const lines = parseCodeowners(EXAMPLE);
  const cases: [string, string[]][] = [
    ["README.md", ["@global-owner1", "@global-owner2"]],
    ["src/app.js", ["@js-owner"]],
    ["main.go", ["docs@example.com"]],
    ["build/logs/today.txt", ["@octocat"]], // `**/logs` comes later and wins
    ["docs/getting-started.md", ["@doctocat"]], // `/docs/` comes after `docs/*`
    ["apps/web/index.ts", ["@octocat"]],
    ["apps/github/x.ts", []], // a line without owners leaves the path unowned
    ["deeply/nested/logs/a.txt", ["@octocat"]],
    ["scripts/run.sh", ["@doctocat", "@octocat"]],
  ];
  it.each(cases)("%s is owned by %j", (file, owners) => expect(ownersOf(lines, file)).toEqual(owners));

  it("`docs/*` owns a file in docs but not one in a folder below it", () => {
    const only = parseCodeowners("docs/* @docs");
    expect(ownersOf(only, "docs/getting-started.md")).toEqual(["@docs"]);
    expect(ownersOf(only, "docs/build-app/troubleshooting.md")).toEqual([]);
  });

  it("finds the workflow files a CODEOWNERS leaves to nobody, including a new one", () => {
    const guarded = guardedPaths(["deploy.yml", "tenant-signup.yml"]);
    expect(unownedPaths("/.github/ @platform\n/src/operations/sh/deploy-*.sh @platform", guarded)).toEqual([]);
    // The deploy's scripts choose prod-additions from the merged commit: owning .github/ alone is not enough.
    expect(unownedPaths("/.github/ @platform", guarded)).toEqual(guarded.filter((p) => p.startsWith("src/operations/sh/deploy-")));
    expect(unownedPaths("* @everyone", guarded)).toEqual([]);
    expect(
      unownedPaths(".github/workflows/deploy.yml @platform\n.github/workflows/tenant-signup.yml @platform\n/src/operations/sh/ @platform", guarded),
    ).toEqual([".github/workflows/a-new-workflow.yml", ".github/a-new-file"]);
    expect(unownedPaths("/.github/ @platform\n/.github/workflows/\n/src/ @dev", guarded)).toEqual(guarded.slice(0, 3));
    expect(unownedPaths("/docs/ @dev", guarded)).toEqual(guarded);
  });
});
