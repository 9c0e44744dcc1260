/**
 * The command line as users meet it: every command of package.json answers --help with its
 * usage (exit 0) and changes no file; an unknown option or subcommand exits 2 with the usage
 * and the nearest known name; every stack-reading command takes --stack; a file that cannot
 * be written is named, with what to do (exit 1), never an internal error.
 *
 * The commands run inside this test's process (test/commands.ts: the script's own main and
 * runMain's exit codes, without a Node and tsx start of a few seconds' CPU each); a few run
 * as real processes, the way package.json's lines start them, and must print the same.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectFiles, ROOT } from "./program";
import { runInProcess, type Ran } from "./commands";
import { checkWritable, writeOutputFile, writeProblem } from "../src/cli/outputFile";
import { HelpRequested, parseCommandLine, parseSubcommand } from "../src/cli/cli";
import { CommandError } from "../src/cli/errors";
import { suggestCommand, suggestOption, typingDistance } from "../src/cli/suggest";
import { UsageError } from "../src/core/config/stackFiles";

const SCRIPTS = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** The scripts that are this project's commands: they run an entry point under scripts/ or src/tools/ (not vitest, eslint, tsc ...). */
const COMMANDS = Object.entries(SCRIPTS)
  .filter(([, line]) => /^(node scripts\/launch\.mjs|tsx) (scripts|src\/tools)\/\S+\.ts\b/.test(line))
  .map(([name]) => name);

/** A copy of the project with what a generator could rewrite (README, docs, workflows, goldens). */
function copyOfProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-cli-"));
  for (const f of [...projectFiles(), "README.md", "docs", ".github", "test/golden"]) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

/** Every file under `dir` (node_modules aside) with its modification time and a hash of its content: what a command wrote shows as a difference. */
function snapshot(dir: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(dir, rel))) {
    const file = path.join(rel, name);
    if (file === "node_modules") continue;
    const st = statSync(path.join(dir, file));
    if (st.isDirectory()) Object.assign(out, snapshot(dir, file));
    // The modification time too: a generator that rewrites a file with the same content has still written it.
    else
      out[file] = `${st.mtimeMs} ${createHash("sha256")
        .update(readFileSync(path.join(dir, file)))
        .digest("hex")}`;
  }
  return out;
}

/** What a command sees of the environment here: no credentials, and npm's INIT_CWD. */
const envIn = (dir: string) => ({ NEON_API_KEY: "", GITHUB_TOKEN: "", CATALOG_DATABASE_URL: "", INIT_CWD: dir });

/** Runs a package.json script's command line as npm would, in `dir`, with `args` appended: a process of its own. */
function runScript(dir: string, script: string, args: string[]): Promise<Ran> {
  const [tool, ...rest] = SCRIPTS[script].split(" ");
  const argv = tool === "tsx" ? [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), ...rest] : rest;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...argv, ...args], { cwd: dir, env: { ...process.env, ...envIn(dir) } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs a package.json script's command in this process (test/commands.ts): the script file of
 * its line (after `tsx` or `node scripts/launch.mjs`) under `dir`, with the line's own
 * arguments, then `args`, in `dir`.
 */
function runInside(dir: string, script: string, args: string[]): Promise<Ran> {
  const words = SCRIPTS[script].split(" ");
  const [file, ...own] = words[0] === "tsx" ? words.slice(1) : words.slice(2);
  return runInProcess(path.join(dir, file), [...own, ...args], { cwd: dir, env: envIn(dir) });
}

/** Runs every case, three at a time (the machine is shared). */
async function runAll<T>(cases: T[], run: (c: T) => Promise<Ran>): Promise<Map<T, Ran>> {
  const results = new Map<T, Ran>();
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) results.set(c, await run(c));
  };
  await Promise.all([worker(), worker(), worker()]);
  return results;
}

describe("every command of package.json", () => {
  let dir: string;
  let before: Record<string, string>;
  let help: Map<string, Ran>;
  let unknown: Map<string, Ran>;
  beforeAll(async () => {
    dir = copyOfProject();
    before = snapshot(dir);
    help = await runAll(COMMANDS, (c) => runInside(dir, c, ["--help"]));
    unknown = await runAll(COMMANDS, (c) => runInside(dir, c, ["--no-such-option"]));
  }, 600_000);

  it("are every script but the tool runners (a new command is in the tables below by itself)", () => {
    const others = Object.keys(SCRIPTS).filter((s) => !COMMANDS.includes(s));
    expect(others.every((s) => /^(test|test:runtime|typecheck|lint|lint:.+|format)$/.test(s))).toBe(true);
    expect(COMMANDS).toEqual(
      expect.arrayContaining([
        "plan",
        "regions",
        "bench",
        "schema",
        "golden",
        "generate",
        "stacks",
        "neon-sdk",
        "fleet",
        "catalog",
        "status",
        "tenant",
        "init",
      ]),
    );
  });

  it.each(COMMANDS)("%s --help: its usage on stdout, exit 0, nothing on stderr", (command) => {
    const r = help.get(command)!;
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^usage: npm run /);
    expect(r.code).toBe(0);
  });

  it("--help wrote, changed and removed no file", () => {
    expect(snapshot(dir)).toEqual(before);
  });

  it.each(COMMANDS)("%s --no-such-option: exit 2, what is wrong and the usage on stderr, nothing on stdout", (command) => {
    const r = unknown.get(command)!;
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^(unknown option --no-such-option|say the command \([a-z, -]+\) before the options)\nusage: npm run /);
    expect(r.code).toBe(2);
  });
});

describe("near misses, subcommands, -h and --stack", () => {
  const dir = ROOT;
  const CASES: [string, string[], number, RegExp][] = [
    ["plan", ["--stak", "prod"], 2, /^unknown option --stak; did you mean --stack\?\nusage: /],
    ["fleet", ["orphan"], 2, /^unknown command "orphan"; did you mean orphans\?\nusage: /],
    ["status", ["--jsn"], 2, /^unknown option --jsn; did you mean --json\?\nusage: /],
    ["bench", ["--size", "10"], 2, /^unknown option --size; did you mean --sizes\?\nusage: /],
    ["tenant", ["restor", "acme-corp"], 2, /^unknown command "restor"; did you mean restore\?\nusage: /],
    ["catalog", ["migrat"], 2, /^unknown command "migrat"; did you mean migrate\?\nusage: /],
    ["tenant", ["restore", "-h"], 0, /^$/],
    ["fleet", ["orphans", "--stack", "nope"], 2, /^Pulumi\.nope\.yaml: no such stack; stacks here: dev, prod\n/],
    [
      "fleet",
      ["usage", "--month", "2026-13"],
      2,
      /^--month "2026-13" is not a month; write it YYYY-MM, e\.g\. --month \d{4}-\d\d\nusage: npm run fleet -- usage /,
    ],
    ["fleet", ["usage", "--fromat", "csv"], 2, /^unknown option --fromat; did you mean --format\?\nusage: npm run fleet -- usage /],
    ["fleet", ["usage", "--format", "xml"], 2, /^--format "xml": use md \(a table\), csv or json\nusage: /],
    ["fleet", ["usage", "--stack", "nope"], 2, /^Pulumi\.nope\.yaml: no such stack; stacks here: dev, prod\n/],
    ["stacks", ["--stack", "nope"], 2, /^--stack nope: no Pulumi\.nope\.yaml here; stacks here: dev, prod\n/],
    ["bench", ["--stack", "nope", "--api"], 2, /^Pulumi\.nope\.yaml: no such stack; stacks here: dev, prod\n/],
    ["regions", ["--stack", "nope"], 2, /^Pulumi\.nope\.yaml: no such stack/],
  ];
  let results: Map<(typeof CASES)[number], Ran>;
  beforeAll(async () => {
    results = await runAll(CASES, ([command, args]) => runInside(dir, command, args));
  }, 600_000);

  it.each(CASES)("%s %j exits %i", (...c) => {
    const r = results.get(CASES.find((x) => x[0] === c[0] && x[1] === c[1])!)!;
    expect(r.stderr).toMatch(c[3]);
    expect(r.code).toBe(c[2]);
  });

  it("stacks --stack prod lists that stack alone", async () => {
    const r = await runInside(dir, "stacks", ["--stack", "prod", "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { all: { include: { stack: string }[] } }).all.include.map((s) => s.stack)).toEqual(["prod"]);
  }, 60_000);
});

describe("as processes, the way package.json's lines start them", () => {
  // Through scripts/launch.mjs (plan), through tsx (fleet), with the line's own argument (status), and a command
  // that reads the stacks and prints JSON (stacks).
  const CASES: [string, string[], number][] = [
    ["plan", ["--help"], 0],
    ["fleet", ["orphan"], 2],
    ["status", ["--jsn"], 2],
    ["stacks", ["--stack", "prod", "--json"], 0],
  ];
  let processes: Map<(typeof CASES)[number], Ran>;
  beforeAll(async () => {
    processes = await runAll(CASES, ([command, args]) => runScript(ROOT, command, args));
  }, 600_000);

  it.each(CASES)("%s %j: exits %i, no stack trace, and prints exactly what the in-process run prints", async (...c) => {
    const ran = processes.get(CASES.find((x) => x[0] === c[0] && x[1] === c[1])!)!;
    expect(ran.code).toBe(c[2]);
    expect(ran.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(ran.stdout + ran.stderr).not.toBe("");
    expect(await runInside(ROOT, c[0], c[1])).toEqual(ran);
  });
});

describe("parseCommandLine and parseSubcommand", () => {
  const OPTIONS = { stack: { type: "string" }, json: { type: "boolean", default: false }, ticket: { type: "string" } } as const;

  it("a help request wins over everything else, but a value that reads -h is a value", () => {
    expect(() => parseCommandLine(["--bogus", "-h"], OPTIONS, "usage: x")).toThrow(HelpRequested);
    expect(parseCommandLine(["--ticket=-h"], OPTIONS, "usage: x").ticket).toBe("-h");
    // Node's parser calls `--ticket -h` ambiguous (a usage error), which is not a help request either.
    expect(() => parseCommandLine(["--ticket", "-h"], OPTIONS, "usage: x")).toThrow(/^Option '--ticket' argument is ambiguous/);
  });

  it("unknown options, stray arguments and missing values are UsageErrors with the usage", () => {
    expect(() => parseCommandLine(["--jsno"], OPTIONS, "usage: x")).toThrow(new UsageError("unknown option --jsno; did you mean --json?\nusage: x"));
    expect(() => parseCommandLine(["--zzzzzz"], OPTIONS, "usage: x")).toThrow(new UsageError("unknown option --zzzzzz\nusage: x"));
    expect(() => parseCommandLine(["-q"], OPTIONS, "usage: x")).toThrow(new UsageError("unknown option -q\nusage: x"));
    expect(() => parseCommandLine(["stack"], OPTIONS, "usage: x")).toThrow(new UsageError('unexpected argument "stack"; did you mean --stack?\nusage: x'));
    expect(() => parseCommandLine(["--stack"], OPTIONS, "usage: x")).toThrow(/argument missing\nusage: x$/);
  });

  it("a near miss is a swap, a slip or the start of one name only", () => {
    expect(suggestOption("--tenats", ["tenants", "stack"])).toBe("; did you mean --tenants?");
    expect(suggestOption("--ten", ["tenants", "tenants-only"])).toBe("");
    expect(suggestOption("--tenants-o", ["tenants", "tenants-only"])).toBe("; did you mean --tenants-only?");
    expect(suggestOption("--fromat=json", ["format"])).toBe("; did you mean --format?");
    expect(suggestCommand("xyz", ["orphans", "adopt"])).toBe("");
    expect(typingDistance("adpot", "adopt")).toBe(1);
  });

  it("subcommands: none, an option first, a near miss", () => {
    const cmds = ["orphans", "adopt"] as const;
    expect(parseSubcommand(["adopt", "--org", "o"], cmds, "u")).toEqual({ command: "adopt", rest: ["--org", "o"] });
    expect(() => parseSubcommand([], cmds, "u")).toThrow(new UsageError("say which command: orphans, adopt\nu"));
    expect(() => parseSubcommand(["--help"], cmds, "u")).toThrow(HelpRequested);
    expect(() => parseSubcommand(["--org", "o"], cmds, "u")).toThrow(new UsageError("say the command (orphans, adopt) before the options\nu"));
    expect(() => parseSubcommand(["adpot"], cmds, "u")).toThrow(new UsageError('unknown command "adpot"; did you mean adopt?\nu'));
  });
});

describe("writeOutputFile", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-out-"));
  mkdirSync(path.join(dir, "folder"));
  writeFileSync(path.join(dir, "file"), "x");

  it.each([
    ["no-such-folder/x.md", `the folder ${path.join(dir, "no-such-folder")} does not exist; create it first (mkdir -p ${path.join(dir, "no-such-folder")})`],
    ["folder", `it is a folder; name a file, e.g. ${path.join(dir, "folder", "report")}`],
    ["file/x.md", `a part of the path (in ${path.join(dir, "file")}) is a file, not a folder`],
  ])("%s: a CommandError naming the path and the fix, before (checkWritable) and when writing", (rel, why) => {
    const file = path.join(dir, rel);
    expect(() => checkWritable(file)).toThrow(CommandError);
    expect(() => checkWritable(file)).toThrow(`cannot write ${file}: ${why}`);
    expect(() => writeOutputFile(file, "text")).toThrow(`cannot write ${file}: ${why}`);
  });

  it("a folder without write permission: permission denied", () => {
    const locked = path.join(dir, "locked");
    mkdirSync(locked, { mode: 0o500 });
    const expected = /^cannot write .*locked\/x: permission denied; write to a path you may write to/;
    // Root writes through any mode: there, the message is checked on the error the system would give.
    if (process.getuid?.() === 0)
      expect(`cannot write ${path.join(locked, "x")}: ${writeProblem(path.join(locked, "x"), Object.assign(new Error("denied"), { code: "EACCES" }))}`).toMatch(
        expected,
      );
    else expect(() => writeOutputFile(path.join(locked, "x"), "t")).toThrow(expected);
  });

  it("writes, with mkdir its folder first", () => {
    writeOutputFile(path.join(dir, "a/b/c.txt"), "hello", { mkdir: true });
    expect(readFileSync(path.join(dir, "a/b/c.txt"), "utf8")).toBe("hello");
    expect(() => checkWritable(path.join(dir, "a/b/c.txt"))).not.toThrow();
  });

  it("npm run regions --out into a missing folder: exit 1 naming the path, nothing written", async () => {
    const r = await runScript(ROOT, "regions", ["--out", path.join(dir, "missing/regions.md")]);
    expect(r.stderr).toBe(
      `cannot write ${path.join(dir, "missing/regions.md")}: the folder ${path.join(dir, "missing")} does not exist; create it first (mkdir -p ${path.join(dir, "missing")}) or write to another path\n`,
    );
    expect(r.code).toBe(1);
  }, 60_000);
});
