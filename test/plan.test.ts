/** The offline plan as a user runs it: a real process, real files, real exit codes. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./program";

function plan(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/plan.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NEON_API_KEY: "", INIT_CWD: ROOT },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("scripts/launch.mjs (npm run plan, npm run regions)", () => {
  it("runs a script with the node arguments Pulumi.yaml gives the program", async () => {
    const { pulumiNodeArgs } = await import("../scripts/launch.mjs");
    expect(pulumiNodeArgs()).toContain("--stack-trace-limit=0");
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/launch.mjs"), "test/fixtures/print-node-args.ts"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as { execArgv: string[]; stackTraceLimit: number };
    expect(printed.stackTraceLimit).toBe(0);
    for (const a of pulumiNodeArgs()) expect(printed.execArgv).toContain(a);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.plan).toBe("node scripts/launch.mjs scripts/plan.ts");
    expect(pkg.scripts.regions).toBe("node scripts/launch.mjs scripts/regions.ts");
  });

  it("shows progress on a terminal only", () => {
    // util-linux's script gives the command a terminal.
    const tty = spawnSync("script", ["-qec", `"${process.execPath}" scripts/launch.mjs scripts/plan.ts`, "/dev/null"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NEON_API_KEY: "" },
    });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/6 tenant\(s\) loaded from tenants\/tenants\.yaml; \d+ resources registered/);
    const piped = spawnSync(process.execPath, [path.join(ROOT, "scripts/launch.mjs"), "scripts/plan.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NEON_API_KEY: "" },
    });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe("");
  });
});

describe("npm run plan", () => {
  it("prints the sample fleet with no arguments", () => {
    const r = plan();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("tenant-fleet plan · stack prod · tenants/tenants.yaml");
    expect(r.stdout).toContain("6 tenants: 5 active, 1 retired");
    expect(r.stdout).toMatch(/acme-corp\s+active\s+aws-eu-central-1 \(Frankfurt, DE\)/);
    expect(r.stdout).toMatch(/old-mill\s+retired/);
  });

  it("prints one JSON document with --json", () => {
    const r = plan("--stack", "dev", "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(["stack", "example", "tenants", "resources", "outputs", "warnings"]);
    expect(doc.stack).toBe("dev");
    expect(doc.tenants.map((t: { id: string }) => t.id)).toEqual(["dev-eu", "dev-us"]);
    expect(doc.tenants[0]).toMatchObject({
      id: "dev-eu",
      name: "Dev EU Tenant",
      region: "aws-eu-central-1",
      residency: "EU",
      status: "active",
      historyRetentionHours: 6,
    });
    for (const res of doc.resources) {
      expect(Object.keys(res)).toEqual(["type", "name", "parent", "inputs", "options"]);
      expect(Object.keys(res.options)).toEqual(["protect", "retainOnDelete", "deleteBeforeReplace", "ignoreChanges"]);
    }
  });

  it("prints the whole JSON document through a pipe, however long, with secrets as [secret]", () => {
    const r = plan("--json");
    expect(r.stdout.length).toBeGreaterThan(65536);
    const doc = JSON.parse(r.stdout);
    expect(
      doc.resources
        .filter((x: { type: string }) => x.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret")
        .map((x: { inputs: { value: string } }) => x.inputs.value),
    ).toEqual(Array(5).fill("[secret]"));
    expect(r.stdout).not.toMatch(/postgres(ql)?:\/\//);
  });

  it("prints every problem of a broken tenants file with file:line:col and exits 1", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-plan-"));
    const file = path.join(dir, "broken.yaml");
    writeFileSync(
      file,
      "version: 1\ntenants:\n  - id: acme-corp\n    name: ACME\n    region: aws-eu-west-1\n    residency: EU\n    status: active\n    regoin: x\n",
    );
    const r = plan("--tenants", file);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([
      `${file}:5:13: tenants[0].region: "aws-eu-west-1" is not a Neon region; use one of aws-us-east-1, aws-us-east-2, aws-us-west-2, aws-eu-central-1, aws-eu-west-2, aws-ap-southeast-1, aws-ap-southeast-2, aws-sa-east-1`,
      `${file}:8:5: tenants[0].regoin: unknown key "regoin"; did you mean "region"?`,
      "2 problems; nothing was planned.",
    ]);
  });

  it("prints exactly what the docs show for the broken example file, and the README's abridged lines", () => {
    const shown = (file: string) =>
      /```text\n\$ npm run plan -- --tenants test\/fixtures\/broken-tenants\.yaml\n([\s\S]*?)```/.exec(readFileSync(path.join(ROOT, file), "utf8"))?.[1];
    const r = plan("--tenants", "test/fixtures/broken-tenants.yaml");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(shown("docs/tenants-file.md"));
    // The README cuts long lines with "…": each of its lines is the start of a line printed.
    const printed = r.stderr.split("\n");
    const abridged = shown("README.md")!.trimEnd().split("\n");
    expect(abridged.length).toBeGreaterThanOrEqual(3);
    for (const line of abridged)
      expect(
        printed.some((p) => p.startsWith(line.replace(/ …$/, ""))),
        line,
      ).toBe(true);
  });

  it("applies --config overrides and reports bad ones", () => {
    expect(plan("--config", "secretScope=environment").stdout).toContain("secret scope environment");
    const r = plan("--config", "secretScope=repo");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--config:1:1: tenant-fleet:secretScope: "repo" is not a secret scope; use repository, environment or region`);
  });

  it("refuses an unknown stack or option with a usage message", () => {
    expect(plan("--stack", "staging")).toMatchObject({ code: 2, stderr: "Pulumi.staging.yaml: no such stack; stacks here: dev, prod\n" });
    const r = plan("--bogus");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: npm run plan --");
  });
});
