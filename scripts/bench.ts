/**
 * The fleet benchmark: our program under the mock runtime against two floors, each
 * measurement in a fresh process with the node arguments Pulumi.yaml gives the real program:
 *
 * - the SDK floor replays exactly the registrations our program made (same SDK classes,
 *   names, parents, providers, options and values) and nothing else, so ours ÷ SDK floor is
 *   the price of our own code;
 * - the plain floor registers as many plain three-property resources with the same SDK, so
 *   SDK floor ÷ plain floor is the price of the resource types themselves.
 *
 * The three run interleaved, `--runs` times each (default 5 up to 1,000 tenants, 3 up to
 * 2,000, 1 above), and the median time is reported (a shared machine's noise is ±20 %).
 * Prints figures; never fails on them.
 *
 *   npm run bench -- [--sizes 100,1000,2000,10000] [--runs 3] [--json]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { renderBench, summarise, type Mode, type Row, type Sample } from "./lib/benchReport";

const ROOT = path.resolve(__dirname, "..");

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

function measureCase(tenants: number, scope: string, runs: number): Row {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tf-bench-rec-"));
  const recording = path.join(dir, "registrations.json");
  const samples: Record<Mode, Sample[]> = { program: [], sdk: [], floor: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const ours = measure(["program", String(tenants), scope, recording]);
      samples.program.push(ours);
      samples.sdk.push(measure(["sdk", recording]));
      samples.floor.push(measure(["floor", String(ours.registrations)]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { tenants, scope, ours: summarise(samples.program), sdk: summarise(samples.sdk), floor: summarise(samples.floor) };
}

function main(): void {
  const { values } = parseArgs({
    options: { sizes: { type: "string" }, runs: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const memoryGiB = os.totalmem() / 2 ** 30;
  const sizes = values.sizes ? values.sizes.split(",").map(Number) : memoryGiB >= 20 ? [100, 1000, 2000, 10000] : [100, 1000, 2000];
  const runsFor = (tenants: number) => (values.runs ? Number(values.runs) : tenants > 2000 ? 1 : tenants > 1000 ? 3 : 5);
  const rows: Row[] = [];
  const failed: string[] = [];
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${memoryGiB.toFixed(0)} GiB, node ${process.version}; node args: ${pulumiNodeArgs().join(" ") || "(none)"}`);

  // Repository-scoped secrets stop at 90 tenants (GitHub's 100 secrets minus headroom).
  const cases: [number, string][] = [[90, "repository"], ...sizes.map((n): [number, string] => [n, "environment"])];
  for (const [tenants, scope] of cases) {
    log(`measuring ${tenants} tenants (${scope} secrets), ${runsFor(tenants)} run(s) ...`);
    try {
      rows.push(measureCase(tenants, scope, runsFor(tenants)));
    } catch (err) {
      failed.push(`${tenants} tenants (${scope}): did not complete: ${(err as Error).message}`);
    }
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ nodeArgs: pulumiNodeArgs(), cpus: os.cpus().length, memoryGiB: Math.round(memoryGiB), rows, failed }, null, 2)}\n`);
    return;
  }
  process.stdout.write(renderBench(rows, failed));
}

if (require.main === module) main();
