/** What the resource review's weakening rules (weakening.ts, vaultWeakening.ts) share: a finding, and what the base program knew. */
import type { ChangeClass, PlannedResource } from "./findings";
import type { Grant } from "./grants";

/** One finding of this module: a ResourceFinding's change, class and detail, and what accounts for it. */
export interface Weakening {
  readonly change: "iam-widened" | "weakened";
  readonly class: ChangeClass;
  readonly detail: string;
  /** The principals a sweeping grant names (resource and trust policies): a setting that introduces exactly these accounts for it. */
  readonly principals?: readonly string[];
  /** The principals a privileged Deny now excepts, in the planner's own break-glass condition: only a change of break-glass accounts for it. */
  readonly exceptions?: readonly string[];
  /** The retention classes (days) a lifecycle finding concerns: a class leaving the stack accounts for it. */
  readonly classes?: readonly number[];
}

/** What the base program knew: principals, accounts, and which privileges each holder already had. */
export interface Known {
  readonly base: readonly PlannedResource[];
  readonly head: readonly PlannedResource[];
  readonly accounts: ReadonlySet<string>;
  readonly principals: ReadonlySet<string>;
  /** Allow grants of the base, their principal replaced by the holder for identity documents. */
  readonly held: readonly Grant[];
  /** Retention classes (days) the vaults' lifecycles of either side name. */
  readonly classes: readonly number[];
  /** The OIDC subjects the base's trusts name, by shape (a generated workflow's file name as `*`). */
  readonly subjectShapes: ReadonlySet<string>;
  /** What names a bucket or key the head creates (bucket prefixes, names, fake ids): reads on them come with a new vault. */
  readonly fresh: readonly string[];
  /** Every tenant id of either side: their legacy backup prefixes are protected from new lifecycle rules. */
  readonly tenantIds: readonly string[];
}
