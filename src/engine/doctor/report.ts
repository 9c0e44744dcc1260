/**
 * The doctor's findings and how they are printed: one line per check, `ok`, `FAIL … : what to
 * do` or `skip …: why`; the JSON form carries the same fields. Pure.
 */

export type CheckStatus = "ok" | "fail" | "skip";

export interface Check {
  /** What was checked, e.g. "neon organisation org-…". */
  readonly name: string;
  readonly status: CheckStatus;
  /** ok: what was found; fail: what is wrong; skip: why it was not checked. */
  readonly detail: string;
  /** fail (and skip, when a credential is missing): what to do. */
  readonly fix?: string;
}

export const ok = (name: string, detail: string): Check => ({ name, status: "ok", detail });
export const fail = (name: string, detail: string, fix: string): Check => ({ name, status: "fail", detail, fix });
export const skip = (name: string, detail: string, fix?: string): Check => ({ name, status: "skip", detail, ...(fix ? { fix } : {}) });

/** Longest text of a value quoted in a line: API answers can be long. */
const MAX_QUOTED = 200;

/** A value from outside (an API's message, a path) made printable on one line and short. */
export function quoted(value: string): string {
  const text = JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
  return text;
}

export function formatCheck(c: Check): string {
  switch (c.status) {
    case "ok":
      return `ok    ${c.name}: ${c.detail}`;
    case "fail":
      return `FAIL  ${c.name}: ${c.detail}; ${c.fix}`;
    case "skip":
      return `skip  ${c.name}: ${c.detail}${c.fix ? `; ${c.fix}` : ""}`;
  }
}

export function renderText(checks: readonly Check[]): string {
  const failed = checks.filter((c) => c.status === "fail").length;
  const skipped = checks.filter((c) => c.status === "skip").length;
  const summary = failed
    ? `${failed} check(s) failed: fix them before the first pulumi up${skipped ? ` (${skipped} skipped)` : ""}. Nothing was changed.`
    : `nothing blocks${skipped ? ` (${skipped} check(s) skipped: see why above)` : ""}. Nothing was changed.`;
  return `${[...checks.map(formatCheck), summary].join("\n")}\n`;
}

export interface DoctorDocument {
  readonly stack: string;
  readonly blocked: boolean;
  readonly checks: readonly Check[];
}

export function renderJson(stack: string, checks: readonly Check[]): string {
  const doc: DoctorDocument = { stack, blocked: exitCode(checks) !== 0, checks };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** 1 when any check failed; a skipped check does not block (it says why it was not made). */
export function exitCode(checks: readonly Check[]): number {
  return checks.some((c) => c.status === "fail") ? 1 : 0;
}
