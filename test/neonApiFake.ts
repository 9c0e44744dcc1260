/**
 * Neon's API on loopback for the tenant operations (restore, erase, regions --observe),
 * holding the state those calls touch. Paths, methods and JSON shapes are those of Neon's
 * public API v2 as `@neondatabase/api-client` 2.7.3 ships its OpenAPI document
 * (public-v2-for-users.gen.yaml): the Branch, Operation, ProjectListItem and Database
 * examples, with ids of our own. Operations start `running` and finish after a number of
 * reads, as Neon's do; one can be made to fail. Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_NEON_KEY = "napi_operations_test";

export interface FakeCall {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}

export interface FakeProject {
  id: string;
  name: string;
  region_id: string;
  pg_version: number;
  org_id?: string;
}

export interface FakeBranch {
  id: string;
  project_id: string;
  name: string;
  parent_id?: string;
  databases: string[];
  /** The snapshot a restore created it from (Neon's `restored_from`). */
  restored_from?: string;
}

/** What an extra set of routes (test/neonSnapshotsFake.ts) gets to answer with. */
export interface FakeKit {
  readonly branches: Map<string, FakeBranch>;
  /** A new id with the prefix. */
  id(prefix: string): string;
  /** Starts an operation as Neon does (running, finishing after reads) and gives its JSON. */
  operation(projectId: string, action: string, branchId?: string): unknown;
  branchJson(b: FakeBranch): unknown;
}

/** An answer: status and body. */
export type FakeAnswer = [number, unknown];

/** Routes under /projects/{id}: undefined when the route is not theirs. */
export type FakeRoutes = (req: { method: string; rest: string; url: URL; body: unknown; project: FakeProject }, kit: FakeKit) => FakeAnswer | undefined;

interface FakeOperation {
  id: string;
  project_id: string;
  branch_id?: string;
  action: string;
  status: string;
  readsLeft: number;
  fail: boolean;
}

export interface FakeNeonApi {
  /** Base URL for the client (`…/api/v2`). */
  readonly url: string;
  readonly calls: FakeCall[];
  readonly projects: Map<string, FakeProject>;
  readonly branches: Map<string, FakeBranch>;
  /** Adds a project with its default branch (`main`, database `app`). */
  addProject(p: FakeProject, branch?: string): void;
  /** The next operation started fails after its reads (Neon's `failed`, with an error). */
  failNextOperation: boolean;
  /** Reads an operation takes to finish. */
  readsPerOperation: number;
  /** More routes under /projects/{id}, tried before the 404 (test/neonSnapshotsFake.ts). */
  readonly routes: FakeRoutes[];
  /** What `connection_uri` answers, per branch id; default: a made-up host. */
  connectionUri: (branchId: string, database: string, role: string) => string;
  stop(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(Buffer.from(c));
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}

const NOW = "2026-12-02T09:00:00Z";

export async function startFakeNeonApi(): Promise<FakeNeonApi> {
  const calls: FakeCall[] = [];
  const projects = new Map<string, FakeProject>();
  const branches = new Map<string, FakeBranch>();
  const operations = new Map<string, FakeOperation>();
  let seq = 1;
  const id = (prefix: string) => `${prefix}-${String(seq++).padStart(4, "0")}`;
  const branchJson = (b: FakeBranch) => ({
    id: b.id,
    project_id: b.project_id,
    name: b.name,
    ...(b.parent_id ? { parent_id: b.parent_id, parent_lsn: "0/1FA22C0", parent_timestamp: NOW } : {}),
    ...(b.restored_from ? { restored_from: b.restored_from, restore_status: "restored" } : {}),
    current_state: "ready",
    state_changed_at: NOW,
    creation_source: "console",
    created_at: NOW,
    updated_at: NOW,
    default: b.parent_id === undefined,
    protected: false,
    cpu_used_sec: 0,
    compute_time_seconds: 0,
    active_time_seconds: 0,
    written_data_bytes: 0,
    data_transfer_bytes: 0,
  });
  const operationJson = (o: FakeOperation) => ({
    id: o.id,
    project_id: o.project_id,
    ...(o.branch_id ? { branch_id: o.branch_id } : {}),
    action: o.action,
    status: o.status,
    ...(o.status === "failed" ? { error: "injected failure" } : {}),
    failures_count: o.status === "failed" ? 1 : 0,
    created_at: NOW,
    updated_at: NOW,
    total_duration_ms: 1200,
  });
  const projectJson = (p: FakeProject) => ({
    id: p.id,
    platform_id: "aws",
    region_id: p.region_id,
    name: p.name,
    provisioner: "k8s-neonvm",
    pg_version: p.pg_version,
    proxy_host: `${p.region_id.replace(/^aws-/, "")}.aws.neon.tech`,
    branch_logical_size_limit: 0,
    branch_logical_size_limit_bytes: 0,
    store_passwords: true,
    active_time: 0,
    cpu_used_sec: 0,
    creation_source: "console",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: NOW,
    owner_id: "owner-1",
    ...(p.org_id ? { org_id: p.org_id } : {}),
  });
  const start = (project_id: string, action: string, branch_id?: string): FakeOperation => {
    const o: FakeOperation = {
      id: `9a0e5d3c-0000-4000-8000-${String(seq++).padStart(12, "0")}`,
      project_id,
      branch_id,
      action,
      status: "running",
      readsLeft: fake.readsPerOperation,
      fail: fake.failNextOperation,
    };
    fake.failNextOperation = false;
    operations.set(o.id, o);
    return o;
  };
  const kit: FakeKit = { branches, id, operation: (project, action, branch) => operationJson(start(project, action, branch)), branchJson };
  const route = (req: IncomingMessage, u: URL, body: unknown): FakeAnswer => {
    if (req.headers.authorization !== `Bearer ${FAKE_NEON_KEY}`) return [401, { code: "", message: "authentication failed" }];
    const p = u.pathname.replace(/^\/api\/v2/, "");
    if (p === "/projects" && req.method === "GET") {
      const search = u.searchParams.get("search") ?? "";
      const org = u.searchParams.get("org_id");
      const list = [...projects.values()].filter((x) => (!org || x.org_id === org) && (x.name.includes(search) || x.id.includes(search)));
      // Pages as Neon documents listProjects (https://api-docs.neon.tech/reference/listprojects): `limit` 1 to 400, default 10; `cursor` from the previous response's pagination.cursor continues after it.
      const limit = Math.min(Math.max(Number(u.searchParams.get("limit") ?? 10) || 10, 1), 400);
      const cursor = u.searchParams.get("cursor");
      const from = cursor ? list.findIndex((x) => x.id === cursor) + 1 : 0;
      const page = list.slice(from, from + limit);
      return [200, { projects: page.map(projectJson), pagination: { cursor: page.at(-1)?.id ?? cursor ?? "" }, applications: {}, integrations: {} }];
    }
    const project = /^\/projects\/([a-z0-9-]+)(\/.*)?$/.exec(p);
    if (!project) return [404, { message: `no route ${req.method} ${p}` }];
    const pr = projects.get(project[1]);
    if (!pr) return [404, { code: "", message: "project not found" }];
    const rest = project[2] ?? "";
    if (rest === "" && req.method === "GET") return [200, { project: projectJson(pr) }];
    if (rest === "" && req.method === "DELETE") {
      projects.delete(pr.id);
      for (const b of [...branches.values()].filter((b) => b.project_id === pr.id)) branches.delete(b.id);
      return [200, { project: projectJson(pr) }];
    }
    if (rest === "/branches" && req.method === "GET") {
      const search = u.searchParams.get("search") ?? "";
      return [200, { branches: [...branches.values()].filter((b) => b.project_id === pr.id && b.name.includes(search)).map(branchJson), annotations: {} }];
    }
    if (rest === "/branches" && req.method === "POST") {
      const b = body as { branch?: { name?: string; parent_id?: string }; endpoints?: { type: string }[] };
      const name = b.branch?.name ?? id("br");
      if ([...branches.values()].some((x) => x.project_id === pr.id && x.name === name)) return [409, { code: "", message: `branch ${name} already exists` }];
      const branch: FakeBranch = {
        id: id("br-restore"),
        project_id: pr.id,
        name,
        parent_id: b.branch?.parent_id ?? [...branches.values()].find((x) => x.project_id === pr.id && !x.parent_id)?.id,
        databases: ["app"],
      };
      branches.set(branch.id, branch);
      const ops = [start(pr.id, "create_branch", branch.id), ...(b.endpoints?.length ? [start(pr.id, "start_compute", branch.id)] : [])];
      return [201, { branch: branchJson(branch), endpoints: [], operations: ops.map(operationJson), roles: [], databases: [], connection_uris: [] }];
    }
    const op = /^\/operations\/([0-9a-f-]+)$/.exec(rest);
    if (op && req.method === "GET") {
      const o = operations.get(op[1]);
      if (!o) return [404, { message: "operation not found" }];
      if (o.status === "running") {
        if (o.readsLeft <= 0) o.status = o.fail ? "failed" : "finished";
        else o.readsLeft -= 1;
      }
      return [200, { operation: operationJson(o) }];
    }
    const restore = /^\/branches\/([a-z0-9-]+)\/restore$/.exec(rest);
    if (restore && req.method === "POST") {
      const branch = branches.get(restore[1]);
      if (!branch) return [404, { message: "branch not found" }];
      const r = body as { source_branch_id?: string; preserve_under_name?: string };
      if (r.source_branch_id === branch.id && !r.preserve_under_name)
        return [400, { code: "", message: "preserve_under_name is required when restoring a branch from its own history" }];
      if (r.preserve_under_name) {
        const preserved = id("br-preserved");
        branches.set(preserved, { id: preserved, project_id: pr.id, name: r.preserve_under_name, parent_id: branch.id, databases: branch.databases });
      }
      return [200, { branch: branchJson(branch), operations: [operationJson(start(pr.id, "restore_branch", branch.id))] }];
    }
    const dbs = /^\/branches\/([a-z0-9-]+)\/databases$/.exec(rest);
    if (dbs && req.method === "POST") {
      const branch = branches.get(dbs[1]);
      if (!branch) return [404, { message: "branch not found" }];
      const d = (body as { database: { name: string; owner_name: string } }).database;
      if (branch.databases.includes(d.name)) return [409, { code: "", message: `database ${d.name} already exists` }];
      branch.databases.push(d.name);
      return [
        201,
        {
          database: { id: seq++, branch_id: branch.id, name: d.name, owner_name: d.owner_name, created_at: NOW, updated_at: NOW },
          operations: [operationJson(start(pr.id, "apply_config", branch.id))],
        },
      ];
    }
    if (rest === "/connection_uri" && req.method === "GET") {
      const branchId = u.searchParams.get("branch_id") ?? "";
      return [200, { uri: fake.connectionUri(branchId, u.searchParams.get("database_name") ?? "", u.searchParams.get("role_name") ?? "") }];
    }
    for (const more of fake.routes) {
      const answer = more({ method: req.method ?? "GET", rest, url: u, body, project: pr }, kit);
      if (answer) return answer;
    }
    return [404, { message: `no route ${req.method} ${p}` }];
  };
  const server: Server = createServer((req, res) => {
    void bodyOf(req)
      .then((body) => {
        const u = new URL(req.url ?? "/", "http://api");
        calls.push({ method: req.method ?? "GET", path: u.pathname.replace(/^\/api\/v2/, "") + u.search, ...(body === undefined ? {} : { body }) });
        const [status, answer] = route(req, u, body);
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      })
      .catch((e: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: String(e) }));
      });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const fake: FakeNeonApi = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`,
    calls,
    projects,
    branches,
    failNextOperation: false,
    readsPerOperation: 1,
    routes: [],
    connectionUri: (branchId, database, role) => `postgresql://${role}:secret@${branchId}.example.neon.tech/${database}?sslmode=require`,
    addProject(p, branch = "main") {
      projects.set(p.id, p);
      const b: FakeBranch = { id: `br-${p.id}-main`, project_id: p.id, name: branch, databases: ["app"] };
      branches.set(b.id, b);
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
  return fake;
}
