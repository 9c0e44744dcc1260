/** Renders an offline run as the plan's JSON document and as text for a terminal. */
import { activeTenants, isActive, type Fleet, type Tenant } from "../../tenants/model";
import type { StackSettings } from "../core/config/settings";
import { placementOf } from "../../tenants/placement";
import { formatProblem, type Problem } from "../core/diagnostics/problems";
import type { OfflineRun, RecordedResource } from "./offline";

export interface PlanDocument {
  readonly stack: string;
  /** The tenants file is a sample fleet, which pulumi up refuses. */
  readonly example: boolean;
  readonly tenants: readonly Tenant[];
  readonly resources: readonly {
    type: string;
    name: string;
    parent: string;
    inputs: Record<string, unknown>;
    options: { protect: boolean; retainOnDelete: boolean; deleteBeforeReplace: boolean; ignoreChanges: readonly string[]; import?: string };
  }[];
  readonly outputs: Record<string, unknown>;
  readonly warnings: readonly string[];
}

export function planDocument(stack: string, fleet: Fleet, _settings: StackSettings, run: OfflineRun, problems: readonly Problem[] = []): PlanDocument {
  return {
    stack,
    example: fleet.example,
    tenants: fleet.tenants,
    // By URN, not registration order: registrations that wait on an output interleave
    // differently from run to run, and two plans must compare line by line.
    resources: [...run.resources]
      .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
      .map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent,
        inputs: r.inputs,
        options: { ...r.options },
      })),
    outputs: run.outputs,
    warnings: problems.filter((p) => p.severity === "warning").map(formatProblem),
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function flags(r: RecordedResource): string {
  const f: string[] = [];
  if (r.options.protect) f.push("protected");
  if (r.options.retainOnDelete) f.push("retained on delete");
  if (r.options.ignoreChanges.length) f.push(`ignores ${r.options.ignoreChanges.join(", ")}`);
  if (r.options.import) f.push(`imports ${r.options.import}`);
  return f.length ? `  [${f.join("; ")}]` : "";
}

function tree(resources: readonly RecordedResource[], parentUrn: string, depth: number, out: string[]): void {
  for (const r of resources.filter((x) => x.parentUrn === parentUrn)) {
    out.push(`${"  ".repeat(depth)}${r.type}  ${r.name}${flags(r)}`);
    tree(resources, r.urn, depth + 1, out);
  }
}

export function renderPlanText(stack: string, fleet: Fleet, settings: StackSettings, run: OfflineRun): string {
  const active = activeTenants(fleet).length;
  const lines: string[] = [];
  lines.push(`tenant-fleet plan · stack ${stack} · ${fleet.file} (offline, mock runtime: nothing is created)`);
  if (fleet.example) lines.push("sample fleet (example: true): pulumi up refuses it until its tenants are yours and the line is removed");
  lines.push(
    `${fleet.tenants.length} tenant${fleet.tenants.length === 1 ? "" : "s"}: ${active} active, ${fleet.tenants.length - active} retired · secret scope ${settings.secretScope} · protection ${settings.protect ? "on" : "off"} · GitHub ${settings.github.owner}/${settings.github.repository}@${settings.github.branch}`,
  );
  lines.push("");
  lines.push("Tenants");
  const idWidth = Math.max(...fleet.tenants.map((t) => t.id.length), 2) + 2;
  for (const t of fleet.tenants) {
    const r = placementOf(t).database;
    const backup = !isActive(t) ? "no backups (retired)" : t.backup.enabled ? `backup "${t.backup.schedule}" kept ${t.backup.retentionDays}d` : "backups off";
    lines.push(
      `  ${pad(t.id, idWidth)}${pad(t.status, 8)} ${pad(`${t.region} (${r.city}, ${r.country})`, 38)} residency ${pad(t.residency, 3)} pg${t.pgVersion}  PITR ${t.historyRetentionHours}h  ${t.compute.minCu}–${t.compute.maxCu} CU  ${backup}`,
    );
  }
  lines.push("");
  const top = run.resources.filter((r) => !run.resources.some((p) => p.urn === r.parentUrn));
  lines.push(`Resources (${run.resources.length} registrations)`);
  const out: string[] = [];
  for (const root of top) {
    out.push(`  ${root.type}  ${root.name}${flags(root)}`);
    tree(run.resources, root.urn, 2, out);
  }
  lines.push(...(out.length ? out : ["  (none)"]));
  lines.push("");
  const outputs = Object.keys(run.outputs);
  lines.push(`Stack outputs: ${outputs.join(", ") || "(none)"}`);
  return `${lines.join("\n")}\n`;
}
