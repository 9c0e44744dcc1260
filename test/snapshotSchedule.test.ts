/**
 * TenantDatabase's Neon snapshot schedule under the mock runtime: the BranchBackupSchedule the
 * program declares per tenant (its inputs, parent and name), none when off or retired, and only
 * on the project that serves the tenant during a move.
 */
import { describe, expect, it } from "vitest";
import { runProgram } from "./program";
import type { RecordedResource } from "../src/engine/offline";
import { snapshotSchedules } from "../src/plan/projects/snapshots";
import { parseTenants } from "../tenants/load";
import { ACME, fleetYaml } from "./helpers";

const SCHEDULE = "neon:index/branchBackupSchedule:BranchBackupSchedule";
const PROJECT = "neon:index/project:Project";
const schedules = (resources: readonly RecordedResource[]) => resources.filter((r) => r.type === SCHEDULE);

describe("the snapshot schedule TenantDatabase declares", () => {
  it("is one BranchBackupSchedule per active tenant on its project's root branch, parented by its TenantDatabase, named from its id (prod: daily at 02, 7 days)", async () => {
    const run = await runProgram("prod");
    const projects = run.resources.filter((r) => r.type === PROJECT);
    const active = ["acme-corp", "brightwave", "northwind", "pacific-health", "thames-logistics"];
    expect(
      schedules(run.resources)
        .map((r) => r.name)
        .sort(),
    ).toEqual(active.map((id) => `${id}-snapshots`));
    for (const s of schedules(run.resources)) {
      const project = projects.find((p) => `${p.name}-snapshots` === s.name)!;
      expect(s.parent).toBe(project.name);
      expect(s.parentUrn).toBe(project.parentUrn);
      expect(s.inputs.schedules).toEqual([{ frequency: "daily", hour: 2, retentionSeconds: 7 * 86_400 }]);
      // The project's id and default (root) branch: dependencies on the project, so Neon has both first.
      expect(s.dependencies).toContain(project.urn);
      expect([s.propertyDependencies.projectId, s.propertyDependencies.branchId]).toEqual([[project.urn], [project.urn]]);
      expect(s.options.protect).toBe(false);
    }
    // The retired tenant takes none: its backups stop, and the snapshots taken expire.
    expect(schedules(run.resources).some((s) => s.name.startsWith("old-mill"))).toBe(false);
  });

  it("is not declared when the stack's default is off and no tenant asks", async () => {
    const run = await runProgram("prod", ["snapshotSchedule=off"]);
    expect(schedules(run.resources)).toEqual([]);
  });

  it("during a move sits on the project that serves: the source until the cutover, the target after", async () => {
    const cut = await runProgram("prod", ["tenantsFile=test/fixtures/move-cutover-tenants.yaml", "secretScope=repository"]);
    expect(
      schedules(cut.resources)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["acme-corp-g2-snapshots", "northwind-snapshots"]);
    const before = await runProgram("prod", ["tenantsFile=test/fixtures/move-tenants.yaml", "secretScope=repository"]);
    expect(schedules(before.resources).some((r) => /-g\d+-snapshots$/.test(r.name))).toBe(false);
  });

  it("converts days to the provider's seconds and passes the day only where the frequency takes one", () => {
    const tenant = (snapshots: string, status = "active") =>
      parseTenants(fleetYaml([{ ...ACME, status, backup: `{ snapshots: ${snapshots} }` }]), "tenants.yaml").fleet!.tenants[0];
    expect(snapshotSchedules(tenant("{ frequency: weekly, hour: 23, day: 7, retentionDays: 70 }"), true)).toEqual([
      { frequency: "weekly", hour: 23, day: 7, retentionSeconds: 70 * 86_400 },
    ]);
    expect(snapshotSchedules(tenant("off"), true)).toBeUndefined();
    expect(snapshotSchedules(tenant("{ frequency: daily, hour: 0, retentionDays: 1 }", "retired"), true)).toBeUndefined();
    expect(snapshotSchedules(tenant("{ frequency: daily, hour: 0, retentionDays: 1 }"), false)).toBeUndefined();
  });
});
