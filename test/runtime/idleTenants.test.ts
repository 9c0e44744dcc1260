/**
 * Nightly work proportional to change (issue 35), run for real: the backup workflow's planning
 * job reads each tenant's last activity and its project's WAL written from a Neon API
 * stand-in (services/neonActivity.ts), and the batch job leaves a tenant that provably did not
 * change since its newest verified dump asleep, without connecting to it: its connection
 * string points at a listener that records every connection (a control run shows the listener
 * sees a backup's connection). An active tenant is dumped and verified as before; a tenant
 * without a dump, one idle past backupMaxSkipDays, and every tenant when Neon cannot be read
 * are dumped. As in production, where the backup's own last query is compute activity, a
 * tenant Neon last saw active after its dump was known quiet is still left asleep when its
 * project wrote no WAL since the read made before that dump; moved bytes or a new billing
 * period dump it. The WAL rule is used only on a night its canary shows Neon metering written
 * data: the fleet catalog's bytes, which every run's record job writes to, grew since the
 * previous run of the same file read them (kept as that run's artifact, read back through the
 * GitHub stand-in's runs API, services/actionsRuns.ts).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Server, type Socket } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupPrefix } from "../../tenants/naming";
import { MANIFEST_SUFFIX } from "../../src/plan/workflows/backupScripts";
import { ACTIVITY_SLACK_SECONDS, CANARY_ARTIFACT, CANARY_RUNS, NEON_PROJECT_SPACING_MS } from "../../src/plan/workflows/activityScripts";
import { RESULTS_ARTIFACT } from "../../src/plan/workflows/steps";
import { ACTIVITY_STEP_NAME } from "../../src/plan/workflows/tenantWorkflow";
import { batchFor } from "./fleet";
import { FIXTURE_TENANTS, seedDatabase, startWorld, type BatchRun, type World } from "./harness";
import { startFakeGithub, type FakeGithub } from "./services/fakeApis";
import { FAKE_ACTIVITY_KEY, FIRST_PERIOD, startFakeNeonActivity, type FakeNeonActivity } from "./services/neonActivity";

/** A TCP listener standing where a tenant's database would be: it counts connections and closes them. */
interface Trap {
  readonly port: number;
  readonly connections: () => number;
  stop(): Promise<void>;
}
async function startTrap(): Promise<Trap> {
  let count = 0;
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    count += 1;
    sockets.push(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let world: World;
let neon: FakeNeonActivity;
let trap: Trap;
let github: FakeGithub;
const RUN_TOKEN = "ghs_run_token";
/** The fleet catalog's Neon project (the stack creates one), whose WAL written is the WAL rule's canary. */
let catalog: string;
beforeAll(async () => {
  github = await startFakeGithub("example-saas/app", RUN_TOKEN);
  const overrides = ["secretScope=repository", `tenantsFile=${FIXTURE_TENANTS}`, "catalog=true", "catalogRegion=aws-eu-central-1"];
  world = await startWorld("prod", overrides, { url: github.url, token: RUN_TOKEN, runs: github.runs });
  catalog = world.repo.manifest.catalog!.projectId;
  seedDatabase(world.tenantDb, "app");
  neon = await startFakeNeonActivity();
  neon.projects.set(catalog, "2026-01-01T00:00:00Z");
  trap = await startTrap();
  // Other projects of the organisation: the tenants' are found across pages (400 a page).
  for (let i = 0; i < 450; i++) neon.projects.set(`other-${String(i).padStart(4, "0")}`, "2026-01-01T00:00:00Z");
});
afterAll(async () => {
  await github?.stop();
  await trap?.stop();
  await neon?.stop();
  await world?.stop();
});

/**
 * One night's backup run of the batch: the planning job and the batch job, then the record job's
 * inserts into the fleet catalog, which Neon meters as WAL written. They land at the run's end;
 * the next night's read comes a day later, past Neon's lag, so they are written here as metered.
 */
async function backupNight(tenantIds: string[], options?: Parameters<World["runBatch"]>[2]): Promise<BatchRun> {
  const run = await world.runBatch("backup", tenantIds, options);
  neon.write(catalog, 2048, Date.now() - 3_600_000);
  return run;
}

const projectOf = (id: string) => world.repo.manifest.tenants.find((t) => t.id === id)!.projectId!;
/** The tenant's connection string with its port moved to the trap (host unchanged: the host check would pass). */
const trapped = (id: string) => world.secretFor(id).replace(/:(\d+)\//, `:${trap.port}/`);
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");
/** Some WAL written by the tenant's project, as Neon meters it. */
const writes = (id: string, bytes = 8192) => neon.write(projectOf(id), bytes);
const isoEpoch = (text: string) => Date.parse(text) / 1000;
const stampEpoch = (stamp: string) =>
  Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(9, 11), +stamp.slice(11, 13), +stamp.slice(13, 15)) / 1000;

interface BackupManifest extends Record<string, unknown> {
  readonly started_at: string;
  readonly quiet_through: string;
  readonly finished_at: string;
  readonly neon_written?: { project: string; bytes: number; period_start: string; read_at: string };
}

async function manifestsOf(id: string): Promise<{ key: string; body: BackupManifest }[]> {
  const bucket = world.bucketOf(id);
  const keys = (await world.s3.list(bucket)).map((o) => o.key).filter((k) => k.startsWith(backupPrefix(id, 14)) && k.endsWith(MANIFEST_SUFFIX));
  return Promise.all(keys.sort().map(async (key) => ({ key, body: JSON.parse((await world.s3.read(bucket, key)).toString()) as BackupManifest })));
}

/** The batch's result lines (id, result, seconds, key, bytes, tables, rows) by tenant. */
function resultLines(run: BatchRun): Map<string, string[]> {
  const dir = path.join(run.artifacts, `${RESULTS_ARTIFACT}-${String(run.entry.key)}`);
  const lines = readdirSync(dir).flatMap((f) => readFileSync(path.join(dir, f), "utf8").split("\n").filter(Boolean));
  return new Map(lines.map((l) => [l.split("\t")[0], l.split("\t")]));
}

describe("nightly backups leave idle tenants asleep", () => {
  it("dumps a tenant that has no dump yet, however idle Neon says it is", async () => {
    neon.projects.set(projectOf("acme-corp"), "2026-01-02T00:00:00Z");
    neon.projects.set(projectOf("brightwave"), "2026-01-02T00:00:00Z");
    const run = await backupNight(["acme-corp", "brightwave"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(run.job.result, run.job.log).toBe("success");
    expect(run.plan.log).toMatch(/read the activity of \d+ of \d+ tenant\(s\) from Neon in 2 request\(s\)/);
    expect(run.entry.last_active).toEqual({ "acme-corp": Date.UTC(2026, 0, 2) / 1000, brightwave: Date.UTC(2026, 0, 2) / 1000 });
    // The first night has no earlier read of the fleet catalog: the WAL rule is off, and the summary says why.
    expect(run.plan.outputs.wal_rule).toMatch(/^off: no earlier scheduled run of tenant-fleet-backup-[a-z0-9-]+\.yml on main among the last 5 kept a canary/);
    expect(run.job.summary).toContain("The WAL rule was off tonight: no earlier scheduled run of");
    expect(run.job.log).toMatch(/acme-corp: no verified dump younger than backupMaxSkipDays \(7\) to compare with \(no complete backup of acme-corp/);
    // Each project's WAL written, read once, paced (NEON_PROJECT_SPACING_MS), before any dump.
    expect(run.plan.log).toMatch(/read the WAL written of 2 of \d+ project\(s\) from Neon in \d+ request\(s\)/);
    const reads = neon.calls.filter((c) => /^\/projects\/[^/?]+$/.test(c.path));
    expect(reads.map((c) => c.path)).toEqual(expect.arrayContaining([`/projects/${projectOf("acme-corp")}`, `/projects/${projectOf("brightwave")}`]));
    for (let i = 1; i < reads.length; i++) expect(reads[i].at - reads[i - 1].at).toBeGreaterThanOrEqual(NEON_PROJECT_SPACING_MS - 5);
    expect(run.entry.neon_written).toEqual({
      "acme-corp": [0, isoEpoch(FIRST_PERIOD.start), expect.any(Number)],
      brightwave: [0, isoEpoch(FIRST_PERIOD.start), expect.any(Number)],
    });
    for (const id of ["acme-corp", "brightwave"]) {
      const [m] = await manifestsOf(id);
      expect(resultLines(run).get(id)!.slice(0, 2)).toEqual([id, "ok"]);
      // Nothing was written during the dump: the manifest says the data held until its end.
      expect(stampEpoch(m.body.quiet_through)).toBeGreaterThanOrEqual(stampEpoch(m.body.started_at));
      // The WAL written as read before the dump began, recorded in its manifest.
      expect(m.body.neon_written).toEqual({
        project: projectOf(id),
        bytes: 0,
        period_start: FIRST_PERIOD.start,
        read_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
      expect(isoEpoch(m.body.neon_written!.read_at)).toBeLessThanOrEqual(stampEpoch(m.body.started_at));
    }
    // The Neon key reached the activity step only: the plan step and the batch job never saw it.
    expect(run.plan.steps.map((s) => s.name)).toContain(ACTIVITY_STEP_NAME);
  });

  it("skips the idle tenant without connecting to it and dumps the active one, verified as before", async () => {
    const [idleBefore] = await manifestsOf("acme-corp");
    const activeBefore = await manifestsOf("brightwave");
    // acme-corp's compute was last active before its dump ended (the dump itself); brightwave's since.
    neon.projects.set(projectOf("acme-corp"), iso(stampEpoch(idleBefore.body.quiet_through) - ACTIVITY_SLACK_SECONDS - 5));
    neon.projects.set(projectOf("brightwave"), iso(Math.floor(Date.now() / 1000) + 600));
    writes("brightwave");
    // One 429 first: the job waits its Retry-After and carries on.
    neon.throttleNext = { count: 1, retryAfter: 1 };
    const callsBefore = neon.calls.length;
    await new Promise((r) => setTimeout(r, 1100)); // a new second for the new stamp
    const run = await backupNight(["acme-corp", "brightwave"], {
      neon: { url: neon.url, key: FAKE_ACTIVITY_KEY },
      secrets: { "acme-corp": trapped("acme-corp") },
    });
    expect(run.job.result, run.job.log).toBe("success");
    const calls = neon.calls.slice(callsBefore).filter((c) => c.path.startsWith("/projects?"));
    expect(calls.map((c) => c.status)).toEqual([429, 200, 200]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1000);
    expect(trap.connections()).toBe(0);
    const dumpKey = idleBefore.key.replace(MANIFEST_SUFFIX, ".dump");
    expect(run.job.log).toContain(`unchanged since ${dumpKey}`);
    expect(resultLines(run).get("acme-corp")).toEqual(["acme-corp", "unchanged", expect.stringMatching(/^\d+$/), dumpKey, "", "", ""]);
    expect(run.job.summary).toMatch(
      new RegExp(`\\| acme-corp \\| unchanged \\| \\d+ \\| unchanged since ${dumpKey.replace(/[.]/g, "\\.")}: not active since \\|`),
    );
    expect(run.job.summary).toContain("Left asleep: 1 of 2 tenant(s), 1 by Neon's last activity, 0 by its WAL written");
    expect(await manifestsOf("acme-corp")).toHaveLength(1);
    // The active tenant got a new dump, counted and checked as every night.
    const activeAfter = await manifestsOf("brightwave");
    expect(activeAfter).toHaveLength(activeBefore.length + 1);
    expect(resultLines(run).get("brightwave")!.slice(0, 2)).toEqual(["brightwave", "ok"]);
    expect(activeAfter.at(-1)!.body.tables).toEqual({ "public.customers": 1000, "public.orders": 3000, 'audit."Events"': 10 });

    // Control: the same trapped string on a night the tenant was active is connected to (and fails).
    neon.projects.set(projectOf("acme-corp"), iso(Math.floor(Date.now() / 1000) + 600));
    writes("acme-corp");
    const control = await backupNight(["acme-corp"], {
      neon: { url: neon.url, key: FAKE_ACTIVITY_KEY },
      secrets: { "acme-corp": trapped("acme-corp") },
    });
    expect(control.job.result).toBe("failure");
    expect(trap.connections()).toBeGreaterThan(0);
  });

  it("dumps an idle tenant whose newest dump is older than backupMaxSkipDays, and says so", async () => {
    // fresh-start's only dump is ten days old and nothing happened since.
    const old = Math.floor(Date.now() / 1000) - 10 * 86400;
    const stamp = iso(old).replace(/[-:]/g, "");
    const key = `${backupPrefix("fresh-start", 14)}${stamp}`;
    const bucket = world.bucketOf("fresh-start");
    await world.s3.plant(bucket, `${key}.dump`, "old dump");
    await world.s3.plant(
      bucket,
      `${key}${MANIFEST_SUFFIX}`,
      JSON.stringify({ format: 1, tenant: "fresh-start", key: `${key}.dump`, started_at: stamp, quiet_through: stamp }),
    );
    neon.projects.set(projectOf("fresh-start"), iso(old - 60));
    const run = await backupNight(["fresh-start"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(run.job.result, run.job.log).toBe("success");
    expect(run.job.log).toContain("fresh-start: no verified dump younger than backupMaxSkipDays (7) to compare with (the newest backup of fresh-start");
    expect(run.job.log).toMatch(/is 240 h \d+ min old; its schedule allows 168 h\): dumped/);
    expect(resultLines(run).get("fresh-start")!.slice(0, 2)).toEqual(["fresh-start", "ok"]);
  });

  it("dumps every tenant when Neon cannot be read, and when the stack has no key", async () => {
    neon.down = 503;
    const [idle] = await manifestsOf("acme-corp");
    neon.projects.set(projectOf("acme-corp"), iso(stampEpoch(idle.body.quiet_through) - 5));
    const down = await backupNight(["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    neon.down = undefined;
    expect(down.job.result, down.job.log).toBe("success");
    expect(down.plan.warnings).toContain("could not read Neon's project list (HTTP 503 after 5 tries): every tenant is dumped tonight");
    expect(down.entry.last_active).toBeUndefined();
    expect(resultLines(down).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "ok"]);

    const keyless = await backupNight(["acme-corp"], { neon: { url: neon.url } });
    expect(keyless.plan.log).toContain("no NEON_ACTIVITY_API_KEY: every tenant is dumped tonight");
    expect(resultLines(keyless).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "ok"]);
  });

  it("dumps a tenant active within the slack before its dump was known quiet (the safe direction)", async () => {
    const [idle] = (await manifestsOf("acme-corp")).slice(-1);
    neon.projects.set(projectOf("acme-corp"), iso(stampEpoch(idle.body.quiet_through) - 5));
    const run = await backupNight(["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(run.job.result, run.job.log).toBe("success");
    expect(run.job.log).toContain(`not ${ACTIVITY_SLACK_SECONDS} s before its newest dump`);
    expect(resultLines(run).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "ok"]);
  });

  it("does not trust a manifest's own dates or a manifest of another object: dumped, with a notice", async () => {
    const bucket = world.bucketOf("fresh-start");
    const now = Math.floor(Date.now() / 1000);
    const plant = async (at: number, body: (key: string, stamp: string) => Record<string, unknown>) => {
      const stamp = iso(at).replace(/[-:]/g, "");
      const key = `${backupPrefix("fresh-start", 14)}${stamp}`;
      await world.s3.plant(bucket, `${key}.dump`, "dump");
      await world.s3.plant(bucket, `${key}${MANIFEST_SUFFIX}`, JSON.stringify({ format: 1, ...body(`${key}.dump`, stamp) }));
      return `${key}.dump`;
    };
    const cases: [number, (key: string, stamp: string) => Record<string, unknown>, string][] = [
      // Dates in the future inside the manifest: the old check skipped it for ever.
      // (Stamps a little ahead: newer than the real dump each run takes, within CLOCK_SKEW_SECONDS.)
      [
        now + 30,
        (key) => ({ tenant: "fresh-start", key, started_at: "20991231T000000Z", quiet_through: "20991231T000000Z" }),
        "tenant, key or started_at differ",
      ],
      // started_at matches the key, quiet_through is later than S3 received the manifest.
      [now + 60, (key, stamp) => ({ tenant: "fresh-start", key, started_at: stamp, quiet_through: "20991231T000000Z" }), "quiet_through is not between"],
      // Another tenant's manifest copied under this tenant's prefix.
      [
        now + 90,
        (_key, stamp) => ({ tenant: "acme-corp", key: `${backupPrefix("acme-corp", 14)}${stamp}.dump`, started_at: stamp, quiet_through: stamp }),
        "tenant, key or started_at differ",
      ],
    ];
    for (const [at, body, why] of cases) {
      const key = await plant(at, body);
      neon.projects.set(projectOf("fresh-start"), iso(at - 100));
      const run = await backupNight(["fresh-start"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
      expect(run.job.result, run.job.log).toBe("success");
      expect(run.job.log).toContain(`fresh-start: the manifest of its newest dump ${key} is not trusted for the idle check (its ${why}`);
      expect(resultLines(run).get("fresh-start")!.slice(0, 2)).toEqual(["fresh-start", "ok"]);
    }
  });

  it("records quiet_through as the snapshot when a writer held a transaction id at the dump's snapshot", async () => {
    // T takes an xid before the dump, a later writer commits (xmax passes T), T commits only after the dump.
    const psql = spawn(
      path.join(world.tenantDb.bin, "psql"),
      ["-X", "-q", "-At", "-h", "127.0.0.1", "-p", String(world.tenantDb.port), "-U", "postgres", "-d", "app"],
      {
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    const xid = new Promise<string>((resolve) => psql.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())));
    psql.stdin.write(`begin; insert into audit."Events"(what) values ('in flight'); select txid_current();\n`);
    expect(await xid).toMatch(/^\d+$/);
    world.tenantDb.sql("app", `insert into audit."Events"(what) values ('committed after T took its xid')`);
    const before = (await manifestsOf("brightwave")).length;
    neon.projects.set(projectOf("brightwave"), iso(Math.floor(Date.now() / 1000) + 600));
    writes("brightwave");
    await new Promise((r) => setTimeout(r, 1100));
    const run = await backupNight(["brightwave"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    psql.stdin.end(`delete from audit."Events" where what = 'in flight'; commit;\n`);
    await new Promise((r) => psql.once("close", r));
    world.tenantDb.sql("app", `delete from audit."Events" where what = 'committed after T took its xid'`);
    expect(run.job.result, run.job.log).toBe("success");
    const after = await manifestsOf("brightwave");
    expect(after).toHaveLength(before + 1);
    const m = after.at(-1)!.body;
    expect(m.quiet_through).toBe(m.started_at);
    expect(stampEpoch(m.finished_at)).toBeGreaterThan(stampEpoch(m.started_at));
  });

  it("as in production (Neon saw the backup's own query after quiet_through): skips a tenant whose project wrote no WAL since, dumps one whose bytes moved or whose billing period changed", async () => {
    const [acme] = (await manifestsOf("acme-corp")).slice(-1);
    const [bright] = (await manifestsOf("brightwave")).slice(-1);
    expect(acme.body.neon_written).toBeDefined();
    // Neon's last activity lands just after each dump was known quiet: the last-activity rule proves nothing.
    neon.projects.set(projectOf("acme-corp"), iso(stampEpoch(acme.body.quiet_through) + 5));
    neon.projects.set(projectOf("brightwave"), iso(stampEpoch(bright.body.quiet_through) + 5));
    writes("brightwave", 16384);
    const connections = trap.connections();
    const brightBefore = (await manifestsOf("brightwave")).length;
    await new Promise((r) => setTimeout(r, 1100));
    const night = await backupNight(["acme-corp", "brightwave"], {
      neon: { url: neon.url, key: FAKE_ACTIVITY_KEY },
      secrets: { "acme-corp": trapped("acme-corp") },
    });
    expect(night.job.result, night.job.log).toBe("success");
    expect(night.plan.outputs.wal_rule).toBe("on");
    expect(night.plan.log).toMatch(
      new RegExp(`the WAL rule is on tonight: the fleet catalog's project ${catalog} wrote 2048 bytes of WAL since run \\d+ read`),
    );
    expect(trap.connections()).toBe(connections);
    const acmeKey = acme.key.replace(MANIFEST_SUFFIX, ".dump");
    expect(night.job.log).toContain(
      `unchanged since ${acmeKey} (taken 0 h ago): no WAL written since: its project's written_data_bytes is ${acme.body.neon_written!.bytes}`,
    );
    expect(resultLines(night).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "unchanged"]);
    expect(night.job.summary).toContain(`unchanged since ${acmeKey}: no WAL written since |`);
    expect(night.job.summary).toContain("Left asleep: 1 of 2 tenant(s), 0 by Neon's last activity, 1 by its WAL written");
    const moved = bright.body.neon_written!.bytes;
    expect(night.job.log).toContain(`its project wrote WAL since (${moved} bytes then, ${moved + 16384} now): dumped`);
    expect(resultLines(night).get("brightwave")!.slice(0, 2)).toEqual(["brightwave", "ok"]);
    const brightAfter = await manifestsOf("brightwave");
    expect(brightAfter).toHaveLength(brightBefore + 1);
    expect(brightAfter.at(-1)!.body.neon_written).toMatchObject({ bytes: moved + 16384, period_start: FIRST_PERIOD.start });

    // A write Neon has not metered yet (its lag) is not seen tonight: left asleep, as docs/backups.md says.
    // (Here 30 s, shorter than Neon's hour so that the older writes of this file stay metered.)
    neon.lagMs = 30_000;
    writes("acme-corp", 4096);
    const lagged = await backupNight(["acme-corp"], {
      neon: { url: neon.url, key: FAKE_ACTIVITY_KEY },
      secrets: { "acme-corp": trapped("acme-corp") },
    });
    expect(resultLines(lagged).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "unchanged"]);
    expect(trap.connections()).toBe(connections);
    // ... and the next night, once it is metered, the bytes differ from the recorded ones: dumped.
    neon.lagMs = 0;
    const metered = await backupNight(["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(metered.job.result, metered.job.log).toBe("success");
    expect(metered.job.log).toContain("its project wrote WAL since");
    expect(resultLines(metered).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "ok"]);

    // A new billing period resets the bytes: the equal-bytes proof no longer holds, dumped.
    const [acmeNow] = (await manifestsOf("acme-corp")).slice(-1);
    neon.projects.set(projectOf("acme-corp"), iso(stampEpoch(acmeNow.body.quiet_through) + 5));
    neon.newPeriod(projectOf("acme-corp"), "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z");
    neon.write(projectOf("acme-corp"), acmeNow.body.neon_written!.bytes, Date.now() - 1000);
    await new Promise((r) => setTimeout(r, 1100));
    const period = await backupNight(["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(period.job.result, period.job.log).toBe("success");
    expect(period.job.log).toContain(`Neon's billing period changed since (from ${FIRST_PERIOD.start} to 2027-01-01T00:00:00Z): dumped`);
    expect(resultLines(period).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "ok"]);
    expect((await manifestsOf("acme-corp")).at(-1)!.body.neon_written).toMatchObject({ period_start: "2027-01-01T00:00:00Z" });
  });

  it("compares WAL written only within the same Neon project: a dump's record of another project proves nothing", async () => {
    const bucket = world.bucketOf("fresh-start");
    const project = projectOf("fresh-start");
    const plant = async (at: number, recordedProject: string) => {
      const stamp = iso(at).replace(/[-:]/g, "");
      const key = `${backupPrefix("fresh-start", 14)}${stamp}`;
      const neonWritten = {
        project: recordedProject,
        bytes: neon.writtenNow(project),
        period_start: FIRST_PERIOD.start,
        read_at: iso(Math.floor(Date.now() / 1000) - 60),
      };
      await world.s3.plant(bucket, `${key}.dump`, "dump");
      await world.s3.plant(
        bucket,
        `${key}${MANIFEST_SUFFIX}`,
        JSON.stringify({ format: 1, tenant: "fresh-start", key: `${key}.dump`, started_at: stamp, quiet_through: stamp, neon_written: neonWritten }),
      );
      // Neon saw the compute after the dump was known quiet (the backup's own query, as in production).
      neon.projects.set(project, iso(at + 5));
      return `${key}.dump`;
    };
    const now = Math.floor(Date.now() / 1000);
    const same = await plant(now + 120, project);
    const skipped = await backupNight(["fresh-start"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(skipped.job.log).toContain(`unchanged since ${same} (taken 0 h ago): no WAL written since`);
    const other = await plant(now + 150, "other-0001");
    const dumped = await backupNight(["fresh-start"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(dumped.job.result, dumped.job.log).toBe("success");
    expect(dumped.job.log).toContain(`the WAL written its manifest records is of Neon project other-0001, the tenant's project is now ${project}: dumped`);
    expect(dumped.job.log).not.toContain(`unchanged since ${other}`);
    expect(resultLines(dumped).get("fresh-start")!.slice(0, 2)).toEqual(["fresh-start", "ok"]);
  });

  it("dumps a tenant whose project Neon cannot read one by one (404), and says how many", async () => {
    const project = projectOf("acme-corp");
    const [acme] = (await manifestsOf("acme-corp")).slice(-1);
    // Listed (its activity known, after quiet_through as in production), but its own read answers 404.
    neon.projects.set(project, iso(stampEpoch(acme.body.quiet_through) + 5));
    const hidden = neon.hideProject(project);
    try {
      const run = await backupNight(["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
      expect(run.job.result, run.job.log).toBe("success");
      expect(run.plan.warnings.join("\n")).toMatch(
        /the WAL written of \d+ project\(s\) is not known tonight, their tenants are dumped: [1-9]\d* not found \(404\)/,
      );
      expect(run.entry.neon_written).toBeUndefined();
      expect(run.job.log).toContain("its project's WAL written is not known tonight: dumped");
      expect(resultLines(run).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "ok"]);
      // Its manifest records nothing: the next night cannot skip it by the WAL rule.
      expect((await manifestsOf("acme-corp")).at(-1)!.body.neon_written).toBeUndefined();
    } finally {
      hidden();
    }
  });

  it("uses the WAL rule only on a night the fleet catalog's bytes grew since the previous run read them: a metric that stopped dumps the tenants it would have skipped", async () => {
    // A night whose record job wrote to the catalog (backupNight); acme-corp's newest dump (the 404 night's) records
    // no WAL written, so it is dumped, recording it.
    // (Active since: however long the runs before took, acme-corp is dumped tonight.)
    neon.projects.set(projectOf("acme-corp"), iso(Math.floor(Date.now() / 1000) + 600));
    const first = await backupNight(["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(first.plan.outputs.wal_rule).toBe("on");
    const [acme] = (await manifestsOf("acme-corp")).slice(-1);
    expect(acme.body.neon_written).toBeDefined();
    // As in production: Neon saw the backup's own query after quiet_through, so only the WAL rule can skip acme-corp.
    neon.projects.set(projectOf("acme-corp"), iso(stampEpoch(acme.body.quiet_through) + 5));
    const connections = trap.connections();
    await new Promise((r) => setTimeout(r, 1100));
    // A run after which nothing reached the catalog (its record job failed, or Neon stopped metering written data):
    // tonight the rule is still on (the first night's inserts were metered) and acme-corp sleeps ...
    const frozen = await world.runBatch("backup", ["acme-corp"], {
      neon: { url: neon.url, key: FAKE_ACTIVITY_KEY },
      secrets: { "acme-corp": trapped("acme-corp") },
    });
    expect(frozen.plan.outputs.wal_rule).toBe("on");
    expect(resultLines(frozen).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "unchanged"]);
    // ... so the next night's canary sees the same bytes: the rule is off, with a warning, and acme-corp is dumped.
    const off = await backupNight(["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(off.job.result, off.job.log).toBe("success");
    const bytes = neon.writtenNow(catalog) - 2048;
    const why = "the fleet catalog's written_data_bytes did not grow since run";
    expect(off.plan.outputs.wal_rule).toMatch(new RegExp(`^off: the fleet catalog's written_data_bytes did not grow since run \\d+ read ${bytes} bytes at `));
    expect(off.plan.warnings.join("\n")).toContain(why);
    expect(off.job.log).toContain("acme-corp: active at");
    expect(off.job.log).toContain(`; the WAL rule is off tonight (${why}`);
    expect(resultLines(off).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "ok"]);
    expect(off.job.summary).toContain(`The WAL rule was off tonight: ${why}`);
    expect(trap.connections()).toBe(connections);

    // Metering resumes (the catalog's bytes grow again) but a write acme-corp made meanwhile was never metered
    // (no backfill): its dump of the off night recorded bytes read while the metric stood still. The rule is on
    // again, yet that record is older than the chain of growing nights: not trusted, acme-corp is dumped.
    const [offDump] = (await manifestsOf("acme-corp")).slice(-1);
    neon.projects.set(projectOf("acme-corp"), iso(stampEpoch(offDump.body.quiet_through) + 5));
    await new Promise((r) => setTimeout(r, 1100));
    const back = await backupNight(["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
    expect(back.plan.outputs.wal_rule).toBe("on");
    const since = Number(back.plan.outputs.wal_alive_since);
    expect(since).toBeGreaterThanOrEqual(isoEpoch(offDump.body.neon_written!.read_at));
    expect(back.job.log).toContain("before Neon was last shown metering written data without a break");
    expect(resultLines(back).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "ok"]);
    // The next night the chain still starts there, and the dump taken since is trusted: acme-corp sleeps.
    const [backDump] = (await manifestsOf("acme-corp")).slice(-1);
    neon.projects.set(projectOf("acme-corp"), iso(stampEpoch(backDump.body.quiet_through) + 5));
    await new Promise((r) => setTimeout(r, 1100));
    const later = await backupNight(["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY }, secrets: { "acme-corp": trapped("acme-corp") } });
    expect(later.plan.outputs.wal_alive_since).toBe(String(since));
    expect(resultLines(later).get("acme-corp")!.slice(0, 2)).toEqual(["acme-corp", "unchanged"]);
    expect(trap.connections()).toBe(connections);
  });

  it("trusts only a canary kept by a scheduled run of the same file on main, not expired: a fork's pull request named main, a manual run at a tag called main or an expired artifact proves nothing", async () => {
    // Kept reads that would make tonight's bytes look grown (0 bytes, same project and period, a minute ago).
    const forged = (id: number, event: string, expired: boolean) => {
      const store = mkdtempSync(path.join(tmpdir(), "tf-forged-"));
      mkdirSync(path.join(store, CANARY_ARTIFACT));
      const read = { project: catalog, bytes: 0, period_start: isoEpoch(FIRST_PERIOD.start), read_at: Math.floor(Date.now() / 1000) - 60 };
      writeFileSync(path.join(store, CANARY_ARTIFACT, "canary.json"), JSON.stringify(read));
      const workflow = path.posix.basename(batchFor(world.repo, "backup", "acme-corp").path);
      return {
        id,
        workflow,
        event,
        head_branch: "main",
        status: "completed" as const,
        created_at: new Date().toISOString(),
        store,
        ...(expired ? { expired: new Set([CANARY_ARTIFACT]) } : {}),
      };
    };
    // A pull request from a fork whose branch is called main, a manual run at a tag called main (its
    // head_branch is main too), and a newer scheduled run whose canary expired.
    github.runs.push(forged(99_001, "pull_request", false), forged(99_003, "workflow_dispatch", false), forged(99_002, "schedule", true));
    try {
      // The genuine previous run read the catalog after everything written so far; nothing was written since.
      const genuine = await world.runBatch("backup", ["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
      const run = await world.runBatch("backup", ["acme-corp"], { neon: { url: neon.url, key: FAKE_ACTIVITY_KEY } });
      // The runs the suite ran, oldest first: the last is tonight's, the one before it the genuine previous run.
      const genuineId = github.runs.filter((r) => r.id < 99_000).at(-2)!.id;
      expect(genuine.plan.outputs.wal_rule).toBe("on");
      expect(run.plan.outputs.wal_rule).toMatch(new RegExp(`^off: the fleet catalog's written_data_bytes did not grow since run ${genuineId} read`));
      // The expired artifact was never downloaded; the fork's run was never looked at.
      const paths = github.calls.map((c) => c.path);
      expect(paths.some((p) => p.includes("/actions/runs/99001/") || p.includes("/actions/runs/99003/"))).toBe(false);
      expect(paths.some((p) => p.includes("/actions/artifacts/99002"))).toBe(false);
      expect(paths.some((p) => p.includes(`per_page=${CANARY_RUNS}`))).toBe(true);
    } finally {
      github.runs.splice(0, github.runs.length, ...github.runs.filter((r) => r.id < 99_000));
    }
  });
});
