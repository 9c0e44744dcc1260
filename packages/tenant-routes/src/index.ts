/**
 * tenant-routes: how an application finds a tenant's database when the stack keeps
 * credentials in the tenant's region (`secretScope: region`).
 *
 * The stack commits a fleet manifest to the application repository
 * (`.github/tenant-fleet/<stack>.json`): per active tenant its AWS region and the SSM
 * parameter that holds its pooled connection string, and the ids of retired tenants. This
 * module reads the parameter from the tenant's region with the application's own AWS
 * credentials (its runtime role, granted by the stack output
 * `applicationCredentialsPolicy`), and keeps it in a small LRU cache with a TTL so a
 * rotated password is picked up without a restart. Unknown and retired tenants are
 * refused by name, never looked up.
 *
 * No Pulumi dependency: an application imports it with `@aws-sdk/client-ssm`.
 */
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";

/** The part of the manifest this module reads (src/plan/repository/manifest.ts writes all of it). */
export interface RouteManifest {
  /** 1, or 2 (migrations batches gained their wave; the tenants this module reads did not change). */
  readonly format: 1 | 2;
  readonly stack: string;
  readonly secretScope: string;
  readonly tenants: readonly {
    readonly id: string;
    readonly awsRegion: string;
    readonly credential: { readonly scope: string; readonly awsRegion?: string; readonly parameter?: string };
  }[];
  readonly retired: readonly string[];
}

export class UnknownTenantError extends Error {
  constructor(
    readonly tenantId: string,
    stack: string,
  ) {
    super(`tenant ${JSON.stringify(tenantId)} is not in the fleet manifest of stack ${stack}`);
    this.name = "UnknownTenantError";
  }
}

export class RetiredTenantError extends Error {
  constructor(readonly tenantId: string) {
    super(`tenant ${JSON.stringify(tenantId)} is retired: its database is kept, and nothing routes to it`);
    this.name = "RetiredTenantError";
  }
}

export interface TenantRoutesOptions {
  /** The fleet manifest, parsed (JSON.parse of the committed file, or the stack's output). */
  readonly manifest: unknown;
  /** An SSM client per region. @default new SSMClient({ region }) */
  readonly clientFor?: (awsRegion: string) => Pick<SSMClient, "send">;
  /** How long a connection string is kept. @default 300000 (5 min) */
  readonly ttlMs?: number;
  /** How many tenants' strings are kept at most (least recently used go first). @default 1000 */
  readonly maxEntries?: number;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

interface Route {
  readonly awsRegion: string;
  readonly parameter: string;
}

/** Checks the manifest's shape, so a wrong file fails at start-up, not on the first request. */
export function readManifest(value: unknown): RouteManifest {
  const m = value as Partial<RouteManifest> | null;
  const problem = (what: string) => new Error(`not a tenant-fleet manifest: ${what}`);
  if (!m || typeof m !== "object") throw problem("not an object");
  if (m.format !== 1 && m.format !== 2) throw problem(`format ${JSON.stringify(m.format)}, this module reads formats 1 and 2`);
  if (typeof m.stack !== "string" || !Array.isArray(m.tenants) || !Array.isArray(m.retired)) throw problem("stack, tenants or retired is missing");
  for (const t of m.tenants) {
    if (!t || typeof t.id !== "string" || typeof t.awsRegion !== "string" || !t.credential || typeof t.credential.scope !== "string")
      throw problem(`a tenant entry is malformed: ${JSON.stringify(t).slice(0, 80)}`);
  }
  return m as RouteManifest;
}

export class TenantRoutes {
  private readonly stack: string;
  private readonly routes = new Map<string, Route | { readonly scope: string }>();
  private readonly retired: ReadonlySet<string>;
  private readonly cache = new Map<string, { readonly url: string; readonly expires: number }>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly clients = new Map<string, Pick<SSMClient, "send">>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly clientFor: (awsRegion: string) => Pick<SSMClient, "send">;

  constructor(options: TenantRoutesOptions) {
    const manifest = readManifest(options.manifest);
    this.stack = manifest.stack;
    for (const t of manifest.tenants) {
      const c = t.credential;
      this.routes.set(t.id, c.scope === "region" && c.parameter ? { awsRegion: c.awsRegion ?? t.awsRegion, parameter: c.parameter } : { scope: c.scope });
    }
    this.retired = new Set(manifest.retired);
    this.ttlMs = options.ttlMs ?? 300_000;
    this.maxEntries = options.maxEntries ?? 1000;
    this.now = options.now ?? Date.now;
    this.clientFor = options.clientFor ?? ((region) => new SSMClient({ region }));
  }

  /** The tenant's pooled connection string. Throws UnknownTenantError, RetiredTenantError, or the SDK's error. */
  async getTenantDatabaseUrl(tenantId: string): Promise<string> {
    const route = this.routes.get(tenantId);
    if (!route) throw this.retired.has(tenantId) ? new RetiredTenantError(tenantId) : new UnknownTenantError(tenantId, this.stack);
    if (!("parameter" in route)) {
      throw new Error(
        `tenant ${JSON.stringify(tenantId)} keeps its connection string in GitHub (secretScope ${route.scope}); the application can read it only in the region scope (secretScope region)`,
      );
    }
    const hit = this.cache.get(tenantId);
    if (hit && hit.expires > this.now()) {
      // Most recently used last.
      this.cache.delete(tenantId);
      this.cache.set(tenantId, hit);
      return hit.url;
    }
    this.cache.delete(tenantId);
    const inFlight = this.pending.get(tenantId);
    if (inFlight) return inFlight;
    const request = this.read(route).then(
      (url) => {
        this.pending.delete(tenantId);
        this.cache.set(tenantId, { url, expires: this.now() + this.ttlMs });
        while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
        return url;
      },
      (e: unknown) => {
        this.pending.delete(tenantId);
        throw e;
      },
    );
    this.pending.set(tenantId, request);
    return request;
  }

  /** Forgets one tenant's string (after a failed connection, say), or all. */
  invalidate(tenantId?: string): void {
    if (tenantId === undefined) this.cache.clear();
    else this.cache.delete(tenantId);
  }

  /** How many strings are cached (for metrics and tests). */
  get cached(): number {
    return this.cache.size;
  }

  private async read(route: Route): Promise<string> {
    let client = this.clients.get(route.awsRegion);
    if (!client) {
      client = this.clientFor(route.awsRegion);
      this.clients.set(route.awsRegion, client);
    }
    const out = await client.send(new GetParameterCommand({ Name: route.parameter, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (!value) throw new Error(`parameter ${route.parameter} in ${route.awsRegion} has no value`);
    return value;
  }
}
