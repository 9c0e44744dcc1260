/**
 * The benchmark's arithmetic and table: medians of repeated runs, the ratios to both
 * floors, growth per 1,000 tenants and the issue's targets checked against the figures.
 * Pure, so tested without running anything.
 */

export type Mode = "program" | "sdk" | "floor";

/** One measurement, as bench-child prints it. */
export interface Sample {
  readonly mode: Mode;
  readonly count: number;
  readonly scope: string;
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly registrations: number;
  /** Promises created during the run, when the parent asked for them to be counted. */
  readonly promises?: number;
  /** Wall time of the whole process, from spawn to exit (the parent measures it). */
  readonly processMs?: number;
}

/** Median time and peak memory of repeated samples of one mode. */
export interface Measured {
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly registrations: number;
  readonly runsMs: readonly number[];
  /** Median wall time of the whole process, where measured. */
  readonly processMs?: number;
}

export interface Row {
  readonly tenants: number;
  readonly scope: string;
  readonly ours: Measured;
  /** The SDK floor: the same registrations replayed with the same SDK classes. */
  readonly sdk: Measured;
  /** The plain floor: as many three-property resources. */
  readonly floor: Measured;
  /** Promises each program created, counted in separate untimed runs (`--promises`). */
  readonly promises?: { readonly ours: number; readonly sdk: number; readonly floor: number };
  /** Wall times (ms) of the commands users run on the same fleet: `npm run plan` and `npm run plan -- --json`. */
  readonly commands?: { readonly plan: readonly number[]; readonly planJson: readonly number[] };
}

/** The figures the benchmark judges itself against. */
export const TARGETS = {
  ratio: 1.3,
  repositoryRegistrationsPerTenant: 3,
  thousandTenantsMs: 5000,
  /** The plan command against the program's own process, and its ceiling at 1,000 tenants. */
  commandRatio: 1.3,
  thousandTenantsCommandMs: 10_000,
} as const;

/** The median (the upper one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The median of the times (the upper one of an even count) and the largest peak RSS. */
export function summarise(samples: readonly Sample[]): Measured {
  if (samples.length === 0) throw new Error("summarise: no samples");
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    ms: times[Math.floor(times.length / 2)],
    maxRssMiB: Math.max(...samples.map((s) => s.maxRssMiB)),
    registrations: samples[0].registrations,
    runsMs: samples.map((s) => s.ms),
    ...(samples.every((s) => s.processMs !== undefined) ? { processMs: median(samples.map((s) => s.processMs!)) } : {}),
  };
}

function byTenants(rows: readonly Row[], scope: string): Row[] {
  return rows.filter((r) => r.scope === scope).sort((a, b) => a.tenants - b.tenants);
}

/** Registrations that do not grow with tenants (vaults, role, providers, files), from the two smallest runs of one scope. */
export function fixedRegistrations(rows: readonly Row[], scope = "environment"): number | undefined {
  const env = byTenants(rows, scope);
  if (env.length < 2) return undefined;
  const slope = (env[1].ours.registrations - env[0].ours.registrations) / (env[1].tenants - env[0].tenants);
  return Math.round(env[0].ours.registrations - slope * env[0].tenants);
}

/** Registrations per tenant of a row, net of the fixed ones (the environment scope's, which the repository scope shares). */
export function perTenant(row: Row, fixed: number | undefined): number | undefined {
  return fixed === undefined ? undefined : (row.ours.registrations - fixed) / row.tenants;
}

function pad(v: string | number, n: number): string {
  const s = String(v);
  return s.length >= n ? s : " ".repeat(n - s.length) + s;
}

/** Right-aligned columns: the header line, then one line per row of cells. */
function columns(header: readonly (readonly [string, number])[], rows: readonly (readonly (string | number)[])[]): string[] {
  return [header.map(([h, n]) => pad(h, n)).join(" "), ...rows.map((cells) => cells.map((c, i) => pad(c, header[i][1])).join(" "))];
}

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** The printed report: one line per size, growth between sizes, then the targets. */
export function renderBench(rows: readonly Row[], failed: readonly string[]): string {
  const header: [string, number][] = [
    ["tenants", 8],
    ["secrets", 11],
    ["regs", 6],
    ["/tenant", 7],
    ["ours s", 7],
    ["sdk s", 6],
    ["×sdk", 5],
    ["plain s", 7],
    ["×plain", 6],
    ["ours MiB", 8],
    ["sdk MiB", 7],
    ["×sdk", 5],
    ["plain MiB", 9],
    ["×plain", 6],
  ];
  const fixed = fixedRegistrations(rows);
  const lines = columns(
    header,
    rows.map((r) => {
      const per = perTenant(r, fixed);
      return [
        r.tenants,
        r.scope,
        r.ours.registrations,
        per === undefined ? "n/a" : per.toFixed(2),
        seconds(r.ours.ms),
        seconds(r.sdk.ms),
        ratio(r.ours.ms, r.sdk.ms),
        seconds(r.floor.ms),
        ratio(r.ours.ms, r.floor.ms),
        r.ours.maxRssMiB,
        r.sdk.maxRssMiB,
        ratio(r.ours.maxRssMiB, r.sdk.maxRssMiB),
        r.floor.maxRssMiB,
        ratio(r.ours.maxRssMiB, r.floor.maxRssMiB),
      ];
    }),
  );
  const env = byTenants(rows, "environment");
  for (let i = 1; i < env.length; i++) {
    const [a, b] = [env[i - 1], env[i]];
    const per = (x: number, y: number) => ((y - x) / (b.tenants - a.tenants)) * 1000;
    lines.push(
      `growth ${a.tenants}→${b.tenants}, per 1,000 more tenants: ours ${seconds(per(a.ours.ms, b.ours.ms))} s and ${per(a.ours.maxRssMiB, b.ours.maxRssMiB).toFixed(0)} MiB, ` +
        `SDK floor ${seconds(per(a.sdk.ms, b.sdk.ms))} s and ${per(a.sdk.maxRssMiB, b.sdk.maxRssMiB).toFixed(0)} MiB`,
    );
  }
  lines.push(...promiseLines(rows), ...commandLines(rows), ...failed, ...targetLines(rows, failed));
  return `${lines.join("\n")}\n`;
}

/**
 * The commands users run, beside the program: whole processes, from spawn to exit, on the
 * same synthetic fleet (the plan command with the prod stack's settings).
 */
export function commandLines(rows: readonly Row[]): string[] {
  const measured = rows.filter((r) => r.commands && r.ours.processMs !== undefined);
  if (measured.length === 0) return [];
  const header: [string, number][] = [
    ["tenants", 8],
    ["secrets", 11],
    ["program s", 9],
    ["plan s", 7],
    ["×program", 8],
    ["plan --json s", 13],
    ["×program", 8],
  ];
  const cells = measured.map((r) => {
    const [program, plan, json] = [r.ours.processMs!, median(r.commands!.plan), median(r.commands!.planJson)];
    return [r.tenants, r.scope, seconds(program), seconds(plan), ratio(plan, program), seconds(json), ratio(json, program)];
  });
  return ["the commands users run (whole process, spawn to exit):", ...columns(header, cells)];
}

/** Promises created per program, where counted: the same work on any machine, any day. */
export function promiseLines(rows: readonly Row[]): string[] {
  const counted = rows.filter((r) => r.promises);
  if (counted.length === 0) return [];
  const header: [string, number][] = [
    ["tenants", 8],
    ["secrets", 11],
    ["ours", 10],
    ["sdk", 10],
    ["×sdk", 5],
    ["plain", 10],
    ["×plain", 6],
    ["ours-sdk/tenant", 15],
  ];
  const cells = counted.map((r) => {
    const p = r.promises!;
    return [r.tenants, r.scope, p.ours, p.sdk, ratio(p.ours, p.sdk), p.floor, ratio(p.ours, p.floor), ((p.ours - p.sdk) / r.tenants).toFixed(0)];
  });
  return ["promises created (one untimed run each):", ...columns(header, cells)];
}

/** Each target of the issue with the figure that meets or misses it. */
export function targetLines(rows: readonly Row[], failed: readonly string[]): string[] {
  const mark = (ok: boolean) => (ok ? "met   " : "missed");
  const out = ["targets:"];
  const env = byTenants(rows, "environment");
  // The ratios are about scale: judged at every size from 1,000 tenants (fixed costs such
  // as loading modules dominate below), or at the largest size when none is that big.
  const atScale = env.filter((r) => r.tenants >= 1000);
  const judged = atScale.length > 0 ? atScale : env.slice(-1);
  if (judged.length > 0) {
    for (const [label, floor] of [
      ["SDK floor", (r: Row) => r.sdk],
      ["plain floor", (r: Row) => r.floor],
    ] as const) {
      const figures = judged.map((r) => ({ tenants: r.tenants, time: r.ours.ms / floor(r).ms, memory: r.ours.maxRssMiB / floor(r).maxRssMiB }));
      const ok = figures.every((f) => f.time <= TARGETS.ratio && f.memory <= TARGETS.ratio);
      const detail = figures.map((f) => `${f.tenants}: ${f.time.toFixed(2)}× time, ${f.memory.toFixed(2)}× memory`).join("; ");
      out.push(`  ${mark(ok)} within ${TARGETS.ratio}× of the ${label} (${detail})`);
    }
  }
  const fixed = fixedRegistrations(rows);
  const repo = rows.find((r) => r.scope === "repository");
  const repoPer = repo && perTenant(repo, fixed);
  // The fixed count comes from the environment runs, so the repository figure carries a
  // hundredth or two of scope-specific fixed registrations; compare it at one decimal.
  if (repoPer !== undefined)
    out.push(
      `  ${mark(Math.round(repoPer * 10) / 10 <= TARGETS.repositoryRegistrationsPerTenant)} at most ${TARGETS.repositoryRegistrationsPerTenant} registrations per tenant with repository secrets: ${repoPer.toFixed(2)}`,
    );
  const thousand = env.find((r) => r.tenants === 1000);
  if (thousand?.commands && thousand.ours.processMs !== undefined) {
    const worst = Math.max(median(thousand.commands.plan), median(thousand.commands.planJson));
    const ok = worst <= thousand.ours.processMs * TARGETS.commandRatio && worst < TARGETS.thousandTenantsCommandMs;
    out.push(
      `  ${mark(ok)} npm run plan within ${TARGETS.commandRatio}× of the program and under ${TARGETS.thousandTenantsCommandMs / 1000} s at 1,000 tenants: ${seconds(worst)} s (program ${seconds(thousand.ours.processMs)} s)`,
    );
  }
  if (thousand)
    out.push(
      `  ${mark(thousand.ours.ms < TARGETS.thousandTenantsMs)} 1,000 tenants under ${TARGETS.thousandTenantsMs / 1000} s: ${seconds(thousand.ours.ms)} s (median of ${thousand.ours.runsMs.length})`,
    );
  const tenThousand = env.find((r) => r.tenants === 10000);
  const tenThousandFailed = failed.some((f) => f.startsWith("10000 tenants"));
  if (tenThousand || tenThousandFailed)
    out.push(
      `  ${mark(!!tenThousand && !tenThousandFailed)} 10,000 tenants in one process${tenThousand ? `: ${seconds(tenThousand.ours.ms)} s, ${tenThousand.ours.maxRssMiB} MiB` : ""}`,
    );
  return out;
}

/** Start-up under one TypeScript loader: the whole process, and the program's part of it. */
export interface StartupRow {
  readonly loader: string;
  readonly tenants: number;
  /** Median wall time from spawning the process to its exit. */
  readonly processMs: number;
  /** The program under the mock runtime, as in the tables (median time, peak RSS). */
  readonly program: Measured;
}

/** The start-up table, one line per loader; empty when the start-up was not measured. */
export function renderStartup(rows: readonly StartupRow[]): string {
  if (rows.length === 0) return "";
  const width = Math.max(6, ...rows.map((r) => r.loader.length));
  const lines = [
    `start-up at ${rows[0].tenants.toLocaleString("en-US")} tenants, cold caches as on a fresh CI runner (median of ${rows[0].program.runsMs.length}):`,
    `  ${"loader".padEnd(width)} ${pad("process s", 9)} ${pad("program s", 9)} ${pad("peak MiB", 8)}`,
    ...rows.map((r) => `  ${r.loader.padEnd(width)} ${pad(seconds(r.processMs), 9)} ${pad(seconds(r.program.ms), 9)} ${pad(r.program.maxRssMiB, 8)}`),
  ];
  return `${lines.join("\n")}\n`;
}
