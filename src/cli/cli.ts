/** What the offline commands share: flushed output, exit codes, and no stack trace for known errors. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../core/config/stackFiles";
import { GitError } from "./git";

/** Resolves once the text is flushed: a pipe takes output in 64 KiB pieces and exit() would cut it. */
export function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}

/**
 * An error of the command's input or surroundings: runMain exits 1 with its message, no stack
 * trace. Every such error is this class or a subclass (ProgramPlanError); its name stays
 * "RunError", which is what the message-only output and older callers know it by.
 */
export class CommandError extends Error {
  override name = "RunError";
}

/**
 * Runs a command's main and exits with its code. Usage and git errors exit 2 and a
 * CommandError (invalid input under the program) exits 1, each as one message; anything
 * else is a bug and keeps its stack trace.
 */
export function runMain(name: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError || err instanceof GitError) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exit(2);
      }
      if (err instanceof CommandError) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exit(1);
      }
      process.stderr.write(`${name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(70);
    },
  );
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

/** parseArgs with the command's usage: a bad option is a UsageError (exit 2, usage shown). */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
}
