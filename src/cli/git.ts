/** Reads files as they were at a git ref, for the tenant diff. */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

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

/**
 * The commit a checkout at `cwd` stands for when it is judged against `baseSha`: a pull
 * request's test merge commit (refs/pull/N/merge, what tenant-diff.yml checks out: parents the
 * base and the pull request's head) stands for its second parent, the pull request's head,
 * which is what GitHub's run (head_sha) and the approval name; any other commit for itself.
 * Read from the commit object, so a checkout of that one commit (fetch-depth 1) answers too.
 * `asIs` (plan --head-commit SHA: deploy.yml's fast path, judging a commit of main, where a
 * merge of a pull request on top of the deployed commit has the same two parents) names the
 * checkout's own commit, which must be that one.
 */
export function judgedCommit(cwd: string, baseSha: string, asIs?: string): string {
  const head = resolveRef("HEAD", cwd, "--head");
  if (asIs !== undefined) {
    if (asIs !== head) throw new GitError(`--head-commit ${asIs.slice(0, 12)}: the --head checkout is at ${head.slice(0, 12)}`);
    return head;
  }
  const parents = git(["cat-file", "commit", head], cwd)
    .split("\n\n")[0]
    .split("\n")
    .filter((l) => l.startsWith("parent "))
    .map((l) => l.slice("parent ".length));
  return parents.length === 2 && parents[0] === baseSha ? parents[1] : head;
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

/** Where an id was first written into the tenants file: the commit (abbreviated) and its date. */
export interface IdUse {
  readonly commit: string;
  readonly date: string;
}

/** Separates one commit's header from its patch in `git log` output (a NUL never occurs in a patch of a text file). */
const COMMIT_MARK = "\u0000";

/**
 * Every tenant id that any line added or removed in a patch of the tenants file names
 * (`- id: x`, `id: "x"`, `{ id: x, ... }`), with the oldest commit that touched it. Pure:
 * reads `git log -p --format=<NUL>%h %cs` output, newest first.
 */
export function idsInPatches(log: string): Map<string, IdUse> {
  const ids = new Map<string, IdUse>();
  let use: IdUse = { commit: "", date: "" };
  for (const line of log.split("\n")) {
    if (line.startsWith(COMMIT_MARK)) {
      const [commit = "", date = ""] = line.slice(1).split(" ");
      use = { commit, date };
      continue;
    }
    if (!/^[+-]/.test(line) || line.startsWith("+++") || line.startsWith("---")) continue;
    for (const m of line.slice(1).matchAll(/(?<![A-Za-z0-9_$-])id\s*:\s*["']?([a-z][a-z0-9]*(?:-[a-z0-9]+)*)/g)) ids.set(m[1], use);
  }
  return ids;
}

/**
 * The ids the tenants file at `file` has ever held, from its whole git history (renames
 * followed): an id once used names old backups, exports, catalog records and a GitHub
 * environment, so it is never given to another customer. Refuses to answer when the history
 * is not all there (a shallow clone) or the file is not in a git repository.
 */
export function idsEverUsed(file: string, cwd: string): Map<string, IdUse> {
  let shallow: string;
  try {
    shallow = git(["rev-parse", "--is-shallow-repository"], cwd).trim();
  } catch {
    throw new GitError(`${file} is not in a git repository: its history is what proves an id was never used; run in a clone of the repository`);
  }
  if (shallow === "true")
    throw new GitError(
      `this clone is shallow, so ${file}'s history (which proves an id was never used) is incomplete: fetch it whole (git fetch --unshallow; actions/checkout with fetch-depth: 0)`,
    );
  const rel = path.relative(cwd, file) || file;
  const log = git(["log", "--follow", "-p", "-U0", "--no-color", "--no-ext-diff", "--format=%x00%h %cs", "--", rel], cwd);
  return idsInPatches(log);
}

/** Every file of the commit checked out at `cwd` (HEAD) with its blob id: path → object id. */
export function treeOf(cwd: string, ref = "HEAD"): Map<string, string> {
  const out = new Map<string, string>();
  const listing = git(["ls-tree", "-r", "-z", "--full-tree", ref], cwd);
  for (const entry of listing.split("\0")) {
    const tab = entry.indexOf("\t");
    if (tab < 0) continue;
    const [mode, , id] = entry.slice(0, tab).split(" ");
    out.set(entry.slice(tab + 1), `${mode} ${id}`);
  }
  return out;
}

/** The paths that differ between two trees (added, removed or changed in content or mode), sorted. */
export function changedPaths(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}
