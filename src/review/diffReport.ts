/** The tenant diff as terminal text, as Markdown for a pull-request comment, and as JSON. */
import type { ExplainedFinding, FieldChange, FleetDiff } from "./diff";
import { resourceCounts } from "./resources";
import { mdCell, mdFence } from "../core/escape";

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
  if (s.unacknowledged)
    return `${s.unacknowledged} destructive change${s.unacknowledged === 1 ? "" : "s"} not acknowledged: this change must not merge as it is`;
  if (s.destructive) return `${s.destructive} destructive change${s.destructive === 1 ? "" : "s"}, all acknowledged in the tenants file`;
  return "no destructive change";
}

function counts(diff: FleetDiff): string {
  const s = diff.summary;
  return `${s.added} added, ${s.adopted ? `${s.adopted} adopted, ` : ""}${s.retired} retired, ${s.reactivated} reactivated, ${s.removed} removed, ${s.changed} changed`;
}

interface Row {
  readonly who: string;
  readonly c: FieldChange;
}

function rows(diff: FleetDiff): Row[] {
  return [...diff.stack.map((c) => ({ who: "(stack)", c })), ...diff.tenants.flatMap((t) => t.changes.map((c) => ({ who: t.id, c })))];
}

/** One line of counts for the resource-level diff, or undefined when the programs were not compared. */
function resourceLine(diff: FleetDiff): string | undefined {
  if (!diff.resources) return undefined;
  const n = resourceCounts(diff.resources);
  return `resources, base program → head program: ${n.created} created, ${n.deleted} deleted, ${n.replaced} replaced, ${n.changed} updated, ${n.unprotected} unprotected, ${n["secret-moved"]} secrets sent elsewhere, ${n["iam-widened"]} IAM documents allowing more`;
}

/** The findings a person reads: destructive ones (with what accounts for them) and those to review. */
const shownFindings = (diff: FleetDiff): ExplainedFinding[] => (diff.resources ?? []).filter((f) => f.class !== "safe");

function findingText(f: ExplainedFinding): string {
  const who = f.tenant ? ` (tenant ${f.tenant})` : f.vault ? ` (vault ${f.vault})` : "";
  const because =
    f.class === "destructive" ? (f.explainedBy ? `; follows from ${show(f.explainedBy)}, above` : "; the code did it, see (stack) above") : "; review it";
  return `${f.type} ${show(f.name)}${who}: ${f.change}: ${show(f.detail)}${because}`;
}

export function renderDiffText(diff: FleetDiff, meta: DiffMeta): string {
  const lines = [`tenant diff · stack ${meta.stack} · ${meta.file} · against ${meta.base}`, `${counts(diff)} · ${verdict(diff)}`, ""];
  const all = rows(diff);
  const destructive = all.filter((r) => r.c.class === "destructive");
  for (const { who, c } of destructive) {
    const status = c.acknowledgement
      ? `acknowledged: ${show(c.acknowledgement.reason)}`
      : `not acknowledged: add to acknowledgements: { ${who === "(stack)" ? "" : `tenant: ${who}, `}change: ${c.kind}, reason: "..." }`;
    lines.push(`${c.acknowledgement ? "warning" : "error"}: ${who}: ${c.field}: ${show(c.before)} → ${show(c.after)}: ${c.why}; ${status}`);
  }
  for (const { who, c } of all.filter((r) => r.c.class === "review"))
    lines.push(`note: ${who}: ${c.field}: ${show(c.before)} → ${show(c.after)}: ${c.why}; review it`);
  for (const { who, c } of all.filter((r) => r.c.class === "safe")) lines.push(`  ${who}: ${c.field}: ${show(c.before)} → ${show(c.after)} (${c.why})`);
  for (const a of diff.unusedAcknowledgements)
    lines.push(`warning: acknowledgement ${a.tenant ? `${a.tenant}/` : ""}${a.change} matches no change against ${meta.base}; remove it`);
  if (!all.length) lines.push("  no tenant or stack change");
  const counted = resourceLine(diff);
  if (counted) {
    lines.push("", counted);
    for (const f of shownFindings(diff)) lines.push(`  ${f.class === "destructive" ? "destroys" : "review"}: ${findingText(f)}`);
  }
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
  out.push(
    diff.summary.unacknowledged
      ? `> [!CAUTION]\n> ${verdict(diff)}.`
      : diff.summary.destructive
        ? `> [!WARNING]\n> ${verdict(diff)}.`
        : `> [!NOTE]\n> ${verdict(diff)}.`,
  );
  if (destructive.length) {
    out.push("", "#### Destructive changes", "", "| tenant | field | before | after | why | acknowledged |", "|---|---|---|---|---|---|");
    for (const { who, c } of destructive) {
      out.push(
        `| ${mdCell(who)} | ${mdCell(c.field)} | ${mdCell(show(c.before))} | ${mdCell(show(c.after))} | ${mdCell(c.why)} | ${c.acknowledgement ? `yes: ${mdCell(show(c.acknowledgement.reason))}` : "**no**"} |`,
      );
    }
  }
  const review = all.filter((r) => r.c.class === "review");
  if (review.length) {
    out.push("", "#### Changes to review", "", "| tenant | field | before | after | why it matters |", "|---|---|---|---|---|");
    for (const { who, c } of review)
      out.push(`| ${mdCell(who)} | ${mdCell(c.field)} | ${mdCell(show(c.before))} | ${mdCell(show(c.after))} | ${mdCell(c.why)} |`);
  }
  if (safe.length) {
    out.push("", "#### Other changes", "", "| tenant | field | before | after | effect |", "|---|---|---|---|---|");
    for (const { who, c } of safe)
      out.push(`| ${mdCell(who)} | ${mdCell(c.field)} | ${mdCell(show(c.before))} | ${mdCell(show(c.after))} | ${mdCell(c.why)} |`);
  }
  if (diff.unusedAcknowledgements.length) {
    out.push("", "#### Acknowledgements to remove", "");
    for (const a of diff.unusedAcknowledgements) out.push(`- ${mdCell(a.tenant ?? "(stack)")} / ${mdCell(a.change)}: matches no change`);
  }
  if (!all.length) out.push("", "No tenant or stack change.");
  const counted = resourceLine(diff);
  if (counted) {
    out.push("", "<details><summary>What pulumi up would do (the base commit's program against the head's)</summary>", "", mdCell(counted));
    const shown = shownFindings(diff);
    if (shown.length) {
      out.push("", "| class | resource | tenant or vault | change | detail | follows from |", "|---|---|---|---|---|---|");
      for (const f of shown)
        out.push(
          `| ${f.class} | ${mdCell(`${f.type} ${f.name}`)} | ${mdCell(f.tenant ?? (f.vault ? `vault ${f.vault}` : ""))} | ${f.change} | ${mdCell(show(f.detail))} | ${f.class === "destructive" ? mdCell(f.explainedBy ?? "the code (see above)") : ""} |`,
        );
    }
    out.push("", "</details>");
  }
  return `${out.join("\n")}\n`;
}

/**
 * The comment when there is no diff to show: the head's tenants file or settings are
 * invalid, or its program could not be planned. What went wrong is the head's own text
 * (its values, its program's stderr): it is shown fenced and defanged (mdFence), never as
 * Markdown.
 */
export function renderDiffFailureMarkdown(stack: string, message: string): string {
  return [
    `### tenant-fleet: tenant diff for \`${mdCell(stack)}\` could not run`,
    "",
    "> [!CAUTION]",
    "> The change could not be compared with the base: this change must not merge as it is.",
    "",
    mdFence(message),
  ].join("\n");
}

/** `--json`: `{ base, stack, file, passes, summary, tenants, stackChanges, unusedAcknowledgements, resources? }` (`resources`: counts and the findings that are not safe). */
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
    ...(diff.resources ? { resources: { counts: resourceCounts(diff.resources), findings: shownFindings(diff) } } : {}),
  };
}
