/**
 * Issue 36's first "Done when": a signup request taken through `tenant add`, the pull request,
 * the automatic merge and a deploy, against stand-ins, to a database that accepts connections;
 * and a second request that changes an existing tenant waits for a person.
 *
 * GitHub's side is test/runtime/services/githubRepo.ts (a bare repository holding a copy of this
 * project, pull requests, reviews, statuses, runs, auto-merge and the ruleset); the workflows are
 * this repository's own (.github/workflows/tenant-signup.yml, tenant-diff.yml, deploy.yml), run by
 * the suite's job runner (test/runtime/actions.ts) with only the stand-ins of
 * test/runtime/substitutions.ts (15-18: gh, the checkout, App tokens, `pulumi up`). The test plays
 * GitHub's scheduler: each event the stand-in queues (a pull request opened, a push to main)
 * starts the workflow GitHub would start. The tenant's database is created in the suite's
 * PostgreSQL by the `pulumi up` stand-in from the program's own outputs.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob, runWorkflow, type JobResult, type RunContext, type WorkflowRun } from "./actions";
import { startGithubRepo, gitIn, type GithubRepo } from "./services/githubRepo";
import { startPostgres, type PgCluster } from "./services/postgres";
import { runnerSetup, type GithubRepository, type RunnerSetup } from "./substitutions";
import { recordTiming } from "./timings";
import { ROOT, runProgram } from "../program";

const REPOSITORY = "example-saas/tenant-fleet";
const WORKFLOWS = path.join(ROOT, ".github/workflows");
const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), "utf8");
const TOKENS = {
  run: "ghs_run_token_github_actions",
  signup: "ghs_signup_app_installation",
  approver: "ghs_approver_app_installation",
  person: "ghp_a_maintainer",
  reviewer: "ghp_another_maintainer",
};
const APPS: Record<string, { token: string; slug: string }> = {
  Iv23signup: { token: TOKENS.signup, slug: "tenant-fleet-signup" },
  Iv23approver: { token: TOKENS.approver, slug: "tenant-fleet-approver" },
  Iv23deploy: { token: "ghs_deploy_app", slug: "tenant-fleet" },
};
const VARS = {
  TENANT_FLEET_SIGNUP_APP_CLIENT_ID: "Iv23signup",
  TENANT_FLEET_APPROVER_APP_CLIENT_ID: "Iv23approver",
  TENANT_FLEET_APP_CLIENT_ID: "Iv23deploy",
  TENANT_FLEET_DEPLOY_ROLE_ARN: "arn:aws:iam::123456789012:role/tenant-fleet-deploy",
};
const SECRETS = {
  GITHUB_TOKEN: TOKENS.run,
  TENANT_FLEET_SIGNUP_APP_PRIVATE_KEY: "pem-signup",
  TENANT_FLEET_APPROVER_APP_PRIVATE_KEY: "pem-approver",
  TENANT_FLEET_APP_PRIVATE_KEY: "pem-deploy",
  PULUMI_ACCESS_TOKEN: "pul-test",
  PULUMI_CONFIG_PASSPHRASE: "pass",
  NEON_API_KEY: "napi_test",
};
/** GitHub's environments of this repository (docs/signup.md "Setting it up", README "Credentials"). */
const ENVIRONMENTS = {
  "tenant-signup": { requiredReviewers: false },
  dev: { requiredReviewers: false },
  prod: { requiredReviewers: true },
  // The fast path's environment (docs/deploying.md): main only, no reviewers.
  "prod-additions": { requiredReviewers: false },
};

/** "GitHub's repository": this project's tracked files as one commit on main, as a fleet of its own has them (no `example: true`). */
function githubRepository(): string {
  const at = mkdtempSync(path.join(tmpdir(), "tf-signup-github-"));
  const work = path.join(at, "work");
  mkdirSync(work);
  for (const f of execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean)) {
    mkdirSync(path.dirname(path.join(work, f)), { recursive: true });
    cpSync(path.join(ROOT, f), path.join(work, f));
  }
  const tenants = path.join(work, "tenants/tenants.yaml");
  writeFileSync(tenants, readFileSync(tenants, "utf8").replace(/^# The sample fleet:.*\nexample: true\n/m, ""));
  const id = { GIT_AUTHOR_NAME: "a-maintainer", GIT_AUTHOR_EMAIL: "m@example.com", GIT_COMMITTER_NAME: "a-maintainer", GIT_COMMITTER_EMAIL: "m@example.com" };
  gitIn(work, ["init", "--quiet", "--initial-branch=main"]);
  gitIn(work, ["add", "-A"]);
  gitIn(work, ["commit", "--quiet", "-m", "the fleet"], id);
  const bare = path.join(at, "github.git");
  gitIn(at, ["clone", "--quiet", "--bare", work, bare]);
  rmSync(work, { recursive: true, force: true });
  return bare;
}

interface Signup {
  readonly action: string;
  readonly stack: string;
  readonly tenant: string;
  readonly name: string;
  readonly region: string;
  readonly residency: string;
  readonly request: string;
}

describe("a signup request, end to end", () => {
  let github: GithubRepo;
  let runner: RunnerSetup;
  let tenantDb: PgCluster;
  /** Tenant → the connection string the deploy stored. */
  const connections = new Map<string, string>();
  const pulumiState = mkdtempSync(path.join(tmpdir(), "tf-signup-pulumi-state-"));

  /** GitHub's record of a deploy.yml run on main: the run, and a deployment per job that named an environment (DEPLOYMENTS). */
  function recordDeploy(sha: string, jobs: Record<string, { result: string; environment?: string }>): void {
    github.recordRun({
      workflow: "deploy.yml",
      event: "push",
      head_sha: sha,
      head_branch: "main",
      path: ".github/workflows/deploy.yml",
      conclusion: Object.values(jobs).some((j) => j.result === "failure") ? "failure" : "success",
      jobs: Object.fromEntries(Object.entries(jobs).map(([name, j]) => [name, j.result])),
      artifacts: {},
    });
    for (const j of Object.values(jobs)) if (j.environment) github.recordDeployment(sha, j.environment, j.result === "success" ? "success" : "failure");
  }

  beforeAll(async () => {
    const bare = githubRepository();
    github = await startGithubRepo({
      repository: REPOSITORY,
      git: bare,
      tokens: {
        [TOKENS.run]: "github-actions[bot]",
        [TOKENS.signup]: "tenant-fleet-signup[bot]",
        [TOKENS.approver]: "tenant-fleet-approver[bot]",
        [TOKENS.person]: "a-maintainer",
        [TOKENS.reviewer]: "another-maintainer",
        // The deploy's App, installed on the application's repository (its readiness dispatch).
        [APPS.Iv23deploy.token]: "tenant-fleet[bot]",
      },
      writers: ["tenant-fleet-approver[bot]", "a-maintainer", "another-maintainer"],
      requiredChecks: ["tenant diff (dev)", "tenant diff (prod)"],
    });
    runner = runnerSetup({ githubApi: github.url });
    tenantDb = await startPostgres("signup");
    tenantDb.sql("postgres", "create role app_owner login");
    // The fleet as deployed before any signup: its databases, the stack's outputs, GitHub's record of that deploy.
    const initial = github.sha("main");
    const checkout = mkdtempSync(path.join(tmpdir(), "tf-signup-deployed-"));
    gitIn(checkout, ["clone", "--quiet", bare, "."]);
    const up = await repositoryAt(initial).pulumiUp!(checkout, "prod");
    writeFileSync(path.join(pulumiState, "prod.json"), JSON.stringify(up.outputs));
    recordDeploy(initial, { "pulumi up (prod)": { result: "success", environment: "prod" } });
  }, 300_000);
  afterAll(async () => {
    await github?.stop();
    tenantDb?.stop();
  });

  const repositoryAt = (sha: string): GithubRepository => ({
    bare: github.git,
    sha,
    pulumiState,
    app: (clientId) => APPS[clientId],
    // The update: the program under Pulumi's mock runtime with the checkout's tenants file; each tenant's database made where its string points.
    pulumiUp: async (workspace, stack) => {
      const run = await runProgram(stack, [`tenantsFile=${path.join(workspace, "tenants/tenants.yaml")}`]);
      const created: string[] = [];
      for (const [id, { host }] of Object.entries(run.outputs.databasesByTenant as Record<string, { host: string }>)) {
        const database = id.replace(/-/g, "_");
        if (!connections.has(id)) {
          tenantDb.sql("postgres", `create database ${database} owner app_owner`);
          created.push(id);
        }
        connections.set(id, tenantDb.url(database, "app_owner", host));
      }
      return { output: `created: ${created.join(", ") || "(none)"}\n`, outputs: JSON.parse(JSON.stringify(run.outputs)) as Record<string, unknown> };
    },
  });

  const context = (sha: string, github: Record<string, unknown>): Omit<RunContext, "needs" | "run"> => ({
    repository: REPOSITORY,
    ref: "refs/heads/main",
    vars: VARS,
    secrets: SECRETS,
    runnerEnv: runner.env,
    ownWorkspace: true,
    github: { sha, ...github },
  });

  /** The request: repository_dispatch's signup job (the approve job runs later, after the diff). */
  async function request(payload: Signup): Promise<JobResult> {
    const sha = github.sha("main");
    const ctx = { ...context(sha, { event_name: "repository_dispatch", event: { action: "tenant-signup", client_payload: payload } }), needs: {} };
    return runJob(read("tenant-signup.yml"), "signup", undefined, ctx, runner.substitutions({ github: repositoryAt(sha) }));
  }

  /** GitHub starts tenant-diff.yml for a pull request's latest event (its concurrency group cancels the earlier ones). */
  async function tenantDiff(number: number): Promise<WorkflowRun> {
    const pending = github.events.filter((e) => e.pull === number);
    for (const e of pending) github.events.splice(github.events.indexOf(e), 1);
    const pull = github.pulls.find((p) => p.number === number)!;
    const base = github.sha(pull.base);
    const artifacts = mkdtempSync(path.join(tmpdir(), "tf-signup-artifacts-"));
    const event = { number, pull_request: { number, head: { sha: pull.headSha, ref: pull.branch } } };
    const run = await runWorkflow(
      read("tenant-diff.yml"),
      context(base, { event_name: "pull_request_target", event }),
      runner.substitutions({ github: repositoryAt(base), artifacts }),
      { skip: ["comment-tenant-diff"] },
    );
    const jobs: Record<string, string> = {};
    for (const job of Object.values(run.jobs)) for (const r of job.runs.length ? job.runs : []) jobs[r.settings.name] = r.result;
    const failed = Object.values(run.jobs).some((j) => j.result === "failure");
    const names = execFileSync("ls", [artifacts], { encoding: "utf8" }).split("\n").filter(Boolean);
    github.recordRun({
      workflow: "tenant-diff.yml",
      event: "pull_request_target",
      head_sha: pull.headSha,
      head_branch: pull.branch,
      path: ".github/workflows/tenant-diff.yml",
      conclusion: failed ? "failure" : "success",
      jobs,
      artifacts: Object.fromEntries(names.map((n) => [n, path.join(artifacts, n)])),
    });
    return run;
  }

  /** The signup run's approve job, given the signup job's outputs. */
  async function approve(signup: JobResult, payload: Signup): Promise<JobResult> {
    const sha = github.sha("main");
    const ctx = {
      ...context(sha, { event_name: "repository_dispatch", event: { action: "tenant-signup", client_payload: payload } }),
      needs: { signup: { result: signup.result, outputs: signup.outputs } },
    };
    return runJob(read("tenant-signup.yml"), "approve", undefined, ctx, runner.substitutions({ github: repositoryAt(sha) }));
  }

  /** GitHub starts deploy.yml for a push to main; `waits` records each job that waited for an environment's reviewers. */
  async function deploy(waits: { job: string; environment: string }[]): Promise<WorkflowRun> {
    const push = github.events.find((e) => e.workflow === "deploy.yml")!;
    github.events.splice(github.events.indexOf(push), 1);
    const run = await runWorkflow(
      read("deploy.yml"),
      context(push.after!, { event_name: "push", event: { before: push.before, after: push.after } }),
      runner.substitutions({
        github: repositoryAt(push.after!),
        credentialsFor: () => ({ AWS_ACCESS_KEY_ID: "AKIADEPLOY", AWS_SECRET_ACCESS_KEY: "deploy-secret" }),
      }),
      {
        environments: {
          protection: ENVIRONMENTS,
          // A person approves at once: the wait is a person's, not the machine's.
          review: (job, environment) => {
            waits.push({ job, environment });
            return Promise.resolve(true);
          },
        },
      },
    );
    recordDeploy(push.after!, Object.fromEntries(Object.entries(run.jobs).map(([id, j]) => [id, { result: j.result, environment: j.environment }])));
    return run;
  }

  const failedLogs = (run: WorkflowRun) =>
    Object.entries(run.jobs)
      .filter(([, j]) => j.result === "failure")
      .map(([id, j]) => `${id}: ${j.error ?? ""}\n${j.runs.map((r) => r.log).join("\n")}`)
      .join("\n");

  it("a new tenant: tenant add, the pull request, the base's verdict, the approval, auto-merge, the deploy, a connection", async () => {
    const payload: Signup = {
      action: "add",
      stack: "prod",
      tenant: "zeta-labs",
      name: "Zeta Labs",
      region: "aws-eu-central-1",
      residency: "EU",
      request: "signup-8812",
    };
    const at: Record<string, number> = { request: Date.now() };
    const signup = await request(payload);
    expect(signup.result, signup.log).toBe("success");
    const pull = github.pulls.at(-1)!;
    expect(pull).toMatchObject({ branch: "signup/prod/zeta-labs", author: "tenant-fleet-signup[bot]", labels: ["tenant-signup"], state: "open" });
    expect(pull.autoMerge).toEqual({ method: "SQUASH", expectedHeadOid: pull.headSha });
    expect(gitIn(github.git, ["diff", "--name-only", "main", pull.headSha])).toBe("tenants/tenants.yaml");
    at.pullRequest = Date.now();

    const diff = await tenantDiff(pull.number);
    expect(diff.jobs["tenant-diff"].result, failedLogs(diff)).toBe("success");
    at.verdict = Date.now();

    const approval = await approve(signup, payload);
    expect(approval.result, approval.log).toBe("success");
    expect(github.statuses.at(-1), JSON.stringify(github.statuses)).toMatchObject({
      sha: pull.headSha,
      state: "success",
      context: "tenant-fleet/auto-merge-eligible",
    });
    expect(pull.reviews).toEqual([expect.objectContaining({ user: "tenant-fleet-approver[bot]", state: "APPROVED", commit_id: pull.headSha })]);
    expect(pull.merged, JSON.stringify(pull)).toBeDefined();
    // The approval's submission (auto-merge merged at once, inside the approve job) and the merge.
    at.approval = pull.reviews[0].submittedAt;
    at.merge = pull.merged!.at;
    expect(github.sha("main")).toBe(pull.merged!.sha);

    const waits: { job: string; environment: string }[] = [];
    const deployed = await deploy(waits);
    expect(deployed.jobs["up-prod"].result, failedLogs(deployed)).toBe("success");
    // The fast path: the deployed commit's checker found tenants added and nothing else, so prod-additions, no reviewer.
    expect(deployed.jobs["fast-path"].runs[0]?.outputs, failedLogs(deployed)).toMatchObject({ fast: "true", added: "zeta-labs" });
    expect(deployed.jobs["up-prod"].environment).toBe("prod-additions");
    expect(waits).toEqual([]);
    at.deploy = Date.now();
    // The application learns it is ready: the commit status and the repository_dispatch to its repository,
    // over the commits since the deploy GitHub's runs record (the merge commit), with nothing read or posted in vain.
    const ready = deployed.jobs["up-prod"].runs[0]!;
    expect(ready.log).toMatch(/commits that changed the tenants file since [0-9a-f]{40}: 1\n/);
    expect(ready.warnings.filter((w) => /could not|not examined|no status/.test(w))).toEqual([]);
    expect(github.statuses).toContainEqual(
      expect.objectContaining({
        sha: pull.merged!.sha,
        context: "tenant-fleet/ready/prod",
        state: "success",
        description: "ready: zeta-labs",
        creator: "github-actions[bot]",
      }),
    );
    expect(github.dispatches).toContainEqual(
      expect.objectContaining({
        repository: "example-saas/app",
        event_type: "tenant-fleet-ready",
        client_payload: expect.objectContaining({ tenants: ["zeta-labs"], commits: [{ sha: pull.merged!.sha, tenants: ["zeta-labs"] }] }),
      }),
    );

    // A client (libpq's psql, which honours the string's hostaddr) connects with the string the deploy stored.
    const connected = execFileSync(path.join(tenantDb.bin, "psql"), ["-X", "-At", connections.get("zeta-labs")!, "-c", "select current_database()"], {
      encoding: "utf8",
    });
    expect(connected.trim()).toBe("zeta_labs");
    at.connected = Date.now();

    const steps: [string, number][] = [
      ["request → pull request", at.pullRequest - at.request],
      ["pull request → verdict", at.verdict - at.pullRequest],
      ["verdict → approval", at.approval - at.verdict],
      ["approval → merge", at.merge - at.approval],
      ["merge → deploy done", at.deploy - at.merge],
      ["deploy → accepts connections", at.connected - at.deploy],
      ["total", at.connected - at.request],
    ];
    console.log(
      `signup: request to a database that accepts connections (wall clock, s)\n${steps.map(([s, ms]) => `  ${s.padEnd(30)} ${(ms / 1000).toFixed(2)}`).join("\n")}`,
    );
    recordTiming("signup", Object.fromEntries(steps.map(([s, ms]) => [s, ms / 1000])));
    const order = ["request", "pullRequest", "verdict", "approval", "merge", "deploy", "connected"].map((k) => at[k]);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  }, 900_000);

  it("a request whose pull request then changes an existing tenant gets no approval, a failed status with the reason, and waits for a person", async () => {
    const payload: Signup = {
      action: "add",
      stack: "prod",
      tenant: "yara-works",
      name: "Yara Works",
      region: "aws-eu-central-1",
      residency: "EU",
      request: "signup-8813",
    };
    const signup = await request(payload);
    expect(signup.result, signup.log).toBe("success");
    const pull = github.pulls.at(-1)!;
    const armed = pull.headSha;
    // Someone pushes to the signup branch: brightwave's compute raised.
    const work = mkdtempSync(path.join(tmpdir(), "tf-signup-person-"));
    gitIn(work, ["clone", "--quiet", github.git, "."]);
    gitIn(work, ["switch", "--quiet", pull.branch]);
    const file = path.join(work, "tenants/tenants.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("compute: { minCu: 0.5, maxCu: 4 }", "compute: { minCu: 0.5, maxCu: 8 }"));
    const id = { GIT_AUTHOR_NAME: "a-maintainer", GIT_AUTHOR_EMAIL: "m@example.com", GIT_COMMITTER_NAME: "a-maintainer", GIT_COMMITTER_EMAIL: "m@example.com" };
    gitIn(work, ["commit", "--quiet", "-am", "brightwave: 8 CU"], id);
    gitIn(work, ["push", "--quiet", "origin", pull.branch]);
    github.pushed(pull.branch, "a-maintainer");
    expect(pull.headSha).not.toBe(armed);

    await tenantDiff(pull.number);
    const approval = await approve(signup, payload);
    const status = github.statuses.at(-1)!;
    expect(status, approval.log).toMatchObject({ sha: pull.headSha, state: "failure", context: "tenant-fleet/auto-merge-eligible" });
    expect(status.description).toMatch(/brightwave/);
    expect(approval.steps.find((s) => s.name.startsWith("Approve"))?.outcome).toBe("skipped");
    expect(pull.reviews).toEqual([]);
    expect(pull.state).toBe("open");
    expect(pull.merged).toBeUndefined();
    expect(github.events.filter((e) => e.workflow === "deploy.yml")).toEqual([]);

    // A person decides: another maintainer approves the head (the last pusher's own approval would not count) and merges it.
    const person = async (route: string, body: unknown) =>
      (await fetch(`${github.url}/${route}`, { method: "POST", headers: { authorization: `Bearer ${TOKENS.reviewer}` }, body: JSON.stringify(body) })).status;
    expect(await person(`repos/${REPOSITORY}/pulls/${pull.number}/reviews`, { event: "APPROVE", commit_id: pull.headSha })).toBe(200);
    const enable =
      "mutation($id: ID!, $method: PullRequestMergeMethod!, $oid: GitObjectID) { enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $method, expectedHeadOid: $oid}) { clientMutationId } }";
    expect(await person("graphql", { query: enable, variables: { id: `PR_${pull.number}`, method: "SQUASH", oid: pull.headSha } })).toBe(200);
    expect(pull.merged).toBeDefined();
    // Its deploy changes an existing tenant: no fast path, the prod update waits for the prod reviewers.
    const waits: { job: string; environment: string }[] = [];
    const deployed = await deploy(waits);
    expect(deployed.jobs["fast-path"].runs[0]?.outputs.fast, failedLogs(deployed)).toBe("false");
    expect(deployed.jobs["up-prod"].environment).toBe("prod");
    expect(waits).toEqual([{ job: "up-prod", environment: "prod" }]);
    expect(deployed.jobs["up-prod"].result, failedLogs(deployed)).toBe("success");
  }, 900_000);
});
