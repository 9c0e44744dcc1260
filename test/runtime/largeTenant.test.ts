/**
 * A tenant of about 300 MB on disk, backed up and drilled with the production part size
 * (128 MiB): the dump streams in more than one part and never sits whole on the runner's
 * disk. The step times land in reports/runtime-timings.json for the note.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { MANIFEST_SUFFIX } from "../../src/plan/workflows/backupScripts";
import { seedDatabase, startWorld, type World } from "./harness";
import { recordTiming, stepTimings } from "./timings";

let world: World;
beforeAll(async () => {
  world = await startWorld();
  seedDatabase(world.tenantDb, "app", 1000);
  // About 300 MB on disk: 1.2 million rows of 224 random hex characters (incompressible enough
  // that the custom-format dump stays well over one 128 MiB part).
  world.tenantDb.sql(
    "app",
    "set role app_owner; create table events (id bigint primary key, payload text not null); insert into events select g, md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) from generate_series(1, 1200000) g; analyze events",
  );
});
afterAll(async () => world?.stop());

it("backs up and restores a ~300 MB tenant in 128 MiB parts, and records the step times", async () => {
  const size = Number(world.tenantDb.sql("app", "select pg_database_size('app')"));
  expect(size).toBeGreaterThan(280_000_000);
  const backup = await world.backup("acme-corp");
  expect(backup.result, backup.log).toBe("success");
  const objects = await world.s3.list(world.bucketOf("acme-corp"));
  const manifestKey = objects.map((o) => o.key).find((k) => k.endsWith(MANIFEST_SUFFIX))!;
  const manifest = JSON.parse((await world.s3.read(world.bucketOf("acme-corp"), manifestKey)).toString());
  expect(manifest.parts).toBeGreaterThanOrEqual(2);
  expect(manifest.part_bytes).toBe(128 * 1024 * 1024);
  expect(manifest.tables["public.events"]).toBe(1_200_000);
  const drill = await world.drill("acme-corp");
  expect(drill.result, drill.log).toBe("success");
  expect(drill.log).toContain("4 tables and 1204010 rows, as its manifest recorded");
  recordTiming("about 300 MB", {
    databaseBytes: size,
    dumpBytes: manifest.bytes,
    parts: manifest.parts,
    ...stepTimings(backup.log),
    ...stepTimings(drill.log),
  });
});
