/**
 * The sample fleets ship with `example: true`: `npm run plan` shows them, and a real
 * `pulumi up` refuses them, so nobody creates ACME Corp's Neon project in their own
 * organisation by running the quick start against a real backend.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Fleet } from "../../../tenants/model";

/** Why a real update must not run this fleet, or undefined when it may. */
export function sampleFleetRefusal(fleet: Fleet, file: string): string | undefined {
  if (!fleet.example) return undefined;
  return [
    `${file} is a sample fleet (example: true): pulumi up does not create its tenants.`,
    "Start your own: npm run init -- --stack <name> ... writes a stack file for your repository, organisation and AWS account;",
    `then list your tenants in a tenants file without example: true (or remove that line from ${file} once every tenant in it is yours).`,
  ].join("\n");
}

/** Stops a real update (never a preview or the offline plan) of a sample fleet. */
export function refuseSampleFleet(fleet: Fleet, file: string): void {
  const refusal = sampleFleetRefusal(fleet, file);
  if (refusal && !pulumi.runtime.isDryRun()) throw new pulumi.RunError(refusal);
}
