/**
 * `npx tsx src/tools/sizes.ts [--max-lines N] [--max-function N] [PATH...]`: the source files
 * longer than N lines (500) and the functions longer than N lines (80), measured with the
 * TypeScript compiler's own parser. Lines are counted the way ESLint's `max-lines-per-function`
 * counts them with `skipBlankLines` and `skipComments`: blank lines and lines holding only a
 * comment do not count. Exits 1 when anything is over, so that it can gate a change.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

/** The folders and files measured when no path is given (the program, not its tests). */
const DEFAULT_ROOTS = ["index.ts", "src", "tenants", "components", "scripts", "policies"];

/** One measured thing that is over its limit. */
interface Finding {
  file: string;
  line: number;
  name: string;
  lines: number;
}

/** Every `.ts` file under `path` (skipping node_modules and generated SDKs). */
function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith(".ts") ? [path] : [];
  return readdirSync(path)
    .filter((entry) => entry !== "node_modules")
    .flatMap((entry) => sourceFiles(join(path, entry)));
}

/**
 * The 0-based line numbers that hold code (not blank, not only a comment): every line touched
 * by a token of the syntax tree (a template literal spanning lines touches each of them).
 * Comments are trivia, not tokens, and JSDoc nodes are skipped.
 */
function codeLines(source: ts.SourceFile): Set<number> {
  const code = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (ts.isJSDoc(node) || node.kind === ts.SyntaxKind.EndOfFileToken) return;
    const children = node.getChildren(source);
    if (children.length) return children.forEach(visit);
    const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
    const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
    for (let line = first; line <= last; line += 1) code.add(line);
  };
  visit(source);
  return code;
}

/** A readable name for a function-like node. */
function functionName(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText();
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (ts.isConstructorDeclaration(node)) return `${node.parent.name?.getText() ?? "class"} constructor`;
  return "(anonymous)";
}

/** The functions of `file` longer than `max` code lines, and the file itself if over `maxFile`. */
function measure(file: string, max: number, maxFile: number): Finding[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const code = codeLines(source);
  const findings: Finding[] = [];
  const total = source.getLineAndCharacterOfPosition(source.getEnd()).line + (source.text.endsWith("\n") ? 0 : 1);
  if (total > maxFile) findings.push({ file, line: 1, name: "(file)", lines: total });
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      let lines = 0;
      for (let line = first; line <= last; line += 1) if (code.has(line)) lines += 1;
      if (lines > max) findings.push({ file, line: first + 1, name: functionName(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

/** The value after `flag` in `args` as a number, or `fallback`. */
function numberFlag(args: string[], flag: string, fallback: number): number {
  const at = args.indexOf(flag);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} ${args[at + 1]}: give a positive whole number, e.g. ${flag} ${fallback}`);
  args.splice(at, 2);
  return value;
}

const USAGE = "usage: npx tsx src/tools/sizes.ts [--max-function N] [--max-lines N] [PATH ...]";

function main(argv: string[]): number {
  const args = [...argv];
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const maxFunction = numberFlag(args, "--max-function", 80);
  const maxFile = numberFlag(args, "--max-lines", 500);
  const unknown = args.find((a) => a.startsWith("-"));
  if (unknown) throw new Error(`unknown option ${JSON.stringify(unknown.slice(0, 40))}\n${USAGE}`);
  const roots = args.length ? args : DEFAULT_ROOTS;
  const findings = roots.flatMap(sourceFiles).flatMap((file) => measure(file, maxFunction, maxFile));
  for (const f of findings) {
    const what = f.name === "(file)" ? `file has ${f.lines} lines (max ${maxFile})` : `${f.name}: ${f.lines} code lines (max ${maxFunction})`;
    console.log(`${relative(process.cwd(), f.file)}:${f.line}: ${what}`);
  }
  return findings.length ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`sizes: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
