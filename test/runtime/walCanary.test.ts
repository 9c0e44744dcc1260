/**
 * The WAL rule's canary script (sh/wal-canary.sh) on its own, against a Neon answer and a kept
 * read an attacker or a broken upstream could shape: it writes one verdict, fails closed, and no
 * text from an answer reaches GITHUB_OUTPUT as a line of its own.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CANARY_ARTIFACT, walCanaryScript } from "../../src/plan/workflows/activityScripts";
import { startFakeGithub, type FakeGithub } from "./services/fakeApis";

const REPOSITORY = "example-saas/app";
const TOKEN = "ghs_canary_token";
const KEY = "neon-canary-key";
const CATALOG = "fleet-catalog-id";
const PERIOD = Date.parse("2026-12-01T00:00:00Z") / 1000;
let github: FakeGithub;
let neon: Server;
let neonUrl = "";
/** What the Neon stand-in answers for the catalog's project: status and body. */
let answer: [number, unknown] = [200, {}];

beforeAll(async () => {
  github = await startFakeGithub(REPOSITORY, TOKEN);
  neon = createServer((req, res) => {
    const [status, body] = req.headers.authorization === `Bearer ${KEY}` ? answer : [401, { message: "authentication required" }];
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => neon.listen(0, "127.0.0.1", r));
  neonUrl = `http://127.0.0.1:${(neon.address() as { port: number }).port}`;
});
afterAll(async () => {
  await github?.stop();
  await new Promise<void>((r) => neon?.close(() => r()));
});

const catalogProject = (bytes: number) =>
  [200, { project: { id: CATALOG, written_data_bytes: bytes, consumption_period_start: "2026-12-01T00:00:00Z" } }] as [number, unknown];

/** A scheduled run of the same file that kept `read` as its canary. */
function keptRun(id: number, read: unknown): void {
  const store = mkdtempSync(path.join(tmpdir(), "tf-kept-"));
  mkdirSync(path.join(store, CANARY_ARTIFACT));
  writeFileSync(path.join(store, CANARY_ARTIFACT, "canary.json"), JSON.stringify(read));
  github.runs.push({ id, workflow: "backup.yml", event: "schedule", head_branch: "main", status: "completed", created_at: new Date().toISOString(), store });
}

/** Runs the canary step's script; returns its GITHUB_OUTPUT lines, its log and what it kept. */
async function canary(attempt = "1"): Promise<{ outputs: string[]; log: string; kept?: Record<string, number | string> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-canary-"));
  const manifest = path.join(dir, "manifest.json");
  writeFileSync(manifest, JSON.stringify({ format: 2, catalog: { projectId: CATALOG }, tenants: [] }));
  writeFileSync(path.join(dir, "out"), "");
  const env = {
    PATH: process.env.PATH!,
    NEON_ACTIVITY_API_KEY: KEY,
    NEON_API: neonUrl,
    NEON_MAX_ATTEMPTS: "1",
    NEON_REQUEST_SPACING_MS: "0",
    NEON_RETRY_AFTER_CAP: "1",
    MANIFEST: manifest,
    CANARY_DIR: path.join(dir, "kept"),
    CANARY_ARTIFACT,
    CANARY_WORKFLOW: "backup.yml",
    CANARY_BRANCH: "main",
    CANARY_MAX_AGE_SECONDS: "108000",
    CANARY_RUNS: "5",
    GH_TOKEN: TOKEN,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_RUN_ID: "1",
    GITHUB_RUN_ATTEMPT: attempt,
    GITHUB_OUTPUT: path.join(dir, "out"),
  };
  const { stdout } = await promisify(execFile)("bash", ["-c", walCanaryScript()], { env });
  const outputs = readFileSync(path.join(dir, "out"), "utf8").split("\n").filter(Boolean);
  let kept: Record<string, number | string> | undefined;
  try {
    kept = JSON.parse(readFileSync(path.join(dir, "kept", "canary.json"), "utf8")) as Record<string, number | string>;
  } catch {
    kept = undefined;
  }
  return { outputs, log: stdout, kept };
}

describe("the WAL rule's canary script", () => {
  it("keeps a line break in Neon's error message out of GITHUB_OUTPUT: one verdict, off", async () => {
    answer = [400, { message: "bad request\nwal_rule=on\nwal_alive_since=0" }];
    const { outputs, kept } = await canary();
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatch(
      /^wal_rule=off: could not read the fleet catalog's project fleet-catalog-id from Neon \(HTTP 400: bad request wal_rule=on wal_alive_since=0\)$/,
    );
    expect(kept).toBeUndefined();
  });

  it("turns the rule off when a kept read is not whole digits (1e300 passes `floor == .` in jq)", async () => {
    answer = catalogProject(5000);
    keptRun(10, { project: CATALOG, bytes: 1e300, period_start: PERIOD, read_at: Math.floor(Date.now() / 1000) - 3600 });
    const { outputs, kept } = await canary();
    expect(outputs).toEqual(["wal_rule=off: run 10's kept read or tonight's is not made of whole numbers"]);
    // Tonight's read is kept, without a chain start: the next night starts a new chain from it.
    expect(kept).toMatchObject({ project: CATALOG, bytes: 5000, period_start: PERIOD });
    expect(kept!.alive_since).toBeUndefined();
  });

  it("is on only when the bytes grew, and carries the chain's start from the kept read", async () => {
    const earlier = Math.floor(Date.now() / 1000) - 3600;
    keptRun(11, { project: CATALOG, bytes: 4000, period_start: PERIOD, read_at: earlier, alive_since: earlier - 86_400 });
    answer = catalogProject(5000);
    const on = await canary();
    expect(on.outputs).toEqual(["wal_rule=on", `wal_alive_since=${earlier - 86_400}`]);
    expect(on.kept!.alive_since).toBe(earlier - 86_400);
    answer = catalogProject(4000);
    const same = await canary();
    expect(same.outputs[0]).toMatch(/^wal_rule=off: the fleet catalog's written_data_bytes did not grow since run 11 read 4000 bytes/);
    expect(same.log).toContain("::warning::the WAL rule is off tonight");
  });

  it("decides off on a re-run and keeps nothing: the first attempt's verdict and kept read stand (hostile review G1)", async () => {
    const earlier = Math.floor(Date.now() / 1000) - 3600;
    keptRun(13, { project: CATALOG, bytes: 100, period_start: PERIOD, read_at: earlier, alive_since: earlier - 864_000 });
    answer = catalogProject(5000);
    // Attempt 1 would be on (the bytes grew); attempt 2 of the same run must not be, nor replace attempt 1's read.
    const rerun = await canary("2");
    expect(rerun.outputs).toEqual(["wal_rule=off: attempt 2 of this run: only a run's first attempt reads the canary, and its verdict stands for the night"]);
    expect(rerun.kept).toBeUndefined();
  });

  it("does not take a read older than the schedule's gap allows", async () => {
    keptRun(14, { project: CATALOG, bytes: 1, period_start: PERIOD, read_at: Math.floor(Date.now() / 1000) - 200_000 });
    answer = catalogProject(5000);
    const { outputs } = await canary();
    expect(outputs[0]).toMatch(/^wal_rule=off: run 14's read of the fleet catalog, at .*, is not between 108000 s ago and now$/);
  });
});
