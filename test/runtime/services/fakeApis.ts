/**
 * Loopback stand-ins for the two HTTP APIs the generated scripts call, holding just the
 * state those scripts touch, and able to misbehave the ways the real ones do:
 * - Neon (branches of the dev/test project): a create that fails after it committed, a
 *   branch that never becomes ready, a branch deleted by someone else first (404).
 * - GitHub (the alert job): a run's jobs, their check runs' annotations, and the
 *   repository's issues and comments.
 * - Neon (an organisation's projects, for the regions check): GET /projects by org_id, in
 *   pages of `limit` (at most 400) with `pagination.cursor`, as listProjects documents it
 *   (https://api-docs.neon.tech/reference/listprojects).
 * Paths, methods and JSON shapes are those of the public REST APIs the scripts use.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { actionsRunsRoute, blobRoute, type ActionsRun, type RawAnswer } from "./actionsRuns";

export interface Call {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(Buffer.from(c));
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}

/** A JSON answer, or raw bytes (an archive); `headers` adds to it (a redirect's Location). */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (Buffer.isBuffer(body)) {
    res.writeHead(status, { "content-type": "application/zip", ...headers });
    res.end(body);
    return;
  }
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(status === 302 ? "" : JSON.stringify(body));
}

export async function serve(handler: (req: IncomingMessage, url: URL, body: unknown) => RawAnswer, calls: Call[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    void bodyOf(req)
      .then((body) => {
        const url = new URL(req.url ?? "/", "http://api");
        calls.push({ method: req.method ?? "GET", path: url.pathname + url.search, body });
        const [status, answer, headers] = handler(req, url, body);
        send(res, status, answer, headers);
      })
      .catch((e: unknown) => send(res, 500, { message: String(e) }));
  });
  // Port 0: the kernel picks a free port and this server holds it at once (files run in parallel).
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, server };
}

export interface NeonBranch {
  id: string;
  name: string;
  created_at: string;
  current_state: string;
  /** Reads of the branch before it reports ready (Infinity: never). */
  pollsUntilReady: number;
}

export interface FakeNeon {
  readonly url: string;
  readonly calls: Call[];
  readonly branches: Map<string, NeonBranch>;
  /** The next create answers this status; `committed` says whether the branch was created anyway. */
  failNextCreate?: { status: number; committed: boolean };
  /** Reads a new branch takes to become ready. */
  pollsUntilReady: number;
  stop(): Promise<void>;
}

export async function startFakeNeon(projectId: string): Promise<FakeNeon> {
  const calls: Call[] = [];
  const branches = new Map<string, NeonBranch>();
  let next = 1;
  const fake: Omit<FakeNeon, "url" | "stop"> & { url?: string; stop?: () => Promise<void> } = { calls, branches, pollsUntilReady: 1 };
  const base = `/projects/${projectId}`;
  const { url, server } = await serve((req, u, body) => {
    if (req.headers.authorization !== "Bearer napi_dev_test") return [401, { message: "authentication required" }];
    if (u.pathname === `${base}/branches` && req.method === "GET") {
      const search = u.searchParams.get("search") ?? "";
      return [200, { branches: [...branches.values()].filter((b) => b.name.includes(search)).map(({ pollsUntilReady: _, ...b }) => b) }];
    }
    if (u.pathname === `${base}/branches` && req.method === "POST") {
      const name = (body as { branch: { name: string } }).branch.name;
      const failure = fake.failNextCreate;
      fake.failNextCreate = undefined;
      if (failure && !failure.committed) return [failure.status, { message: "injected failure before commit" }];
      if ([...branches.values()].some((b) => b.name === name)) return [409, { message: `branch ${name} already exists` }];
      const branch: NeonBranch = {
        id: `br-fake-${next++}`,
        name,
        created_at: new Date().toISOString(),
        current_state: "init",
        pollsUntilReady: fake.pollsUntilReady,
      };
      branches.set(branch.id, branch);
      if (failure) return [failure.status, { message: "injected failure after commit" }];
      return [201, { branch: { id: branch.id, name } }];
    }
    const one = new RegExp(`^${base}/branches/([^/]+)$`).exec(u.pathname);
    if (one) {
      const branch = branches.get(one[1]);
      if (!branch) return [404, { message: "branch not found" }];
      if (req.method === "DELETE") {
        branches.delete(branch.id);
        return [200, { branch }];
      }
      if (branch.pollsUntilReady <= 0) branch.current_state = "ready";
      else branch.pollsUntilReady -= 1;
      return [200, { branch: { id: branch.id, name: branch.name, current_state: branch.current_state } }];
    }
    if (u.pathname === `${base}/connection_uri`) return [200, { uri: `postgresql://app_owner:pw@${u.searchParams.get("branch_id") ?? "main"}.example/app` }];
    return [404, { message: `no route ${req.method} ${u.pathname}` }];
  }, calls);
  return Object.assign(fake, { url, stop: () => new Promise<void>((r) => server.close(() => r())) }) as FakeNeon;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  assignees: string[];
  comments: string[];
  creator: string;
}

export interface FakeGithub {
  readonly url: string;
  readonly calls: Call[];
  readonly issues: FakeIssue[];
  /** The jobs of the current run, as the Actions API lists them. */
  jobs: { name: string; conclusion: string | null; html_url: string; check_run_url?: string }[];
  /** Annotations by check run id (a job's check_run_url ends with it). */
  annotations: Record<string, { title: string; message: string; annotation_level: string }[]>;
  /** Commits of repository files (the fleet manifest's history): the commits and contents APIs answer from it. */
  history: { sha: string; date: string; path: string; content: unknown }[];
  /** Workflow runs and their artifacts (actionsRuns.ts): a run the suite ran is recorded here. */
  runs: ActionsRun[];
  stop(): Promise<void>;
}

export async function startFakeGithub(repository: string, token: string): Promise<FakeGithub> {
  const calls: Call[] = [];
  const issues: FakeIssue[] = [];
  const fake: Partial<FakeGithub> & {
    issues: FakeIssue[];
    calls: Call[];
    jobs: FakeGithub["jobs"];
    annotations: FakeGithub["annotations"];
    history: FakeGithub["history"];
    runs: ActionsRun[];
  } = { calls, issues, jobs: [], annotations: {}, history: [], runs: [] };
  const base = `/repos/${repository}`;
  const view = (i: FakeIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    labels: i.labels.map((name) => ({ name })),
    user: { login: i.creator },
  });
  // A download's redirect names another host (actionsRuns.ts SIGNED_URL): this server by its name, not its address.
  let blobOrigin = "";
  const { url, server } = await serve((req, u, body) => {
    const blob = blobRoute(fake.runs, req, u);
    if (blob) return blob;
    if (req.headers.authorization !== `Bearer ${token}`) return [401, { message: "Bad credentials" }];
    const run = actionsRunsRoute(fake.runs, base, u, blobOrigin);
    if (run) return run;
    const jobs = new RegExp(`^${base}/actions/runs/\\d+/attempts/\\d+/jobs$`).exec(u.pathname);
    if (jobs) {
      const per = Number(u.searchParams.get("per_page") ?? 30);
      const page = Number(u.searchParams.get("page") ?? 1);
      return [200, { total_count: fake.jobs.length, jobs: fake.jobs.slice((page - 1) * per, page * per) }];
    }
    if (u.pathname === `${base}/commits` && req.method === "GET") {
      // Newest first, as GitHub lists them; `until` and `path` filter, `per_page` bounds.
      const until = u.searchParams.get("until");
      const commits = fake.history
        .filter((c) => c.path === u.searchParams.get("path") && (!until || c.date <= until))
        .sort((a, b) => (a.date < b.date ? 1 : -1))
        .slice(0, Number(u.searchParams.get("per_page") ?? 30));
      return [200, commits.map((c) => ({ sha: c.sha, commit: { committer: { date: c.date } } }))];
    }
    const contents = new RegExp(`^${base}/contents/(.+)$`).exec(u.pathname);
    if (contents) {
      const c = fake.history.find((x) => x.path === contents[1] && x.sha === u.searchParams.get("ref"));
      return c ? [200, c.content] : [404, { message: "Not Found" }];
    }
    const annotations = new RegExp(`^${base}/check-runs/(\\d+)/annotations$`).exec(u.pathname);
    if (annotations) return [200, fake.annotations[annotations[1]] ?? []];
    if (u.pathname === `${base}/issues` && req.method === "GET") {
      const creator = u.searchParams.get("creator");
      return [200, issues.filter((i) => i.state === u.searchParams.get("state") && (!creator || i.creator === creator)).map(view)];
    }
    if (u.pathname === `${base}/issues` && req.method === "POST") {
      const b = body as { title: string; body: string; labels: string[]; assignees: string[] };
      const issue: FakeIssue = {
        number: issues.length + 1,
        title: b.title,
        body: b.body,
        state: "open",
        labels: b.labels,
        assignees: b.assignees,
        comments: [],
        creator: "github-actions[bot]",
      };
      issues.push(issue);
      return [201, view(issue)];
    }
    const one = new RegExp(`^${base}/issues/(\\d+)(/comments)?$`).exec(u.pathname);
    const issue = one ? issues.find((i) => i.number === Number(one[1])) : undefined;
    if (one && !issue) return [404, { message: "Not Found" }];
    if (issue && one![2] && req.method === "POST") {
      issue.comments.push((body as { body: string }).body);
      return [201, { id: issue.comments.length }];
    }
    if (issue && req.method === "PATCH") {
      issue.state = (body as { state: "open" | "closed" }).state;
      return [200, view(issue)];
    }
    return [404, { message: `no route ${req.method} ${u.pathname}` }];
  }, calls);
  blobOrigin = url.replace("127.0.0.1", "localhost");
  // Idle keep-alive connections (a test's fetch) would hold close() open.
  const stop = () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections()));
  return Object.assign(fake, { url, stop }) as FakeGithub;
}

export interface FakeNeonOrganisation {
  readonly url: string;
  readonly calls: Call[];
  /** The organisation's projects, as GET /projects lists them. */
  projects: { id: string; name: string; region_id: string; created_at: string }[];
  stop(): Promise<void>;
}

/** An organisation's project listing; `key` is the only API key it accepts. */
export async function startFakeNeonOrganisation(orgId: string, key: string): Promise<FakeNeonOrganisation> {
  const calls: Call[] = [];
  const fake: Partial<FakeNeonOrganisation> & { calls: Call[]; projects: FakeNeonOrganisation["projects"] } = { calls, projects: [] };
  const { url, server } = await serve((req, u) => {
    if (req.headers.authorization !== `Bearer ${key}`) return [401, { message: "authentication required" }];
    if (u.pathname !== "/projects" || req.method !== "GET") return [404, { message: `no route ${req.method} ${u.pathname}` }];
    if (u.searchParams.get("org_id") !== orgId) return [404, { message: "organization not found" }];
    const limit = Number(u.searchParams.get("limit") ?? 10);
    if (!(limit >= 1 && limit <= 400)) return [400, { message: "limit must be between 1 and 400" }];
    const sorted = [...fake.projects].sort((a, b) => a.id.localeCompare(b.id));
    const cursor = u.searchParams.get("cursor");
    const page = sorted.filter((p) => !cursor || p.id > cursor).slice(0, limit);
    return [200, { projects: page, pagination: { cursor: page.at(-1)?.id ?? cursor ?? "" }, applications: {}, subscriptions: {} }];
  }, calls);
  return Object.assign(fake, { url, stop: () => new Promise<void>((r) => server.close(() => r())) }) as FakeNeonOrganisation;
}
