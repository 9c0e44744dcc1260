import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { addTenantEntry, retireTenantEntry, type NewTenant } from "../tenants/edit";
import { parseTenants } from "../tenants/load";
import { idsEverUsed, idsInPatches, GitError } from "../src/cli/git";

const ROOT = path.resolve(__dirname, "..");
const SAMPLE = readFileSync(path.join(ROOT, "tenants/tenants.yaml"), "utf8");
const DEV = readFileSync(path.join(ROOT, "tenants/tenants.dev.yaml"), "utf8");
const ZETA: NewTenant = { id: "zeta-labs", name: "Zeta Labs", region: "aws-eu-central-1", residency: "EU" };

/** A file with what a re-serialiser would lose: comments everywhere, odd spacing, quoting styles, a flow map mid-list, a section after the list, no final newline. */
const AWKWARD = [
  "# head comment",
  "version:   1   # spaced",
  "defaults: {pgVersion: 17}",
  "tenants:",
  "    # the list's own comment",
  "    -   id: 'acme-corp'",
  '        name: "ACME Corp"',
  "        region: aws-eu-central-1   # Frankfurt",
  "        residency: EU",
  '        status: "active"',
  "    - { id: northwind, name: Northwind, region: aws-us-east-2, residency: US, status: active }",
  "    -   id: old-mill",
  "        name: Old Mill",
  "        region: aws-us-east-1",
  "        residency: US",
  "        status: active # last line of the last entry",
  "# trailing comment of the list",
  "acknowledgements: []",
].join("\n");

/** The edit's text without the inserted entry: must be the original, byte for byte. */
function withoutInsert(before: string, after: string): string {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  const inserted = after.length - before.length;
  return after.slice(0, start) + after.slice(start + inserted);
}

describe("tenant add: the file as a document", () => {
  it.each([
    ["the sample fleet (blank lines between entries)", SAMPLE],
    ["the dev fleet (no blank lines)", DEV],
    ["comments, quoting, a flow entry, a section after the list, no final newline", AWKWARD],
    ["an indentless list", "version: 1\ntenants:\n- id: acme-corp\n  name: ACME Corp\n  region: aws-eu-central-1\n  residency: EU\n  status: active\n"],
  ])("%s: every byte outside the new entry is kept and the result loads with the tenant added", (_, text) => {
    const result = addTenantEntry(text, ZETA);
    if (!("text" in result)) throw new Error(result.problem.message);
    expect(withoutInsert(text, result.text)).toBe(text);
    const loaded = parseTenants(result.text, "tenants.yaml");
    expect(loaded.problems.filter((p) => p.severity === "error")).toEqual([]);
    const added = loaded.fleet!.tenants.at(-1)!;
    expect([added.id, added.name, added.region, added.residency, added.status]).toEqual([ZETA.id, ZETA.name, ZETA.region, ZETA.residency, "active"]);
    expect(result.text.split("\n")[result.entryLine - 1]).toMatch(/^\s*- +id: zeta-labs$/);
  });

  it("keeps the list's spacing and indentation", () => {
    const sample = addTenantEntry(SAMPLE, ZETA) as { text: string };
    expect(
      sample.text.endsWith(
        "    status: retired\n\n  - id: zeta-labs\n    name: Zeta Labs\n    region: aws-eu-central-1\n    residency: EU\n    status: active\n",
      ),
    ).toBe(true);
    const awkward = addTenantEntry(AWKWARD, ZETA) as { text: string };
    expect(awkward.text).toContain("status: active # last line of the last entry\n    -   id: zeta-labs\n        name: Zeta Labs\n");
    expect(awkward.text.endsWith("# trailing comment of the list\nacknowledgements: []")).toBe(true);
  });

  it("quotes a name that YAML would read as something else", () => {
    for (const name of ["Zeta: Labs", "#1 Bakery", "'quoted'", "true", "123", "- dash"]) {
      const result = addTenantEntry(DEV, { ...ZETA, name }) as { text: string };
      expect(parseTenants(result.text, "t.yaml").fleet?.tenants.at(-1)?.name).toBe(name);
    }
  });

  it("refuses an id the file already has, at its position", () => {
    expect(addTenantEntry(SAMPLE, { ...ZETA, id: "northwind" })).toEqual({
      problem: { line: 36, col: 9, message: '"northwind" is already a tenant here; ids are unique and never reused: choose another id' },
    });
  });

  it("refuses what it cannot edit without rewriting the file, and invalid YAML", () => {
    const flowList = addTenantEntry("version: 1\ntenants: [{ id: a, name: A, region: aws-us-east-1, residency: US, status: active }]\n", ZETA);
    expect(flowList).toMatchObject({ problem: { line: 2, col: 10, message: expect.stringContaining("flow list") } });
    const flowLast = addTenantEntry("version: 1\ntenants:\n  - { id: a, name: A, region: aws-us-east-1, residency: US, status: active }\n", ZETA);
    expect(flowLast).toMatchObject({ problem: { line: 3, message: expect.stringContaining("flow map") } });
    expect(addTenantEntry("version: 1\ntenants:\n  - id: a\n   bad: [\n", ZETA)).toMatchObject({
      problem: { message: expect.stringContaining("not valid YAML") },
    });
    expect(addTenantEntry("version: 1\n", ZETA)).toMatchObject({ problem: { message: expect.stringContaining("no tenants: list") } });
  });
});

describe("tenant add --tier", () => {
  const TIERED = SAMPLE.replace("tenants:\n", "tiers:\n  scale: { compute: { minCu: 1, maxCu: 8 }, backup: { retentionDays: 35 } }\ntenants:\n");

  it("writes tier: after status, keeps every other byte, and the loader resolves the tier's preset", () => {
    const result = addTenantEntry(TIERED, { ...ZETA, tier: "scale" });
    if (!("text" in result)) throw new Error(result.problem.message);
    expect(withoutInsert(TIERED, result.text)).toBe(TIERED);
    expect(result.text.split("\n").slice(result.entryLine - 1, result.entryLine + 5)).toEqual([
      "  - id: zeta-labs",
      "    name: Zeta Labs",
      "    region: aws-eu-central-1",
      "    residency: EU",
      "    status: active",
      "    tier: scale",
    ]);
    const added = parseTenants(result.text, "tenants.yaml").fleet!.tenants.at(-1)!;
    expect(added).toMatchObject({ tier: "scale", compute: { minCu: 1, maxCu: 8 }, backup: { retentionDays: 35 } });
  });

  it("leaves a tier the file does not declare to the loader, which refuses it at its line", () => {
    const result = addTenantEntry(TIERED, { ...ZETA, tier: "scael" });
    if (!("text" in result)) throw new Error(result.problem.message);
    const errors = parseTenants(result.text, "tenants.yaml").problems.filter((p) => p.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: result.entryLine + 5, col: 11, path: "tenants[6].tier" });
    expect(errors[0].message).toContain('"scael" is not a tier of this file (the tiers are scale)');
  });
});

describe("tenant retire", () => {
  it("changes the status scalar only, in its quoting", () => {
    const result = retireTenantEntry(AWKWARD, "acme-corp") as { text: string; entryLine: number };
    expect(result.text).toBe(AWKWARD.replace('status: "active"', 'status: "retired"'));
    expect(result.entryLine).toBe(10);
    const flow = retireTenantEntry(AWKWARD, "northwind") as { text: string };
    expect(flow.text).toBe(AWKWARD.replace("residency: US, status: active }", "residency: US, status: retired }"));
    expect(parseTenants(flow.text, "t.yaml").fleet?.tenants.find((t) => t.id === "northwind")?.status).toBe("retired");
  });

  it("refuses an unknown or retired tenant", () => {
    expect(retireTenantEntry(SAMPLE, "nobody")).toMatchObject({
      problem: { message: '"nobody" is not a tenant of this file; nothing to retire (tenant ids are listed under tenants:)' },
    });
    expect(retireTenantEntry(SAMPLE, "old-mill")).toMatchObject({
      problem: { line: 55, col: 13, message: '"old-mill" is already retired; nothing to change' },
    });
  });
});

describe("ids ever used: the tenants file's git history", () => {
  it("reads every id a patch adds or removes, with the oldest commit", () => {
    const log = [
      "\u0000bbb 2026-12-02",
      "-  - id: gone-co",
      "+  - { id: 'flow-co', name: F }",
      "+    neonProjectId: x",
      "\u0000aaa 2026-11-01",
      "+  - id: gone-co",
      "+    tenant: not-an-id",
    ].join("\n");
    const ids = idsInPatches(log);
    expect([...ids.keys()].sort()).toEqual(["flow-co", "gone-co"]);
    expect(ids.get("gone-co")).toEqual({ commit: "aaa", date: "2026-11-01" });
  });

  it("finds an id removed long ago, and refuses a shallow clone", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ever-used-"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: dir, stdio: "pipe" });
    git("init", "-q");
    writeFileSync(path.join(dir, "tenants.yaml"), SAMPLE.replace("id: old-mill", "id: departed"));
    git("add", ".");
    git("commit", "-qm", "one");
    writeFileSync(path.join(dir, "tenants.yaml"), SAMPLE);
    git("commit", "-qam", "two");
    const ids = idsEverUsed(path.join(dir, "tenants.yaml"), dir);
    expect(ids.has("departed")).toBe(true);
    expect(ids.has("old-mill")).toBe(true);
    const shallow = mkdtempSync(path.join(tmpdir(), "shallow-"));
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${dir}`, shallow], { stdio: "pipe" });
    expect(() => idsEverUsed(path.join(shallow, "tenants.yaml"), shallow)).toThrow(GitError);
    expect(() => idsEverUsed(path.join(shallow, "tenants.yaml"), shallow)).toThrow(/shallow.*fetch-depth: 0/);
  });
});

describe("npm run tenant -- add | retire", () => {
  /** A repository holding the sample fleet, with a tenant that was removed in its history. */
  function repository(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "tenant-add-"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: dir, stdio: "pipe" });
    git("init", "-q");
    writeFileSync(
      path.join(dir, "tenants.yaml"),
      SAMPLE.replace("tenants:\n", "tenants:\n  - id: departed\n    name: Departed\n    region: aws-us-east-1\n    residency: US\n    status: retired\n"),
    );
    git("add", ".");
    git("commit", "-qm", "one");
    writeFileSync(path.join(dir, "tenants.yaml"), SAMPLE);
    git("commit", "-qam", "erased");
    return dir;
  }
  const run = (dir: string, args: string[]) =>
    spawnSync(
      process.execPath,
      [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/tenant.ts", ...args, "--tenants", path.join(dir, "tenants.yaml"), "--allow-outside-project"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, INIT_CWD: ROOT, NEON_API_KEY: "" },
      },
    );

  it("adds, prints the tenant diff and the signup verdict, and writes only a valid file; refuses an id used before", () => {
    const dir = repository();
    const file = path.join(dir, "tenants.yaml");
    const reused = run(dir, ["add", "departed", "--name", "New Departed", "--region", "aws-us-east-1", "--residency", "US"]);
    expect(reused.status).toBe(1);
    expect(reused.stderr).toMatch(/"departed" was a tenant id before \(written in commit [0-9a-f]+, \d{4}-\d\d-\d\d\).*choose another id/);
    const outside = run(dir, ["add", "zeta-labs", "--name", "Zeta Labs", "--region", "aws-us-east-2", "--residency", "DE"]);
    expect(outside.status).toBe(1);
    expect(outside.stderr).toContain("nothing was written");
    expect(outside.stderr).toMatch(
      /tenants\.yaml:59:13: tenants\[6\]\.region: "aws-us-east-2" is in Ohio, US, outside the declared residency DE; use aws-eu-central-1/,
    );
    expect(readFileSync(file, "utf8")).toBe(SAMPLE);
    expect(readdirSync(dir).filter((f) => f.includes("candidate"))).toEqual([]);
    const added = run(dir, ["add", "zeta-labs", "--name", "Zeta Labs", "--region", "aws-eu-central-1", "--residency", "EU", "--json"]);
    expect(added.stderr).toBe("");
    expect(added.status).toBe(0);
    const doc = JSON.parse(added.stdout);
    expect(doc.summary).toMatchObject({ added: 1, changed: 0, retired: 0 });
    expect(doc.signup).toEqual({ eligible: true, added: ["zeta-labs"], reasons: [] });
    expect(doc.tenants[0].changes[0].at).toMatchObject({ line: 57, col: 5 });
    expect(withoutInsert(SAMPLE, readFileSync(file, "utf8"))).toBe(SAMPLE);
    const retired = run(dir, ["retire", "acme-corp"]);
    expect(retired.status).toBe(0);
    expect(retired.stdout).toContain("acme-corp: status: active → retired");
    expect(readFileSync(file, "utf8")).toContain(
      "  - id: acme-corp\n    name: ACME Corp\n    region: aws-eu-central-1\n    residency: EU\n    status: retired\n",
    );
  }, 240_000);

  it("adds with --tier: the tier is written and resolved, still a pure addition; an undeclared tier is refused with its place", () => {
    const dir = repository();
    const file = path.join(dir, "tenants.yaml");
    const tiered = SAMPLE.replace("tenants:\n", "tiers:\n  scale: { compute: { minCu: 1, maxCu: 8 } }\ntenants:\n");
    writeFileSync(file, tiered);
    const unknown = run(dir, ["add", "zeta-labs", "--name", "Zeta Labs", "--region", "aws-eu-central-1", "--residency", "EU", "--tier", "scalee"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(
      /tenants\.yaml:\d+:11: tenants\[6\]\.tier: "scalee" is not a tier of this file \(the tiers are scale\); it is named by 1 tenant\(s\): zeta-labs; did you mean "scale"\?/,
    );
    expect(unknown.stderr).toContain("nothing was written");
    expect(readFileSync(file, "utf8")).toBe(tiered);
    const added = run(dir, ["add", "zeta-labs", "--name", "Zeta Labs", "--region", "aws-eu-central-1", "--residency", "EU", "--tier", "scale", "--json"]);
    expect(added.stderr).toBe("");
    expect(added.status).toBe(0);
    const doc = JSON.parse(added.stdout);
    expect(doc.signup).toEqual({ eligible: true, added: ["zeta-labs"], reasons: [] });
    expect(readFileSync(file, "utf8")).toMatch(/ {4}status: active\n {4}tier: scale\n$/);
    const retire = run(dir, ["retire", "acme-corp", "--tier", "scale"]);
    expect(retire.status).toBe(2);
    expect(retire.stderr).toContain("retire takes the id only");
  }, 240_000);

  it("names each bad argument with its value and the fix", () => {
    const dir = repository();
    const bad = run(dir, ["add", "Bad_Id", "--name", " ", "--region", "aws-us-east-1"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ID: "Bad_Id" is not a tenant id: a lowercase slug');
    expect(bad.stderr).toContain('--name " " is empty; give a value');
    expect(bad.stderr).toContain("--residency is missing");
    expect(readFileSync(path.join(dir, "tenants.yaml"), "utf8")).toBe(SAMPLE);
  }, 240_000);
});
