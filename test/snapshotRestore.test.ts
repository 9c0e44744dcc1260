/**
 * `npm run tenant -- restore` from a Neon snapshot (issue 35), end to end through the command
 * against Neon's API on loopback (test/neonApiFake.ts with the snapshot routes of
 * test/neonSnapshotsFake.ts): which snapshot is listed and chosen, the restore into a new
 * branch that is never finalized, the retries after 429 and 423, and the record.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "./program";
import { FAKE_NEON_KEY, startFakeNeonApi, type FakeNeonApi } from "./neonApiFake";
import { addSnapshotRoutes, type FakeSnapshots } from "./neonSnapshotsFake";
import { neonApi } from "../src/operations/neonApi";
import { tenantSnapshots } from "../src/operations/snapshotRestore";
import { CODE_DEFAULTS, type Tenant } from "../tenants/model";

const PROJECT = "quiet-lake-123456";
const MAIN = `br-${PROJECT}-main`;
// One instant for the whole file: a time taken again at an assertion can fall in the next minute.
const NOW = Date.now();
const daysAgo = (d: number) => new Date(NOW - d * 86_400_000);
/** Whole minutes: the point given on the command line and the times Neon lists compare exactly. */
const minute = (d: Date) => new Date(Math.floor(d.getTime() / 60_000) * 60_000);

describe("tenant restore from a Neon snapshot", () => {
  let neon: FakeNeonApi;
  let snaps: FakeSnapshots;
  const dir = mkdtempSync(path.join(tmpdir(), "tf-snap-"));
  const tenants = path.join(ROOT, "test/fixtures/operations-tenants.yaml");
  const point = minute(daysAgo(5));
  beforeAll(async () => {
    neon = await startFakeNeonApi();
    snaps = addSnapshotRoutes(neon);
  });
  afterAll(() => neon.stop());
  beforeEach(() => {
    neon.calls.length = 0;
    neon.projects.clear();
    neon.branches.clear();
    snaps.snapshots.clear();
    neon.addProject({ id: PROJECT, name: "ACME Corp", region_id: "aws-eu-central-1", pg_version: 17, org_id: "org-quiet-river-40213377" });
    neon.branches.set("br-preview", { id: "br-preview", project_id: PROJECT, name: "preview", parent_id: MAIN, databases: ["app"] });
    const add = (id: string, at: Date, over: Record<string, unknown> = {}) =>
      snaps.snapshots.set(id, { id, name: `daily-${id}`, project_id: PROJECT, source_branch_id: MAIN, created_at: at.toISOString(), manual: false, ...over });
    add("snap-7d", minute(daysAgo(7)));
    add("snap-6d", minute(daysAgo(6)));
    // Taken after the point: it holds what came after, never chosen.
    add("snap-4d", minute(daysAgo(4.5)));
    // Closer to the point, but of another branch, or expired: not the tenant's to restore.
    add("snap-preview", minute(daysAgo(5.1)), { source_branch_id: "br-preview" });
    add("snap-expired", minute(daysAgo(5.2)), { expires_at: new Date(Date.now() - 60_000).toISOString() });
    // Created now, of a point in the window's past (Neon's `timestamp`): what counts is the point it is of.
    add("snap-of-point", new Date(), { timestamp: minute(daysAgo(5.5)).toISOString(), manual: true });
  });

  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/tenant.ts"), ...args, "--tenants", path.relative(ROOT, tenants)],
        { cwd: ROOT, env: { PATH: process.env.PATH, NEON_API_KEY: FAKE_NEON_KEY, NEON_API_URL: neon.url, NEON_API_POLL_MS: "5", ...env } },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  const calls = () => neon.calls.map((c) => `${c.method} ${c.path.split("?")[0]}`);

  it("plans the newest snapshot of the tenant's branch at or before the point, ignoring later, foreign and expired ones, and says why", async () => {
    const r = await run(["restore", "acme-corp", "--to", point.toISOString(), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({
      action: "snapshot-restore",
      snapshot: "snap-of-point",
      snapshotName: "daily-snap-of-point",
      takenAt: minute(daysAgo(5.5)).toISOString(),
      newBranch: expect.stringMatching(/^restore-\d{8}t\d{6}z$/),
      gapHours: 12,
    });
    expect(plan.why).toContain("is outside acme-corp's 24 h point-in-time window");
    expect(plan.why).toContain("1 snapshot(s) taken after it ignored");
    // Planning reads only: the project, its branch, the snapshots.
    expect(calls()).toEqual(["GET /projects", `GET /projects/${PROJECT}/branches`, `GET /projects/${PROJECT}/snapshots`]);
    const text = await run(["restore", "acme-corp", "--to", point.toISOString()]);
    expect(text.stdout).toMatch(
      /^restore acme-corp: Neon snapshot daily-snap-of-point \(snap-of-point, of .*\) into a new branch restore-\d{8}t\d{6}z, not finalized; 12 h/,
    );
  });

  it("restores the snapshot into a new branch without finalizing, retrying after 429 and 423, and records it", async () => {
    snaps.snapshots.delete("snap-of-point");
    snaps.refuseNext("GET /snapshots", 429);
    snaps.refuseNext("/snapshots/snap-6d/restore", 423);
    const file = path.join(dir, "snapshot.json");
    const r = await run(["restore", "acme-corp", "--to", point.toISOString(), "--apply", "--ticket", "INC-9", "--record", file], { GITHUB_ACTOR: "ops-lead" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^restore acme-corp: Neon snapshot daily-snap-6d \(snap-6d, of /);
    // One retry each: the listing after its 429 (in planning), the restore after its 423 (the record counts the restore's).
    expect(calls()).toEqual([
      "GET /projects",
      `GET /projects/${PROJECT}/branches`,
      `GET /projects/${PROJECT}/snapshots`,
      `GET /projects/${PROJECT}/snapshots`,
      `POST /projects/${PROJECT}/snapshots/snap-6d/restore`,
      `POST /projects/${PROJECT}/snapshots/snap-6d/restore`,
      expect.stringMatching(new RegExp(`^GET /projects/${PROJECT}/operations/[0-9a-f-]+$`)),
      expect.stringMatching(new RegExp(`^GET /projects/${PROJECT}/operations/[0-9a-f-]+$`)),
    ]);
    const body = neon.calls.filter((c) => c.method === "POST").at(-1)!.body;
    expect(body).toEqual({ name: expect.stringMatching(/^restore-\d{8}t\d{6}z$/), finalize_restore: false });
    // The tenant's branch is still main, the restored data on a branch of its own.
    const restored = [...neon.branches.values()].find((b) => b.restored_from === "snap-6d")!;
    expect(restored.name).toBe((body as { name: string }).name);
    expect(neon.branches.get(MAIN)!.name).toBe("main");
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
      kind: "restore",
      tenant: "acme-corp",
      ticket: "INC-9",
      result: "ok",
      plan: { action: "snapshot-restore", snapshot: "snap-6d", gapHours: 24 },
      detail: { project: PROJECT, branch: restored.id, branchName: restored.name, snapshot: "snap-6d", finalized: false, retries: 1 },
    });
  });

  it("records a failed snapshot restore as failed, with Neon's error", async () => {
    neon.failNextOperation = true;
    const file = path.join(dir, "failed.json");
    const r = await run(["restore", "acme-corp", "--to", point.toISOString(), "--apply", "--ticket", "INC-10", "--record", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Neon's operation restore_snapshot \([0-9a-f-]+\) on quiet-lake-123456 failed: injected failure/);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ result: "failed", plan: { action: "snapshot-restore", snapshot: "snap-of-point" } });
  });

  it("takes a snapshot inside the window only when asked (--prefer snapshot), and lists none for a PITR restore", async () => {
    const recent = minute(daysAgo(0.25));
    snaps.snapshots.set("snap-6h", {
      id: "snap-6h",
      name: "hourly",
      project_id: PROJECT,
      source_branch_id: MAIN,
      created_at: minute(daysAgo(0.3)).toISOString(),
    });
    const pitr = await run(["restore", "acme-corp", "--to", recent.toISOString(), "--json"]);
    expect(JSON.parse(pitr.stdout).action).toBe("branch-restore");
    expect(calls()).toEqual([]);
    const asked = await run(["restore", "acme-corp", "--to", recent.toISOString(), "--prefer", "snapshot", "--json"]);
    expect(JSON.parse(asked.stdout)).toMatchObject({
      action: "snapshot-restore",
      snapshot: "snap-6h",
      why: expect.stringMatching(/^a snapshot was asked for/),
    });
  });

  it("refuses, saying what exists: no snapshot early enough; and checks --prefer", async () => {
    const early = minute(daysAgo(30));
    const r = await run(["restore", "acme-corp", "--to", early.toISOString()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `cannot restore acme-corp: acme-corp has no verified dump taken at or before ${early.toISOString()} (no dump a drill has verified) and no Neon snapshot taken at or before it (its oldest snapshot is of ${minute(daysAgo(7)).toISOString()}; 4 taken after the point`,
    );
    const bad = await run(["restore", "acme-corp", "--to", early.toISOString(), "--prefer", "tape"]);
    expect([bad.code, bad.stderr.split("\n")[0]]).toEqual([2, '--prefer "tape": use dump or snapshot']);
    const both = await run(["restore", "acme-corp", "--to", early.toISOString(), "--prefer", "snapshot", "--from-dump"]);
    expect(both.stderr.split("\n")[0]).toBe("--from-dump asks for a dump and --prefer snapshot for a snapshot: give one of them");
    // Without Neon's key a plan weighs the dumps alone, and says so.
    const keyless = await run(["restore", "acme-corp", "--to", point.toISOString()], { NEON_API_KEY: "" });
    expect(keyless.stderr).toContain("no NEON_API_KEY: Neon's snapshots are unknown");
    expect(keyless.code).toBe(1);
  });

  it("refuses a snapshot whose time does not parse, rather than guess which side of the point it is on", async () => {
    process.env.NEON_API_KEY = FAKE_NEON_KEY;
    const api = neonApi("test", neon.url);
    const acme = { id: "acme-corp", name: "ACME Corp", region: "aws-eu-central-1", database: CODE_DEFAULTS.database } as Tenant;
    const project = { id: PROJECT, name: "ACME Corp", region_id: "aws-eu-central-1", created_at: "2026-01-01T00:00:00Z" };
    const listed = await tenantSnapshots(api, project, acme, new Date());
    expect(listed.map((s) => s.id).sort()).toEqual(["snap-4d", "snap-6d", "snap-7d", "snap-of-point"]);
    snaps.snapshots.set("snap-bad", { id: "snap-bad", name: "odd", project_id: PROJECT, source_branch_id: MAIN, created_at: "yesterday" });
    await expect(tenantSnapshots(api, project, acme, new Date())).rejects.toThrow(
      'Neon lists the snapshot snap-bad of quiet-lake-123456 with the time "yesterday", which is not a time; look at it in the console',
    );
  });
});
