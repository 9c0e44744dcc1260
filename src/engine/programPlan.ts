/**
 * Another commit's program, planned by its own code: a git ref exported to a temporary
 * directory (`git archive`, no worktree left behind), or a directory holding a pull
 * request's checkout. Its `scripts/plan.ts --json` runs as a child process; what it prints
 * is read as data and checked for shape, never trusted to decide anything.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { PlannedResource } from "../review/findings";
import { CommandError } from "../cli/cli";
import { resolveRef } from "../cli/git";

/** Exits 1 with its message (runMain treats a CommandError so): the other side could not be planned. */
export class ProgramPlanError extends CommandError {}

/** Directories exportRef made, and the installed packages their node_modules link to (mounted there in the sandbox). */
const EXPORTED_PACKAGES = new Map<string, string>();

/** The commit at `ref` as files in a temporary directory, using this project's installed packages. */
export function exportRef(root: string, ref: string): { dir: string; commit: string; cleanup: () => void } {
  const commit = resolveRef(ref, root);
  const dir = mkdtempSync(path.join(tmpdir(), "tf-base-"));
  const cleanup = () => {
    EXPORTED_PACKAGES.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const archive = execFileSync("git", ["archive", "--format=tar", commit], { cwd: root, maxBuffer: 1024 * 1024 * 1024 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    // Whatever the commit holds under node_modules (nothing, normally) is not what is installed.
    rmSync(path.join(dir, "node_modules"), { recursive: true, force: true });
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    EXPORTED_PACKAGES.set(dir, path.join(root, "node_modules"));
  } catch (err) {
    cleanup();
    throw new ProgramPlanError(`cannot export ${ref} (${commit.slice(0, 12)}) to plan its program: ${(err as Error).message.split("\n")[0]}`);
  }
  return { dir, commit, cleanup };
}

/** The sandbox's user and group: nobody, nogroup (65534 on Debian and Ubuntu), outside it as inside. */
export const SANDBOX_ID = 65534;
/** Where the head's copy is mounted, read-only, inside the sandbox. */
export const SANDBOX_HEAD = "/head";
/** HOME inside the sandbox: a private tmpfs like /tmp, /var/tmp and /dev/shm, gone when the program ends. */
export const SANDBOX_HOME = "/home/sandbox";
/** bubblewrap (Debian/Ubuntu package `bubblewrap`; `--disable-userns` needs 0.8), by absolute path. */
export const BWRAP = "/usr/bin/bwrap";
const SETPRIV = "/usr/bin/setpriv";
const SUDO = "/usr/bin/sudo";
/**
 * Closes every file descriptor above 2, then execs its arguments: the runner's own
 * descriptors opened without close-on-exec (a pipe of the job's, inherited through node)
 * would otherwise pass through setpriv and bwrap into the sandbox. sudo closes them itself
 * (sudoers(5), closefrom); as root this runs first. bash by absolute path, from the runner's
 * read-only system, not a tool cache.
 */
const CLOSE_FDS = [
  "/bin/bash",
  "-c",
  'for fd in /proc/$$/fd/*; do fd="${fd##*/}"; if [ "${fd}" -gt 2 ]; then eval "exec ${fd}<&-"; fi; done; exec "$@"',
  "close-fds",
];

/** The read-only system the program runs on: /usr, the merged-/usr links, and the few files of /etc a dynamically linked node reads. */
const SYSTEM_DIRS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
const SYSTEM_FILES = [
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/alternatives",
  "/etc/passwd",
  "/etc/group",
  "/etc/nsswitch.conf",
  "/etc/localtime",
];

/**
 * bubblewrap's arguments for running `command` on the head copy at `dir` (see bwrap(1)):
 * a new root holding only /usr, a few files of /etc and node's own install directory,
 * read-only; the head copy read-only at /head; private tmpfs for /tmp, /var/tmp, /dev/shm
 * and HOME; new user (no further user namespace: --disable-userns), pid, network, ipc,
 * uts and cgroup namespaces; uid and gid 65534; a new session; an environment of PATH,
 * HOME and FORCE_COLOR only. Nothing else of the runner is mounted: no socket, no
 * checkout, no tool cache but node's directory, nothing writable that outlives it.
 * `mounts` are more read-only binds, [host path, path inside].
 */
export function bwrapArgs(dir: string, nodePath: string, command: string[], mounts: readonly (readonly [string, string])[] = []): string[] {
  const nodeDir = path.dirname(path.dirname(nodePath));
  const system = SYSTEM_DIRS.filter((d) => existsSync(d)).flatMap((d) =>
    lstatSync(d).isSymbolicLink() ? ["--symlink", readlinkSync(d), d] : ["--ro-bind", d, d],
  );
  return [
    "--unshare-all",
    "--unshare-user",
    "--disable-userns",
    "--uid",
    String(SANDBOX_ID),
    "--gid",
    String(SANDBOX_ID),
    "--hostname",
    "sandbox",
    "--die-with-parent",
    "--new-session",
    "--clearenv",
    "--setenv",
    "PATH",
    `${path.dirname(nodePath)}:/usr/bin:/bin`,
    "--setenv",
    "HOME",
    SANDBOX_HOME,
    "--setenv",
    "FORCE_COLOR",
    "0",
    "--ro-bind",
    "/usr",
    "/usr",
    ...system,
    ...SYSTEM_FILES.flatMap((f) => ["--ro-bind-try", f, f]),
    ...(nodeDir.startsWith("/usr/") ? [] : ["--ro-bind", nodeDir, nodeDir]),
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--tmpfs",
    "/dev/shm",
    "--tmpfs",
    "/tmp",
    "--tmpfs",
    "/var/tmp",
    "--tmpfs",
    SANDBOX_HOME,
    "--ro-bind",
    dir,
    SANDBOX_HEAD,
    ...mounts.flatMap(([from, to]) => ["--ro-bind", from, to]),
    "--chdir",
    SANDBOX_HEAD,
    "--",
    ...command,
  ];
}

/**
 * The command that plans the project at `dir`. With `sandbox`, the program runs in
 * bubblewrap (bwrapArgs), started as nobody: as root through setpriv (after CLOSE_FDS),
 * else through `sudo -n` (GitHub-hosted runners' user has passwordless sudo); either way
 * no descriptor but stdin, stdout and stderr passes in. bwrap runs unprivileged,
 * so inside and outside the program is uid 65534, never the caller and never root; on
 * Ubuntu 24.04 it needs its AppArmor `userns` profile, which tenant-diff.yml loads.
 */
export function planCommand(
  dir: string,
  stack: string,
  sandbox: boolean,
  mounts: readonly (readonly [string, string])[] = [],
): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  const plan = (at: string) => [process.execPath, "--import", "tsx", path.join(at, "scripts/plan.ts"), "--stack", stack, "--json"];
  if (!sandbox) {
    const node = plan(dir);
    return { file: node[0], args: node.slice(1), env: { ...process.env, FORCE_COLOR: "0" } };
  }
  const jail = [
    SETPRIV,
    `--reuid=${SANDBOX_ID}`,
    `--regid=${SANDBOX_ID}`,
    "--clear-groups",
    "--",
    BWRAP,
    ...bwrapArgs(dir, process.execPath, plan(SANDBOX_HEAD), mounts),
  ];
  const asRoot = process.getuid?.() === 0;
  return { file: asRoot ? CLOSE_FDS[0] : SUDO, args: asRoot ? [...CLOSE_FDS.slice(1), ...jail] : ["-n", ...jail], env: { PATH: "/usr/bin:/bin" } };
}

/** Runs the plan of the project at `dir` and returns its registrations. */
export function planProgramAt(dir: string, stack: string, opts: { sandbox?: boolean; label: string }): PlannedResource[] {
  if (!existsSync(path.join(dir, "scripts/plan.ts")))
    throw new ProgramPlanError(`${opts.label}: ${dir} has no scripts/plan.ts, so its program cannot be planned`);
  // bwrap runs as nobody, who may not traverse the runner's home: it mounts a copy it can
  // read (the copy is this user's; the program sees it read-only). An exported ref's
  // packages are this project's, mounted where its node_modules link was (a link to a
  // path outside the sandbox would lead nowhere); a checkout's own links are copied as links.
  const jail = opts.sandbox ? mkdtempSync(path.join(tmpdir(), "tf-head-")) : undefined;
  const packages = EXPORTED_PACKAGES.get(dir);
  const mounts: [string, string][] = jail && packages ? [[packages, path.posix.join(SANDBOX_HEAD, "node_modules")]] : [];
  try {
    if (jail) {
      cpSync(dir, jail, { recursive: true, verbatimSymlinks: true, filter: (src) => !(packages && src === path.join(dir, "node_modules")) });
      if (packages) mkdirSync(path.join(jail, "node_modules"));
      chmodSync(jail, 0o755);
    }
    const at = jail ?? dir;
    const cmd = planCommand(at, stack, opts.sandbox ?? false, mounts);
    const r = spawnSync(cmd.file, cmd.args, {
      cwd: at,
      env: cmd.env,
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 15 * 60_000,
    });
    return planResult(r, stack, opts.label);
  } finally {
    if (jail) rmSync(jail, { recursive: true, force: true });
  }
}

function planResult(r: SpawnSyncReturns<string>, stack: string, label: string): PlannedResource[] {
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.stderr.trim().split("\n").slice(-8).join("\n") || `exit ${r.status}`;
    const hint = /^bwrap: /m.test(r.stderr ?? "")
      ? `\nthe sandbox did not start: install bubblewrap (>= 0.8) and, where unprivileged user namespaces are restricted (Ubuntu 24.04), load the AppArmor profile tenant-diff.yml loads`
      : "";
    throw new ProgramPlanError(`${label}: its program could not be planned (stack ${stack}):\n${why}${hint}`);
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
    if (
      !isRecord(r) ||
      typeof r.type !== "string" ||
      typeof r.name !== "string" ||
      typeof r.parent !== "string" ||
      !isRecord(r.inputs) ||
      !o ||
      typeof o.protect !== "boolean" ||
      typeof o.retainOnDelete !== "boolean"
    ) {
      throw new ProgramPlanError(`${label}: resource ${i} of its plan is not { type, name, parent, inputs, options: { protect, retainOnDelete } }`);
    }
    return { type: r.type, name: r.name, parent: r.parent, inputs: r.inputs, options: { protect: o.protect, retainOnDelete: o.retainOnDelete } };
  });
}
