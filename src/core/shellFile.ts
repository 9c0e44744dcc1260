/**
 * The project's shell scripts are `.sh` files (issue 33: shell as shell), read by the renderers
 * that embed them in generated workflows and by the operations that run them. Each file starts
 * with a header the reader needs and the generated text does not: the `#!/usr/bin/env bash`
 * line, then comment lines naming the script's environment inputs (and any shellcheck
 * directive, with its reason). `shellBody` returns the text after that header, without the
 * final newline, so a renderer places it as it placed the TypeScript string before.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const SHEBANG = "#!/usr/bin/env bash";
const cache = new Map<string, string>();

/** The body of `dir/name` (a `.sh` file): everything after its shebang and leading comment lines. */
export function shellBody(dir: string, name: string): string {
  const file = path.join(dir, name);
  const known = cache.get(file);
  if (known !== undefined) return known;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  if (lines[0] !== SHEBANG) throw new Error(`internal: ${file} must start with "${SHEBANG}" and a header naming its environment inputs`);
  let start = 1;
  while (start < lines.length && /^#( |$)/.test(lines[start])) start += 1;
  if (start === 1) throw new Error(`internal: ${file} has no header: after "${SHEBANG}", comment lines name its environment inputs`);
  // One blank line may close the header.
  if (lines[start] === "") start += 1;
  const body = lines.slice(start).join("\n").replace(/\n+$/, "");
  cache.set(file, body);
  return body;
}

/** The environment inputs a script's header names: lines `# NAME  what it is` under `# Inputs (environment):`. */
export function shellInputs(dir: string, name: string): string[] {
  const text = fs.readFileSync(path.join(dir, name), "utf8");
  const header = text.split("\n").slice(1);
  const inputs: string[] = [];
  let inside = false;
  for (const line of header) {
    if (!line.startsWith("#")) break;
    if (/^# Inputs \(environment\):/.test(line)) inside = true;
    else if (inside) {
      const m = /^#\s+([A-Z][A-Z0-9_]*)\b/.exec(line);
      if (m) inputs.push(m[1]);
      else if (!/^#\s{3,}\S/.test(line)) inside = false;
    }
  }
  return inputs;
}
