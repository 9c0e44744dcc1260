/**
 * The rules of the workflow-runs stand-in (services/actionsRuns.ts), one test each, so the
 * canary's runtime test (idleTenants.test.ts) passes only against GitHub's documented behaviour.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGithub, type FakeGithub } from "./services/fakeApis";
import type { ActionsRun } from "./services/actionsRuns";

const REPOSITORY = "example-saas/app";
const TOKEN = "ghs_rules_token";
let github: FakeGithub;
const api = (p: string) => `${github.url}/repos/${REPOSITORY}${p}`;
const get = (p: string, init: RequestInit = {}) =>
  fetch(api(p), { redirect: "manual", ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });

function run(id: number, workflow: string, event: string, branch: string, artifacts: Record<string, string>, expired: string[] = []): ActionsRun {
  const store = mkdtempSync(path.join(tmpdir(), "tf-runs-"));
  for (const [name, text] of Object.entries(artifacts)) {
    mkdirSync(path.join(store, name));
    writeFileSync(path.join(store, name, "canary.json"), text);
  }
  return { id, workflow, event, head_branch: branch, status: "completed", created_at: new Date(id * 1000).toISOString(), store, expired: new Set(expired) };
}

beforeAll(async () => {
  github = await startFakeGithub(REPOSITORY, TOKEN);
  github.runs.push(
    run(1, "backup.yml", "schedule", "main", { canary: '{"n":1}' }),
    run(2, "backup.yml", "pull_request", "feature", { canary: '{"n":2}' }),
    run(3, "other.yml", "schedule", "main", { canary: '{"n":3}' }),
    run(4, "backup.yml", "workflow_dispatch", "main", { canary: '{"n":4}', results: "x" }, ["results"]),
  );
});
afterAll(async () => {
  await github?.stop();
});

describe("GitHub's workflow runs and artifacts, as the stand-in keeps them", () => {
  it("LIST_RUNS: a file's runs newest first, filtered by branch and event, bounded by per_page", async () => {
    const all = (await (await get("/actions/workflows/backup.yml/runs")).json()) as { workflow_runs: { id: number }[] };
    expect(all.workflow_runs.map((r) => r.id)).toEqual([4, 2, 1]);
    const main = (await (await get("/actions/workflows/backup.yml/runs?branch=main&per_page=1")).json()) as { workflow_runs: { id: number; path: string }[] };
    expect(main.workflow_runs).toEqual([expect.objectContaining({ id: 4, path: ".github/workflows/backup.yml" })]);
    const scheduled = (await (await get("/actions/workflows/backup.yml/runs?event=schedule")).json()) as { workflow_runs: { id: number }[] };
    expect(scheduled.workflow_runs.map((r) => r.id)).toEqual([1]);
  });

  it("RUN_ARTIFACTS: a run's artifacts with id, name and expired; `name` filters; an unknown run is 404", async () => {
    const listed = (await (await get("/actions/runs/4/artifacts")).json()) as { artifacts: { name: string; expired: boolean }[] };
    expect(listed.artifacts.map((a) => [a.name, a.expired])).toEqual([
      ["canary", false],
      ["results", true],
    ]);
    const named = (await (await get("/actions/runs/4/artifacts?name=canary")).json()) as { artifacts: { name: string }[] };
    expect(named.artifacts.map((a) => a.name)).toEqual(["canary"]);
    expect((await get("/actions/runs/77/artifacts")).status).toBe(404);
  });

  it("DOWNLOAD_REDIRECT: a download answers 302 to another host; an expired artifact is 410 Gone", async () => {
    const [canary, results] = ((await (await get("/actions/runs/4/artifacts")).json()) as { artifacts: { id: number }[] }).artifacts;
    const answer = await get(`/actions/artifacts/${canary.id}/zip`);
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get("location")!);
    expect(location.host).not.toBe(new URL(github.url).host);
    expect((await get(`/actions/artifacts/${results.id}/zip`)).status).toBe(410);
  });

  it("SIGNED_URL: the archive is served to the signed URL alone, and refused when a token comes along", async () => {
    const [canary] = ((await (await get("/actions/runs/1/artifacts")).json()) as { artifacts: { id: number }[] }).artifacts;
    const location = (await get(`/actions/artifacts/${canary.id}/zip`)).headers.get("location")!;
    expect((await fetch(location, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(400);
    const zip = Buffer.from(await (await fetch(location)).arrayBuffer());
    const dir = mkdtempSync(path.join(tmpdir(), "tf-zip-"));
    writeFileSync(path.join(dir, "a.zip"), zip);
    // The uploaded directory's files sit at the archive's root.
    expect(execFileSync("unzip", ["-p", path.join(dir, "a.zip"), "canary.json"]).toString()).toBe('{"n":1}');
    // curl, as wal-canary.sh calls it, follows the redirect without the token (another host), so the download works.
    // (Asynchronously: the stand-in answers from this process.)
    const out = path.join(dir, "curl.zip");
    await promisify(execFile)("curl", ["-fsS", "-L", "-H", `Authorization: Bearer ${TOKEN}`, "-o", out, api(`/actions/artifacts/${canary.id}/zip`)]);
    expect(readFileSync(out).equals(zip)).toBe(true);
  });
});
