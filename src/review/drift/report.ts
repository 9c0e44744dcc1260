/**
 * The drift issue's body and the run's summary for one stack: the classified differences of
 * the preview (classify.ts), then what Neon reports beside the tenants file (the observed
 * residency check and the projects no stack declares, from `npm run regions -- --observe
 * --format json`). Pure. The body stays under GitHub's limit for an issue body with the
 * alert issues' bound (ISSUE_LIST_CHARS).
 */
import { defang, mdFence } from "../../core/escape";
import { ISSUE_LIST_CHARS } from "../../plan/workflows/alertScript";
import type { Observation } from "../observed";
import type { Classification, Difference } from "./classify";

export interface DriftNight {
  readonly stack: string;
  /** The preview's classification; undefined when the preview could not compare (its error instead). */
  readonly preview?: Classification;
  readonly previewError?: string;
  /** The regions check; undefined when it did not run, with its error. */
  readonly observed?: Observation;
  readonly observedError?: string;
}

/** Whether a night found nothing: the preview compared with no difference and Neon agrees with the file. */
export function nightIsClean(n: DriftNight): boolean {
  return !!n.preview?.clean && !n.previewError && !!n.observed?.held && !n.observedError;
}

// eslint-disable-next-line no-control-regex -- someone else's names: control characters are what this blanks
const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/[\u0000-\u001f\u007f]/g, " ")}\``;

function differenceLine(d: Difference): string {
  const props = d.properties.length ? ` (${d.properties.map(code).join(", ")})` : "";
  return `- **${d.op}** ${code(d.type)} ${code(d.name)}${props}: ${d.why}`;
}

function observedLines(o: Observation): string[] {
  const lines: string[] = [];
  for (const r of o.rows.filter((x) => x.status !== "as declared" || x.projects.some((p) => !p.inResidency))) {
    const where = r.projects.map((p) => `${code(p.id)} in ${p.region}${p.inResidency ? "" : ` (outside ${r.residency})`}`).join(", ");
    lines.push(`- tenant ${code(r.tenant)}: ${r.status}; declared ${r.declaredRegion}${where ? `; Neon: ${where}` : ""}`);
  }
  for (const u of o.unowned) lines.push(`- project ${code(u.id)} ${code(u.name)} in ${code(u.region_id)}: ${defang(u.why)}`);
  return lines;
}

/** Cuts a list of lines to `max` characters, saying how many were left out. */
function bounded(lines: readonly string[], max: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [i, l] of lines.entries()) {
    if (used + l.length + 1 > max) return [...out, `- and ${lines.length - i} more: the run's drift-<stack> artifact has them all (drift.json)`];
    out.push(l);
    used += l.length + 1;
  }
  return out;
}

/** The issue body (and the run's summary) for one stack's night. */
export function driftMarkdown(n: DriftNight, runUrl: string): string {
  const parts: string[] = [`Drift of stack ${code(n.stack)}, found by [this run](${runUrl}).`, ""];
  const budget = Math.floor(ISSUE_LIST_CHARS / 2);
  if (n.preview) {
    const lose = n.preview.differences.filter((d) => d.class === "loses data");
    const revert = n.preview.differences.filter((d) => d.class === "reverts");
    parts.push(`### \`pulumi preview --refresh\`: ${n.preview.losesData} would lose data if reverted, ${n.preview.reverts} the next up reverts`, "");
    if (lose.length)
      parts.push(
        "**Would lose data if reverted.** Do not run `pulumi up` on this stack until a person has decided each:",
        "",
        ...bounded(lose.map(differenceLine), budget / 2),
        "",
      );
    if (revert.length)
      parts.push(
        "**The next `pulumi up` reverts these** (harmless: it puts back what the stack declares):",
        "",
        ...bounded(revert.map(differenceLine), budget / 2),
        "",
      );
    if (!lose.length && !revert.length) parts.push("No difference.", "");
  } else parts.push("### `pulumi preview --refresh`: could not compare", "", mdFence(n.previewError ?? "it did not run"), "");
  if (n.observed) {
    const lines = observedLines(n.observed);
    parts.push(`### Neon beside the tenants file: ${lines.length ? `${lines.length} finding(s)` : "as declared"}`, "");
    if (lines.length) parts.push(...bounded(lines, budget), "");
  } else parts.push("### Neon beside the tenants file: could not compare", "", mdFence(n.observedError ?? "it did not run"), "");
  parts.push("This issue is updated each night the stack drifts and closes itself after a night that finds nothing.");
  return `${parts.join("\n")}\n`;
}
