/**
 * A workflow role widened from per-tenant grants to whole retention classes by this change
 * (the fleet grew past what IAM's inline policy holds; src/plan/grantScopeWarning.ts): shown
 * for review in the tenant diff, pointing at the stack file's shard setting that narrows the
 * stack again. Narrowed back is safe. Pure.
 */
import type { ChangeClass } from "./findings";
import { ROLE_PURPOSES, type GrantScope, type RolePurpose } from "../plan/iam/workflowAccess";

/** Each role's grant scope on one side, as the engine computed it from that side's settings and fleet. */
export type GrantScopes = Readonly<Record<RolePurpose, GrantScope>>;

/** The field of a role's grant scope in the diff (`role backup writer: grant scope`): the locator points it at the shard setting. */
export const GRANT_SCOPE_FIELD = (purpose: RolePurpose) => `role ${ROLE_PURPOSES[purpose].title}: grant scope`;

export interface GrantScopeChange {
  readonly field: string;
  readonly before: GrantScope;
  readonly after: GrantScope;
  readonly class: ChangeClass;
  readonly why: string;
}

/** The roles whose scope differs between the sides (none when either side's scopes are unknown). */
export function grantScopeChanges(before: GrantScopes | undefined, after: GrantScopes | undefined): GrantScopeChange[] {
  if (!before || !after) return [];
  return (Object.keys(ROLE_PURPOSES) as RolePurpose[])
    .filter((p) => before[p] !== after[p])
    .map((p) =>
      after[p] === "class"
        ? {
            field: GRANT_SCOPE_FIELD(p),
            before: before[p],
            after: after[p],
            class: "review",
            why: `the ${ROLE_PURPOSES[p].title} role is widened to whole retention classes: per-tenant grants no longer fit IAM's inline policy, so it may reach other tenants of the same class and vault (write-once, never a delete); shard the stack with tenant-fleet:shardRegions or shardResidencies to keep per-tenant scope (the plan's warning counts the tenants per part)`,
          }
        : {
            field: GRANT_SCOPE_FIELD(p),
            before: before[p],
            after: after[p],
            class: "safe",
            why: `the ${ROLE_PURPOSES[p].title} role is granted one prefix per tenant again`,
          },
    );
}
