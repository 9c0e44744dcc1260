/**
 * The rules of GitHub's side that the signup test relies on (test/runtime/services/githubRepo.ts,
 * where each cites GitHub's page), one test each, through the REST/GraphQL calls the signup
 * scripts make: a stand-in more lenient than GitHub would let an unsafe merge pass here.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitIn, startGithubRepo, type GithubRepo } from "./services/githubRepo";

const REPO = "example/fleet";
const TOKENS = { app: "t-signup-app", approver: "t-approver-app", person: "t-person", other: "t-other" };
const ID = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };

describe("GitHub's pull request rules, as the stand-in keeps them", () => {
  let github: GithubRepo;
  let work: string;

  const newBranch = (branch: string, file: string, text: string): string => {
    gitIn(work, ["switch", "--quiet", "-C", branch, "origin/main"]);
    writeFileSync(path.join(work, file), text);
    gitIn(work, ["add", file]);
    gitIn(work, ["commit", "--quiet", "-m", text], ID);
    gitIn(work, ["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`]);
    gitIn(work, ["fetch", "--quiet", "origin"]);
    return gitIn(work, ["rev-parse", "HEAD"]);
  };
  const pushMore = (branch: string, file: string, text: string, by: string): string => {
    gitIn(work, ["switch", "--quiet", "-C", branch, `origin/${branch}`]);
    writeFileSync(path.join(work, file), text);
    gitIn(work, ["add", file]);
    gitIn(work, ["commit", "--quiet", "-m", text], ID);
    gitIn(work, ["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`]);
    gitIn(work, ["fetch", "--quiet", "origin"]);
    github.pushed(branch, by);
    return gitIn(work, ["rev-parse", "HEAD"]);
  };
  const call = async (token: string, method: string, route: string, body?: unknown) => {
    const res = await fetch(`${github.url}/${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const open = async (branch: string) => (await call(TOKENS.app, "POST", `repos/${REPO}/pulls`, { title: "t", head: branch, base: "main", body: "" })).body;
  const autoMerge = (number: number, oid: string) =>
    call(TOKENS.app, "POST", "graphql", {
      query:
        "mutation($id: ID!, $method: PullRequestMergeMethod!, $oid: GitObjectID) { enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $method, expectedHeadOid: $oid}) { clientMutationId } }",
      variables: { id: `PR_${number}`, method: "SQUASH", oid },
    });
  const approve = (token: string, number: number, commit_id?: string) =>
    call(token, "POST", `repos/${REPO}/pulls/${number}/reviews`, { event: "APPROVE", ...(commit_id ? { commit_id } : {}) });
  const checks = (sha: string, conclusion: "success" | "failure" = "success") =>
    github.recordRun({
      workflow: "tenant-diff.yml",
      event: "pull_request_target",
      head_branch: "main",
      path: ".github/workflows/tenant-diff.yml",
      head_sha: sha,
      conclusion,
      jobs: { "tenant diff (prod)": conclusion },
      artifacts: {},
    });

  beforeEach(async () => {
    const at = mkdtempSync(path.join(tmpdir(), "tf-github-rules-"));
    work = path.join(at, "work");
    gitIn(at, ["init", "--quiet", "--initial-branch=main", work]);
    writeFileSync(path.join(work, "tenants.yaml"), "tenants: []\n");
    gitIn(work, ["add", "-A"]);
    gitIn(work, ["commit", "--quiet", "-m", "start"], ID);
    gitIn(at, ["clone", "--quiet", "--bare", work, path.join(at, "github.git")]);
    gitIn(work, ["remote", "add", "origin", path.join(at, "github.git")]);
    gitIn(work, ["fetch", "--quiet", "origin"]);
    github = await startGithubRepo({
      repository: REPO,
      git: path.join(at, "github.git"),
      tokens: { [TOKENS.app]: "signup[bot]", [TOKENS.approver]: "approver[bot]", [TOKENS.person]: "a-maintainer", [TOKENS.other]: "a-reader" },
      writers: ["approver[bot]", "a-maintainer"],
      requiredChecks: ["tenant diff (prod)"],
    });
  });
  afterEach(() => github.stop());

  it("refuses the author's approval of its own pull request (OWN_APPROVAL), and a review without commit_id is about the head (REVIEW_COMMIT)", async () => {
    const head = newBranch("signup/a", "tenants.yaml", "tenants: [a]\n");
    const pr = await open("signup/a");
    expect((await approve(TOKENS.app, pr.number as number)).status).toBe(422);
    expect((await approve(TOKENS.approver, pr.number as number)).body).toMatchObject({ state: "APPROVED", commit_id: head });
  });

  it("merges with auto-merge once the required check passed and a writer other than the author approved the head, as one squash commit pushed to main (AUTO_MERGE, REQUIRED_CHECKS)", async () => {
    const base = github.sha("main");
    const head = newBranch("signup/b", "tenants.yaml", "tenants: [b]\n");
    const pr = await open("signup/b");
    await autoMerge(pr.number as number, head);
    await approve(TOKENS.other, pr.number as number, head);
    checks(head, "failure");
    expect(github.pulls[0].merged).toBeUndefined();
    await approve(TOKENS.approver, pr.number as number, head);
    expect(github.pulls[0].merged).toBeUndefined();
    checks(head);
    const merged = github.pulls[0].merged!;
    expect(merged).toBeDefined();
    expect(github.sha("main")).toBe(merged.sha);
    expect(gitIn(github.git, ["rev-list", "--parents", "-n", "1", merged.sha]).split(" ")).toEqual([merged.sha, base]);
    expect(gitIn(github.git, ["show", `${merged.sha}:tenants.yaml`])).toBe("tenants: [b]");
    expect(github.events.at(-1)).toMatchObject({ workflow: "deploy.yml", event: "push", before: base, after: merged.sha });
  });

  it("dismisses approvals when a push lands, and does not count an approval of an earlier commit or by the last pusher (DISMISS_STALE, LAST_PUSH)", async () => {
    const first = newBranch("signup/c", "tenants.yaml", "tenants: [c]\n");
    const pr = await open("signup/c");
    await approve(TOKENS.approver, pr.number as number, first);
    const second = pushMore("signup/c", "tenants.yaml", "tenants: [c, d]\n", "a-maintainer");
    expect(github.pulls[0].reviews[0].state).toBe("DISMISSED");
    await autoMerge(pr.number as number, second);
    checks(second);
    await approve(TOKENS.approver, pr.number as number, first);
    await approve(TOKENS.person, pr.number as number, second);
    expect(github.pulls[0].merged).toBeUndefined();
    await approve(TOKENS.approver, pr.number as number, second);
    expect(github.pulls[0].merged).toBeDefined();
  });

  it("does not merge a head other than the one auto-merge was turned on for (AUTO_MERGE, expectedHeadOid)", async () => {
    const first = newBranch("signup/e", "tenants.yaml", "tenants: [e]\n");
    const pr = await open("signup/e");
    await autoMerge(pr.number as number, first);
    const second = pushMore("signup/e", "tenants.yaml", "tenants: [e, f]\n", "a-maintainer");
    checks(second);
    await approve(TOKENS.approver, pr.number as number, second);
    expect(github.pulls[0].merged).toBeUndefined();
    expect(github.pulls[0].state).toBe("open");
  });

  it("keeps refs/pull/N/merge as the head merged into the base, renewed by a push (MERGE_REF)", async () => {
    const first = newBranch("signup/g", "other.txt", "x\n");
    const pr = await open("signup/g");
    const merge = () =>
      gitIn(github.git, ["rev-list", "--parents", "-n", "1", `refs/pull/${pr.number}/merge`])
        .split(" ")
        .slice(1);
    expect(merge()).toEqual([github.sha("main"), first]);
    const second = pushMore("signup/g", "other.txt", "y\n", "a-maintainer");
    expect(merge()).toEqual([github.sha("main"), second]);
    expect(github.events.map((e) => e.action)).toEqual(["opened", "synchronize"]);
  });

  it("lists runs by branch, event and status, deployments by environment and sha with their newest status, and answers a dispatch 204 (RUNS, DEPLOYMENTS, DISPATCH)", async () => {
    const sha = github.sha("main");
    const record = (branch: string, event: string, conclusion: "success" | "failure") =>
      github.recordRun({
        workflow: "deploy.yml",
        event,
        head_sha: sha,
        head_branch: branch,
        path: ".github/workflows/deploy.yml",
        conclusion,
        jobs: {},
        artifacts: {},
      });
    const ok = record("main", "push", "success");
    record("main", "push", "failure");
    record("other", "push", "success");
    record("main", "workflow_dispatch", "success");
    const runs = await call(TOKENS.person, "GET", `repos/${REPO}/actions/workflows/deploy.yml/runs?branch=main&event=push&status=success`);
    expect((runs.body.workflow_runs as { id: number }[]).map((r) => r.id)).toEqual([ok.id]);
    github.recordDeployment(sha, "prod", "success");
    github.recordDeployment(sha, "staging", "failure");
    const listed = await call(TOKENS.person, "GET", `repos/${REPO}/deployments?environment=prod&sha=${sha}`);
    const [deployment] = listed.body as unknown as { id: number }[];
    expect((listed.body as unknown as unknown[]).length).toBe(1);
    expect((await call(TOKENS.person, "GET", `repos/${REPO}/deployments/${deployment.id}/statuses`)).body).toEqual([{ state: "success", environment: "prod" }]);
    const res = await fetch(`${github.url}/repos/example/app/dispatches`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKENS.app}` },
      body: JSON.stringify({ event_type: "tenant-fleet-ready", client_payload: { tenants: ["a"] } }),
    });
    expect([res.status, await res.text()]).toEqual([204, ""]);
    expect(github.dispatches).toEqual([{ repository: "example/app", event_type: "tenant-fleet-ready", client_payload: { tenants: ["a"] } }]);
  });

  it("lists a commit's statuses newest first, each with the user whose token posted it (STATUSES)", async () => {
    const sha = github.sha("main");
    const post = (token: string, description: string) =>
      call(token, "POST", `repos/${REPO}/statuses/${sha}`, { state: "success", context: "c", description, target_url: "https://x/1" });
    expect((await post(TOKENS.app, "first")).status).toBe(201);
    await post(TOKENS.person, "second");
    const listed = (await call(TOKENS.other, "GET", `repos/${REPO}/commits/${sha}/statuses?per_page=100`)).body as unknown as Record<string, unknown>[];
    expect(listed).toEqual([
      { state: "success", context: "c", description: "second", target_url: "https://x/1", creator: { login: "a-maintainer" } },
      { state: "success", context: "c", description: "first", target_url: "https://x/1", creator: { login: "signup[bot]" } },
    ]);
  });
});
