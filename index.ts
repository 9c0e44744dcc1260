/**
 * tenant-fleet: one Neon project per tenant, regional backup vaults, a GitHub OIDC role
 * per purpose and the application repository's wiring, all derived from tenants/tenants.yaml.
 */
import { loadStackInputs } from "./config/stack";
import { refuseSampleFleet } from "./config/sampleFleet";
import { credential, devWorkflowApiKey, GITHUB_PACING, GITHUB_TOKEN, NEON_API_KEY, neonApiKey, requireCredentials } from "./config/credentials";
import * as neon from "@pulumi/neon";
import { TenantDatabase } from "./components/tenantDatabase";
import { planVaults } from "./vaults/plan";
import { BackupVault } from "./components/backupVault";
import { WorkflowRoles } from "./components/workflowRoles";
import { renderWorkflows, workflowSettings } from "./workflows/render";
import { shardKey } from "./config/shards";
import * as github from "@pulumi/github";
import { RepositoryWiring } from "./components/repositoryWiring";
import { DevTestProject } from "./components/devProject";
import { renderDevWorkflows } from "./workflows/dev";
import { activeTenants } from "./tenants/model";
import { placementOf } from "./tenants/placement";
import { credentialLocation } from "./repository/contract";
import { regionsReport } from "./review/regions";
import { fleetNames } from "./repository/contract";

const { settings, fleet, shards } = loadStackInputs();
// Shards sharing the application repository write under their own names.
const names = fleetNames(shardKey(settings.stack, shards));
requireCredentials([NEON_API_KEY, GITHUB_TOKEN]);
refuseSampleFleet(fleet, settings.tenantsFile);

// Every tenant keeps its database, retired ones included: retiring stops secrets,
// backups and migrations, never the data.
// One explicit Neon provider; its key is a Pulumi secret however it was given.
const neonProvider = new neon.Provider("neon", { apiKey: neonApiKey() });
const databases = new Map(
  fleet.tenants.map((tenant) => [
    tenant.id,
    new TenantDatabase(tenant.id, { tenant, orgId: settings.neonOrgId, provider: neonProvider, protect: settings.protect }),
  ]),
);

// The application repository's generated workflows, and one AWS role per purpose that
// only those files, on the default branch, can assume.
const githubProvider = new github.Provider("github", { owner: settings.github.owner, token: credential(GITHUB_TOKEN), ...GITHUB_PACING });
const workflows = renderWorkflows(fleet.tenants, workflowSettings(settings, names));
const roles = new WorkflowRoles("github-backups", {
  repository: settings.github,
  workflows,
  existingProviderArn: settings.oidcProviderArn,
  stack: settings.stack,
  githubProvider,
});

// Backups stay in the tenant's jurisdiction: one vault per AWS region in use (or kept
// while it still holds backups), write-once for CI, its key deletable by break-glass only.
const vaults = planVaults(fleet.tenants, settings.backup.keep).map((plan) => ({
  plan,
  vault: new BackupVault(`backups-${plan.awsRegion}`, {
    plan,
    stack: settings.stack,
    encryption: settings.backup.encryption,
    objectLock: settings.backup.objectLock,
    protect: settings.protect,
    access: {
      writerRoleArn: plan.backedUp.length ? roles.arnOf("backupWriter") : undefined,
      readerRoleArn: plan.backedUp.length ? roles.arnOf("drillReader") : undefined,
      keyAdministrators: settings.backup.keyAdministrators,
      breakGlassArn: settings.backup.breakGlassPrincipal,
    },
  }),
}));
roles.grant(vaults.map(({ plan, vault }) => ({ vault, tenants: plan.backedUp.map((t) => ({ id: t.id, retentionDays: t.backup.retentionDays })) })));

// Dev/test: one non-prod project, seeded main branch, a branch per pull request.
const devProject = settings.devProject
  ? new DevTestProject("dev-test", {
      settings: settings.devProject,
      stack: settings.stack,
      orgId: settings.neonOrgId,
      repository: settings.github.repository,
      workflowApiKey: devWorkflowApiKey(),
      protect: settings.protect,
      neonProvider,
      githubProvider,
    })
  : undefined;

// The application repository: tenant secrets, variables and generated workflows.
const wiring = new RepositoryWiring(
  "app-repository",
  {
    owner: settings.github.owner,
    repository: settings.github.repository,
    branch: settings.github.branch,
    scope: settings.secretScope,
    tenants: activeTenants(fleet).map((t) => ({ id: t.id, connectionUri: databases.get(t.id)!.connectionUri, host: databases.get(t.id)!.host })),
    roleArns: { backupWriter: roles.arnOf("backupWriter"), drillReader: roles.arnOf("drillReader") },
    vaults: vaults.map(({ plan, vault }) => ({ awsRegion: plan.awsRegion, bucket: vault.bucketName, kmsKeyArn: vault.keyArn })),
    workflows: [...workflows, ...renderDevWorkflows(settings.devProject, settings.github.branch)],
    source: settings.tenantsFile,
    names,
  },
  { providers: [githubProvider] },
);

// The auditors' view, from the same module as `npm run regions`.
const residency = regionsReport(fleet);
/** Per tenant: declared residency, database region, backup region, schedule, retention, PITR. */
export const tenants = residency.rows;
/** Whether every database and backup lies inside its tenant's declared residency. */
export const residencyCheck = residency.check;
/**
 * Per tenant, its route: Neon project id, region, the AWS region of its backups, the direct
 * and pooled hosts, and where its connection string lives (null once retired). Connection
 * strings themselves are never exported.
 */
export const databasesByTenant = Object.fromEntries(
  fleet.tenants.map((t) => {
    const db = databases.get(t.id)!;
    const credential = t.status === "active" ? credentialLocation(t.id, settings.secretScope) : null;
    return [t.id, { projectId: db.projectId, region: t.region, awsRegion: placementOf(t).backup.awsRegion, host: db.host, poolerHost: db.poolerHost, credential }];
  }),
);
/** Per AWS region in use: the backup bucket and its region. */
export const backupVaults = Object.fromEntries(vaults.map(({ plan, vault }) => [plan.awsRegion, { bucket: vault.bucketName, region: plan.awsRegion }]));
/** The role the generated backup workflows assume (upload only). */
export const backupRoleArn = roles.arnOf("backupWriter") ?? null;
/** The role the generated restore-drill workflows assume (read only). */
export const drillRoleArn = roles.arnOf("drillReader") ?? null;
/** What the application repository receives (names only). */
export const githubWiring = wiring.summary;
/** The dev/test project's id, or null in stacks without one (it is never a tenant). */
export const devTestProjectId = devProject?.projectId ?? null;
export const activeTenantCount = activeTenants(fleet).length;
export const secretScope = settings.secretScope;
