/**
 * Moving a tenant, stage one: the `move` block's validation at its line, the target
 * project the real program declares beside the current one (mock runtime), what the
 * tenant diff says, and the plan the command prints. The copy runs in runtime/operations.test.ts.
 */
import { describe, expect, it } from "vitest";
import { parseTenants } from "../tenants/load";
import { formatProblem } from "../diagnostics/problems";
import { diffFleets } from "../review/diff";
import { planMove, moveTarget, operatedTenant, servingTenant } from "../operations/move";
import { runProgram } from "./program";
import { ACME, fleetYaml } from "./helpers";

const problems = (move: string, extra: Record<string, string> = {}) => parseTenants(fleetYaml([{ ...ACME, ...extra, move }]), "t.yaml").problems.map(formatProblem);

describe("the move block", () => {
  it("resolves the target's major to the tenant's when not given", () => {
    const fleet = parseTenants(fleetYaml([{ ...ACME, pgVersion: "16", move: '{ region: aws-eu-central-1, pgVersion: 17, ticket: "CHG-2026-0042" }' }]), "t.yaml").fleet!;
    expect(fleet.tenants[0].move).toEqual({ region: "aws-eu-central-1", pgVersion: 17, ticket: "CHG-2026-0042", cutover: false });
    expect(parseTenants(fleetYaml([{ ...ACME, region: "aws-us-east-2", residency: "US", move: '{ region: aws-us-east-1, ticket: "CHG-2026-0042" }' }]), "t.yaml").fleet!.tenants[0].move).toMatchObject({ pgVersion: 17 });
  });

  it("refuses, at its line, a target outside the residency, an older major, no change, a retired tenant, no ticket", () => {
    expect(problems('{ region: aws-us-east-1, ticket: "CHG-2026-0042" }')).toEqual([
      't.yaml:8:21: tenants[0].move.region: "aws-us-east-1" is in N. Virginia, US, outside the declared residency EU; a move stays inside it: use aws-eu-central-1',
    ]);
    expect(problems('{ region: aws-eu-central-1, pgVersion: 16, ticket: "CHG-2026-0042" }')[0]).toMatch(/move\.pgVersion: Postgres 16 is older than the tenant's 17; a dump does not restore into an older major/);
    expect(problems('{ region: aws-eu-central-1, ticket: "CHG-2026-0042" }')[0]).toMatch(/tenants\[0\]\.move: the target is the tenant's own region and major \(aws-eu-central-1, Postgres 17\)/);
    expect(problems('{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }', { status: "retired" })[0]).toMatch(/a retired tenant is not moved/);
    expect(problems("{ region: aws-eu-central-1, pgVersion: 18 }")).toEqual(['t.yaml:8:11: tenants[0].move: missing required key "ticket"; add ticket']);
  });
});

describe("the program, stage one", () => {
  it("declares the target project beside the current one, protected, and the current one keeps serving", async () => {
    const run = await runProgram("prod", ["tenantsFile=test/fixtures/move-tenants.yaml"]);
    const projects = run.resources.filter((r) => r.type === "neon:index/project:Project");
    const target = projects.find((r) => r.name === "acme-corp-g2")!;
    expect(target.inputs).toMatchObject({ name: "ACME Corp [g2]", regionId: "aws-eu-central-1", pgVersion: 18 });
    expect(target.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(projects.find((r) => r.name === "acme-corp")!.inputs).toMatchObject({ name: "ACME Corp", pgVersion: 17 });
    expect(projects.map((r) => r.name).sort()).toEqual(["acme-corp", "acme-corp-g2", "northwind"]);
    const moves = run.outputs.moves as Record<string, { projectId: string; stage: string }>;
    expect(moves).toEqual({ "acme-corp": { projectId: expect.any(String), region: "aws-eu-central-1", pgVersion: 18, ticket: "CHG-2026-0042", cutover: false, stage: "copy" } });
    // Routes stay on the current project until the cutover.
    const routes = run.outputs.databasesByTenant as Record<string, { projectId: string }>;
    expect(routes["acme-corp"].projectId).not.toBe(moves["acme-corp"].projectId);
  });
});

describe("the program after the cutover", () => {
  it("routes, secrets, the manifest and backups follow the target; the current project stays, protected", async () => {
    const run = await runProgram("prod", ["tenantsFile=test/fixtures/move-cutover-tenants.yaml", "secretScope=repository"]);
    const moves = run.outputs.moves as Record<string, { projectId: string; stage: string }>;
    expect(moves["acme-corp"].stage).toBe("cutover");
    const routes = run.outputs.databasesByTenant as Record<string, { projectId: string }>;
    expect(routes["acme-corp"].projectId).toBe(moves["acme-corp"].projectId);
    const source = run.resources.find((r) => r.type === "neon:index/project:Project" && r.name === "acme-corp")!;
    expect(source.options).toMatchObject({ protect: true, retainOnDelete: true });
    const files = run.resources.filter((r) => r.type === "github:index/repositoryFile:RepositoryFile").map((r) => String(r.inputs.content));
    const manifest = JSON.parse(files.find((c) => c.includes('"batches"'))!) as { tenants: { id: string; pg: number; host: string }[] };
    const entry = manifest.tenants.find((t) => t.id === "acme-corp")!;
    // The manifest's host is the target's: a backup of the old project's string would now fail its host check.
    const target = run.resources.find((r) => r.type === "neon:index/project:Project" && r.name === "acme-corp-g2")!;
    expect(entry).toMatchObject({ pg: 18, host: (target.state as { databaseHost: string }).databaseHost });
    expect(entry.host).not.toBe((source.state as { databaseHost: string }).databaseHost);
  });

  it("operates on the target once cut over", () => {
    const fleet = parseTenants(fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", cutover: true }' }]), "t.yaml").fleet!;
    expect(operatedTenant(fleet.tenants[0])).toMatchObject({ name: "ACME Corp [g2]", pgVersion: 18 });
    expect(servingTenant(fleet.tenants[0])).toMatchObject({ name: "ACME Corp", pgVersion: 18 });
    expect(planMove(fleet.tenants[0])).toMatchObject({ action: "refuse", why: expect.stringMatching(/is cut over/) });
  });
});

describe("the tenant diff", () => {
  it("shows a move as a move, not as a destructive change", () => {
    const before = parseTenants(fleetYaml([{ ...ACME }]), "t.yaml").fleet!;
    const after = parseTenants(fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }' }]), "t.yaml").fleet!;
    const d = diffFleets({ fleet: before, stack: { protect: true } }, { fleet: after, stack: { protect: true } });
    const changes = d.tenants[0].changes;
    expect(changes.every((c) => c.class === "safe")).toBe(true);
    expect(changes.find((c) => c.field === "move.region")!.why).toMatch(/^move: the target project is created beside the current one, which keeps serving/);
    const cut = parseTenants(fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", cutover: true }' }]), "t.yaml").fleet!;
    const cutover = diffFleets({ fleet: after, stack: { protect: true } }, { fleet: cut, stack: { protect: true } }).tenants[0].changes;
    expect(cutover.map((c) => [c.field, c.class])).toEqual([["move.cutover", "safe"]]);
    expect(cutover[0].why).toMatch(/^move cutover: routes, secrets, backups and migrations switch to the target project/);
  });
});

describe("planMove", () => {
  it("plans the copy, or refuses a tenant without a move", () => {
    const fleet = parseTenants(fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }' }, { ...ACME, id: "other", name: "Other" }]), "t.yaml").fleet!;
    expect(planMove(fleet.tenants[0])).toMatchObject({ action: "copy", source: { region: "aws-eu-central-1", pgVersion: 17 }, target: { name: "ACME Corp [g2]", pgVersion: 18, resource: "acme-corp-g2" } });
    expect(planMove(fleet.tenants[1])).toMatchObject({ action: "refuse" });
    expect(moveTarget(fleet.tenants[0])).toMatchObject({ id: "acme-corp", name: "ACME Corp [g2]", pgVersion: 18 });
    expect(moveTarget(fleet.tenants[0])!.move).toBeUndefined();
  });
});
