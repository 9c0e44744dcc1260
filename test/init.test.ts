/**
 * `npm run init` as a new team runs it, in a copy of the project: it writes a stack of their
 * own that plans at once, refuses to overwrite, and checks its input like a stack file;
 * `pulumi up` refuses the sample fleets and the starter until they are made one's own.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectFiles, ROOT, runProgram } from "./program";
import { sampleFleetRefusal } from "../src/core/config/sampleFleet";
import { loadTenantsFile } from "../tenants/load";
import { syntheticTenantsYaml } from "../src/tools/bench/syntheticFleet";
import { NEON_REGIONS } from "../tenants/regions";

const FILES = projectFiles();

function copyOfProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-init-"));
  for (const f of FILES) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

const run = (dir: string, script: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(dir, "scripts/launch.mjs"), script, ...args], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, NEON_API_KEY: "", GITHUB_TOKEN: "", INIT_CWD: dir },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const ARGS = [
  "--stack",
  "acme",
  "--github-owner",
  "acme-inc",
  "--github-repository",
  "billing",
  "--aws-region",
  "us-east-2",
  "--key-administrator",
  "arn:aws:iam::111122223333:role/deploy",
  "--neon-org",
  "org-bold-sun-12345678",
];

describe("npm run init", () => {
  it("writes a stack file, its policy config and a starter fleet that plan at once, and refuses to overwrite them", () => {
    const dir = copyOfProject();
    const r = run(dir, "scripts/init.ts", ...ARGS);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "wrote Pulumi.acme.yaml: the stack's settings (repository acme-inc/billing@main, Neon organisation org-bold-sun-12345678, AWS us-east-2, residencies US, protection on, secrets per GitHub environment)",
    );
    expect(JSON.parse(readFileSync(path.join(dir, "policies/config.acme.json"), "utf8"))).toEqual({
      "neon-project-residency": { allowedResidencies: ["US"] },
      "oidc-role-trust": { repository: "acme-inc/billing", branch: "main" },
      "data-resources-protected": { requireProtection: true },
      "backup-key-policy": { keyAdministrators: ["arn:aws:iam::111122223333:role/deploy"] },
    });
    expect(readFileSync(path.join(dir, "tenants/acme.yaml"), "utf8")).toContain("example: true\n");

    const plan = run(dir, "scripts/plan.ts", "--stack", "acme", "--json");
    expect(plan.code).toBe(0);
    const doc = JSON.parse(plan.stdout) as {
      example: boolean;
      tenants: { id: string; region: string }[];
      resources: { type: string; inputs: Record<string, unknown> }[];
    };
    expect(doc.example).toBe(true);
    expect(doc.tenants.map((t) => [t.id, t.region])).toEqual([["first-customer", "aws-us-east-2"]]);
    expect(doc.resources.filter((x) => x.type === "github:index/repositoryFile:RepositoryFile").every((x) => x.inputs.repository === "billing")).toBe(true);
    // CI reads the new stack with its own region.
    const stacks = run(dir, "scripts/stacks.ts", "--json");
    expect(JSON.parse(stacks.stdout).all.include).toContainEqual({
      stack: "acme",
      policyConfig: "policies/config.acme.json",
      githubOwner: "acme-inc",
      githubRepository: "billing",
      awsRegion: "us-east-2",
    });

    const again = run(dir, "scripts/init.ts", ...ARGS);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe("Pulumi.acme.yaml and policies/config.acme.json already exist; nothing was written. Pass --force to replace them");
    expect(run(dir, "scripts/init.ts", ...ARGS, "--force").code).toBe(0);
  });

  it("refuses bad input before writing anything, with the stack file's own rules", () => {
    const dir = copyOfProject();
    const bad = run(dir, "scripts/init.ts", ...ARGS.map((a) => (a === "us-east-2" ? "Ohio" : a)));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--aws-region "Ohio" is not an AWS region; e.g. eu-central-1');
    const residency = run(dir, "scripts/init.ts", ...ARGS, "--residency", "Europe");
    expect(residency.code).toBe(1);
    expect(residency.stderr).toMatch(/tenant-fleet:allowedResidencies: .*Europe/);
    expect(residency.stderr).toContain("nothing was written");
    expect(run(dir, "scripts/init.ts", "--stack", "acme").stderr).toContain("missing --github-owner, --github-repository, --aws-region");
    expect(existsSync(path.join(dir, "Pulumi.acme.yaml"))).toBe(false);
  });
});

/** A plan's GitHub registrations (resources the GitHub provider creates), counted. */
function githubCount(planJson: string): { stack: string; tenants: number; github: number } {
  const doc = JSON.parse(planJson) as { stack: string; tenants: unknown[]; resources: { type: string }[] };
  return { stack: doc.stack, tenants: doc.tenants.length, github: doc.resources.filter((r) => r.type.startsWith("github:")).length };
}

describe("npm run init -- --fleet-size", () => {
  it("sizes a stack for 1,000 tenants that plans 10 and 1,000 with the same GitHub resources, and becomes the default stack", { timeout: 900_000 }, () => {
    const dir = copyOfProject();
    // Every residency the synthetic fleet uses, given once: init writes the stack file and the policy config from it.
    const residencies = [...new Set(NEON_REGIONS.filter((r) => r.status.state === "active").map((r) => r.jurisdictions.at(-1)!))];
    const init = run(dir, "scripts/init.ts", ...ARGS, "--fleet-size", "1000", ...residencies.flatMap((r) => ["--residency", r]));
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(
      /^sizing for 1,000 tenants:\n {2}environment 3 GitHub resource\(s\) per tenant; first up [\d,]+ GitHub calls, at least [\d.]+ min .*: misses first pulumi up needs/m,
    );
    expect(init.stdout).toMatch(/^ {2}region {6}0 GitHub resource\(s\) per tenant; /m);
    expect(init.stdout).toMatch(/^ {2}chosen: region, /m);
    expect(init.stdout).toContain("secrets in SSM in each tenant's AWS region)");
    expect(init.stdout).toContain("The application must read its tenant's pooled string");
    expect(init.stdout).toContain("npm run plan                     # what the stack declares, offline (without --stack, commands use acme");
    expect(readFileSync(path.join(dir, "Pulumi.acme.yaml"), "utf8")).toContain("tenant-fleet:secretScope: region\n");
    expect(JSON.parse(readFileSync(path.join(dir, "policies/config.acme.json"), "utf8"))["neon-project-residency"].allowedResidencies).toEqual(residencies);

    // npm run plan without --stack: the new stack, with 10 and then 1,000 tenants of its own (on one
    // backup schedule: each schedule has its workflow file, whatever the number of tenants).
    const sizes = [10, 1000].map((n) => {
      writeFileSync(path.join(dir, "tenants/acme.yaml"), syntheticTenantsYaml(n, { concentrated: true }));
      const plan = run(dir, "scripts/plan.ts", "--json");
      expect(plan.code, plan.stderr.slice(-2000)).toBe(0);
      return githubCount(plan.stdout);
    });
    expect(sizes.map((s) => [s.stack, s.tenants])).toEqual([
      ["acme", 10],
      ["acme", 1000],
    ]);
    expect(sizes[0].github).toBeGreaterThan(0);
    expect(sizes[1].github).toBe(sizes[0].github);
    // CI: the samples stand aside, and acme (real now) deploys.
    const stacks = run(dir, "scripts/stacks.ts", "--json");
    expect(JSON.parse(stacks.stdout).prod.include.map((s: { stack: string }) => s.stack)).toEqual(["acme"]);
    expect(stacks.stderr).toContain("dev: not run by CI: a shipped sample");
  });

  it("says in the plan when the stack file's residencies and its policy config disagree, with the command that fixes it", () => {
    const dir = copyOfProject();
    expect(run(dir, "scripts/init.ts", ...ARGS).code).toBe(0);
    const stackFile = path.join(dir, "Pulumi.acme.yaml");
    writeFileSync(
      stackFile,
      readFileSync(stackFile, "utf8").replace("tenant-fleet:allowedResidencies:\n    - US\n", "tenant-fleet:allowedResidencies:\n    - US\n    - EU\n"),
    );
    const plan = run(dir, "scripts/plan.ts");
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain(
      'policies/config.acme.json:3:27: warning: neon-project-residency.allowedResidencies: ["US"] is not what Pulumi.acme.yaml says (["US","EU"]); run npm run schema, which writes policies/config.acme.json from Pulumi.acme.yaml (npm run stacks, and so CI, refuse stack acme until it agrees)',
    );
  });

  it("reviews the first real tenants file against the starter with nothing to acknowledge", () => {
    const dir = copyOfProject();
    expect(run(dir, "scripts/init.ts", ...ARGS).code).toBe(0);
    const git = (...args: string[]) => spawnSync("git", ["-c", "user.email=t@example.invalid", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "npm run init");
    // The team's first pull request: the starter's tenant replaced by two customers, a retention of their own.
    writeFileSync(
      path.join(dir, "tenants/acme.yaml"),
      [
        "version: 1",
        "defaults:",
        "  backup: { schedule: '17 3 * * *', retentionDays: 35 }",
        "tenants:",
        "  - { id: northwind, name: Northwind, region: aws-us-east-2, residency: US, status: active }",
        "  - { id: contoso, name: Contoso, region: aws-us-east-2, residency: US, status: active }",
        "",
      ].join("\n"),
    );
    const review = run(dir, "scripts/plan.ts", "--base", "HEAD", "--format", "json");
    expect(review.stderr).toContain("note: the base's tenants/acme.yaml is an example fleet (example: true), which pulumi up never deployed");
    expect(review.code).toBe(0);
    const doc = JSON.parse(review.stdout) as { summary: Record<string, number> };
    expect(doc.summary).toMatchObject({ added: 2, removed: 0, destructive: 0, unacknowledged: 0 });
  });

  // util-linux's script(1) gives init a terminal, as a person running it has.
  it.skipIf(spawnSync("script", ["--version"]).status !== 0)("asks for the fleet size on a terminal, and checks the answer like the option", () => {
    const dir = copyOfProject();
    const command = [process.execPath, path.join(dir, "scripts/launch.mjs"), "scripts/init.ts", ...ARGS].map((a) => `'${a}'`).join(" ");
    const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: dir, encoding: "utf8", input: "lots\n", env: { ...process.env, INIT_CWD: dir } });
    expect(r.stdout).toContain("How many tenants will this stack hold, roughly (sizes the stack; Enter to skip)? ");
    expect(r.stdout).toContain('--fleet-size "lots": give the number of tenants');
    expect(r.status).toBe(2);
    expect(existsSync(path.join(dir, "Pulumi.acme.yaml"))).toBe(false);
  });

  it("refuses a size that is not a number of tenants, before writing anything", () => {
    const dir = copyOfProject();
    const r = run(dir, "scripts/init.ts", ...ARGS, "--fleet-size", "lots");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('--fleet-size "lots": give the number of tenants, a whole number from 1 to 1,000,000, e.g. --fleet-size 300');
    expect(existsSync(path.join(dir, "Pulumi.acme.yaml"))).toBe(false);
  });
});

describe("the sample fleets", () => {
  it("are marked as examples, planned, and refused by a real update with the way out", async () => {
    for (const file of ["tenants/tenants.yaml", "tenants/tenants.dev.yaml"]) {
      const fleet = loadTenantsFile(path.join(ROOT, file), {}, file).fleet!;
      expect(fleet.example, file).toBe(true);
      expect(sampleFleetRefusal(fleet, file)).toMatch(
        new RegExp(
          `^${file.replace(/\./g, "\\.")} is a sample fleet \\(example: true\\): pulumi up does not create its tenants\\.\\nStart your own: npm run init`,
        ),
      );
    }
    expect((await runProgram("prod")).resources.length).toBeGreaterThan(10);
    await expect(runProgram("prod", [], { NEON_API_KEY: "napi_x", GITHUB_TOKEN: "ghp_y" }, false)).rejects.toThrow(
      /tenants\/tenants\.yaml is a sample fleet \(example: true\)/,
    );
  });

  it("lets a real update through once the example line is gone", async () => {
    const dir = mkdtempSync(path.join(ROOT, "tenants", ".own-"));
    const own = path.join(dir, "own.yaml");
    writeFileSync(own, readFileSync(path.join(ROOT, "tenants/tenants.yaml"), "utf8").replace(/\nexample: true\n/, "\n"));
    try {
      const r = await runProgram("prod", [`tenantsFile=${path.relative(ROOT, own)}`], { NEON_API_KEY: "napi_x", GITHUB_TOKEN: "ghp_y" }, false);
      expect(r.resources.some((x) => x.type === "neon:index/project:Project")).toBe(true);
    } finally {
      spawnSync("rm", ["-rf", dir]);
    }
  });
});
