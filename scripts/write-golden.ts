/**
 * Rewrites test/golden/: the workflows the sample fleets generate, for review in pull
 * requests. A test fails when they differ from what the code renders.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { goldenCases } from "../test/goldenCases";

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
process.stdout.write(`wrote ${path.relative(process.cwd(), DIR)}\n`);
