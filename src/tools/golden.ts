/**
 * npm run golden (scripts/write-golden.ts): rewrites test/golden/, the workflows the sample
 * fleets generate (src/tools/goldenCases.ts), kept for review in pull requests; a test fails when
 * they differ from what the code renders. Test files only: what the project ships (this
 * repository's workflows, the schema, the docs tables) is npm run generate's (src/tools/generate.ts).
 */
import { rmSync } from "node:fs";
import { writeOutputFile } from "../cli/cli";
import * as path from "node:path";
import { goldenCases } from "./goldenCases";
import type { GeneratedFile } from "./schema";

/** The project root (this file is src/tools/golden.ts). */
const ROOT = path.resolve(__dirname, "..", "..");
/** The folder the goldens own, relative to the project: a file in it that no case renders is stale. */
export const GOLDEN_DIR = path.join("test", "golden");

/** The golden files, rendered in memory. */
export function goldenFiles(): GeneratedFile[] {
  return goldenCases().flatMap((c) => c.workflows.map((w) => ({ path: path.join(GOLDEN_DIR, c.name, path.basename(w.path)), content: w.content })));
}

/** Rewrites test/golden/ under `root` (the project unless given), stale files removed; returns the paths written, relative to `root`. */
export function writeGolden(root = ROOT): string[] {
  rmSync(path.join(root, GOLDEN_DIR), { recursive: true, force: true });
  const files = goldenFiles();
  for (const f of files) {
    writeOutputFile(path.join(root, f.path), f.content, { mkdir: true });
  }
  return files.map((f) => f.path);
}
