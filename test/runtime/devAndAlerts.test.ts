/**
 * The dev/test workflows (preview branch per pull request, cleanup) against a Neon API
 * stand-in that fails the ways Neon can, and the alert job of the scheduled workflows
 * against a GitHub API stand-in: the generated scripts run unchanged under bash.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { runJob, runWorkflow, type RunContext } from "./actions";
import { repositoryOf, type Repository } from "./fleet";
import { startFakeGithub, startFakeNeon, type FakeGithub, type FakeNeon } from "./services/fakeApis";
import { runnerSetup, type RunnerSetup } from "./substitutions";
import { DEV_PROJECT_VARIABLE, previewBranchName } from "../../src/plan/workflows/dev";
import { FAILED_TENANTS_TITLE } from "../../src/plan/workflows/batchScripts";
import { FIXTURE_TENANTS } from "./harness";

const REPOSITORY = "example-saas/app";
const NEON_KEY = "napi_dev_test";
const GITHUB_TOKEN = "ghs_alert_job_token";

describe("the dev/test preview branch and cleanup", () => {
  let dev: Repository;
  let neon: FakeNeon;
  let runner: RunnerSetup;
  const preview = () => [...dev.workflows].find(([p]) => p.endsWith("tenant-fleet-dev-preview-branch.yml"))![1];
  const cleanup = () => [...dev.workflows].find(([p]) => p.endsWith("tenant-fleet-dev-branch-cleanup.yml"))![1];
  const context = (action: string, pr = 7, ref = "refs/pull/7/merge"): RunContext => ({
    repository: REPOSITORY,
    ref,
    vars: dev.vars,
    secrets: { NEON_API_KEY: NEON_KEY },
    runnerEnv: runner.env,
    github: { event: { action, pull_request: { number: pr, head: { repo: { full_name: REPOSITORY } } } }, head_ref: "feature/Better-Search" },
  });
  const run = (workflow: string, job: string, ctx: RunContext) => runJob(workflow, job, undefined, ctx, runner.substitutions({ neonApi: neon.url }));
  const name = previewBranchName(7, "feature/Better-Search");

  beforeAll(async () => {
    dev = await repositoryOf("dev", ["devNeonApiKey=napi_offline"]);
    neon = await startFakeNeon(dev.vars[DEV_PROJECT_VARIABLE]);
    runner = runnerSetup({}, { instantSleep: true });
  });
  afterAll(async () => neon?.stop());

  it("creates the branch once when Neon answers 500 after committing, instead of retrying the POST into a second branch", async () => {
    neon.branches.clear();
    neon.failNextCreate = { status: 500, committed: true };
    const r = await run(preview(), "branch", context("opened"));
    expect(r.result, r.log).toBe("success");
    expect([...neon.branches.values()].map((b) => b.name)).toEqual([name]);
    expect(neon.calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(r.log).toContain(`Neon answered 500 to the create, but branch ${name} exists`);
    expect(r.steps[0].outputs.branch_id).toBe([...neon.branches.keys()][0]);
  });

  it("sends the create again only when Neon refused it and nothing was created", async () => {
    neon.branches.clear();
    neon.calls.length = 0;
    neon.failNextCreate = { status: 503, committed: false };
    const r = await run(preview(), "branch", context("synchronize"));
    expect(r.result, r.log).toBe("success");
    expect(neon.calls.filter((c) => c.method === "POST")).toHaveLength(2);
    expect(neon.branches.size).toBe(1);
  });

  it("fails the job when the branch never becomes ready, instead of handing it to the tests", async () => {
    neon.branches.clear();
    neon.pollsUntilReady = Infinity;
    try {
      const r = await run(preview(), "branch", context("opened"));
      expect(r.result).toBe("failure");
      expect(r.errors).toEqual([expect.stringMatching(new RegExp(`^Neon branch ${name} \\(br-fake-\\d+\\) is still init after 120 s`))]);
      expect(r.steps[0].outputs.branch_id).toBeUndefined();
    } finally {
      neon.pollsUntilReady = 1;
    }
  });

  it("deletes a closed pull request's branch, and is green when it is already gone", async () => {
    neon.branches.clear();
    expect((await run(preview(), "branch", context("opened"))).result).toBe("success");
    const closed = await run(preview(), "delete", context("closed"));
    expect(closed.result, closed.log).toBe("success");
    expect(neon.branches.size).toBe(0);
    expect((await run(preview(), "delete", context("closed"))).log).toContain(`no Neon branch ${name}`);
  });

  it("installs the pull request's dependencies in a job without the key; the test job fetches the string first, then unpacks that install and runs", async () => {
    // A setup command that leaves a mark and records what it could see; a preview command that checks both.
    const setup = "mkdir -p node_modules && echo installed > node_modules/marker && env > install-env.txt";
    const check =
      'grep -qx installed node_modules/marker && ! grep -q NEON_API_KEY install-env.txt && ! env | grep -q NEON_API_KEY && test -n "$DATABASE_URL" && echo preview-ran';
    const custom = await repositoryOf("dev", ["devNeonApiKey=napi_offline", `devSetupCommand=${setup}`, `devPreviewCommand=${check}`]);
    const workflow = [...custom.workflows].find(([p]) => p.endsWith("tenant-fleet-dev-preview-branch.yml"))![1];
    const artifacts = `${runner.env.HOME}/dev-artifacts-${Date.now()}`;
    const substitutions = runner.substitutions({ neonApi: neon.url, artifacts });
    const ctx = { ...context("synchronize"), vars: custom.vars };
    const install = await runJob(workflow, "install", undefined, ctx, substitutions);
    expect(install.result, install.log).toBe("success");
    expect(install.log).not.toContain(NEON_KEY);
    const test = await runJob(
      workflow,
      "test",
      undefined,
      { ...ctx, needs: { branch: { result: "success", outputs: { branch_id: "br-pr-7" } }, install: { result: "success" } } },
      substitutions,
    );
    expect(test.result, test.log).toBe("success");
    expect(test.steps.map((s) => s.name)).toEqual([
      "Connection string of the branch (the only step with the Neon API key)",
      "The installed workspace",
      "Unpack it",
      "Run with DATABASE_URL of the branch",
    ]);
    expect(test.log).toContain("preview-ran");
    expect(test.log).not.toContain(NEON_KEY);
    // The key asked Neon for this pull request's branch, in the job's first step (the order above).
    expect(neon.calls.filter((c) => c.path.includes("/connection_uri")).at(-1)!.path).toContain("branch_id=br-pr-7");
  });

  it("cleanup goes on past a branch deleted under it (404) and deletes the rest", async () => {
    neon.branches.clear();
    const old = new Date(Date.now() - 10 * 24 * 3_600_000).toISOString();
    for (const [id, n] of [
      ["br-a", "preview/pr-1-a"],
      ["br-b", "preview/pr-2-b"],
      ["br-c", "preview/pr-3-c"],
    ])
      neon.branches.set(id, { id, name: n, created_at: old, current_state: "ready", pollsUntilReady: 0 });
    neon.branches.set("br-main", { id: "br-main", name: "main", created_at: old, current_state: "ready", pollsUntilReady: 0 });
    // The closed pull request's job deletes br-a between the listing and cleanup's DELETE.
    const original = neon.branches.get.bind(neon.branches);
    let raced = false;
    neon.branches.get = (id: string) => {
      if (id === "br-a" && !raced) {
        raced = true;
        neon.branches.delete("br-a");
      }
      return original(id);
    };
    try {
      const r = await runJob(cleanup(), "cleanup", undefined, { ...context("schedule"), ref: "refs/heads/main" }, runner.substitutions({ neonApi: neon.url }));
      expect(r.result, r.log).toBe("success");
      expect(r.log).toContain("preview/pr-1-a was already gone");
      expect(r.log).toContain("2 preview branch(es) deleted");
      expect([...neon.branches.keys()]).toEqual(["br-main"]);
    } finally {
      neon.branches.get = original;
    }
  });
});

describe("the alert job of a scheduled workflow", () => {
  let prod: Repository;
  let github: FakeGithub;
  let runner: RunnerSetup;
  const backupFile = () => [...prod.workflows].find(([p]) => p.includes("-backup-"))!;
  const alert = (result: string, artifacts = fs.mkdtempSync(join(os.tmpdir(), "tf-artifacts-"))) =>
    runJob(
      backupFile()[1],
      "alert",
      undefined,
      {
        repository: REPOSITORY,
        ref: "refs/heads/main",
        vars: prod.vars,
        secrets: { GITHUB_TOKEN },
        needs: { plan: { result: "success" }, backup: { result } },
        runId: String(1000 + github.calls.length),
        workflowName: "tenant-fleet backups (17 3 * * *)",
        runnerEnv: runner.env,
      },
      runner.substitutions({ artifacts }),
    );

  beforeAll(async () => {
    prod = await repositoryOf("prod", ["secretScope=repository", `tenantsFile=${FIXTURE_TENANTS}`, 'alertAssignees=["oncall-dba"]']);
    github = await startFakeGithub(REPOSITORY, GITHUB_TOKEN);
    runner = runnerSetup({ githubApi: github.url });
  });
  afterAll(async () => github?.stop());

  it("opens one issue naming the failed tenants and linking the run, comments while it stays red, closes it when green", async () => {
    github.jobs = [
      { name: "backup acme-corp", conclusion: "success", html_url: "https://github.com/example-saas/app/actions/runs/1/job/1" },
      { name: "backup brightwave", conclusion: "failure", html_url: "https://github.com/example-saas/app/actions/runs/1/job/2" },
      { name: "backup fresh-start", conclusion: "cancelled", html_url: "https://github.com/example-saas/app/actions/runs/1/job/3" },
      { name: "tell people", conclusion: null, html_url: "https://github.com/example-saas/app/actions/runs/1/job/4" },
    ];
    const first = await alert("failure");
    expect(first.result).toBe("failure");
    expect(github.issues, first.log).toHaveLength(1);
    const issue = github.issues[0];
    expect(issue).toMatchObject({
      title: "tenant-fleet: tenant-fleet backups (17 3 * * *) is failing",
      state: "open",
      labels: ["tenant-fleet-alert"],
      assignees: ["oncall-dba"],
    });
    expect(issue.body).toContain("failed for 2 tenant(s)");
    expect(issue.body).toContain("- brightwave: failure (https://github.com/example-saas/app/actions/runs/1/job/2)");
    expect(issue.body).toContain("- fresh-start: cancelled");
    expect(issue.body).not.toContain("acme-corp");
    expect(issue.body).toMatch(/\[Run \d+\]\(https:\/\/github\.com\/example-saas\/app\/actions\/runs\/\d+\)/);

    const second = await alert("failure");
    expect(second.result).toBe("failure");
    expect(github.issues).toHaveLength(1);
    expect(issue.comments).toHaveLength(1);

    github.jobs = github.jobs.map((j) => ({ ...j, conclusion: j.name.startsWith("backup ") ? "success" : null }));
    const green = await alert("success");
    expect(green.result, green.log).toBe("success");
    expect(issue.state).toBe("closed");
    expect(issue.comments.at(-1)).toContain("every tenant succeeded");
    // The next failure opens a new issue rather than reopening history.
    github.jobs[1] = { ...github.jobs[1], conclusion: "failure" };
    await alert("failure");
    expect(github.issues.map((i) => i.state)).toEqual(["closed", "open"]);
  });

  it("names the failed tenants of a batch job from its annotation, and a batch that failed without one by its key", async () => {
    github.issues.length = 0;
    github.jobs = [
      {
        name: "backup eu-central-1-pg17-1",
        conclusion: "failure",
        html_url: "https://github.com/x/1",
        check_run_url: `${github.url}/repos/${REPOSITORY}/check-runs/901`,
      },
      {
        name: "backup eu-west-2-pg17-1",
        conclusion: "success",
        html_url: "https://github.com/x/2",
        check_run_url: `${github.url}/repos/${REPOSITORY}/check-runs/902`,
      },
      {
        name: "backup us-east-2-pg16-1",
        conclusion: "cancelled",
        html_url: "https://github.com/x/3",
        check_run_url: `${github.url}/repos/${REPOSITORY}/check-runs/903`,
      },
    ];
    github.annotations = {
      "901": [
        { title: "", message: "brightwave's database has no tables", annotation_level: "failure" },
        { title: FAILED_TENANTS_TITLE, message: "brightwave fresh-start", annotation_level: "failure" },
      ],
    };
    const r = await alert("failure");
    expect(r.result).toBe("failure");
    const body = github.issues[0].body;
    expect(body).toContain("failed for 3 tenant(s)");
    expect(body).toContain("- brightwave: failed in eu-central-1-pg17-1 (https://github.com/x/1)");
    expect(body).toContain("- fresh-start: failed in eu-central-1-pg17-1 (https://github.com/x/1)");
    expect(body).toContain("- us-east-2-pg16-1: cancelled (https://github.com/x/3)");
    expect(body).not.toContain("eu-west-2");
    github.annotations = {};
  });

  it("names all 12 failed tenants of one batch, though GitHub keeps only 10 error annotations of its step", async () => {
    // Twelve tenants in one batch (the default batch is 50), every secret missing: each tenant's log has its own error.
    const ids = Array.from({ length: 12 }, (_, i) => `shop-${String(i + 1).padStart(2, "0")}`);
    const fixture = join(fs.mkdtempSync(join(os.tmpdir(), "tf-twelve-")), "tenants.yaml");
    fs.writeFileSync(
      fixture,
      [
        "version: 1",
        "defaults:",
        "  pgVersion: 17",
        "tenants:",
        ...ids.flatMap((id) => [`  - id: ${id}`, `    name: Shop ${id.slice(5)}`, "    region: aws-eu-central-1", "    residency: EU", "    status: active"]),
      ].join("\n") + "\n",
    );
    const twelve = await repositoryOf("prod", ["secretScope=repository", `tenantsFile=${fixture}`, "migrationsSetupCommand=", "migrationsCommand=true"]);
    const migrations = [...twelve.workflows].find(([p]) => p.endsWith("-migrations.yml"))![1];
    const artifacts = fs.mkdtempSync(join(os.tmpdir(), "tf-artifacts-"));
    const ctx = {
      repository: REPOSITORY,
      ref: "refs/heads/main",
      vars: twelve.vars,
      secrets: { GITHUB_TOKEN },
      runId: "3012",
      workflowName: "tenant-fleet migrations",
      runnerEnv: runner.env,
    };
    const run = await runWorkflow(migrations, ctx, runner.substitutions({ files: twelve.files, artifacts }), { skip: ["alert"] });
    const batch = run.jobs["migrate-w3"].runs[0];
    expect(batch.result).toBe("failure");
    // What GitHub shows of the step: its first 10 errors, the list of failed tenants first among them.
    expect(batch.annotations.filter((a) => a.level === "error")).toHaveLength(10);
    expect(batch.annotations[0]).toMatchObject({ level: "error", title: FAILED_TENANTS_TITLE, message: ids.join(" ") });
    expect(batch.summary).toContain(`Failed (12): ${ids.join(" ")}`);

    github.issues.length = 0;
    github.jobs = [
      {
        name: "migrate general-eu-central-1-pg17-1",
        conclusion: "failure",
        html_url: "https://github.com/x/12",
        check_run_url: `${github.url}/repos/${REPOSITORY}/check-runs/912`,
      },
    ];
    // The check run's annotations are the ones the runner kept, as GitHub's API would list them.
    github.annotations = {
      "912": batch.annotations.map((a) => ({ title: a.title ?? "", message: a.message, annotation_level: a.level === "error" ? "failure" : a.level })),
    };
    // The migrations workflow's own alert job, after this run's jobs.
    const needs = Object.fromEntries(Object.entries(run.jobs).map(([id, j]) => [id, { result: j.result }]));
    const alertOf = (store: string) => runJob(migrations, "alert", undefined, { ...ctx, needs }, runner.substitutions({ artifacts: store }));
    const fromAnnotation = await alertOf(fs.mkdtempSync(join(os.tmpdir(), "tf-artifacts-")));
    expect(fromAnnotation.result).toBe("failure");
    expect(github.issues[0].body).toContain("failed for 12 tenant(s)");
    for (const id of ids) expect(github.issues[0].body).toContain(`- ${id}: failed in general-eu-central-1-pg17-1 (https://github.com/x/12)`);

    // Without any annotation, the result lines the batch kept name them all the same.
    github.issues.length = 0;
    github.annotations = {};
    await alertOf(artifacts);
    expect(github.issues[0].body).toContain("failed for 12 tenant(s)");
    for (const id of ids) expect(github.issues[0].body).toContain(`- ${id}: failed in general-eu-central-1-pg17-1`);
  });

  it("keeps the issue under GitHub's 65,536 characters when thousands of tenants fail, saying how many more there are", async () => {
    // One batch whose 2,000 tenants all failed, as its result lines say (the run's artifact).
    const artifacts = fs.mkdtempSync(join(os.tmpdir(), "tf-artifacts-"));
    fs.mkdirSync(join(artifacts, "tenant-fleet-results-eu-central-1-pg17-1"));
    const ids = Array.from({ length: 2000 }, (_, i) => `tenant-${String(i + 1).padStart(4, "0")}`);
    fs.writeFileSync(join(artifacts, "tenant-fleet-results-eu-central-1-pg17-1", "eu-central-1-pg17-1.tsv"), ids.map((id) => `${id}\tfailed\t3\n`).join(""));
    github.issues.length = 0;
    github.jobs = [{ name: "backup eu-central-1-pg17-1", conclusion: "failure", html_url: "https://github.com/x/1" }];
    const r = await alert("failure", artifacts);
    expect(r.result).toBe("failure");
    const body = github.issues[0].body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain("failed for 2000 tenant(s)");
    expect(body).toContain("- tenant-0001: failed in eu-central-1-pg17-1 (https://github.com/x/1)");
    const listed = body.split("\n").filter((l) => /^- tenant-\d+: failed/.test(l)).length;
    expect(body).toContain(`- and ${2000 - listed} more: each is in its batch job summary and result lines of the run`);
  });

  it("reads every page of a run's jobs (256 tenants), and reports a run that failed before any tenant job", async () => {
    github.issues.length = 0;
    github.jobs = Array.from({ length: 256 }, (_, i) => ({
      name: `backup t-${i}`,
      conclusion: i === 250 ? "failure" : "success",
      html_url: `https://github.com/x/${i}`,
    }));
    await alert("failure");
    expect(github.issues[0].body).toContain("- t-250: failure");
    expect(
      github.calls
        .filter((c) => c.path.includes("/jobs?"))
        .map((c) => new URL(c.path, "http://x").searchParams.get("page"))
        .slice(-3),
    ).toEqual(["1", "2", "3"]);
    github.issues.length = 0;
    github.jobs = [];
    await alert("failure");
    expect(github.issues[0].body).toContain("- the run itself: failure");
  });
});
