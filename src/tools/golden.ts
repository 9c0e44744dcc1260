/**
 * npm run golden (scripts/write-golden.ts): rewrites test/golden/ (the workflows the sample
 * fleets generate, for review in pull requests) and this repository's tenant-operation
 * workflows (src/operations/workflows.ts). A test fails when either differs from what the code renders.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { goldenCases } from "./goldenCases";
import { renderOperationWorkflows } from "../operations/workflows";

/** The project root (this file is src/tools/golden.ts). */
const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, "test", "golden");

/** Writes the goldens and the operation workflows, naming them on stdout. */
export function writeGolden(): void {
  rmSync(DIR, { recursive: true, force: true });
  for (const c of goldenCases()) {
    for (const w of c.workflows) {
      const file = path.join(DIR, c.name, path.basename(w.path));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, w.content);
    }
  }
  for (const w of renderOperationWorkflows()) writeFileSync(path.join(ROOT, w.path), w.content);
  process.stdout.write(`wrote ${path.relative(process.cwd(), DIR)} and ${renderOperationWorkflows().map((w) => w.path).join(", ")}\n`);
}
