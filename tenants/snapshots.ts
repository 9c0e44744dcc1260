/**
 * Neon snapshots, a tenant's first backup layer: Neon's own scheduled snapshots of the
 * project's root branch (declared by TenantDatabase as a `neon.BranchBackupSchedule`). They
 * live in Neon; the nightly dumps in the tenant's own S3 vault are the layer that survives
 * Neon itself (docs/backups.md).
 *
 * One shape, three spellings: the tenants file's `backup.snapshots` (off, or a mapping), the
 * stack setting `tenant-fleet:snapshotSchedule` (off, or `frequency=daily hour=2
 * retentionDays=7`), and the tenant diff's value (the same text). Pure; no zod here beyond the
 * one schema, so the settings and the loader share every rule.
 *
 * Neon's rules, modelled here:
 * - frequency is daily, weekly or monthly; hour is the hour of the day, day the day of the week
 *   or month; without retention_seconds a snapshot is kept forever
 *   (PUT /projects/{project_id}/branches/{branch_id}/backup_schedule,
 *   https://neon.com/docs/reference/api/snapshots/set-snapshot-schedule.md).
 * - hour 0–23, day 1–31, retention_seconds at least 3600 (BackupScheduleItem in Neon's OpenAPI
 *   document, node_modules/@neondatabase/api-client/dist/api.gen.d.ts).
 * - at most 10 snapshots per project on paid plans (1 on Free); schedules need a paid plan other
 *   than Agent (https://neon.com/docs/guides/backup-restore, "Snapshots in Beta").
 */
import { z } from "zod";

export const SNAPSHOT_FREQUENCIES = ["daily", "weekly", "monthly"] as const;
export type SnapshotFrequency = (typeof SNAPSHOT_FREQUENCIES)[number];

/** Snapshots Neon keeps per project on paid plans (docs/guides/backup-restore). */
export const NEON_SNAPSHOT_LIMIT = 10;
/** Neon's shortest retention, seconds (retention_seconds minimum); a whole day is the shortest we write. */
export const NEON_MIN_RETENTION_SECONDS = 3600;

/**
 * Days between two scheduled snapshots: the shortest (how many a retention keeps) and the
 * longest (how old the newest may be). A monthly day is at most 28, so every month has it.
 */
export const SNAPSHOT_PERIOD_DAYS: Readonly<Record<SnapshotFrequency, { readonly min: number; readonly max: number }>> = {
  daily: { min: 1, max: 1 },
  weekly: { min: 7, max: 7 },
  monthly: { min: 28, max: 31 },
};

/** The `day` each frequency takes: none (daily), the day of the week, the day of the month (up to 28: every month has it). */
export const SNAPSHOT_DAYS: Readonly<Record<SnapshotFrequency, readonly [number, number] | undefined>> = {
  daily: undefined,
  weekly: [1, 7],
  monthly: [1, 28],
};

export interface SnapshotSchedule {
  readonly frequency: SnapshotFrequency;
  /** Hour of the day, UTC, 0–23. */
  readonly hour: number;
  /** Day of the week (weekly, 1–7) or of the month (monthly, 1–28); absent for daily. */
  readonly day?: number;
  /** Days each snapshot is kept: always set, so no snapshot is kept forever. */
  readonly retentionDays: number;
}

/** A tenant's snapshots: off, or a schedule. */
export type SnapshotSetting = "off" | SnapshotSchedule;

export const SNAPSHOT_EXAMPLE = "{ frequency: daily, hour: 2, retentionDays: 7 }";

/** The longest retention Neon's snapshot limit allows for a frequency: the limit's worth of the shortest period. */
export function maxRetentionDays(frequency: SnapshotFrequency): number {
  return NEON_SNAPSHOT_LIMIT * SNAPSHOT_PERIOD_DAYS[frequency].min;
}

/** Snapshots a schedule keeps at once (what Neon's limit counts, and what storage is billed for). */
export function snapshotsKept(s: SnapshotSchedule): number {
  return Math.ceil(s.retentionDays / SNAPSHOT_PERIOD_DAYS[s.frequency].min);
}

interface SnapshotProblem {
  readonly path: readonly string[];
  readonly message: string;
}

const show = (v: unknown): string =>
  typeof v === "string" ? JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}…` : v) : typeof v === "object" ? "a mapping" : String(v);

function wholeIn(v: unknown, min: number, max: number): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

/** Every problem of a snapshots value as written (off, or a mapping), each with the value and the fix. */
export function snapshotProblems(value: unknown): SnapshotProblem[] {
  if (value === "off") return [];
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return [{ path: [], message: `${show(value)} is not a snapshot schedule; write off, or ${SNAPSHOT_EXAMPLE}` }];
  const v = value as Record<string, unknown>;
  const out: SnapshotProblem[] = [];
  for (const key of Object.keys(v))
    if (!["frequency", "hour", "day", "retentionDays"].includes(key))
      out.push({ path: [key], message: `unknown key "${key}"; a snapshot schedule has frequency, hour, day (weekly, monthly) and retentionDays` });
  const frequency = v.frequency as SnapshotFrequency;
  if (!SNAPSHOT_FREQUENCIES.includes(frequency)) {
    out.push({ path: ["frequency"], message: `${show(v.frequency)} is not a snapshot frequency; use daily, weekly or monthly (Neon's schedules)` });
    return out;
  }
  if (!wholeIn(v.hour, 0, 23))
    out.push({ path: ["hour"], message: `${show(v.hour)} is not an hour; hour is the hour of the day in UTC, a whole number from 0 to 23` });
  const days = SNAPSHOT_DAYS[frequency];
  if (!days && v.day !== undefined) out.push({ path: ["day"], message: `a daily schedule takes no day; remove day: ${show(v.day)}` });
  if (days && !wholeIn(v.day, days[0], days[1]))
    out.push({
      path: ["day"],
      message: `${v.day === undefined ? "day is missing" : `${show(v.day)} is not a day`}; a ${frequency} schedule needs day: ${days[0]} to ${days[1]} (${frequency === "weekly" ? "the day of the week" : "the day of the month; every month has days up to 28"})`,
    });
  out.push(...retentionProblems(frequency, v.retentionDays));
  return out;
}

function retentionProblems(frequency: SnapshotFrequency, retention: unknown): SnapshotProblem[] {
  const period = SNAPSHOT_PERIOD_DAYS[frequency];
  const max = maxRetentionDays(frequency);
  const range = `${period.max} to ${max} days for ${frequency} snapshots`;
  if (retention === undefined)
    return [
      {
        path: ["retentionDays"],
        message: `retentionDays is missing; a snapshot without a retention is kept (and billed) forever: add retentionDays, ${range}`,
      },
    ];
  if (typeof retention !== "number" || !Number.isInteger(retention))
    return [{ path: ["retentionDays"], message: `${show(retention)} is not a whole number of days; retentionDays is ${range}` }];
  if (retention < period.max)
    return [
      {
        path: ["retentionDays"],
        message: `${retention} days is shorter than the ${period.max} day(s) between ${frequency} snapshots, so there would be times with none; keep them ${range}`,
      },
    ];
  if (retention > max)
    return [
      {
        path: ["retentionDays"],
        message: `${retention} days keeps ${Math.ceil(retention / period.min)} ${frequency} snapshots and Neon allows ${NEON_SNAPSHOT_LIMIT} per project; keep them ${range}, or take them less often`,
      },
    ];
  return [];
}

/** The zod schema of `backup.snapshots` (the loader positions each problem at its key). */
export const SnapshotsSchema = z
  .custom<SnapshotSetting>(() => true)
  .superRefine((value, ctx) => {
    for (const p of snapshotProblems(value)) ctx.addIssue({ code: "custom", path: [...p.path], message: p.message, input: value });
  })
  .meta({
    description: `Neon's own snapshots of the tenant's root branch (the first backup layer; they live in Neon, the dumps survive Neon itself): off, or ${SNAPSHOT_EXAMPLE} (UTC hour; day 1-7 weekly, 1-28 monthly; retention required, up to ${NEON_SNAPSHOT_LIMIT} snapshots). Default: the stack's tenant-fleet:snapshotSchedule.`,
    anyOf: [
      { const: "off" },
      {
        type: "object",
        additionalProperties: false,
        required: ["frequency", "hour", "retentionDays"],
        properties: {
          frequency: { enum: [...SNAPSHOT_FREQUENCIES] },
          hour: { type: "integer", minimum: 0, maximum: 23 },
          day: { type: "integer", minimum: 1, maximum: 28 },
          retentionDays: { type: "integer", minimum: 1, maximum: maxRetentionDays("monthly") },
        },
      },
    ],
  });

/** A schedule as one line: the stack setting's spelling and the tenant diff's value. */
export function snapshotText(s: SnapshotSetting): string {
  if (s === "off") return "off";
  return `frequency=${s.frequency} hour=${s.hour}${s.day !== undefined ? ` day=${s.day}` : ""} retentionDays=${s.retentionDays}`;
}

/** Reads the one-line spelling (snapshotText's); the problems, or the value. */
export function parseSnapshotText(text: string): { value: SnapshotSetting } | { problem: string } {
  const t = text.trim();
  if (t === "off") return { value: "off" };
  const fields: Record<string, unknown> = {};
  for (const part of t.split(/\s+/)) {
    const m = /^([A-Za-z]+)=(\S+)$/.exec(part);
    if (!m) return { problem: `${show(part)} is not key=value; write off, or frequency=daily hour=2 retentionDays=7` };
    fields[m[1]] = m[1] === "frequency" ? m[2] : /^-?[0-9]+$/.test(m[2]) ? Number(m[2]) : m[2];
  }
  const problems = snapshotProblems(fields);
  if (problems.length) return { problem: problems.map((p) => p.message).join("; ") };
  return { value: fields as unknown as SnapshotSchedule };
}

/** How snapshots are described to people: "daily at 02:00 UTC, kept 7 days". */
export function describeSnapshots(s: SnapshotSetting): string {
  if (s === "off") return "off";
  const day = s.frequency === "weekly" ? ` on weekday ${s.day}` : s.frequency === "monthly" ? ` on day ${s.day}` : "";
  return `${s.frequency}${day} at ${String(s.hour).padStart(2, "0")}:00 UTC, kept ${s.retentionDays} days`;
}

/**
 * How a change of a tenant's snapshots weakens protection (why), or undefined: turned off,
 * taken less often, or kept a shorter time. Takes either spelling (the diff has the text).
 */
export function snapshotWeakening(before: unknown, after: unknown): string | undefined {
  const read = (v: unknown): SnapshotSetting | undefined => {
    if (typeof v !== "string") return v === undefined ? undefined : (v as SnapshotSetting);
    const r = parseSnapshotText(v);
    return "value" in r ? r.value : undefined;
  };
  const [b, a] = [read(before), read(after)];
  if (!b || b === "off" || !a) return undefined;
  if (a === "off") return `weakens protection: Neon snapshots stop (${describeSnapshots(b)}; those taken stay until they expire)`;
  if (SNAPSHOT_PERIOD_DAYS[a.frequency].max > SNAPSHOT_PERIOD_DAYS[b.frequency].max)
    return `weakens protection: Neon snapshots are taken ${a.frequency} instead of ${b.frequency}`;
  if (a.retentionDays < b.retentionDays) return `weakens protection: Neon snapshots are kept ${a.retentionDays} days instead of ${b.retentionDays}`;
  return undefined;
}

/** Hours after which a schedule's newest snapshot is overdue: its longest period plus slack (a snapshot is taken within its hour). */
export function snapshotMaxAgeHours(s: SnapshotSchedule, slackHours: number): number {
  return SNAPSHOT_PERIOD_DAYS[s.frequency].max * 24 + slackHours;
}
