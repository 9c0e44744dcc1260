/** `npm run bench -- --api`: the GitHub API budget per fleet size and secret scope, as a table and targets. */
import { GITHUB_LIMITS, minimumMinutes, type Budget } from "./githubApi";

export interface ApiRow {
  readonly tenants: number;
  readonly scope: string;
  /** GitHub types the plan registers that the call table does not know (their calls are not counted). */
  readonly unknown: readonly string[];
  readonly up: Budget;
  readonly addOne: Budget & { readonly filesWritten: number };
  readonly refresh: Budget;
}

function duration(minutes: number): string {
  return minutes < 1 ? `${Math.ceil(minutes * 60)} s` : minutes < 120 ? `${minutes.toFixed(1)} min` : `${(minutes / 60).toFixed(1)} h`;
}

function cell(b: Budget, perHour: number): string {
  const { minutes } = minimumMinutes(b, perHour);
  return duration(minutes);
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

export function renderApi(rows: readonly ApiRow[]): string {
  const out: string[] = [];
  out.push("GitHub API calls of the plans (counts per resource from terraform-provider-github v6.13.0; see src/tools/bench/githubApi.ts)");
  out.push(
    `${pad("tenants", 8)} ${pad("scope", 12)} ${pad("up calls", 9)} ${pad("writes", 7)} ${pad("min PAT", 9)} ${pad("min App", 9)} ${pad("+1 calls", 9)} ${pad("+1 files", 9)} ${pad("refresh", 8)} ${pad("min PAT", 9)}`,
  );
  for (const row of rows) {
    out.push(
      `${pad(row.tenants, 8)} ${pad(row.scope, 12)} ${pad(row.up.reads + row.up.writes, 9)} ${pad(row.up.writes, 7)} ${pad(cell(row.up, GITHUB_LIMITS.personalPerHour), 9)} ${pad(cell(row.up, GITHUB_LIMITS.appPerHour), 9)} ${pad(row.addOne.reads + row.addOne.writes, 9)} ${pad(row.addOne.filesWritten, 9)} ${pad(row.refresh.reads, 8)} ${pad(cell(row.refresh, GITHUB_LIMITS.personalPerHour), 9)}`,
    );
    if (row.unknown.length) out.push(`         not counted (unknown types): ${row.unknown.join(", ")}`);
  }
  out.push("");
  out.push("per type, largest size, fresh up:");
  const last = rows[rows.length - 1];
  for (const [type, t] of Object.entries(last.up.byType).sort())
    out.push(`  ${type.replace(/^github:index\//, "")}: ${t.resources} resources, ${t.reads} reads, ${t.writes} writes`);
  const bound = minimumMinutes(last.up, GITHUB_LIMITS.personalPerHour).bound;
  out.push(`  least wall-clock bound by: ${bound}`);
  out.push("");
  out.push("targets:");
  const thousand = rows.find((r) => r.tenants === 1000 && r.scope === "region");
  const upCalls = thousand ? thousand.up.reads + thousand.up.writes : undefined;
  if (upCalls === undefined) out.push("  (no 1,000-tenant region-scope row: add 1000 to --sizes for the target)");
  else
    out.push(
      `  ${upCalls < 200 ? "met   " : "missed"} GitHub API calls to create a 1,000-tenant fleet in region scope under 200: ${upCalls.toLocaleString("en")}`,
    );
  const files = Math.max(...rows.map((r) => r.addOne.filesWritten));
  out.push(`  ${files <= 1 ? "met   " : "missed"} files written when one tenant is added: 1 (largest here: ${files})`);
  return `${out.join("\n")}\n`;
}
