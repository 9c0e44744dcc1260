/**
 * The same backup and drill with `secretScope: environment`: the connection string comes
 * from the tenant's environment (`DATABASE_URL`), and messages name that environment.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { FIXTURE_TENANTS, seedDatabase, startWorld, type World } from "./harness";

let world: World;
beforeAll(async () => {
  world = await startWorld("prod", ["secretScope=environment", `tenantsFile=${FIXTURE_TENANTS}`]);
  seedDatabase(world.tenantDb, "app", 200);
});
afterAll(async () => world?.stop());

it("backs up from the tenant's environment secret and the drill restores it", async () => {
  const backup = await world.backup("acme-corp");
  expect(backup.result, backup.log).toBe("success");
  const drill = await world.drill("acme-corp");
  expect(drill.result, drill.log).toBe("success");
  expect(drill.log).toContain("3 tables and 810 rows, as its manifest recorded");
});

it("names the environment's secret when it is missing", async () => {
  const r = await world.backup("brightwave", { secret: "" });
  expect(r.errors).toEqual([
    "secret DATABASE_URL of environment tenant-brightwave is empty or missing for brightwave: pulumi up writes it, and only runs of the default branch can read it",
  ]);
});
