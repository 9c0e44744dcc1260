/** Neon projects no tenant owns: the pure verdicts, and `npm run fleet -- orphans` against a local stand-in for Neon's API. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOrphans, trackedProjectIds, type DeclaredProject } from "../src/review/orphans";
import type { ListedProject } from "../src/core/neonProject";
import { declaredByOrg } from "../src/engine/declaredProjects";
import { ROOT } from "./program";
import { runInProcess } from "./commands";

const ACME: DeclaredProject = { stack: "prod", owner: "tenant acme-corp", name: "Acme Corp", regionId: "aws-eu-central-1" };
const NORTH: DeclaredProject = { stack: "prod", owner: "tenant northwind", name: "Northwind", regionId: "aws-us-east-2" };
const listed = (id: string, name: string, region: string, created: string): ListedProject => ({ id, name, region_id: region, created_at: created });

describe("which projects no tenant owns", () => {
  it("owns one project per declared tenant, flags a later one named like it, and one nobody declares", () => {
    const report = findOrphans(
      [ACME, NORTH],
      [
        listed("first-acme-1", "Acme Corp", "aws-eu-central-1", "2026-11-01T10:00:00Z"),
        listed("retry-acme-2", "Acme Corp", "aws-eu-central-1", "2026-11-01T10:00:03Z"),
        listed("scratch-3", "scratch", "aws-us-east-2", "2026-10-01T00:00:00Z"),
        listed("elsewhere-4", "Northwind", "aws-eu-west-2", "2026-10-02T00:00:00Z"),
      ],
    );
    expect(report.verdicts.map((v) => [v.kind, v.project.id])).toEqual([
      ["duplicate", "retry-acme-2"],
      ["unowned", "elsewhere-4"],
      ["unowned", "scratch-3"],
      ["owned", "first-acme-1"],
    ]);
    expect(report.orphans).toBe(3);
    expect(report.missing).toEqual([NORTH]);
    const why = Object.fromEntries(report.verdicts.filter((v) => v.kind !== "owned").map((v) => [v.project.id, (v as { why: string }).why]));
    expect(why["retry-acme-2"]).toBe(
      "a further project named like tenant acme-corp (prod), created after first-acme-1; pass --state to say which one Pulumi tracks",
    );
    expect(why["elsewhere-4"]).toBe("named like tenant northwind (prod) but in aws-eu-west-2, not aws-us-east-2");
    expect(why["scratch-3"]).toBe("no tenant of any stack sharing the tenants file declares it");
  });

  it("with the stacks' state, knows which of two same-named projects Pulumi tracks, even the newer", () => {
    const report = findOrphans(
      [ACME],
      [
        listed("first-acme-1", "Acme Corp", "aws-eu-central-1", "2026-11-01T10:00:00Z"),
        listed("retry-acme-2", "Acme Corp", "aws-eu-central-1", "2026-11-01T10:00:03Z"),
      ],
      new Set(["retry-acme-2"]),
    );
    expect(report.verdicts.map((v) => [v.kind, v.project.id])).toEqual([
      ["duplicate", "first-acme-1"],
      ["owned", "retry-acme-2"],
    ]);
  });

  it("lets two tenants with the same name and region own one project each", () => {
    const twin = { ...ACME, owner: "tenant acme-corp-2" };
    const report = findOrphans(
      [ACME, twin],
      [listed("a", "Acme Corp", "aws-eu-central-1", "2026-01-01T00:00:00Z"), listed("b", "Acme Corp", "aws-eu-central-1", "2026-01-02T00:00:00Z")],
    );
    expect(report.orphans).toBe(0);
    expect(report.missing).toEqual([]);
  });

  it("reads tracked ids from pulumi stack export, and refuses anything else", () => {
    const exported = {
      version: 3,
      deployment: {
        resources: [
          { type: "pulumi:providers:neon", id: "p" },
          { type: "neon:index/project:Project", id: "first-acme-1" },
          { type: "neon:index/project:Project", id: "" },
        ],
      },
    };
    expect(trackedProjectIds(exported)).toEqual(["first-acme-1"]);
    expect(() => trackedProjectIds({ resources: [] })).toThrow("not a `pulumi stack export` document");
  });
});

describe("npm run fleet -- orphans", () => {
  const ORG = "org-quiet-river-40213377";
  const KEY = "napi_test_key";
  const item = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/neon/list-projects-item.json"), "utf8"));
  delete item._about;
  const declared = [...declaredByOrg(ROOT).values()].flat();
  // The organisation as Neon would list it: every declared project, a retried create's
  // duplicate of the first tenant, and 400 projects of another team, so the listing takes two pages.
  const projects = [
    ...declared.map((d, i) => ({
      ...item,
      id: `owned-${i}`,
      name: d.name,
      region_id: d.regionId,
      created_at: `2026-01-01T00:00:${String(i).padStart(2, "0")}Z`,
    })),
    { ...item, id: "retry-dup-1", name: declared[0].name, region_id: declared[0].regionId, created_at: "2026-06-01T00:00:00Z" },
    ...Array.from({ length: 400 }, (_, i) => ({ ...item, id: `other-team-${i}`, name: `other team ${i}`, created_at: "2025-01-01T00:00:00Z" })),
  ];
  const seen: string[] = [];
  let mode: "ok" | "unauthorised" | "partial" = "ok";
  const server = createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    seen.push(`${req.method} ${url.pathname}?${url.searchParams.toString()} ${req.headers.authorization}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${KEY}` || mode === "unauthorised") return json(401, { code: "", message: "authentication failed" });
    if (url.pathname !== "/api/v2/projects" || url.searchParams.get("org_id") !== ORG) return json(404, { message: "not found" });
    const limit = Number(url.searchParams.get("limit"));
    const cursor = url.searchParams.get("cursor");
    const start = cursor ? projects.findIndex((p) => p.id === cursor) + 1 : 0;
    const page = projects.slice(start, start + limit);
    json(200, {
      projects: page,
      ...(mode === "partial" ? { unavailable_project_ids: ["slow-project-1"] } : {}),
      pagination: { cursor: page.at(-1)?.id ?? cursor ?? "" },
      applications: {},
      integrations: {},
    });
  });
  let api = "";
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // The command in this process (test/commands.ts), with the environment the process had: PATH and `env` alone.
  const run = (args: string[], env: Record<string, string> = { NEON_API_KEY: KEY }) =>
    runInProcess(path.join(ROOT, "scripts/fleet.ts"), ["orphans", "--api-url", api, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      bareEnv: true,
    });

  it("lists the retried duplicate and the projects nobody declares, over every page, and exits 1", async () => {
    seen.length = 0;
    const r = await run(["--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.exact).toBe(false);
    expect(doc.orgs).toHaveLength(1);
    expect(doc.orgs[0].listed).toBe(projects.length);
    const bad = doc.orgs[0].verdicts.filter((v: { kind: string }) => v.kind !== "owned");
    expect(bad.map((v: { project: { id: string } }) => v.project.id).sort()).toEqual(
      ["retry-dup-1", ...Array.from({ length: 400 }, (_, i) => `other-team-${i}`)].sort(),
    );
    expect(doc.orgs[0].missing).toEqual([]);
    expect(seen).toEqual([
      `GET /api/v2/projects?org_id=${ORG}&limit=400 Bearer ${KEY}`,
      `GET /api/v2/projects?org_id=${ORG}&limit=400&cursor=other-team-${400 - declared.length - 2} Bearer ${KEY}`,
    ]);
  });

  it("is exact with the stacks' state, and says what to do in text", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-orphans-"));
    const exportFile = path.join(dir, "prod.json");
    // Pulumi tracks the retried one; the first is the orphan.
    const trackedIds = projects.filter((p) => p.id.startsWith("owned-") && p.id !== "owned-0").map((p) => p.id);
    writeFileSync(
      exportFile,
      JSON.stringify({ version: 3, deployment: { resources: [...trackedIds, "retry-dup-1"].map((id) => ({ type: "neon:index/project:Project", id })) } }),
    );
    const r = await run(["--state", exportFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `  orphan   owned-0  ${JSON.stringify(declared[0].name)}  ${declared[0].regionId}  created 2026-01-01T00:00:00Z: named like ${declared[0].owner} (${declared[0].stack}) but not in any stack's state`,
    );
    expect(r.stdout).not.toMatch(/orphan {3}retry-dup-1/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
      "401 project(s) no tenant owns. Nothing was changed: look at each in the Neon console (its branches, its size, when it was last active) before deleting it there; a duplicate may hold writes that went to it.",
    );
  });

  it("exits 0 when every listed project is owned", async () => {
    const saved = projects.splice(declared.length);
    try {
      const r = await run([]);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("every listed project is owned.");
    } finally {
      projects.push(...saved);
    }
  });

  it("exits 2 when it cannot check: no key, a refused key, a partial listing, a bad state file", async () => {
    const noKey = await run([], {});
    expect(noKey).toMatchObject({ code: 2, stdout: "" });
    expect(noKey.stderr).toBe("NEON_API_KEY is not set: a Neon API key that can list the organisation's projects\n");
    mode = "unauthorised";
    const refused = await run([]);
    mode = "partial";
    const partial = await run([]);
    mode = "ok";
    expect(refused).toMatchObject({ code: 2, stdout: "" });
    expect(refused.stderr).toBe(`Neon's API could not list the projects of ${ORG}: HTTP 401: authentication failed; check NEON_API_KEY and the network\n`);
    expect(partial).toMatchObject({ code: 2, stdout: "" });
    expect(partial.stderr).toBe(`Neon listed ${ORG} only in part: 1 project(s) could not be fetched in time (slow-project-1); run the check again\n`);
    const bad = await run(["--state", path.join(ROOT, "package.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^--state .*package\.json: not a `pulumi stack export` document/);
  });
});
