/**
 * The shapes of a tenant diff (./diff.ts): a field's change, a tenant's, the two sides
 * compared and the result. Their own module so that the parts of the comparison in other
 * files (./diffStack.ts) share them without importing diff.ts back.
 */
import type { Acknowledgement, AcknowledgedChange, Fleet } from "../../tenants/model";
import type { VaultKeeping } from "../plan/vaults/plan";
import type { ChangeClass, ResourceFinding } from "./findings";
import type { OtherStackTenant } from "./bindingConflicts";
import type { SideSource, SourcePosition } from "./diffPositions";
import type { GrantScopes } from "./diffGrantScope";

export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly class: ChangeClass;
  /** For destructive changes: the acknowledgement kind that accepts it. */
  readonly kind?: AcknowledgedChange;
  readonly why: string;
  /** The acknowledgement that accepts this destructive change, if any. */
  readonly acknowledgement?: Acknowledgement;
  /** For destructive changes: what to do instead (a move for a region or major change). */
  readonly instead?: string;
  /** Where the change is written: the head file's line and column (a removal: the base file's); absent when the text was not read. */
  readonly at?: SourcePosition;
}

/** `adopted`: added with a binding to an existing Neon project, which the stack imports (tenants/binding.ts). */
export type TenantChange = "added" | "adopted" | "removed" | "retired" | "reactivated" | "changed";

export interface TenantDiff {
  readonly id: string;
  readonly name: string;
  readonly change: TenantChange;
  readonly changes: readonly FieldChange[];
}

/** The stack settings whose change matters to tenant data. */
export interface StackView {
  readonly neonOrgId?: string;
  readonly protect: boolean;
  /** Vaults and retention classes the stack keeps beyond its tenants (keepVaultRegions, keepRetentionDays). */
  readonly keep?: VaultKeeping;
  /** Every `tenant-fleet:*` setting as the stack file gives it (raw, without the namespace): each is compared by its SETTING_REVIEW class. */
  readonly settings?: Readonly<Record<string, string | undefined>>;
  /** The workflow roles' grant scopes this side's program grants (src/plan/grantScopeWarning.ts): a widening is shown for review. */
  readonly grantScopes?: GrantScopes;
}

export interface Side {
  readonly fleet: Fleet;
  readonly stack: StackView;
  /** The files' text, for the findings' positions. */
  readonly source?: SideSource;
  /** The other stacks' tenants, from the trusted side: a new binding to one of their projects is not a safe adoption. */
  readonly otherStacks?: readonly OtherStackTenant[];
}

export interface FleetDiff {
  readonly tenants: readonly TenantDiff[];
  readonly stack: readonly FieldChange[];
  /** Acknowledgements that match no destructive change of this diff: remove them. */
  readonly unusedAcknowledgements: readonly Acknowledgement[];
  /** The resource-level proof underneath, when both programs were planned: every finding, whether a tenant or stack change explains it. */
  readonly resources?: readonly ExplainedFinding[];
  readonly summary: {
    readonly added: number;
    readonly adopted: number;
    readonly removed: number;
    readonly retired: number;
    readonly reactivated: number;
    readonly changed: number;
    readonly destructive: number;
    readonly unacknowledged: number;
    /** Changes shown for review that do not fail the diff. */
    readonly review: number;
  };
}

/** A resource-level finding and the tenant or stack change that accounts for it (none: the code did it). */
export interface ExplainedFinding extends ResourceFinding {
  readonly explainedBy?: string;
}
