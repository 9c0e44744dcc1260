/**
 * "Did you mean" for the command line: the nearest option or subcommand to a near miss. A
 * swap of two neighbouring letters counts as one edit (optimal string alignment distance),
 * since `--jsno` and `adpot` are what fingers type; a word that starts only one name
 * (`--ten` for `--tenants`) points at it too.
 */

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
export function typingDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The one candidate `word` alone starts, else the closest (at most a third of its letters off, at least one); else undefined. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const starting = w.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(w)) : [];
  if (starting.length === 1) return starting[0];
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  const scored = candidates.map((c) => ({ c, d: typingDistance(w, c.toLowerCase()) })).filter((x) => x.d <= limit);
  return scored.length ? scored.sort((x, y) => x.d - y.d)[0].c : undefined;
}

/** `; did you mean --stack?` for a near miss of one of `options` (names without dashes), else "". */
export function suggestOption(given: string, options: readonly string[]): string {
  const guess = nearest(
    given.replace(/^-+/, "").split("=")[0],
    options.filter((o) => o.length > 1),
  );
  return guess ? `; did you mean --${guess}?` : "";
}

/** `; did you mean orphans?` for a near miss of one of `commands`, else "". */
export function suggestCommand(given: string, commands: readonly string[]): string {
  const guess = nearest(given, commands);
  return guess ? `; did you mean ${guess}?` : "";
}
