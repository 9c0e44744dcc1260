/**
 * `npm run tenant -- restore|export|erase`: the pure planners for export and erasure, and
 * the commands carrying out their plans against Neon's API on loopback (test/neonApiFake.ts,
 * responses in the shapes of Neon's API reference): which calls, in which order, with which
 * bodies, and the record each leaves, failures included. The parts that need Postgres and
 * S3 run in test/runtime/operations.test.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "./program";
import { runInProcess } from "./commands";
import { FAKE_NEON_KEY, startFakeNeonApi, type FakeNeonApi } from "./neonApiFake";
import { listingProblems, planErasure, prefixProblem, retentionClassPrefixesIn, type ErasureRequest, type ListedVersion } from "../src/operations/erase";
import { planExport } from "../src/operations/export";
import { ticketProblem, runOf } from "../src/catalog/record";
import { neonApi } from "../src/operations/neonApi";
import { deleteProjectIfPresent } from "../src/operations/tenantOperations";
import { CODE_DEFAULTS, type Tenant } from "../tenants/model";

const tenant = (over: Partial<Tenant> = {}): Tenant => ({
  id: "old-mill",
  name: "Old Mill Bakery",
  region: "aws-us-east-1",
  residency: "US",
  status: "retired",
  pgVersion: 17,
  generation: 1,
  historyRetentionHours: 24,
  compute: CODE_DEFAULTS.compute,
  quota: {},
  backup: CODE_DEFAULTS.backup,
  database: CODE_DEFAULTS.database,
  ...over,
});
const GLASS = "arn:aws:iam::123456789012:role/tenant-fleet-break-glass";

describe("planErasure", () => {
  const why = (r: ErasureRequest) => {
    const plan = planErasure(r);
    return plan.action === "refuse" ? plan.why : "";
  };
  const request = (over: Partial<ErasureRequest> = {}): ErasureRequest => ({
    tenant: tenant(),
    retentionClasses: [14, 30],
    vaultRegions: ["eu-central-1", "us-east-2"],
    objectLock: "governance",
    breakGlassPrincipal: GLASS,
    ...over,
  });

  it("deletes the project and every prefix the tenant's data can be under, as the break-glass role", () => {
    expect(planErasure(request())).toEqual({
      action: "erase",
      tenant: "old-mill",
      neonProject: { name: "Old Mill Bakery", regionId: "aws-us-east-1" },
      awsRegion: "us-east-1",
      prefixes: ["retain-14d/old-mill/", "retain-30d/old-mill/", "old-mill/", "exports/old-mill/"],
      // Every vault of the stack, its own added: a tenant that moved left backups behind.
      vaultRegions: ["eu-central-1", "us-east-1", "us-east-2"],
      bypassGovernance: true,
      role: GLASS,
      afterwards: [expect.stringMatching(/^remove old-mill's line from the tenants file, acknowledging the change "removal"/)],
    });
    expect(planErasure(request({ objectLock: "off" }))).toMatchObject({ bypassGovernance: false });
  });

  it("refuses an active tenant, a legal hold, a stack without break-glass and compliance-locked vaults, saying why", () => {
    expect(why(request({ tenant: tenant({ status: "active" }) }))).toMatch(/^old-mill is active: retire it first/);
    expect(why(request({ tenant: tenant({ legalHold: "Case 2026-114: litigation hold" }) }))).toBe(
      'old-mill is under legal hold ("Case 2026-114: litigation hold"): its data must be kept; remove legalHold in a reviewed change when the hold ends',
    );
    expect(why(request({ breakGlassPrincipal: undefined }))).toMatch(/names no breakGlassPrincipal/);
    expect(why(request({ objectLock: "compliance" }))).toMatch(
      /compliance mode: nobody can delete old-mill's backups before their retention ends \(up to 30 days/,
    );
  });
});

describe("erasure's checks before it deletes anything", () => {
  const GONE = tenant({ id: "gone-co", name: "Gone Co" });
  const listed = (prefix: string, ...keys: string[]): ListedVersion[] => keys.map((key) => ({ awsRegion: "us-east-1", bucket: "vault-use1", prefix, key }));

  it("refuses a prefix that is a top-level prefix of the vault layout (issue 31: a tenant retain-14d)", () => {
    for (const [id, holds] of [
      ["retain-14d", "every tenant's backups kept 14 days (a retention class)"],
      ["exports", "every tenant's exports"],
    ]) {
      const plan = planErasure({ tenant: tenant({ id }), retentionClasses: [14], vaultRegions: [], objectLock: "off", breakGlassPrincipal: GLASS });
      expect(plan).toEqual({
        action: "refuse",
        why: `the prefix ${id}/ is the vaults' own: it holds ${holds}, and erasing it would erase them; nothing is erased (the tenants file refuses such an id: tenants/rules/reservedIds.ts)`,
      });
    }
    expect(prefixProblem("")).toMatch(/is not a tenant's prefix/);
    expect(prefixProblem("retain-14d/old-mill/")).toBeUndefined();
  });

  it("accepts a listing of the tenant's own objects, each directly under its prefix", () => {
    expect(
      listingProblems(
        [
          ...listed("retain-14d/gone-co/", "retain-14d/gone-co/20261101T031700Z.dump", "retain-14d/gone-co/20261101T031700Z.manifest.json"),
          ...listed("gone-co/", "gone-co/20250101T000000Z.dump"),
          ...listed("exports/gone-co/", "exports/gone-co/20261101T031700Z.sql"),
        ],
        ["keep-co"],
      ),
    ).toEqual([]);
  });

  it("refuses a listing that holds another tenant's objects, a layout prefix's or any deeper path, naming each", () => {
    // What the vault lists under the old-layout prefix of a tenant retain-14d: keep-co's backups.
    expect(listingProblems(listed("retain-14d/", "retain-14d/keep-co/20261122T031705Z.dump"), ["keep-co"])).toEqual([
      "s3://vault-use1/retain-14d/keep-co/20261122T031705Z.dump (us-east-1) lies under retain-14d/keep-co/: tenant keep-co's objects",
    ]);
    expect(
      listingProblems(
        [
          ...listed("gone-co/", "gone-co/20250101T000000Z.dump", "gone-co/retain-14d/x.dump", "gone-co/misc/a", "other/x"),
          ...listed("exports/gone-co/", "exports/gone-co/keep-co/1.dump"),
        ],
        ["keep-co", GONE.id],
      ),
    ).toEqual([
      "s3://vault-use1/gone-co/retain-14d/x.dump (us-east-1) lies under gone-co/retain-14d/: the vault's retain-14d/ (every tenant's backups kept 14 days (a retention class))",
      "s3://vault-use1/gone-co/misc/a (us-east-1) lies under gone-co/misc/: a path below it, which no object of a tenant has",
      "s3://vault-use1/other/x (us-east-1) was listed under gone-co/ but lies outside it",
      "s3://vault-use1/exports/gone-co/keep-co/1.dump (us-east-1) lies under exports/gone-co/keep-co/: tenant keep-co's objects",
    ]);
  });
});

describe("planExport", () => {
  it("writes under exports/<id>/ in the tenant's own vault, with the stack's link and retention settings", () => {
    const at = new Date("2026-12-02T09:30:00Z");
    expect(planExport(tenant({ region: "aws-eu-central-1" }), "plain", at, { linkHours: 24, retentionDays: 7 })).toEqual({
      action: "export",
      tenant: "old-mill",
      format: "plain",
      awsRegion: "eu-central-1",
      stem: "exports/old-mill/20261202T093000Z",
      key: "exports/old-mill/20261202T093000Z.dump",
      plainKey: "exports/old-mill/20261202T093000Z.sql",
      linkSeconds: 86_400,
      retentionDays: 7,
    });
    expect(planExport(tenant(), "custom", at, { linkHours: 1, retentionDays: 30 }).plainKey).toBeUndefined();
  });
});

describe("operation records", () => {
  it("takes a ticket reference and nothing a shell or a log could misread", () => {
    expect(ticketProblem("SEC-1234")).toBeUndefined();
    expect(ticketProblem("https://tracker.example/issues/12")).toBeUndefined();
    expect(ticketProblem(undefined)).toMatch(/^--ticket is required/);
    for (const bad of ["a;b", "$(id)", "x\ny", " lead", "x".repeat(201)]) expect(ticketProblem(bad), bad).toMatch(/is not a ticket reference/);
  });

  it("names the run that carried it out", () => {
    expect(
      runOf({ GITHUB_RUN_ID: "7012345", GITHUB_RUN_ATTEMPT: "2", GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "example-saas/tenant-fleet" }),
    ).toEqual({
      id: 7012345,
      attempt: 2,
      url: "https://github.com/example-saas/tenant-fleet/actions/runs/7012345",
    });
    expect(runOf({})).toBeUndefined();
  });
});

describe("carrying out against Neon's API", () => {
  let neon: FakeNeonApi;
  const dir = mkdtempSync(path.join(tmpdir(), "tf-ops-"));
  const tenants = path.join(ROOT, "test/fixtures/operations-tenants.yaml");
  beforeAll(async () => {
    neon = await startFakeNeonApi();
  });
  afterAll(() => neon.stop());
  beforeEach(() => {
    neon.calls.length = 0;
    neon.projects.clear();
    neon.branches.clear();
    neon.addProject({ id: "quiet-lake-123456", name: "ACME Corp", region_id: "aws-eu-central-1", pg_version: 17, org_id: "org-quiet-river-40213377" });
    neon.addProject({ id: "dusty-mill-654321", name: "Old Mill Bakery", region_id: "aws-us-east-1", pg_version: 17, org_id: "org-quiet-river-40213377" });
  });

  // The command in this process (test/commands.ts), with the environment the process had: PATH and Neon's key, URL and polling.
  const run = (args: string[], env: Record<string, string> = {}) =>
    runInProcess(path.join(ROOT, "scripts/tenant.ts"), [...args, "--tenants", path.relative(ROOT, tenants)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NEON_API_KEY: FAKE_NEON_KEY, NEON_API_URL: neon.url, NEON_API_POLL_MS: "5", ...env },
      bareEnv: true,
    });
  const record = (file: string) => JSON.parse(readFileSync(file, "utf8"));

  it("restores a branch inside the window with Neon's restore, keeping the current state, and records it", async () => {
    const file = path.join(dir, "restore.json");
    const at = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const r = await run(["restore", "acme-corp", "--to", at, "--apply", "--ticket", "SEC-1234", "--record", file], {
      GITHUB_RUN_ID: "99",
      GITHUB_ACTOR: "ops-lead",
    });
    expect(r.stderr).toContain("no fleet catalog");
    expect(r.code, r.stderr).toBe(0);
    const body = neon.calls.find((c) => c.path.endsWith("/restore"))!.body as Record<string, string>;
    expect(neon.calls.map((c) => `${c.method} ${c.path.split("?")[0]}`)).toEqual([
      "GET /projects",
      "GET /projects/quiet-lake-123456/branches",
      "POST /projects/quiet-lake-123456/branches/br-quiet-lake-123456-main/restore",
      expect.stringMatching(/^GET \/projects\/quiet-lake-123456\/operations\/[0-9a-f-]+$/),
      expect.stringMatching(/^GET \/projects\/quiet-lake-123456\/operations\/[0-9a-f-]+$/),
    ]);
    expect(body).toEqual({
      source_branch_id: "br-quiet-lake-123456-main",
      source_timestamp: new Date(at).toISOString(),
      preserve_under_name: expect.stringMatching(/^main-before-restore-\d{8}t\d{6}z$/),
    });
    // The preserved branch holds the state before: the restore can be undone.
    expect([...neon.branches.values()].map((b) => b.name)).toContain(body.preserve_under_name);
    expect(record(file)).toMatchObject({
      format: 1,
      kind: "restore",
      tenant: "acme-corp",
      stack: "prod",
      ticket: "SEC-1234",
      requestedBy: "ops-lead",
      run: { id: 99, attempt: 1 },
      result: "ok",
      plan: { action: "branch-restore", branch: "main" },
      detail: { project: "quiet-lake-123456", branch: "br-quiet-lake-123456-main", preservedAs: body.preserve_under_name },
    });
  });

  it("records a failed operation as failed, with Neon's error, and exits 1", async () => {
    neon.failNextOperation = true;
    const file = path.join(dir, "failed.json");
    const r = await run(["restore", "acme-corp", "--to", "0/16B3748", "--apply", "--ticket", "SEC-1", "--record", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Neon's operation restore_branch \([0-9a-f-]+\) on quiet-lake-123456 failed: injected failure/);
    expect(record(file)).toMatchObject({ result: "failed", error: expect.stringMatching(/injected failure/), plan: { source: { lsn: "0/16B3748" } } });
  });

  it("operates only on the project Pulumi tracks, and only when Neon agrees it is the tenant's", async () => {
    const outputs = path.join(dir, "outputs.json");
    writeFileSync(outputs, JSON.stringify({ databasesByTenant: { "acme-corp": { projectId: "dusty-mill-654321" } }, backupVaults: {} }));
    const r = await run(["restore", "acme-corp", "--to", "0/1", "--apply", "--ticket", "SEC-2", "--outputs", outputs]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the stack's outputs name dusty-mill-654321 as acme-corp's project, but Neon says it is \"Old Mill Bakery\" in aws-us-east-1");
    expect(neon.calls.some((c) => c.method === "POST")).toBe(false);
    // A retried create's duplicate: two projects of the name, and no guess which one.
    neon.addProject({ id: "quiet-lake-999999", name: "ACME Corp", region_id: "aws-eu-central-1", pg_version: 17, org_id: "org-quiet-river-40213377" });
    const twice = await run(["restore", "acme-corp", "--to", "0/1", "--apply", "--ticket", "SEC-2"]);
    expect(twice.stderr).toMatch(/2 Neon projects are named "ACME Corp" \(quiet-lake-123456, quiet-lake-999999\)/);
    expect(neon.calls.some((c) => c.method === "POST")).toBe(false);
  });

  it("refuses to erase a tenant under legal hold or still active, and touches nothing", async () => {
    const held = await run(["erase", "held-co", "--apply", "--ticket", "GDPR-77"]);
    expect([held.code, held.stdout.trim()]).toEqual([
      1,
      'cannot erase: held-co is under legal hold ("Case 2026-114: litigation hold until the appeal ends"): its data must be kept; remove legalHold in a reviewed change when the hold ends',
    ]);
    const active = await run(["erase", "acme-corp", "--apply", "--ticket", "GDPR-77"]);
    expect(active.stdout).toMatch(/^cannot erase: acme-corp is active: retire it first/);
    expect(neon.calls).toEqual([]);
  });

  it("reads a project as gone only when Neon has none of the tenant by id AND none by name (issue 32, finding 7)", async () => {
    process.env.NEON_API_KEY = FAKE_NEON_KEY;
    const api = neonApi("test", neon.url);
    const oldMill = tenant();
    // The outputs name an id Neon does not know, while "Old Mill Bakery" exists under another id.
    await expect(deleteProjectIfPresent(api, oldMill, undefined, { projectId: "stale-id-111111" })).rejects.toThrow(
      "Neon has no project stale-id-111111, the project the stack's outputs name for old-mill, but dusty-mill-654321 (aws-us-east-1) is named \"Old Mill Bakery\": it may be old-mill's, created again or imported under another id. Find out which project the stack tracks (pulumi refresh, then npm run fleet -- orphans) and run again with fresh outputs; nothing was deleted",
    );
    expect(neon.projects.has("dusty-mill-654321")).toBe(true);
    expect(neon.calls.some((c) => c.method === "DELETE")).toBe(false);
    // Behind 400 others whose names contain it (Neon's search matches part of a name): found on the second page.
    neon.projects.delete("dusty-mill-654321");
    for (let i = 0; i < 400; i++)
      neon.addProject({
        id: `mill-copy-${i}`,
        name: `Old Mill Bakery copy ${i}`,
        region_id: "aws-us-east-1",
        pg_version: 17,
        org_id: "org-quiet-river-40213377",
      });
    neon.addProject({ id: "dusty-mill-654321", name: "Old Mill Bakery", region_id: "aws-us-east-1", pg_version: 17, org_id: "org-quiet-river-40213377" });
    await expect(deleteProjectIfPresent(api, oldMill, undefined, { projectId: "stale-id-111111" })).rejects.toThrow(
      /but dusty-mill-654321 \(aws-us-east-1\) is named "Old Mill Bakery"/,
    );
    // Gone by id and by name: gone.
    neon.projects.delete("dusty-mill-654321");
    expect(await deleteProjectIfPresent(api, oldMill, undefined, { projectId: "stale-id-111111" })).toEqual({
      project: null,
      note: "no project left to delete (an earlier run deleted it)",
    });
  });

  it("an erasure whose outputs name a project Neon no longer has, while one of the tenant's name exists, refuses before anything is deleted", async () => {
    const outputs = path.join(dir, "outputs-stale.json");
    writeFileSync(
      outputs,
      JSON.stringify({
        databasesByTenant: { "old-mill": { projectId: "stale-id-111111" } },
        backupVaults: { "us-east-1": { bucket: "vault-use1" }, "us-east-2": { bucket: "vault-use2" }, "eu-central-1": { bucket: "vault-euc1" } },
      }),
    );
    const file = path.join(dir, "erase-stale.json");
    // S3 is unreachable: the refusal comes before any request to it.
    const r = await run(["erase", "old-mill", "--apply", "--ticket", "GDPR-78", "--outputs", outputs, "--record", file], {
      AWS_ACCESS_KEY_ID: "none",
      AWS_SECRET_ACCESS_KEY: "none",
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    });
    expect(r.code).toBe(1);
    expect(record(file)).toMatchObject({
      kind: "erase",
      result: "failed",
      error: expect.stringMatching(/^Neon has no project stale-id-111111, .* but dusty-mill-654321 \(aws-us-east-1\) is named "Old Mill Bakery"/),
    });
    expect(neon.projects.has("dusty-mill-654321")).toBe(true);
    expect(neon.calls.some((c) => c.method === "DELETE")).toBe(false);
  });

  it("refuses to erase a moved tenant while its project from before the move is still in Neon, before anything is deleted", async () => {
    neon.addProject({ id: "moved-mill-222222", name: "Moved Mill [g2]", region_id: "aws-us-east-2", pg_version: 17, org_id: "org-quiet-river-40213377" });
    // The move's released source, never deleted (move --finish was not run): the tenant's data, outside the stack.
    neon.addProject({ id: "moved-mill-111111", name: "Moved Mill", region_id: "aws-us-east-1", pg_version: 17, org_id: "org-quiet-river-40213377" });
    const outputs = path.join(dir, "outputs-moved.json");
    writeFileSync(
      outputs,
      JSON.stringify({
        databasesByTenant: { "moved-mill": { projectId: "moved-mill-222222" } },
        backupVaults: { "us-east-1": { bucket: "vault-use1" }, "us-east-2": { bucket: "vault-use2" }, "eu-central-1": { bucket: "vault-euc1" } },
      }),
    );
    const file = path.join(dir, "erase-moved.json");
    const r = await run(["erase", "moved-mill", "--apply", "--ticket", "GDPR-79", "--outputs", outputs, "--record", file], {
      AWS_ACCESS_KEY_ID: "none",
      AWS_SECRET_ACCESS_KEY: "none",
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    });
    expect(r.code).toBe(1);
    expect(record(file)).toMatchObject({
      result: "failed",
      error:
        "Neon still holds moved-mill-111111 \"Moved Mill\" (aws-us-east-1, generation 1): moved-mill's project before a move, which the stack no longer tracks and which holds the tenant's data; delete it first (npm run tenant -- move moved-mill --finish deletes a released source; else in Neon's console, after checking it is the tenant's), then erase again; nothing was deleted",
    });
    expect(neon.calls.some((c) => c.method === "DELETE")).toBe(false);
  });

  it("needs a ticket and the stack's outputs before it erases anything", async () => {
    const noTicket = await run(["erase", "old-mill", "--apply"]);
    expect([noTicket.code, noTicket.stderr.split("\n")[0]]).toEqual([
      2,
      "--ticket is required: the change or erasure request this operation carries out (e.g. --ticket SEC-1234)",
    ]);
    const file = path.join(dir, "erase-no-vault.json");
    const noVault = await run(["erase", "old-mill", "--apply", "--ticket", "GDPR-77", "--record", file]);
    expect(noVault.code).toBe(1);
    expect(record(file)).toMatchObject({
      kind: "erase",
      result: "failed",
      error: expect.stringMatching(/^the vault of us-east-1 is not known: pass --outputs FILE/),
    });
    // Outputs that name the tenant's own vault but not every vault of the stack: an erasure there would be incomplete.
    const partial = path.join(dir, "outputs-partial.json");
    writeFileSync(
      partial,
      JSON.stringify({ databasesByTenant: { "old-mill": { projectId: "dusty-mill-654321" } }, backupVaults: { "us-east-1": { bucket: "vault-use1" } } }),
    );
    const incomplete = await run(["erase", "old-mill", "--apply", "--ticket", "GDPR-77", "--outputs", partial, "--record", file]);
    expect(incomplete.code).toBe(1);
    expect(record(file)).toMatchObject({
      result: "failed",
      error:
        "the vault of eu-central-1, us-east-2 is not known: pass --outputs FILE (pulumi stack output --json > FILE, after pulumi up), whose backupVaults names every vault of the stack; old-mill's prefixes are erased in each, so nothing was deleted",
    });
    expect(neon.projects.has("dusty-mill-654321")).toBe(true);
  });
});

describe("the retention classes a vault holds (erasure, review finding 9a)", () => {
  it("gives the tenant's prefix in every retain-<days>d/ the vault lists at its top, declared or not, and nothing for other top-level prefixes", () => {
    expect(retentionClassPrefixesIn(["retain-30d/", "exports/", "acme/", "retain-14d/", "retain-d/", "retain-7days/", "retain-14d/"], "gone-co")).toEqual([
      "retain-14d/gone-co/",
      "retain-30d/gone-co/",
    ]);
    expect(retentionClassPrefixesIn([], "gone-co")).toEqual([]);
  });
});
