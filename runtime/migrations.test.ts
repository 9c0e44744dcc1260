/**
 * The migrations workflow, run for real: one job migrates its batch of tenants one after
 * the other, attempts every tenant whatever the others do, names the failed ones, and
 * fails. Nothing rolls a migrated tenant back, so a failure still leaves the fleet
 * half-migrated: waves, a failure budget and a record of versions are the migrations
 * issue's; this pins the behaviour they start from.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { FIXTURE_TENANTS, seedDatabase, startWorld, type World } from "./harness";
import { FAILED_TENANTS_TITLE } from "../workflows/batchScripts";

const MIGRATION = `psql "$DATABASE_URL" -X -v ON_ERROR_STOP=1 -c "alter table customers add column tier text"`;
let world: World;
beforeAll(async () => {
  world = await startWorld("prod", ["secretScope=repository", `tenantsFile=${FIXTURE_TENANTS}`, "migrationsSetupCommand=", `migrationsCommand=${MIGRATION}`]);
  seedDatabase(world.tenantDb, "acme_db");
  seedDatabase(world.tenantDb, "fresh_db", 10);
  world.tenantDb.sql("postgres", "create database bright_db owner app_owner");
});
afterAll(async () => world?.stop());

const hasTier = (db: string) => world.tenantDb.sql(db, "select count(*) from information_schema.columns where table_name = 'customers' and column_name = 'tier'");

it("migrates every tenant of the batch, names the one that failed, and fails the job (a half-migrated fleet)", async () => {
  const { job, entry } = await world.runBatch("migrate", ["acme-corp"], {
    narrow: false,
    secrets: { "acme-corp": world.secretFor("acme-corp", "acme_db"), brightwave: world.secretFor("brightwave", "bright_db"), "fresh-start": world.secretFor("fresh-start", "fresh_db") },
  });
  expect(entry.key).toBe("eu-central-1-pg17-1");
  expect(job.result).toBe("failure");
  expect(job.settings.name).toBe("migrate eu-central-1-pg17-1");
  expect(job.log).toContain('relation "customers" does not exist');
  expect(job.log).toContain(`::error title=${FAILED_TENANTS_TITLE}::brightwave`);
  // Every tenant was attempted: the one after the failure too.
  expect([hasTier("acme_db"), hasTier("fresh_db")]).toEqual(["1", "1"]);
  expect(job.summary).toMatch(/\| acme-corp \| ok \|/);
  expect(job.summary).toMatch(/\| brightwave \| failed \|/);
  expect(job.summary).toMatch(/\| fresh-start \| ok \|/);
});
