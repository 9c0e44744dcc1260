/**
 * The tenant diff against what the program really registers: for random pairs of fleets,
 * the real program runs on both under the mock runtime, and every Neon project it would
 * delete or replace (a replace-forcing input of the provider changed) and every backup
 * vault it would drop must be a destructive change of the diff, naming that tenant or
 * vault. The diff is checked against the resources, not against itself.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bridge } from "../src/tools/neon/bridge";
import { neonFacts } from "../src/tools/neon/generate";
import { diffFleets } from "../src/review/diff";
import { parseTenants } from "../tenants/load";
import type { RecordedResource } from "../src/engine/offline";
import { ROOT, runProgram } from "./program";
import { DATA_BEARING, diffResources } from "../src/review/resources";
import type { PlannedResource } from "../src/review/findings";
import { replaceForcing } from "../src/engine/review";
import { readStackConfig } from "../src/core/config/stackFiles";
import { projectSettings } from "../src/core/config/settings";
import { ACME, fleetYaml } from "./helpers";

const project = bridge(neonFacts()).resources.find((r) => r.token === "neon:index/project:Project")!;
const FORCE_NEW = project.properties.filter((p) => p.forceNew && p.input).map((p) => p.name);
const PLACES: [string, string][] = [
  ["aws-eu-central-1", "EU"],
  ["aws-eu-west-2", "GB"],
  ["aws-us-east-2", "US"],
];

const tenantArb = fc.record({
  place: fc.integer({ min: 0, max: PLACES.length - 1 }),
  pg: fc.constantFrom(16, 17),
  database: fc.constantFrom("app", "main_db"),
  status: fc.constantFrom("active", "active", "retired"),
});
type Spec = (typeof tenantArb extends fc.Arbitrary<infer T> ? T : never) | undefined;

function fleetText(specs: readonly Spec[]): string {
  const tenants = specs.flatMap((t, i) =>
    t
      ? [
          {
            ...ACME,
            id: `t-${i}`,
            name: `T ${i}`,
            region: PLACES[t.place][0],
            residency: PLACES[t.place][1],
            pgVersion: String(t.pg),
            status: t.status,
            database: `{ name: ${t.database} }`,
          },
        ]
      : [],
  );
  return fleetYaml(tenants);
}

function write(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "tf-pair-")), "tenants.yaml");
  writeFileSync(file, text);
  return file;
}

const projects = (rs: readonly RecordedResource[]) => new Map(rs.filter((r) => r.type === "neon:index/project:Project").map((r) => [r.name, r]));
const vaults = (rs: readonly RecordedResource[]) => new Set(rs.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.name.replace(/^backups-/, "")));

/** What the program would do to each project and vault between two fleets, from its registrations. */
async function resourceChanges(a: string, b: string) {
  const overrides = (file: string) => [`tenantsFile=${file}`, 'allowedResidencies=["EU","GB","US"]', "protect=false"];
  const [runA, runB] = [await runProgram("prod", overrides(write(a))), await runProgram("prod", overrides(write(b)))];
  const [pa, pb] = [projects(runA.resources), projects(runB.resources)];
  const deleted = [...pa.keys()].filter((n) => !pb.has(n));
  const replaced = [...pa].flatMap(([n, r]) => {
    const next = pb.get(n);
    const keys = next ? FORCE_NEW.filter((k) => JSON.stringify(r.inputs[k]) !== JSON.stringify(next.inputs[k])) : [];
    return keys.length ? [[n, keys] as const] : [];
  });
  const [va, vb] = [vaults(runA.resources), vaults(runB.resources)];
  return { deleted, replaced, droppedVaults: [...va].filter((r) => !vb.has(r)).sort() };
}

describe("the tenant diff against the program's resources", () => {
  it("sees what the program does: a region change replaces the project (regionId), a removed line deletes it, its vault goes", async () => {
    const a = fleetText([
      { place: 0, pg: 17, database: "app", status: "active" },
      { place: 2, pg: 17, database: "app", status: "active" },
    ]);
    const b = fleetText([{ place: 1, pg: 17, database: "app", status: "active" }, undefined]);
    const r = await resourceChanges(a, b);
    expect(r).toEqual({ deleted: ["t-1"], replaced: [["t-0", ["regionId"]]], droppedVaults: ["eu-central-1", "us-east-2"] });
    const diff = diffFleets(
      { fleet: parseTenants(a, "a").fleet!, stack: { protect: false } },
      { fleet: parseTenants(b, "b").fleet!, stack: { protect: false } },
    );
    // t-0's region and its residency (EU to GB, which does not contain it), t-1's removal, two vaults.
    expect(diff.summary.unacknowledged).toBe(5);
  }, 60_000);

  it("classes every project deleted or replaced, and every vault dropped, as destructive", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(tenantArb, { minLength: 1, maxLength: 5 }),
        fc.array(fc.option(tenantArb, { nil: undefined }), { minLength: 5, maxLength: 5 }),
        async (before, changes) => {
          // The head: each tenant kept, changed (a new spec) or removed (a hole), by position.
          const after: Spec[] = before.map((t, i) => (changes[i] === undefined ? (i % 2 ? undefined : t) : changes[i]));
          const [a, b] = [fleetText(before), fleetText(after)];
          const r = await resourceChanges(a, b);
          const diff = diffFleets(
            { fleet: parseTenants(a, "a").fleet!, stack: { protect: false } },
            { fleet: parseTenants(b, "b").fleet!, stack: { protect: false } },
          );
          const destructiveFor = (id: string) => diff.tenants.find((t) => t.id === id)?.changes.some((c) => c.class === "destructive") ?? false;
          for (const name of r.deleted) expect(destructiveFor(name), `${name} is deleted by the program`).toBe(true);
          for (const [name, keys] of r.replaced) expect(destructiveFor(name), `${name} is replaced (${keys.join(", ")})`).toBe(true);
          for (const region of r.droppedVaults) {
            expect(
              diff.stack.some((c) => c.field === `backup vault ${region}` && c.class === "destructive"),
              `vault ${region} is dropped`,
            ).toBe(true);
          }
        },
      ),
      { numRuns: 8 },
    );
  }, 240_000);

  const settingsArb = fc.record({
    protect: fc.boolean(),
    secretScope: fc.constantFrom("repository", "environment", "region"),
    backupEncryption: fc.constantFrom("kms", "s3"),
    githubRepository: fc.constantFrom("app", "app-2"),
  });
  type Settings = typeof settingsArb extends fc.Arbitrary<infer T> ? T : never;

  it("with the programs' registrations: for random fleets and settings, every data-bearing resource deleted or replaced and every protection lowered fails the diff", async () => {
    const forcing = replaceForcing();
    let losing = 0;
    const planned = (rs: readonly RecordedResource[]): PlannedResource[] =>
      rs.map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: r.inputs, options: r.options }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(tenantArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.option(tenantArb, { nil: undefined }), { minLength: 4, maxLength: 4 }),
        settingsArb,
        settingsArb,
        async (before, changes, sa, sb) => {
          const after: Spec[] = before.map((t, i) => (changes[i] === undefined ? (i % 2 ? undefined : t) : changes[i]));
          const [a, b] = [fleetText(before), fleetText(after)];
          const overrides = (file: string, st: Settings) => [
            `tenantsFile=${file}`,
            'allowedResidencies=["EU","GB","US"]',
            ...Object.entries(st).map(([k, v]) => `${k}=${v}`),
          ];
          const [oa, ob] = [overrides(write(a), sa), overrides(write(b), sb)];
          const [ra, rb] = [planned((await runProgram("prod", oa)).resources), planned((await runProgram("prod", ob)).resources)];
          const key = (r: PlannedResource) => `${r.type} ${r.parent} ${r.name}`;
          const head = new Map(rb.map((r) => [key(r), r]));
          // What pulumi up would do to data, computed here from the registrations alone.
          const lost = ra.filter((r) => {
            const next = head.get(key(r));
            if (!next) return DATA_BEARING.has(r.type);
            const replaced = (forcing[r.type] ?? []).some((k) => JSON.stringify(r.inputs[k]) !== JSON.stringify(next.inputs[k]));
            return (
              (replaced && DATA_BEARING.has(r.type)) ||
              (r.options.protect && !next.options.protect) ||
              (r.options.retainOnDelete && !next.options.retainOnDelete)
            );
          });
          const findings = diffResources(ra, rb, { replaceForcing: forcing, tenantIds: [...new Set([...before, ...after].map((_, i) => `t-${i}`))] });
          for (const r of lost)
            expect(
              findings.some((f) => f.class === "destructive" && f.type === r.type && f.name === r.name),
              `${key(r)} loses data or protection`,
            ).toBe(true);
          const side = (text: string, o: string[]) => {
            const cfg = readStackConfig(ROOT, "prod", o);
            return {
              fleet: parseTenants(text, "t").fleet!,
              stack: { protect: cfg.config["tenant-fleet:protect"] !== "false", settings: projectSettings(cfg.config) },
            };
          };
          const diff = diffFleets(side(a, oa), side(b, ob), findings);
          if (lost.length) losing++;
          if (lost.length) expect(diff.summary.unacknowledged, lost.map(key).join(", ")).toBeGreaterThan(0);
          // Every destructive finding is either accounted for by a failing change of the files, or fails as a change of the code.
          for (const f of diff.resources!.filter((x) => x.class === "destructive" && !x.explainedBy))
            expect(diff.stack.some((c) => c.kind === "code" && c.field === `resource ${f.type} ${f.name}`)).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
    // The property was exercised: some pairs lost data or protection.
    expect(losing).toBeGreaterThan(0);
  }, 300_000);
});
