/**
 * Neon's snapshot routes for the loopback API of test/neonApiFake.ts (issue 35: a restore from
 * a snapshot). Each rule is Neon's, from the page cited beside it; the shapes are those of the
 * OpenAPI document `@neondatabase/api-client` 2.7.3 ships (public-v2-for-users.gen.yaml:
 * Snapshot, RestoredSnapshot, GeneralError).
 */
import type { FakeAnswer, FakeBranch, FakeNeonApi, FakeRoutes } from "./neonApiFake";

export interface FakeSnapshot {
  id: string;
  name: string;
  project_id: string;
  source_branch_id?: string;
  /** The point the snapshot is of, when it was taken of one (CreateSnapshot's `timestamp`). */
  timestamp?: string;
  created_at: string;
  expires_at?: string;
  manual?: boolean;
}

export interface FakeSnapshots {
  readonly snapshots: Map<string, FakeSnapshot>;
  /** The next requests matching `route` (METHOD and a path suffix) answer `status` (423 or 429) instead; Neon's pages name no Retry-After, so none is sent (the client waits its default second). */
  refuseNext(route: string, status: 423 | 429, times?: number): void;
}

const SNAPSHOT_ID = /^[a-z0-9-]{1,60}$/;

/** Adds the snapshot routes to the fake; its state is its own. */
export function addSnapshotRoutes(fake: FakeNeonApi): FakeSnapshots {
  const snapshots = new Map<string, FakeSnapshot>();
  const refusals: { route: string; status: 423 | 429 }[] = [];
  const json = (s: FakeSnapshot) => {
    const { project_id: _project, ...fields } = s;
    return fields;
  };
  const routes: FakeRoutes = ({ method, rest, body, project }, kit): FakeAnswer | undefined => {
    if (!rest.startsWith("/snapshots")) return undefined;
    const refusal = refusals.findIndex((r) => `${method} ${rest}`.endsWith(r.route));
    if (refusal >= 0) {
      const { status } = refusals.splice(refusal, 1)[0];
      // 423: "the resource is temporarily locked, for example, due to another operation in progress", safe to retry
      // (GeneralError, public-v2 OpenAPI); 429: over the rate limit (https://neon.com/docs/reference/api/key-concepts, "Rate limiting").
      return [
        status,
        {
          code: "",
          message: status === 423 ? "project already has running conflicting operations, scheduling of new ones is prohibited" : "rate limit exceeded",
        },
      ];
    }
    // GET /projects/{project_id}/snapshots: every snapshot of the project, no pagination (https://api-docs.neon.tech/reference/listsnapshots).
    if (rest === "/snapshots" && method === "GET") return [200, { snapshots: [...snapshots.values()].filter((s) => s.project_id === project.id).map(json) }];
    const restore = /^\/snapshots\/([^/]+)\/restore$/.exec(rest);
    if (!restore || method !== "POST") return undefined;
    // Path parameters match ^[a-z0-9-]{1,60}$ (public-v2 OpenAPI, restoreSnapshot).
    if (!SNAPSHOT_ID.test(restore[1])) return [400, { code: "", message: "invalid snapshot_id" }];
    const snapshot = snapshots.get(restore[1]);
    if (!snapshot || snapshot.project_id !== project.id) return [404, { code: "", message: "snapshot not found" }];
    const b = (body ?? {}) as { name?: string; target_branch_id?: string; finalize_restore?: boolean };
    // POST /projects/{project_id}/snapshots/{snapshot_id}/restore (https://api-docs.neon.tech/reference/restoresnapshot): a NEW
    // branch, named `name` or a generated name; target_branch_id defaults to the snapshot's source_branch_id.
    const name = b.name ?? `${snapshot.name}-restored`;
    if ([...kit.branches.values()].some((x) => x.project_id === project.id && x.name === name))
      return [409, { code: "", message: `branch ${name} already exists` }];
    const target = kit.branches.get(b.target_branch_id ?? snapshot.source_branch_id ?? "");
    if (!target) return [404, { code: "", message: "target branch not found" }];
    const branch: FakeBranch = { id: kit.id("br-snapshot"), project_id: project.id, name, databases: [...target.databases], restored_from: snapshot.id };
    kit.branches.set(branch.id, branch);
    // finalize_restore (default false): true moves the target's computes to the new branch, which takes the target's name while the
    // target is renamed (https://api-docs.neon.tech/reference/finalizerestorebranch, which finalize_restore: true performs at once).
    if (b.finalize_restore === true) {
      branch.name = target.name;
      target.name = `${target.name}_old_${snapshot.id}`;
    }
    return [200, { branch: kit.branchJson(branch), endpoints: [], operations: [kit.operation(project.id, "restore_snapshot", branch.id)] }];
  };
  fake.routes.push(routes);
  return {
    snapshots,
    refuseNext(route, status, times = 1) {
      for (let i = 0; i < times; i++) refusals.push({ route, status });
    },
  };
}
