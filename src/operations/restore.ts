/**
 * Planning a tenant's restore to a point in time (issue: tenant operations). Pure: the
 * tenant's PITR window, the verified dumps it has and the point asked for in, the action out.
 *
 * - Inside the PITR window (with a safety margin at its old edge, where Neon may already
 *   have dropped history), Neon restores the tenant's branch from its own history, keeping
 *   the state it replaces under a preserved branch name so the restore can be undone.
 * - Outside it, or when asked, the newest verified dump taken at or before the point is
 *   restored into a new branch (the tenant's branch is left as it is).
 * - Otherwise the restore is refused, saying what is available.
 */

/** Neon may drop history at the window's old edge before the hour is out: keep clear of it. */
export const WINDOW_MARGIN_MINUTES = 10;

export type RestoreTarget =
  /** A time (UTC). */
  | { readonly kind: "time"; readonly at: Date }
  /** A WAL position; `at` when known (it decides the window). */
  | { readonly kind: "lsn"; readonly lsn: string; readonly at?: Date }
  /** Just before a migrations run: its recorded WAL position before the migration, and when it was taken. */
  | { readonly kind: "before-migration"; readonly run: number; readonly lsn: string; readonly at: Date };

export interface Dump {
  readonly key: string;
  readonly takenAt: Date;
  /** A drill restored it and found what its manifest recorded. */
  readonly verified: boolean;
}

export interface RestoreRequest {
  readonly tenantId: string;
  readonly now: Date;
  /** The tenant's PITR window (historyRetentionHours). */
  readonly historyRetentionHours: number;
  /** The tenant's branch (the one the application uses). */
  readonly branch: string;
  readonly target: RestoreTarget;
  readonly dumps: readonly Dump[];
  /** Restore from a dump even inside the window (into a new branch, nothing replaced). */
  readonly preferDump?: boolean;
}

export type RestorePlan =
  | {
      readonly action: "branch-restore";
      readonly branch: string;
      readonly source: { readonly timestamp: string } | { readonly lsn: string };
      /** The branch's current state is kept under this name (undo: restore from it). */
      readonly preserveUnderName: string;
      readonly why: string;
    }
  | {
      readonly action: "dump-restore";
      readonly dump: string;
      readonly takenAt: string;
      /** Created from the dump; the tenant's branch is not touched. */
      readonly newBranch: string;
      /** Hours between the dump and the point asked for: what the dump does not hold. */
      readonly gapHours: number;
      readonly why: string;
    }
  | { readonly action: "refuse"; readonly why: string };

const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;

/** `2026-12-02T03:17:00Z` → `20261202t031700z`: branch-name safe. */
function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/[-:]/g, "")
    .toLowerCase();
}

/** The oldest moment inside the window that a restore may ask for. */
export function windowStart(now: Date, historyRetentionHours: number): Date {
  return new Date(now.getTime() - historyRetentionHours * 3_600_000 + WINDOW_MARGIN_MINUTES * 60_000);
}

export function planRestore(r: RestoreRequest): RestorePlan {
  const t = r.target;
  if (t.kind !== "time" && !LSN.test(t.lsn)) return { action: "refuse", why: `${JSON.stringify(t.lsn)} is not a WAL position (e.g. 0/16B3748)` };
  const at = t.at;
  if (at && at.getTime() > r.now.getTime()) return { action: "refuse", why: `${at.toISOString()} is in the future` };
  const what =
    t.kind === "time" ? at!.toISOString() : t.kind === "lsn" ? `WAL position ${t.lsn}` : `just before migrations run ${t.run} (WAL position ${t.lsn})`;
  const start = windowStart(r.now, r.historyRetentionHours);
  // An LSN without a time: only Neon knows whether it is still in the history; it refuses one that is not.
  const inWindow = at === undefined ? t.kind !== "time" && r.historyRetentionHours > 0 : r.historyRetentionHours > 0 && at.getTime() >= start.getTime();
  if (inWindow && !r.preferDump) {
    return {
      action: "branch-restore",
      branch: r.branch,
      source: t.kind === "time" ? { timestamp: at!.toISOString() } : { lsn: t.lsn.toUpperCase() },
      preserveUnderName: `${r.branch}-before-restore-${stamp(r.now)}`,
      why: `${what} is inside ${r.tenantId}'s ${r.historyRetentionHours} h point-in-time window: Neon restores ${r.branch} from its own history, keeping its current state as a branch to undo with`,
    };
  }
  if (at === undefined)
    return { action: "refuse", why: `a restore from a dump needs a time: give --to TIME (a WAL position alone does not say which dump is before it)` };
  const candidates = r.dumps.filter((d) => d.verified && d.takenAt.getTime() <= at.getTime()).sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
  const dump = candidates[0];
  if (!dump) {
    const oldest = [...r.dumps].filter((d) => d.verified).sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime())[0];
    return {
      action: "refuse",
      why: `${r.tenantId} has no verified dump taken at or before ${at.toISOString()}${oldest ? ` (its oldest verified dump is of ${oldest.takenAt.toISOString()})` : " (no dump a drill has verified)"}${inWindow ? "" : `, and ${what} is outside its ${r.historyRetentionHours} h point-in-time window`}`,
    };
  }
  return {
    action: "dump-restore",
    dump: dump.key,
    takenAt: dump.takenAt.toISOString(),
    newBranch: `restore-${stamp(at)}`,
    gapHours: Math.round(((at.getTime() - dump.takenAt.getTime()) / 3_600_000) * 100) / 100,
    why:
      r.preferDump && inWindow
        ? `a dump was asked for: the newest verified dump at or before ${what}, into a new branch`
        : `${what} is outside ${r.tenantId}'s ${r.historyRetentionHours} h point-in-time window: the newest verified dump at or before it, into a new branch`,
  };
}
