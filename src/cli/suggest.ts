/**
 * "Did you mean" for the command line: the nearest option or subcommand to a near miss, by
 * edit distance (the same measure and limit the stack files' and tenants files' unknown keys
 * use: src/core/diagnostics/problems.ts closest).
 */
import { closest } from "../core/diagnostics/problems";

/** `; did you mean --stack?` for a near miss of one of `options` (names without dashes), else "". */
export function suggestOption(given: string, options: readonly string[]): string {
  const name = given.replace(/^-+/, "");
  const guess = closest(
    name,
    options.filter((o) => o.length > 1),
  );
  return guess ? `; did you mean --${guess}?` : "";
}

/** `; did you mean orphans?` for a near miss of one of `commands`, else "". */
export function suggestCommand(given: string, commands: readonly string[]): string {
  const guess = closest(given, commands);
  return guess ? `; did you mean ${guess}?` : "";
}
