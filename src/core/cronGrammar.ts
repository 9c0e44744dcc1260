/**
 * The cron grammar GitHub's scheduler accepts (docs.github.com, "Events that trigger
 * workflows", schedule): five fields separated by spaces; in each `*`, a number in the
 * field's range, a name (months JAN–DEC, weekdays SUN–SAT, any case), a range `a-b` with
 * a ≤ b, a step `x/n` (n a positive number), and lists of those. No `L`, `W`, `#`, `?`,
 * `H`, macros (`@daily`), seconds or years, and 0–6 for the weekday (7 is not Sunday).
 * `test/cronGrammar.test.ts` holds this to `@actions/workflow-parser`'s own check on a
 * generated corpus, so the two cannot drift.
 *
 * A schedule is normalised before anything uses it (grouping, file names): surrounding
 * spaces dropped, runs of spaces made one, names lowercased. Anything else that is not
 * part of the grammar (tabs, line breaks) is refused, not repaired.
 */

interface FieldRange {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

export const CRON_FIELDS: readonly FieldRange[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of the month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day of the week", min: 0, max: 6, names: DAYS },
];

/** Surrounding spaces dropped, runs of spaces made one, names lowercased. */
export function normaliseCron(expr: string): string {
  return expr
    .replace(/^ +| +$/g, "")
    .replace(/ {2,}/g, " ")
    .toLowerCase();
}

function valueOf(part: string, field: FieldRange): number | undefined {
  const named = field.names?.[part.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^[0-9]+$/.test(part)) return undefined;
  const n = Number(part);
  return n >= field.min && n <= field.max ? n : undefined;
}

/** A part of a field as a message quotes it: at most 12 characters. */
function cut(part: string): string {
  return part.length > 12 ? `${part.slice(0, 11)}…` : part;
}

/** Why one field is not GitHub's grammar, or undefined. */
function fieldProblem(text: string, field: FieldRange): string | undefined {
  const range = `${field.min}–${field.max}${field.names ? ` or ${Object.keys(field.names)[0].toUpperCase()}–${Object.keys(field.names).at(-1)!.toUpperCase()}` : ""}`;
  for (const item of text.split(",")) {
    if (item === "") return `the ${field.name} field has an empty list item`;
    const [base, step, ...extra] = item.split("/");
    if (extra.length) return `the ${field.name} field "${cut(item)}" has two steps`;
    if (step !== undefined && !(/^[0-9]+$/.test(step) && Number(step) > 0 && Number(step) <= field.max)) {
      return `the ${field.name} field's step "${cut(step)}" is not a whole number from 1 to ${field.max}`;
    }
    if (base === "*") continue;
    const [from, to, ...more] = base.split("-");
    if (more.length || from === "" || to === "") return `the ${field.name} field "${cut(item)}" is not a value, a range a-b or a step x/n`;
    const a = valueOf(from, field);
    if (a === undefined) {
      if (field.name === "day of the week" && from === "7") return "7 is not a day of the week for GitHub; Sunday is 0 (or SUN)";
      return `the ${field.name} field "${cut(from)}" is not ${range}${/^[lwh?#]/i.test(from) || /[lwh?#]/i.test(from) ? " (GitHub has no L, W, H, ? or #)" : ""}`;
    }
    if (to !== undefined) {
      const b = valueOf(to, field);
      if (b === undefined)
        return `the ${field.name} field "${cut(to)}" is not ${range}${field.name === "day of the week" && to === "7" ? "; Sunday is 0" : ""}`;
      if (b < a) return `the ${field.name} range "${cut(base)}" runs backwards`;
    }
  }
  return undefined;
}

/** Why GitHub's scheduler would reject the (normalised) expression, or undefined when it is valid. */
export function githubCronProblem(expr: string): string | undefined {
  if (/[^ A-Za-z0-9*,/-]/.test(expr)) return "it holds a character GitHub's cron does not use (only digits, names, spaces and * , - /)";
  const fields = normaliseCron(expr).split(" ");
  if (fields.length !== 5)
    return `it has ${fields.length} field${fields.length === 1 ? "" : "s"}; GitHub takes five: minute hour day-of-month month day-of-week`;
  for (const [i, f] of fields.entries()) {
    const problem = fieldProblem(f, CRON_FIELDS[i]);
    if (problem) return problem;
  }
  return undefined;
}
