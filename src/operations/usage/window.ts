/**
 * The month a usage report covers, as Neon's consumption API is asked for it. Pure.
 *
 * Rules (https://neon.com/docs/reference/api/consumption/get-consumption-history-per-project-v2
 * and "Granularity and precision" in https://neon.com/docs/introduction/usage-calculations):
 * - `from` and `to` are rounded down to the granularity; `monthly` metrics reach back one year,
 *   `daily` 60 days, `hourly` 168 hours, and a `from` beyond that is refused (406);
 * - history starts on 2024-03-01T00:00:00Z at the earliest;
 * - a billing month is reconciled with `from` = the month's start and `to` = its end "or the
 *   current date" ("Reconciling your bill", same page).
 * So a month is asked for whole, with monthly granularity: `from` its first instant, `to` the
 * next month's first instant, the current month included (it then holds the month to date).
 */

/** The earliest instant Neon's consumption history holds. */
export const HISTORY_START = Date.UTC(2024, 2, 1);
/** How far back monthly metrics reach: one year. */
export const MONTHLY_LOOKBACK_DAYS = 365;

export const MONTH_PATTERN = /^([0-9]{4})-(0[1-9]|1[0-2])$/;

export interface UsageWindow {
  /** YYYY-MM. */
  readonly month: string;
  readonly from: string;
  readonly to: string;
  readonly granularity: "monthly";
  /** The month is over: its figures are final. */
  readonly complete: boolean;
  /** Hours from the month's start to its end, or to `now` for the current month. */
  readonly hoursElapsed: number;
}

const monthOf = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;

/** The first month that starts at or after `instant`. */
function oldestMonth(instant: number): string {
  const d = new Date(instant);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return monthOf(new Date(start >= instant ? start : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)));
}

/** The window of `month` (default: the current one) seen at `now`; a month Neon cannot answer for is an error message. */
export function usageWindow(month: string | undefined, now: Date): { window?: UsageWindow; problem?: string } {
  const shown = month ?? monthOf(now);
  const m = MONTH_PATTERN.exec(shown);
  if (!m) return { problem: `--month ${JSON.stringify(shown.slice(0, 20))} is not a month; write it YYYY-MM, e.g. --month ${monthOf(now)}` };
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  const end = Date.UTC(Number(m[1]), Number(m[2]), 1);
  if (start > now.getTime()) return { problem: `--month ${shown} has not begun (it is ${monthOf(now)} now); name this month or an earlier one` };
  if (start < HISTORY_START) return { problem: `--month ${shown}: Neon's consumption history starts in 2024-03; name a later month` };
  const oldest = now.getTime() - MONTHLY_LOOKBACK_DAYS * 86_400_000;
  if (start < oldest)
    return { problem: `--month ${shown}: Neon keeps monthly consumption for the last year only (${oldestMonth(oldest)} on); name a later month` };
  const complete = end <= now.getTime();
  return {
    window: {
      month: shown,
      from: new Date(start).toISOString().replace(".000Z", "Z"),
      to: new Date(end).toISOString().replace(".000Z", "Z"),
      granularity: "monthly",
      complete,
      hoursElapsed: ((complete ? end : now.getTime()) - start) / 3_600_000,
    },
  };
}
