/**
 * The fleet manifest and its batches: pure planning (property-tested), the manifest's
 * shape and text, and the planning job's own jq over a 10,000-tenant manifest, run under
 * bash as a runner would (GitHub's limits: 256 jobs per matrix, 1 MB of job outputs).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "yaml";
import {
  batchWarnings,
  ENVIRONMENT_SLOTS,
  fleetManifest,
  manifestPath,
  MAX_MATRIX_JOBS,
  planBatches,
  planFleetBatches,
  renderManifest,
  type FleetManifest,
  type ManifestSettings,
} from "../src/plan/repository/manifest";
import { credentialParameter, fleetNames } from "../src/core/repositoryContract";
import { renderWorkflows, type WorkflowSettings } from "../src/plan/workflows/render";
import { PINNED_IMAGE } from "../src/plan/repository/images";
import { parseTenants } from "../tenants/load";
import type { Tenant } from "../tenants/model";
import { syntheticTenantsYaml } from "../src/tools/bench/syntheticFleet";
import { ACME, fleetYaml } from "./helpers";

const REGIONS = ["eu-central-1", "us-east-2", "ap-southeast-1"];
const batchable = fc.uniqueArray(
  fc.record({ id: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), awsRegion: fc.constantFrom(...REGIONS), pg: fc.constantFrom(15, 16, 17) }),
  { selector: (t) => t.id, maxLength: 400 },
);

describe("planBatches", () => {
  it("puts every tenant in exactly one batch of one region and major, within the size and the job limit", () => {
    fc.assert(
      fc.property(batchable, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 9, max: 300 }), (tenants, size, max) => {
        const plan = planBatches(tenants, size, max);
        const seen = plan.batches.flatMap((b) => b.tenants);
        expect([...seen].sort()).toEqual(tenants.map((t) => t.id).sort());
        expect(new Set(plan.batches.map((b) => b.key)).size).toBe(plan.batches.length);
        expect(plan.batches.length).toBeLessThanOrEqual(max);
        const byId = new Map(tenants.map((t) => [t.id, t]));
        for (const b of plan.batches) {
          expect(b.tenants.length).toBeGreaterThan(0);
          expect(b.tenants.length).toBeLessThanOrEqual(plan.size);
          for (const id of b.tenants) expect([byId.get(id)!.awsRegion, byId.get(id)!.pg]).toEqual([b.awsRegion, b.pg]);
        }
        // The size grows only when it must, and then to the smallest that fits.
        expect(plan.size >= size).toBe(true);
        if (plan.size > size) expect(planBatches(tenants, plan.size - 1, Number.MAX_SAFE_INTEGER).batches.length).toBeGreaterThan(max);
      }),
      { numRuns: 200 },
    );
  });

  it("is stable: the order of the tenants file changes nothing", () => {
    fc.assert(
      fc.property(batchable, (tenants) => {
        expect(planBatches([...tenants].reverse(), 7, 256)).toEqual(planBatches(tenants, 7, 256));
      }),
    );
  });

  it("splits a group evenly, and keys a batch of one tenant by its id", () => {
    const group = Array.from({ length: 26 }, (_, i) => ({ id: `t${String(i).padStart(2, "0")}`, awsRegion: "eu-central-1", pg: 17 }));
    expect(planBatches(group, 25, 256).batches.map((b) => [b.key, b.tenants.length])).toEqual([
      ["eu-central-1-pg17-1", 13],
      ["eu-central-1-pg17-2", 13],
    ]);
    expect(planBatches(group.slice(0, 2), 1, 256).batches.map((b) => b.key)).toEqual(["t00", "t01"]);
  });
});

function fleetOf(n: number, opts: { concentrated?: boolean } = {}): Tenant[] {
  return [...parseTenants(syntheticTenantsYaml(n, opts), "synthetic.yaml").fleet!.tenants];
}
const SETTINGS: ManifestSettings = { stack: "prod", source: "tenants/tenants.yaml", scope: "region", batchSize: 50, migrations: true };
const hostsOf = (ts: readonly Tenant[]) => new Map(ts.map((t) => [t.id, `ep-${t.id}.example.neon.tech`]));

describe("the fleet manifest", () => {
  const tenants = fleetOf(40);
  const manifest = fleetManifest(tenants, SETTINGS, hostsOf(tenants));

  it("lists each active tenant with its route, and the retired by id only", () => {
    const [retired] = fleetOf(1).map((t) => ({ ...t, id: "gone", status: "retired" as const }));
    const m = fleetManifest([...tenants, retired], SETTINGS, hostsOf([...tenants, retired]));
    expect(m.retired).toEqual(["gone"]);
    expect(m.tenants.map((t) => t.id)).toEqual(tenants.map((t) => t.id).sort());
    expect(m.tenants[0]).toEqual({
      id: "t-000000",
      region: tenants[0].region,
      awsRegion: m.tenants[0].awsRegion,
      pg: 17,
      host: "ep-t-000000.example.neon.tech",
      credential: {
        scope: "region",
        awsRegion: m.tenants[0].awsRegion,
        parameter: credentialParameter("prod", "t-000000", "pooled"),
        directParameter: credentialParameter("prod", "t-000000", "direct"),
      },
      backup: { schedule: tenants[0].backup.schedule, retentionDays: tenants[0].backup.retentionDays, timeoutMinutes: 60, maxAgeHours: 30 },
    });
    expect(JSON.stringify(m.batches)).not.toContain("gone");
  });

  it("pins the drill's Postgres image of every batch by digest", () => {
    for (const b of manifest.batches.restoreDrill) expect(b.pgImage).toMatch(PINNED_IMAGE);
  });

  it("is one line per tenant and per batch, so a deploy's diff shows what changed", () => {
    const text = renderManifest(manifest);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(manifest)));
    const lines = text.split("\n");
    for (const t of manifest.tenants) expect(lines.filter((l) => l.includes(`"id":"${t.id}"`))).toHaveLength(1);
    expect(manifestPath(fleetNames())).toBe(".github/tenant-fleet/tenant-fleet.json");
    expect(manifestPath(fleetNames("prod-eu"))).toBe(".github/tenant-fleet/tenant-fleet-prod-eu.json");
  });

  it("names the fleet catalog's project when the stack has one (the backups' WAL canary reads it), and adds no key without", () => {
    const withCatalog = fleetManifest(tenants, SETTINGS, hostsOf(tenants), new Map(), "fleet-catalog-1234");
    expect(withCatalog.catalog).toEqual({ projectId: "fleet-catalog-1234" });
    const text = renderManifest(withCatalog);
    expect(text.split("\n")).toContain('  "catalog": {"projectId":"fleet-catalog-1234"},');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(withCatalog)));
    // Without a catalog the file is what it was before the key existed.
    expect(manifest.catalog).toBeUndefined();
    expect(renderManifest(manifest)).not.toContain('"catalog"');
    expect(renderManifest(withCatalog).replace('  "catalog": {"projectId":"fleet-catalog-1234"},\n', "")).toBe(renderManifest(manifest));
  });

  it("is the only file that changes when a tenant is added", () => {
    const before = fleetOf(500);
    const after = parseTenants(syntheticTenantsYaml(500, { addedAt: 250 }), "s.yaml").fleet!.tenants;
    const settings: WorkflowSettings = {
      scope: "region",
      encryption: "kms",
      branch: "main",
      source: "tenants/tenants.yaml",
      restoreDrillSchedule: "41 4 * * 1",
      migrations: { command: "npm run migrate", paths: ["migrations/**"] },
    };
    expect(renderWorkflows(after, settings)).toEqual(renderWorkflows(before, settings));
    const diff = (a: string, b: string) => b.split("\n").filter((l) => !a.split("\n").includes(l));
    const changed = diff(renderManifest(fleetManifest(before, SETTINGS, hostsOf(before))), renderManifest(fleetManifest(after, SETTINGS, hostsOf(after))));
    expect(changed.some((l) => l.includes('"id":"t-000250-added"'))).toBe(true);
  });

  it("runs the environment scope's backups a tenant per job (the drill, which reads no secret, in batches)", () => {
    const plan = planFleetBatches(tenants, { scope: "environment", batchSize: 50, migrations: true });
    for (const p of plan.backup.values()) expect(p.batches.every((b) => b.tenants.length === 1)).toBe(true);
    for (const p of plan.migrations!.values()) expect(p.batches.every((b) => b.tenants.length === 1)).toBe(true);
    expect(plan.restoreDrill!.size).toBe(50);
  });

  it("warns when a schedule needs bigger batches than asked to stay within 256 jobs", () => {
    const many = fleetOf(3000, { concentrated: true });
    const plan = planFleetBatches(many, { scope: "region", batchSize: 5, migrations: false });
    expect(plan.backup.get("17 3 * * *")!.batches.length).toBeLessThanOrEqual(MAX_MATRIX_JOBS);
    expect(batchWarnings(plan)).toEqual([
      `backups on "17 3 * * *" would need more than 256 jobs with 5 tenant(s) per job, so each job serves up to ${plan.backup.get("17 3 * * *")!.size}; raise tenant-fleet:batchSize or shard the stack to keep jobs short`,
      `the restore drill would need more than 256 jobs with 5 tenant(s) per job, so each job serves up to ${plan.restoreDrill!.size}; raise tenant-fleet:batchSize or shard the stack to keep jobs short`,
    ]);
  });
});

/** The planning job's step, run under bash with jq against a manifest on disk; its outputs parsed. */
function runPlan(
  manifest: FleetManifest,
  w: { content: string },
  neon?: { activity: Record<string, number>; written: Record<string, number[]> },
): { status: number | null; outputs: Record<string, string>; bytes: number; stdout: string; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-plan-"));
  // What the Neon step before leaves for the plan (sh/neon-activity.sh), when given.
  const neonFiles = neon ? { ACTIVITY_FILE: path.join(dir, "activity.json"), WRITTEN_FILE: path.join(dir, "written.json") } : {};
  if (neon) {
    writeFileSync(neonFiles.ACTIVITY_FILE!, JSON.stringify(neon.activity));
    writeFileSync(neonFiles.WRITTEN_FILE!, JSON.stringify(neon.written));
  }
  const step = (parse(w.content).jobs.plan.steps as { id?: string; env: Record<string, string>; run: string }[]).find((s) => s.id === "plan")!;
  mkdirSync(path.join(dir, ".github/tenant-fleet"), { recursive: true });
  writeFileSync(path.join(dir, step.env.MANIFEST), renderManifest(manifest));
  const output = path.join(dir, "github_output");
  writeFileSync(output, "");
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    // Expressions (a manual run's inputs) are empty on a scheduled or pushed run.
    env: {
      PATH: process.env.PATH,
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: output,
      GITHUB_REF: "refs/heads/main",
      ...Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, v.includes("${{") ? "" : v])),
      ...neonFiles,
    },
  });
  const text = readFileSync(output, "utf8");
  const outputs = Object.fromEntries(
    text
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { status: r.status, outputs, bytes: Buffer.byteLength(text), stdout: r.stdout, stderr: r.stderr };
}

describe("the planning job over 10,000 tenants", () => {
  const tenants = fleetOf(10_000);
  for (const scope of ["region", "environment"] as const) {
    it(`${scope} scope: every tenant once, no slot over 256 entries, outputs under GitHub's 1 MB`, () => {
      const settings = { ...SETTINGS, scope };
      const manifest = fleetManifest(tenants, settings, hostsOf(tenants));
      const backup = renderWorkflows(tenants, { scope, encryption: "kms", branch: "main", source: "t.yaml", restoreDrillSchedule: "41 4 * * 1" }).find((w) =>
        w.path.endsWith("backup-17-3-x-x-x.yml"),
      )!;
      const r = runPlan(manifest, backup);
      expect(r.status, r.stderr).toBe(0);
      const slots = Object.keys(r.outputs).filter((k) => k.startsWith("slot_"));
      expect(slots).toHaveLength(scope === "environment" ? ENVIRONMENT_SLOTS : 1);
      const entries = slots.flatMap((k) => JSON.parse(r.outputs[k]) as { key: string; timeout_minutes: number }[]);
      for (const k of slots) expect((JSON.parse(r.outputs[k]) as unknown[]).length).toBeLessThanOrEqual(MAX_MATRIX_JOBS);
      expect(entries.map((e) => e.key)).toEqual(manifest.batches.backup["17 3 * * *"].map((b) => b.key));
      expect(r.bytes).toBeLessThan(1024 * 1024);
      expect(r.stdout).toContain(`${manifest.batches.backup["17 3 * * *"].reduce((n, b) => n + b.tenants.length, 0)} tenant(s) in ${entries.length} job(s)`);
      for (const e of entries) expect(e.timeout_minutes).toBeLessThanOrEqual(360);
    });
  }

  it("carries every tenant's last activity and WAL written in its batch's entry, still under 1 MB (files, not arguments: over 128 KiB one argument fails)", () => {
    const manifest = fleetManifest(tenants, SETTINGS, hostsOf(tenants));
    const backup = renderWorkflows(tenants, { scope: "region", encryption: "kms", branch: "main", source: "t.yaml", restoreDrillSchedule: "41 4 * * 1" }).find(
      (w) => w.path.endsWith("backup-17-3-x-x-x.yml"),
    )!;
    // Realistic widths: epoch seconds of 2026, a project that wrote 123 GB of WAL this month.
    const ids = tenants.map((t) => t.id);
    const activity = Object.fromEntries(ids.map((id) => [id, 1_796_000_000]));
    const written = Object.fromEntries(ids.map((id) => [id, [123_456_789_012, 1_795_000_000, 1_796_100_000]]));
    const r = runPlan(manifest, backup, { activity, written: { ...written, "not-a-tenant": [1, 2, 3], [ids[0]]: [1, "2", 3] as number[] } });
    expect(r.status, r.stderr).toBe(0);
    const entries = Object.keys(r.outputs)
      .filter((k) => k.startsWith("slot_"))
      .flatMap((k) => JSON.parse(r.outputs[k]) as { tenants?: never; last_active?: Record<string, number>; neon_written?: Record<string, number[]> }[]);
    const carried = Object.assign({}, ...entries.map((e) => e.neon_written ?? {})) as Record<string, number[]>;
    const onSchedule = manifest.batches.backup["17 3 * * *"].flatMap((b) => b.tenants);
    // A value of another shape is not carried (that tenant is dumped); every other tenant of the schedule is.
    expect(Object.keys(carried).sort()).toEqual(onSchedule.filter((id) => id !== ids[0]).sort());
    expect(carried[onSchedule.find((id) => id !== ids[0])!]).toEqual([123_456_789_012, 1_795_000_000, 1_796_100_000]);
    expect(Object.keys(Object.assign({}, ...entries.map((e) => e.last_active ?? {}))).sort()).toEqual([...onSchedule].sort());
    expect(r.bytes).toBeLessThan(1024 * 1024);
  });

  it("refuses a missing manifest and one of another format, naming it", () => {
    const tenantsSmall = fleetOf(3);
    const backup = renderWorkflows(tenantsSmall, {
      scope: "region",
      encryption: "kms",
      branch: "main",
      source: "t.yaml",
      restoreDrillSchedule: "41 4 * * 1",
    })[0];
    const r = runPlan({ ...fleetManifest(tenantsSmall, SETTINGS, hostsOf(tenantsSmall)), format: 1 as 2 }, backup);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("::error::.github/tenant-fleet/tenant-fleet.json is not a tenant-fleet manifest of format 2: run pulumi up to rewrite it");
  });

  it("repository scope: refuses a manifest that would feed a batch job any secret but a tenant's", () => {
    const fleet = [...parseTenants(fleetYaml([ACME]), "t.yaml").fleet!.tenants];
    const manifest = fleetManifest(fleet, { ...SETTINGS, scope: "repository" }, hostsOf(fleet));
    const forged = { ...manifest, tenants: manifest.tenants.map((t) => ({ ...t, credential: { scope: "repository" as const, secret: "NEON_API_KEY" } })) };
    const backup = renderWorkflows(fleet, { scope: "repository", encryption: "kms", branch: "main", source: "t.yaml", restoreDrillSchedule: "41 4 * * 1" })[0];
    const r = runPlan(forged, backup);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("::error::.github/tenant-fleet/tenant-fleet.json cannot be planned: jq: error (at .github/tenant-fleet/tenant-fleet.json:");
    expect(r.stdout).toContain("NEON_API_KEY is not a tenant secret name");
    expect(r.outputs).toEqual({});
  });

  it("repository scope: each batch's entry names its tenants' secrets, in order", () => {
    const fleet = [...parseTenants(fleetYaml([ACME, { ...ACME, id: "brightwave", name: "Brightwave" }]), "t.yaml").fleet!.tenants];
    const manifest = fleetManifest(fleet, { ...SETTINGS, scope: "repository" }, hostsOf(fleet));
    const backup = renderWorkflows(fleet, { scope: "repository", encryption: "kms", branch: "main", source: "t.yaml", restoreDrillSchedule: "41 4 * * 1" })[0];
    const entries = JSON.parse(runPlan(manifest, backup).outputs.slot_1);
    expect(entries).toEqual([
      { key: "eu-central-1-pg17-1", aws_region: "eu-central-1", pg: 17, timeout_minutes: 75, secrets: ["ACME_CORP_DATABASE_URL", "BRIGHTWAVE_DATABASE_URL"] },
    ]);
  });
});

describe("migration waves", () => {
  const WAVES = ["canary", "early", "general"];
  const fleet = [
    ...parseTenants(
      fleetYaml([
        { ...ACME, id: "a-canary", rollout: "canary" },
        { ...ACME, id: "b-early", name: "B", rollout: "early" },
        { ...ACME, id: "c-late", name: "C" },
        { ...ACME, id: "d-late", name: "D", region: "aws-us-east-2", residency: "US" },
      ]),
      "t.yaml",
      { waves: { names: WAVES, source: "Pulumi.prod.yaml tenant-fleet:migrationWaves" } },
    ).fleet!.tenants,
  ];
  const settings = { ...SETTINGS, scope: "region" as const, migrations: true, waves: WAVES };
  const manifest = fleetManifest(fleet, settings, hostsOf(fleet));
  const workflows = renderWorkflows(fleet, {
    scope: "region",
    encryption: "kms",
    branch: "main",
    source: "t.yaml",
    restoreDrillSchedule: "41 4 * * 1",
    migrations: { command: "npm run migrate", paths: ["migrations/**"], waves: WAVES },
  });
  const migrations = workflows.find((w) => w.kind === "migrations")!;

  it("batch each wave on its own, in the waves' order, a tenant without a rollout in the last", () => {
    expect(manifest.batches.migrations.map((b) => [b.wave, b.key, b.tenants])).toEqual([
      ["canary", "canary-eu-central-1-pg17-1", ["a-canary"]],
      ["early", "early-eu-central-1-pg17-1", ["b-early"]],
      ["general", "general-eu-central-1-pg17-1", ["c-late"]],
      ["general", "general-us-east-2-pg17-1", ["d-late"]],
    ]);
  });

  it("are planned wave by wave by the planning job: w<n>_slot_1 and w<n>_tenants", () => {
    const r = runPlan(manifest, migrations);
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys(r.outputs).sort()).toEqual(["w1_slot_1", "w1_tenants", "w2_slot_1", "w2_tenants", "w3_slot_1", "w3_tenants"]);
    expect([r.outputs.w1_tenants, r.outputs.w2_tenants, r.outputs.w3_tenants]).toEqual(["1", "1", "2"]);
    expect((JSON.parse(r.outputs.w3_slot_1) as { key: string }[]).map((e) => e.key)).toEqual(["general-eu-central-1-pg17-1", "general-us-east-2-pg17-1"]);
  });

  it("refuse a manifest with a batch of a wave the workflow does not run: those tenants would never be migrated", () => {
    const stray = {
      ...manifest,
      batches: { ...manifest.batches, migrations: manifest.batches.migrations.map((b, i) => (i === 0 ? { ...b, wave: "pilot" } : b)) },
    };
    const r = runPlan(stray, migrations);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "::error::.github/tenant-fleet/tenant-fleet.json has batches of wave pilot, which this workflow does not run (its waves: canary, early, general): run pulumi up, which writes both",
    );
    expect(r.outputs).toEqual({});
  });

  it("name only the stack's waves: another is refused at its line", () => {
    const r = parseTenants(fleetYaml([{ ...ACME, rollout: "pilot" }]), "t.yaml", {
      waves: { names: WAVES, source: "Pulumi.prod.yaml tenant-fleet:migrationWaves" },
    });
    expect(r.fleet).toBeUndefined();
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '8:14 "pilot" is not a migration wave of this stack (Pulumi.prod.yaml tenant-fleet:migrationWaves is canary, early, general); use one of them, or add the wave there',
    ]);
  });
});

describe("runners per residency (runnerLabels)", () => {
  const fleet = [
    ...parseTenants(
      fleetYaml([
        { ...ACME, id: "a-eu", residency: "EU" },
        { ...ACME, id: "b-de", name: "B", residency: "DE" },
        { ...ACME, id: "c-eu", name: "C", residency: "EU" },
        { ...ACME, id: "d-us", name: "D", region: "aws-us-east-2", residency: "US" },
      ]),
      "t.yaml",
    ).fleet!.tenants,
  ];
  const runners = { EU: ["self-hosted", "linux", "eu-central-1"], DE: ["self-hosted", "frankfurt"] };

  it("puts tenants of one region and major on different runners in different batches, and leaves the unmapped on GitHub-hosted", () => {
    const plan = planFleetBatches(fleet, { ...SETTINGS, scope: "repository", batchSize: 50, runners });
    expect(plan.backup.get("17 3 * * *")!.batches.map((b) => [b.key, b.tenants.join(","), b.runsOn?.join(",") ?? "github"])).toEqual([
      ["eu-central-1-pg17-r1-1", "b-de", "self-hosted,frankfurt"],
      ["eu-central-1-pg17-r2-1", "a-eu,c-eu", "self-hosted,linux,eu-central-1"],
      ["us-east-2-pg17-1", "d-us", "github"],
    ]);
    // Without a mapping nothing changes: one batch per region and major, keys as before.
    expect(
      planFleetBatches(fleet, { ...SETTINGS, scope: "repository", batchSize: 50 })
        .backup.get("17 3 * * *")!
        .batches.map((b) => b.key),
    ).toEqual(["eu-central-1-pg17-1", "us-east-2-pg17-1"]);
  });

  it("gives each matrix entry its runner, and the job's runs-on is that or GitHub-hosted, as GitHub's evaluator reads it", async () => {
    const { evaluateExpression } = await import("./runtime/actions");
    const { data } = await import("@actions/expressions");
    const manifest = fleetManifest(fleet, { ...SETTINGS, scope: "repository", batchSize: 50, runners }, hostsOf(fleet));
    const backup = renderWorkflows(fleet, { scope: "repository", encryption: "kms", branch: "main", source: "t.yaml", restoreDrillSchedule: "41 4 * * 1" })[0];
    const entries = JSON.parse(runPlan(manifest, backup).outputs.slot_1) as { key: string; runs_on?: string[] }[];
    expect(entries.map((e) => e.runs_on ?? null)).toEqual([["self-hosted", "frankfurt"], ["self-hosted", "linux", "eu-central-1"], null]);
    const runsOn = String(parse(backup.content).jobs.backup["runs-on"]).replace(/^\$\{\{\s*|\s*\}\}$/g, "");
    const on = (entry: object) => JSON.parse(JSON.stringify(evaluateExpression(runsOn, { matrix: { batch: entry } } as never), data.replacer));
    expect(on(entries[0])).toEqual(["self-hosted", "frankfurt"]);
    expect(on(entries[2])).toBe("ubuntu-24.04");
  });
});
