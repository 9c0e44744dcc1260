/**
 * `secretScope: region`: GitHub holds nothing per tenant; each backup job reads its
 * tenants' direct connection strings from SSM Parameter Store in their AWS region with
 * the role it assumed. The gateway's SSM stand-in (test/runtime/services/s3.ts) decides each
 * read as AWS would: the role's ssm:GetParameter on the parameter, then KMS Decrypt
 * through SSM against the credentials key's policy, with the parameter's ARN as context.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { FIXTURE_TENANTS, seedDatabase, startWorld, type World } from "./harness";
import { credentialParameter } from "../../src/core/repositoryContract";
import { asCaller, ssmRead } from "../iamWorld";

const MIGRATION = `psql "$DATABASE_URL" -X -v ON_ERROR_STOP=1 -c "create table if not exists migrated_here (id int)"`;
let world: World;
beforeAll(async () => {
  world = await startWorld("prod", ["secretScope=region", `tenantsFile=${FIXTURE_TENANTS}`, "migrationsSetupCommand=", `migrationsCommand=${MIGRATION}`]);
  seedDatabase(world.tenantDb, "app", 100);
});
afterAll(async () => world?.stop());

it("commits no tenant secret and no environment to the repository", () => {
  // Roles and vaults only (the migrations role reads parameters too).
  expect(Object.keys(world.repo.vars).sort()).toEqual([
    "TENANT_FLEET_AWS_ROLE_ARN",
    "TENANT_FLEET_BACKUP_VAULTS",
    "TENANT_FLEET_DRILL_ROLE_ARN",
    "TENANT_FLEET_MIGRATIONS_ROLE_ARN",
  ]);
  expect(world.repo.manifest.tenants.map((t) => t.credential)).toContainEqual({
    scope: "region",
    awsRegion: "eu-central-1",
    parameter: credentialParameter("prod", "acme-corp", "pooled"),
    directParameter: credentialParameter("prod", "acme-corp", "direct"),
  });
});

it("backs up a tenant with the connection string it read from its parameter, and the drill restores it", async () => {
  const { job } = await world.runBatch("backup", ["acme-corp"]);
  expect(job.result, job.log).toBe("success");
  const reads = world.s3.ssmCalls.filter((c) => c.name === credentialParameter("prod", "acme-corp", "direct"));
  expect(reads).toHaveLength(1);
  expect(reads[0]).toMatchObject({ operation: "GetParameter", region: "eu-central-1", status: 200 });
  expect(reads[0].role).toMatch(/backup-writer$/);
  expect(reads[0].decisions.map((d) => [d.action, d.decision])).toEqual([
    ["ssm:GetParameter", "allow"],
    ["kms:Decrypt", "allow"],
  ]);
  // The value was masked before anything could print it.
  expect(job.log).not.toContain(world.secretFor("acme-corp"));
  const drill = await world.runBatch("drill", ["acme-corp"]);
  expect(drill.job.result, drill.job.log).toBe("success");
});

it("names the parameter when it is missing, and the drill role cannot read any parameter", async () => {
  const { job } = await world.runBatch("backup", ["brightwave"], { secrets: { brightwave: "" } });
  expect(job.result).toBe("failure");
  expect(job.errors[0]).toMatch(/^could not read parameter \/tenant-fleet\/prod\/brightwave\/direct-url in eu-central-1 for brightwave: .*ParameterNotFound/);
  const reader = world.repo.world.reader!;
  const decisions = ssmRead(world.repo.world, "eu-central-1", asCaller(reader), credentialParameter("prod", "acme-corp", "direct"));
  expect(decisions.map((d) => d.decision)).toEqual(["implicit-deny", "implicit-deny"]);
});

it("migrates with the migrations role, which reads the direct string and nothing else", async () => {
  const { job } = await world.runBatch("migrate", ["acme-corp"]);
  expect(job.result, job.log).toBe("success");
  expect(world.tenantDb.sql("app", "select count(*) from pg_tables where tablename = 'migrated_here'")).toBe("1");
  const read = world.s3.ssmCalls.filter((c) => c.role.endsWith("migrations"));
  expect(read.map((c) => [c.name, c.status])).toEqual([[credentialParameter("prod", "acme-corp", "direct"), 200]]);
  // The migrations role holds no backup permission.
  expect(world.s3.calls.filter((c) => c.role.endsWith("migrations"))).toEqual([]);
  const migrator = world.repo.world.migrator!;
  expect(ssmRead(world.repo.world, "eu-central-1", asCaller(migrator), credentialParameter("prod", "acme-corp", "pooled")).map((d) => d.decision)).toEqual([
    "implicit-deny",
    "implicit-deny",
  ]);
});
