/**
 * The job scripts' bash lives in `.sh` files beside this module (`sh/`), each with a header
 * naming its environment inputs; the renderers embed their bodies (`shellBody`, which strips
 * the header) and hand the constants in through the step's `env:`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { shellBody } from "../../core/shellFile";

/** Where the job scripts' `.sh` and `.sql` files are. */
export const SH_DIR = path.join(__dirname, "sh");

/** The bodies of these `.sh` files, in order, as one script. */
export function shellScript(...names: string[]): string {
  return names.map((name) => shellBody(SH_DIR, name)).join("\n");
}

/** A `.sql` file of SH_DIR without its leading `--` comment lines and final newline. */
export function sqlText(name: string): string {
  const lines = fs.readFileSync(path.join(SH_DIR, name), "utf8").split("\n");
  let start = 0;
  while (start < lines.length && lines[start].startsWith("--")) start += 1;
  return lines.slice(start).join("\n").replace(/\n+$/, "");
}
