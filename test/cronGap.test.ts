/** The longest gap between backups: the fast path read from cron fields must agree with stepping cron-parser. */
import fc from "fast-check";
import { CronExpressionParser } from "cron-parser";
import { describe, expect, it } from "vitest";
import { longestGapByStepping, longestGapFromFields, longestGapHours, WINDOW_START, type GapWindow } from "../src/core/cronGap";

const parse = (cron: string) => CronExpressionParser.parse(cron, { tz: "UTC", currentDate: new Date(WINDOW_START - 1) });

/** 2027-01-01 to 2028-03-01: a year, a leap February and one more month, short enough to step quickly. */
const YEAR: GapWindow = { start: WINDOW_START, end: Date.UTC(2028, 2, 1) };

describe("longest gap between runs", () => {
  it.each([
    ["17 3 * * *", 24],
    ["17 3 * * 1", 168],
    ["17 3 * * 1-5", 72],
    ["17 3,15 * * *", 12],
    ["17 3 1 * *", 31 * 24],
    // Yearly: 2028 is a leap year, so one gap is 366 days.
    ["17 3 1 1 *", 366 * 24],
    // Both day fields restricted: the 1st of the month or any Monday.
    ["17 3 1 * 1", 7 * 24],
    // The 31st exists in seven months: July 31 to August 31 is the shortest, Aug 31 to Oct 31 the longest.
    ["0 0 31 * *", 61 * 24],
    ["*/30 * * * *", 1],
    ["10 */8 * * *", 8],
  ])("%s: %i hours", (cron, hours) => {
    expect(longestGapHours(cron)).toBe(hours);
    expect(Math.ceil(longestGapFromFields(parse(cron))! / 60)).toBe(hours);
  });

  it("steps cron-parser for forms the fields do not capture, and for rare schedules", () => {
    // Last day of the month: the longest gap is a 31-day month's.
    expect(longestGapFromFields(parse("17 3 L * *"))).toBeUndefined();
    expect(longestGapHours("17 3 L * *")).toBe(31 * 24);
    // Third Friday of the month.
    expect(longestGapFromFields(parse("17 3 * * 5#3"))).toBeUndefined();
    expect(longestGapHours("17 3 * * 5#3")).toBe(35 * 24);
    // February 29 runs once in the window.
    expect(longestGapFromFields(parse("0 0 29 2 *"))).toBeUndefined();
  });

  // Schedules of the shapes people write, at most a few runs a day so stepping stays quick.
  const minute = fc.oneof(fc.integer({ min: 0, max: 59 }).map(String), fc.constantFrom("5,35", "*/20", "10-12"));
  const hour = fc.oneof(fc.integer({ min: 0, max: 23 }).map(String), fc.constantFrom("1,13", "*/12", "3-4"));
  const dom = fc.oneof(fc.constant("*"), fc.integer({ min: 1, max: 31 }).map(String), fc.constantFrom("1,15", "1-7", "*/10", "28-31", "30"));
  const month = fc.oneof(fc.constant("*"), fc.integer({ min: 1, max: 12 }).map(String), fc.constantFrom("1-6", "*/3", "2,8", "JAN,JUL"));
  const dow = fc.oneof(fc.constant("*"), fc.integer({ min: 0, max: 7 }).map(String), fc.constantFrom("1-5", "0,6", "MON", "*/2"));
  const schedule = fc.tuple(minute, hour, dom, month, dow).map((f) => f.join(" "));

  it("reads the same gap from the fields as stepping cron-parser does, over the same days", () => {
    fc.assert(
      fc.property(schedule, (cron) => {
        // Dates no month has (the 31st of February and April) are refused by the parser, as by the tenants file's validation.
        let expr;
        try {
          expr = parse(cron);
        } catch {
          fc.pre(false);
          return;
        }
        const fast = longestGapFromFields(expr, YEAR);
        // Too few runs in the window (the 31st of February and June only): the fast path
        // declines rather than guess, and those are the fallback's.
        fc.pre(fast !== undefined);
        expect(fast, cron).toBe(longestGapByStepping(cron, YEAR));
      }),
      { numRuns: 60 },
    );
  });
});
