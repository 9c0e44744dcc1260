/** Escaping for the report formats: Markdown table cells and blocks, CSV fields, XML text. */

/** Joins what it sits in; invisible, and no Markdown or HTML syntax starts with it. */
const ZERO_WIDTH_JOINER = "\u200d";

/**
 * Text of someone else's (a pull request's: its tenants file, its program's output, its
 * errors) made inert for every place GitHub renders Markdown, before any other escaping:
 * `@` never starts a mention or an e-mail link, `<` never starts HTML or an autolink,
 * `scheme://`, `www.` and `](` never make a link, `![` never an image. A zero-width joiner
 * goes after each, so the text reads and copies the same. Every renderer of such text
 * (mdCell, mdFence) goes through here.
 */
export function defang(text: string): string {
  return text
    .replace(/[@<]/g, `$&${ZERO_WIDTH_JOINER}`)
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, `$1${ZERO_WIDTH_JOINER}://`)
    .replace(/\b(www)\./gi, `$1${ZERO_WIDTH_JOINER}.`)
    .replace(/\]\(/g, `]${ZERO_WIDTH_JOINER}(`)
    .replace(/!\[/g, `!${ZERO_WIDTH_JOINER}[`);
}

/**
 * Someone else's text as a fenced code block, shown as it is: the fence is a run of `~`
 * longer than any in the text, so no line of it closes the block early (CommonMark: a
 * closing fence is at least as long as the opening one), and the text is defanged in case
 * a renderer shows it outside the block. Line endings become `\n`, other control
 * characters U+FFFD.
 */
export function mdFence(text: string, info = "text"): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  const body = defang(text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "\ufffd")).replace(/\n$/, "");
  const longest = Math.max(0, ...[...body.matchAll(/~+/g)].map((m) => m[0].length));
  const fence = "~".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}\n`;
}

/**
 * Our own text as a Markdown table cell: no pipes, no line breaks, no HTML, no emphasis,
 * code or link syntax. For text the stack itself writes (docs tables); someone else's text
 * goes through mdCell.
 */
export function mdText(value: unknown): string {
  return escapeCell(cellText(value));
}

/** Someone else's text as a Markdown table cell: mdText's escaping, and nothing that mentions or links (defang). */
export function mdCell(value: unknown): string {
  // HTML is escaped first, so defang has no `<` left to mark: `&lt;` is already inert.
  return escapeCell(cellText(value), defang);
}

const cellText = (value: unknown): string => (value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));

function escapeCell(s: string, inert: (text: string) => string = (t) => t): string {
  const html = s
    .replace(/\r?\n|\r/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
  return inert(html)
    .replace(/([\\`*_[\]|~])/g, "\\$1")
    .replace(/^([#+=-])/, "\\$1");
}

/** A CSV field (RFC 4180), defused against spreadsheet formula injection. */
export function csvField(value: unknown): string {
  let s = value === undefined || value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: readonly unknown[]): string {
  return values.map(csvField).join(",");
}

/** Text for XML/SVG content and attribute values. */
export function xmlText(value: unknown): string {
  return (
    String(value)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
      // eslint-disable-next-line no-control-regex -- control characters are what this removes
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
  );
}
