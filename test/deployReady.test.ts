/**
 * deploy.yml's readiness report (src/operations/sh/deploy-ready.sh, docs/signup.md): the
 * tenants an update made ready, told to the application as commit statuses on the commits that
 * added them and a repository_dispatch to its repository. Run under bash as the up jobs run it,
 * in a git repository holding a copy of the project (the script runs its `npm run signup --
 * ready-*` steps), with stand-ins for the two tools it calls:
 * - `pulumi stack output --stack S --json NAME` prints the output as JSON, and fails with
 *   "current stack does not have output property" when the stack has none yet
 *   (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_output/);
 * - `gh api`: test/githubDeploysStandIn.mjs (workflow runs, commit statuses, dispatches; each
 *   rule cites GitHub's REST reference there).
 * GitHub's concurrency rule the range exists for: by default a concurrency group holds at most
 * one pending run, and a newly queued run cancels and replaces it
 * (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs):
 * two merges during a deploy leave one run for both (the F3a test's cancelled run).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectFiles, ROOT } from "./program";
import type { Workflow } from "./ciTrust";
import { DEPLOY_SCRIPTS } from "../src/operations/scripts";
import { READY_DISPATCH_EVENT, READY_DONE_PREFIX, READY_STATUS_PREFIX } from "../src/core/repositoryContract";
import { READY_MAX_COMMITS } from "../src/operations/readiness";

const deploy = parse(readFileSync(path.join(ROOT, ".github/workflows/deploy.yml"), "utf8")) as Workflow;
const SCRIPT = path.join(ROOT, "src/operations/sh", DEPLOY_SCRIPTS.ready);
const RUNS = "https://github.com/example-saas/tenant-fleet/actions/runs/";
const CONTEXT = `${READY_STATUS_PREFIX}/prod`;
const DONE = `${READY_DONE_PREFIX}/prod`;
const BOT = "github-actions[bot]";

type Outputs = Record<string, { credential: unknown }> | "missing" | "broken";
interface Status {
  sha: string;
  state: string;
  context: string;
  description: string;
  target_url: string;
  creator: { login: string };
  created_at: string;
}
interface World {
  runs: { id: number; head_sha: string; head_branch: string; event: string; status: string; conclusion: string | null; path: string; created_at: string }[];
  deployments: never[];
  statuses: Status[];
  dispatches: { repository: string; login: string; event_type: string; client_payload: Record<string, unknown> }[];
  tokens: Record<string, string>;
  fail?: boolean;
  failOn?: string;
}

const cred = { credential: { scope: "environment" } };
const has = (...ids: string[]) => Object.fromEntries(ids.map((id) => [id, cred]));
const entry = (id: string) => `\n  - id: ${id}\n    name: ${id}\n    region: aws-eu-central-1\n    residency: EU\n    status: active\n`;

/** A copy of the project in its own git repository: main's history, tenants appended by commits. */
function repository() {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-ready-repo-"));
  for (const f of projectFiles()) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  writeFileSync(path.join(dir, ".git/info/exclude"), "node_modules\n");
  git("add", "-A");
  git("commit", "-qm", "the project");
  const commit = (message: string, ...ids: string[]) => {
    git("checkout", "-q", "main");
    if (ids.length > 0) appendFileSync(path.join(dir, "tenants/tenants.yaml"), ids.map(entry).join(""));
    else writeFileSync(path.join(dir, "README-note.md"), `${message}\n`);
    git("add", "-A");
    git("commit", "-q", "--allow-empty", "-m", message);
    return git("rev-parse", "HEAD");
  };
  return { dir, git, commit, root: git("rev-parse", "HEAD") };
}

/**
 * A runner of one up job's ready steps at `head` as run `runId` of deploy.yml (a push on main,
 * in progress: GitHub knows the run while its jobs run): pulumi answers `outputs` (before, then
 * after), gh is the stand-in over `world`.
 */
function runner(repo: ReturnType<typeof repository>, world: Partial<World>, runId = 4242) {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-ready-"));
  mkdirSync(path.join(dir, "bin"));
  writeFileSync(
    path.join(dir, "bin/pulumi"),
    [
      "#!/usr/bin/env bash",
      'if [ "$1" = login ]; then exit 0; fi',
      `state="$(cat "${dir}/outputs")"`,
      'if [ "${state}" = missing ]; then echo "error: current stack does not have output property \'databasesByTenant\'" >&2; exit 255; fi',
      'if [ "${state}" = broken ]; then echo "error: failed to load checkpoint: access denied" >&2; exit 255; fi',
      'printf "%s\\n" "${state}"',
    ].join("\n"),
    { mode: 0o755 },
  );
  writeFileSync(path.join(dir, "bin/gh"), `#!/bin/sh\nexec node ${JSON.stringify(path.join(ROOT, "test/githubDeploysStandIn.mjs"))} "$@"\n`, { mode: 0o755 });
  const worldFile = path.join(dir, "world.json");
  writeFileSync(
    worldFile,
    JSON.stringify({ runs: [], deployments: [], statuses: [], dispatches: [], tokens: { "github-token": BOT, "app-token": "tenant-fleet[bot]" }, ...world }),
  );
  const step = (job: string, id: string) => deploy.jobs[job].steps.find((s) => s.id === id)!;
  const run = (head: string, mode: "before" | "after", outputs: Outputs) => {
    repo.git("checkout", "-q", "--detach", head);
    const current = { ...deployRun(head, null), id: runId, status: "in_progress" };
    const now = state();
    writeFileSync(worldFile, JSON.stringify({ ...now, runs: [...now.runs.filter((x) => x.id !== runId), current] }));
    writeFileSync(path.join(dir, "outputs"), typeof outputs === "string" ? outputs : JSON.stringify(outputs));
    const env = (mode === "before" ? step("up-prod", "before").env! : step("up-prod", "ready").env!) as Record<string, string>;
    const r = spawnSync("bash", ["--noprofile", "--norc", SCRIPT, mode], {
      cwd: repo.dir,
      encoding: "utf8",
      env: {
        PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
        HOME: process.env.HOME ?? dir,
        STACK: "prod",
        PULUMI_BACKEND_URL: "",
        RECORD: path.join(dir, "tenants-before.json"),
        STATUS_PREFIX: env.STATUS_PREFIX ?? "",
        DISPATCH_EVENT: env.DISPATCH_EVENT ?? "",
        WORKFLOW_FILE: env.WORKFLOW_FILE ?? "",
        BRANCH: env.BRANCH ?? "",
        APP_REPOSITORY: "example-saas/app",
        GH_TOKEN: "github-token",
        APP_TOKEN: "app-token",
        GH_WORLD: worldFile,
        GITHUB_REPOSITORY: "example-saas/tenant-fleet",
        GITHUB_SHA: head,
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_RUN_ID: String(runId),
      },
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  /** One up job: before, pulumi up (the outputs switch), after. */
  const up = (head: string, before: Outputs, after: Outputs) => {
    run(head, "before", before);
    return run(head, "after", after);
  };
  const state = () => JSON.parse(readFileSync(worldFile, "utf8")) as World;
  /** The ready statuses (or, with `context` DONE, the markers) this run posted: commit → the descriptions, oldest first. */
  const posted = (context = CONTEXT) => {
    const out: Record<string, string[]> = {};
    for (const s of state().statuses.filter((x) => x.context === context && x.creator.login === BOT && x.target_url === `${RUNS}${runId}`))
      (out[s.sha] ??= []).push(s.description);
    return out;
  };
  const calls = () => readFileSync(`${worldFile}.log`, "utf8");
  return { run, up, state, posted, calls };
}

let clock = 0;
const at = () => new Date(Date.UTC(2026, 11, 1) + (clock += 60_000)).toISOString();
let runId = 100;
/** A run of deploy.yml on main, started by a push: success, or a cancelled/failed one. */
const deployRun = (sha: string, conclusion: string | null = "success") => ({
  id: runId++,
  head_sha: sha,
  head_branch: "main",
  event: "push",
  status: "completed",
  conclusion,
  path: ".github/workflows/deploy.yml",
  created_at: at(),
});
const readyStatus = (sha: string, description: string, over: Partial<Status> = {}): Status => ({
  sha,
  state: "success",
  context: CONTEXT,
  description,
  target_url: `${RUNS}77`,
  creator: { login: BOT },
  created_at: at(),
  ...over,
});

/** The marker a run's completed ready step leaves on its own commit. */
const doneMarker = (run: { id: number; head_sha: string }, over: Partial<Status> = {}) =>
  readyStatus(run.head_sha, "the ready step completed", { context: DONE, target_url: `${RUNS}${run.id}`, ...over });

describe("deploy.yml's readiness steps", () => {
  it("record the tenants before pulumi up and report after the catalog sync, in both up jobs, with the declared names", () => {
    for (const job of ["up-dev", "up-prod"]) {
      const steps = deploy.jobs[job].steps;
      const index = (test: (s: (typeof steps)[number]) => boolean) => steps.findIndex(test);
      const up = index((s) => !!s.uses?.startsWith("pulumi/actions@"));
      expect(
        index((s) => s.id === "before"),
        job,
      ).toBe(up - 1);
      expect(
        index((s) => s.id === "ready"),
        job,
      ).toBe(steps.length - 1);
      expect(steps.at(-1)!.run!.trim()).toBe(`bash src/operations/sh/${DEPLOY_SCRIPTS.ready} after`);
      expect(steps[up - 1].run!.trim()).toBe(`bash src/operations/sh/${DEPLOY_SCRIPTS.ready} before`);
      expect(steps.at(-1)!.env).toMatchObject({
        STATUS_PREFIX: READY_STATUS_PREFIX,
        DISPATCH_EVENT: READY_DISPATCH_EVENT,
        GH_TOKEN: "${{ github.token }}",
        APP_TOKEN: "${{ steps.app.outputs.token }}",
        APP_REPOSITORY: "${{ matrix.githubOwner }}/${{ matrix.githubRepository }}",
      });
      expect(steps.at(-1)!.env!.RECORD).toBe(steps[up - 1].env!.RECORD);
      // The range's bound: the same runs the fast path trusts (deploy.yml on main).
      const finder = deploy.jobs["fast-path"].steps.find((s) => s.id === "deployed")!.env!;
      expect(steps.at(-1)!.env).toMatchObject({ WORKFLOW_FILE: finder.WORKFLOW_FILE, BRANCH: finder.BRANCH });
      // The status needs statuses: write, the bound actions: read, in the up jobs only; the range needs main's history.
      expect(deploy.jobs[job].permissions, job).toMatchObject({ statuses: "write", actions: "read" });
      expect(steps.find((s) => s.uses?.startsWith("actions/checkout@"))!.with, job).toMatchObject({ "fetch-depth": 0 });
    }
    for (const job of ["stacks", "test", "fast-path"]) expect(deploy.jobs[job].permissions!.statuses, job).toBeUndefined();
  });
});

describe("deploy-ready.sh", () => {
  const repo = repository();

  it("announces the tenants the update created: a status on the commit that added them, a dispatch with the App's token", () => {
    const head = repo.commit("signup: beta-works, zeta-labs", "zeta-labs", "beta-works");
    const r = runner(repo, { runs: [deployRun(repo.root)] });
    const out = r.up(head, has("acme-corp"), { ...has("acme-corp", "zeta-labs", "beta-works"), "old-mill": { credential: null } });
    expect(out).toContain(`${CONTEXT} on ${head}: ready: beta-works, zeta-labs`);
    expect(r.posted()).toEqual({ [head]: ["ready: beta-works, zeta-labs"] });
    const status = r.state().statuses[0];
    expect(status).toMatchObject({ state: "success", target_url: `${RUNS}4242`, creator: { login: BOT } });
    expect(r.state().dispatches).toEqual([
      {
        repository: "example-saas/app",
        login: "tenant-fleet[bot]",
        event_type: READY_DISPATCH_EVENT,
        client_payload: {
          stack: "prod",
          tenants: ["beta-works", "zeta-labs"],
          sha: head,
          repository: "example-saas/tenant-fleet",
          run: `${RUNS}4242`,
          commits: [{ sha: head, tenants: ["beta-works", "zeta-labs"] }],
        },
      },
    ]);
  }, 60_000);

  it("F3a: a deploy that covers two merges (the earlier pending run was cancelled) posts on each merge commit the tenants it added", () => {
    const deployed = repo.commit("a code change, deployed");
    const first = repo.commit("signup: first-co", "first-co");
    const second = repo.commit("signup: second-co", "second-co");
    // The run of `first` was pending while another deploy ran and was cancelled when `second`'s queued.
    const last = deployRun(deployed);
    const r = runner(repo, { runs: [last, deployRun(first, "cancelled")], statuses: [doneMarker(last)] });
    const out = r.up(second, has("acme-corp"), has("acme-corp", "first-co", "second-co"));
    // The old step posted both on `second` only: the application polling `first` never heard.
    expect(r.posted()).toEqual({ [first]: ["ready: first-co"], [second]: ["ready: second-co"] });
    expect(out).toContain(`commits that changed the tenants file since ${deployed}: 2`);
    expect(r.state().dispatches[0].client_payload).toMatchObject({
      tenants: ["first-co", "second-co"],
      sha: second,
      commits: [
        { sha: first, tenants: ["first-co"] },
        { sha: second, tenants: ["second-co"] },
      ],
    });
  }, 60_000);

  it("F3b: a tenant whose ready step never ran (the run failed after pulumi up) is announced by the next run, on its own commit; one announced is not again", () => {
    const deployed = repo.commit("deployed");
    const lost = repo.commit("signup: lost-co", "lost-co");
    const next = repo.commit("signup: next-co", "next-co");
    const announced = repo.commit("signup: told-co", "told-co");
    const r = runner(repo, {
      // Run 77 at `announced` posted told-co's status, then failed (another shard).
      runs: [deployRun(deployed), deployRun(lost, "failure"), deployRun(next, "cancelled"), { ...deployRun(announced, "failure"), id: 77 }],
      // told-co was announced by a run whose job failed later (another shard): the record says so.
      statuses: [readyStatus(announced, "ready: told-co")],
    });
    // lost-co and told-co exist already: the update creates next-co only.
    const out = r.up(announced, has("lost-co", "told-co"), has("lost-co", "next-co", "told-co"));
    expect(r.posted()).toEqual({ [lost]: ["ready: lost-co"], [next]: ["ready: next-co"] });
    expect(out).not.toContain(`${CONTEXT} on ${announced}`);
    expect(r.state().dispatches[0].client_payload.tenants).toEqual(["lost-co", "next-co"]);
    // A second run over the same range finds every tenant announced and says nothing.
    expect(r.up(announced, has("lost-co", "next-co", "told-co"), has("lost-co", "next-co", "told-co"))).toContain(
      "the update created no tenant, and every tenant the range added is announced",
    );
    expect(r.state().dispatches).toHaveLength(1);
  }, 90_000);

  it("trusts as a record only success statuses of the context that the workflow token posted with a run of this repository as target", () => {
    const deployed = repo.commit("deployed");
    const head = repo.commit("signup: forged-co", "forged-co");
    const r = runner(repo, {
      // Run 77 is a deploy run of head: only the other properties of the statuses disqualify them.
      runs: [deployRun(deployed), { ...deployRun(head, "failure"), id: 77 }],
      statuses: [
        readyStatus(head, "ready: forged-co", { creator: { login: "mallory" } }),
        readyStatus(head, "ready: forged-co", { target_url: "https://example.com/actions/runs/1" }),
        readyStatus(head, "ready: forged-co", { state: "pending" }),
        readyStatus(head, "ready: forged-co", { context: `${READY_STATUS_PREFIX}/dev` }),
      ],
    });
    r.up(head, has(), has("forged-co"));
    expect(r.posted()[head]).toEqual(["ready: forged-co"]);
  }, 60_000);

  it("announces nothing before the last successful deploy, and a tenant the update created that no commit of the range added on the deployed commit", () => {
    const old = repo.commit("signup long ago: never-told", "never-told");
    const deployed = repo.commit("deployed");
    const head = repo.commit("a code change");
    const last = deployRun(deployed);
    const r = runner(repo, { runs: [deployRun(old), last], statuses: [doneMarker(last)] });
    // reborn-co reappears (a reactivation: its entry was never added in the range); never-told is outside it.
    r.up(head, has("never-told"), has("never-told", "reborn-co"));
    expect(r.posted()).toEqual({ [head]: ["ready: reborn-co"] });
  }, 60_000);

  it("names every tenant in statuses of at most 140 characters each", () => {
    const deployed = repo.commit("deployed");
    const ids = Array.from({ length: 30 }, (_, i) => `tenant-number-${String(i).padStart(2, "0")}`);
    const head = repo.commit("a bulk import", ...ids);
    const r = runner(repo, { runs: [deployRun(deployed)] });
    r.up(head, has(), has(...ids));
    const descriptions = r.posted()[head];
    expect(descriptions.length).toBeGreaterThan(1);
    for (const d of descriptions) expect([...d].length).toBeLessThanOrEqual(140);
    expect(descriptions.flatMap((d) => d.slice("ready: ".length).split(", "))).toEqual(ids);
    expect(r.state().dispatches[0].client_payload.tenants).toHaveLength(30);
  }, 60_000);

  it(`examines at most ${READY_MAX_COMMITS} commits of the range; a tenant created past it is announced on the deployed commit`, () => {
    const deployed = repo.commit("deployed");
    const early = repo.commit("signup: early-co", "early-co");
    const later = Array.from({ length: READY_MAX_COMMITS }, (_, i) => repo.commit(`signup ${i}`, `later-${i}`));
    const r = runner(repo, { runs: [deployRun(deployed)] });
    const out = r.up(later.at(-1)!, has(), has("early-co", ...later.map((_, i) => `later-${i}`)));
    expect(out).toContain("::warning::1 older commits of the range are not examined");
    expect(r.posted()[early]).toBeUndefined();
    expect(r.posted()[later.at(-1)!]).toEqual([`ready: early-co, later-${READY_MAX_COMMITS - 1}`]);
  }, 120_000);

  it("says nothing when the update created no tenant and none is owed (a change, a retirement)", () => {
    const deployed = repo.commit("deployed");
    const head = repo.commit("a change");
    const r = runner(repo, { runs: [deployRun(deployed)] });
    expect(r.up(head, has("acme-corp", "old-mill"), { ...has("acme-corp"), "old-mill": { credential: null } })).toContain("the update created no tenant");
    // Only the marker: the step completed.
    expect(r.state().statuses.map((x) => [x.context, x.sha])).toEqual([[DONE, head]]);
    expect(r.state().dispatches).toEqual([]);
  }, 60_000);

  it("counts every tenant of a stack deployed for the first time; without a record from before, still announces what the range added", () => {
    const deployed = repo.commit("deployed");
    const head = repo.commit("signup: fresh-co", "fresh-co");
    const first = runner(repo, { runs: [deployRun(deployed)] });
    first.up(head, "missing", has("fresh-co", "acme-corp"));
    // acme-corp is older than the range: created by this update, announced on the deployed commit with fresh-co.
    expect(first.posted()).toEqual({ [head]: ["ready: acme-corp, fresh-co"] });
    const unknown = runner(repo, { runs: [deployRun(deployed)] });
    expect(unknown.run(head, "before", "broken")).toContain("::warning::the tenants before the update could not be read");
    expect(unknown.run(head, "after", has("fresh-co", "acme-corp"))).toContain("::warning::no record of the tenants before the update");
    expect(unknown.posted()).toEqual({ [head]: ["ready: fresh-co"] });
  }, 60_000);

  it("never fails the deploy: a refused status, unreadable runs or statuses are warnings, and the dispatch still goes", () => {
    const deployed = repo.commit("deployed");
    const head = repo.commit("signup: late-co", "late-co");
    const refused = runner(repo, { runs: [deployRun(deployed)], failOn: "--method POST repos/example-saas/tenant-fleet/statuses" });
    const out = refused.up(head, has(), has("late-co"));
    expect(out).toContain(`::warning::the commit status ${CONTEXT} could not be posted on ${head} (ready: late-co)`);
    expect(out).toContain(`${READY_DISPATCH_EVENT} sent to example-saas/app`);
    const blind = runner(repo, { runs: [deployRun(deployed)], failOn: "/statuses?" });
    expect(blind.up(head, has(), has("late-co"))).toContain(`::warning::the statuses of ${head} could not be read: its tenants are announced again`);
    expect(blind.posted()).toEqual({ [head]: ["ready: late-co"] });
    // Without the runs, this commit alone: an older unannounced tenant (fresh-co of the test before) waits for the next run.
    const noRuns = runner(repo, { runs: [deployRun(deployed)], failOn: "/runs?" });
    expect(noRuns.up(head, has("fresh-co"), has("late-co", "fresh-co"))).toContain(`::warning::the deploy runs could not be listed: only ${head} is examined`);
    expect(noRuns.posted()).toEqual({ [head]: ["ready: late-co"] });
  }, 120_000);
});

describe("deploy-ready.sh trusts only records a deploy run of main wrote", () => {
  const repo = repository();

  it("G4: a ready status counts only when its run is a push run of deploy.yml on main at a commit of main's first-parent chain", () => {
    const deployed = repo.commit("deployed");
    const head = repo.commit("signup: quiet-co", "quiet-co");
    // A commit off main (a tag called main points at it; its deploy.yml was edited).
    repo.git("checkout", "-q", "--detach", head);
    repo.git("commit", "-q", "--allow-empty", "-m", "an edited deploy.yml");
    const side = repo.git("rev-parse", "HEAD");
    repo.git("checkout", "-q", "main");
    const last = deployRun(deployed);
    const forgers = [
      { ...deployRun(head), id: 9001, event: "pull_request", head_branch: "signup-quiet-co" },
      { ...deployRun(head), id: 9002, path: ".github/workflows/ci.yml" },
      { ...deployRun(side), id: 9003 },
      { ...deployRun(head), id: 9004, head_branch: "feature" },
    ];
    const forged = (id: number) => readyStatus(head, "ready: quiet-co", { target_url: `${RUNS}${id}` });
    const r = runner(repo, {
      runs: [last, ...forgers],
      // 9999 is no run at all (404); 9001 posted twice: looked up once.
      statuses: [doneMarker(last), ...[9001, 9001, 9002, 9003, 9004, 9999].map(forged)],
    });
    const out = r.up(head, has(), has("quiet-co"));
    // The old step took these for an announcement: no status, no dispatch.
    expect(r.posted()).toEqual({ [head]: ["ready: quiet-co"] });
    expect(r.state().dispatches.map((d) => d.client_payload.tenants)).toEqual([["quiet-co"]]);
    expect(out).toContain("::warning::run 9999 is no run of this repository (404)");
    // A settled answer (404) does not keep the step from completing: its marker is posted.
    expect(r.posted(DONE)).toEqual({ [head]: ["the ready step completed"] });
    const lookups = r
      .calls()
      .split("\n")
      .filter((l) => /\tgh api repos\/\S+\/actions\/runs\/\d+$/.test(l));
    expect(lookups.map((l) => l.split("/").at(-1)).sort()).toEqual([String(last.id), "9001", "9002", "9003", "9004", "9999"].sort());
  }, 90_000);

  it("G10: a ready step that failed softly leaves no marker, so the next run's range still holds its commit and announces its tenant", () => {
    const deployed = repo.commit("deployed");
    const h1 = repo.commit("signup: lost2-co", "lost2-co");
    const h2 = repo.commit("a code change");
    const last = deployRun(deployed);
    // Run 501 at h1: pulumi up created lost2-co, then reading the outputs failed (a transient backend error). The step exits 0.
    const first = runner(repo, { runs: [last], statuses: [doneMarker(last)] }, 501);
    first.run(h1, "before", has());
    expect(first.run(h1, "after", "broken")).toContain("no readiness reported");
    expect(first.posted(DONE)).toEqual({});
    // Its run concluded success; a pull request's run forged a marker on h1.
    const soft = { ...deployRun(h1), id: 501 };
    const pr = { ...deployRun(h1), id: 9005, event: "pull_request", head_branch: "x" };
    const second = runner(repo, { runs: [last, soft, pr], statuses: [doneMarker(last), doneMarker(pr)] }, 502);
    const out = second.up(h2, has("lost2-co"), has("lost2-co"));
    expect(out).toContain(`commits that changed the tenants file since ${deployed}: 1`);
    expect(second.posted()).toEqual({ [h1]: ["ready: lost2-co"] });
    expect(second.state().dispatches.map((d) => d.client_payload.tenants)).toEqual([["lost2-co"]]);
    // This step completed: its marker, on its own commit, bounds the next run.
    expect(second.posted(DONE)).toEqual({ [h2]: ["the ready step completed"] });
    const third = runner(repo, { runs: [last, soft, { ...deployRun(h2), id: 502 }], statuses: second.state().statuses }, 503);
    const h3 = repo.commit("another change");
    expect(third.up(h3, has("lost2-co"), has("lost2-co"))).toContain(`since ${h2}: 0`);
    expect(third.state().dispatches).toEqual([]);
  }, 120_000);

  it("G10: without a verified marker on the newest deploys, the range reaches back to the oldest of them; a refused status or dispatch leaves no marker", () => {
    const older = repo.commit("deployed long ago");
    const h1 = repo.commit("signup: quiet2-co", "quiet2-co");
    const h2 = repo.commit("a code change");
    // Both deploys succeeded; neither left a marker (a step before markers, or one that failed softly).
    const r = runner(repo, { runs: [deployRun(older), deployRun(h1)] });
    expect(r.up(h2, has("quiet2-co"), has("quiet2-co"))).toContain(`since ${older}: 1\nno verified ${DONE} on the 10 newest deployed commits`);
    expect(r.posted()).toEqual({ [h1]: ["ready: quiet2-co"] });
    const refused = runner(repo, { runs: [deployRun(older)], failOn: `dispatches` });
    expect(refused.up(h2, has(), has("quiet2-co"))).toContain(`no ${DONE} on ${h2}`);
    expect(refused.posted(DONE)).toEqual({});
  }, 120_000);
});
