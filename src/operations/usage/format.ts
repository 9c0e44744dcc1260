/**
 * The usage report's document and its three renderings: a Markdown table (terminal, default),
 * CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled;
 * a cell a spreadsheet would run as a formula defused, src/core/escape.ts) and JSON (the
 * document itself, shape versioned by `version`; docs/usage.md describes it).
 */
import { describeSnapshots } from "../../../tenants/snapshots";
import { csvRow, mdCell, mdText } from "../../core/escape";
import { PRICE_UNITS, PUBLISHED_PRICES, type PricePlan, type PriceUnit, type UsagePrices } from "../../core/usagePrices";
import { FAR_UNDER_FRACTION, round, sumCost, sumUsage, type Cost, type Declared, type Usage, type UsageRow } from "./report";
import type { UsageWindow } from "./window";

/** The JSON document's shape version: raised on any change that is not an added field. */
export const USAGE_JSON_VERSION = 1;
export const FORMATS = ["md", "csv", "json"] as const;
export type Format = (typeof FORMATS)[number];

export interface UsageCalls {
  /** GET /projects pages (finding the tenants' projects by name). */
  readonly listing: number;
  /** GET /consumption_history/v2/projects calls. */
  readonly consumption: number;
  /** Calls repeated after 429/423/503. */
  readonly retries: number;
  readonly waitedSeconds: number;
}

export interface UsageDocument {
  readonly version: typeof USAGE_JSON_VERSION;
  readonly stack: string;
  readonly org: string;
  readonly window: UsageWindow;
  readonly pricePlan?: string;
  /** Undefined: some unit has no price (pricesMissing), so no costs. */
  readonly prices?: UsagePrices;
  readonly pricesMissing: readonly PriceUnit[];
  readonly farUnderFraction: number;
  readonly tenants: readonly UsageRow[];
  readonly totals: { readonly usage: Usage; readonly cost?: Cost };
  readonly flagged: number;
  readonly calls: UsageCalls;
}

export function usageDocument(parts: Omit<UsageDocument, "version" | "totals" | "flagged" | "farUnderFraction">): UsageDocument {
  const costs = parts.tenants.flatMap((r) => (r.cost ? [r.cost] : []));
  return {
    version: USAGE_JSON_VERSION,
    ...parts,
    farUnderFraction: FAR_UNDER_FRACTION,
    totals: { usage: sumUsage(parts.tenants.flatMap((r) => (r.usage ? [r.usage] : []))), ...(parts.prices ? { cost: sumCost(costs) } : {}) },
    flagged: parts.tenants.filter((r) => r.flags.length).length,
  };
}

/** Figures to 6 decimals and money to 4 in the JSON document: the float noise of the sums removed. */
function rounded<T extends object>(o: T, digits: number): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "number" ? round(v, digits) : v])) as T;
}

export function renderJson(d: UsageDocument): string {
  const doc = {
    ...d,
    tenants: d.tenants.map((r) => ({
      ...r,
      ...(r.usage ? { usage: rounded(r.usage, 6) } : {}),
      ...(r.cost ? { cost: rounded(r.cost, 4) } : {}),
      ...(r.averageCu !== undefined ? { averageCu: round(r.averageCu, 6) } : {}),
    })),
    totals: { usage: rounded(d.totals.usage, 6), ...(d.totals.cost ? { cost: rounded(d.totals.cost, 4) } : {}) },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const fig = (x: number | undefined, digits = 2) => (x === undefined ? "" : round(x, digits).toFixed(digits));

export function computeText(c: Declared["compute"]): string {
  const suspend =
    c.suspendAfterSeconds === -1
      ? "never suspends"
      : c.suspendAfterSeconds === 0
        ? "suspends after Neon's default"
        : `suspends after ${c.suspendAfterSeconds} s`;
  return `${c.minCu}–${c.maxCu} CU, ${suspend}`;
}

/** The quotas Neon's consumption v2 can check (compute, transfer) and the others, marked. */
export function quotaText(q: Declared["quota"]): string {
  const parts = [
    q.computeTimeHours ? `compute ${q.computeTimeHours} h` : "",
    q.dataTransferGiB ? `transfer ${q.dataTransferGiB} GiB` : "",
    q.activeTimeHours ? `active ${q.activeTimeHours} h (unchecked)` : "",
    q.writtenDataGiB ? `written ${q.writtenDataGiB} GiB (unchecked)` : "",
    q.logicalSizeGiB ? `size ${q.logicalSizeGiB} GiB (unchecked)` : "",
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : "none";
}

export function layersText(l: Declared["layers"]): string {
  const snap = l.snapshots === undefined ? [] : [`snapshots ${describeSnapshots(l.snapshots)}`];
  return [l.pitrHours ? `PITR ${l.pitrHours} h` : "no PITR", l.dumps ? `dumps ${l.dumps.schedule}, kept ${l.dumps.retentionDays} d` : "no dumps", ...snap].join(
    "; ",
  );
}

const flagsText = (r: UsageRow) => r.flags.map((f) => `${f.kind}: ${f.detail}`).join("; ");

/** Where the prices come from: a published list, the units set over it, or why there are none. */
export function pricesLine(d: UsageDocument): string {
  if (!d.prices)
    return `No costs: no price for ${d.pricesMissing.join(", ")}; set tenant-fleet:usagePricePlan (launch or scale) or tenant-fleet:usagePrices (docs/usage.md).`;
  const published = d.pricePlan ? PUBLISHED_PRICES[d.pricePlan as PricePlan] : undefined;
  const set = PRICE_UNITS.filter((u) => !published || published[u] !== d.prices![u]);
  const own = set.map((u) => `${u} ${d.prices![u]}`).join(", ");
  const source = published ? `Neon's published ${d.pricePlan} rates${set.length ? `, with usagePrices ${own}` : ""}` : `usagePrices ${own}`;
  return `Prices (US dollars): ${source}; public transfer is priced without the organisation's included allowance.`;
}

export function renderMarkdown(d: UsageDocument): string {
  const w = d.window;
  const head = [
    `Neon usage of stack ${d.stack} (${d.org}), ${w.month}${w.complete ? "" : ` to date (${round(w.hoursElapsed, 1)} h)`}: ${d.tenants.length} tenant(s), ${d.flagged} flagged.`,
    pricesLine(d),
    "",
  ];
  const cols = [
    "tenant",
    "status",
    "CU-h",
    "avg CU",
    "storage GB-mo",
    "PITR GB-mo",
    "snapshots GB-mo",
    "transfer GB",
    "cost $",
    "declared compute",
    "quota",
    "backup layers",
    "flags",
  ];
  const rows = d.tenants.map((r) => {
    const u = r.usage;
    return [
      mdCell(`${r.id} (${r.name})`),
      r.status,
      fig(u?.computeCuHours),
      fig(r.averageCu, 3),
      fig(u && u.rootGbMonths + u.childGbMonths, 3),
      fig(u?.instantRestoreGbMonths, 3),
      fig(u?.snapshotGbMonths, 3),
      fig(u && u.publicTransferGb + u.privateTransferGb, 3),
      fig(r.cost?.total),
      mdText(computeText(r.declared.compute)),
      mdText(quotaText(r.declared.quota)),
      mdText(layersText(r.declared.layers)),
      mdCell(flagsText(r)),
    ];
  });
  const t = d.totals;
  rows.push([
    "**total**",
    "",
    fig(t.usage.computeCuHours),
    "",
    fig(t.usage.rootGbMonths + t.usage.childGbMonths, 3),
    fig(t.usage.instantRestoreGbMonths, 3),
    fig(t.usage.snapshotGbMonths, 3),
    fig(t.usage.publicTransferGb + t.usage.privateTransferGb, 3),
    fig(t.cost?.total),
    "",
    "",
    "",
    "",
  ]);
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return `${[...head, line(cols), line(cols.map(() => "---")), ...rows.map(line)].join("\n")}\n`;
}

export const CSV_COLUMNS = [
  "tenant",
  "name",
  "status",
  "region",
  "project_ids",
  "cu_hours",
  "average_cu",
  "root_gb_months",
  "child_gb_months",
  "pitr_gb_months",
  "snapshot_gb_months",
  "public_transfer_gb",
  "private_transfer_gb",
  "cost_compute",
  "cost_storage",
  "cost_pitr",
  "cost_snapshots",
  "cost_transfer",
  "cost_total",
  "min_cu",
  "max_cu",
  "suspend_after_seconds",
  "quota",
  "backup_layers",
  "flags",
] as const;

export function renderCsv(d: UsageDocument): string {
  const n = (x: number | undefined, digits: number) => (x === undefined ? "" : String(round(x, digits)));
  const rows = d.tenants.map((r) => {
    const u = r.usage;
    const c = r.cost;
    return csvRow([
      r.id,
      r.name,
      r.status,
      r.region,
      r.projectIds.join(" "),
      n(u?.computeCuHours, 6),
      n(r.averageCu, 6),
      n(u?.rootGbMonths, 6),
      n(u?.childGbMonths, 6),
      n(u?.instantRestoreGbMonths, 6),
      n(u?.snapshotGbMonths, 6),
      n(u?.publicTransferGb, 6),
      n(u?.privateTransferGb, 6),
      n(c?.compute, 4),
      n(c?.storage, 4),
      n(c?.instantRestore, 4),
      n(c?.snapshots, 4),
      n(c?.transfer, 4),
      n(c?.total, 4),
      r.declared.compute.minCu,
      r.declared.compute.maxCu,
      r.declared.compute.suspendAfterSeconds,
      quotaText(r.declared.quota),
      layersText(r.declared.layers),
      flagsText(r),
    ]);
  });
  return `${[csvRow(CSV_COLUMNS), ...rows].join("\r\n")}\r\n`;
}

export function render(d: UsageDocument, format: Format): string {
  return format === "json" ? renderJson(d) : format === "csv" ? renderCsv(d) : renderMarkdown(d);
}
