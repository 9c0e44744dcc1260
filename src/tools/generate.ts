/**
 * npm run generate (scripts/generate.ts): every generator of the project, rendered in memory,
 * compared with the files as they are, and only what differs written:
 *
 * - npm run schema (src/tools/schema.ts): tenants/tenants.schema.json, the config block of
 *   Pulumi.yaml, the policy pack's policies/config.<stack>.json, the docs' generated tables;
 * - this repository's tenant-operation workflows, .github/workflows/tenant-*.yml
 *   (src/operations/workflows.ts), its tenant-signup workflow (src/operations/signupWorkflow.ts)
 *   and its nightly drift workflow, .github/workflows/drift.yml (src/operations/driftWorkflow.ts);
 * - npm run golden (src/tools/golden.ts): test/golden/, a stale file removed;
 * - with --neon only, npm run neon-sdk (src/tools/neon/generate.ts): sdks/neon, compiled, and
 *   its surface fixture, from the provider's schema facts; slow, and not compared in memory.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { writeOutputFile } from "../cli/cli";
import * as path from "node:path";
import { renderDriftWorkflow } from "../operations/driftWorkflow";
import { renderOperationWorkflows } from "../operations/workflows";
import { renderSignupWorkflow } from "../operations/signupWorkflow";
import { GOLDEN_DIR, goldenFiles } from "./golden";
import { writeNeonSdk } from "./neon/generate";
import { schemaFiles, type Generated } from "./schema";

/** The project root (this file is src/tools/generate.ts). */
const ROOT = path.resolve(__dirname, "..", "..");

/** A generator rendered in memory; `owns` is a folder holding its files only (a file in it that it does not render is stale). */
interface Generator {
  readonly name: string;
  readonly owns?: string;
  readonly render: () => Generated;
}

export const GENERATORS: readonly Generator[] = [
  { name: "npm run schema", render: schemaFiles },
  { name: "tenant-operation workflows", render: () => ({ files: renderOperationWorkflows(), errors: [] }) },
  { name: "tenant-signup workflow", render: () => ({ files: [renderSignupWorkflow()], errors: [] }) },
  { name: "the drift workflow", render: () => ({ files: [renderDriftWorkflow()], errors: [] }) },
  { name: "npm run golden", owns: GOLDEN_DIR, render: () => ({ files: goldenFiles(), errors: [] }) },
];

/** What generating would do to one file: write it (new or different text) or remove it (stale in a folder a generator owns). */
export interface Change {
  readonly path: string;
  readonly action: "write" | "remove";
  readonly content?: string;
}

/** Every file below `dir` (relative to the project), relative to the project; none when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(path.join(ROOT, dir))) return [];
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** Per generator, its files as rendered, each marked unchanged or not, and its errors. */
export function renderAll(): { name: string; files: { path: string; content: string; unchanged: boolean }[]; stale: string[]; errors: readonly string[] }[] {
  return GENERATORS.map((g) => {
    const { files, errors } = g.render();
    const rendered = new Set(files.map((f) => f.path));
    return {
      name: g.name,
      files: files.map((f) => {
        const file = path.join(ROOT, f.path);
        return { path: f.path, content: f.content, unchanged: existsSync(file) && readFileSync(file, "utf8") === f.content };
      }),
      stale: g.owns ? filesUnder(g.owns).filter((f) => !rendered.has(f)) : [],
      errors,
    };
  });
}

/** What `npm run generate` would change in the tree as it is (the in-memory generators; not the Neon SDK): empty when every generated file is current. */
export function plannedChanges(): Change[] {
  return renderAll().flatMap((g) => [
    ...g.files.filter((f) => !f.unchanged).map((f): Change => ({ path: f.path, action: "write", content: f.content })),
    ...g.stale.map((f): Change => ({ path: f, action: "remove" })),
  ]);
}

/** Runs every generator, writing only what differs and naming each file on stdout; exit code 1 when a generator could not render a file. */
export function generate(options: { neon: boolean }): void {
  for (const g of renderAll()) {
    for (const f of g.files) {
      if (!f.unchanged) {
        writeOutputFile(path.join(ROOT, f.path), f.content, { mkdir: true });
      }
      process.stdout.write(`${f.unchanged ? "unchanged" : "wrote    "} ${f.path}\n`);
    }
    for (const f of g.stale) {
      rmSync(path.join(ROOT, f));
      process.stdout.write(`removed   ${f} (${g.name} no longer renders it)\n`);
    }
    for (const e of g.errors) process.stderr.write(`${e}\n`);
    if (g.errors.length) process.exitCode = 1;
  }
  if (options.neon) for (const f of writeNeonSdk()) process.stdout.write(`wrote     ${f}\n`);
  else process.stdout.write("skipped   sdks/neon (npm run generate -- --neon regenerates the Neon SDK from src/tools/neon/facts/)\n");
}
