/**
 * GitHub's side of this repository, for the signup runtime test: a bare git repository is
 * "GitHub's repository" and a loopback REST/GraphQL stand-in holds what the signup scripts
 * touch (pull requests, labels, reviews, commit statuses, workflow runs and their artifacts,
 * auto-merge) plus the ruleset on `main`. The rules it keeps, each from GitHub's documentation
 * (test/runtime/githubRepoRules.test.ts tests each):
 *
 * - OWN_APPROVAL: an author cannot approve its own pull request: "Pull request authors cannot
 *   approve their own pull requests" (https://docs.github.com/en/pull-requests/collaborating-with-pull-requests/reviewing-changes-in-pull-requests/approving-a-pull-request-with-required-reviews);
 *   the REST API answers 422 (https://docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request).
 * - REVIEW_COMMIT: a review's `commit_id` is the commit it is about; "Defaults to the most recent
 *   commit in the pull request when you do not specify a value" (same page).
 * - DISMISS_STALE: "Dismiss stale pull request approvals when new commits are pushed"; and
 *   LAST_PUSH: "Require approval of the most recent reviewable push": the most recent push must be
 *   approved by someone other than the person who pushed it
 *   (https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets#require-a-pull-request-before-merging).
 * - REQUIRED_CHECKS: a pull request merges only when every required status check passed on its
 *   head commit (https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets#require-status-checks-to-pass-before-merging);
 *   a job's check run is named after the job and belongs to the run's head_sha.
 * - AUTO_MERGE: "If you enable auto-merge for a pull request, the pull request will merge
 *   automatically when all required reviews are met and all required status checks have passed"
 *   (https://docs.github.com/en/pull-requests/collaborating-with-pull-requests/incorporating-changes-from-a-pull-request/automatically-merging-a-pull-request);
 *   with expectedHeadOid it merges only that head (https://docs.github.com/en/graphql/reference/input-objects#enablepullrequestautomergeinput).
 *   A squash merge is one commit on the base with the pull request's changes, which GitHub
 *   pushes to the base (a `push` event: deploy.yml).
 * - MERGE_REF: refs/pull/N/merge is the test merge commit of the head into the base (parents:
 *   base, head) (https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#pull_request_target
 *   names GITHUB_REF refs/pull/N/merge for pull_request; pull_request_target runs the base and
 *   checks that ref out as data here, as tenant-diff.yml does); a push to the head or the base renews it.
 * - RUNS: GET /repos/{o}/{r}/actions/workflows/{file}/runs lists runs newest first with head_sha,
 *   status and conclusion (https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow);
 *   a run's artifacts are listed and downloaded as zip archives (https://docs.github.com/en/rest/actions/artifacts).
 *   `branch`, `event` and `status` filter the list; GET .../actions/runs/{id} answers one run (404 for an unknown id).
 * - DEPLOYMENTS: a job that references an environment creates a deployment of the run's commit
 *   to it, whose status follows the job ("the workflow job... creates a deployment", https://docs.github.com/en/actions/reference/workflows-and-actions/deployments-and-environments);
 *   GET /repos/{o}/{r}/deployments filters by `environment` and `sha`, newest first, and a
 *   deployment's statuses are listed newest first (https://docs.github.com/en/rest/deployments/deployments#list-deployments,
 *   https://docs.github.com/en/rest/deployments/statuses#list-deployment-statuses).
 * - STATUSES: POST /repos/{o}/{r}/statuses/{sha} creates a status whose `creator` is the token's
 *   user (https://docs.github.com/en/rest/commits/statuses#create-a-commit-status);
 *   GET /repos/{o}/{r}/commits/{ref}/statuses lists every status of the commit "in reverse
 *   chronological order", with state, context, description, target_url and creator
 *   (https://docs.github.com/en/rest/commits/statuses#list-commit-statuses-for-a-reference).
 * - DISPATCH: POST /repos/{o}/{r}/dispatches answers 204 No Content
 *   (https://docs.github.com/en/rest/repos/repos#create-a-repository-dispatch-event).
 */
import { execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Call } from "./fakeApis";

export interface Review {
  id: number;
  user: string;
  state: "APPROVED" | "DISMISSED" | "CHANGES_REQUESTED" | "COMMENTED";
  commit_id: string;
  /** When it was submitted (ms since the epoch). */
  submittedAt: number;
}

export interface Pull {
  number: number;
  branch: string;
  base: string;
  headSha: string;
  author: string;
  /** Who pushed the head commit (LAST_PUSH). */
  lastPusher: string;
  title: string;
  body: string;
  labels: string[];
  createdAt: string;
  state: "open" | "closed";
  merged?: { sha: string; at: number };
  autoMerge?: { method: string; expectedHeadOid?: string };
  reviews: Review[];
}

export interface Run {
  id: number;
  workflow: string;
  event: string;
  head_sha: string;
  /** The branch the run is for, and the workflow file `path@ref`, as the runs API gives them. */
  head_branch: string;
  path: string;
  status: "completed";
  conclusion: "success" | "failure";
  /** Job name → conclusion: each a check run on head_sha. */
  jobs: Record<string, string>;
  /** Artifact name → directory. */
  artifacts: Record<string, string>;
}

export interface RepoEvent {
  readonly workflow: "tenant-diff.yml" | "deploy.yml";
  readonly event: "pull_request_target" | "push";
  readonly action?: "opened" | "synchronize";
  readonly pull?: number;
  readonly before?: string;
  readonly after?: string;
  readonly at: number;
}

export interface GithubRepo {
  readonly url: string;
  readonly calls: Call[];
  readonly pulls: Pull[];
  readonly runs: Run[];
  readonly statuses: { sha: string; state: string; context: string; description: string; target_url?: string; creator?: string }[];
  /** Deployments (DEPLOYMENTS), with their newest status. */
  readonly deployments: { id: number; sha: string; environment: string; state: string }[];
  /** repository_dispatch events sent to other repositories (the application's). */
  readonly dispatches: { repository: string; event_type: string; client_payload: unknown }[];
  /** A deployment a job that names `environment` made, with its final state (DEPLOYMENTS). */
  recordDeployment(sha: string, environment: string, state: string): void;
  /** What GitHub would start a workflow for, oldest first; the test takes them off. */
  readonly events: RepoEvent[];
  /** The bare repository. */
  readonly git: string;
  readonly requiredChecks: readonly string[];
  /** A push someone made to a pull request's branch (the commit is in the bare repository already). */
  pushed(branch: string, by: string): void;
  recordRun(run: Omit<Run, "id" | "status">): Run;
  sha(ref: string): string;
  stop(): Promise<void>;
}

const BOT = (slug: string) => `${slug}[bot]`;

export function gitIn(dir: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] }).trim();
}

const IDENTITY = { GIT_AUTHOR_NAME: "GitHub", GIT_AUTHOR_EMAIL: "noreply@github.com", GIT_COMMITTER_NAME: "GitHub", GIT_COMMITTER_EMAIL: "noreply@github.com" };

/**
 * `tokens`: token → the login it acts as. `repository`: owner/name. `writers`: logins with write
 * access, whose approvals count.
 */
export async function startGithubRepo(options: {
  repository: string;
  git: string;
  tokens: Record<string, string>;
  writers: readonly string[];
  requiredChecks: readonly string[];
}): Promise<GithubRepo> {
  const { repository, git } = options;
  const calls: Call[] = [];
  const pulls: Pull[] = [];
  const runs: Run[] = [];
  const statuses: GithubRepo["statuses"] = [];
  const events: RepoEvent[] = [];
  const deployments: GithubRepo["deployments"] = [];
  const dispatches: GithubRepo["dispatches"] = [];
  const base = `/repos/${repository}`;
  const sha = (ref: string) => gitIn(git, ["rev-parse", "--verify", `${ref}^{commit}`]);
  let clock = 0;
  const now = () => new Date(Date.now() + clock++).toISOString();

  /** MERGE_REF: the test merge commit of the head into the base, or undefined on a conflict. */
  const mergeTree = (p: Pull): string | undefined => {
    try {
      return gitIn(git, ["merge-tree", "--write-tree", sha(p.base), p.headSha]).split("\n")[0];
    } catch {
      return undefined;
    }
  };
  const renewMergeRef = (p: Pull) => {
    const tree = mergeTree(p);
    if (!tree) return;
    const commit = gitIn(git, ["commit-tree", tree, "-p", sha(p.base), "-p", p.headSha, "-m", `Merge ${p.headSha} into ${sha(p.base)}`], IDENTITY);
    gitIn(git, ["update-ref", `refs/pull/${p.number}/merge`, commit]);
  };

  /** The approvals that count on the current head (OWN_APPROVAL, REVIEW_COMMIT, LAST_PUSH, writers). */
  const countingApprovals = (p: Pull) =>
    p.reviews.filter(
      (r) => r.state === "APPROVED" && r.commit_id === p.headSha && r.user !== p.author && r.user !== p.lastPusher && options.writers.includes(r.user),
    );
  const checksPassed = (p: Pull) => options.requiredChecks.every((name) => runs.some((r) => r.head_sha === p.headSha && r.jobs[name] === "success"));

  /** AUTO_MERGE: merges as soon as the rules allow, as a squash commit pushed to the base. */
  const tryAutoMerge = (p: Pull) => {
    if (p.state !== "open" || !p.autoMerge) return;
    if (p.autoMerge.expectedHeadOid && p.autoMerge.expectedHeadOid !== p.headSha) return;
    if (!checksPassed(p) || countingApprovals(p).length === 0) return;
    const tree = mergeTree(p);
    if (!tree) return;
    const before = sha(p.base);
    const after = gitIn(git, ["commit-tree", tree, "-p", before, "-m", `${p.title} (#${p.number})\n\n${p.body}`], IDENTITY);
    gitIn(git, ["update-ref", `refs/heads/${p.base}`, after, before]);
    p.state = "closed";
    p.merged = { sha: after, at: Date.now() };
    events.push({ workflow: "deploy.yml", event: "push", before, after, at: Date.now() });
    for (const other of pulls) if (other.state === "open" && other.base === p.base) renewMergeRef(other);
  };

  const view = (p: Pull) => ({
    number: p.number,
    node_id: `PR_${p.number}`,
    html_url: `https://github.com/${repository}/pull/${p.number}`,
    state: p.state,
    title: p.title,
    body: p.body,
    merged: Boolean(p.merged),
    merge_commit_sha: p.merged?.sha ?? null,
    created_at: p.createdAt,
    user: { login: p.author },
    labels: p.labels.map((name) => ({ name })),
    head: { ref: p.branch, sha: p.headSha },
    base: { ref: p.base, sha: sha(p.base) },
    auto_merge: p.autoMerge ? { merge_method: p.autoMerge.method.toLowerCase() } : null,
  });

  const route = (login: string, req: IncomingMessage, u: URL, body: Record<string, unknown> | undefined): [number, unknown] => {
    const method = req.method ?? "GET";
    const user = /^\/users\/([^/]+)$/.exec(u.pathname);
    if (user) return [200, { login: decodeURIComponent(user[1]), id: 4200 + decodeURIComponent(user[1]).length }];
    if (u.pathname === "/graphql" && method === "POST") return graphql(body as { query: string; variables: Record<string, string> });
    const dispatch = /^\/repos\/([^/]+\/[^/]+)\/dispatches$/.exec(u.pathname);
    if (dispatch && method === "POST") {
      const b = body as { event_type: string; client_payload: unknown };
      dispatches.push({ repository: dispatch[1], event_type: b.event_type, client_payload: b.client_payload });
      return [204, null];
    }
    if (u.pathname === `${base}/deployments` && method === "GET") {
      const env = u.searchParams.get("environment");
      const at = u.searchParams.get("sha");
      const found = deployments.filter((d) => (!env || d.environment === env) && (!at || d.sha === at)).sort((a, b) => b.id - a.id);
      return [200, found.map((d) => ({ id: d.id, sha: d.sha, environment: d.environment }))];
    }
    const deploymentStatuses = new RegExp(`^${base}/deployments/(\\d+)/statuses$`).exec(u.pathname);
    if (deploymentStatuses) {
      const d = deployments.find((x) => x.id === Number(deploymentStatuses[1]));
      return d ? [200, [{ state: d.state, environment: d.environment }]] : [404, { message: "Not Found" }];
    }
    if (u.pathname === `${base}/pulls` && method === "GET") {
      const state = u.searchParams.get("state") ?? "open";
      const head = u.searchParams.get("head");
      const list = pulls
        .filter((p) => state === "all" || p.state === state)
        .filter((p) => !head || `${repository.split("/")[0]}:${p.branch}` === head)
        .sort((a, b) => b.number - a.number);
      return [200, list.map(view)];
    }
    if (u.pathname === `${base}/pulls` && method === "POST") {
      const b = body as { title: string; head: string; base: string; body: string };
      let headSha: string;
      try {
        headSha = sha(`refs/heads/${b.head}`);
      } catch {
        return [422, { message: "Validation Failed", errors: [{ field: "head", code: "invalid" }] }];
      }
      if (pulls.some((p) => p.state === "open" && p.branch === b.head)) return [422, { message: `A pull request already exists for ${b.head}.` }];
      const p: Pull = {
        number: pulls.length + 1,
        branch: b.head,
        base: b.base,
        headSha,
        author: login,
        lastPusher: login,
        title: b.title,
        body: b.body,
        labels: [],
        createdAt: now(),
        state: "open",
        reviews: [],
      };
      pulls.push(p);
      renewMergeRef(p);
      events.push({ workflow: "tenant-diff.yml", event: "pull_request_target", action: "opened", pull: p.number, at: Date.now() });
      return [201, view(p)];
    }
    const one = new RegExp(`^${base}/(?:pulls|issues)/(\\d+)(/.*)?$`).exec(u.pathname);
    const p = one ? pulls.find((x) => x.number === Number(one[1])) : undefined;
    if (one && !p) return [404, { message: "Not Found" }];
    if (p && one![2] === undefined && method === "GET") return [200, view(p)];
    if (p && one![2] === "/labels" && method === "POST") {
      for (const l of (body as { labels: string[] }).labels) if (!p.labels.includes(l)) p.labels.push(l);
      return [200, p.labels.map((name) => ({ name }))];
    }
    if (p && one![2] === "/reviews" && method === "POST") {
      const b = body as { commit_id?: string; event: string };
      if (b.event === "APPROVE" && login === p.author) return [422, { message: "Unprocessable Entity", errors: ["Can not approve your own pull request"] }];
      const state = b.event === "APPROVE" ? "APPROVED" : b.event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : "COMMENTED";
      const review: Review = { id: 9000 + p.reviews.length + 1, user: login, state, commit_id: b.commit_id ?? p.headSha, submittedAt: Date.now() };
      p.reviews.push(review);
      tryAutoMerge(p);
      return [200, { id: review.id, state: review.state, commit_id: review.commit_id, user: { login } }];
    }
    const dismissal = one?.[2] ? /^\/reviews\/(\d+)\/dismissals$/.exec(one[2]) : null;
    if (p && dismissal && method === "PUT") {
      const review = p.reviews.find((r) => r.id === Number(dismissal[1]));
      if (!review) return [404, { message: "Not Found" }];
      review.state = "DISMISSED";
      return [200, { id: review.id, state: review.state }];
    }
    const status = new RegExp(`^${base}/statuses/([0-9a-f]{40})$`).exec(u.pathname);
    if (status && method === "POST") {
      const b = body as { state: string; context: string; description: string; target_url?: string };
      statuses.push({ sha: status[1], state: b.state, context: b.context, description: b.description, target_url: b.target_url, creator: login });
      return [201, { state: b.state, context: b.context }];
    }
    const listStatuses = new RegExp(`^${base}/commits/([0-9a-f]{40})/statuses$`).exec(u.pathname);
    if (listStatuses && method === "GET") {
      const perPage = Number(u.searchParams.get("per_page") ?? 30);
      const found = statuses
        .filter((st) => st.sha === listStatuses[1])
        .reverse()
        .slice(0, perPage);
      return [200, found.map(({ sha: _, creator, ...st }) => ({ ...st, creator: { login: creator } }))];
    }
    const list = new RegExp(`^${base}/actions/workflows/([^/]+)/runs$`).exec(u.pathname);
    if (list && method === "GET") {
      const [event, branch, status] = ["event", "branch", "status"].map((k) => u.searchParams.get(k));
      const found = runs
        .filter((r) => r.workflow === list[1] && (!event || r.event === event) && (!branch || r.head_branch === branch))
        .filter((r) => !status || r.status === status || r.conclusion === status)
        .sort((a, b) => b.id - a.id);
      return [200, { total_count: found.length, workflow_runs: found.map(({ jobs: _, artifacts: __, ...r }) => r) }];
    }
    // Get a workflow run (https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run): any run of the repository; an unknown id is 404.
    const runOne = new RegExp(`^${base}/actions/runs/(\\d+)$`).exec(u.pathname);
    if (runOne && method === "GET") {
      const run = runs.find((r) => r.id === Number(runOne[1]));
      if (!run) return [404, { message: "Not Found" }];
      const { jobs: _, artifacts: __, ...shown } = run;
      return [200, shown];
    }
    const artifacts = new RegExp(`^${base}/actions/runs/(\\d+)/artifacts$`).exec(u.pathname);
    if (artifacts) {
      const run = runs.find((r) => r.id === Number(artifacts[1]));
      if (!run) return [404, { message: "Not Found" }];
      const names = Object.keys(run.artifacts);
      return [200, { total_count: names.length, artifacts: names.map((name, i) => ({ id: run.id * 100 + i, name })) }];
    }
    return [404, { message: `no route ${method} ${u.pathname}` }];
  };

  const graphql = (b: { query: string; variables: Record<string, string> }): [number, unknown] => {
    const p = pulls.find((x) => `PR_${x.number}` === b.variables.id);
    if (!p) return [200, { errors: [{ message: `Could not resolve to a node with the global id of '${b.variables.id}'` }] }];
    if (/enablePullRequestAutoMerge/.test(b.query)) {
      p.autoMerge = { method: b.variables.method, expectedHeadOid: b.variables.oid };
      tryAutoMerge(p);
      return [200, { data: { enablePullRequestAutoMerge: { clientMutationId: null } } }];
    }
    if (/disablePullRequestAutoMerge/.test(b.query)) {
      p.autoMerge = undefined;
      return [200, { data: { disablePullRequestAutoMerge: { clientMutationId: null } } }];
    }
    return [200, { errors: [{ message: "a mutation the stand-in does not model" }] }];
  };

  /** The zip of an artifact (RUNS), made from its directory. */
  const zipOf = (u: URL): Buffer | undefined => {
    const m = new RegExp(`^${base}/actions/artifacts/(\\d+)/zip$`).exec(u.pathname);
    if (!m) return undefined;
    const run = runs.find((r) => r.id === Math.floor(Number(m[1]) / 100));
    const dir = run ? Object.values(run.artifacts)[Number(m[1]) % 100] : undefined;
    return dir ? execFileSync("zip", ["-q", "-r", "-", "."], { cwd: dir }) : undefined;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://api");
      const text = Buffer.concat(chunks).toString();
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      calls.push({ method: req.method ?? "GET", path: u.pathname + u.search, body });
      const login = options.tokens[(req.headers.authorization ?? "").replace(/^Bearer /, "")];
      const [status, answer] = login ? route(login, req, u, body) : [401, { message: "Bad credentials" }];
      const zip = login ? zipOf(u) : undefined;
      if (zip) {
        res.writeHead(200, { "content-type": "application/zip" });
        res.end(zip);
        return;
      }
      res.writeHead(status, { "content-type": "application/json" });
      res.end(status === 204 ? "" : JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  return {
    url,
    calls,
    pulls,
    runs,
    statuses,
    deployments,
    dispatches,
    recordDeployment(sha, environment, state) {
      deployments.push({ id: 700 + deployments.length + 1, sha, environment, state });
    },
    events,
    git,
    requiredChecks: options.requiredChecks,
    sha,
    pushed(branch, by) {
      const p = pulls.find((x) => x.state === "open" && x.branch === branch);
      if (!p) return;
      p.headSha = sha(`refs/heads/${branch}`);
      p.lastPusher = by;
      // DISMISS_STALE: the approvals that exist when the push lands are dismissed.
      for (const r of p.reviews) if (r.state === "APPROVED") r.state = "DISMISSED";
      renewMergeRef(p);
      events.push({ workflow: "tenant-diff.yml", event: "pull_request_target", action: "synchronize", pull: p.number, at: Date.now() });
    },
    recordRun(run) {
      const recorded: Run = { ...run, id: 5000 + runs.length + 1, status: "completed" };
      runs.push(recorded);
      for (const p of pulls) if (p.headSha === recorded.head_sha) tryAutoMerge(p);
      return recorded;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export { BOT };
