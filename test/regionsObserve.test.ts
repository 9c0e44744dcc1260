/**
 * `npm run regions -- --observe`: the declared report beside where Neon says each tenant's
 * project is, and every project of the organisation no stack declares; against Neon's API
 * on loopback (test/neonApiFake.ts). A project in another region (outside the residency),
 * a missing one, a retried create's duplicate and another team's project are each reported
 * and exit 1; the organisation as declared exits 0.
 */
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "./program";
import { runInProcess } from "./commands";
import { FAKE_NEON_KEY, startFakeNeonApi, type FakeNeonApi } from "./neonApiFake";
import { observationMarkdown, observeRegions } from "../src/review/observed";
import { projectsOf } from "../tenants/serving";
import { projectName } from "../tenants/naming";
import { parseTenants } from "../tenants/load";
import type { Fleet } from "../tenants/model";
import { ACME, fleetYaml } from "./helpers";

const ORG = "org-quiet-river-40213377";
const SAMPLE: [string, string][] = [
  ["ACME Corp", "aws-eu-central-1"],
  ["Brightwave GmbH", "aws-eu-central-1"],
  ["Thames Logistics Ltd", "aws-eu-west-2"],
  ["Northwind Traders", "aws-us-east-2"],
  ["Pacific Health", "aws-us-west-2"],
  ["Old Mill Bakery", "aws-us-east-1"],
];

describe("npm run regions -- --observe", () => {
  let neon: FakeNeonApi;
  beforeAll(async () => {
    neon = await startFakeNeonApi();
  });
  afterAll(() => neon.stop());
  beforeEach(() => {
    neon.projects.clear();
    neon.calls.length = 0;
  });
  const add = (i: number, name: string, region: string) => neon.addProject({ id: `p-${i}`, name, region_id: region, pg_version: 17, org_id: ORG });
  // The command in this process (test/commands.ts), with the environment the process had: PATH and the key alone.
  const observe = (args: string[], env: Record<string, string>) =>
    runInProcess(path.join(ROOT, "scripts/regions.ts"), ["--observe", ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, bareEnv: true });
  const run = (args: string[]) => observe(["--api-url", neon.url, ...args], { NEON_API_KEY: FAKE_NEON_KEY });

  it("holds when every tenant's project is where the file says and nothing else is there", async () => {
    SAMPLE.forEach(([name, region], i) => add(i, name, region));
    const r = await run(["--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.observed).toMatchObject({ org: ORG, held: true, unowned: [] });
    expect(doc.observed.rows.map((x: { tenant: string; status: string }) => `${x.tenant}:${x.status}`)).toEqual(
      ["acme-corp", "brightwave", "thames-logistics", "northwind", "pacific-health", "old-mill"].map((t) => `${t}:as declared`),
    );
    expect(neon.calls.map((c) => c.path)).toEqual([`/projects?org_id=${ORG}&limit=400`]);
  });

  it("reports a project in another region, a missing one, a duplicate and another team's project, and exits 1", async () => {
    add(0, "ACME Corp", "aws-eu-central-1");
    add(1, "Brightwave GmbH", "aws-us-east-1"); // DE data in Virginia
    add(2, "Thames Logistics Ltd", "aws-eu-west-2");
    add(3, "Northwind Traders", "aws-us-east-2");
    add(4, "Northwind Traders", "aws-us-east-2"); // a retried create
    add(5, "Old Mill Bakery", "aws-us-east-1");
    add(6, "Someone else's experiment", "aws-eu-central-1");
    const r = await run(["--format", "json"]);
    expect(r.code).toBe(1);
    const o = JSON.parse(r.stdout).observed;
    const row = (t: string) => o.rows.find((x: { tenant: string }) => x.tenant === t);
    expect(row("brightwave")).toEqual({
      tenant: "brightwave",
      residency: "DE",
      declaredRegion: "aws-eu-central-1",
      status: "other region",
      projects: [{ id: "p-1", region: "aws-us-east-1", inResidency: false }],
    });
    expect(row("pacific-health")).toMatchObject({ status: "missing", projects: [] });
    expect(row("northwind")).toMatchObject({ status: "duplicates", projects: [{ id: "p-3" }, { id: "p-4" }] });
    expect(o.unowned.map((p: { id: string }) => p.id).sort()).toEqual(["p-1", "p-4", "p-6"]);
    expect(o.held).toBe(false);
    const md = await run([]);
    expect(md.stdout).toContain(`## Observed in Neon (${ORG})`);
    expect(md.stdout).toContain("| brightwave | DE | aws-eu-central-1 | other region | p-1 (aws-us-east-1) | **no** |");
    expect(md.stdout).toMatch(/- p-6 "Someone else's experiment" in aws-eu-central-1/);
  });

  it("says what is wrong without a key, or with a format it cannot observe in", async () => {
    const csv = await run(["--format", "csv"]);
    expect([csv.code, csv.stderr.split("\n")[0]]).toEqual([2, "--observe reports in md or json, not csv"]);
    neon.projects.clear();
    const child = await observe([], {});
    expect([child.code, child.stderr.trim()]).toEqual([2, "NEON_API_KEY is not set: a Neon API key that can list the organisation's projects"]);
  });
});

describe("observeRegions during and after a move", () => {
  const at = (id: string, name: string, region: string, day: number) => ({
    id,
    name,
    region_id: region,
    created_at: `2026-11-${String(day).padStart(2, "0")}T00:00:00Z`,
  });
  const declaredOf = (fleet: Fleet) =>
    fleet.tenants.flatMap(projectsOf).map((t) => ({ stack: "prod", owner: `tenant ${t.id}`, name: projectName(t), regionId: t.region }));

  it("expects both projects of a tenant being moved, and a finished move's generation by its own name", () => {
    const moving = parseTenants(fleetYaml([{ ...ACME, move: '{ region: aws-eu-central-1, pgVersion: 18, ticket: "CHG-2026-0042" }' }]), "t.yaml").fleet!;
    const both = [at("p-1", "ACME Corp", "aws-eu-central-1", 1), at("p-2", "ACME Corp [g2]", "aws-eu-central-1", 20)];
    const o = observeRegions(moving, both, declaredOf(moving));
    expect(o.rows).toEqual([
      expect.objectContaining({
        tenant: "acme-corp",
        status: "as declared",
        moveRegion: "aws-eu-central-1",
        projects: [expect.objectContaining({ id: "p-1" }), expect.objectContaining({ id: "p-2" })],
      }),
    ]);
    // The target is the tenant's, not a project nobody owns.
    expect([o.unowned, o.held]).toEqual([[], true]);
    // The target not created yet: missing.
    expect(observeRegions(moving, both.slice(0, 1), declaredOf(moving)).rows[0].status).toBe("missing");
    expect(observationMarkdown(o, "org-x")).toContain(
      "| acme-corp | EU | aws-eu-central-1 (moving to aws-eu-central-1) | as declared | p-1 (aws-eu-central-1), p-2 (aws-eu-central-1) |",
    );

    const finished = parseTenants(fleetYaml([{ ...ACME, pgVersion: "18", generation: "2" }]), "t.yaml").fleet!;
    const after = observeRegions(finished, both.slice(1), declaredOf(finished));
    expect(after.rows[0]).toMatchObject({ status: "as declared", projects: [{ id: "p-2" }] });
    // The deleted source, were it still there, is nobody's.
    expect(observeRegions(finished, both, declaredOf(finished)).unowned.map((p) => p.id)).toEqual(["p-1"]);
  });
});
