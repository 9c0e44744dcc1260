/** The auditors' regions report: content, the residency check, and every format with hostile names. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { regionsReport } from "../src/plan/regions";
import { regionsCsv, regionsJson, regionsMarkdown, regionsSvg } from "../src/review/regionsFormat";
import { csvField, mdCell, xmlText } from "../src/core/escape";
import { loadTenantsFile } from "../tenants/load";
import type { Fleet } from "../tenants/model";
import { ROOT, runProgram } from "./program";
import { runInProcess } from "./commands";

// With the prod stack's default Neon snapshots (Pulumi.prod.yaml tenant-fleet:snapshotSchedule), as the stack resolves them.
const PROD_SNAPSHOTS = { default: { frequency: "daily", hour: 2, retentionDays: 7 } } as const;
const sample = loadTenantsFile(path.join(ROOT, "tenants/tenants.yaml"), { snapshots: PROD_SNAPSHOTS }, "tenants/tenants.yaml").fleet!;
const meta = { stack: "prod", file: "tenants/tenants.yaml" };

/** Names no tenants file may hold, to prove the formats hold even if validation were bypassed. */
const HOSTILE = [
  "Pipe | Corp",
  "Line\nBreak",
  "<script>alert(1)</script>",
  '=HYPERLINK("http://x")',
  '"Quoted", Inc',
  "**bold** _it_ `code` [link](x)",
  "+SUM(A1)",
  "-1+1",
  "@cmd",
  "Tab\there",
];
function hostileFleet(): Fleet {
  return { ...sample, tenants: sample.tenants.map((t, i) => ({ ...t, name: HOSTILE[i % HOSTILE.length] })) };
}

/** Minimal RFC 4180 reader, to check that CSV output reads back to the same cells. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return rows;
}

describe("regions report", () => {
  const report = regionsReport(sample);

  it("gives every tenant its residency, database region with city and country, and backup region", () => {
    expect(report.rows.find((r) => r.id === "thames-logistics")).toEqual({
      id: "thames-logistics",
      name: "Thames Logistics Ltd",
      status: "active",
      residency: "GB",
      residencyName: "United Kingdom",
      neonRegion: "aws-eu-west-2",
      city: "London",
      country: "GB",
      backupRegion: "eu-west-2",
      backupCountry: "GB",
      backupSchedule: "17 3 * * *",
      backupRetentionDays: 14,
      backupsEnabled: true,
      pitrHours: 168,
      snapshotSchedule: "daily at 02:00 UTC",
      snapshotRetentionDays: 7,
      databaseInResidency: true,
      backupInResidency: true,
      // No runnerLabels: its jobs run on GitHub-hosted runners (test/processing.test.ts maps some).
      processedOn: "GitHub-hosted (no jurisdiction)",
      processedInResidency: false,
    });
    // Retired: no dumps, and its project takes no Neon snapshots.
    expect(report.rows.find((r) => r.id === "old-mill")).toMatchObject({
      status: "retired",
      backupsEnabled: false,
      snapshotSchedule: "off",
      snapshotRetentionDays: 0,
    });
  });

  it("summarises per jurisdiction and shows that the residency check held", () => {
    expect(report.jurisdictions.map((j) => [j.residency, j.active, j.retired, j.neonRegions.join(" ")])).toEqual([
      ["DE", 1, 0, "aws-eu-central-1"],
      ["EU", 1, 0, "aws-eu-central-1"],
      ["GB", 1, 0, "aws-eu-west-2"],
      ["US", 2, 1, "aws-us-east-1 aws-us-east-2 aws-us-west-2"],
    ]);
    expect(report.check).toEqual({
      tenants: 6,
      outside: [],
      held: true,
      processedOutside: ["acme-corp", "brightwave", "thames-logistics", "northwind", "pacific-health"],
    });
    expect(regionsMarkdown(report, meta)).toContain(
      "Residency check held: all 6 tenants have their database and their backups inside their declared residency.",
    );
  });

  it("flags a tenant outside its residency (which validation makes impossible)", () => {
    const bad: Fleet = { ...sample, tenants: sample.tenants.map((t) => (t.id === "acme-corp" ? { ...t, region: "aws-us-east-2" } : t)) };
    const r = regionsReport(bad);
    expect(r.check).toMatchObject({ tenants: 6, outside: ["acme-corp"], held: false });
    expect(regionsMarkdown(r, meta)).toContain("RESIDENCY VIOLATION: acme-corp has a database or backup region outside the declared residency.");
    expect(regionsSvg(r, meta)).toContain("RESIDENCY VIOLATION: acme-corp");
  });

  it("is the table the stack exports", async () => {
    const run = await runProgram("prod");
    expect(run.outputs.tenants).toEqual(JSON.parse(JSON.stringify(report.rows)));
    expect(run.outputs.residencyCheck).toEqual(report.check);
  });
});

describe("formats stay intact with hostile names", () => {
  const report = regionsReport(hostileFleet());

  it("Markdown: every row keeps its columns and no markup survives", () => {
    const md = regionsMarkdown(report, meta);
    const rows = md
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| tenant") && !l.startsWith("| residency") && /\| (active|retired) \|/.test(l));
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(18);
    expect(md).not.toContain("<script>");
    expect(md).not.toMatch(/\[link\]\(x\)/);
    expect(mdCell("a|b\nc")).toBe("a\\|b c");
  });

  it("CSV: reads back to the same cells, formulas defused", () => {
    const rows = readCsv(regionsCsv(report));
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.length === 18)).toBe(true);
    const names = rows.slice(1).map((r) => r[1]);
    expect(names).toEqual(report.rows.map((r) => (/^[=+\-@\t\r]/.test(r.name) ? `'${r.name}` : r.name)));
    expect(csvField("=1+1")).toBe(`"'=1+1"`);
    expect(csvField('a,"b"')).toBe('"a,""b"""');
  });

  it("JSON: round-trips", () => {
    expect(JSON.parse(regionsJson(report, meta)).rows.map((r: { name: string }) => r.name)).toEqual(report.rows.map((r) => r.name));
  });

  it("SVG: escaped text, no script, balanced tags", () => {
    const svg = regionsSvg(regionsReport({ ...hostileFleet(), tenants: hostileFleet().tenants }), { stack: "<b>&", file: "t.yaml" });
    expect(svg).not.toMatch(/<script|<b>/);
    expect(svg).toContain("&lt;b&gt;&amp;");
    const opened = (svg.match(/<(text|svg|style|title)\b/g) ?? []).length;
    const closed = (svg.match(/<\/(text|svg|style|title)>/g) ?? []).length;
    expect(opened).toBe(closed);
    expect(xmlText(`a"'<>&\u0001`)).toBe("a&quot;&apos;&lt;&gt;&amp;");
  });
});

describe("npm run regions", () => {
  // The command in this process (test/commands.ts); test/cli.test.ts runs regions as a process.
  const regions = (...args: string[]) => runInProcess(path.join(ROOT, "scripts/regions.ts"), args, { cwd: ROOT, env: { INIT_CWD: ROOT } });

  it("prints Markdown by default, and CSV, JSON or SVG on request", async () => {
    expect((await regions()).stdout).toMatch(/^# Tenant data residency: stack prod/);
    expect((await regions("--format", "csv")).stdout.split("\r\n")[0]).toBe(
      "tenant,name,status,declared residency,database region,database city,database country,backup region,backup country,backup schedule (UTC),backup retention (days),PITR window (hours),Neon snapshots (UTC),snapshot retention (days),database in residency,backup in residency,jobs run on,jobs in residency",
    );
    expect(JSON.parse((await regions("--format", "json", "--stack", "dev")).stdout).rows.map((r: { id: string }) => r.id)).toEqual(["dev-eu", "dev-us"]);
    expect((await regions("--format", "svg")).stdout).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it("writes the SVG next to the Markdown and links it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-regions-"));
    const r = await regions("--out", path.join(dir, "residency.md"));
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, "residency.md"), "utf8")).toContain("![Tenants per region and jurisdiction](residency.svg)");
    expect(readFileSync(path.join(dir, "residency.svg"), "utf8")).toContain("residency check held");
  });

  it("refuses a broken tenants file and a bad format", async () => {
    expect((await regions("--tenants", "test/fixtures/broken-tenants.yaml")).code).toBe(1);
    expect(await regions("--format", "pdf")).toMatchObject({ code: 2 });
  });
});
