/**
 * An example fleet (`example: true`: a sample, or `npm run init`'s starter) is never deployed:
 * `pulumi up` refuses it (src/core/config/sampleFleet.ts). So the first pull request that
 * makes a fleet real is compared with nothing: its tenants are new, and nothing of the
 * starter (its tenant, its retention class) is deleted or needs acknowledging. The reverse,
 * marking a real fleet as an example, is refused: deploys would stop while its resources
 * live on, and the next pull request would be compared with nothing. Pure.
 */
import type { Side } from "./diff";

export type ComparableBase = { readonly before: Side | undefined; readonly note?: string } | { readonly refusal: string };

/** The side the tenant diff compares the head with. */
export function comparableBase(before: Side | undefined, after: Side, file: string): ComparableBase {
  if (!before || before.fleet.example === after.fleet.example) return { before };
  if (before.fleet.example)
    return {
      before: undefined,
      note: `the base's ${file} is an example fleet (example: true), which pulumi up never deployed: every tenant here is new, and nothing of the example was created, so nothing is deleted`,
    };
  return {
    refusal: `${file}: example: true marks a fleet that is real at the base as an example; pulumi up would refuse it from now on while its tenants' projects and backups live on, and the next pull request would be compared with nothing. Remove example: true; retire a tenant with status: retired, or remove it with an acknowledgement`,
  };
}
