/**
 * The project's commands run inside the test's own process: the script is imported once (its
 * runMain hands the main over, COLLECT_MAIN in src/cli/cli.ts) and each run calls that main
 * through runCommand, the function runMain ends the real process with, so the exit code and
 * what is printed are the command's own. A run gets the arguments, working directory and
 * environment a process would; stdout and stderr (process.stdout/stderr and console) are
 * captured; the HTTP agents' kept-alive sockets are closed after each run, as the process's end
 * would. Runs are one at a time (they share the process's streams, cwd and environment).
 *
 * A real process adds what happens before main: scripts/launch.mjs's Node check and node
 * arguments, tsx's loader, the exit itself. test/cli.test.ts keeps real launches for those and
 * checks that both ways print the same.
 */
import * as http from "node:http";
import * as https from "node:https";
import { format } from "node:util";
import { COLLECT_MAIN, type runCommand } from "../src/cli/cli";

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

type Main = (argv: string[]) => Promise<number> | number;
interface Entry {
  readonly name: string;
  readonly main: Main;
  /** runCommand of the script's own src/cli/cli.ts: a copy of the project has its own error classes. */
  readonly run: typeof runCommand;
}

const entries = new Map<string, Promise<Entry>>();
let queue: Promise<unknown> = Promise.resolve();

/** One run at a time: each waits for the one before it, whatever that one's outcome. */
function serially<T>(run: () => Promise<T>): Promise<T> {
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

/** The name and main a script hands runMain when imported (its own check of argv[1] sees itself). */
function entryOf(script: string): Promise<Entry> {
  let entry = entries.get(script);
  if (!entry) {
    entry = (async () => {
      let found: Entry | undefined;
      const globals = globalThis as { [COLLECT_MAIN]?: (name: string, main: Main, run: typeof runCommand) => void };
      const argv = process.argv;
      globals[COLLECT_MAIN] = (name, main, run) => (found = { name, main, run });
      process.argv = [process.execPath, script];
      try {
        // Its own instance of the module (the query): a script another one imports (neon-sdk's, by generate's) has run
        // its top level already, without argv[1] naming it.
        await import(`${script}?main`);
      } finally {
        delete globals[COLLECT_MAIN];
        process.argv = argv;
      }
      if (!found) throw new Error(`${script} did not call runMain when imported`);
      return found;
    })();
    entries.set(script, entry);
  }
  return entry;
}

/** Replaces process.stdout/stderr.write and console's printing for the length of a run. */
function capture(): { out: string[]; err: string[]; restore: () => void } {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { stdout: process.stdout.write, stderr: process.stderr.write, console: { ...console } };
  const writer =
    (into: string[]) =>
    (chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean => {
      into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8"));
      const done = typeof encoding === "function" ? encoding : cb;
      if (done) process.nextTick(done);
      return true;
    };
  process.stdout.write = writer(out) as typeof process.stdout.write;
  process.stderr.write = writer(err) as typeof process.stderr.write;
  console.log = console.info = (...a: unknown[]) => void out.push(`${format(...a)}\n`);
  console.error = console.warn = (...a: unknown[]) => void err.push(`${format(...a)}\n`);
  const restore = () => {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    Object.assign(console, saved.console);
  };
  return { out, err, restore };
}

/**
 * Sets `env` over process.env (only `env` when `bare`: a process started with that environment
 * alone) and `cwd` as the working directory; the returned function undoes both.
 */
function enter(cwd: string, env: Record<string, string | undefined>, bare: boolean): () => void {
  const savedCwd = process.cwd();
  const savedEnv = { ...process.env };
  if (bare) for (const k of Object.keys(process.env)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.chdir(cwd);
  return () => {
    process.chdir(savedCwd);
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  };
}

/**
 * Runs the command `script` (an absolute path to a file that calls runMain) with `args`, in
 * `cwd` with `env` over the test's environment (or, `bareEnv`, with `env` alone; a variable
 * set to undefined is removed), as its process would, and returns its exit code and output.
 */
export function runInProcess(
  script: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; bareEnv?: boolean },
): Promise<Ran> {
  return serially(async () => {
    const leave = enter(options.cwd, options.env ?? {}, options.bareEnv ?? false);
    const output = capture();
    try {
      const { name, main, run } = await entryOf(script);
      const code = await run(name, main, args);
      return { code, stdout: output.out.join(""), stderr: output.err.join("") };
    } finally {
      output.restore();
      leave();
      // A process ends with its connections: the next run must not reuse a kept-alive socket the server may have closed.
      http.globalAgent.destroy();
      https.globalAgent.destroy();
    }
  });
}
