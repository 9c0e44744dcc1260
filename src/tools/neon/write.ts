/** Writes a rendered Neon SDK (render.ts) into its directory and compiles it with the project's own TypeScript. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

export type Style = "ours" | "generator";

/** Compiles an SDK directory's TypeScript into bin/ with the project's own compiler. */
export function compileSdk(dir: string): void {
  const configPath = path.join(dir, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const emitted = program.emit();
  const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (problems.length)
    throw new Error(ts.formatDiagnostics(problems, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => "\n" }));
}

/** Writes `files` into `dir` (replacing every generated file), compiles, and for the generator's style keeps only bin/. */
export function writeSdk(dir: string, files: Record<string, string>, style: Style, keep: readonly string[] = []): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (keep.includes(entry.name)) continue;
    rmSync(path.join(dir, entry.name), { recursive: true, force: true });
  }
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  compileSdk(dir);
  if (style === "generator") {
    for (const rel of Object.keys(files)) if (rel.endsWith(".ts") || rel === "tsconfig.json") rmSync(path.join(dir, rel));
    for (const d of ["types", "config"]) rmSync(path.join(dir, d), { recursive: true, force: true });
  }
}
