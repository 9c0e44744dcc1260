/**
 * Planning a tenant's restore to a point in time (issue: tenant operations; issue 35: three
 * layers). Pure: the tenant's PITR window, the Neon snapshots and verified dumps it has and the
 * point asked for in, the action out, and why.
 *
 * - Inside the PITR window (with a safety margin at its old edge, where Neon may already
 *   have dropped history), Neon restores the tenant's branch from its own history, keeping
 *   the state it replaces under a preserved branch name so the restore can be undone: nothing
 *   is closer to the point than the point itself.
 * - Outside it (or when a layer is asked for), the backup taken at or before the point that is
 *   closest to it: the newest Neon snapshot (restored by Neon into a new branch, never
 *   finalized over the tenant's branch) or the newest verified dump (restored into a new
 *   branch). A snapshot wins only when it is strictly closer than the dump: on a tie the dump,
 *   which a drill has verified. A backup taken after the point holds what came after: never.
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

/** A Neon snapshot of the tenant's branch (GET /projects/{id}/snapshots). */
export interface Snapshot {
  readonly id: string;
  readonly name: string;
  /** The moment its data is of: Neon's `timestamp` when given, else its `created_at`. */
  readonly at: Date;
}

/** The backup layers a restore can be asked to use (`--prefer`). */
export const RESTORE_LAYERS = ["dump", "snapshot"] as const;
export type RestoreLayer = (typeof RESTORE_LAYERS)[number];

export interface RestoreRequest {
  readonly tenantId: string;
  readonly now: Date;
  /** The tenant's PITR window (historyRetentionHours). */
  readonly historyRetentionHours: number;
  /** The tenant's branch (the one the application uses). */
  readonly branch: string;
  readonly target: RestoreTarget;
  readonly dumps: readonly Dump[];
  /** The tenant's Neon snapshots; undefined: not listed (then only dumps are weighed). */
  readonly snapshots?: readonly Snapshot[];
  /** Restore from that layer only, even inside the window (into a new branch, nothing replaced). */
  readonly prefer?: RestoreLayer;
  /** The older form of `prefer: "dump"`; `prefer` wins when both are given. */
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
  | {
      readonly action: "snapshot-restore";
      /** Neon's snapshot id. */
      readonly snapshot: string;
      readonly snapshotName: string;
      /** The moment the snapshot's data is of. */
      readonly takenAt: string;
      /** Neon restores the snapshot into this new branch, not finalized: the tenant's branch is not touched. */
      readonly newBranch: string;
      /** Hours between the snapshot and the point asked for: what the snapshot does not hold. */
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

/** The request's point, as far as the target alone decides: a refusal or the branch restore, else what the backups are weighed with. */
type Assessed =
  | { readonly plan: RestorePlan }
  | { readonly at: Date | undefined; readonly what: string; readonly inWindow: boolean; readonly prefer: RestoreLayer | undefined };

function assess(r: RestoreRequest): Assessed {
  const t = r.target;
  if (t.kind !== "time" && !LSN.test(t.lsn)) return { plan: { action: "refuse", why: `${JSON.stringify(t.lsn)} is not a WAL position (e.g. 0/16B3748)` } };
  const at = t.at;
  if (at && at.getTime() > r.now.getTime()) return { plan: { action: "refuse", why: `${at.toISOString()} is in the future` } };
  const what =
    t.kind === "time" ? at!.toISOString() : t.kind === "lsn" ? `WAL position ${t.lsn}` : `just before migrations run ${t.run} (WAL position ${t.lsn})`;
  const start = windowStart(r.now, r.historyRetentionHours);
  // An LSN without a time: only Neon knows whether it is still in the history; it refuses one that is not.
  const inWindow = at === undefined ? t.kind !== "time" && r.historyRetentionHours > 0 : r.historyRetentionHours > 0 && at.getTime() >= start.getTime();
  const prefer = r.prefer ?? (r.preferDump ? "dump" : undefined);
  if (inWindow && !prefer) {
    return {
      plan: {
        action: "branch-restore",
        branch: r.branch,
        source: t.kind === "time" ? { timestamp: at!.toISOString() } : { lsn: t.lsn.toUpperCase() },
        preserveUnderName: `${r.branch}-before-restore-${stamp(r.now)}`,
        why: `${what} is inside ${r.tenantId}'s ${r.historyRetentionHours} h point-in-time window: Neon restores ${r.branch} from its own history, keeping its current state as a branch to undo with`,
      },
    };
  }
  if (at === undefined)
    return {
      plan: {
        action: "refuse",
        why: `a restore from ${prefer === "snapshot" ? "a snapshot" : "a dump"} needs a time: give --to TIME (a WAL position alone does not say which ${prefer === "snapshot" ? "snapshot" : "dump"} is before it)`,
      },
    };
  return { at, what, inWindow, prefer };
}

/** Whether the plan could depend on Neon's snapshots: the command lists them only then. */
export function snapshotsMatter(r: RestoreRequest): boolean {
  const a = assess(r);
  return !("plan" in a) && a.prefer !== "dump";
}

export function planRestore(r: RestoreRequest): RestorePlan {
  const a = assess(r);
  return "plan" in a ? a.plan : fromBackups(r, a.at!, a.what, a.inWindow, a.prefer);
}

const hours = (from: Date, to: Date) => Math.round(((to.getTime() - from.getTime()) / 3_600_000) * 100) / 100;

/** The newest of the items at or before `at`. */
function newestBefore<T>(items: readonly T[], time: (x: T) => Date, at: Date): T | undefined {
  return items.filter((x) => time(x).getTime() <= at.getTime()).sort((a, b) => time(b).getTime() - time(a).getTime())[0];
}

function oldest<T>(items: readonly T[], time: (x: T) => Date): T | undefined {
  return [...items].sort((a, b) => time(a).getTime() - time(b).getTime())[0];
}

/** Outside the window, or a layer asked for: the closest backup at or before the point, else a refusal saying what there is. */
function fromBackups(r: RestoreRequest, at: Date, what: string, inWindow: boolean, prefer: RestoreLayer | undefined): RestorePlan {
  const verified = r.dumps.filter((d) => d.verified);
  const snapshots = r.snapshots ?? [];
  const dump = newestBefore(verified, (d) => d.takenAt, at);
  const snapshot = newestBefore(snapshots, (s) => s.at, at);
  const later = snapshots.filter((s) => s.at.getTime() > at.getTime()).length;
  const useSnapshot = prefer !== "dump" && snapshot !== undefined && (prefer === "snapshot" || !dump || snapshot.at.getTime() > dump.takenAt.getTime());
  const outside = `${what} is outside ${r.tenantId}'s ${r.historyRetentionHours} h point-in-time window`;
  const ignored = later ? `; ${later} snapshot(s) taken after it ignored (they hold what came after)` : "";
  if (useSnapshot) {
    const gap = hours(snapshot.at, at);
    const against =
      prefer === "snapshot"
        ? ""
        : dump
          ? `, closer than the newest verified dump (${hours(dump.takenAt, at)} h before it)`
          : ", and no verified dump is at or before it";
    return {
      action: "snapshot-restore",
      snapshot: snapshot.id,
      snapshotName: snapshot.name,
      takenAt: snapshot.at.toISOString(),
      newBranch: `restore-${stamp(at)}`,
      gapHours: gap,
      why: `${prefer === "snapshot" && inWindow ? "a snapshot was asked for" : outside}: Neon's snapshot ${snapshot.name} of ${snapshot.at.toISOString()} is ${gap} h before it${against}; Neon restores it into a new branch, not finalized (${r.branch} is not touched)${ignored}`,
    };
  }
  if (dump && prefer !== "snapshot") {
    const weighed =
      r.snapshots === undefined || prefer === "dump"
        ? ""
        : snapshot
          ? `; the newest snapshot at or before it (${snapshot.name}, ${hours(snapshot.at, at)} h before it) is no closer`
          : `; no Neon snapshot is at or before it${ignored}`;
    return {
      action: "dump-restore",
      dump: dump.key,
      takenAt: dump.takenAt.toISOString(),
      newBranch: `restore-${stamp(at)}`,
      gapHours: hours(dump.takenAt, at),
      why:
        prefer === "dump" && inWindow
          ? `a dump was asked for: the newest verified dump at or before ${what}, into a new branch`
          : `${outside}: the newest verified dump at or before it, into a new branch${weighed}`,
    };
  }
  return { action: "refuse", why: refusal(r, at, what, inWindow, prefer, { dump, later }) };
}

function refusal(
  r: RestoreRequest,
  at: Date,
  what: string,
  inWindow: boolean,
  prefer: RestoreLayer | undefined,
  found: { dump?: Dump; later: number },
): string {
  const oldDump = oldest(
    r.dumps.filter((d) => d.verified),
    (d) => d.takenAt,
  );
  const oldSnap = oldest(r.snapshots ?? [], (s) => s.at);
  const noDump = `no verified dump taken at or before ${at.toISOString()}${oldDump ? ` (its oldest verified dump is of ${oldDump.takenAt.toISOString()})` : " (no dump a drill has verified)"}`;
  const noSnap = (when: string) =>
    `no Neon snapshot taken at or before ${when}${oldSnap ? ` (its oldest snapshot is of ${oldSnap.at.toISOString()}${found.later ? `; ${found.later} taken after the point, which hold what came after` : ""})` : r.snapshots === undefined ? " (Neon's snapshots were not listed)" : " (Neon lists none)"}`;
  const window = inWindow ? "" : `, and ${what} is outside its ${r.historyRetentionHours} h point-in-time window`;
  if (prefer === "snapshot")
    return `${r.tenantId} has ${noSnap(at.toISOString())}${window}${found.dump ? `; the verified dump ${found.dump.key} is at or before it: drop --prefer snapshot` : ""}`;
  // With a dump asked for, the snapshots are not listed (snapshotsMatter): they change nothing, the refusal included.
  if (prefer === "dump" || r.snapshots === undefined) return `${r.tenantId} has ${noDump}${window}`;
  return `${r.tenantId} has ${noDump} and ${noSnap("it")}${window}`;
}
