/** Positioned problems: one line each, `file:line:col: path: message`. */

export type Severity = "error" | "warning";

export interface Problem {
  readonly severity: Severity;
  readonly file: string;
  /** 1-based line and column. */
  readonly line: number;
  readonly col: number;
  /** Where in the document, e.g. `tenants[2].region`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  const where = `${p.file}:${p.line}:${p.col}`;
  const prefix = p.severity === "warning" ? "warning: " : "";
  return p.path ? `${where}: ${prefix}${p.path}: ${p.message}` : `${where}: ${prefix}${p.message}`;
}

/** Renders `["tenants", 2, "region"]` as `tenants[2].region`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col)
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * Raised when an input file (tenants file or stack settings) is rejected. Carries every
 * problem; the message is the formatted list, so `pulumi up` shows it without a stack
 * trace when wrapped in a `pulumi.RunError`, and the plan prints it and exits 1.
 */
export class InputError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join("\n"));
    this.name = "InputError";
    this.problems = sorted;
  }
}

export function isInputError(err: unknown): err is InputError {
  return err instanceof InputError;
}

/** Edit distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a small distance (case-insensitive), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
