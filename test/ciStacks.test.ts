/** The stacks CI runs: tiers from the stack files, policy configs that agree with them, the CLI the workflows call. */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { ciMatrices, ciStacks, tierOf } from "../src/core/config/ciStacks";
import { protectedAtRef } from "../src/engine/baseSide";
import { formatProblem } from "../src/core/diagnostics/problems";
import { ROOT } from "./program";

/** A copy of the project's stack files and policy configs, plus whatever a case adds. */
function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-stacks-"));
  mkdirSync(path.join(dir, "policies"));
  for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "policies/config.dev.json", "policies/config.prod.json"])
    copyFileSync(path.join(ROOT, f), path.join(dir, f));
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, f), text);
  return dir;
}

const prodStackFile = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
const prodPolicy = readFileSync(path.join(ROOT, "policies/config.prod.json"), "utf8");
// A US shard of prod: its own residencies; the repository and protection are prod's.
const usShard = prodStackFile.replace(
  / {2}tenant-fleet:allowedResidencies:\n( {4}- \w+\n)+/,
  "  tenant-fleet:allowedResidencies:\n    - US\n  tenant-fleet:shardResidencies:\n    - US\n",
);
const usPolicy = prodPolicy.replace(/"allowedResidencies": \[[^\]]*\]/, '"allowedResidencies": ["US"]');

describe("stacks CI runs", () => {
  it("reads this project's stacks: dev by its protect setting, prod likewise; both sample fleets are previewed, never deployed", () => {
    const { stacks, problems, setAside } = ciStacks(ROOT);
    expect(problems).toEqual([]);
    expect(setAside).toEqual([]);
    const dev = { stack: "dev", policyConfig: "policies/config.dev.json", githubOwner: "example-saas", githubRepository: "app-dev", awsRegion: "eu-central-1" };
    const prod = { stack: "prod", policyConfig: "policies/config.prod.json", githubOwner: "example-saas", githubRepository: "app", awsRegion: "eu-central-1" };
    expect(stacks).toEqual([
      { ...dev, tier: "dev", example: true },
      { ...prod, tier: "prod", example: true },
    ]);
    // Each entry names the application repository, which the deploy's GitHub App token is scoped to.
    // pulumi up refuses an example fleet: a deploy job for one could only fail (and a failed dev deploy holds back prod).
    expect(ciMatrices(stacks)).toEqual({ all: { include: [dev, prod] }, dev: { include: [] }, prod: { include: [] } });
    // The same fleets without the example line deploy.
    const real = stacks.map(({ example: _, ...s }) => s);
    expect(ciMatrices(real)).toEqual({ all: { include: [dev, prod] }, dev: { include: [dev] }, prod: { include: [prod] } });
  });

  it("sets the shipped samples aside once the project has a stack of its own, and previews a starter without deploying it", () => {
    const dir = project({
      "Pulumi.acme.yaml": prodStackFile.replace("tenants/tenants.yaml", "tenants/acme.yaml"),
      "policies/config.acme.json": prodPolicy,
    });
    mkdirSync(path.join(dir, "tenants"));
    for (const f of ["tenants/tenants.yaml", "tenants/tenants.dev.yaml"]) copyFileSync(path.join(ROOT, f), path.join(dir, f));
    const starter = "version: 1\nexample: true\ntenants:\n  - { id: first-customer, name: First, region: aws-eu-central-1, residency: EU }\n";
    writeFileSync(path.join(dir, "tenants/acme.yaml"), starter);
    const first = ciStacks(dir);
    expect(first.problems).toEqual([]);
    expect(first.setAside.map((s) => s.stack)).toEqual(["dev", "prod"]);
    expect(first.setAside[0].why).toBe(
      "a shipped sample (stack dev with tenants/tenants.dev.yaml, example: true); CI runs this project's own stacks: acme; to run it too, give it a tenants file of its own (npm run init -- --stack dev --force)",
    );
    expect(ciMatrices(first.stacks)).toMatchObject({ all: { include: [{ stack: "acme" }] }, dev: { include: [] }, prod: { include: [] } });
    // The first real tenants file: acme deploys, as prod (protected), alone.
    writeFileSync(path.join(dir, "tenants/acme.yaml"), starter.replace("example: true\n", ""));
    const real = ciMatrices(ciStacks(dir).stacks);
    expect(real.prod.include.map((s) => s.stack)).toEqual(["acme"]);
    expect(real.all.include.map((s) => s.stack)).toEqual(["acme"]);
    // A pull request that deletes a sample's example line does not bring it into the deploys (hostile review):
    // the base's tenant diff never ran for it, and a failed dev deploy would hold back acme's.
    const devTenants = path.join(dir, "tenants/tenants.dev.yaml");
    writeFileSync(devTenants, readFileSync(devTenants, "utf8").replace(/\nexample: true\n/, "\n"));
    const revived = ciStacks(dir);
    expect(revived.setAside.map((s) => s.stack)).toEqual(["dev", "prod"]);
    expect(ciMatrices(revived.stacks).all.include.map((s) => s.stack)).toEqual(["acme"]);
  });

  it("runs a new shard once its stack file and policy config exist, with no workflow edit", () => {
    expect(usShard).toContain("    - US\n  tenant-fleet:shardResidencies:");
    const { stacks, problems } = ciStacks(project({ "Pulumi.prod-us.yaml": usShard, "policies/config.prod-us.json": usPolicy }));
    expect(problems).toEqual([]);
    expect(ciMatrices(stacks).prod.include.map((s) => s.stack)).toEqual(["prod", "prod-us"]);
  });

  it("signs in to AWS in each stack's own aws:region, and refuses a stack without one", () => {
    const usEast = usShard.replace("aws:region: eu-central-1", "aws:region: us-east-2");
    const { stacks } = ciStacks(project({ "Pulumi.prod-us.yaml": usEast, "policies/config.prod-us.json": usPolicy }));
    expect(ciMatrices(stacks).prod.include.map((s) => [s.stack, s.awsRegion])).toEqual([
      ["prod", "eu-central-1"],
      ["prod-us", "us-east-2"],
    ]);
    const missing = ciStacks(project({ "Pulumi.prod-us.yaml": usShard.replace(/ {2}aws:region: .*\n/, ""), "policies/config.prod-us.json": usPolicy }));
    expect(missing.problems.map(formatProblem)).toEqual([
      "Pulumi.prod-us.yaml:1:1: aws:region: not set in stack prod-us; CI signs in to AWS there and the AWS provider needs it: pulumi config set aws:region <region, e.g. eu-central-1> --stack prod-us",
    ]);
    const bad = ciStacks(
      project({ "Pulumi.prod-us.yaml": usShard.replace("aws:region: eu-central-1", "aws:region: Frankfurt"), "policies/config.prod-us.json": usPolicy }),
    );
    expect(bad.problems.map(formatProblem)[0]).toMatch(/^Pulumi\.prod-us\.yaml:\d+:15: aws:region: "Frankfurt" is not an AWS region;/);
  });

  it("refuses a stack without a policy config, saying which command writes it", () => {
    const { problems } = ciStacks(project({ "Pulumi.prod-us.yaml": usShard }));
    expect(problems.map(formatProblem)).toEqual([
      "Pulumi.prod-us.yaml:1:1: stack prod-us has no policy config policies/config.prod-us.json; run npm run schema, which writes policies/config.prod-us.json from Pulumi.prod-us.yaml",
    ]);
  });

  it("refuses a policy config that disagrees with its stack, at the line of each value", () => {
    // prod's config copied for the US shard, with the dev repository and no protection.
    const wrongRepo = prodPolicy
      .replace('"example-saas/app"', '"example-saas/app-dev"')
      .replace('"requireProtection": true', '"requireProtection": false')
      .replace('"branch": "main"', '"branch": "release"');
    const { problems } = ciStacks(project({ "Pulumi.prod-us.yaml": usShard, "policies/config.prod-us.json": wrongRepo }));
    const fix = "run npm run schema, which writes policies/config.prod-us.json from Pulumi.prod-us.yaml";
    expect(problems.map(formatProblem)).toEqual([
      `policies/config.prod-us.json:3:27: neon-project-residency.allowedResidencies: ["EU","DE","GB","US"] is not what Pulumi.prod-us.yaml says (["US"]); ${fix}`,
      `policies/config.prod-us.json:11:19: oidc-role-trust.repository: "example-saas/app-dev" is not what Pulumi.prod-us.yaml says ("example-saas/app"); ${fix}`,
      `policies/config.prod-us.json:12:15: oidc-role-trust.branch: "release" is not what Pulumi.prod-us.yaml says ("main"); ${fix}`,
      `policies/config.prod-us.json:15:26: data-resources-protected.requireProtection: false is not what Pulumi.prod-us.yaml says (true); ${fix}`,
    ]);
  });

  it("reports a policy config that is not JSON, and a stack setting that is wrong", () => {
    const badSetting = usShard.replace("tenant-fleet:protect: true", "tenant-fleet:protect: maybe");
    const { problems } = ciStacks(
      project({ "Pulumi.prod-us.yaml": badSetting, "Pulumi.prod-eu.yaml": prodStackFile, "policies/config.prod-eu.json": "{ nope" }),
    );
    const lines = problems.map(formatProblem);
    expect(lines[0]).toMatch(/^policies\/config\.prod-eu\.json:1:1: not valid JSON \(.+\); run npm run schema, which writes policies\/config\.prod-eu\.json/);
    expect(lines[1]).toMatch(/^Pulumi\.prod-us\.yaml:\d+:\d+: tenant-fleet:protect: /);
    expect(lines).toHaveLength(2);
  });
});

describe("a stack's tier comes from the base branch too", () => {
  it("is prod when protected now or at the base, dev only when neither", () => {
    expect(tierOf(true, undefined)).toEqual({ tier: "prod" });
    expect(tierOf(true, false)).toEqual({ tier: "prod" });
    expect(tierOf(false, true)).toEqual({ tier: "prod", tierFromBase: true });
    expect(tierOf(false, false)).toEqual({ tier: "dev" });
    expect(tierOf(false, undefined)).toEqual({ tier: "dev" });
  });

  it("keeps prod in the prod tier when a pull request sets protect: false (and its policy config to match)", () => {
    const dir = project({ "Pulumi.prod-us.yaml": usShard, "policies/config.prod-us.json": usPolicy });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
    git("init", "-q");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base");
    // The pull request: prod unprotected, consistently, so that nothing else objects; a new stack besides.
    writeFileSync(path.join(dir, "Pulumi.prod.yaml"), prodStackFile.replace("tenant-fleet:protect: true", "tenant-fleet:protect: false"));
    writeFileSync(path.join(dir, "policies/config.prod.json"), prodPolicy.replace('"requireProtection": true', '"requireProtection": false'));
    writeFileSync(path.join(dir, "Pulumi.sandbox.yaml"), readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
    writeFileSync(path.join(dir, "policies/config.sandbox.json"), readFileSync(path.join(ROOT, "policies/config.dev.json"), "utf8"));
    expect(ciStacks(dir).stacks.find((s) => s.stack === "prod")!.tier).toBe("dev");
    const { stacks, problems } = ciStacks(dir, (stack) => protectedAtRef(dir, "HEAD", stack));
    expect(problems).toEqual([]);
    expect(stacks.map((s) => [s.stack, s.tier, s.tierFromBase ?? false])).toEqual([
      ["dev", "dev", false],
      ["prod", "prod", true],
      ["prod-us", "prod", false],
      ["sandbox", "dev", false],
    ]);
    // A stack that did not exist at the base has only its own tier.
    expect(protectedAtRef(dir, "HEAD", "sandbox")).toBeUndefined();
  });
});

describe("npm run stacks", () => {
  const stacks = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/stacks.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("prints a table, the matrices as JSON, and key=value lines for $GITHUB_OUTPUT", () => {
    const table = stacks();
    expect(table.code).toBe(0);
    expect(table.stderr).toBe(
      ["dev", "prod"]
        .map(
          (s) =>
            `${s}: previewed, not deployed: its tenants file says example: true, which pulumi up refuses (a fleet of your own deploys once that line is gone)\n`,
        )
        .join(""),
    );
    expect(table.stdout).toBe(
      [
        "stack  tier  policy config              repository            aws region",
        "dev    dev   policies/config.dev.json   example-saas/app-dev  eu-central-1",
        "prod   prod  policies/config.prod.json  example-saas/app      eu-central-1",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(stacks("--json").stdout)).toEqual(ciMatrices(ciStacks(ROOT).stacks));
    const out = stacks("--github-output").stdout.trimEnd().split("\n");
    expect(out.map((l) => l.split("=")[0])).toEqual(["all", "dev", "prod", "dev_count", "prod_count"]);
    expect(JSON.parse(out[0].slice("all=".length)).include[1]).toEqual({
      stack: "prod",
      policyConfig: "policies/config.prod.json",
      githubOwner: "example-saas",
      githubRepository: "app",
      awsRegion: "eu-central-1",
    });
    // The sample fleets are previewed only: nothing to deploy.
    expect(JSON.parse(out[2].slice("prod=".length))).toEqual({ include: [] });
    expect(out.slice(3)).toEqual(["dev_count=0", "prod_count=0"]);
  });

  it("refuses an unknown option with the usage line", () => {
    const r = stacks("--matrix");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "unknown option --matrix\nusage: npm run stacks -- [--json | --github-output] [--stack S] [--tiers-from <git ref>]\n" +
        "       npm run stacks -- --deploy-role-trust dev|prod --oidc-provider ARN --repository OWNER/REPO [--branch main]\n" +
        "       npm run stacks -- --break-glass-role-trust --oidc-provider ARN --repository OWNER/REPO [--custody-workflow .github/workflows/F.yml] [--keep-statement-file FILE]\n",
    );
  });

  it("reads tiers from a base commit, and names a missing one as a usage error", () => {
    expect(stacks("--tiers-from", "HEAD")).toEqual(stacks());
    const r = stacks("--tiers-from", "no-such-ref", "--github-output");
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(/^--tiers-from no-such-ref: no such commit here/);
  });
});
