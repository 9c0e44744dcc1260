/** Escaping for the report formats: Markdown table cells, CSV fields, XML text. */

/** A Markdown table cell: no pipes, no line breaks, no HTML, no emphasis, code or link syntax. */
export function mdCell(value: unknown): string {
  const s = value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value);
  return s
    .replace(/\r?\n|\r/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_\[\]|~])/g, "\\$1")
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
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}
