/** The tenant diff as terminal text, as Markdown for a pull-request comment, and as JSON. */
import type { FieldChange, FleetDiff } from "./diff";
import { mdCell } from "./escape";

export interface DiffMeta {
  readonly base: string;
  readonly stack: string;
  readonly file: string;
}

/** A value for a terminal or a comment: strings with any control or format character escaped (it could erase or reorder lines). */
function show(v: unknown): string {
  if (v === undefined) return "(none)";
  if (typeof v !== "string") return JSON.stringify(v);
  return v.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

function verdict(diff: FleetDiff): string {
  const s = diff.summary;
  if (s.unacknowledged) return `${s.unacknowledged} destructive change${s.unacknowledged === 1 ? "" : "s"} not acknowledged: this change must not merge as it is`;
  if (s.destructive) return `${s.destructive} destructive change${s.destructive === 1 ? "" : "s"}, all acknowledged in the tenants file`;
  return "no destructive change";
}

function counts(diff: FleetDiff): string {
  const s = diff.summary;
  return `${s.added} added, ${s.retired} retired, ${s.reactivated} reactivated, ${s.removed} removed, ${s.changed} changed`;
}

interface Row {
  readonly who: string;
  readonly c: FieldChange;
}

function rows(diff: FleetDiff): Row[] {
  return [...diff.stack.map((c) => ({ who: "(stack)", c })), ...diff.tenants.flatMap((t) => t.changes.map((c) => ({ who: t.id, c })))];
}

export function renderDiffText(diff: FleetDiff, meta: DiffMeta): string {
  const lines = [`tenant diff · stack ${meta.stack} · ${meta.file} · against ${meta.base}`, `${counts(diff)} · ${verdict(diff)}`, ""];
  const all = rows(diff);
  const destructive = all.filter((r) => r.c.class === "destructive");
  for (const { who, c } of destructive) {
    const status = c.acknowledgement ? `acknowledged: ${show(c.acknowledgement.reason)}` : `not acknowledged: add to acknowledgements: { ${who === "(stack)" ? "" : `tenant: ${who}, `}change: ${c.kind}, reason: "..." }`;
    lines.push(`${c.acknowledgement ? "warning" : "error"}: ${who}: ${c.field}: ${show(c.before)} → ${show(c.after)}: ${c.why}; ${status}`);
  }
  for (const { who, c } of all.filter((r) => r.c.class === "review")) lines.push(`note: ${who}: ${c.field}: ${show(c.before)} → ${show(c.after)}: ${c.why}; review it`);
  for (const { who, c } of all.filter((r) => r.c.class === "safe")) lines.push(`  ${who}: ${c.field}: ${show(c.before)} → ${show(c.after)} (${c.why})`);
  for (const a of diff.unusedAcknowledgements) lines.push(`warning: acknowledgement ${a.tenant ? `${a.tenant}/` : ""}${a.change} matches no change against ${meta.base}; remove it`);
  if (!all.length) lines.push("  no tenant or stack change");
  return `${lines.join("\n")}\n`;
}

export function renderDiffMarkdown(diff: FleetDiff, meta: DiffMeta): string {
  const all = rows(diff);
  const destructive = all.filter((r) => r.c.class === "destructive");
  const safe = all.filter((r) => r.c.class === "safe");
  const out: string[] = [];
  out.push(`### tenant-fleet: tenant diff for \`${mdCell(meta.stack)}\``);
  out.push("");
  out.push(`Against \`${mdCell(meta.base)}\` · ${mdCell(meta.file)} · ${counts(diff)}`);
  out.push("");
  out.push(diff.summary.unacknowledged ? `> [!CAUTION]\n> ${verdict(diff)}.` : diff.summary.destructive ? `> [!WARNING]\n> ${verdict(diff)}.` : `> [!NOTE]\n> ${verdict(diff)}.`);
  if (destructive.length) {
    out.push("", "#### Destructive changes", "", "| tenant | field | before | after | why | acknowledged |", "|---|---|---|---|---|---|");
    for (const { who, c } of destructive) {
      out.push(`| ${mdCell(who)} | ${mdCell(c.field)} | ${mdCell(show(c.before))} | ${mdCell(show(c.after))} | ${mdCell(c.why)} | ${c.acknowledgement ? `yes: ${mdCell(show(c.acknowledgement.reason))}` : "**no**"} |`);
    }
  }
  const review = all.filter((r) => r.c.class === "review");
  if (review.length) {
    out.push("", "#### Changes to review", "", "| tenant | field | before | after | why it matters |", "|---|---|---|---|---|");
    for (const { who, c } of review) out.push(`| ${mdCell(who)} | ${mdCell(c.field)} | ${mdCell(show(c.before))} | ${mdCell(show(c.after))} | ${mdCell(c.why)} |`);
  }
  if (safe.length) {
    out.push("", "#### Other changes", "", "| tenant | field | before | after | effect |", "|---|---|---|---|---|");
    for (const { who, c } of safe) out.push(`| ${mdCell(who)} | ${mdCell(c.field)} | ${mdCell(show(c.before))} | ${mdCell(show(c.after))} | ${mdCell(c.why)} |`);
  }
  if (diff.unusedAcknowledgements.length) {
    out.push("", "#### Acknowledgements to remove", "");
    for (const a of diff.unusedAcknowledgements) out.push(`- ${mdCell(a.tenant ?? "(stack)")} / ${mdCell(a.change)}: matches no change`);
  }
  if (!all.length) out.push("", "No tenant or stack change.");
  return `${out.join("\n")}\n`;
}

/** `--json`: `{ base, stack, file, passes, summary, tenants, stackChanges, unusedAcknowledgements }`. */
export function diffDocument(diff: FleetDiff, meta: DiffMeta): object {
  return {
    base: meta.base,
    stack: meta.stack,
    file: meta.file,
    passes: diff.summary.unacknowledged === 0,
    summary: diff.summary,
    tenants: diff.tenants,
    stackChanges: diff.stack,
    unusedAcknowledgements: diff.unusedAcknowledgements,
  };
}
