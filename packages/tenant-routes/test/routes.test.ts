/**
 * The application's resolver against AWS SDK v3 client mocks (aws-sdk-client-mock): the
 * request it sends, the region it sends it to, its cache, and what it refuses. The
 * manifest comes from the stack's own manifest builder, so the two cannot drift.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { GetParameterCommand, ParameterNotFound, SSMClient } from "@aws-sdk/client-ssm";
import { readManifest, RetiredTenantError, TenantRoutes, UnknownTenantError } from "../src";
import { fleetManifest } from "../../../src/plan/repository/manifest";
import { credentialParameter } from "../../../src/core/repositoryContract";
import { parseTenants } from "../../../tenants/load";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const file = path.resolve(__dirname, "../../../tenants/tenants.yaml");
const loaded = parseTenants(readFileSync(file, "utf8"), "tenants/tenants.yaml");
if (!loaded.fleet) throw new Error("the sample tenants file does not load");
const tenants = loaded.fleet.tenants;
const manifestOf = (scope: "region" | "repository") =>
  JSON.parse(
    JSON.stringify(
      fleetManifest(
        tenants,
        { stack: "prod", source: "tenants/tenants.yaml", scope, batchSize: 25, migrations: false },
        new Map(tenants.map((t) => [t.id, `ep-${t.id}.neon.tech`])),
      ),
    ),
  );

const clients = new Map<string, SSMClient>();
const mocks = new Map<string, ReturnType<typeof mockClient>>();
function clientFor(region: string): SSMClient {
  const client = new SSMClient({ region, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const mock = mockClient(client);
  mock.on(GetParameterCommand).callsFake((input: { Name: string }) => ({
    Parameter: { Name: input.Name, Value: `postgresql://app:pw@${region}.example/${input.Name.split("/")[3]}`, Type: "SecureString" },
  }));
  clients.set(region, client);
  mocks.set(region, mock);
  return client;
}
afterEach(() => {
  for (const m of mocks.values()) m.restore();
  clients.clear();
  mocks.clear();
});

describe("TenantRoutes", () => {
  it("reads the tenant's pooled string from its own region, decrypted", async () => {
    const routes = new TenantRoutes({ manifest: manifestOf("region"), clientFor });
    expect(await routes.getTenantDatabaseUrl("acme-corp")).toBe("postgresql://app:pw@eu-central-1.example/acme-corp");
    expect(await routes.getTenantDatabaseUrl("northwind")).toBe("postgresql://app:pw@us-east-2.example/northwind");
    expect([...mocks.keys()].sort()).toEqual(["eu-central-1", "us-east-2"]);
    const sent = mocks.get("eu-central-1")!.commandCalls(GetParameterCommand)[0].args[0].input;
    expect(sent).toEqual({ Name: credentialParameter("prod", "acme-corp", "pooled"), WithDecryption: true });
  });

  it("answers from its cache until the TTL passes, then reads again", async () => {
    let now = 1_000;
    const routes = new TenantRoutes({ manifest: manifestOf("region"), clientFor, ttlMs: 60_000, now: () => now });
    await routes.getTenantDatabaseUrl("acme-corp");
    now += 59_999;
    await routes.getTenantDatabaseUrl("acme-corp");
    expect(mocks.get("eu-central-1")!.commandCalls(GetParameterCommand)).toHaveLength(1);
    now += 2;
    await routes.getTenantDatabaseUrl("acme-corp");
    expect(mocks.get("eu-central-1")!.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it("keeps at most maxEntries strings, dropping the least recently used", async () => {
    const routes = new TenantRoutes({ manifest: manifestOf("region"), clientFor, maxEntries: 2 });
    await routes.getTenantDatabaseUrl("acme-corp");
    await routes.getTenantDatabaseUrl("brightwave");
    await routes.getTenantDatabaseUrl("acme-corp"); // acme-corp is now the most recent
    await routes.getTenantDatabaseUrl("northwind"); // evicts brightwave
    expect(routes.cached).toBe(2);
    await routes.getTenantDatabaseUrl("acme-corp");
    expect(
      mocks
        .get("eu-central-1")!
        .commandCalls(GetParameterCommand)
        .map((c) => c.args[0].input.Name),
    ).toEqual([credentialParameter("prod", "acme-corp", "pooled"), credentialParameter("prod", "brightwave", "pooled")]);
    await routes.getTenantDatabaseUrl("brightwave");
    expect(mocks.get("eu-central-1")!.commandCalls(GetParameterCommand)).toHaveLength(3);
  });

  it("sends one request for concurrent callers of one tenant", async () => {
    const routes = new TenantRoutes({ manifest: manifestOf("region"), clientFor });
    const urls = await Promise.all(Array.from({ length: 20 }, () => routes.getTenantDatabaseUrl("acme-corp")));
    expect(new Set(urls).size).toBe(1);
    expect(mocks.get("eu-central-1")!.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it("refuses unknown and retired tenants without asking AWS", async () => {
    const routes = new TenantRoutes({ manifest: manifestOf("region"), clientFor });
    await expect(routes.getTenantDatabaseUrl("nobody")).rejects.toBeInstanceOf(UnknownTenantError);
    await expect(routes.getTenantDatabaseUrl("old-mill")).rejects.toBeInstanceOf(RetiredTenantError);
    await expect(routes.getTenantDatabaseUrl("old-mill")).rejects.toThrow('tenant "old-mill" is retired');
    expect(mocks.size).toBe(0);
  });

  it("passes the SDK's error on and does not cache it", async () => {
    const failing = (region: string) => {
      const client = clientFor(region);
      mocks
        .get(region)!
        .on(GetParameterCommand)
        .rejects(new ParameterNotFound({ message: "gone", $metadata: {} }));
      return client;
    };
    const routes = new TenantRoutes({ manifest: manifestOf("region"), clientFor: failing });
    await expect(routes.getTenantDatabaseUrl("acme-corp")).rejects.toBeInstanceOf(ParameterNotFound);
    expect(routes.cached).toBe(0);
    await expect(routes.getTenantDatabaseUrl("acme-corp")).rejects.toBeInstanceOf(ParameterNotFound);
    expect(mocks.get("eu-central-1")!.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it("says why it cannot resolve a tenant whose string is a GitHub secret", async () => {
    const routes = new TenantRoutes({ manifest: manifestOf("repository"), clientFor });
    await expect(routes.getTenantDatabaseUrl("acme-corp")).rejects.toThrow("keeps its connection string in GitHub (secretScope repository)");
  });

  it("refuses a file that is not a manifest at start-up", () => {
    expect(() => readManifest({ format: 3 })).toThrow("format 3, this module reads formats 1 and 2");
    expect(() => readManifest(null)).toThrow("not an object");
    expect(() => new TenantRoutes({ manifest: { format: 1, stack: "p", tenants: [{ id: 3 }], retired: [] } })).toThrow("a tenant entry is malformed");
  });
});
