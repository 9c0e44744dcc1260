/**
 * Rewrites test/golden/ (the workflows the sample fleets generate, for review in pull
 * requests) and this repository's tenant-operation workflows (operations/workflows.ts).
 * A test fails when either differs from what the code renders.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { goldenCases } from "../test/goldenCases";
import { renderOperationWorkflows } from "../operations/workflows";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, "test", "golden");

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
