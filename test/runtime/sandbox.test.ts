/**
 * The sandbox the base branch's checker plans a pull request's program in (`plan --head DIR
 * --sandbox`, tenant-diff.yml): a program that tries what an attacker's would runs for real,
 * once inside the sandbox and once outside it as the control. It reaches for the network,
 * the runner's processes and the job's environment; leaves files in every place a later
 * step or job could find them (/tmp, /var/tmp, /dev/shm, its HOME, the base checkout, a
 * world-writable tool cache on the later steps' PATH, where it plants a `bash` that exits 0);
 * reads a world-readable file of the base checkout; connects to a unix socket made
 * world-writable and to a TCP listener; creates a user namespace.
 *
 * Then the tenant-diff job itself runs from its diff step on, with that tool cache first on
 * PATH, against a head whose diff must fail: the job must fail.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import { parse } from "yaml";
import { planProgramAt } from "../../src/engine/programPlan";
import type { Step, Workflow } from "../ciTrust";

const ROOT = path.resolve(__dirname, "..", "..");

/** What the probe saw and did; it prints it as the inputs of one resource, so the checker's reader takes it. */
interface Probe {
  uid: number;
  network: string;
  processes: number;
  sawParent: boolean;
  env: string[];
  secret: string | null;
  home: string;
  /** Where it tried to leave a file, and what happened: "written" or an errno code. */
  marks: Record<string, string>;
  /** Planting `bash` in the world-writable tool cache. */
  tool: string;
  /** Reading a world-readable file of the base checkout: its text or an errno code. */
  readBase: string;
  unixSocket: string;
  userns: string;
  /** The descriptors a program it starts holds (`ls /proc/self/fd`: 0-2, the one ls reads the directory with, and whatever leaked in). */
  fds: string[];
}

/** The head's scripts/plan.ts: an attacker's program, in the shape the checker runs. */
const PROBE = `
import { connect } from "node:net";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
void (async () => {
const p = JSON.parse(readFileSync("probe.json", "utf8"));
const attempt = (f: () => void) => { try { f(); return "written"; } catch (e) { return (e as NodeJS.ErrnoException).code ?? String(e); } };
const reach = (opts: object) => new Promise<string>((done) => {
  const socket = connect(opts);
  socket.setTimeout(3000, () => { socket.destroy(); done("timeout"); });
  socket.on("connect", () => { socket.end(); done("connected"); });
  socket.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? "error"));
});
const home = process.env.HOME ?? "";
const marks: Record<string, string> = {};
for (const dir of ["/tmp", "/var/tmp", "/dev/shm", home, p.base, "."]) marks[dir] = attempt(() => writeFileSync(path.join(dir, p.mark), "left by the head"));
const tool = attempt(() => writeFileSync(path.join(p.toolCache, "bash"), "#!/bin/sh\\nexit 0\\n", { mode: 0o755 }));
let readBase: string;
try { readBase = readFileSync(path.join(p.base, "readable.txt"), "utf8"); } catch (e) { readBase = (e as NodeJS.ErrnoException).code ?? "error"; }
const u = spawnSync("unshare", ["--user", "--map-root-user", "true"], { encoding: "utf8" });
const userns = u.error ? (u.error as NodeJS.ErrnoException).code ?? "error" : u.status === 0 ? "created" : u.stderr.trim() || "exit " + u.status;
const pids = readdirSync("/proc").filter((x) => /^\\d+$/.test(x));
const fds = spawnSync("/usr/bin/ls", ["/proc/self/fd"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).stdout.split("\\n").filter(Boolean).sort((a, b) => Number(a) - Number(b));
const inputs = {
  uid: process.getuid!(), network: await reach({ host: "127.0.0.1", port: p.port }), processes: pids.length, sawParent: pids.includes(String(p.parent)),
  env: Object.keys(process.env).sort(), secret: process.env.TENANT_FLEET_PROBE_SECRET ?? null, home, marks, tool, readBase,
  unixSocket: await reach({ path: p.socket }), userns, fds,
};
process.stdout.write(JSON.stringify({ resources: [{ type: "probe:index:Probe", name: "probe", parent: "", inputs, options: { protect: false, retainOnDelete: false } }] }));
})();
`;

/** The places outside the sandbox the test prepares, as a runner would have them. */
interface Runner {
  /** The base branch's checkout (world-readable, as actions/checkout leaves it). */
  base: string;
  /** A tool cache like /opt/hostedtoolcache on GitHub-hosted runners: world-writable, first on the later steps' PATH. */
  toolCache: string;
  socket: string;
  socketServer: Server;
  tcp: Server;
}

const WORLD_WRITABLE = 0o777;

async function prepareRunner(): Promise<Runner> {
  const at = mkdtempSync(path.join(tmpdir(), "tf-runner-"));
  chmodSync(at, 0o755);
  const base = path.join(at, "base");
  mkdirSync(base, { mode: 0o755 });
  writeFileSync(path.join(base, "readable.txt"), "a file of the base checkout", { mode: 0o644 });
  const toolCache = path.join(at, "hostedtoolcache");
  mkdirSync(toolCache);
  chmodSync(toolCache, WORLD_WRITABLE);
  // The tool cache holds the node the later steps run (setup-node puts it first on PATH).
  symlinkSync(process.execPath, path.join(toolCache, "node"));
  symlinkSync(path.join(path.dirname(process.execPath), "npm"), path.join(toolCache, "npm"));
  const socket = path.join(at, "agent.sock");
  const socketServer = createServer((s) => s.end());
  await new Promise<void>((done) => socketServer.listen(socket, done));
  chmodSync(socket, WORLD_WRITABLE);
  const tcp = createServer((s) => s.end());
  await new Promise<void>((done) => tcp.listen(0, "127.0.0.1", done));
  return { base, toolCache, socket, socketServer, tcp };
}

/** A head directory whose scripts/plan.ts is the probe, with the packages the plan is started with. */
function writeProbe(head: string, runner: Runner, mark: string): void {
  mkdirSync(path.join(head, "scripts"), { recursive: true });
  writeFileSync(path.join(head, "scripts/plan.ts"), PROBE);
  writeFileSync(
    path.join(head, "probe.json"),
    JSON.stringify({
      port: (runner.tcp.address() as { port: number }).port,
      parent: process.pid,
      socket: runner.socket,
      base: runner.base,
      toolCache: runner.toolCache,
      mark,
    }),
  );
  // A pull request's checkout has them from npm ci --ignore-scripts.
  for (const pkg of ["tsx", "esbuild", "@esbuild"])
    cpSync(path.join(ROOT, "node_modules", pkg), path.join(head, "node_modules", pkg), { recursive: true, dereference: true });
}

/** Every file named `mark` under the shared places, as seen from outside after the run. */
function marksLeft(mark: string, runner: Runner, home: string): string[] {
  return ["/tmp", "/var/tmp", "/dev/shm", home, runner.base].map((d) => path.join(d, mark)).filter((f) => existsSync(f));
}

describe("the sandbox a pull request's program is planned in", () => {
  let runner: Runner;
  let head: string;
  beforeAll(async () => {
    runner = await prepareRunner();
    head = mkdtempSync(path.join(tmpdir(), "tf-sandbox-"));
    process.env.TENANT_FLEET_PROBE_SECRET = "a-token-of-the-job";
  });
  afterAll(() => {
    runner.tcp.close();
    runner.socketServer.close();
    rmSync(head, { recursive: true, force: true });
    rmSync(path.dirname(runner.base), { recursive: true, force: true });
    delete process.env.TENANT_FLEET_PROBE_SECRET;
  });
  const probe = (sandbox: boolean, mark: string) => {
    writeProbe(head, runner, mark);
    return planProgramAt(head, "prod", { sandbox, label: "probe" })[0].inputs as unknown as Probe;
  };

  it("outside it (the control), the probe reaches the listener and the socket, sees this process, reads the job's environment and the base, creates a user namespace and leaves files everywhere", () => {
    const mark = `tf-mark-control-${process.pid}`;
    const seen = probe(false, mark);
    try {
      expect(seen).toMatchObject({
        network: "connected",
        unixSocket: "connected",
        sawParent: true,
        secret: "a-token-of-the-job",
        tool: "written",
        readBase: "a file of the base checkout",
        userns: "created",
      });
      expect(Object.values(seen.marks)).toEqual(Array(6).fill("written"));
      expect(marksLeft(mark, runner, seen.home)).toHaveLength(5);
      expect(readdirSync(runner.toolCache)).toContain("bash");
    } finally {
      for (const f of [...marksLeft(mark, runner, seen.home), path.join(head, mark), path.join(runner.toolCache, "bash")]) rmSync(f, { force: true });
    }
  });

  it("inside it, the program runs as nobody with no network, no other process, an empty environment, no socket, no user namespace, nothing of the base, and leaves nothing behind", () => {
    const mark = `tf-mark-sandbox-${process.pid}`;
    const seen = probe(true, mark);
    // On a sandbox that fails, what the probe left is removed after the checks.
    onTestFinished(() => {
      for (const f of [...marksLeft(mark, runner, seen.home), path.join(runner.toolCache, "bash")]) rmSync(f, { force: true });
    });
    expect.soft(seen.uid).toBe(65534);
    expect.soft(seen.network).not.toBe("connected");
    expect.soft(seen.unixSocket).not.toBe("connected");
    expect.soft(seen.sawParent).toBe(false);
    expect.soft(seen.processes).toBeLessThanOrEqual(3);
    expect.soft(seen.secret).toBeNull();
    expect.soft(seen.env).toEqual(["FORCE_COLOR", "HOME", "PATH", "PWD"]);
    expect.soft(seen.userns).not.toBe("created");
    expect.soft(seen.readBase).toBe("ENOENT");
    expect.soft(seen.tool).not.toBe("written");
    expect.soft(seen.marks["."]).toBe("EROFS");
    expect.soft(seen.marks[runner.base]).toBe("ENOENT");
    // Its private /tmp, /var/tmp, /dev/shm and HOME take the files, and go with it.
    expect.soft(marksLeft(mark, runner, seen.home)).toEqual([]);
    expect.soft(existsSync(path.join(head, mark))).toBe(false);
    expect.soft(readdirSync(runner.toolCache).sort()).toEqual(["node", "npm"]);
  });
});

describe("the file descriptors the sandbox's program holds", () => {
  // The checker as a runner starts it: with descriptors of the job's open without close-on-exec
  // (here 100 and 200, as `exec 100<…` in a shell leaves them; a probe on a runner saw fd 251, a
  // host pipe). Node itself marks low descriptors close-on-exec at start, not these.
  let runner: Runner;
  let head: string;
  beforeAll(async () => {
    runner = await prepareRunner();
    head = mkdtempSync(path.join(tmpdir(), "tf-sandbox-fds-"));
    writeProbe(head, runner, `tf-mark-fds-${process.pid}`);
    writeFileSync(
      path.join(head, "check.ts"),
      `import { planProgramAt } from ${JSON.stringify(path.join(ROOT, "src/engine/programPlan"))};\nprocess.stdout.write(JSON.stringify(planProgramAt(process.argv[2], "prod", { sandbox: process.argv[3] === "sandbox", label: "probe" })[0].inputs.fds));\n`,
    );
  });
  afterAll(() => {
    runner.tcp.close();
    runner.socketServer.close();
    rmSync(head, { recursive: true, force: true });
    rmSync(path.dirname(runner.base), { recursive: true, force: true });
  });
  const fdsSeen = (where: "sandbox" | "control"): string[] => {
    const r = spawnSync(
      "/bin/bash",
      ["-c", 'exec 100< /dev/null 200> /dev/null; exec "$@"', "checker", process.execPath, "--import", "tsx", path.join(head, "check.ts"), head, where],
      { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as string[];
  };

  it("outside it (the control), a program the head starts holds the checker's inherited descriptors", () => {
    expect(fdsSeen("control")).toEqual(expect.arrayContaining(["100", "200"]));
  });

  it("inside it, only stdin, stdout and stderr (and the one ls opens itself)", () => {
    expect(fdsSeen("sandbox")).toEqual(["0", "1", "2", "3"]);
  });
});

/**
 * The shell a `run:` step is started with, as GitHub's runner resolves it: `bash` is
 * `bash --noprofile --norc -eo pipefail {0}` found on the step's PATH (which setup-node's tool
 * cache leads), a custom shell is its own command line with {0} the script file
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsshell).
 */
function shellOf(step: Step): string[] {
  const shell = step.shell ?? "bash";
  if (shell === "bash") return ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"];
  if (shell.includes(" ")) return shell.split(/\s+/);
  throw new Error(`shell ${shell}: not one this test runs`);
}

/**
 * A step's `if:` as the runner reads it (GitHub's own expression library): with no status
 * function in it, it is `success() && (…)`; no `if:` is `success()`
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#status-check-functions).
 */
function stepRuns(text: string | undefined, steps: Record<string, { outputs: Record<string, string> }>, failed: boolean): boolean {
  const expr = (text ?? "success()").replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, "$1");
  const status: Record<string, boolean> = { success: !failed, failure: failed, always: true, cancelled: false };
  const functions = new Map(Object.keys(status).map((name) => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status[name]) }]));
  const tokens = new Lexer(/\b(success|failure|always|cancelled)\(\)/.test(expr) ? expr : `success() && (${expr})`).lex().tokens;
  const ast = new Parser(tokens, ["steps"], [...functions.values()]).parse();
  const value = new Evaluator(ast, JSON.parse(JSON.stringify({ steps }), data.reviver) as data.Dictionary, functions).evaluate();
  return value.kind === data.Kind.Boolean ? (value as data.BooleanData).value : value.kind !== data.Kind.Null;
}

/**
 * Runs the tenant-diff job from its diff step on, in `workspace` (holding base/ and head/, as
 * the steps before it leave them), with `path` as every step's PATH. `uses:` steps after it
 * (the artifact upload) run the runner's own node, which no PATH entry changes: they count
 * as successes. Returns the job's result and each step's outcome.
 */
function runDiffJob(
  workflow: string,
  workspace: string,
  stack: string,
  pathValue: string,
): { result: "success" | "failure"; steps: Record<string, string>; log: string } {
  const job = (parse(workflow) as Workflow).jobs["tenant-diff"];
  const from = job.steps.findIndex((s) => s.id === "diff");
  const outputs: Record<string, Record<string, string>> = {};
  const outcomes: Record<string, string> = {};
  let status: "success" | "failure" = "success";
  let log = "";
  const temp = mkdtempSync(path.join(tmpdir(), "tf-runner-temp-"));
  for (const [i, step] of job.steps.slice(from).entries()) {
    const id = step.id ?? `step${i}`;
    if (!stepRuns(step.if, Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { outputs: v }])), status === "failure")) {
      outcomes[id] = "skipped";
      continue;
    }
    if (step.uses) {
      outcomes[id] = "success";
      continue;
    }
    const script = path.join(temp, `${id}.sh`);
    writeFileSync(script, step.run!);
    const outputFile = path.join(temp, `${id}.output`);
    writeFileSync(outputFile, "");
    const env = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => {
        if (v.includes("${{") && v !== "${{ matrix.stack }}") throw new Error(`step ${id}: env ${k} holds an expression this test does not evaluate: ${v}`);
        return [k, v.includes("${{") ? stack : v];
      }),
    );
    const [file, ...args] = shellOf(step).map((a) => (a === "{0}" ? script : a));
    const r = spawnSync(file, args, {
      cwd: path.join(workspace, step["working-directory"] ?? "."),
      env: {
        ...env,
        PATH: pathValue,
        HOME: process.env.HOME!,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: path.join(temp, "summary.md"),
        RUNNER_TEMP: temp,
      },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 240_000,
    });
    log += `${r.stdout ?? ""}${r.stderr ?? ""}`;
    outputs[id] = Object.fromEntries(
      readFileSync(outputFile, "utf8")
        .split("\n")
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    outcomes[id] = r.status === 0 ? "success" : "failure";
    if (r.status !== 0) status = "failure";
  }
  rmSync(temp, { recursive: true, force: true });
  return { result: status, steps: outcomes, log };
}

/** A copy of this project's files (its packages linked), as the checkout a step runs in. */
function copyProject(to: string): void {
  cpSync(ROOT, to, { recursive: true, filter: (src) => !/\/(node_modules|\.git|reports)$/.test(src) });
}

describe("the tenant-diff job after a hostile head ran in it", () => {
  let runner: Runner;
  let workspace: string;
  const workflow = readFileSync(path.join(ROOT, ".github/workflows/tenant-diff.yml"), "utf8");
  beforeAll(async () => {
    runner = await prepareRunner();
    workspace = mkdtempSync(path.join(tmpdir(), "tf-workspace-"));
    chmodSync(workspace, 0o755);
    const base = path.join(workspace, "base");
    copyProject(base);
    symlinkSync(path.join(ROOT, "node_modules"), path.join(base, "node_modules"));
    const head = path.join(workspace, "head");
    copyProject(head);
    // A diff that must fail: the head drops a tenant without acknowledging it, and its program registers none of the base's resources.
    const tenants = path.join(head, "tenants/tenants.yaml");
    writeFileSync(tenants, readFileSync(tenants, "utf8").replace(/\n {2}- id: northwind\n(?: {4}.*\n)+/, "\n"));
    writeProbe(head, runner, `tf-mark-job-${process.pid}`);
  });
  afterAll(() => {
    runner.tcp.close();
    runner.socketServer.close();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(path.dirname(runner.base), { recursive: true, force: true });
  });

  it("fails, and the tool cache on its PATH is as it was", () => {
    const job = runDiffJob(workflow, workspace, "prod", `${runner.toolCache}:/usr/bin:/bin`);
    expect(job.steps.diff, job.log).toBe("failure");
    expect(job.result, job.log).toBe("failure");
    expect(readdirSync(runner.toolCache).sort()).toEqual(["node", "npm"]);
    expect(marksLeft(`tf-mark-job-${process.pid}`, runner, "/nonexistent")).toEqual([]);
    expect(readFileSync(path.join(workspace, "report/tenant-diff-prod/comment.md"), "utf8"), job.log).toMatch(
      /not acknowledged: this change must not merge as it is/,
    );
    // The plan's errors reached the log with workflow commands off, under a fresh token.
    const token = /^::stop-commands::([0-9a-f]{32})$/m.exec(job.log)?.[1];
    expect(token, job.log).toBeDefined();
    expect(job.log).toContain(`\n::${token}::\n`);
  });

  it("fails even with a `bash` and a `cat` that exit 0 first on its PATH: the verdict calls nothing a sandboxed program could have replaced", () => {
    for (const tool of ["bash", "cat"]) writeFileSync(path.join(runner.toolCache, tool), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    try {
      const job = runDiffJob(workflow, workspace, "prod", `${runner.toolCache}:/usr/bin:/bin`);
      expect(job.steps.diff, job.log).toBe("failure");
      expect(job.result, job.log).toBe("failure");
    } finally {
      for (const tool of ["bash", "cat"]) rmSync(path.join(runner.toolCache, tool), { force: true });
    }
  });
});
