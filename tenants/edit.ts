/**
 * Edits a tenants file as a document (`npm run tenant -- add | retire`): the file is parsed
 * with the yaml package's Document API, which gives every node's source range, and only the
 * bytes of the change are written into the text: a new entry after the last one, or the
 * scalar of one tenant's `status`. Everything else (comments, blank lines, key order, quoting,
 * flow maps) stays byte for byte, which re-serialising the document would not guarantee
 * (yaml's toString re-indents and re-quotes what it does not keep). The result is then
 * re-parsed and compared with the original as data: the edit changed exactly what it says or
 * it is refused. Pure: the caller validates the result with the loader and writes it.
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type YAMLMap, type YAMLSeq } from "yaml";
import { isDeepStrictEqual } from "node:util";
import { TENANT_ID_MAX, TENANT_ID_PATTERN } from "./schema";

/** What `tenant add` writes: the keys a signup decides; everything else comes from the file's defaults. */
export interface NewTenant {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly residency: string;
  /** One of the file's tiers (tenants/tiers.ts), written as `tier:` after `status:`; the loader checks it is declared. */
  readonly tier?: string;
}

/** An edit that could not be made: where (1-based), what was found, and what to do. */
export interface EditProblem {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export type EditResult = { readonly text: string; readonly entryLine: number } | { readonly problem: EditProblem };

/** A value for a message: quoted, control characters escaped, at most 60 characters. */
export function quoteValue(v: string): string {
  const short = [...v].length > 60 ? `${[...v].slice(0, 57).join("")}...` : v;
  return JSON.stringify(short).replace(/[\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** Why `id` cannot name a new tenant by its shape alone, or undefined. */
export function idShapeProblem(id: string): string | undefined {
  if ([...id].length > TENANT_ID_MAX) return `${quoteValue(id)} is longer than ${TENANT_ID_MAX} characters; choose a shorter id`;
  if (!TENANT_ID_PATTERN.test(id))
    return `${quoteValue(id)} is not a tenant id: a lowercase slug, a letter first, then letters, digits and single hyphens (e.g. acme-corp)`;
  return undefined;
}

function lineColOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

interface Parsed {
  readonly doc: Document.Parsed;
  readonly tenants: YAMLSeq;
}

/** The document and its block `tenants:` list, or the problem that stops an edit. */
function parseForEdit(text: string): Parsed | { problem: EditProblem } {
  const doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [1, 1];
    return {
      problem: { line, col, message: `the file is not valid YAML (${error.message.split("\n")[0]}); fix it first (npm run validate shows every problem)` },
    };
  }
  const tenants = isMap(doc.contents) ? doc.contents.get("tenants", true) : undefined;
  if (!isSeq(tenants) || tenants.items.length === 0)
    return { problem: { line: 1, col: 1, message: "the file has no tenants: list with an entry; add the first tenant by hand (docs/tenants-file.md)" } };
  if (tenants.flow) {
    const at = lineColOf(text, tenants.range![0]);
    return {
      problem: {
        ...at,
        message: "tenants is written as a flow list ([...]); write it as a block list (one '- id: ...' entry per tenant) to edit it with tenant add",
      },
    };
  }
  return { doc, tenants };
}

/** The column of the `- ` introducing the item that starts at `offset`, and the item's content column. */
function itemIndent(text: string, offset: number): { dash: number; content: number } {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const prefix = text.slice(lineStart, offset);
  const dash = prefix.lastIndexOf("-");
  return { dash: dash < 0 ? 0 : dash, content: offset - lineStart };
}

/** The entry's data, in the order it is written. */
function entryData(entry: NewTenant): Record<string, string> {
  return {
    id: entry.id,
    name: entry.name,
    region: entry.region,
    residency: entry.residency,
    status: "active",
    ...(entry.tier !== undefined ? { tier: entry.tier } : {}),
  };
}

/** The new entry as block YAML, indented like the list's items; yaml's own stringify quotes what needs quoting. */
function renderEntry(entry: NewTenant, indent: { dash: number; content: number }): string {
  const body = stringify(entryData(entry), { lineWidth: 0 });
  const lines = body.trimEnd().split("\n");
  const pad = (n: number) => " ".repeat(n);
  const dashPad = pad(indent.dash) + "-" + pad(Math.max(1, indent.content - indent.dash - 1));
  return lines.map((l, i) => (i === 0 ? dashPad : pad(indent.content)) + l).join("\n") + "\n";
}

/** The data of the document, or undefined when it cannot be read as data. */
function dataOf(text: string): { tenants?: unknown[] } & Record<string, unknown> {
  return parseDocument(text, { uniqueKeys: true }).toJS({ maxAliasCount: 100 }) as { tenants?: unknown[] } & Record<string, unknown>;
}

/** Adds `entry` after the last tenant, in the list's indentation and spacing; refuses an id the file already has. */
export function addTenantEntry(text: string, entry: NewTenant): EditResult {
  const parsed = parseForEdit(text);
  if ("problem" in parsed) return parsed;
  const { tenants } = parsed;
  const items = tenants.items as unknown[];
  for (const item of items) {
    const id = isMap(item) ? (item as YAMLMap).get("id", true) : undefined;
    if (isScalar(id) && id.value === entry.id) {
      const at = lineColOf(text, id.range![0]);
      return { problem: { ...at, message: `${quoteValue(entry.id)} is already a tenant here; ids are unique and never reused: choose another id` } };
    }
  }
  const first = items[0] as YAMLMap;
  const last = items[items.length - 1] as YAMLMap;
  if (!isMap(first) || !isMap(last) || first.flow || last.flow) {
    const at = lineColOf(text, (isMap(last) ? last : first).range?.[0] ?? 0);
    return {
      problem: {
        ...at,
        message:
          "the tenants list holds an entry written as a flow map ({ id: ... }) at its start or end; write it as a block entry to edit the list with tenant add",
      },
    };
  }
  const indent = itemIndent(text, first.range![0]);
  // After the line where the last entry's value ends (its trailing comment included).
  const lineEnd = text.indexOf("\n", last.range![1] - 1);
  const at = lineEnd < 0 ? text.length : lineEnd + 1;
  const head = lineEnd < 0 ? `${text}\n` : text.slice(0, at);
  const spaced = items.slice(1).some((i) => (i as YAMLMap).spaceBefore === true);
  const insert = (spaced ? "\n" : "") + renderEntry(entry, indent);
  const out = head + insert + text.slice(at);
  const entryLine = head.split("\n").length + (spaced ? 1 : 0);
  return checked(text, out, entryLine, (data) => {
    data.tenants = [...(data.tenants ?? []), entryData(entry)];
  });
}

/** Sets the tenant's `status` scalar to retired, in place (its quoting kept); refuses an unknown or retired tenant. */
export function retireTenantEntry(text: string, id: string): EditResult {
  const parsed = parseForEdit(text);
  if ("problem" in parsed) return parsed;
  const index = parsed.tenants.items.findIndex((item) => isMap(item) && (item as YAMLMap).get("id") === id);
  if (index < 0)
    return {
      problem: { line: 1, col: 1, message: `${quoteValue(id)} is not a tenant of this file; nothing to retire (tenant ids are listed under tenants:)` },
    };
  const item = parsed.tenants.items[index] as YAMLMap;
  const status = item.get("status", true);
  if (!isScalar(status) || !status.range) {
    const at = lineColOf(text, item.range![0]);
    return { problem: { ...at, message: `${quoteValue(id)} has no status: line; add status: active to it first (every tenant has one)` } };
  }
  const at = lineColOf(text, status.range[0]);
  if (status.value === "retired") return { problem: { ...at, message: `${quoteValue(id)} is already retired; nothing to change` } };
  const [start, end] = status.range;
  const quote = status.type === "QUOTE_DOUBLE" ? '"' : status.type === "QUOTE_SINGLE" ? "'" : "";
  const out = text.slice(0, start) + `${quote}retired${quote}` + text.slice(end);
  return checked(text, out, at.line, (data) => {
    (data.tenants![index] as Record<string, unknown>).status = "retired";
  });
}

/** The edit as data: the new text must read as the old text's data with exactly `expected` applied. */
function checked(before: string, after: string, entryLine: number, expected: (data: { tenants?: unknown[] } & Record<string, unknown>) => void): EditResult {
  const want = dataOf(before);
  expected(want);
  if (!isDeepStrictEqual(dataOf(after), want))
    return {
      problem: {
        line: entryLine,
        col: 1,
        message:
          "the edit would change more than the entry (the file's layout is one tenant add does not handle); make the change by hand and report the file's shape",
      },
    };
  return { text: after, entryLine };
}
