/**
 * What the offline commands share: flushed output, exit codes, no stack trace for known
 * errors, and one command-line parser: `--help`/`-h` prints the usage and exits 0 before
 * anything is read or written; an unknown option or subcommand exits 2 with "did you mean"
 * and the usage. docs/commands.md describes the conventions.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../core/config/stackFiles";
import { InputError } from "../core/diagnostics/problems";
import { GitError } from "./git";
import { CommandError, HelpRequested } from "./errors";
import { suggestCommand, suggestOption } from "./suggest";

export { CommandError, HelpRequested } from "./errors";
export { checkWritable, writeOutputFile } from "./outputFile";

/** Resolves once the text is flushed: a pipe takes output in 64 KiB pieces and exit() would cut it. */
export function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}

/**
 * Set on globalThis by the tests' in-process runner (test/commands.ts): a command module that
 * calls runMain hands its main over, with this module's runCommand, instead of running it and
 * exiting.
 */
export const COLLECT_MAIN = Symbol.for("tenant-fleet.runMain.collect");

type Main = (argv: string[]) => Promise<number> | number;

/**
 * Runs a command's main and exits with its code (runCommand). Under the tests' in-process
 * runner (COLLECT_MAIN), hands the main over instead.
 */
export function runMain(name: string, main: Main): void {
  const collect = (globalThis as { [COLLECT_MAIN]?: (name: string, main: Main, run: typeof runCommand) => void })[COLLECT_MAIN];
  if (collect) return collect(name, main, runCommand);
  // After the module has run to its end: code below the runMain call is defined by then.
  Promise.resolve()
    .then(() => runCommand(name, main, process.argv.slice(2)))
    .then((code) => process.exit(code));
}

/**
 * Runs a command's main and resolves with the exit code the process ends with. A help request
 * prints the usage (exit 0); usage and git errors exit 2 and a CommandError or InputError
 * (invalid input under the program) exits 1, each as its message; anything else is a bug and
 * keeps its stack trace (exit 70).
 */
export async function runCommand(name: string, main: Main, argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (err) {
    return exitCodeOf(name, err);
  }
}

/** What a command that threw prints, and the exit code it ends with. */
async function exitCodeOf(name: string, err: unknown): Promise<number> {
  if (err instanceof HelpRequested) {
    await write(`${err.usage}\n`);
    return 0;
  }
  const known: [new (...args: never[]) => Error, number][] = [
    [UsageError, 2],
    [GitError, 2],
    [CommandError, 1],
    [InputError, 1],
  ];
  const code = known.find(([cls]) => err instanceof cls)?.[1];
  if (code !== undefined) {
    process.stderr.write(`${(err as Error).message}\n`);
    return code;
  }
  process.stderr.write(`${name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 70;
}

/**
 * Options every stack-reading command takes: which stack, which tenants file, which overrides.
 * Without --stack, a command works on the project's default stack (defaultStack in
 * src/core/config/defaultStack.ts: the one stack of the team's own, else the sample prod).
 */
export const STACK_OPTIONS = {
  stack: { type: "string" },
  tenants: { type: "string" },
  "allow-outside-project": { type: "boolean", default: false },
  config: { type: "string", multiple: true, default: [] },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Whether the arguments ask for help: `--help` or `-h` as an option, not as another option's value. */
export function helpAsked(argv: string[], options: Options): boolean {
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  return tokens.some((t) => t.kind === "option" && (t.name === "help" || t.rawName === "-h"));
}

/** The first option the command does not take, as a UsageError with "did you mean", or undefined. */
function unknownOption(argv: string[], options: Options, usage: string): UsageError | undefined {
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const known = Object.keys(options);
  for (const t of tokens) {
    if (t.kind === "option" && !(t.name in options) && !Object.values(options).some((o) => o.short === t.name))
      return new UsageError(`unknown option ${t.rawName}${suggestOption(t.rawName, known)}\n${usage}`);
    if (t.kind === "positional") return new UsageError(`unexpected argument ${JSON.stringify(t.value.slice(0, 60))}${suggestOption(t.value, known)}\n${usage}`);
  }
  return undefined;
}

/**
 * parseArgs with the command's usage: `--help`/`-h` anywhere is a HelpRequested (runMain prints
 * the usage, exit 0, before anything else runs); an unknown option is a UsageError with the
 * nearest known one; a missing or malformed value is a UsageError as Node words it.
 */
export function parseCommandLine<O extends Options>(argv: string[], options: O, usage: string) {
  const withHelp = { help: { type: "boolean", short: "h", default: false }, ...options } as const;
  if (helpAsked(argv, withHelp)) throw new HelpRequested(usage);
  const unknown = unknownOption(argv, withHelp, usage);
  if (unknown) throw unknown;
  try {
    return parseArgs({ args: argv, options, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
}

/**
 * The subcommand of a command with several (`fleet orphans`, `catalog migrate`): the first
 * argument, checked. None, or `--help`/`-h` first: HelpRequested (none: a UsageError, exit 2);
 * an unknown one: a UsageError with the nearest known one.
 */
export function parseSubcommand<C extends string>(argv: string[], commands: readonly C[], usage: string): { command: C; rest: string[] } {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h") throw new HelpRequested(usage);
  if (command === undefined) throw new UsageError(`say which command: ${commands.join(", ")}\n${usage}`);
  if (!commands.includes(command as C)) {
    const what = command.startsWith("-")
      ? `say the command (${commands.join(", ")}) before the options`
      : `unknown command ${JSON.stringify(command.slice(0, 40))}`;
    throw new UsageError(`${what}${command.startsWith("-") ? "" : suggestCommand(command, commands)}\n${usage}`);
  }
  return { command: command as C, rest };
}
