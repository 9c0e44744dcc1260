/**
 * The restore drill's snapshot check (src/plan/workflows/sh/snapshot-check.sh) as the prod
 * sample's drill workflow runs it, against a Neon API stand-in (services/neonSnapshots.ts):
 * a tenant whose snapshots are taken on schedule passes, one whose newest scheduled snapshot
 * is overdue fails and reaches the alert job by name, and without a read key nothing is asked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob, type RunContext } from "./actions";
import { repositoryOf, type Repository } from "./fleet";
import { startFakeNeonSnapshots, type FakeNeonSnapshots } from "./services/neonSnapshots";
import { runnerSetup, type RunnerSetup } from "./substitutions";
import { FAILED_TENANTS_TITLE } from "../../src/plan/workflows/batchScripts";
import { DRILL_JOB_PREFIX } from "../../src/plan/workflows/kinds";
import { SNAPSHOT_CHECK_JOB } from "../../src/plan/workflows/snapshotCheck";
import { NEON_ACTIVITY_SECRET as NEON_READ_KEY_SECRET } from "../../src/core/repositoryContract";
import type { FleetManifest } from "../../src/plan/repository/manifest";

const KEY = "napi_read_only_test";
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");

describe("the restore drill's check of Neon snapshots", () => {
  let repo: Repository;
  let neon: FakeNeonSnapshots;
  let runner: RunnerSetup;
  let files: Record<string, string>;
  const drill = () => [...repo.workflows].find(([p]) => p.endsWith("-restore-drill.yml"))![1];
  const context = (secrets: Record<string, string>): RunContext => ({
    repository: "example-saas/app",
    ref: "refs/heads/main",
    vars: repo.vars,
    secrets,
    runnerEnv: runner.env,
  });
  const run = (secrets: Record<string, string>) =>
    runJob(drill(), SNAPSHOT_CHECK_JOB, undefined, context(secrets), runner.substitutions({ neonApi: neon.url, files }));

  beforeAll(async () => {
    repo = await repositoryOf("prod");
    neon = await startFakeNeonSnapshots(KEY);
    runner = runnerSetup({});
    // Two tenants of the sample fleet, whose daily snapshots (the prod stack's default) the check reads.
    const manifest: FleetManifest = { ...repo.manifest, tenants: repo.manifest.tenants.filter((t) => t.id === "acme-corp" || t.id === "brightwave") };
    files = { [repo.manifestPath]: JSON.stringify(manifest) };
    const project = (id: string) => manifest.tenants.find((t) => t.id === id)!.projectId!;
    neon.projects.set(project("acme-corp"), [
      { id: "snap-fresh", name: "daily", created_at: hoursAgo(3), expires_at: hoursAgo(-165), manual: false },
      // Past its retention: Neon has deleted it, and the check does not miss it.
      { id: "snap-expired", name: "daily", created_at: hoursAgo(200), expires_at: hoursAgo(32), manual: false },
    ]);
    neon.projects.set(project("brightwave"), [
      { id: "snap-stale", name: "daily", created_at: hoursAgo(50), expires_at: hoursAgo(-118), manual: false },
      // A manual snapshot is not the schedule's: it does not make the schedule look healthy.
      { id: "snap-manual", name: "before the migration", created_at: hoursAgo(1), manual: true },
    ]);
  });
  afterAll(async () => neon?.stop());

  it("carries each tenant's schedule and project in the manifest", () => {
    const acme = repo.manifest.tenants.find((t) => t.id === "acme-corp")!;
    expect(acme.snapshots).toEqual({ frequency: "daily", hour: 2, retentionDays: 7, maxAgeHours: 30 });
    expect(acme.projectId).toMatch(/^[a-z0-9-]+$/);
  });

  it("passes the tenant whose newest snapshot is on schedule and fails the stale one, named for the alert job", async () => {
    const r = await run({ [NEON_READ_KEY_SECRET]: KEY });
    expect(r.result, r.log).toBe("failure");
    expect(r.settings.name).toBe(`${DRILL_JOB_PREFIX}${SNAPSHOT_CHECK_JOB}`);
    expect(r.annotations.find((a) => a.title === FAILED_TENANTS_TITLE)?.message).toBe("brightwave");
    expect(r.errors).toEqual([
      expect.stringMatching(/^brightwave: the newest daily snapshot of \S+ is 50 h old, more than 30 h: Neon is not taking them on schedule$/),
    ]);
    expect(r.log).toMatch(/acme-corp: newest daily snapshot 3 h old \(at most 30 h\)/);
    expect(neon.calls.map((c) => c.method)).toEqual(["GET", "GET"]);
  });

  it("passes once the stale tenant's snapshot is taken", async () => {
    const brightwave = repo.manifest.tenants.find((t) => t.id === "brightwave")!.projectId!;
    neon.projects.get(brightwave)!.push({ id: "snap-new", name: "daily", created_at: hoursAgo(2), expires_at: hoursAgo(-166), manual: false });
    const r = await run({ [NEON_READ_KEY_SECRET]: KEY });
    expect(r.result, r.log).toBe("success");
    expect(r.log).toContain("every tenant's Neon snapshots are on schedule");
  });

  it("skips with a notice, asking Neon nothing, when the repository has no read key", async () => {
    neon.calls.length = 0;
    const r = await run({});
    expect(r.result, r.log).toBe("success");
    expect(r.annotations.map((a) => [a.level, a.title])).toEqual([["notice", "Neon snapshots not checked"]]);
    expect(neon.calls).toEqual([]);
  });
});
