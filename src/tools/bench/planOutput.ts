/**
 * `npm run bench -- --plan-output`: the plan command's two outputs, human-readable text and
 * --json, timed and weighed on the same synthetic fleet, and judged against the issue's
 * targets: the text within TARGETS.commandRatio of --json at every size, and every plan under
 * the memory a plan may take on a CI runner (src/core/planMemory.ts), or refused before
 * planning when the estimate says it would not fit. Pure, so tested without running anything.
 */
import { maxTenantsWithin, PLAN_MEMORY_BUDGET_MIB, planPeakMiB } from "../../core/planMemory";
import { TARGETS } from "./report";

/** One run of the plan command: wall time of the whole process and its peak resident set. */
export interface PlanRun {
  readonly ms: number;
  readonly peakMiB: number;
  /** The first error line when the command refused the fleet (exit status 1) instead of planning it. */
  readonly refused?: string;
}

export interface PlanOutputRow {
  readonly tenants: number;
  readonly text: PlanRun;
  readonly json: PlanRun;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const mark = (ok: boolean) => (ok ? "met   " : "missed");
const right = (v: string | number, n: number) => String(v).padStart(n);
const gib = (mib: number) => `${(mib / 1024).toFixed(2)} GiB`;

/** The text plan's time over the JSON plan's. */
export function textOverJson(row: PlanOutputRow): number {
  return row.text.ms / row.json.ms;
}

/** The table, the model's estimate beside each size, and each target met or missed. */
export function renderPlanOutput(rows: readonly PlanOutputRow[], budgetMiB: number = PLAN_MEMORY_BUDGET_MIB): string {
  const header = `${right("tenants", 8)} ${right("text s", 8)} ${right("text MiB", 9)} ${right("json s", 8)} ${right("json MiB", 9)} ${right("text÷json", 9)} ${right("model MiB", 9)}`;
  const lines = ["the plan command's outputs (whole process, spawn to exit; peak resident set):", header];
  for (const r of rows) {
    const cells = [r.text, r.json].map((run) => (run.refused ? [right("refused", 8), right("-", 9)] : [right(seconds(run.ms), 8), right(run.peakMiB, 9)]));
    const ratio = r.text.refused || r.json.refused ? "-" : textOverJson(r).toFixed(2);
    lines.push(`${right(r.tenants, 8)} ${cells[0].join(" ")} ${cells[1].join(" ")} ${right(ratio, 9)} ${right(Math.round(planPeakMiB(r.tenants)), 9)}`);
  }
  for (const r of rows)
    for (const [name, run] of [["text", r.text] as const, ["json", r.json] as const])
      if (run.refused) lines.push(`${r.tenants} tenants, ${name}: ${run.refused}`);
  return `${[...lines, ...planOutputTargets(rows, budgetMiB)].join("\n")}\n`;
}

/** The two targets, each with the figures that meet or miss it. */
export function planOutputTargets(rows: readonly PlanOutputRow[], budgetMiB: number = PLAN_MEMORY_BUDGET_MIB): string[] {
  if (rows.length === 0) return [];
  const out = ["targets:"];
  const planned = rows.filter((r) => !r.text.refused && !r.json.refused);
  if (planned.length > 0) {
    const within = planned.every((r) => textOverJson(r) <= TARGETS.commandRatio);
    out.push(
      `  ${mark(within)} text plan within ${TARGETS.commandRatio}× of --json at every size: ${planned.map((r) => `${r.tenants}: ${textOverJson(r).toFixed(2)}×`).join("; ")}`,
    );
  }
  // Each size either plans within the budget, or is refused before planning, and refused only where the model says it would not fit.
  const verdicts = rows.map((r) => {
    const fits = r.tenants <= maxTenantsWithin(budgetMiB);
    const runs = [r.text, r.json];
    if (runs.some((x) => x.refused)) return { ok: !fits && runs.every((x) => x.refused), detail: `${r.tenants}: refused before planning` };
    const peak = Math.max(...runs.map((x) => x.peakMiB));
    return { ok: peak < budgetMiB, detail: `${r.tenants}: ${gib(peak)}` };
  });
  out.push(
    `  ${mark(verdicts.every((v) => v.ok))} every plan under ${gib(budgetMiB)} or refused before planning (at most ${maxTenantsWithin(budgetMiB).toLocaleString("en-US")} tenants a stack): ${verdicts.map((v) => v.detail).join("; ")}`,
  );
  return out;
}
