/**
 * What a stack file holds besides well-formed settings: keys without this project's namespace
 * (Pulumi would not hand them to the program: an error at their line), keys in a namespace
 * that may be a slip (a hint), and Pulumi ESC imports (settings not in the file may come from
 * them, which an offline command cannot read: never "missing").
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { mkdtempSync, cpSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { parseStackSettings, projectSettings } from "../src/core/config/settings";
import { stackConfigFromText } from "../src/core/config/stackFiles";
import { escImports } from "../src/core/config/stackFileChecks";
import { formatProblem } from "../src/core/diagnostics/problems";
import { projectFiles, ROOT } from "./program";

const PROJECT = readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
const PROD = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");

/** The problems of Pulumi.prod.yaml with `edit` applied, as the user reads them. */
function problemsOf(edit: (text: string) => string): { lines: string[]; planned: boolean } {
  const text = edit(PROD);
  const cfg = stackConfigFromText(PROJECT, "prod", text);
  const { settings, problems } = parseStackSettings(projectSettings(cfg.config), { stack: "prod", file: "Pulumi.prod.yaml", text });
  return { lines: problems.map(formatProblem), planned: settings !== undefined };
}

const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("stack file keys", () => {
  it("the sample stacks have none to report", () => {
    expect(problemsOf((t) => t)).toEqual({ lines: [], planned: true });
  });

  it("a key without namespace is an error at its line, naming the key and the fix", () => {
    const edit = (t: string) => t.replace("config:\n", "config:\n  batchSize: 500\n");
    const line = lineOf(edit(PROD), "  batchSize: 500");
    expect(problemsOf(edit)).toEqual({
      lines: [
        `Pulumi.prod.yaml:${line}:3: config.batchSize: "batchSize" has no namespace, so it is not this stack's setting (Pulumi reads <namespace>:<name>); write tenant-fleet:batchSize`,
      ],
      planned: false,
    });
  });

  it("a misspelt key without namespace gets the nearest setting; a word that is none gets the form", () => {
    const { lines } = problemsOf((t) => t.replace("config:\n", "config:\n  batchSzie: 500\n  colour: blue\n"));
    expect(lines[0]).toMatch(/config\.batchSzie: "batchSzie" has no namespace.*; write tenant-fleet:batchSize$/);
    expect(lines[1]).toMatch(/config\.colour: "colour" has no namespace, so Pulumi does not read it as a setting; write tenant-fleet:<setting>/);
  });

  it("a slip of the namespace is an error; another package's namespace is left alone; an unknown one with our setting's name is a hint", () => {
    const { lines, planned } = problemsOf((t) =>
      t.replace("config:\n", "config:\n  tenantfleet:batchSize: 400\n  neon:apiKey: x\n  pulumi:tags: x\n  fleet:batchSize: 300\n"),
    );
    expect(lines).toEqual([
      `Pulumi.prod.yaml:6:3: config.tenantfleet:batchSize: "tenantfleet" is not this project's namespace, so the setting is not read; write tenant-fleet:batchSize`,
      `Pulumi.prod.yaml:9:3: warning: config.fleet:batchSize: "fleet" is not a namespace this stack reads (tenant-fleet, aws, neon, github, pulumi); if this is the setting, write tenant-fleet:batchSize`,
    ]);
    expect(planned).toBe(false);
  });

  it("the hint alone does not stop the plan", () => {
    const { lines, planned } = problemsOf((t) => t.replace("config:\n", "config:\n  fleet:batchSize: 300\n"));
    expect(lines).toHaveLength(1);
    expect(planned).toBe(true);
  });
});

describe("Pulumi ESC imports", () => {
  const withEsc = (t: string) => t.replace("config:\n", "environment:\n  - example-saas/common\n  - example-saas/prod\nconfig:\n");

  it("reads the list form and the imports form", () => {
    expect(escImports(withEsc(PROD))).toEqual({
      environments: ["example-saas/common", "example-saas/prod"],
      position: { line: lineOf(withEsc(PROD), "environment:"), col: 1 },
    });
    expect(escImports("environment:\n  imports:\n    - a/b\nconfig: {}\n")?.environments).toEqual(["a/b"]);
    expect(escImports("config: {}\n")).toBeUndefined();
  });

  it("a plan says which settings may come from ESC and that it cannot read them", () => {
    const { lines, planned } = problemsOf(withEsc);
    expect(planned).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Pulumi\.prod\.yaml:5:1: warning: environment: imports ESC environment example-saas\/common, example-saas\/prod, which this offline command cannot read: the \d+ setting\(s\) this file does not set \(tenant-fleet:githubOwnerId, .* and \d+ more\) take their defaults here/,
    );
  });

  it("a required setting absent from the file is 'from ESC environment ... (not readable offline)', never 'missing'", () => {
    const { lines, planned } = problemsOf((t) => withEsc(t).replace("  tenant-fleet:githubOwner: example-saas\n", ""));
    expect(planned).toBe(false);
    expect(lines.join("\n")).not.toMatch(/missing/);
    expect(lines[0]).toBe(
      "Pulumi.prod.yaml:5:1: tenant-fleet:githubOwner: from ESC environment example-saas/common, example-saas/prod (not readable offline): pulumi up reads tenant-fleet:githubOwner from its pulumiConfig; to plan offline give --config githubOwner=<value> (esc env open example-saas/common shows it), or set it in this file",
    );
  });

  it("without ESC the same absence is missing, as before", () => {
    const { lines } = problemsOf((t) => t.replace("  tenant-fleet:githubOwner: example-saas\n", ""));
    expect(lines[0]).toMatch(/tenant-fleet:githubOwner: missing; /);
  });

  it("under pulumi up (the config as Pulumi resolved it, ESC values in it) the imports are no unknown", () => {
    const text = withEsc(PROD);
    const cfg = stackConfigFromText(PROJECT, "prod", text);
    const { settings, problems } = parseStackSettings(projectSettings(cfg.config), { stack: "prod", file: "Pulumi.prod.yaml", text, live: true });
    expect(problems).toEqual([]);
    expect(settings).toBeDefined();
  });

  it("npm run plan of such a stack plans, and prints the note", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-esc-"));
    for (const f of projectFiles()) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    writeFileSync(path.join(dir, "Pulumi.prod.yaml"), withEsc(PROD));
    const r = spawnSync(process.execPath, [path.join(dir, "scripts/launch.mjs"), "scripts/plan.ts", "--stack", "prod", "--json"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NEON_API_KEY: "", GITHUB_TOKEN: "" },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^Pulumi\.prod\.yaml:5:1: warning: environment: imports ESC environment example-saas\/common, example-saas\/prod/);
    const doc = JSON.parse(r.stdout) as { warnings: string[] };
    expect(doc.warnings.some((w) => w.startsWith("Pulumi.prod.yaml:5:1: warning: environment: imports ESC environment"))).toBe(true);
  }, 120_000);
});
