// The project's .sh files (issue 33, shell as shell): each has the header the renderers strip,
// and that header names every environment input the script reads.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { shellBody, shellInputs } from "../src/core/shellFile";

const ROOT = path.resolve(__dirname, "..");

/** Every .sh file of the project's source (not node_modules, not the SDK). */
function shellFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".git", "sdks", "reports"].includes(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...shellFiles(p));
    else if (e.name.endsWith(".sh")) out.push(p);
  }
  return out;
}

/** Set by the runner or by bash itself, never by the workflow's env. */
const AMBIENT = /^(GITHUB_\w+|RUNNER_\w+|HOME|PATH|PWD|IFS|BASH_REMATCH|BASH_SOURCE|PIPESTATUS|RANDOM|SECONDS|LINENO|OPTARG|OPTIND|CI|TMPDIR)$/;

/** Upper-case names the script assigns itself (NAME=, read NAME, for NAME in, mapfile NAME, local/declare/export NAME, and coproc NAME: bash sets NAME and NAME_PID). */
function assigned(body: string): Set<string> {
  const names = new Set<string>();
  for (const m of body.matchAll(/(?:^|[\s;(&|])(?:local |declare(?: -\w+)* |export |readonly )?([A-Z][A-Z0-9_]*)\+?=/gm)) names.add(m[1]);
  for (const m of body.matchAll(/\bread\b[^;\n]*/g)) for (const n of m[0].matchAll(/\b([A-Z][A-Z0-9_]*)\b/g)) names.add(n[1]);
  for (const m of body.matchAll(/\bfor ([A-Z][A-Z0-9_]*) in\b/g)) names.add(m[1]);
  for (const m of body.matchAll(/\b(?:mapfile|readarray)(?: -\w+)* ([A-Z][A-Z0-9_]*)/g)) names.add(m[1]);
  for (const m of body.matchAll(/\bcoproc ([A-Z][A-Z0-9_]*)\b/g)) for (const n of [m[1], `${m[1]}_PID`]) names.add(n);
  return names;
}

describe("shellBody", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shell-"));
  it("strips the shebang and header and keeps the rest as written", () => {
    fs.writeFileSync(
      path.join(dir, "a.sh"),
      '#!/usr/bin/env bash\n# Says hello.\n# Inputs (environment):\n#   WHO   whom to greet\n\necho "hello ${WHO}"\necho bye\n',
    );
    expect(shellBody(dir, "a.sh")).toBe('echo "hello ${WHO}"\necho bye');
    expect(shellInputs(dir, "a.sh")).toEqual(["WHO"]);
  });
  it("refuses a file without the shebang or without a header", () => {
    fs.writeFileSync(path.join(dir, "b.sh"), 'echo "no shebang"\n');
    fs.writeFileSync(path.join(dir, "c.sh"), '#!/usr/bin/env bash\necho "no header"\n');
    expect(() => shellBody(dir, "b.sh")).toThrow(/must start with "#!\/usr\/bin\/env bash"/);
    expect(() => shellBody(dir, "c.sh")).toThrow(/has no header/);
  });
});

describe("the project's .sh files", () => {
  const files = shellFiles();
  it("finds them (the job and operation scripts are .sh files)", () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files.map((f) => [path.relative(ROOT, f)]))("%s names every environment input it reads", (rel) => {
    const dir = path.dirname(path.join(ROOT, rel));
    const name = path.basename(rel);
    const body = shellBody(dir, name);
    const own = assigned(body);
    const declared = new Set(shellInputs(dir, name));
    const read = new Set([...body.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
    const missing = [...read].filter((n) => !own.has(n) && !declared.has(n) && !AMBIENT.test(n));
    expect(missing, `${rel}: list these under "# Inputs (environment):"`).toEqual([]);
    const unused = [...declared].filter((n) => !read.has(n));
    expect(unused, `${rel}: the header names inputs the script never reads`).toEqual([]);
  });
});
