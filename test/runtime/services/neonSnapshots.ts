/**
 * A loopback stand-in for the part of Neon's API the restore drill's snapshot check reads:
 * the snapshots of a project. Each rule is Neon's, from the page cited beside it.
 */
import type { Server } from "node:http";
import { serve, type Call } from "./fakeApis";

/** A snapshot as Neon lists it (Snapshot in Neon's OpenAPI document, node_modules/@neondatabase/api-client/dist/api.gen.d.ts). */
export interface NeonSnapshot {
  readonly id: string;
  readonly name: string;
  readonly source_branch_id?: string;
  readonly created_at: string;
  readonly expires_at?: string;
  readonly manual?: boolean;
}

export interface FakeNeonSnapshots {
  readonly url: string;
  readonly calls: Call[];
  /** Project id → its snapshots, expired ones included (the stand-in hides them as Neon deletes them). */
  readonly projects: Map<string, NeonSnapshot[]>;
  stop(): Promise<void>;
}

export async function startFakeNeonSnapshots(apiKey: string, now: () => Date = () => new Date()): Promise<FakeNeonSnapshots> {
  const calls: Call[] = [];
  const projects = new Map<string, NeonSnapshot[]>();
  const started = await serve((req, u) => {
    // Every request carries the key as a bearer token (the curl examples of
    // https://neon.com/docs/reference/api/snapshots/list-snapshots.md); anything else is 401.
    if (req.headers.authorization !== `Bearer ${apiKey}`) return [401, { message: "authentication required" }];
    // GET /projects/{project_id}/snapshots → 200 { snapshots: [...] } (list-snapshots.md).
    const list = /^\/projects\/([a-z0-9-]+)\/snapshots$/.exec(u.pathname);
    if (list && req.method === "GET") {
      const snapshots = projects.get(list[1]);
      if (!snapshots) return [404, { message: "project not found" }];
      // A snapshot past its retention is deleted automatically (retention_seconds,
      // https://neon.com/docs/reference/api/snapshots/set-snapshot-schedule.md): it is no longer listed.
      return [200, { snapshots: snapshots.filter((s) => s.expires_at === undefined || Date.parse(s.expires_at) > now().getTime()) }];
    }
    return [404, { message: `no route ${req.method} ${u.pathname}` }];
  }, calls);
  const server: Server = started.server;
  return { url: started.url, calls, projects, stop: () => new Promise<void>((r) => server.close(() => r())) };
}
