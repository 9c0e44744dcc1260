/** The regions report as Markdown, CSV, JSON and an SVG picture (no network, no browser). */
import type { RegionsReport, RegionRow } from "../plan/regions";
import { csvRow, mdCell, xmlText } from "../core/escape";
import { isActive } from "../../tenants/model";

export interface ReportMeta {
  readonly stack: string;
  readonly file: string;
}

const COLUMNS: readonly [keyof RegionRow, string][] = [
  ["id", "tenant"],
  ["name", "name"],
  ["status", "status"],
  ["residency", "declared residency"],
  ["neonRegion", "database region"],
  ["city", "database city"],
  ["country", "database country"],
  ["backupRegion", "backup region"],
  ["backupCountry", "backup country"],
  ["backupSchedule", "backup schedule (UTC)"],
  ["backupRetentionDays", "backup retention (days)"],
  ["pitrHours", "PITR window (hours)"],
  ["snapshotSchedule", "Neon snapshots (UTC)"],
  ["snapshotRetentionDays", "snapshot retention (days)"],
  ["databaseInResidency", "database in residency"],
  ["backupInResidency", "backup in residency"],
  ["processedOn", "jobs run on"],
  ["processedInResidency", "jobs in residency"],
];

function checkLine(report: RegionsReport): string {
  const processing = report.check.processedOutside.length
    ? ` Processing: the jobs that hold the data of ${report.check.processedOutside.length} active tenant(s) run on GitHub-hosted runners, which are in no tenant's jurisdiction (map runners with tenant-fleet:runnerLabels).`
    : "";
  return (
    (report.check.held
      ? `Residency check held: all ${report.check.tenants} tenants have their database and their backups inside their declared residency.`
      : `RESIDENCY VIOLATION: ${report.check.outside.join(", ")} ${report.check.outside.length === 1 ? "has" : "have"} a database or backup region outside the declared residency.`) +
    processing
  );
}

export function regionsMarkdown(report: RegionsReport, meta: ReportMeta, svgFile?: string): string {
  const out = [`# Tenant data residency: stack ${mdCell(meta.stack)}`, "", `Source: ${mdCell(meta.file)}. ${checkLine(report)}`, ""];
  if (svgFile) out.push(`![Tenants per region and jurisdiction](${encodeURI(svgFile)})`, "");
  out.push("## Per jurisdiction", "", "| residency | | active | retired | database regions | backup regions |", "|---|---|---|---|---|---|");
  for (const j of report.jurisdictions)
    out.push(
      `| ${mdCell(j.residency)} | ${mdCell(j.name)} | ${j.active} | ${j.retired} | ${mdCell(j.neonRegions.join(", "))} | ${mdCell(j.backupRegions.join(", "))} |`,
    );
  out.push("", "## Per tenant", "", `| ${COLUMNS.map(([, h]) => h).join(" | ")} |`, `|${COLUMNS.map(() => "---").join("|")}|`);
  for (const r of report.rows) {
    out.push(`| ${COLUMNS.map(([k]) => (typeof r[k] === "boolean" ? (r[k] ? "yes" : "**NO**") : mdCell(r[k]))).join(" | ")} |`);
  }
  return `${out.join("\n")}\n`;
}

export function regionsCsv(report: RegionsReport): string {
  return `${[csvRow(COLUMNS.map(([, h]) => h)), ...report.rows.map((r) => csvRow(COLUMNS.map(([k]) => r[k])))].join("\r\n")}\r\n`;
}

export function regionsJson(report: RegionsReport, meta: ReportMeta): string {
  return `${JSON.stringify({ ...meta, ...report }, null, 2)}\n`;
}

/** Bars of tenants per database region, grouped by jurisdiction; active and retired stacked. */
export function regionsSvg(report: RegionsReport, meta: ReportMeta): string {
  const width = 760;
  const left = 250;
  const barMax = width - left - 60;
  const rowH = 26;
  const groups = report.jurisdictions.map((j) => ({
    j,
    bars: j.neonRegions.map((region) => {
      const rows = report.rows.filter((r) => r.residency === j.residency && r.neonRegion === region);
      return {
        region,
        city: rows[0]?.city ?? "",
        active: rows.filter(isActive).length,
        retired: rows.filter((r) => r.status === "retired").length,
      };
    }),
  }));
  const most = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.active + b.retired)));
  const parts: string[] = [];
  let y = 70;
  for (const g of groups) {
    parts.push(`<text x="16" y="${y + 16}" class="group">${xmlText(`${g.j.residency} · ${g.j.name}`)}</text>`);
    y += rowH;
    for (const b of g.bars) {
      const wa = Math.round((b.active / most) * barMax);
      const wr = Math.round((b.retired / most) * barMax);
      parts.push(`<text x="32" y="${y + 16}" class="label">${xmlText(`${b.region} (${b.city})`)}</text>`);
      if (wa) parts.push(`<rect x="${left}" y="${y + 4}" width="${wa}" height="16" class="active"><title>${xmlText(`${b.active} active`)}</title></rect>`);
      if (wr)
        parts.push(`<rect x="${left + wa}" y="${y + 4}" width="${wr}" height="16" class="retired"><title>${xmlText(`${b.retired} retired`)}</title></rect>`);
      parts.push(`<text x="${left + wa + wr + 8}" y="${y + 16}" class="count">${b.active + b.retired}</text>`);
      y += rowH;
    }
    y += 8;
  }
  const height = y + 40;
  const status = report.check.held ? "residency check held" : `RESIDENCY VIOLATION: ${report.check.outside.join(", ")}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xmlText(`Tenants per region, stack ${meta.stack}`)}">`,
    "<style>text{font-family:system-ui,sans-serif;font-size:13px;fill:#1f2328}.title{font-size:17px;font-weight:600}.group{font-weight:600}.count{fill:#57606a}.active{fill:#2f81f7}.retired{fill:#afb8c1}.ok{fill:#1a7f37}.bad{fill:#cf222e;font-weight:600}</style>",
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="28" class="title">${xmlText(`Tenants per region and jurisdiction · stack ${meta.stack}`)}</text>`,
    `<text x="16" y="50" class="${report.check.held ? "ok" : "bad"}">${xmlText(`${report.check.tenants} tenants · ${status} · ${meta.file}`)}</text>`,
    ...parts,
    `<rect x="16" y="${height - 26}" width="12" height="12" class="active"/><text x="34" y="${height - 16}">active</text>`,
    `<rect x="96" y="${height - 26}" width="12" height="12" class="retired"/><text x="114" y="${height - 16}">retired</text>`,
    "</svg>",
    "",
  ].join("\n");
}
