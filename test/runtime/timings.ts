/** Per-tenant step times the runtime suite measured, kept in reports/runtime-timings.json. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const FILE = path.resolve(__dirname, "..", "..", "reports", "runtime-timings.json");

export function recordTiming(label: string, figures: Record<string, number>): void {
  mkdirSync(path.dirname(FILE), { recursive: true });
  const all = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, "utf8")) as Record<string, unknown>) : {};
  all[label] = { ...figures, at: new Date().toISOString() };
  writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
}

/** The "timings (ms): a 1, b 2" line a backup or drill step prints, as seconds by name. */
export function stepTimings(log: string): Record<string, number> {
  const line = log.split("\n").find((l) => l.startsWith("timings (ms): "));
  if (!line) throw new Error("the step printed no timings line");
  return Object.fromEntries(
    line
      .slice("timings (ms): ".length)
      .split(", ")
      .map((part) => {
        const at = part.lastIndexOf(" ");
        return [part.slice(0, at), Number(part.slice(at + 1)) / 1000];
      }),
  );
}
