/**
 * Writing a command's output file: a path that cannot be written is the user's to fix, so it
 * is a CommandError (exit 1) naming the path and what to do, never an internal error.
 * Node's error codes (ENOENT, EACCES, ...) are the POSIX ones: https://nodejs.org/api/errors.html#common-system-errors
 */
import { accessSync, constants, mkdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { CommandError } from "./errors";

/** Why `file` could not be written, and what to do, from the system error's code. */
export function writeProblem(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const dir = path.dirname(file);
  switch (code) {
    case "ENOENT":
      return `the folder ${dir} does not exist; create it first (mkdir -p ${dir}) or write to another path`;
    case "EACCES":
    case "EPERM":
      return `permission denied; write to a path you may write to, or change the permissions of ${dir}`;
    case "EISDIR":
      return `it is a folder; name a file, e.g. ${path.join(file, "report")}`;
    case "ENOTDIR":
      return `a part of the path (in ${dir}) is a file, not a folder; choose another path`;
    case "EROFS":
      return `the file system is read-only; write to another path`;
    case "ENOSPC":
    case "EDQUOT":
      return `no space left (or over quota) on its device; free some space or write elsewhere`;
    case "ENAMETOOLONG":
      return `the path is too long; choose a shorter one`;
    default:
      return `it cannot be written (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/** Writes `content` to `file` (with `mkdir`, its folder first); a failure is a CommandError naming the path. */
export function writeOutputFile(file: string, content: string | Uint8Array, options: { mkdir?: boolean } = {}): void {
  try {
    if (options.mkdir) mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  } catch (err) {
    throw new CommandError(`cannot write ${file}: ${writeProblem(file, err)}`);
  }
}

/**
 * Fails now, as writeOutputFile would later, when `file` could not be written: for a command
 * that writes its file after doing something that cannot be undone (a tenant operation's record).
 */
export function checkWritable(file: string): void {
  let err: unknown;
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    if (st?.isDirectory()) err = Object.assign(new Error("is a directory"), { code: "EISDIR" });
    else accessSync(st ? file : path.dirname(file), constants.W_OK);
    if (!st && !statSync(path.dirname(file)).isDirectory()) err = Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  } catch (e) {
    err = e;
  }
  if (err) throw new CommandError(`cannot write ${file}: ${writeProblem(file, err)}`);
}
