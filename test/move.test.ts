/**
 * Moving a tenant: the `move` block's validation at its line, the target project the real
 * program declares beside the current one (mock runtime), the cutover, the finish (the
 * source released, then the line rewritten to the target's generation with the same
 * resource), what the tenant and resource diffs say, and the plans the command prints.
 * The copy runs in test/runtime/operations.test.ts.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { diffResources } from "../src/review/resources";
import type { PlannedResource } from "../src/review/findings";
import { replaceForcing } from "../src/engine/review";
import { planFinish, type FinishFacts } from "../src/operations/move";
import { projectArgs } from "../src/plan/projects/args";
import { planFleetBatches } from "../src/plan/repository/manifest";
import { servingFleet } from "../tenants/serving";
import type { Fleet } from "../tenants/model";
import { parseTenants } from "../tenants/load";
import { formatProblem } from "../src/core/diagnostics/problems";
import { diffFleets } from "../src/review/diff";
import { planMove } from "../src/operations/move";
import { moveTarget, operatedTenant, servingTenant } from "../tenants/serving";
import { ROOT, runProgram } from "./program";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ACME, fleetYaml } from "./helpers";

const problems = (move: string, extra: Record<string, string> = {}) =>
  parseTenants(fleetYaml([{ ...ACME, ...extra, move }]), "t.yaml").problems.map(formatProblem);

describe("the move block", () => {
  it("resolves the target's major to the tenant's when not given", () => {
    const fleet = parseTenants(
      fleetYaml([{ ...ACME, pgVersion: "16", move: '{ region: aws-eu-central-1, pgVersion: 17, ticket: "CHG-2026-0042" }' }]),
      "t.yaml",
    ).fleet!;
    expect(fleet.tenants[0].move).toEqual({
      region: "aws-eu-central-1",
      pgVersion: 17,
      ticket: "CHG-2026-0042",
      method: "dump",
      cutover: false,
      finish: false,
    });
    expect(
      parseTenants(fleetYaml([{ ...ACME, region: "aws-us-east-2", residency: "US", move: '{ region: aws-us-east-1, ticket: "CHG-2026-0042" }' }]), "t.yaml")
        .fleet!.tenants[0].move,
    ).toMatchObject({ pgVersion: 17 });
  });

  it("refuses, at its line, a target outside the residency, an older major, no change, a retired tenant, no ticket", () => {
    expect(problems('{ region: aws-us-east-1, ticket: "CHG-2026-0042" }')).toEqual([
      't.yaml:8:21: tenants[0].move.region: "aws-us-east-1" is in N. Virginia, US, outside the declared residency EU; a move stays inside it: use aws-eu-central-1',
    ]);
    expect(problems('{ region: aws-eu-central-1, pgVersion: 16, ticket: "CHG-2026-0042" }')[0]).toMatch(
      /move\.pgVersion: Postgres 16 is older than the tenant's 17; a dump does not restore into an older major/,
    );
    expect(problems('{ region: aws-eu-central-1, ticket: "CHG-2026-0042" }')[0]).toMatch(
      /tenants\[0\]\.move: the target is the tenant's own region and major \(aws-eu-central-1, Postgres 17\)/,
    );
    expect(problems('{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }', { status: "retired" })[0]).toMatch(/a retired tenant is not moved/);
    expect(problems("{ region: aws-eu-central-1, pgVersion: 18 }")).toEqual(['t.yaml:8:11: tenants[0].move: missing required key "ticket"; add ticket']);
  });

  it("finishes only after the cutover, and no two projects share a resource or a name", () => {
    expect(problems('{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", finish: true }')[0]).toMatch(
      /tenants\[0\]\.move\.finish: a move finishes after its cutover: set cutover: true first/,
    );
    // acme-corp's target would be resource acme-corp-g2: a tenant with that id owns it.
    const clash = parseTenants(
      fleetYaml([
        { ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }' },
        { ...ACME, id: "acme-corp-g2", name: "Other" },
      ]),
      "t.yaml",
    ).problems.map(formatProblem);
    expect(clash).toEqual([
      expect.stringMatching(
        /tenants\[0\]\.move: the move's target project is resource acme-corp-g2, which tenants\[1\] already declares; change this tenant's id or generation$/,
      ),
    ]);
    const named = parseTenants(
      fleetYaml([
        { ...ACME, generation: "2" },
        { ...ACME, id: "other", name: "ACME Corp [g2]" },
      ]),
      "t.yaml",
    ).problems.map(formatProblem);
    expect(named).toEqual([
      expect.stringMatching(/tenants\[0\]\.generation: its project is named "ACME Corp \[g2\]", like a project of tenants\[1\]; rename one of them$/),
    ]);
    expect(parseTenants(fleetYaml([{ ...ACME, generation: "0" }]), "t.yaml").problems.map(formatProblem)).toEqual([
      expect.stringMatching(/tenants\[0\]\.generation: generation starts at 1/),
    ]);
    expect(parseTenants(fleetYaml([{ ...ACME, generation: "two" }]), "t.yaml").problems.map(formatProblem)).toEqual([
      expect.stringMatching(/tenants\[0\]\.generation: "two" is not a number/),
    ]);
  });
});

describe("the program, copy", () => {
  it("declares the target project beside the current one, protected, and the current one keeps serving", async () => {
    const run = await runProgram("prod", ["tenantsFile=test/fixtures/move-tenants.yaml"]);
    const projects = run.resources.filter((r) => r.type === "neon:index/project:Project");
    const target = projects.find((r) => r.name === "acme-corp-g2")!;
    expect(target.inputs).toMatchObject({ name: "ACME Corp [g2]", regionId: "aws-eu-central-1", pgVersion: 18 });
    expect(target.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(projects.find((r) => r.name === "acme-corp")!.inputs).toMatchObject({ name: "ACME Corp", pgVersion: 17 });
    expect(projects.map((r) => r.name).sort()).toEqual(["acme-corp", "acme-corp-g2", "northwind"]);
    const moves = run.outputs.moves as Record<string, { projectId: string; stage: string }>;
    expect(moves).toEqual({
      "acme-corp": {
        projectId: expect.any(String),
        sourceProjectId: expect.any(String),
        region: "aws-eu-central-1",
        pgVersion: 18,
        ticket: "CHG-2026-0042",
        method: "dump",
        cutover: false,
        finish: false,
        stage: "copy",
      },
    });
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
    const fleet = parseTenants(
      fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", cutover: true }' }]),
      "t.yaml",
    ).fleet!;
    expect(operatedTenant(fleet.tenants[0])).toMatchObject({ name: "ACME Corp", generation: 2, pgVersion: 18 });
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
    const cut = parseTenants(
      fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", cutover: true }' }]),
      "t.yaml",
    ).fleet!;
    const cutover = diffFleets({ fleet: after, stack: { protect: true } }, { fleet: cut, stack: { protect: true } }).tenants[0].changes;
    expect(cutover.map((c) => [c.field, c.class])).toEqual([["move.cutover", "safe"]]);
    expect(cutover[0].why).toMatch(/^move cutover: routes, secrets, backups and migrations switch to the target project/);
  });
});

describe("planMove", () => {
  it("plans the copy, or refuses a tenant without a move", () => {
    const fleet = parseTenants(
      fleetYaml([
        { ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }' },
        { ...ACME, id: "other", name: "Other" },
      ]),
      "t.yaml",
    ).fleet!;
    expect(planMove(fleet.tenants[0])).toMatchObject({
      action: "copy",
      source: { region: "aws-eu-central-1", pgVersion: 17 },
      target: { name: "ACME Corp [g2]", pgVersion: 18, resource: "acme-corp-g2" },
    });
    expect(planMove(fleet.tenants[1])).toMatchObject({ action: "refuse" });
    expect(moveTarget(fleet.tenants[0])).toMatchObject({ id: "acme-corp", name: "ACME Corp", generation: 2, pgVersion: 18 });
    expect(moveTarget(fleet.tenants[0])!.move).toBeUndefined();
  });
});

const planned = (
  rs: readonly { type: string; name: string; parent: string; inputs: Record<string, unknown>; options: PlannedResource["options"] }[],
): PlannedResource[] => rs.map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: r.inputs, options: r.options }));
const PROJECT = "neon:index/project:Project";

describe("finishing a move, in the program and the diffs", () => {
  it("finish: true releases the source (unprotected, retained on delete); the rewritten line is the same target resource and forgets the source", async () => {
    // One program at a time: the mock runtime is the process's.
    const run = (f: string) => runProgram("prod", [`tenantsFile=test/fixtures/${f}-tenants.yaml`, "secretScope=repository"]);
    const cut = await run("move-cutover");
    const fin = await run("move-finish");
    const done = await run("move-finished");
    const project = (run: typeof cut, name: string) => run.resources.find((r) => r.type === PROJECT && r.name === name);
    expect(project(fin, "acme-corp")!.options).toMatchObject({ protect: false, retainOnDelete: true });
    expect(project(fin, "acme-corp-g2")!.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect((fin.outputs.moves as Record<string, { stage: string }>)["acme-corp"].stage).toBe("finish");
    // The finished line declares only the target, under the same name, parent and inputs: nothing is created or replaced.
    expect(project(done, "acme-corp")).toBeUndefined();
    const [before, after] = [project(fin, "acme-corp-g2")!, project(done, "acme-corp-g2")!];
    expect([after.parent, after.inputs, after.options]).toEqual([before.parent, before.inputs, before.options]);
    expect(done.outputs.moves).toEqual({});
    // The same target serves before and after: the application's route does not move.
    const route = (run: typeof cut) => (run.outputs.databasesByTenant as Record<string, { region: string }>)["acme-corp"];
    expect(route(done)).toEqual({ ...route(fin), projectId: expect.any(String), host: expect.any(String), poolerHost: expect.any(String) });

    const fleet = (f: string) => parseTenants(readFileSync(path.join(ROOT, `test/fixtures/${f}-tenants.yaml`), "utf8"), "t.yaml").fleet!;
    const ctx = { replaceForcing: replaceForcing(), tenantIds: ["acme-corp", "northwind"] };
    // finish: true is a stage of the move: the source's protection lowered (retain on delete kept) is what it explains, and nothing fails.
    const released = diffFleets(
      { fleet: fleet("move-cutover"), stack: { protect: true } },
      { fleet: fleet("move-finish"), stack: { protect: true } },
      diffResources(planned(cut.resources), planned(fin.resources), ctx),
    );
    expect(released.tenants[0].changes).toEqual([
      expect.objectContaining({ field: "move.finish", class: "safe", why: expect.stringMatching(/^move finish: the source project is released/) }),
    ]);
    expect(released.resources!.filter((f) => f.class === "destructive")).toEqual([
      expect.objectContaining({ name: "acme-corp", tenant: "acme-corp", change: "unprotected", lowered: ["protect"], explainedBy: "acme-corp: move.finish" }),
    ]);
    expect([released.stack, released.summary.unacknowledged]).toEqual([[], 0]);
    // Had the program dropped retain-on-delete too, the finish would not account for it: a change of the code, failing.
    const dropped = planned(fin.resources).map((r) =>
      r.type === PROJECT && r.name === "acme-corp" ? { ...r, options: { ...r.options, retainOnDelete: false } } : r,
    );
    const unsafe = diffFleets(
      { fleet: fleet("move-cutover"), stack: { protect: true } },
      { fleet: fleet("move-finish"), stack: { protect: true } },
      diffResources(planned(cut.resources), dropped, ctx),
    );
    expect(unsafe.stack).toEqual([expect.objectContaining({ kind: "code", field: "resource neon:index/project:Project acme-corp" })]);
    // The rewritten line: one safe change; the source's resource leaves, retained, explained by it; nothing else destructive.
    const finished = diffFleets(
      { fleet: fleet("move-finish"), stack: { protect: true } },
      { fleet: fleet("move-finished"), stack: { protect: true } },
      diffResources(planned(fin.resources), planned(done.resources), ctx),
    );
    expect(finished.tenants[0].changes.map((c) => [c.field, c.class])).toEqual([["move", "safe"]]);
    expect(finished.tenants[0].changes[0].why).toMatch(/^move finished: the tenant is its generation 2 project/);
    expect(finished.resources!.filter((f) => f.class === "destructive")).toEqual([
      expect.objectContaining({ type: PROJECT, name: "acme-corp", change: "deleted", retained: true, explainedBy: "acme-corp: move finished" }),
    ]);
    expect(finished.resources!.some((f) => f.name === "acme-corp-g2")).toBe(false);
    expect(finished.summary.unacknowledged).toBe(0);
    // Skipping the finish (the line rewritten straight from the cutover) is destructive: region, major and generation fail unacknowledged.
    const skipped = diffFleets(
      { fleet: fleet("move-cutover"), stack: { protect: true } },
      { fleet: fleet("move-finished"), stack: { protect: true } },
      diffResources(planned(cut.resources), planned(done.resources), ctx),
    );
    expect(
      skipped.tenants[0].changes
        .filter((c) => c.class === "destructive")
        .map((c) => c.kind)
        .sort(),
    ).toEqual(["generation", "pgVersion"]);
    expect(skipped.summary.unacknowledged).toBeGreaterThan(0);
  });
});

describe("a move by logical replication", () => {
  const logical = parseTenants(
    fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", method: logical }' }]),
    "t.yaml",
  ).fleet!.tenants[0];

  it("switches the source, and only the source, to wal_level=logical, and the review says so", () => {
    expect(projectArgs(logical, undefined).enableLogicalReplication).toBe("yes");
    expect(projectArgs(moveTarget(logical)!, undefined).enableLogicalReplication).toBeUndefined();
    const dump = parseTenants(fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }' }]), "t.yaml").fleet!;
    expect(projectArgs(dump.tenants[0], undefined).enableLogicalReplication).toBeUndefined();
    const d = diffFleets({ fleet: dump, stack: { protect: true } }, { fleet: { ...dump, tenants: [logical] }, stack: { protect: true } });
    expect(d.tenants[0].changes).toEqual([
      expect.objectContaining({
        field: "move.method",
        class: "review",
        why: expect.stringMatching(/wal_level=logical \(Neon restarts its computes once, and it cannot be turned off\)/),
      }),
    ]);
    expect(
      parseTenants(
        fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", method: stream }' }]),
        "t.yaml",
      ).problems.map(formatProblem),
    ).toEqual([expect.stringMatching(/tenants\[0\]\.move\.method: "stream" is not a move method; use dump .* or logical/)]);
  });

  it("holds the tenant's migrations while it replicates, and says so at its line; the cutover migrates the target", () => {
    const text = (move: string) =>
      fleetYaml([
        { ...ACME, move },
        { ...ACME, id: "other", name: "Other" },
      ]);
    const replicating = parseTenants(text('{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", method: logical }'), "t.yaml");
    expect(replicating.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^t\.yaml:8:\d+: warning: tenants\[0\]\.move\.method: while the tenant replicates into its move target, the fleet's migrations skip it/,
      ),
    ]);
    const migrated = (fleet: Fleet) =>
      [
        ...planFleetBatches(servingFleet(fleet).tenants, {
          scope: "repository",
          batchSize: 10,
          migrations: true,
          waves: undefined,
          runners: undefined,
        }).migrations!.values(),
      ]
        .flatMap((p) => p.batches.flatMap((b) => b.tenants))
        .sort();
    expect(migrated(replicating.fleet!)).toEqual(["other"]);
    const cut = parseTenants(text('{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", method: logical, cutover: true }'), "t.yaml");
    expect(cut.problems).toEqual([]);
    expect(migrated(cut.fleet!)).toEqual(["acme-corp", "other"]);
    // A move by dump keeps migrating: its copy is taken with writes (migrations included) paused.
    expect(migrated(parseTenants(text('{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }'), "t.yaml").fleet!)).toEqual([
      "acme-corp",
      "other",
    ]);
  });

  it("starts replicating, then catches up; a dump move has nothing to catch up", () => {
    expect(planMove(logical)).toMatchObject({
      action: "replicate",
      method: "logical",
      steps: expect.arrayContaining([expect.stringMatching(/every table has a primary key or REPLICA IDENTITY FULL/)]),
    });
    expect(planMove(logical, true)).toMatchObject({
      action: "catch-up",
      steps: expect.arrayContaining([expect.stringMatching(/copy every sequence's value/)]),
    });
    const dump = parseTenants(fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }' }]), "t.yaml").fleet!
      .tenants[0];
    expect(planMove(dump, true)).toMatchObject({
      action: "refuse",
      why: expect.stringMatching(/moves by dump \(move\.method\): there is no replication to catch up/),
    });
  });
});

describe("planFinish", () => {
  const fleet = parseTenants(
    fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", cutover: true, finish: true }' }]),
    "t.yaml",
  ).fleet!;
  const t = fleet.tenants[0];
  const since = new Date("2026-11-20T00:00:00Z");
  const ok: FinishFacts = {
    now: new Date("2026-12-01T00:00:00Z"),
    graceDays: 7,
    serving: { projectId: "tgt-1", since, backups: 3, drills: 1 },
    sourceProjectId: "src-1",
    targetProjectId: "tgt-1",
  };

  it("deletes the released source once the target has served through the grace period, backed up and drilled", () => {
    expect(planFinish(t, ok)).toMatchObject({
      action: "finish",
      source: { projectId: "src-1", resource: "acme-corp", name: "ACME Corp" },
      target: { projectId: "tgt-1", resource: "acme-corp-g2", name: "ACME Corp [g2]", servingSince: since.toISOString() },
      line: { region: "aws-eu-central-1", pgVersion: 18, generation: 2 },
    });
  });

  it("refuses whenever one fact is missing or wrong (property)", () => {
    const why = (f: FinishFacts) => {
      const p = planFinish(t, f);
      return p.action === "refuse" ? p.why : "";
    };
    expect(why({ ...ok, serving: undefined })).toMatch(/fleet catalog has no record/);
    expect(why({ ...ok, serving: { ...ok.serving!, projectId: "src-1" } })).toMatch(/served by src-1, not the target tgt-1/);
    expect(why({ ...ok, now: new Date("2026-11-26T00:00:00Z") })).toMatch(/grace period \(moveGraceDays: 7\) ends 2026-11-27T00:00:00.000Z/);
    expect(why({ ...ok, serving: { ...ok.serving!, drills: 0 } })).toMatch(/no successful restore drill/);
    expect(why({ ...ok, sourceProjectId: undefined })).toMatch(/pass --outputs FILE/);
    const unfinished = parseTenants(
      fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042", cutover: true }' }]),
      "t.yaml",
    ).fleet!.tenants[0];
    expect(planFinish(unfinished, ok)).toMatchObject({ action: "refuse", why: expect.stringMatching(/set finish: true in its move block/) });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom("tgt-1", "src-1", null),
        fc.constantFrom("src-1", "tgt-1", undefined),
        (days, graceDays, backups, drills, serving, source) => {
          const f: FinishFacts = {
            now: new Date(since.getTime() + days * 86_400_000),
            graceDays,
            serving: { projectId: serving, since, backups, drills },
            sourceProjectId: source,
            targetProjectId: "tgt-1",
          };
          const deletes = planFinish(t, f).action === "finish";
          // Deletes exactly when the target serves, the grace period is over, a backup and a drill exist, and the source is another project.
          expect(deletes).toBe(serving === "tgt-1" && days >= graceDays && backups > 0 && drills > 0 && source === "src-1");
        },
      ),
    );
  });
});
