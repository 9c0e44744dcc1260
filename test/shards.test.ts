/** Shards sharing one tenants file, collisions between them, and the limits the loader enforces. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveStackInputs } from "../src/plan/inputs";
import { readStackConfig } from "../src/core/config/stackFiles";
import { projectSettings } from "../src/core/config/settings";
import { MAX_MATRIX_JOBS, planFleetBatches } from "../src/plan/repository/manifest";
import { renderWorkflows } from "../src/plan/workflows/render";
import { parseTenants } from "../tenants/load";
import { formatProblem } from "../src/core/diagnostics/problems";
import { ROOT } from "./program";
import { ACME, fleetYaml } from "./helpers";
import { fleetNames } from "../src/core/repositoryContract";

const BASE =
  '  tenant-fleet:githubOwner: example-saas\n  tenant-fleet:githubRepository: app\n  tenant-fleet:keyAdministrators: ["arn:aws:iam::123456789012:role/tenant-fleet-deploy"]\n  tenant-fleet:breakGlassPrincipal: arn:aws:iam::123456789012:role/break-glass\n';

/** A project directory with the given stack files (config lines) and tenants file. */
function project(stacks: Record<string, string>, tenants = readFileSync(path.join(ROOT, "tenants/tenants.yaml"), "utf8")): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-shards-"));
  copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  mkdirSync(path.join(dir, "tenants"));
  writeFileSync(path.join(dir, "tenants/tenants.yaml"), tenants);
  for (const [name, lines] of Object.entries(stacks)) writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), `config:\n${BASE}${lines}`);
  return dir;
}

function inputs(dir: string, stack: string) {
  const cfg = readStackConfig(dir, stack);
  const raw = projectSettings(cfg.config);
  const r = resolveStackInputs(raw, { stack, file: cfg.stackFile, text: cfg.stackFileText }, dir);
  // These stacks share repository-scoped secrets on purpose; the warning that says what that
  // exposes is asserted once below and kept out of the other expectations.
  const all = r.problems.map(formatProblem);
  return { ...r, lines: all.filter((l) => !REPOSITORY_SCOPE_WARNING.test(l)), scopeWarnings: all.filter((l) => REPOSITORY_SCOPE_WARNING.test(l)) };
}

const REPOSITORY_SCOPE_WARNING = /: warning: tenant-fleet:secretScope: repository scope in a protected stack: /;
const EU =
  "  tenant-fleet:shardResidencies: [EU, DE, GB]\n  tenant-fleet:oidcProviderArn: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\n";
const US = "  tenant-fleet:shardResidencies: [US]\n";

describe("shards", () => {
  it("give every tenant to exactly one stack sharing the file", () => {
    const dir = project({ "prod-eu": EU, "prod-us": US });
    const eu = inputs(dir, "prod-eu");
    const us = inputs(dir, "prod-us");
    expect(eu.lines).toEqual([]);
    expect(us.lines).toEqual([]);
    expect(eu.scopeWarnings).toEqual([
      "Pulumi.prod-eu.yaml:2:3: warning: tenant-fleet:secretScope: repository scope in a protected stack: every workflow on every branch of example-saas/app can read every tenant's connection string, so anyone who can push a branch can; use secretScope environment (one environment per tenant, readable only by runs of main) or region (SSM parameters in the tenant's AWS region, readable only by the generated workflows' roles) for production",
    ]);
    expect(eu.fleet!.tenants.map((t) => t.id)).toEqual(["acme-corp", "brightwave", "thames-logistics"]);
    expect(us.fleet!.tenants.map((t) => t.id)).toEqual(["northwind", "pacific-health", "old-mill"]);
    expect(eu.shards.map((s) => s.stack)).toEqual(["prod-eu", "prod-us"]);
  });

  it("refuses a tenant no shard owns, at its line", () => {
    const dir = project({ "prod-eu": EU, "prod-us": "  tenant-fleet:shardResidencies: [US]\n  tenant-fleet:shardRegions: [aws-us-east-2]\n" });
    expect(inputs(dir, "prod-eu").lines).toEqual([
      "tenants/tenants.yaml:47:16: tenants[4].residency: no stack sharing this file owns a tenant with residency US in aws-us-west-2 (prod-eu: residencies EU, DE, GB; prod-us: residencies US in regions aws-us-east-2); add it to one stack's tenant-fleet:shardResidencies or shardRegions",
      "tenants/tenants.yaml:54:16: tenants[5].residency: no stack sharing this file owns a tenant with residency US in aws-us-east-1 (prod-eu: residencies EU, DE, GB; prod-us: residencies US in regions aws-us-east-2); add it to one stack's tenant-fleet:shardResidencies or shardRegions",
    ]);
    expect(inputs(dir, "prod-eu").fleet).toBeUndefined();
  });

  it("refuses a tenant two shards own", () => {
    const dir = project({ "prod-eu": EU, "prod-all": "" });
    const lines = inputs(dir, "prod-eu").lines;
    expect(lines[0]).toBe(
      "tenants/tenants.yaml:18:16: tenants[0].residency: stacks prod-all and prod-eu both own this tenant (prod-all: every tenant; prod-eu: residencies EU, DE, GB); narrow their shard settings so exactly one does",
    );
  });

  it("keep GitHub names apart and refuse the collisions they cannot avoid", () => {
    const dir = project({
      "prod-eu": `${EU}  tenant-fleet:devProject: true\n`,
      Prod_EU: "  tenant-fleet:shardResidencies: [SG]\n  tenant-fleet:devProject: true\n",
      "prod-us": US,
    });
    expect(inputs(dir, "prod-eu").lines).toEqual([
      "Pulumi.prod-eu.yaml:3:34: tenant-fleet:githubRepository: stacks prod-eu and Prod_EU write to example-saas/app under the same name prod-eu; rename one stack",
      "Pulumi.prod-eu.yaml:8:28: tenant-fleet:devProject: stacks Prod_EU, prod-eu all create the dev/test project in example-saas/app; keep devProject on in one of them",
    ]);
  });

  it("warns when several shards would create the account's one OIDC provider", () => {
    const dir = project({ "prod-eu": "  tenant-fleet:shardResidencies: [EU, DE, GB]\n", "prod-us": US });
    expect(inputs(dir, "prod-eu").lines).toEqual([]);
    expect(inputs(dir, "prod-us").lines).toEqual([
      "Pulumi.prod-us.yaml:2:3: warning: tenant-fleet:oidcProviderArn: stacks prod-eu, prod-us would each create the GitHub OIDC provider, and an AWS account holds one; where they share an account, set this to the ARN of the provider prod-eu creates",
    ]);
    expect(inputs(dir, "prod-us").fleet).toBeDefined();
  });

  it("share the repository's 100 secrets when they write to the same repository", () => {
    const many = fleetYaml([
      ...Array.from({ length: 50 }, (_, i) => ({ ...ACME, id: `eu-${i}`, name: `EU ${i}` })),
      ...Array.from({ length: 50 }, (_, i) => ({ ...ACME, id: `us-${i}`, name: `US ${i}`, region: "aws-us-east-2", residency: "US" })),
    ]);
    const dir = project({ "prod-eu": EU, "prod-us": US }, many);
    expect(inputs(dir, "prod-eu").lines[0]).toMatch(
      /^tenants\/tenants.yaml:3:3: tenants: 100 active tenants need 100 repository secrets; .* at most 90 tenants fit/,
    );
    const apart = project({ "prod-eu": EU, "prod-us": US.replace("[US]", "[US]\n  tenant-fleet:secretScope: environment") }, many);
    expect(inputs(apart, "prod-eu").lines).toEqual([]);
  });

  it("skip another stack file that does not parse (its own run reports it)", () => {
    const dir = project({ "prod-eu": "  tenant-fleet:shardResidencies: [EU, DE, GB, US]\n", broken: "  tenant-fleet:protect: [oops\n" });
    expect(inputs(dir, "prod-eu").lines).toEqual([]);
  });

  it("name workflow files and variables per shard", () => {
    const names = fleetNames("prod-eu");
    expect(names).toEqual({
      prefix: "tenant-fleet-prod-eu",
      roleArnVariable: "TENANT_FLEET_AWS_ROLE_ARN_PROD_EU",
      drillRoleArnVariable: "TENANT_FLEET_DRILL_ROLE_ARN_PROD_EU",
      migrationsRoleArnVariable: "TENANT_FLEET_MIGRATIONS_ROLE_ARN_PROD_EU",
      vaultsVariable: "TENANT_FLEET_BACKUP_VAULTS_PROD_EU",
      catalogSecret: "TENANT_FLEET_CATALOG_URL_PROD_EU",
      catalogEnvironment: "tenant_fleet_catalog_prod_eu",
    });
    expect(fleetNames()).toEqual({
      prefix: "tenant-fleet",
      roleArnVariable: "TENANT_FLEET_AWS_ROLE_ARN",
      drillRoleArnVariable: "TENANT_FLEET_DRILL_ROLE_ARN",
      migrationsRoleArnVariable: "TENANT_FLEET_MIGRATIONS_ROLE_ARN",
      vaultsVariable: "TENANT_FLEET_BACKUP_VAULTS",
      catalogSecret: "TENANT_FLEET_CATALOG_URL",
      catalogEnvironment: "tenant_fleet_catalog",
    });
    const fleet = parseTenants(fleetYaml([ACME]), "t.yaml").fleet!;
    const ws = renderWorkflows(fleet.tenants, {
      scope: "repository",
      encryption: "kms",
      branch: "main",
      source: "t.yaml",
      restoreDrillSchedule: "41 4 * * 1",
      names,
    });
    expect(ws.map((w) => path.basename(w.path))).toEqual(["tenant-fleet-prod-eu-backup-17-3-x-x-x.yml", "tenant-fleet-prod-eu-restore-drill.yml"]);
    for (const w of ws) {
      expect(w.content).toContain(w.kind === "backup" ? "vars.TENANT_FLEET_AWS_ROLE_ARN_PROD_EU" : "vars.TENANT_FLEET_DRILL_ROLE_ARN_PROD_EU");
      expect(w.content).toContain("fromJSON(vars.TENANT_FLEET_BACKUP_VAULTS_PROD_EU)");
      expect(w.content).toContain("group: tenant-fleet-prod-eu-");
      // Each shard reads its own manifest.
      expect(w.content).toContain("MANIFEST: .github/tenant-fleet/tenant-fleet-prod-eu.json");
    }
  });
});

describe("limits enforced before production", () => {
  it("Neon projects per plan", () => {
    const dir = project({ prod: "  tenant-fleet:neonProjectLimit: 5\n" });
    expect(inputs(dir, "prod").lines).toEqual([
      "tenants/tenants.yaml:15:3: tenants: this stack needs 6 Neon projects (6 tenants) and the Neon plan allows 5 (tenant-fleet:neonProjectLimit); retire and erase tenants, or raise the plan's limit",
    ]);
    expect(inputs(project({ prod: "  tenant-fleet:neonProjectLimit: 6\n" }), "prod").lines).toEqual([]);
    // The fleet catalog is a project of the stack's own.
    expect(
      inputs(project({ prod: "  tenant-fleet:neonProjectLimit: 6\n  tenant-fleet:catalog: true\n  tenant-fleet:catalogRegion: aws-eu-central-1\n" }), "prod")
        .lines,
    ).toEqual([
      "tenants/tenants.yaml:15:3: tenants: this stack needs 7 Neon projects (6 tenants and 1 of the stack's own: dev/test, catalog) and the Neon plan allows 6 (tenant-fleet:neonProjectLimit); retire and erase tenants, or raise the plan's limit",
    ]);
  });

  it("the plan's PITR window, at the tenant or the default that sets it", () => {
    const dir = project({ prod: "  tenant-fleet:neonMaxHistoryRetentionHours: 48\n" });
    expect(inputs(dir, "prod").lines).toEqual([
      "tenants/tenants.yaml:34:28: tenants[2].historyRetentionHours: a PITR window of 168 h is above the 48 h the Neon plan allows (tenant-fleet:neonMaxHistoryRetentionHours); shorten it or upgrade the plan",
    ]);
    const free = project({ prod: "  tenant-fleet:neonMaxHistoryRetentionHours: 6\n" });
    expect(inputs(free, "prod").lines[0]).toBe(
      "tenants/tenants.yaml:11:26: defaults.historyRetentionHours: a PITR window of 24 h is above the 6 h the Neon plan allows (tenant-fleet:neonMaxHistoryRetentionHours); shorten it or upgrade the plan",
    );
  });

  it("1,000 lifecycle rules per bucket", () => {
    const tenants = Array.from({ length: 1000 }, (_, i) => ({ ...ACME, id: `t${i}`, name: `T${i}`, backup: `{ retentionDays: ${i + 1} }` }));
    const r = parseTenants(fleetYaml(tenants), "t.yaml");
    expect(r.problems.map(formatProblem)).toEqual([
      "t.yaml:6002:13: tenants[999].backup: eu-central-1 would need 1001 lifecycle rules (one per distinct retentionDays, plus housekeeping) and S3 allows 1000; use fewer distinct retention periods",
    ]);
    expect(parseTenants(fleetYaml(tenants.slice(0, 999)), "t.yaml").fleet).toBeDefined();
  });

  it("a stack larger than the recommended size is a warning", () => {
    const r = parseTenants(fleetYaml([ACME, { ...ACME, id: "b", name: "B" }, { ...ACME, id: "c", name: "C" }]), "t.yaml", {
      limits: { recommendedTenants: 2 },
    });
    expect(r.fleet).toBeDefined();
    expect(r.problems.map(formatProblem)).toEqual([
      "t.yaml:3:3: warning: tenants: this stack holds 3 tenants, more than the 2 a stack handles comfortably (npm run bench); split the fleet into shards (tenant-fleet:shardResidencies or shardRegions)",
    ]);
  });

  it("IAM's role trust policy length: too many backup files is refused at the setting, with the ways out; a raised quota admits them", () => {
    const schedules = Array.from({ length: 14 }, (_, i) => `${10 + i} 3 * * *`);
    const tenants = schedules.map((cron, i) => ({ ...ACME, id: `t${i}`, name: `T${i}`, backup: `{ schedule: "${cron}" }` }));
    const dir = project({ prod: "  tenant-fleet:secretScope: environment\n" }, fleetYaml(tenants));
    const refused = inputs(dir, "prod");
    expect(refused.fleet).toBeUndefined();
    expect(refused.lines).toEqual([
      `Pulumi.prod.yaml:2:3: tenant-fleet:trustPolicyLengthLimit: the backup writer role would trust 14 workflow files, a 2166-character trust policy, and IAM allows 2048 in this account; use fewer distinct backup schedules, shard the stack (shardResidencies, shardRegions), or request a higher "Role trust policy length" quota (at most 8192) and set tenant-fleet:trustPolicyLengthLimit to it`,
    ]);
    const raised = project({ prod: "  tenant-fleet:secretScope: environment\n  tenant-fleet:trustPolicyLengthLimit: 4096\n" }, fleetYaml(tenants));
    expect(inputs(raised, "prod").lines).toEqual([]);
  });

  it("256 matrix jobs per run: one file per schedule, its tenants in slots of 256, never refused", () => {
    const tenants = Array.from({ length: 300 }, (_, i) => ({ ...ACME, id: `t${i}`, name: `T${i}` }));
    const fleet = parseTenants(fleetYaml(tenants), "t.yaml", {}).fleet!;
    const ws = renderWorkflows(fleet.tenants, {
      scope: "environment",
      encryption: "kms",
      branch: "main",
      source: "t.yaml",
      restoreDrillSchedule: "41 4 * * 1",
    });
    expect(ws.filter((w) => w.kind === "backup")).toHaveLength(1);
    const plan = planFleetBatches(fleet.tenants, { scope: "environment", batchSize: 50, migrations: false }).backup.get("17 3 * * *")!;
    expect(plan.batches).toHaveLength(300);
    expect(Math.ceil(plan.batches.length / MAX_MATRIX_JOBS)).toBe(2);
  });
});

describe("deploy credentials in a stack file", () => {
  it("are warned about at their line: an approved preview can decrypt them", () => {
    const dir = project({
      prod: "  tenant-fleet:secretScope: environment\n  neon:apiKey:\n    secure: v1:AAAABBBBCCCC\n  github:token:\n    secure: v1:DDDDEEEEFFFF\n",
    });
    expect(inputs(dir, "prod").lines).toEqual([
      "Pulumi.prod.yaml:7:3: warning: neon:apiKey: in the stack file, where anyone who can decrypt this stack's config can use it, an approved pull-request preview included; deploys take it from the NEON_API_KEY secret of the dev or prod environment, so run pulumi config rm neon:apiKey --stack prod",
      'Pulumi.prod.yaml:9:3: warning: github:token: in the stack file, where anyone who can decrypt this stack\'s config can use it, an approved pull-request preview included; deploys take it from the GitHub App token the deploy jobs mint (docs/deploying.md "Credentials"), so run pulumi config rm github:token --stack prod',
    ]);
    expect(inputs(project({ prod: "  tenant-fleet:secretScope: environment\n" }), "prod").lines).toEqual([]);
  });
});
