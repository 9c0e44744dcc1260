/**
 * YAML syntax errors in the file's own terms: the yaml library says "Nested mappings are not
 * allowed in compact mappings"; the user wrote `name: Acme: EU` and needs to read "quote the
 * name: name: "Acme: EU"". Each common mistake (an unquoted ": ", a tab, a key twice, a key
 * out of line, an unclosed quote, a reserved first character) gets what happened and the fix,
 * from the line the parser stopped at; anything else keeps the library's words.
 * The error codes are the yaml library's (https://eemeli.org/yaml/#errors).
 */
/** One line of the text, split into its indentation, an optional `- `, its key and its value. */
interface KeyLine {
  readonly indent: number;
  readonly key: string;
  readonly keyCol: number;
  readonly value: string;
}

function keyLine(line: string | undefined): KeyLine | undefined {
  const m = line === undefined ? null : /^( *)((?:- +)*)([^\s:#][^:#]*?):(?:\s+(.*?))?\s*$/.exec(line);
  if (!m) return undefined;
  return { indent: m[1].length, key: m[3].trim(), keyCol: m[1].length + m[2].length + 1, value: m[4] ?? "" };
}

/** `key: "value"`: the line as it would parse, for a message. */
function quoted(key: string, value: string): string {
  const v = value.replace(/^["']|["']$/g, "");
  return `${key}: ${JSON.stringify(v.length <= 60 ? v : `${v.slice(0, 59)}…`)}`;
}

/** The earlier line (1-based) where `key` appears at the same column, within the same block. */
function firstAt(lines: readonly string[], lineNo: number, key: string, col: number): number | undefined {
  for (let i = lineNo - 2; i >= 0; i--) {
    const k = keyLine(lines[i]);
    if (!k) continue;
    if (k.keyCol < col) return undefined;
    if (k.keyCol === col && k.key === key) return i + 1;
  }
  return undefined;
}

/** The column the keys before `lineNo` start at (the nearest key line above), if any. */
function columnAbove(lines: readonly string[], lineNo: number): number | undefined {
  for (let i = lineNo - 2; i >= 0; i--) {
    const k = keyLine(lines[i]);
    if (k) return k.keyCol;
  }
  return undefined;
}

/** A key whose value holds ": " (a name with a colon), or a deeper line under a key with a value. */
function implicitKey(lines: readonly string[], line: number): string | undefined {
  for (const n of [line, line - 1]) {
    const k = keyLine(lines[n - 1]);
    if (k && /:\s/.test(k.value) && !/^["']/.test(k.value))
      return `the value of ${k.key} holds ": ", which YAML reads as another key; quote the ${k.key}: ${quoted(k.key, k.value)}`;
  }
  const k = keyLine(lines[line - 1]);
  const nextIndex = lines.findIndex((l, i) => i >= line && l.trim() !== "" && !l.trim().startsWith("#"));
  if (k && nextIndex >= 0) {
    const next = lines[nextIndex];
    const nextCol = next.length - next.trimStart().length + 1;
    if (nextCol > k.keyCol)
      return `line ${nextIndex + 1} is indented deeper (column ${nextCol}) than ${k.key} (column ${k.keyCol}) above it; keys of one mapping start in the same column`;
  }
  return undefined;
}

/**
 * What to tell the user about a yaml library error `code` (its `message`) at `line`/`col`
 * of `text`, with the fix.
 */
export function explainYamlError(text: string, code: string, message: string, line: number, col: number): string {
  const lines = text.split(/\r?\n/);
  const here = keyLine(lines[line - 1]);
  switch (code) {
    case "BLOCK_AS_IMPLICIT_KEY":
    case "MULTILINE_IMPLICIT_KEY":
      return implicitKey(lines, line) ?? `${message}; fix the YAML syntax`;
    case "TAB_AS_INDENT":
      return "a tab indents this line; YAML indents with spaces only: replace the tab with spaces, lined up with the keys it belongs with";
    case "DUPLICATE_KEY": {
      const k = keyLine(lines[line - 1]);
      const key = k?.key ?? "this key";
      const first = k ? firstAt(lines, line, k.key, k.keyCol) : undefined;
      return `duplicate key; ${key} appears twice in one mapping${first ? ` (first at line ${first})` : ""}: keep one, or if this starts another entry of a list, begin it with "- "`;
    }
    case "BAD_INDENT":
      if (/same column/.test(message) && here) {
        const above = columnAbove(lines, line);
        return `${here.key} starts in column ${here.keyCol}${above ? `, the key above in column ${above}` : ""}; keys of one mapping start in the same column: indent it with spaces like the keys it belongs with`;
      }
      return `${message}; fix the YAML syntax`;
    case "MISSING_CHAR":
      if (/without - indicator/.test(message) && here) {
        const above = columnAbove(lines, line);
        return `${here.key} starts in column ${here.keyCol}${above ? `, the keys above in column ${above}` : ""}; line it up with the keys of the same entry (or start a new entry with "- ")`;
      }
      if (/closing/.test(message))
        return `a quoted value is not closed before this point; add the closing quote (${/'/.test(message) ? "'" : '"'}) at the end of the value`;
      return `${message}; fix the YAML syntax`;
    case "BAD_SCALAR_START": {
      const k = keyLine(lines[line - 1]);
      const ch = (lines[line - 1] ?? "")[col - 1] ?? "";
      return k ? `a value cannot start with ${ch} unless quoted; quote the ${k.key}: ${quoted(k.key, k.value)}` : `${message}; quote the value`;
    }
    default:
      return `${message}; fix the YAML syntax`;
  }
}
