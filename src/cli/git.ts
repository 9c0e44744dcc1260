/** Reads files as they were at a git ref, for the tenant diff. */
import { execFileSync } from "node:child_process";

export class GitError extends Error {}

function git(args: string[], cwd: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

/** Fails with a usable message when `ref` does not name a commit. */
export function resolveRef(ref: string, cwd: string, option = "--base"): string {
  if (ref.startsWith("-")) throw new GitError(`${option} ${ref}: not a git ref`);
  try {
    return git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], cwd).trim();
  } catch {
    throw new GitError(`${option} ${ref}: no such commit here; fetch it first (git fetch origin <branch>) or name another ref`);
  }
}

/** The file at `ref` (path relative to `cwd`), or undefined when it did not exist there. */
export function fileAtRef(ref: string, path: string, cwd: string): string | undefined {
  const commit = resolveRef(ref, cwd);
  const rel = path.replace(/^\.\//, "");
  try {
    return git(["show", `${commit}:./${rel}`], cwd);
  } catch {
    return undefined;
  }
}
