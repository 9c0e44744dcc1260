/**
 * Adopting existing Neon projects: the binding in the tenants file (schema, rules, review), the
 * stand-in's rules, the reader's pacing and retries, the ids, and `npm run fleet -- adopt` as a
 * user runs it, with `npm run plan -- --json` showing the import.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "@neondatabase/api-client";
import { parseTenants } from "../tenants/load";
import { moveTarget } from "../tenants/serving";
import { diffFleets } from "../src/review/diff";
import { otherStackTenants } from "../src/engine/otherStacks";
import { ACKNOWLEDGEABLE_CHANGES } from "../tenants/changeKinds";
import { chooseId, slugOf } from "../src/operations/adopt/ids";
import { NeonReader, retryAfterMs } from "../src/operations/adopt/reader";
import { importDifferences, importedState } from "../src/operations/adopt/providerState";
import { notExpressible } from "../src/operations/adopt/adoption";
import type { Fleet } from "../tenants/model";
import { formatProblem } from "../src/core/diagnostics/problems";
import { ACME, NORTHWIND, fleetYaml } from "./helpers";
import { ROOT } from "./program";
import { runInProcess } from "./commands";
import { startNeonOrgStandIn, STAND_IN_KEY, type NeonOrgStandIn } from "./adopt/neonOrgStandIn";
import { adoptableShape, ORG, projectOf } from "./adopt/org";

const BOUND = { ...ACME, neonProjectId: "quiet-cell-31746257" };
const fleetOf = (text: string): Fleet => {
  const r = parseTenants(text, "tenants.yaml");
  if (!r.fleet) throw new Error(r.problems.map(formatProblem).join("\n"));
  return r.fleet;
};
const side = (text: string) => ({ fleet: fleetOf(text), stack: { protect: true } });
const errors = (text: string) =>
  parseTenants(text, "tenants.yaml")
    .problems.filter((p) => p.severity === "error")
    .map(formatProblem);

describe("the binding in the tenants file", () => {
  it("is a Neon project id, unique in the file, for the tenant's first generation only, never a default", () => {
    expect(fleetOf(fleetYaml([BOUND])).tenants[0].neonProjectId).toBe("quiet-cell-31746257");
    expect(errors(fleetYaml([{ ...ACME, neonProjectId: "Quiet_Cell" }]))).toEqual([
      'tenants.yaml:8:20: tenants[0].neonProjectId: "Quiet_Cell" is not allowed; a Neon project id is lowercase letters, digits and hyphens (at most 60), e.g. shiny-cell-31746257',
    ]);
    expect(errors(fleetYaml([BOUND, { ...NORTHWIND, neonProjectId: BOUND.neonProjectId }]))).toEqual([
      "tenants.yaml:14:20: tenants[1].neonProjectId: the Neon project quiet-cell-31746257 is already bound to tenants[0]; a project belongs to one tenant, remove one of the bindings",
    ]);
    expect(errors(fleetYaml([{ ...BOUND, generation: "2" } as never]))[0]).toMatch(/generation 1.*remove neonProjectId when finishing the move/);
    expect(errors(fleetYaml([ACME], "defaults:\n  neonProjectId: quiet-cell-31746257\n"))[0]).toMatch(/neonProjectId/);
  });

  it("stays with the tenant's own project: a move's target is created, not imported", () => {
    const t = fleetOf(
      fleetYaml([BOUND]).replace("status: active", "status: active\n    move: { region: aws-eu-central-1, pgVersion: 18, ticket: CHG-1234567 }"),
    ).tenants[0];
    expect(t.neonProjectId).toBe(BOUND.neonProjectId);
    expect(moveTarget(t)).not.toHaveProperty("neonProjectId");
  });

  it("is its own safe change kind when a tenant is added with it; rebinding is destructive, unbinding for review", () => {
    const base = side(fleetYaml([ACME]));
    const added = diffFleets(base, side(fleetYaml([ACME, { ...NORTHWIND, neonProjectId: "bold-leaf-10000000" }])));
    expect(added.tenants).toMatchObject([
      { id: "northwind", change: "adopted", changes: [{ class: "safe", why: expect.stringMatching(/imports the existing Neon project bold-leaf-10000000/) }] },
    ]);
    expect(added.summary).toMatchObject({ added: 0, adopted: 1, destructive: 0 });

    const bound = diffFleets(base, side(fleetYaml([BOUND])));
    expect(bound.tenants[0].changes).toMatchObject([{ field: "neonProjectId", class: "destructive", kind: "binding" }]);
    expect(ACKNOWLEDGEABLE_CHANGES).toContain("binding");
    const moved = diffFleets(side(fleetYaml([BOUND])), side(fleetYaml([{ ...BOUND, neonProjectId: "misty-dawn-20000000" }])));
    expect(moved.tenants[0].changes).toMatchObject([
      { class: "destructive", kind: "binding", why: expect.stringMatching(/from quiet-cell-31746257 to misty-dawn-20000000/) },
    ]);
    const dropped = diffFleets(side(fleetYaml([BOUND])), side(fleetYaml([ACME])));
    expect(dropped.tenants[0].changes).toMatchObject([{ class: "review" }]);
    expect(dropped.summary).toMatchObject({ destructive: 0, review: 1 });
  });

  it("is not a safe adoption when another stack binds the project or declares a tenant of that name in that region (hostile review)", () => {
    const base = side(fleetYaml([ACME]));
    const head = side(fleetYaml([ACME, { ...NORTHWIND, neonProjectId: "bold-leaf-10000000" }]));
    const other = { stack: "beta", file: "tenants/beta.yaml", region: NORTHWIND.region };
    // Bound to the same project in another stack's file.
    const bound = diffFleets(base, { ...head, otherStacks: [{ ...other, id: "nw", name: "Other", neonProjectId: "bold-leaf-10000000" }] });
    expect(bound.tenants[0].changes).toMatchObject([
      { field: "neonProjectId", class: "destructive", kind: "binding", why: expect.stringMatching(/bound in stack beta \(tenants\/beta.yaml\) to tenant nw/) },
    ]);
    expect(bound.summary).toMatchObject({ adopted: 1, destructive: 1, unacknowledged: 1 });
    // Created by another stack under the tenant's name, in its region (its id lives only in that stack's state).
    const named = diffFleets(base, { ...head, otherStacks: [{ ...other, id: "northwind-eu", name: NORTHWIND.name.toUpperCase() }] });
    expect(named.tenants[0].changes).toMatchObject([{ class: "destructive", kind: "binding", why: expect.stringMatching(/declares tenant northwind-eu/) }]);
    // The same name in another region, or another project bound elsewhere: a safe adoption still.
    const elsewhere = diffFleets(base, {
      ...head,
      otherStacks: [
        { ...other, id: "a", name: NORTHWIND.name, region: "aws-eu-central-1" },
        { ...other, id: "b", name: "B", neonProjectId: "misty-dawn-20000000" },
      ],
    });
    expect(elsewhere.tenants[0].changes).toMatchObject([{ class: "safe" }]);
    // An acknowledgement of the binding accepts it, as for the other destructive kinds.
    const acked = fleetYaml([ACME, { ...NORTHWIND, neonProjectId: "bold-leaf-10000000" }]).replace(
      "tenants:",
      'acknowledgements:\n  - { tenant: northwind, change: binding, reason: "CHG-2026-0042: checked in the Neon console, no stack manages it" }\ntenants:',
    );
    const accepted = diffFleets(base, { ...side(acked), otherStacks: [{ ...other, id: "nw", name: "Other", neonProjectId: "bold-leaf-10000000" }] });
    expect(accepted.summary).toMatchObject({ destructive: 1, unacknowledged: 0 });
  });

  it("reads the other stacks' tenants from the trusted side (this checkout, or the base ref through git)", () => {
    const fromProd = otherStackTenants(ROOT, "prod");
    expect(fromProd.length).toBeGreaterThan(0);
    expect(new Set(fromProd.map((t) => t.stack))).toEqual(new Set(["dev"]));
    expect(fromProd[0]).toMatchObject({ file: "tenants/tenants.dev.yaml" });
    expect(otherStackTenants(ROOT, "prod", "HEAD").map((t) => t.id)).toEqual(fromProd.map((t) => t.id));
  });
});

describe("ids for adopted projects", () => {
  it("slugs names, keeps the tenants file's rules and stays unique", () => {
    expect(slugOf("Café & Co — Zürich")).toBe("cafe-co-zurich");
    const taken = new Set(["acme-corp"]);
    expect(chooseId("ACME Corp", "p-1", taken)).toEqual({ id: "acme-corp-2", note: "acme-corp is already taken" });
    expect(chooseId("Exports", "p-2", taken)).toEqual({ id: "exports-2", note: "exports is reserved" });
    expect(chooseId("GitHub", "p-3", taken).id).toBe("t-github");
    expect(chooseId("1&1 Telecom", "p-4", taken).id).toBe("t-1-1-telecom");
    expect(chooseId("Ünïcödé Werke", "p-5", taken)).toEqual({ id: "unicode-werke" });
    expect(chooseId("ünicode werke", "p-6", taken).id).toBe("unicode-werke-2");
    expect(chooseId("—", "shiny-cell-31746257", taken).id).toBe("shiny-cell-31746257");
    expect(chooseId("x".repeat(60), "p-7", taken).id).toHaveLength(40);
  });
});

describe("what an import compares (kislerdm/neon 0.18.0's read, Pulumi's import check)", () => {
  const observed = projectOf(3, adoptableShape(3));
  const state = importedState(observed);
  const program = {
    name: observed.project.name,
    regionId: observed.project.region_id,
    pgVersion: observed.project.pg_version,
    orgId: ORG,
    historyRetentionSeconds: observed.project.history_retention_seconds,
    autoscalingLimitMinCu: 1,
    autoscalingLimitMaxCu: 8,
    suspendTimeoutSeconds: -1,
    primaryCompute: { autoscalingLimitMinCu: 1, autoscalingLimitMaxCu: 8, suspendTimeoutSeconds: -1 },
    branch: { name: "main", databaseName: "neondb", roleName: "neondb_owner" },
  };

  it("finds nothing when the program states the project, and each difference otherwise", () => {
    expect(importDifferences(program, state)).toEqual([]);
    expect(importDifferences({ ...program, orgId: undefined }, state)).toEqual([]);
    expect(importDifferences({ ...program, pgVersion: 18 }, state)).toEqual([{ input: "pgVersion", program: 18, neon: 15 }]);
  });

  it("compares the provider's defaults and the settings it reads back that the program leaves unset", () => {
    const noPasswords = structuredClone(observed);
    noPasswords.project.store_passwords = false;
    expect(importDifferences(program, importedState(noPasswords))).toEqual([{ input: "storePassword", program: "yes", neon: "no" }]);
    const logical = structuredClone(observed);
    logical.project.settings!.enable_logical_replication = true;
    expect(importDifferences(program, importedState(logical))).toEqual([{ input: "enableLogicalReplication", program: undefined, neon: "yes" }]);
    const { historyRetentionSeconds: _h, ...withoutRetention } = program;
    expect(importDifferences(withoutRetention, state)).toEqual([{ input: "historyRetentionSeconds", program: 86_400, neon: 3700 }]);
  });

  it("refuses, with the reason, every project whose import would differ", () => {
    const logical = structuredClone(observed);
    logical.project.settings!.enable_logical_replication = true;
    expect(notExpressible(logical, ORG, ["US", "EU"])).toMatch(/enable_logical_replication is on/);
    expect(notExpressible(observed, ORG, ["US", "EU"])).toBeUndefined();
    expect(notExpressible(observed, "org-other-1", undefined)).toMatch(/belongs to org-quiet-river-40213377, not org-other-1/);
  });
});

describe("the stand-in of Neon's API", () => {
  let neon: NeonOrgStandIn;
  let clock = 0;
  beforeAll(async () => {
    neon = await startNeonOrgStandIn(ORG, { now: () => clock });
    for (let i = 0; i < 401; i++) {
      const p = projectOf(i, adoptableShape(i));
      neon.projects.set(p.project.id, p);
    }
  });
  afterAll(() => neon.stop());
  const get = (p: string, key = STAND_IN_KEY) => fetch(`${neon.url}${p}`, { headers: { authorization: `Bearer ${key}` } });

  it("rule 1: refuses a call without the key", async () => {
    expect((await get("/projects", "wrong")).status).toBe(401);
  });

  it("rule 2: pages by cursor, 1 to 400 a page", async () => {
    clock += 120_000;
    expect((await get(`/projects?org_id=${ORG}&limit=401`)).status).toBe(400);
    const first = (await (await get(`/projects?org_id=${ORG}&limit=400`)).json()) as { projects: { id: string }[]; pagination: { cursor: string } };
    const second = (await (await get(`/projects?org_id=${ORG}&limit=400&cursor=${first.pagination.cursor}`)).json()) as { projects: { id: string }[] };
    expect([first.projects.length, second.projects.length]).toEqual([400, 1]);
    expect(new Set([...first.projects, ...second.projects].map((p) => p.id)).size).toBe(401);
    expect(((await (await get("/projects")).json()) as { projects: unknown[] }).projects).toHaveLength(0);
  });

  it("rule 3: 40 a second on a route, 700 a minute, then 429 with Retry-After", async () => {
    clock += 120_000;
    const id = [...neon.projects.keys()][0];
    const statuses = [];
    for (let i = 0; i < 41; i++) statuses.push((await get(`/projects/${id}`)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    const refused = await get(`/projects/${id}`);
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([429, "1"]);
    clock += 1000;
    expect((await get(`/projects/${id}`)).status).toBe(200);
    clock += 120_000;
    let ok = 0;
    for (let i = 0; i < 701; i++) {
      if (i % 40 === 0) clock += 1000;
      if ((await get(`/projects/${id}/branches`)).status === 200) ok++;
    }
    expect(ok).toBe(700);
    expect(Number((await get(`/projects/${id}`)).headers.get("retry-after"))).toBeGreaterThan(1);
  });

  it("is read over every page, retrying each 429 after its Retry-After", async () => {
    clock += 120_000;
    const waits: number[] = [];
    const reader = new NeonReader(createApiClient({ apiKey: STAND_IN_KEY, baseURL: neon.url }), {
      requestsPerMinute: 700,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    expect(await reader.listProjects(ORG)).toHaveLength(401);
    const id = [...neon.projects.keys()][0];
    for (let i = 0; i < 40; i++) await get(`/projects/${id}`);
    const o = await reader.readProject(id);
    expect(o.databases[0].name).toBe("app");
    expect(reader.stats).toMatchObject({ calls: 7, retries: 1 });
    expect(waits).toContain(1000);
  });

  it("the reader gives up after its retries, or on a wait longer than it takes, naming the call", async () => {
    const refusing = { getProject: () => Promise.reject({ response: { status: 429, headers: { "retry-after": "3" }, data: { message: "slow down" } } }) };
    const sleep = async () => undefined;
    const bounded = new NeonReader(refusing as never, { maxRetries: 2, sleep });
    await expect(bounded.readProject("p-1")).rejects.toThrow("Neon's API could not read the project p-1: HTTP 429: slow down (after 2 retries)");
    expect(bounded.stats).toMatchObject({ calls: 3, retries: 2, waitedMs: 6000 });
    await expect(new NeonReader(refusing as never, { maxWaitSeconds: 2, sleep }).readProject("p-1")).rejects.toThrow("asked to wait 3 s");
    expect(retryAfterMs("120", 0)).toBe(120_000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(retryAfterMs("soon", 0)).toBeUndefined();
  });
});

describe("npm run fleet -- adopt", () => {
  let neon: NeonOrgStandIn;
  beforeAll(async () => {
    neon = await startNeonOrgStandIn(ORG);
    for (let i = 0; i < 6; i++) {
      const p = projectOf(i, adoptableShape(i));
      neon.projects.set(p.project.id, p);
    }
  });
  afterAll(() => neon.stop());
  // The command in this process (test/commands.ts), with the environment the process had: PATH, the stand-in's key and URL.
  const run = (args: string[], env: Record<string, string> = {}) =>
    runInProcess(path.join(ROOT, "scripts/fleet.ts"), ["adopt", ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NEON_API_KEY: STAND_IN_KEY, NEON_API_URL: neon.url, ...env },
      bareEnv: true,
    });

  it("writes the file, prints the mapping, refuses to overwrite it, and the plan imports each project", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "adopt-cli-"));
    const out = path.join(dir, "adopted.yaml");
    const r = await run(["--org", ORG, "--stack", "prod", "--out", out, "--requests-per-minute", "700"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Neon organisation ${ORG}: 6 project(s) listed; 6 adopted into ${out}, 0 left out`);
    expect(r.stdout).toMatch(/adopted {3}\S+ {2}"Acme GmbH 0" → acme-gmbh-0\n/);
    expect(r.stdout).toMatch(/^25 API call\(s\)/m);
    expect(readFileSync(out, "utf8")).toMatch(/^# yaml-language-server: \$schema=.*tenants\/tenants\.schema\.json\n/);

    const again = await run(["--org", ORG, "--out", out]);
    expect([again.code, again.stderr]).toEqual([2, `${out} exists; pass --force to overwrite it, or choose another --out\n`]);
    expect((await run(["--org", ORG, "--out", out, "--force", "--json"])).code).toBe(0);

    const plan = spawnSync(
      process.execPath,
      [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/plan.ts"), "--tenants", out, "--allow-outside-project", "--json"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, NEON_API_KEY: "" } },
    );
    expect(plan.stderr).toBe("");
    const doc = JSON.parse(plan.stdout) as { resources: { type: string; options: { import?: string } }[] };
    const imports = doc.resources.filter((x) => x.type === "neon:index/project:Project").map((x) => x.options.import);
    expect(imports.sort()).toEqual([...neon.projects.keys()].sort());
  }, 120_000);

  it("says what is missing or wrong, writes nothing, and names the path it cannot write", async () => {
    expect(await run(["--out", "x.yaml"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^adopt needs the organisation: --org/) });
    expect(await run(["--org", ORG])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^adopt needs the file to write: --out/) });
    expect(await run(["--org", "org-other-1", "--stack", "prod", "--out", "x.yaml"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^--stack prod deploys into org-quiet-river-40213377 \(tenant-fleet:neonOrgId\), not org-other-1/),
    });
    const nowhere = path.join(tmpdir(), "no-such-dir-adopt", "a.yaml");
    expect(await run(["--org", ORG, "--out", nowhere])).toMatchObject({
      code: 1,
      stderr: `cannot write ${nowhere}: its directory does not exist; nothing was written\n`,
    });
    expect(existsSync(nowhere)).toBe(false);
    const refused = await run(["--org", ORG, "--out", nowhere], { NEON_API_KEY: "wrong" });
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Neon's API could not list the projects of org-quiet-river-40213377: HTTP 401/) });
    expect((await run(["--help"])).code).toBe(0);
  }, 120_000);
});
