/**
 * Batched jobs as the stack plans them: the planning job reads the fleet manifest the
 * program commits, a backup job takes its batch (three tenants of eu-central-1 on
 * Postgres 17), works on them in parallel, attempts every one, writes a per-tenant table
 * to the job summary and fails naming the tenants that failed. The restore drill does the
 * same with each tenant in a database of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TENANTS, seedDatabase, startWorld, type World } from "./harness";
import { backupPrefix } from "../../tenants/naming";
import { FAILED_TENANTS_TITLE } from "../../src/plan/workflows/batchScripts";
import { MANIFEST_SUFFIX } from "../../src/plan/workflows/backupScripts";

let world: World;
beforeAll(async () => {
  world = await startWorld("prod", ["secretScope=repository", `tenantsFile=${FIXTURE_TENANTS}`]);
  seedDatabase(world.tenantDb, "acme_db", 300);
  world.tenantDb.sql("postgres", "create database fresh_db owner app_owner");
});
afterAll(async () => world?.stop());

const manifests = async (tenant: string) =>
  (await world.s3.list(world.bucketOf(tenant))).filter((o) => o.key.startsWith(backupPrefix(tenant, 14)) && o.key.endsWith(MANIFEST_SUFFIX));

describe("a batch of three tenants", () => {
  it("plans one job for the batch from the manifest, with the batch's secrets only", async () => {
    const { plan, entry } = await world.runBatch("backup", ["acme-corp"], {
      narrow: false,
      secrets: { "acme-corp": world.secretFor("acme-corp", "acme_db"), brightwave: "", "fresh-start": world.secretFor("fresh-start", "fresh_db") },
    });
    expect(plan.log).toContain("3 tenant(s) in 1 job(s) from .github/tenant-fleet/tenant-fleet.json");
    expect(entry).toMatchObject({
      key: "eu-central-1-pg17-1",
      aws_region: "eu-central-1",
      secrets: ["ACME_CORP_DATABASE_URL", "BRIGHTWAVE_DATABASE_URL", "FRESH_START_DATABASE_URL"],
    });
  });

  it("backs up every tenant it can, names the one it could not, and fails", async () => {
    const before = { acme: (await manifests("acme-corp")).length, fresh: (await manifests("fresh-start")).length };
    const { job } = await world.runBatch("backup", ["acme-corp"], {
      narrow: false,
      // brightwave's secret points at a database that does not exist.
      secrets: {
        "acme-corp": world.secretFor("acme-corp", "acme_db"),
        brightwave: world.secretFor("brightwave", "gone_db"),
        "fresh-start": world.secretFor("fresh-start", "fresh_db"),
      },
    });
    expect(job.result).toBe("failure");
    expect(job.errors).toEqual([
      expect.stringMatching(
        /^psql could not back up brightwave with the connection string in secret BRIGHTWAVE_DATABASE_URL: its role or database does not exist on the server/,
      ),
    ]);
    expect(job.log).toContain(`::error title=${FAILED_TENANTS_TITLE}::brightwave`);
    expect(job.log).toContain("1 of 3 tenant(s) failed: brightwave");
    expect((await manifests("acme-corp")).length).toBe(before.acme + 1);
    expect((await manifests("fresh-start")).length).toBe(before.fresh + 1);
    expect(await manifests("brightwave")).toEqual([]);
    expect(job.summary).toContain("### backup eu-central-1-pg17-1: 3 tenant(s)");
    expect(job.summary).toMatch(/\| acme-corp \| ok \| \d+ \|/);
    expect(job.summary).toMatch(/\| brightwave \| failed \| \d+ \| psql could not back up brightwave/);
    expect(job.summary).toMatch(/\| fresh-start \| ok \|/);
    // The job installed one client and took one set of credentials for the three.
    expect(job.steps.map((s) => s.name)).toEqual([
      "Fleet manifest",
      "Postgres client of the tenant's major version",
      "AWS credentials (OIDC)",
      "Dump, check and upload each tenant",
      "Keep the results for the fleet catalog",
    ]);
  });

  it("drills the batch, each tenant restored into its own database, and names the tenant without a backup", async () => {
    const { job } = await world.runBatch("drill", ["acme-corp"], { narrow: false });
    expect(job.result).toBe("failure");
    expect(job.log).toContain("3 tables and 1210 rows, as its manifest recorded");
    expect(job.errors).toEqual([expect.stringMatching(/^no complete backup of brightwave under s3:\/\//)]);
    expect(job.log).toContain(`::error title=${FAILED_TENANTS_TITLE}::brightwave`);
    expect(job.warnings.some((w) => /restored no table; allowed until 2099-12-31/.test(w))).toBe(true);
    expect(world.drillDb.sql("postgres", "select count(*) from pg_database where datname like 'drill_%'")).toBe("0");
  });
});
