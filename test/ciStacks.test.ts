/** The stacks CI runs: tiers from the stack files, policy configs that agree with them, the CLI the workflows call. */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ciMatrices, ciStacks } from "../config/ciStacks";
import { formatProblem } from "../tenants/problems";
import { ROOT } from "./program";

/** A copy of the project's stack files and policy configs, plus whatever a case adds. */
function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-stacks-"));
  mkdirSync(path.join(dir, "policies"));
  for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "policies/config.dev.json", "policies/config.prod.json"]) copyFileSync(path.join(ROOT, f), path.join(dir, f));
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, f), text);
  return dir;
}

const prodStackFile = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
const prodPolicy = readFileSync(path.join(ROOT, "policies/config.prod.json"), "utf8");
// A US shard of prod: its own residencies; the repository and protection are prod's.
const usShard = prodStackFile.replace(/  tenant-fleet:allowedResidencies:\n(    - \w+\n)+/, "  tenant-fleet:allowedResidencies:\n    - US\n  tenant-fleet:shardResidencies:\n    - US\n");
const usPolicy = prodPolicy.replace(/"allowedResidencies": \[[^\]]*\]/, '"allowedResidencies": ["US"]');

describe("stacks CI runs", () => {
  it("reads this project's stacks: dev by its protect setting, prod likewise", () => {
    const { stacks, problems } = ciStacks(ROOT);
    expect(problems).toEqual([]);
    expect(stacks).toEqual([
      { stack: "dev", tier: "dev", policyConfig: "policies/config.dev.json" },
      { stack: "prod", tier: "prod", policyConfig: "policies/config.prod.json" },
    ]);
    expect(ciMatrices(stacks)).toEqual({
      all: { include: [{ stack: "dev", policyConfig: "policies/config.dev.json" }, { stack: "prod", policyConfig: "policies/config.prod.json" }] },
      dev: { include: [{ stack: "dev", policyConfig: "policies/config.dev.json" }] },
      prod: { include: [{ stack: "prod", policyConfig: "policies/config.prod.json" }] },
    });
  });

  it("runs a new shard once its stack file and policy config exist, with no workflow edit", () => {
    expect(usShard).toContain("    - US\n  tenant-fleet:shardResidencies:");
    const { stacks, problems } = ciStacks(project({ "Pulumi.prod-us.yaml": usShard, "policies/config.prod-us.json": usPolicy }));
    expect(problems).toEqual([]);
    expect(ciMatrices(stacks).prod.include.map((s) => s.stack)).toEqual(["prod", "prod-us"]);
  });

  it("refuses a stack without a policy config, saying which file to copy", () => {
    const { problems } = ciStacks(project({ "Pulumi.prod-us.yaml": usShard }));
    expect(problems.map(formatProblem)).toEqual([
      "Pulumi.prod-us.yaml:1:1: stack prod-us has no policy config policies/config.prod-us.json; copy policies/config.prod.json to policies/config.prod-us.json and set its values from Pulumi.prod-us.yaml",
    ]);
  });

  it("refuses a policy config that disagrees with its stack, at the line of each value", () => {
    // prod's config copied for the US shard, with the dev repository and no protection.
    const wrongRepo = prodPolicy.replace('"example-saas/app"', '"example-saas/app-dev"').replace('"requireProtection": true', '"requireProtection": false');
    const { problems } = ciStacks(project({ "Pulumi.prod-us.yaml": usShard, "policies/config.prod-us.json": wrongRepo }));
    expect(problems.map(formatProblem)).toEqual([
      'policies/config.prod-us.json:3:38: oidc-role-trust.repository: "example-saas/app-dev" is not the repository Pulumi.prod-us.yaml wires (example-saas/app); write "example-saas/app"',
      'policies/config.prod-us.json:2:53: neon-project-residency.allowedResidencies: ["EU","DE","GB","US"] differs from tenant-fleet:allowedResidencies in Pulumi.prod-us.yaml; write ["US"]',
      "policies/config.prod-us.json:4:54: data-resources-protected.requireProtection: false differs from tenant-fleet:protect (true) in Pulumi.prod-us.yaml; write true",
    ]);
  });

  it("reports a policy config that is not JSON, and a stack setting that is wrong", () => {
    const badSetting = usShard.replace("tenant-fleet:protect: true", "tenant-fleet:protect: maybe");
    const { problems } = ciStacks(project({ "Pulumi.prod-us.yaml": badSetting, "Pulumi.prod-eu.yaml": prodStackFile, "policies/config.prod-eu.json": "{ nope" }));
    const lines = problems.map(formatProblem);
    expect(lines[0]).toMatch(/^policies\/config\.prod-eu\.json:1:1: not valid JSON \(.+\); copy policies\/config\.prod\.json to policies\/config\.prod-eu\.json/);
    expect(lines[1]).toMatch(/^Pulumi\.prod-us\.yaml:\d+:\d+: tenant-fleet:protect: /);
    expect(lines).toHaveLength(2);
  });
});

describe("npm run stacks", () => {
  const stacks = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/stacks.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("prints a table, the matrices as JSON, and key=value lines for $GITHUB_OUTPUT", () => {
    const table = stacks();
    expect(table).toMatchObject({ code: 0, stderr: "" });
    expect(table.stdout).toBe("stack  tier  policy config\ndev    dev   policies/config.dev.json\nprod   prod  policies/config.prod.json\n");
    expect(JSON.parse(stacks("--json").stdout)).toEqual(ciMatrices(ciStacks(ROOT).stacks));
    const out = stacks("--github-output").stdout.trimEnd().split("\n");
    expect(out.map((l) => l.split("=")[0])).toEqual(["all", "dev", "prod", "dev_count", "prod_count"]);
    expect(JSON.parse(out[2].slice("prod=".length))).toEqual({ include: [{ stack: "prod", policyConfig: "policies/config.prod.json" }] });
    expect(out.slice(3)).toEqual(["dev_count=1", "prod_count=1"]);
  });

  it("refuses an unknown option with the usage line", () => {
    const r = stacks("--matrix");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: npm run stacks -- [--json | --github-output]");
  });
});
