/** The dev/test project: branch naming, the generated workflows, seeding rules, and absence where it is off. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "yaml";
import {
  previewBranchName,
  PREVIEW_BRANCH_ENV,
  PREVIEW_BRANCH_SCRIPT,
  renderDevWorkflows,
  DEV_ENVIRONMENT,
  DEV_WORKSPACE_ARTIFACT,
  PULL_REQUEST_REF_PATTERN,
} from "../src/plan/workflows/dev";
import { ACTIONS } from "../src/plan/workflows/render";
import { devProjectArgs } from "../src/plan/projects/args";
import { devSeedProblems } from "../src/core/config/devSeed";
import { parseStackSettings, type DevProjectSettings } from "../src/core/config/settings";
import { parseTenants } from "../tenants/load";
import { formatProblem } from "../src/core/diagnostics/problems";
import { isWireSecret } from "../src/engine/offline";
import { unpinnedActions } from "../policies/rules/workflowActionsPinned";
import { credentialFindings } from "../policies/rules/workflowNoLiteralCredentials";
import { runProgram } from "./program";
import { workflowErrors } from "./workflowParser";
import { ACME, fleetYaml } from "./helpers";

const DEV: DevProjectSettings = {
  region: "aws-us-east-2",
  pgVersion: 17,
  seedFile: "db/seed.sql",
  seedCommand: undefined,
  seedPaths: ["db/seed.sql"],
  previewCommand: "npm test",
  setupCommand: "npm ci",
  branchMaxAgeHours: 72,
  cleanupSchedule: "23 */6 * * *",
};

function bashBranchName(pr: string, headRef: string): { name: string; code: number | null } {
  const r = spawnSync("bash", ["--noprofile", "--norc", "-c", `set -euo pipefail\n${PREVIEW_BRANCH_SCRIPT}\nprintf '%s' "\${name}"`], {
    env: { PATH: process.env.PATH, ...PREVIEW_BRANCH_ENV, PR_NUMBER: pr, HEAD_REF: headRef },
    encoding: "utf8",
  });
  return { name: r.stdout, code: r.status };
}

describe("preview branch names", () => {
  it("are preview/pr-<number>-<head branch slug>", () => {
    expect(previewBranchName(42, "feature/Add-Users")).toBe("preview/pr-42-feature-add-users");
    expect(previewBranchName(7, "___")).toBe("preview/pr-7");
    expect(previewBranchName(123456789, "x".repeat(300))).toBe(`preview/pr-123456789-${"x".repeat(40)}`);
    expect(() => previewBranchName(0, "a")).toThrow();
  });

  it("are short, safe and stable for any pull request number and head branch", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_147_483_647 }), fc.string({ maxLength: 255, unit: "grapheme" }), (pr, ref) => {
        const name = previewBranchName(pr, ref);
        expect(name.length).toBeLessThanOrEqual(62);
        expect(name).toMatch(/^preview\/pr-\d+(-[a-z0-9]+(-[a-z0-9]+)*)?$/);
        expect(previewBranchName(pr, ref)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it("are computed identically by the workflow's bash", () => {
    const refs = [
      "feature/Add-Users",
      "fix: $(rm -rf /)",
      "a'b\"c`d`",
      "ünïcødé-branch",
      "--x--",
      "",
      "dependabot/npm_and_yarn/@types/node-20.19.1",
      "x".repeat(100),
      "日本語/ブランチ",
      "İstanbul-\u212Aelvin",
    ];
    for (const ref of refs) expect(bashBranchName("42", ref)).toEqual({ name: previewBranchName(42, ref), code: 0 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99999 }), fc.oneof(fc.string({ maxLength: 60 }), fc.string({ maxLength: 30, unit: "grapheme" })), (pr, ref) => {
        fc.pre(!ref.includes("\u0000"));
        expect(bashBranchName(String(pr), ref).name).toBe(previewBranchName(pr, ref));
      }),
      { numRuns: 60 },
    );
    expect(bashBranchName("12; echo pwned", "x").code).not.toBe(0);
  });
});

describe("dev/test workflows", () => {
  const workflows = renderDevWorkflows(DEV, "main");

  it("are three files: seed, preview branch, cleanup", () => {
    expect(workflows.map((w) => w.path)).toEqual([
      ".github/workflows/tenant-fleet-dev-seed.yml",
      ".github/workflows/tenant-fleet-dev-preview-branch.yml",
      ".github/workflows/tenant-fleet-dev-branch-cleanup.yml",
    ]);
    expect(renderDevWorkflows(undefined, "main")).toEqual([]);
  });

  it.each(renderDevWorkflows(DEV, "main").map((w) => [w.path, w] as const))("%s passes GitHub's parser, pins actions, holds no credential", async (_, w) => {
    expect(await workflowErrors(w.path, w.content)).toEqual([]);
    expect(unpinnedActions(w.content)).toEqual([]);
    expect(credentialFindings(w.content)).toEqual([]);
    const wf = parse(w.content);
    expect(wf.permissions).toEqual({});
    let keyed = 0;
    for (const [id, job] of Object.entries(wf.jobs) as [
      string,
      { environment?: string; steps: { run?: string; uses?: string; env?: Record<string, string> }[]; env?: Record<string, string> },
    ][]) {
      // The job that installs the pull request's dependencies has no environment, hence no key, and names no secret.
      if (id === "install") {
        expect(job.environment).toBeUndefined();
        expect(JSON.stringify(job)).not.toContain("secrets.");
        continue;
      }
      expect(job.environment).toBe(DEV_ENVIRONMENT);
      // The Neon key is never job-wide: only the steps that call Neon's API see it, and none of them installs or runs the repository's code.
      expect(job.env?.NEON_API_KEY).toBeUndefined();
      for (const step of job.steps) {
        if (step.run) expect(step.run).not.toContain("${{");
        if (step.env?.NEON_API_KEY === undefined) continue;
        keyed++;
        expect(step.env.NEON_API_KEY).toBe("${{ secrets.NEON_API_KEY }}");
        expect(step.run).toMatch(/^set -euo pipefail\napi\(\) \{\s+curl /);
        expect(step.run).not.toMatch(/\b(npm|npx|yarn|pnpm|pip|make)\b|\s\.\//);
      }
    }
    expect(keyed).toBeGreaterThan(0);
  });

  it("creates the branch on open and update, deletes it on close, and skips forks", () => {
    const wf = parse(workflows[1].content);
    expect(wf.on.pull_request.types).toEqual(["opened", "reopened", "synchronize", "closed"]);
    expect(wf.jobs.branch.if).toBe("github.event.action != 'closed' && github.event.pull_request.head.repo.full_name == github.repository");
    expect(wf.jobs.delete.if).toBe("github.event.action == 'closed' && github.event.pull_request.head.repo.full_name == github.repository");
    expect(wf.jobs.branch.env.HEAD_REF).toBe("${{ github.head_ref }}");
    // The pull request's install runs in a job without the environment; the test job never runs it.
    expect(wf.jobs.install.if).toBe(wf.jobs.branch.if);
    expect(wf.jobs.install.environment).toBeUndefined();
    expect(wf.jobs.install.permissions).toEqual({ contents: "read" });
    const install = wf.jobs.install.steps as { name: string; uses?: string; run?: string; with?: Record<string, unknown> }[];
    expect(install.map((s) => s.name)).toEqual([
      "Check out",
      "Install (this job holds no secret and no key)",
      "Pack the installed workspace",
      "Hand it to the test job",
    ]);
    expect(install[1].run).toBe("set -euo pipefail\nnpm ci\n");
    expect(install[3]).toMatchObject({ uses: ACTIONS.uploadArtifact.uses, with: { name: DEV_WORKSPACE_ARTIFACT, "retention-days": 1 } });
    expect(wf.jobs.test.needs).toEqual(["branch", "install"]);
    const steps = wf.jobs.test.steps as { name: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown> }[];
    expect(steps.map((s) => s.name)).toEqual([
      "Connection string of the branch (the only step with the Neon API key)",
      "The installed workspace",
      "Unpack it",
      "Run with DATABASE_URL of the branch",
    ]);
    // The key is on the one step that calls the API, the job's first: nothing of the pull request exists in the job before it.
    expect(wf.jobs.test.env.NEON_API_KEY).toBeUndefined();
    expect(steps.map((s) => s.env?.NEON_API_KEY)).toEqual(["${{ secrets.NEON_API_KEY }}", undefined, undefined, undefined]);
    expect(steps.some((s) => s.uses === ACTIONS.checkout.uses || /npm ci|npm install/.test(s.run ?? ""))).toBe(false);
    expect(steps[1]).toMatchObject({ uses: ACTIONS.downloadArtifact.uses, with: { pattern: DEV_WORKSPACE_ARTIFACT, path: install[3].with!.path } });
    expect(steps[0].run).toContain('echo "::add-mask::${uri}"');
    expect(steps[0].run!.indexOf("::add-mask::")).toBeLessThan(steps[0].run!.indexOf('>> "${GITHUB_ENV}"'));
    expect(steps[3].run).toBe("set -euo pipefail\nnpm test\n");
    for (const s of steps) expect(s.run ?? "").not.toMatch(/echo "\$\{(uri|DATABASE_URL)\}"/);
  });

  it("seeds from the SQL file, or the configured command, on dispatch and when the seed changes", () => {
    const seed = parse(workflows[0].content);
    expect(seed.on).toEqual({ push: { branches: ["main"], paths: ["db/seed.sql"] }, workflow_dispatch: {} });
    // A dispatch on another branch would run that branch's seed with the dev key's connection.
    expect(seed.jobs.seed.if).toBe("github.ref == 'refs/heads/main'");
    expect(seed.jobs.seed.steps.at(-1).run).toContain('psql "${DATABASE_URL}" --set ON_ERROR_STOP=1 --single-transaction --file "${SEED_FILE}"');
    const custom = parse(renderDevWorkflows({ ...DEV, seedCommand: "npm run seed" }, "main")[0].content);
    expect(custom.jobs.seed.steps.at(-1).run).toBe("set -euo pipefail\nnpm run seed\n");
    expect(custom.jobs.seed.steps.at(-1).env).toBeUndefined();
  });

  it("cleans up on the configured schedule, deleting preview branches older than the configured age", () => {
    const cleanup = parse(workflows[2].content);
    expect(cleanup.on.schedule).toEqual([{ cron: "23 */6 * * *" }]);
    expect(cleanup.jobs.cleanup.if).toBe("github.ref == 'refs/heads/main'");
    expect(cleanup.jobs.cleanup.env.MAX_AGE_HOURS).toBe("72");
    expect(cleanup.jobs.cleanup.steps[0].run).toContain("select(.name | startswith($prefix))");
    expect(cleanup.jobs.cleanup.env.PREVIEW_BRANCH_PREFIX).toBe("preview/pr-");
    expect(cleanup.jobs.cleanup.steps[0].run).toContain('--arg prefix "${PREVIEW_BRANCH_PREFIX}"');
  });

  it("the project is small, with test-data history, on the configured region", () => {
    expect(devProjectArgs(DEV, "dev", "org-a-1")).toEqual({
      name: "tenant-fleet dev dev-test",
      regionId: "aws-us-east-2",
      pgVersion: 17,
      orgId: "org-a-1",
      historyRetentionSeconds: 21600,
      autoscalingLimitMinCu: 0.25,
      autoscalingLimitMaxCu: 1,
      suspendTimeoutSeconds: 300,
      primaryCompute: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 1, suspendTimeoutSeconds: 300 },
      branch: { name: "main", databaseName: "app", roleName: "app_owner" },
    });
  });
});

describe("seeding is never from a tenant", () => {
  const fleet = parseTenants(fleetYaml([ACME]), "t.yaml").fleet!;
  const settings = (extra: Record<string, string>) =>
    parseStackSettings(
      { githubOwner: "o", githubRepository: "r", keyAdministrators: '["arn:aws:iam::123456789012:role/tenant-fleet-deploy"]', devProject: "true", ...extra },
      { stack: "dev", file: "Pulumi.dev.yaml" },
    ).settings!;
  const source = { stack: "dev", file: "Pulumi.dev.yaml" };

  const TENANT = "it names tenant acme-corp";
  const DUMP = "it dumps a database";
  const OTHER_DB = "it connects to a database of its own";
  const OPAQUE = "it cannot be checked without running it";
  it.each([
    ["devSeedCommand", "psql $ACME_CORP_DATABASE_URL -f dump.sql", TENANT],
    ["devSeedCommand", "./copy-from.sh acme-corp", TENANT],
    ["devSeedCommand", "./copy-from.sh acme%2Dcorp", TENANT],
    ["devSeedCommand", "pg_dump $DATABASE_URL > /tmp/x.sql", DUMP],
    ["devSeedCommand", 'pg_dum""p "$DATABASE_URL"', DUMP],
    ["devSeedCommand", "pg_dum\\p x", DUMP],
    ["devSeedCommand", "$'\\x70g_dump' x", DUMP],
    ["devSeedCommand", "'pg'_dumpall", DUMP],
    ["devSeedCommand", "/usr/lib/postgresql/17/bin/pg_dump x", DUMP],
    ["devSeedCommand", 'env bash -c \'pg_du"m"p x | psql "$DATABASE_URL"\'', DUMP],
    ["devSeedCommand", "psql postgresql://x@ep-1.us-east-2.aws.neon.tech/app -f s.sql", "it names a Neon host"],
    ["devSeedCommand", "psql postgresql://x@ep-1%2Eus-east-2.aws.neon%2Etech/app -f s.sql", "it names a Neon host"],
    ["devSeedCommand", "psql postgresql://x@10.0.0.7/app -f s.sql", OTHER_DB],
    ["devSeedCommand", "psql -h db.internal -f s.sql", OTHER_DB],
    ["devSeedCommand", "PGHOST=db.internal psql -f s.sql", OTHER_DB],
    ["devSeedCommand", "psql 'host=db.internal dbname=app' -f s.sql", OTHER_DB],
    ["devSeedCommand", "pg_du${X}mp x", OPAQUE],
    ["devSeedCommand", "echo $(cat cmd.txt)", OPAQUE],
    ["devSeedCommand", 'eval "$(cat cmd.txt)"', OPAQUE],
    ["devSeedCommand", "echo cGdfZHVtcA== | base64 -d | sh", OPAQUE],
    ["devSeedCommand", "node -e \"require('child_process').execSync('pg_'+'dump')\"", OPAQUE],
    ["devPreviewCommand", "npm test -- --db $ACME_CORP_DATABASE_URL", TENANT],
    ["devSeedFile", "db/acme-corp.sql", TENANT],
  ])("refuses %s = %s", (key, value, why) => {
    const problems = devSeedProblems(settings({ [key]: value }), fleet, source).map(formatProblem);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`Pulumi.dev.yaml:1:1: tenant-fleet:${key}: ${JSON.stringify(value)} is refused: `);
    expect(problems[0]).toContain(why);
    expect(problems[0]).toContain("The dev/test project holds test data only, never a tenant's");
  });

  it("accepts test data", () => {
    for (const command of [
      "npm run db:seed -- --fixtures test/fixtures",
      'psql "$DATABASE_URL" --set ON_ERROR_STOP=1 -f db/seed.sql',
      "./scripts/seed.sh && npm run db:check",
      "bash -c 'psql \"${DATABASE_URL}\" -f db/seed.sql'",
      "npx --no prisma db seed",
    ])
      expect(devSeedProblems(settings({ devSeedCommand: command }), fleet, source)).toEqual([]);
    expect(devSeedProblems(settings({}), fleet, source)).toEqual([]);
  });
});

describe("in the stacks", async () => {
  const prod = await runProgram("prod");
  const dev = await runProgram("dev", ["devNeonApiKey=napi_devscoped_offline"]);

  it("nothing of it exists where it is off (prod)", () => {
    expect(prod.resources.filter((r) => r.type === "tenant-fleet:index:DevTestProject" || r.parentUrn.includes("DevTestProject"))).toEqual([]);
    expect(prod.resources.filter((r) => r.type === "github:index/repositoryFile:RepositoryFile").map((r) => r.inputs.file)).not.toContain(
      ".github/workflows/tenant-fleet-dev-seed.yml",
    );
    expect(JSON.stringify(prod.resources.map((r) => r.inputs))).not.toContain(DEV_ENVIRONMENT);
    expect(prod.outputs.devTestProjectId).toBeNull();
  });

  it("the dev stack has the project, never listed as a tenant, and its workflows", () => {
    const component = dev.resources.find((r) => r.type === "tenant-fleet:index:DevTestProject")!;
    const project = dev.resources.find((r) => r.type === "neon:index/project:Project" && r.parentUrn === component.urn)!;
    expect(project.inputs).toMatchObject({ regionId: "aws-us-east-2", branch: { name: "main", databaseName: "app", roleName: "app_owner" } });
    expect(project.options).toMatchObject({ protect: false, retainOnDelete: false });
    expect((dev.outputs.tenants as { id: string }[]).map((t) => t.id)).toEqual(["dev-eu", "dev-us"]);
    const files = dev.resources.filter((r) => r.type === "github:index/repositoryFile:RepositoryFile").map((r) => r.inputs.file);
    expect(files).toEqual(
      expect.arrayContaining([
        ".github/workflows/tenant-fleet-dev-seed.yml",
        ".github/workflows/tenant-fleet-dev-preview-branch.yml",
        ".github/workflows/tenant-fleet-dev-branch-cleanup.yml",
      ]),
    );
    expect(dev.outputs.devTestProjectId).toBe("dev-test-id");
  });

  it("admits only the default branch and pull requests' merge refs to the environment that holds the key", () => {
    const env = dev.resources.find((r) => r.type === "github:index/repositoryEnvironment:RepositoryEnvironment" && r.inputs.environment === DEV_ENVIRONMENT)!;
    expect(env.inputs.deploymentBranchPolicy).toEqual({ protectedBranches: false, customBranchPolicies: true });
    const policies = dev.resources.filter(
      (r) => r.type === "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy" && r.inputs.environment === DEV_ENVIRONMENT,
    );
    expect(policies.map((p) => [p.inputs.repository, p.inputs.branchPattern, p.inputs.tagPattern])).toEqual([
      ["app-dev", "main", undefined],
      ["app-dev", PULL_REQUEST_REF_PATTERN, undefined],
    ]);
    expect(PULL_REQUEST_REF_PATTERN).toBe("refs/pull/*/merge");
  });

  it("keeps the workflows' Neon key a secret of their environment only", () => {
    const secret = dev.resources.find(
      (r) => r.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret" && r.inputs.secretName === "NEON_API_KEY",
    )!;
    expect(secret.inputs.environment).toBe(DEV_ENVIRONMENT);
    expect(isWireSecret(secret.wireInputs.value)).toBe(true);
    expect(JSON.stringify(dev.resources.map((r) => r.inputs))).not.toContain("napi_devscoped_offline");
  });

  it("is protected like tenant projects where the stack protects data", async () => {
    const protectedDev = await runProgram("dev", ["protect=true"]);
    const component = protectedDev.resources.find((r) => r.type === "tenant-fleet:index:DevTestProject")!;
    const project = protectedDev.resources.find((r) => r.type === "neon:index/project:Project" && r.parentUrn === component.urn)!;
    expect(project.options).toMatchObject({ protect: true, retainOnDelete: true });
  });
});
