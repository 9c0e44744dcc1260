/** The application repository's wiring under the mock runtime, and the limits that guard it. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isWireSecret, SECRET } from "../src/engine/offline";
import { renderWorkflows } from "../src/plan/workflows/render";
import { loadTenantsFile, parseTenants } from "../tenants/load";
import { parseStackSettings } from "../src/core/config/settings";
import { fleetContext } from "../src/plan/inputs";
import { formatProblem } from "../src/core/diagnostics/problems";
import * as path from "node:path";
import { ROOT, runProgram } from "./program";
import { ACME, fleetYaml } from "./helpers";
import { parse } from "yaml";

const ACTIVE = ["acme-corp", "brightwave", "northwind", "pacific-health", "thames-logistics"];
const NEON_ACTIVITY_ENV = "tenant_fleet_neon_activity";

describe("the backups' Neon activity key (neonActivityApiKey)", async () => {
  const keyed = await runProgram("prod", ["secretScope=repository", "neonActivityApiKey=napi_org_key"]);
  const off = await runProgram("prod", ["secretScope=repository", "neonActivityApiKey=napi_org_key", "backupMaxSkipDays=0", "snapshotSchedule=off"]);
  // Idle tenants always dumped, but the drill still checks the prod sample's daily snapshots with the key.
  const snapshotsOnly = await runProgram("prod", ["secretScope=repository", "neonActivityApiKey=napi_org_key", "backupMaxSkipDays=0"]);
  const workflowsOf = (run: typeof keyed) =>
    run.resources.filter((r) => r.type === "github:index/repositoryFile:RepositoryFile" && String(r.inputs.file).startsWith(".github/workflows/"));

  it("is a secret of an environment only the default branch may enter, and only the backups' planning job and the drill's snapshot check enter it", () => {
    const env = keyed.resources.find((r) => r.type === "github:index/repositoryEnvironment:RepositoryEnvironment")!;
    expect(env.inputs).toMatchObject({ environment: NEON_ACTIVITY_ENV, deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } });
    const policy = keyed.resources.find((r) => r.type === "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy")!;
    expect(policy.inputs).toMatchObject({ environment: NEON_ACTIVITY_ENV, branchPattern: "main" });
    const [secret] = keyed.resources.filter((r) => r.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    expect(secret.inputs).toMatchObject({ environment: NEON_ACTIVITY_ENV, secretName: "NEON_ACTIVITY_API_KEY" });
    expect(isWireSecret(secret.wireInputs.value)).toBe(true);
    expect((keyed.outputs.githubWiring as { secrets: string[] }).secrets).toContain(`${NEON_ACTIVITY_ENV}/NEON_ACTIVITY_API_KEY`);
    for (const file of workflowsOf(keyed)) {
      const workflow = parse(String(file.inputs.content)) as {
        jobs: Record<string, { environment?: string; steps: { name: string; env?: Record<string, string> }[] }>;
      };
      for (const [id, job] of Object.entries(workflow.jobs)) {
        const readers = job.steps.filter((st) => JSON.stringify(st.env ?? {}).includes("NEON_ACTIVITY_API_KEY"));
        if (id === "plan" && String(file.inputs.file).includes("-backup-")) {
          expect(job.environment).toBe(NEON_ACTIVITY_ENV);
          expect(readers.map((st) => st.name)).toEqual(["Which tenants were active (Neon)"]);
        } else if (id === "snapshots" && String(file.inputs.file).includes("-restore-drill")) {
          expect(job.environment).toBe(NEON_ACTIVITY_ENV);
          expect(readers.map((st) => st.name)).toEqual(["Each tenant's newest Neon snapshot is within its schedule"]);
        } else {
          expect(job.environment, `${String(file.inputs.file)} ${id}`).not.toBe(NEON_ACTIVITY_ENV);
          expect(readers, `${String(file.inputs.file)} ${id}`).toEqual([]);
        }
      }
    }
  });

  it("is wired for the drill's snapshot check alone when backupMaxSkipDays is 0 and tenants take snapshots", () => {
    expect(
      snapshotsOnly.resources.filter((r) => r.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret").map((r) => r.inputs.environment),
    ).toEqual([NEON_ACTIVITY_ENV]);
    const readers = workflowsOf(snapshotsOnly).filter((f) => String(f.inputs.content).includes("NEON_ACTIVITY_API_KEY"));
    expect(readers.map((f) => String(f.inputs.file).replace(/.*\//, ""))).toEqual([expect.stringMatching(/-restore-drill\.yml$/)]);
  });

  it("is neither wired nor read when backupMaxSkipDays is 0 and no tenant takes snapshots: every tenant is dumped every night", async () => {
    // Without a key nothing is wired either, though the planning job still names the environment.
    const keyless = await runProgram("prod", ["secretScope=repository"]);
    expect(keyless.resources.filter((r) => /repositoryEnvironment|actionsEnvironmentSecret/.test(r.type))).toEqual([]);
    expect(workflowsOf(keyless).some((f) => String(f.inputs.content).includes(`environment: ${NEON_ACTIVITY_ENV}\n`))).toBe(true);
    expect(off.resources.filter((r) => /repositoryEnvironment|actionsEnvironmentSecret/.test(r.type))).toEqual([]);
    for (const file of workflowsOf(off)) expect(String(file.inputs.content)).not.toMatch(/NEON_ACTIVITY_API_KEY|neon_activity/);
  });
});

describe("repository-scoped secrets (prod)", async () => {
  const run = await runProgram("prod", ["secretScope=repository"]);
  const secrets = run.resources.filter((r) => r.type === "github:index/actionsSecret:ActionsSecret");

  it("gives each active tenant one Actions secret <ID>_DATABASE_URL holding its connection string as a secret", () => {
    expect(secrets.map((s) => s.inputs.secretName).sort()).toEqual([
      "ACME_CORP_DATABASE_URL",
      "BRIGHTWAVE_DATABASE_URL",
      "NORTHWIND_DATABASE_URL",
      "PACIFIC_HEALTH_DATABASE_URL",
      "THAMES_LOGISTICS_DATABASE_URL",
    ]);
    for (const s of secrets) {
      expect(s.inputs).toEqual({ repository: "app", secretName: s.inputs.secretName, value: SECRET });
      expect(isWireSecret(s.wireInputs.value)).toBe(true);
    }
    // No environment at all: none per tenant, and no Neon activity key in this stack.
    expect(run.resources.some((r) => r.type.startsWith("github:index/repositoryEnvironment"))).toBe(false);
  });

  it("wires nothing for the retired tenant: the manifest names it only among the retired, so the application refuses it", () => {
    const manifestFile = run.resources.find(
      (r) => r.type === "github:index/repositoryFile:RepositoryFile" && r.inputs.file === ".github/tenant-fleet/tenant-fleet.json",
    )!;
    const manifest = JSON.parse(String(manifestFile.inputs.content));
    expect(manifest.retired).toEqual(["old-mill"]);
    expect(JSON.stringify({ ...manifest, retired: [] })).not.toMatch(/OLD_MILL|old-mill/);
    const others = run.resources.filter((r) => r.type.startsWith("github:") && r !== manifestFile);
    expect(JSON.stringify(others.map((r) => r.inputs))).not.toMatch(/OLD_MILL|old-mill/);
  });

  it("sets each workflow role's ARN and the vaults as variables, not secrets", () => {
    const vars = Object.fromEntries(
      run.resources.filter((r) => r.type === "github:index/actionsVariable:ActionsVariable").map((r) => [r.inputs.variableName, r.inputs.value]),
    );
    expect(Object.keys(vars).sort()).toEqual(["TENANT_FLEET_AWS_ROLE_ARN", "TENANT_FLEET_BACKUP_VAULTS", "TENANT_FLEET_DRILL_ROLE_ARN"]);
    expect(vars.TENANT_FLEET_AWS_ROLE_ARN).toMatch(/^arn:aws:iam::\d{12}:role\/github-backups-backup-writer/);
    expect(vars.TENANT_FLEET_DRILL_ROLE_ARN).toMatch(/^arn:aws:iam::\d{12}:role\/github-backups-drill-reader/);
    const vaults = JSON.parse(vars.TENANT_FLEET_BACKUP_VAULTS as string);
    expect(Object.keys(vaults)).toEqual(["eu-central-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"]);
    expect(vaults["eu-central-1"]).toEqual({
      bucket: expect.stringMatching(/^tf-prod-bk-eu-central-1-/),
      kmsKeyArn: expect.stringMatching(/^arn:aws:kms:eu-central-1:/),
    });
  });

  it("commits the generated workflows to the default branch, with the content the renderer produces", () => {
    const files = run.resources.filter(
      (r) => r.type === "github:index/repositoryFile:RepositoryFile" && String(r.inputs.file).startsWith(".github/workflows/"),
    );
    // The prod stack's snapshot default (Pulumi.prod.yaml) reaches every tenant, and with it the drill's snapshot check.
    const snapshots = { frequency: "daily", hour: 2, retentionDays: 7 } as const;
    const fleet = loadTenantsFile(path.join(ROOT, "tenants/tenants.yaml"), { snapshots: { default: snapshots } }, "tenants/tenants.yaml").fleet!;
    const expected = renderWorkflows(fleet.tenants, {
      scope: "repository",
      encryption: "kms",
      branch: "main",
      source: "tenants/tenants.yaml",
      migrations: { command: "npm run migrate", setupCommand: "npm ci", paths: ["migrations/**"], waves: ["canary", "early", "general"], failureBudget: "0" },
      restoreDrillSchedule: "41 4 * * 1",
      neonOrgId: "org-quiet-river-40213377",
    });
    expect(files.map((f) => [f.inputs.file, f.inputs.content, f.inputs.branch, f.inputs.overwriteOnCreate])).toEqual(
      expected.map((w) => [w.path, w.content, "main", true]),
    );
  });

  it("commits the fleet manifest once, with the host the stack created for each active tenant", () => {
    const file = run.resources.find(
      (r) => r.type === "github:index/repositoryFile:RepositoryFile" && r.inputs.file === ".github/tenant-fleet/tenant-fleet.json",
    )!;
    expect(file.inputs.branch).toBe("main");
    const manifest = JSON.parse(String(file.inputs.content));
    const routes = run.outputs.databasesByTenant as Record<string, { host: string }>;
    expect(manifest.tenants.map((t: { id: string; host: string }) => [t.id, t.host])).toEqual(ACTIVE.map((id) => [id, routes[id].host]));
    // And its Neon project, by which the backups' planning job reads its last activity.
    const projects = run.outputs.databasesByTenant as Record<string, { projectId: string }>;
    expect(manifest.tenants.map((t: { id: string; projectId: string }) => [t.id, t.projectId])).toEqual(ACTIVE.map((id) => [id, projects[id].projectId]));
    expect(manifest.tenants[0].host).toMatch(/\.neon\.tech$/);
  });

  it("uses one GitHub provider for the configured owner", () => {
    const providers = run.resources.filter((r) => r.type === "pulumi:providers:github");
    expect(providers).toHaveLength(1);
    expect(providers[0].inputs.owner).toBe("example-saas");
    for (const r of run.resources.filter((x) => x.type.startsWith("github:index/"))) expect(r.provider).toMatch(/pulumi:providers:github::github::/);
  });

  it("keeps at most 3 registrations per tenant beyond the shared ones", () => {
    const perTenant = run.resources.filter((r) =>
      ["tenant-fleet:index:TenantDatabase", "neon:index/project:Project", "github:index/actionsSecret:ActionsSecret"].includes(r.type),
    );
    expect(perTenant.length).toBeLessThanOrEqual(3 * 6);
  });

  it("exports the names of what the repository receives", () => {
    expect(run.outputs.githubWiring).toEqual({
      secrets: ACTIVE.map((id) => `${id.toUpperCase().replace(/-/g, "_")}_DATABASE_URL`).sort(),
      environments: [],
      variables: ["TENANT_FLEET_AWS_ROLE_ARN", "TENANT_FLEET_DRILL_ROLE_ARN", "TENANT_FLEET_BACKUP_VAULTS"],
      manifest: ".github/tenant-fleet/tenant-fleet.json",
      workflows: [
        ".github/workflows/tenant-fleet-backup-17-3-x-x-x.yml",
        ".github/workflows/tenant-fleet-backup-43-5-x-x-x.yml",
        ".github/workflows/tenant-fleet-migrations.yml",
        ".github/workflows/tenant-fleet-restore-drill.yml",
      ],
    });
  });
});

describe("environment-scoped secrets", async () => {
  const run = await runProgram("prod", ["secretScope=environment"]);

  it("gives each active tenant an environment restricted to the default branch, holding DATABASE_URL", () => {
    const envs = run.resources.filter((r) => r.type === "github:index/repositoryEnvironment:RepositoryEnvironment");
    expect(envs.map((e) => e.inputs.environment).sort()).toEqual(ACTIVE.map((id) => `tenant-${id}`));
    for (const e of envs) expect(e.inputs.deploymentBranchPolicy).toEqual({ protectedBranches: false, customBranchPolicies: true });
    const policies = run.resources.filter((r) => r.type === "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy");
    expect(policies.map((p) => [p.inputs.environment, p.inputs.branchPattern]).sort()).toEqual(ACTIVE.map((id) => [`tenant-${id}`, "main"]));
    const secrets = run.resources.filter((r) => r.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    expect(secrets).toHaveLength(ACTIVE.length);
    for (const s of secrets) {
      expect(s.inputs.secretName).toBe("DATABASE_URL");
      expect(isWireSecret(s.wireInputs.value)).toBe(true);
    }
    expect(run.resources.filter((r) => r.type === "github:index/actionsSecret:ActionsSecret")).toEqual([]);
  });
});

describe("region-scoped credentials", async () => {
  const run = await runProgram("prod", ["secretScope=region", 'applicationRoleArns=["arn:aws:iam::123456789012:role/app-runtime"]']);
  const parameters = run.resources.filter((r) => r.type === "aws:ssm/parameter:Parameter");

  it("writes nothing per tenant to GitHub: no secret, no environment, one manifest", () => {
    const github = run.resources.filter((r) => r.type.startsWith("github:index/"));
    expect(github.filter((r) => /actionsSecret|actionsEnvironmentSecret|repositoryEnvironment/.test(r.type))).toEqual([]);
    expect(github.map((r) => r.type).sort()).toEqual([
      "github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate",
      "github:index/actionsVariable:ActionsVariable",
      "github:index/actionsVariable:ActionsVariable",
      "github:index/actionsVariable:ActionsVariable",
      "github:index/actionsVariable:ActionsVariable",
      "github:index/repositoryFile:RepositoryFile",
      "github:index/repositoryFile:RepositoryFile",
      "github:index/repositoryFile:RepositoryFile",
      "github:index/repositoryFile:RepositoryFile",
      "github:index/repositoryFile:RepositoryFile",
    ]);
  });

  it("keeps each active tenant's pooled and direct strings as SecureStrings in its backup region, under the region's own key", () => {
    const keys = new Map(
      run.resources
        .filter((r) => r.type === "aws:kms/key:Key" && (r.inputs.tags as Record<string, string>)["tenant-fleet:purpose"] === "tenant-credentials")
        .map((k) => [k.inputs.region, k]),
    );
    expect([...keys.keys()].sort()).toEqual(["eu-central-1", "eu-west-2", "us-east-2", "us-west-2"]);
    expect(parameters).toHaveLength(ACTIVE.length * 2);
    const routes = run.outputs.databasesByTenant as Record<string, { awsRegion: string; credential: { parameter: string; directParameter: string } }>;
    for (const p of parameters) {
      const tenant = (p.inputs.tags as Record<string, string>)["tenant-fleet:tenant"];
      expect(p.inputs).toMatchObject({
        type: "SecureString",
        tier: "Standard",
        region: routes[tenant].awsRegion,
        keyId: keys.get(routes[tenant].awsRegion)!.state!.arn,
      });
      expect([routes[tenant].credential.parameter, routes[tenant].credential.directParameter]).toContain(p.inputs.name);
      expect(isWireSecret(p.wireInputs.value)).toBe(true);
    }
    expect(JSON.stringify(parameters.map((p) => p.inputs.name))).not.toContain("old-mill");
  });

  it("outputs the application's policy: the stack's pooled strings in its regions, through SSM only", () => {
    const doc = JSON.parse(String(run.outputs.applicationCredentialsPolicy));
    expect(doc.Statement[0]).toEqual({
      Sid: "ReadTenantPooledStrings",
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: expect.arrayContaining(["arn:aws:ssm:eu-central-1:123456789012:parameter/tenant-fleet/prod/*/pooled-url"]),
    });
    expect(doc.Statement[0].Resource).toHaveLength(4);
    expect(doc.Statement[1].Condition).toEqual({
      StringEquals: {
        "kms:ViaService": ["ssm.eu-central-1.amazonaws.com", "ssm.eu-west-2.amazonaws.com", "ssm.us-east-2.amazonaws.com", "ssm.us-west-2.amazonaws.com"],
      },
    });
  });
});

describe("the 100-repository-secret limit", () => {
  const settingsFor = (scope: string) =>
    parseStackSettings(
      { githubOwner: "o", githubRepository: "r", keyAdministrators: '["arn:aws:iam::123456789012:role/tenant-fleet-deploy"]', secretScope: scope },
      { stack: "prod", file: "Pulumi.prod.yaml" },
    ).settings!;
  const fleet = (n: number) => fleetYaml(Array.from({ length: n }, (_, i) => ({ ...ACME, id: `t${i}`, name: `T${i}` })));

  it("refuses more active tenants than fit with repository-scoped secrets, and says to switch scope", () => {
    const result = parseTenants(fleet(91), "tenants.yaml", fleetContext(settingsFor("repository"), "Pulumi.prod.yaml"));
    expect(result.fleet).toBeUndefined();
    expect(result.problems.map(formatProblem)).toEqual([
      "tenants.yaml:3:3: tenants: 91 active tenants need 91 repository secrets; GitHub allows 100 per repository and this stack keeps 10 for the repository's own, so at most 90 tenants fit; set tenant-fleet:secretScope to region (SSM parameters in each tenant's AWS region, batched jobs) or environment (one GitHub environment and job per tenant)",
    ]);
    expect(parseTenants(fleet(90), "tenants.yaml", fleetContext(settingsFor("repository"), "Pulumi.prod.yaml")).fleet).toBeDefined();
  });

  it("counts two SSM parameters per active tenant and region against Parameter Store's 10,000 with region-scoped credentials", () => {
    const refused = parseTenants(fleet(5001), "tenants.yaml", fleetContext(settingsFor("region"), "Pulumi.prod.yaml"));
    expect(refused.problems.map(formatProblem)).toEqual([
      expect.stringContaining("warning: tenants: this stack holds 5001 tenants"),
      "tenants.yaml:3:3: tenants: 5001 active tenants keep their connection strings in eu-central-1: 10002 SSM parameters, and a region holds 10000 standard parameters per account; shard the stack (shardRegions, shardResidencies) or give the stacks separate AWS accounts",
    ]);
    expect(parseTenants(fleet(300), "tenants.yaml", fleetContext(settingsFor("region"), "Pulumi.prod.yaml")).fleet).toBeDefined();
  });

  it("has no such limit with environment-scoped secrets", () => {
    expect(parseTenants(fleet(300), "tenants.yaml", fleetContext(settingsFor("environment"), "Pulumi.prod.yaml")).fleet).toBeDefined();
  });
});

describe("credentials", () => {
  it("stop a real update, naming every missing one and the scopes; previews run without them", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { requireCredentials, NEON_API_KEY, GITHUB_TOKEN } = await import("../src/core/config/credentials");
    const saved = { neon: process.env.NEON_API_KEY, gh: process.env.GITHUB_TOKEN };
    delete process.env.NEON_API_KEY;
    delete process.env.GITHUB_TOKEN;
    try {
      pulumi.runtime.setAllConfig({});
      await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, "p", "s", false);
      expect(() => requireCredentials([NEON_API_KEY, GITHUB_TOKEN])).toThrow(
        /^neon:apiKey is not set: export NEON_API_KEY=.*\ngithub:token is not set: export GITHUB_TOKEN \(CI: a GitHub App installation token.*Workflows write/,
      );
      await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, "p", "s", true);
      expect(() => requireCredentials([NEON_API_KEY, GITHUB_TOKEN])).not.toThrow();
    } finally {
      if (saved.neon !== undefined) process.env.NEON_API_KEY = saved.neon;
      if (saved.gh !== undefined) process.env.GITHUB_TOKEN = saved.gh;
    }
  });

  it("let a preview run with no Neon key: the provider gets a placeholder, as a secret, and never a real key", async () => {
    const { PREVIEW_NEON_API_KEY } = await import("../src/core/config/credentials");
    const wire = (run: Awaited<ReturnType<typeof runProgram>>) =>
      run.resources.find((r) => r.type === "pulumi:providers:neon")!.wireInputs.apiKey as { value: string };
    const without = await runProgram("prod", [], { NEON_API_KEY: undefined, GITHUB_TOKEN: undefined });
    expect(isWireSecret(wire(without))).toBe(true);
    expect(wire(without).value).toBe(PREVIEW_NEON_API_KEY);
    const given = await runProgram("prod", [], { NEON_API_KEY: "napi_real" });
    expect(isWireSecret(wire(given))).toBe(true);
    expect(wire(given).value).toBe("napi_real");
    // A real update never falls back to the placeholder: it stops for the missing key.
    await expect(runProgram("prod", [], { NEON_API_KEY: undefined, GITHUB_TOKEN: undefined }, false)).rejects.toThrow(/neon:apiKey is not set/);
  });

  it("need only the GitHub permissions docs/deploying.md lists, for every GitHub resource the program registers", async () => {
    const { GITHUB_PERMISSIONS } = await import("../src/core/config/credentials");
    const covered = new Set(GITHUB_PERMISSIONS.flatMap((p) => p.resourceTypes));
    const registered = new Set<string>();
    for (const [stack, overrides] of [
      ["prod", ["secretScope=repository"]],
      ["prod", ["secretScope=environment"]],
      ["dev", ["devNeonApiKey=k"]],
    ] as const) {
      const run = await runProgram(stack, overrides);
      for (const r of run.resources) if (r.type.startsWith("github:index/")) registered.add(r.type);
    }
    expect([...registered].filter((t) => !covered.has(t))).toEqual([]);
    expect([...covered].filter((t) => !registered.has(t))).toEqual([]);
    const doc = readFileSync(path.join(ROOT, "docs/deploying.md"), "utf8");
    for (const p of GITHUB_PERMISSIONS) expect(doc).toContain(`| ${p.permission} | ${p.access} |`);
  });

  it("pace the GitHub provider explicitly: serial requests, a second between writes, retries", async () => {
    const { GITHUB_PACING } = await import("../src/core/config/credentials");
    const run = await runProgram("prod", []);
    const github = run.resources.find((r) => r.type === "pulumi:providers:github")!;
    // The SDK hands provider inputs over as strings, as the engine passes provider config.
    expect(github.inputs).toMatchObject({
      legacyClient: "true",
      parallelRequests: "false",
      writeDelayMs: "1000",
      readDelayMs: "0",
      maxRetries: "3",
      retryDelayMs: "1000",
    });
    expect(GITHUB_PACING.writeDelayMs).toBeGreaterThanOrEqual(1000); // GitHub: at least one second between writes
  });

  it("are secrets on the wire when given through the environment", async () => {
    const run = await runProgram("prod", ["tenantsFile=test/runtime/fixtures/tenants.yaml"], { NEON_API_KEY: "napi_x", GITHUB_TOKEN: "ghp_y" }, false);
    const github = run.resources.find((r) => r.type === "pulumi:providers:github")!;
    expect(isWireSecret(github.wireInputs.token)).toBe(true);
    expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toMatch(/napi_x|ghp_y/);
  });
});
