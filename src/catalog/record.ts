/**
 * The audit record every tenant operation leaves (restore, export, move, erase): written
 * to a JSON file the workflow keeps as an artifact, and, with a fleet catalog, as one row
 * of its append-only `operations` table. Pure.
 */

export type OperationKind = "restore" | "export" | "move" | "erase";

/** The record's format; readers refuse one they do not know. */
export const OPERATION_RECORD_FORMAT = 1;

export interface OperationRecord {
  readonly format: typeof OPERATION_RECORD_FORMAT;
  readonly kind: OperationKind;
  readonly tenant: string;
  readonly stack: string;
  readonly ticket: string;
  /** Who asked: the GitHub actor who dispatched the workflow, else the local user. */
  readonly requestedBy: string;
  /** The workflow run that carried it out, when one did. */
  readonly run?: { readonly id: number; readonly attempt: number; readonly url?: string };
  readonly result: "ok" | "failed";
  readonly plan: unknown;
  /** What was done: branches, keys, objects and projects, each named. */
  readonly detail: Readonly<Record<string, unknown>>;
  readonly error?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

const TICKET = /^[\p{L}\p{N}][\p{L}\p{N} #/_.:-]{0,199}$/u;

/** A ticket reference (`SEC-1234`, `https://…/issues/12`): printable, at most 200 characters; else why not. */
export function ticketProblem(ticket: string | undefined): string | undefined {
  if (ticket === undefined || ticket.trim() === "")
    return "--ticket is required: the change or erasure request this operation carries out (e.g. --ticket SEC-1234)";
  if (!TICKET.test(ticket))
    return `--ticket ${JSON.stringify(ticket.slice(0, 60))} is not a ticket reference: letters, digits, spaces and # / _ . : - only, at most 200 characters, e.g. SEC-1234`;
  return undefined;
}

/** The GitHub run from the runner's environment, when there is one. */
export function runOf(env: Readonly<Record<string, string | undefined>>): OperationRecord["run"] {
  const id = Number(env.GITHUB_RUN_ID);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const url = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${id}` : undefined;
  return { id, attempt: Number(env.GITHUB_RUN_ATTEMPT) || 1, ...(url ? { url } : {}) };
}

/** Who asked, from the runner's environment or the local user. */
export function requesterOf(env: Readonly<Record<string, string | undefined>>): string {
  return env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || env.USER || "unknown";
}
