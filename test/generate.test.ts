/**
 * npm run generate and npm run golden (src/tools/generate.ts, src/tools/golden.ts): on a tree
 * whose generated files are current, generating changes nothing; every generator's output is
 * listed once; and the goldens' writer writes test files only (run into a temporary root).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GENERATORS, plannedChanges, renderAll } from "../src/tools/generate";
import { goldenFiles, writeGolden } from "../src/tools/golden";
import { OPERATION_WORKFLOWS, operationWorkflowPath } from "../src/operations/workflows";
import { listStacks } from "../src/core/config/stackFiles";
import { policyConfigPath } from "../src/core/config/ciStacks";
import { GENERATED_MARKDOWN } from "../src/tools/schema";
import { ROOT } from "./program";

describe("npm run generate", () => {
  it("changes nothing on this tree: every generated file is what its generator renders (else run npm run generate)", () => {
    expect(plannedChanges().map((c) => `${c.action} ${c.path}`)).toEqual([]);
  });

  it("runs every generator: the tenants schema, Pulumi.yaml's config, the policy configs, the docs tables, the operation workflows, the goldens", () => {
    const paths = renderAll().flatMap((g) => g.files.map((f) => f.path));
    expect(new Set(paths).size).toBe(paths.length);
    const expected = [
      "tenants/tenants.schema.json",
      "Pulumi.yaml",
      ...listStacks(ROOT).map(policyConfigPath),
      ...Object.keys(GENERATED_MARKDOWN),
      ...OPERATION_WORKFLOWS.map((s) => operationWorkflowPath(s.kind)),
      ...goldenFiles().map((f) => f.path),
    ];
    expect([...paths].sort()).toEqual([...expected].sort());
    expect(GENERATORS.map((g) => g.name)).toEqual(["npm run schema", "tenant-operation workflows", "npm run golden"]);
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
