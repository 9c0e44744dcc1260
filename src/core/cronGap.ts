/**
 * The longest gap between two runs of a cron schedule (UTC), which sets how old the newest
 * backup may be before the restore drill fails.
 *
 * cron-parser parses and validates the expression; stepping it run by run costs about
 * 0.1 ms per run (it does date arithmetic through luxon), so a daily schedule over a year
 * took 30–65 ms and a plan with four schedules spent a quarter of a second here. Instead
 * the parsed fields are read directly: the times of day come from the minute and hour
 * fields, and each day of the window matches by month and by day of month / day of week
 * with cron's rule (when both day fields are restricted, either may match). Forms whose
 * day matching has more to it (`L`, `#`) and schedules that run fewer than twice in the
 * window fall back to stepping cron-parser, which is also the reference the tests hold
 * the fast path to.
 */
import { CronExpressionParser, type CronExpression } from "cron-parser";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** 2027-01-01 to 2030-01-31 UTC: three whole years (2028 is a leap year) and the next month's runs. */
export const WINDOW_START = Date.UTC(2027, 0, 1);
export const WINDOW_END = Date.UTC(2030, 1, 1);
/** How many runs the fallback steps through (400 days of a daily schedule). */
const FALLBACK_RUNS = 400;

/** A stretch of whole UTC days, [start, end) in epoch milliseconds. */
export interface GapWindow {
  readonly start: number;
  readonly end: number;
}
const WINDOW: GapWindow = { start: WINDOW_START, end: WINDOW_END };

/** Longest gap between consecutive runs inside the window, in minutes, from the parsed fields; undefined when the fields need the slow path. */
export function longestGapFromFields(expr: CronExpression, window: GapWindow = WINDOW): number | undefined {
  const { minute, hour, dayOfMonth, month, dayOfWeek } = expr.fields;
  if (dayOfMonth.hasLastChar || dayOfWeek.hasLastChar || dayOfWeek.nthDay > 0) return undefined;
  const numbers = (values: readonly unknown[]) => (values.every((v) => typeof v === "number") ? (values as number[]) : undefined);
  const [minutes, hours, days, months, weekdays] = [minute, hour, dayOfMonth, month, dayOfWeek].map((f) => numbers(f.values));
  if (!minutes || !hours || !days || !months || !weekdays) return undefined;

  const times = hours.flatMap((h) => minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);
  const daySet = new Set(days);
  const monthSet = new Set(months);
  const weekdaySet = new Set(weekdays.map((d) => d % 7));
  const domRestricted = !dayOfMonth.isWildcard;
  const dowRestricted = !dayOfWeek.isWildcard;

  let previous: number | undefined;
  let longest = 0;
  let runs = 0;
  const windowDays = (window.end - window.start) / DAY_MS;
  for (let d = 0; d < windowDays; d++) {
    const date = new Date(window.start + d * DAY_MS);
    if (!monthSet.has(date.getUTCMonth() + 1)) continue;
    const domMatch = daySet.has(date.getUTCDate());
    const dowMatch = weekdaySet.has(date.getUTCDay());
    const matches = domRestricted && dowRestricted ? domMatch || dowMatch : domRestricted ? domMatch : dowRestricted ? dowMatch : true;
    if (!matches) continue;
    for (const t of times) {
      const at = d * 1440 + t;
      if (previous !== undefined) longest = Math.max(longest, at - previous);
      previous = at;
      runs++;
    }
  }
  return runs >= 2 ? longest : undefined;
}

/** The same figure by stepping cron-parser from the window's start, up to its end or `maxRuns` runs. */
export function longestGapByStepping(cron: string, window: GapWindow = WINDOW, maxRuns = Number.POSITIVE_INFINITY): number {
  const it = CronExpressionParser.parse(cron, { tz: "UTC", currentDate: new Date(window.start - 1) });
  let previous = it.next().getTime();
  let longest = 0;
  for (let runs = 1; runs < maxRuns; runs++) {
    const next = it.next().getTime();
    if (next >= window.end) break;
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return longest / MINUTE_MS;
}

const cache = new Map<string, number>();

/** Longest gap between two runs of a valid schedule, in whole hours rounded up (memoised: fleets share few schedules). */
export function longestGapHours(cron: string): number {
  const cached = cache.get(cron);
  if (cached !== undefined) return cached;
  const expr = CronExpressionParser.parse(cron, { tz: "UTC", currentDate: new Date(WINDOW_START - 1) });
  const minutes = longestGapFromFields(expr) ?? longestGapByStepping(cron, { start: WINDOW_START, end: Number.POSITIVE_INFINITY }, FALLBACK_RUNS);
  const hours = Math.ceil(minutes / 60);
  cache.set(cron, hours);
  return hours;
}

/** Slack on top of a schedule's longest gap before a backup counts as stale (queueing, run time). */
export const BACKUP_AGE_SLACK_HOURS = 6;

/** How old the newest backup may be before the restore drill fails. */
export function maxBackupAgeHours(cron: string): number {
  return longestGapHours(cron) + BACKUP_AGE_SLACK_HOURS;
}
