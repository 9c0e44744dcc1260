/**
 * The one module through which the program uses the Neon provider's SDK (`@pulumi/neon`, the
 * local package in sdks/neon): its classes, their argument types, and the compile-time check
 * that the plain project arguments (src/plan/projects/args.ts) fit the SDK. Every other file of
 * the program imports these from here (.dependency-cruiser.cjs, rule "neon-sdk-only-through-
 * components-neon"), so that moving to another Neon provider (neondatabase/neon,
 * docs/neon-provider.md "Official provider") changes this file and the SDK, not the program.
 */
import type { ProjectArgs } from "@pulumi/neon";
import type { PlainProjectArgs } from "../src/plan/projects/args";

export { BranchBackupSchedule, Project, Provider } from "@pulumi/neon";
export type { BranchBackupScheduleArgs, ProjectArgs, ProviderArgs } from "@pulumi/neon";

/** Compile-time check that the plain arguments fit the SDK's ProjectArgs. */
export function asSdkArgs(args: PlainProjectArgs): ProjectArgs {
  return args;
}
