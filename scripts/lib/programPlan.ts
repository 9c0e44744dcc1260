/**
 * Another commit's program, planned by its own code: a git ref exported to a temporary
 * directory (`git archive`, no worktree left behind), or a directory holding a pull
 * request's checkout. Its `scripts/plan.ts --json` runs as a child process; what it prints
 * is read as data and checked for shape, never trusted to decide anything.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { PlannedResource } from "../../review/resources";
import { resolveRef } from "../../review/git";

/** Exits 1 with its message (runMain treats a RunError so): the other side could not be planned. */
export class ProgramPlanError extends Error {
  override name = "RunError";
}

/** The commit at `ref` as files in a temporary directory, using this project's installed packages. */
export function exportRef(root: string, ref: string): { dir: string; commit: string; cleanup: () => void } {
  const commit = resolveRef(ref, root);
  const dir = mkdtempSync(path.join(tmpdir(), "tf-base-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const archive = execFileSync("git", ["archive", "--format=tar", commit], { cwd: root, maxBuffer: 1024 * 1024 * 1024 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    // Whatever the commit holds under node_modules (nothing, normally) is not what is installed.
    rmSync(path.join(dir, "node_modules"), { recursive: true, force: true });
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  } catch (err) {
    cleanup();
    throw new ProgramPlanError(`cannot export ${ref} (${commit.slice(0, 12)}) to plan its program: ${(err as Error).message.split("\n")[0]}`);
  }
  return { dir, commit, cleanup };
}

/**
 * The command that plans the project at `dir`. With `sandbox`, the program runs as nobody,
 * in its own network and process namespaces (it reaches no network and sees no other
 * process, so not the runner's memory or tokens), with an empty environment: for a pull
 * request's code in a job of the base branch's workflow.
 */
export function planCommand(dir: string, stack: string, sandbox: boolean): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  const node = [process.execPath, "--import", "tsx", path.join(dir, "scripts/plan.ts"), "--stack", stack, "--json"];
  if (!sandbox) return { file: node[0], args: node.slice(1), env: { ...process.env, FORCE_COLOR: "0" } };
  const jail = ["unshare", "--net", "--pid", "--fork", "--mount-proc", "--kill-child", "--", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs", "--", "env", "-i", `PATH=${path.dirname(process.execPath)}:/usr/bin:/bin`, "HOME=/tmp", "FORCE_COLOR=0", ...node];
  const asRoot = process.getuid?.() === 0;
  return { file: asRoot ? jail[0] : "sudo", args: asRoot ? jail.slice(1) : ["-n", ...jail], env: process.env };
}

/** Runs the plan of the project at `dir` and returns its registrations. */
export function planProgramAt(dir: string, stack: string, opts: { sandbox?: boolean; label: string }): PlannedResource[] {
  if (!existsSync(path.join(dir, "scripts/plan.ts"))) throw new ProgramPlanError(`${opts.label}: ${dir} has no scripts/plan.ts, so its program cannot be planned`);
  // The sandboxed user may not traverse the runner's home: it plans a copy it can read and
  // cannot change (the copy is this user's, the program runs as nobody).
  const jail = opts.sandbox ? mkdtempSync(path.join(tmpdir(), "tf-head-")) : undefined;
  try {
    if (jail) {
      cpSync(dir, jail, { recursive: true, verbatimSymlinks: true });
      chmodSync(jail, 0o755);
    }
    const at = jail ?? dir;
    const cmd = planCommand(at, stack, opts.sandbox ?? false);
    const r = spawnSync(cmd.file, cmd.args, { cwd: at, env: cmd.env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"], timeout: 15 * 60_000 });
    return planResult(r, stack, opts.label);
  } finally {
    if (jail) rmSync(jail, { recursive: true, force: true });
  }
}

function planResult(r: SpawnSyncReturns<string>, stack: string, label: string): PlannedResource[] {
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr.trim().split("\n").slice(-8).join("\n") || `exit ${r.status}`);
    throw new ProgramPlanError(`${label}: its program could not be planned (stack ${stack}):\n${why}`);
  }
  return readPlan(r.stdout, label);
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** A plan document's registrations, checked for shape (the head's is a pull request's output). */
export function readPlan(text: string, label: string): PlannedResource[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ProgramPlanError(`${label}: its plan did not print a JSON document`);
  }
  const resources = isRecord(doc) ? doc.resources : undefined;
  if (!Array.isArray(resources)) throw new ProgramPlanError(`${label}: its plan has no resources list`);
  return resources.map((r, i) => {
    const o = isRecord(r) && isRecord(r.options) ? r.options : undefined;
    if (!isRecord(r) || typeof r.type !== "string" || typeof r.name !== "string" || typeof r.parent !== "string" || !isRecord(r.inputs) || !o || typeof o.protect !== "boolean" || typeof o.retainOnDelete !== "boolean") {
      throw new ProgramPlanError(`${label}: resource ${i} of its plan is not { type, name, parent, inputs, options: { protect, retainOnDelete } }`);
    }
    return { type: r.type, name: r.name, parent: r.parent, inputs: r.inputs, options: { protect: o.protect, retainOnDelete: o.retainOnDelete } };
  });
}
