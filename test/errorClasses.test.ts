/** Errors are told apart by class (issue 33), not by their `name` string. */
import { describe, expect, it } from "vitest";
import { CommandError } from "../src/cli/cli";
import { InputError, isInputError } from "../src/core/diagnostics/problems";
import { ProgramPlanError } from "../src/engine/programPlan";

describe("error classes", () => {
  it("a program that could not be planned is a CommandError: runMain exits 1 with its message", () => {
    const err = new ProgramPlanError("the head could not be planned");
    expect(err).toBeInstanceOf(CommandError);
    // The name the message-only output and older callers know it by stays.
    expect(err.name).toBe("RunError");
  });

  it("an InputError is recognised by its class, not by an error that merely borrows its name", () => {
    expect(isInputError(new InputError([]))).toBe(true);
    const lookalike = Object.assign(new Error("not ours"), { name: "InputError", problems: [] });
    expect(isInputError(lookalike)).toBe(false);
  });
});
