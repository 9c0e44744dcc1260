/** Per-tenant step times the runtime suite measured, kept in reports/runtime-timings.json. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const FILE = path.resolve(__dirname, "..", "reports", "runtime-timings.json");

export function recordTiming(label: string, figures: Record<string, number>): void {
  mkdirSync(path.dirname(FILE), { recursive: true });
  const all = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, "utf8")) as Record<string, unknown>) : {};
  all[label] = { ...figures, at: new Date().toISOString() };
  writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
}
