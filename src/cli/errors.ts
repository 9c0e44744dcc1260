/** The errors a command reports as one message, without a stack trace (runMain in cli.ts). */

/**
 * An error of the command's input or surroundings: runMain exits 1 with its message, no stack
 * trace. Every such error is this class or a subclass (ProgramPlanError); its name stays
 * "RunError", which is what the message-only output and older callers know it by.
 */
export class CommandError extends Error {
  override name = "RunError";
}

/** `--help` or `-h` was given: runMain prints the usage on stdout and exits 0, having done nothing else. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super("help requested");
  }
}
