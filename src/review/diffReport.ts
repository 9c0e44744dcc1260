/** The tenant diff as terminal text, as Markdown for a pull-request comment, and as JSON. */
import type { ExplainedFinding, FieldChange, FleetDiff } from "./diff";
import { resourceCounts } from "./resources";
import { mdCell, mdFence } from "../core/escape";
import { EXAMPLE_REASON } from "../../tenants/schema";
import type { AcknowledgedChange } from "../../tenants/changeKinds";

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

function findingText(f: ExplainedFinding, verbose: boolean): string {
  const who = f.tenant ? ` (tenant ${f.tenant})` : f.vault ? ` (vault ${f.vault})` : "";
  const because =
    f.class === "destructive" ? (f.explainedBy ? `; follows from ${show(f.explainedBy)}, above` : "; the code did it, see (stack) above") : "; review it";
  return `${f.type} ${show(f.name)}${who}: ${f.change}: ${show(verbose ? f.detail : firstClause(f.detail))}${because}`;
}

/** Text output: `verbose` adds each change's whole reason and way out, and lists every resource finding. */
export interface TextOptions {
  readonly verbose?: boolean;
}

/** Reasons up to this length are shown whole on a change's line; longer ones by their first clause (the rest with --verbose). */
const SHORT_REASON = 110;

function firstClause(text: string): string {
  return text.split(/: |; /)[0];
}

const shortWhy = (why: string) => (why.length <= SHORT_REASON ? why : firstClause(why));

/** `file:line:col: ` of a change, when known. */
const prefix = (c: FieldChange) => (c.at ? `${show(c.at.file)}:${c.at.line}:${c.at.col}: ` : "");

/** What the position is, when it is not the changed value itself. */
function placeNote(c: FieldChange): string {
  if (c.at?.side === "base") return " (the line as it was in the base)";
  return c.at?.of === "defaults" ? " (set in defaults)" : c.at?.of === "tier" ? " (set in its tier)" : "";
}

/** The hint to acknowledge a change, with a reason the schema accepts. */
const ackHint = (who: string, c: FieldChange) => `{ ${who === "(stack)" ? "" : `tenant: ${who}, `}change: ${c.kind}, reason: "${EXAMPLE_REASON}" }`;

/** Region and major changes have a way out that keeps the data (a move): it is on their line, the others' with --verbose. */
const MOVES: readonly (string | undefined)[] = ["region", "pgVersion"] satisfies AcknowledgedChange[];

function destructiveLine(who: string, c: FieldChange): string {
  const status = c.acknowledgement
    ? `acknowledged: ${show(c.acknowledgement.reason)}`
    : MOVES.includes(c.kind) && c.instead
      ? `not acknowledged; instead: ${c.instead}; or acknowledge: ${ackHint(who, c)}`
      : `not acknowledged: add to acknowledgements: ${ackHint(who, c)}`;
  return `${prefix(c)}${c.acknowledgement ? "warning" : "error"}: ${who}: ${c.field}: ${show(c.before)} → ${show(c.after)}${placeNote(c)}: ${shortWhy(c.why)}; ${status}`;
}

/** --verbose: a change's whole reason (when its line shows the first clause) and its way out, indented under its line. */
function detailLines(c: FieldChange): string[] {
  return [...(shortWhy(c.why) === c.why ? [] : [`    why: ${c.why}`]), ...(c.instead ? [`    instead: ${c.instead}`] : [])];
}

function resourceLines(diff: FleetDiff, verbose: boolean): string[] {
  const counted = resourceLine(diff);
  if (!counted) return [];
  const shown = shownFindings(diff);
  const lines = ["", counted];
  if (verbose) return [...lines, ...shown.map((f) => `  ${f.class === "destructive" ? "destroys" : "review"}: ${findingText(f, true)}`)];
  const destroys = shown.filter((f) => f.class === "destructive").length;
  if (destroys)
    lines.push(
      `  ${destroys} destructive resource finding${destroys === 1 ? "" : "s"} follow${destroys === 1 ? "s" : ""} from the changes above (--verbose lists them)`,
    );
  return [...lines, ...shown.filter((f) => f.class !== "destructive").map((f) => `  review: ${findingText(f, false)}`)];
}

export function renderDiffText(diff: FleetDiff, meta: DiffMeta, options: TextOptions = {}): string {
  const verbose = options.verbose === true;
  const lines = [`tenant diff · stack ${meta.stack} · ${meta.file} · against ${meta.base}`, `${counts(diff)} · ${verdict(diff)}`, ""];
  const all = rows(diff);
  for (const { who, c } of all.filter((r) => r.c.class === "destructive")) lines.push(destructiveLine(who, c), ...(verbose ? detailLines(c) : []));
  for (const { who, c } of all.filter((r) => r.c.class === "review")) {
    lines.push(`${prefix(c)}note: ${who}: ${c.field}: ${show(c.before)} → ${show(c.after)}${placeNote(c)}: ${verbose ? c.why : shortWhy(c.why)}; review it`);
  }
  for (const { who, c } of all.filter((r) => r.c.class === "safe"))
    lines.push(`  ${prefix(c)}${who}: ${c.field}: ${show(c.before)} → ${show(c.after)}${placeNote(c)} (${verbose ? c.why : shortWhy(c.why)})`);
  for (const a of diff.unusedAcknowledgements)
    lines.push(`warning: acknowledgement ${a.tenant ? `${a.tenant}/` : ""}${a.change} matches no change against ${meta.base}; remove it`);
  if (!all.length) lines.push("  no tenant or stack change");
  lines.push(...resourceLines(diff, verbose));
  return `${lines.join("\n")}\n`;
}

/** The field's cell: its name and line (`region (line 12)`, `tenant (base line 40)`, `backup.retentionDays (defaults, line 9)`). */
function mdField(c: FieldChange): string {
  if (!c.at) return mdCell(c.field);
  const where = c.at.side === "base" ? "base line" : c.at.of === "defaults" ? "defaults, line" : c.at.of === "tier" ? "tier, line" : "line";
  return `${mdCell(c.field)} (${where} ${c.at.line})`;
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
      const no = MOVES.includes(c.kind) && c.instead ? `**no**; instead: ${mdCell(c.instead)}` : "**no**";
      out.push(
        `| ${mdCell(who)} | ${mdField(c)} | ${mdCell(show(c.before))} | ${mdCell(show(c.after))} | ${mdCell(c.why)} | ${c.acknowledgement ? `yes: ${mdCell(show(c.acknowledgement.reason))}` : no} |`,
      );
    }
  }
  const review = all.filter((r) => r.c.class === "review");
  if (review.length) {
    out.push("", "#### Changes to review", "", "| tenant | field | before | after | why it matters |", "|---|---|---|---|---|");
    for (const { who, c } of review) out.push(`| ${mdCell(who)} | ${mdField(c)} | ${mdCell(show(c.before))} | ${mdCell(show(c.after))} | ${mdCell(c.why)} |`);
  }
  if (safe.length) {
    out.push("", "#### Other changes", "", "| tenant | field | before | after | effect |", "|---|---|---|---|---|");
    for (const { who, c } of safe) out.push(`| ${mdCell(who)} | ${mdField(c)} | ${mdCell(show(c.before))} | ${mdCell(show(c.after))} | ${mdCell(c.why)} |`);
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
