import { FAILED_TENANTS_TITLE } from "./batchScripts";
import { shellScript } from "./shell";

/**
 * Characters of the issue's list of failed tenants: GitHub refuses an issue or comment body
 * over 65,536 characters ("body is too long (maximum is 65536 characters)", a 422), which would
 * leave a large failure with no issue at all. Past this the list ends with how many more there
 * are; each of them is in its batch job's summary and result lines.
 */
export const ISSUE_LIST_CHARS = 60_000;

/** What the alert step (sh/alert.sh) reads besides the workflow's own values. */
export const ALERT_SCRIPT_ENV: Readonly<Record<string, string>> = Object.freeze({
  FAILED_TENANTS_TITLE,
  ISSUE_LIST_CHARS: String(ISSUE_LIST_CHARS),
});

/** The functions that keep one issue per key (sh/issue-keep.sh), shared by the alert and drift issue jobs. */
export const ISSUE_KEEP_SCRIPT = "issue-keep.sh";

/**
 * The alert job's bash (sh/alert.sh after sh/issue-keep.sh; their headers say what they do and
 * read): one issue per scheduled workflow, opened when a run fails (naming the failed tenants),
 * commented on while it stays red, closed on the next fully green run.
 */
export function alertScript(): string {
  return shellScript(ISSUE_KEEP_SCRIPT, "alert.sh");
}
