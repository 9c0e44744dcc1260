/**
 * npm run generate and npm run golden (src/tools/generate.ts, src/tools/golden.ts): on a tree
 * whose generated files are current, generating changes nothing; every generator's output is
 * listed once; the goldens' writer writes test files only (run into a temporary root); and
 * .gitattributes marks every wholly generated file, and no file written by hand, as generated.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GENERATORS, plannedChanges, renderAll } from "../src/tools/generate";
import { goldenFiles, writeGolden } from "../src/tools/golden";
import { OPERATION_WORKFLOWS, operationWorkflowPath } from "../src/operations/workflows";
import { SIGNUP_WORKFLOW_PATH } from "../src/operations/signupWorkflow";
import { DRIFT_WORKFLOW_PATH } from "../src/operations/driftWorkflow";
import { listStacks } from "../src/core/config/stackFiles";
import { policyConfigPath } from "../src/core/config/ciStacks";
import { GENERATED_MARKDOWN } from "../src/tools/schema";
import { ROOT } from "./program";

describe("npm run generate", () => {
  it("changes nothing on this tree: every generated file is what its generator renders (else run npm run generate)", () => {
    expect(plannedChanges().map((c) => `${c.action} ${c.path}`)).toEqual([]);
  });

  it("runs every generator: the tenants schema, Pulumi.yaml's config, the policy configs, the docs tables, the operation workflows, the drift workflow, the goldens", () => {
    const paths = renderAll().flatMap((g) => g.files.map((f) => f.path));
    expect(new Set(paths).size).toBe(paths.length);
    const expected = [
      "tenants/tenants.schema.json",
      "Pulumi.yaml",
      ...listStacks(ROOT).map(policyConfigPath),
      ...Object.keys(GENERATED_MARKDOWN),
      ...OPERATION_WORKFLOWS.map((s) => operationWorkflowPath(s.kind)),
      SIGNUP_WORKFLOW_PATH,
      DRIFT_WORKFLOW_PATH,
      ...goldenFiles().map((f) => f.path),
    ];
    expect([...paths].sort()).toEqual([...expected].sort());
    expect(GENERATORS.map((g) => g.name)).toEqual([
      "npm run schema",
      "tenant-operation workflows",
      "tenant-signup workflow",
      "the drift workflow",
      "npm run golden",
    ]);
  });
});

describe("npm run golden", () => {
  const root = mkdtempSync(path.join(tmpdir(), "golden-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("writes test/golden/ only, each file as rendered, and names what it wrote", () => {
    const written = writeGolden(root);
    const onDisk = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
      .sort();
    expect(onDisk).toEqual([...written].sort());
    expect(onDisk.filter((f) => !f.startsWith(`test${path.sep}golden${path.sep}`))).toEqual([]);
    for (const f of goldenFiles()) expect(readFileSync(path.join(root, f.path), "utf8")).toBe(f.content);
  });
});

/** Each path's linguist-generated attribute as git reads it from .gitattributes. */
function linguistGenerated(paths: readonly string[]): Record<string, string> {
  const r = spawnSync("git", ["check-attr", "-z", "linguist-generated", "--", ...paths], { cwd: ROOT, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const fields = r.stdout.split("\0");
  const out: Record<string, string> = {};
  for (let i = 0; i + 2 < fields.length; i += 3) out[fields[i]] = fields[i + 2];
  return out;
}

describe(".gitattributes", () => {
  it("marks every file a generator writes whole as generated; Pulumi.yaml and the docs (generated blocks only) and the hand-written workflows are not", () => {
    const partial = new Set(["Pulumi.yaml", ...Object.keys(GENERATED_MARKDOWN)]);
    const whole = renderAll()
      .flatMap((g) => g.files.map((f) => f.path))
      .filter((f) => !partial.has(f));
    const neon = ["sdks/neon/index.ts", "sdks/neon/bin/index.js", "test/fixtures/neon/surface-0.18.0.json", "src/tools/neon/facts/tfschema-0.18.0.json"];
    const byHand = [
      ...partial,
      ".github/workflows/tenant-diff.yml",
      ".github/workflows/deploy.yml",
      ".github/workflows/preview.yml",
      "sdks/neon/README.md",
      "package.json",
    ];
    const attrs = linguistGenerated([...whole, ...neon, ...byHand]);
    expect(Object.fromEntries([...whole, ...neon].map((f) => [f, attrs[f]]))).toEqual(Object.fromEntries([...whole, ...neon].map((f) => [f, "true"])));
    expect(byHand.filter((f) => attrs[f] === "true")).toEqual([]);
  });
});
