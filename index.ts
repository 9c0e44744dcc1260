/**
 * tenant-fleet: one Neon project per tenant, regional backup vaults, a GitHub OIDC role
 * per purpose and the application repository's wiring, all derived from tenants/tenants.yaml.
 */
import { loadStackInputs } from "./src/plan/stack";
import { refuseSampleFleet } from "./src/core/config/sampleFleet";
import {
  credential,
  devWorkflowApiKey,
  GITHUB_PACING,
  GITHUB_TOKEN,
  NEON_API_KEY,
  neonActivityApiKey,
  neonApiKey,
  requireCredentials,
} from "./src/core/config/credentials";
import * as neon from "./components/neon";
import { TenantDatabase } from "./components/tenantDatabase";
import { moveTarget, servingFleet } from "./tenants/serving";
import { projectResourceName } from "./tenants/naming";
import { planVaults } from "./src/plan/vaults/plan";
import { BackupVault } from "./components/backupVault";
import { WorkflowRoles } from "./components/workflowRoles";
import { OperationsRole } from "./components/operationsRole";
import { renderWorkflows, workflowSettings } from "./src/plan/workflows/render";
import { shardKey } from "./src/core/config/shards";
import * as github from "@pulumi/github";
import { RepositoryWiring } from "./components/repositoryWiring";
import { DevTestProject } from "./components/devProject";
import { renderDevWorkflows } from "./src/plan/workflows/dev";
import { readsNeonActivity } from "./src/plan/workflows/activityScripts";
import { activeTenants, isActive } from "./tenants/model";
import { placementOf } from "./tenants/placement";
import { catalogWriterLocation, credentialLocation } from "./src/core/repositoryContract";
import { regionsReport } from "./src/plan/regions";
import { fleetNames } from "./src/core/repositoryContract";
import * as pulumi from "@pulumi/pulumi";
import { TenantCredentials } from "./components/tenantCredentials";
import { FleetCatalog } from "./components/fleetCatalog";
import { CATALOG_DATABASE } from "./src/plan/projects/catalogWriter";
import { applicationCredentialsPolicy as applicationPolicy } from "./src/plan/iam/credentials";
import { batchWarnings, credentialRegions, fleetManifest, manifestPath, planFleetBatches, renderManifest } from "./src/plan/repository/manifest";

const { settings, fleet: declared, shards } = loadStackInputs();
// Shards sharing the application repository write under their own names.
const names = fleetNames(shardKey(settings.stack, shards));
requireCredentials([NEON_API_KEY, GITHUB_TOKEN]);
refuseSampleFleet(declared, settings.tenantsFile);

// Every tenant keeps its database, retired ones included: retiring stops secrets,
// backups and migrations, never the data. A finished move releases its source.
// One explicit Neon provider; its key is a Pulumi secret however it was given.
const neonProvider = new neon.Provider("neon", { apiKey: neonApiKey() });
const projects = new Map(
  declared.tenants.map((tenant) => [
    tenant.id,
    new TenantDatabase(projectResourceName(tenant), {
      tenant,
      orgId: settings.neonOrgId,
      provider: neonProvider,
      protect: settings.protect,
      released: tenant.move?.finish,
      serves: !tenant.move?.cutover,
    }),
  ]),
);

// A tenant being moved gets its target project beside the current one (tenants/serving.ts).
const moveTargets = new Map(
  declared.tenants.flatMap((t) => {
    const target = moveTarget(t);
    return target
      ? [
          [
            t.id,
            new TenantDatabase(projectResourceName(target), {
              tenant: target,
              orgId: settings.neonOrgId,
              provider: neonProvider,
              protect: settings.protect,
              serves: Boolean(t.move?.cutover),
            }),
          ] as const,
        ]
      : [];
  }),
);

// Everything below sees each tenant where it is served: its move target once cut over.
const fleet = servingFleet(declared);
const databases = new Map(fleet.tenants.map((t) => [t.id, (t.move?.cutover ? moveTargets.get(t.id) : undefined) ?? projects.get(t.id)!]));

// The application repository's generated workflows, and one AWS role per purpose that
// only those files, on the default branch, can assume.
const githubProvider = new github.Provider("github", { owner: settings.github.owner, token: credential(GITHUB_TOKEN), ...GITHUB_PACING });
const workflows = renderWorkflows(fleet.tenants, workflowSettings(settings, names));
// The fleet manifest the workflows read at run time: the only file adding a tenant changes.
const manifestSettings = {
  stack: settings.stack,
  source: settings.tenantsFile,
  scope: settings.secretScope,
  batchSize: settings.workflows.batchSize,
  migrations: Boolean(settings.workflows.migrationsCommand),
  waves: settings.workflows.migrationWaves,
  runners: settings.workflows.runnerLabels,
};
for (const warning of batchWarnings(planFleetBatches(fleet.tenants, manifestSettings))) pulumi.log.warn(warning);
const roles = new WorkflowRoles("github-backups", {
  repository: settings.github,
  workflows,
  existingProviderArn: settings.oidcProviderArn,
  stack: settings.stack,
  scope: settings.secretScope,
  githubProvider,
});

// Tenant operations (restores from dumps, exports) from the stack's own repository, behind its environment.
const operations = settings.backup.operationsRepository
  ? new OperationsRole("tenant-operations", { repository: settings.backup.operationsRepository, providerArn: roles.providerArn, stack: settings.stack })
  : undefined;

// Backups stay in the tenant's jurisdiction: one vault per AWS region in use (or kept
// while it still holds backups), write-once for CI, its key deletable by break-glass only.
const vaults = planVaults(fleet.tenants, settings.backup.keep).map((plan) => ({
  plan,
  vault: new BackupVault(`backups-${plan.awsRegion}`, {
    plan,
    stack: settings.stack,
    encryption: settings.backup.encryption,
    objectLock: settings.backup.objectLock,
    exportRetentionDays: settings.backup.exports.retentionDays,
    protect: settings.protect,
    // Every vault names the stack's roles, whoever backs up there: a tenant joining or leaving
    // a region then never changes a vault's policies (a break-glass change once a vault has a
    // break-glass principal). Their own policies grant them nothing in a vault with no tenant.
    access: {
      writerRoleArn: roles.arnOf("backupWriter"),
      readerRoleArn: roles.arnOf("drillReader"),
      operatorRoleArn: operations?.arn,
      keyAdministrators: settings.backup.keyAdministrators,
      breakGlassArn: settings.backup.breakGlassPrincipal,
    },
  }),
}));
// Region scope: each active tenant's connection strings as SSM parameters in its backup
// region, under a key of that region; GitHub then holds nothing per tenant.
const credentials =
  settings.secretScope === "region"
    ? credentialRegions(fleet.tenants, manifestSettings.migrations).map((region) => ({
        ...region,
        credentials: new TenantCredentials(`credentials-${region.awsRegion}`, {
          stack: settings.stack,
          awsRegion: region.awsRegion,
          tenants: region.active.map((t) => ({
            id: t.id,
            residency: t.residency,
            direct: databases.get(t.id)!.connectionUri,
            pooled: databases.get(t.id)!.pooledConnectionUri,
          })),
          keyAdministrators: settings.backup.keyAdministrators,
          workflowReaders: [roles.arnOf("backupWriter"), roles.arnOf("migrator")].filter((arn) => arn !== undefined),
          applicationReaders: settings.applicationRoleArns,
          breakGlassArn: settings.backup.breakGlassPrincipal,
          protect: settings.protect,
        }),
      }))
    : [];
operations?.grant(vaults.map(({ plan, vault }) => ({ vault, tenants: plan.tenants.map((t) => ({ id: t.id, retentionDays: t.backup.retentionDays })) })));
roles.grant(
  vaults.map(({ plan, vault }) => ({ vault, tenants: plan.backedUp.map((t) => ({ id: t.id, retentionDays: t.backup.retentionDays })) })),
  settings.secretScope === "region" ? { stack: settings.stack, regions: credentials } : undefined,
);

// Dev/test: one non-prod project, seeded main branch, a branch per pull request.
const devProject = settings.devProject
  ? new DevTestProject("dev-test", {
      settings: settings.devProject,
      stack: settings.stack,
      orgId: settings.neonOrgId,
      repository: settings.github.repository,
      branch: settings.github.branch,
      workflowApiKey: devWorkflowApiKey(),
      protect: settings.protect,
      neonProvider,
      githubProvider,
    })
  : undefined;

// The fleet catalog: metadata the deploy syncs and the generated jobs append to.
const catalog = settings.catalog
  ? new FleetCatalog("fleet-catalog", {
      region: settings.catalog.region,
      stack: settings.stack,
      orgId: settings.neonOrgId,
      protect: settings.protect,
      provider: neonProvider,
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
    tenants: activeTenants(fleet).map((t) => ({ id: t.id, connectionUri: databases.get(t.id)!.connectionUri })),
    manifest: {
      path: manifestPath(names),
      content: pulumi
        .all([
          Object.fromEntries(activeTenants(fleet).map((t) => [t.id, databases.get(t.id)!.host])),
          Object.fromEntries(activeTenants(fleet).map((t) => [t.id, databases.get(t.id)!.projectId])),
          catalog?.projectId,
        ])
        .apply(([hosts, projectIds, catalogProjectId]) =>
          renderManifest(fleetManifest(fleet.tenants, manifestSettings, new Map(Object.entries(hosts)), new Map(Object.entries(projectIds)), catalogProjectId)),
        ),
    },
    roleArns: { backupWriter: roles.arnOf("backupWriter"), drillReader: roles.arnOf("drillReader"), migrator: roles.arnOf("migrator") },
    vaults: vaults.map(({ plan, vault }) => ({ awsRegion: plan.awsRegion, bucket: vault.bucketName, kmsKeyArn: vault.keyArn })),
    workflows: [...workflows, ...renderDevWorkflows(settings.devProject, settings.github.branch)],
    source: settings.tenantsFile,
    names,
    catalogWriterUrl: catalog?.writerUrl,
    // The backups' planning job and the drill's snapshot check read Neon from their own environment (docs/backups.md).
    neonActivityApiKey: readsNeonActivity(workflows, settings.backup.maxSkipDays, activeTenants(fleet)) ? neonActivityApiKey() : undefined,
  },
  { providers: [githubProvider] },
);

// The auditors' view, from the same module as `npm run regions`.
const residency = regionsReport(fleet, settings.workflows.runnerLabels);
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
    const awsRegion = placementOf(t).backup.awsRegion;
    const credential = isActive(t) ? credentialLocation(t.id, settings.secretScope, { stack: settings.stack, awsRegion }) : null;
    return [t.id, { projectId: db.projectId, region: t.region, awsRegion, host: db.host, poolerHost: db.poolerHost, credential }];
  }),
);
/** Per tenant being moved: the target project, the source it moves from, and the stage (copy, cutover, finish). */
export const moves = Object.fromEntries(
  fleet.tenants
    .filter((t) => moveTargets.has(t.id))
    .map((t) => [
      t.id,
      {
        projectId: moveTargets.get(t.id)!.projectId,
        sourceProjectId: projects.get(t.id)!.projectId,
        ...t.move!,
        stage: t.move!.finish ? "finish" : t.move!.cutover ? "cutover" : "copy",
      },
    ]),
);
/** Per AWS region in use: the backup bucket, its region and its KMS key (null with S3-managed keys). */
export const backupVaults = Object.fromEntries(
  vaults.map(({ plan, vault }) => [plan.awsRegion, { bucket: vault.bucketName, region: plan.awsRegion, kmsKeyArn: vault.keyArn ?? null }]),
);
/** The role the generated backup workflows assume (upload only). */
export const backupRoleArn = roles.arnOf("backupWriter") ?? null;
/** The role the generated restore-drill workflows assume (read only). */
export const drillRoleArn = roles.arnOf("drillReader") ?? null;
/** The role this stack's tenant-restore and tenant-export workflows assume (operationsRepository), or null. */
export const operationsRoleArn = operations?.arn ?? null;
/** The role the generated migrations workflow assumes to read tenants' parameters (region scope), or null. */
export const migrationsRoleArn = roles.arnOf("migrator") ?? null;
/**
 * Region scope: the IAM policy to attach to the application's runtime roles (listed in
 * applicationRoleArns): read the pooled string of this stack's tenants, through SSM only.
 */
export const applicationCredentialsPolicy = credentials.length
  ? pulumi
      .all(credentials.map((c) => c.credentials.keyArn.apply((keyArn) => ({ awsRegion: c.awsRegion, keyArn, tenants: c.active.map((t) => t.id) }))))
      .apply((g) => JSON.stringify(applicationPolicy(settings.stack, g)))
  : null;
/** What the application repository receives (names only). */
export const githubWiring = wiring.summary;
/** The fleet catalog: its project, host and database, and where the generated jobs' writer string lives; null without one. */
export const fleetCatalog = catalog
  ? {
      projectId: catalog.projectId,
      region: settings.catalog!.region,
      host: catalog.host,
      database: CATALOG_DATABASE,
      writer: catalogWriterLocation(settings.secretScope, names),
    }
  : null;
/** The catalog owner's string (secret), for the deploy's npm run catalog -- migrate and sync; null without one. */
export const catalogOwnerUrl = catalog?.ownerUrl ?? null;
/** The dev/test project's id, or null in stacks without one (it is never a tenant). */
export const devTestProjectId = devProject?.projectId ?? null;
export const activeTenantCount = activeTenants(fleet).length;
export const secretScope = settings.secretScope;
