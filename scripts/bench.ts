/**
 * The fleet benchmark: our program under the mock runtime against a floor program that
 * registers the same number of plain resources with the same SDK, each measurement in a
 * fresh process with the node arguments Pulumi.yaml gives the real program. Prints figures;
 * never fails on them.
 *
 *   npm run bench -- [--sizes 100,1000,2000,10000] [--json]
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");

interface Sample {
  readonly mode: "program" | "floor";
  readonly count: number;
  readonly scope: string;
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly registrations: number;
}

/** `runtime.options.nodeargs` of Pulumi.yaml, split like a shell would for simple flags. */
export function pulumiNodeArgs(): string[] {
  const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime?: { options?: { nodeargs?: string } } };
  return (project.runtime?.options?.nodeargs ?? "").split(/\s+/).filter(Boolean);
}

function measure(args: string[]): Sample {
  const r = spawnSync(process.execPath, [...pulumiNodeArgs(), "--import", "tsx", path.join(ROOT, "scripts/bench-child.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NEON_API_KEY: "", GITHUB_TOKEN: "" },
  });
  if (r.status !== 0) throw new Error(`bench-child ${args.join(" ")} failed: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Sample;
}

function pad(v: string | number, n: number): string {
  const s = String(v);
  return s.length >= n ? s : " ".repeat(n - s.length) + s;
}

function main(): void {
  const { values } = parseArgs({ options: { sizes: { type: "string" }, json: { type: "boolean", default: false } } });
  const memoryGiB = os.totalmem() / 2 ** 30;
  const sizes = values.sizes ? values.sizes.split(",").map(Number) : memoryGiB >= 20 ? [100, 1000, 2000, 10000] : [100, 1000, 2000];
  const rows: { tenants: number; scope: string; ours: Sample; floor: Sample }[] = [];
  const failed: string[] = [];
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${memoryGiB.toFixed(0)} GiB, node ${process.version}; node args: ${pulumiNodeArgs().join(" ") || "(none)"}`);

  // Repository-scoped secrets stop at 90 tenants (GitHub's 100 secrets minus headroom).
  const cases: [number, string][] = [[90, "repository"], ...sizes.map((n): [number, string] => [n, "environment"])];
  for (const [tenants, scope] of cases) {
    log(`measuring ${tenants} tenants (${scope} secrets) ...`);
    try {
      const ours = measure(["program", String(tenants), scope]);
      const floor = measure(["floor", String(ours.registrations)]);
      rows.push({ tenants, scope, ours, floor });
    } catch (err) {
      failed.push(`${tenants} tenants (${scope}): did not complete: ${(err as Error).message}`);
    }
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ nodeArgs: pulumiNodeArgs(), cpus: os.cpus().length, memoryGiB: Math.round(memoryGiB), rows, failed }, null, 2)}\n`);
    return;
  }
  const lines = [
    `${pad("tenants", 8)} ${pad("secrets", 11)} ${pad("registrations", 13)} ${pad("per tenant", 10)} ${pad("ours s", 7)} ${pad("floor s", 7)} ${pad("time ×", 6)} ${pad("ours MiB", 8)} ${pad("floor MiB", 9)} ${pad("mem ×", 6)}`,
  ];
  for (const r of rows) {
    const perTenant = ((r.ours.registrations - fixedRegistrations(rows)) / r.tenants).toFixed(2);
    lines.push(
      `${pad(r.tenants, 8)} ${pad(r.scope, 11)} ${pad(r.ours.registrations, 13)} ${pad(perTenant, 10)} ${pad((r.ours.ms / 1000).toFixed(2), 7)} ${pad((r.floor.ms / 1000).toFixed(2), 7)} ${pad((r.ours.ms / r.floor.ms).toFixed(2), 6)} ${pad(r.ours.maxRssMiB, 8)} ${pad(r.floor.maxRssMiB, 9)} ${pad((r.ours.maxRssMiB / r.floor.maxRssMiB).toFixed(2), 6)}`,
    );
  }
  const env = rows.filter((r) => r.scope === "environment").sort((a, b) => a.tenants - b.tenants);
  for (let i = 1; i < env.length; i++) {
    const [a, b] = [env[i - 1], env[i]];
    lines.push(`growth ${a.tenants}→${b.tenants}: ${(((b.ours.ms - a.ours.ms) / (b.tenants - a.tenants)) * 1000 / 1000).toFixed(2)} s and ${(((b.ours.maxRssMiB - a.ours.maxRssMiB) / (b.tenants - a.tenants)) * 1000).toFixed(0)} MiB per 1,000 more tenants`);
  }
  lines.push(...failed);
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** Registrations that do not grow with tenants (vaults, role, providers, files), from the two smallest environment runs. */
function fixedRegistrations(rows: readonly { tenants: number; scope: string; ours: Sample }[]): number {
  const env = rows.filter((r) => r.scope === "environment").sort((a, b) => a.tenants - b.tenants);
  if (env.length < 2) return 0;
  const slope = (env[1].ours.registrations - env[0].ours.registrations) / (env[1].tenants - env[0].tenants);
  return Math.round(env[0].ours.registrations - slope * env[0].tenants);
}

if (require.main === module) main();
