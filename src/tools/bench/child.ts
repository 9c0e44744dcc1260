/**
 * One benchmark measurement in a fresh process (the parent, src/tools/bench/bench.ts, starts it
 * with the node arguments Pulumi.yaml gives the real program). Prints one JSON line.
 *
 *   bench-child program <tenants> <repository|environment|region> [recording.json]
 *   bench-child floor <registrations>
 *   bench-child sdk <recording.json>
 *
 * `program` writes what it registered to the recording (after the clock stops) for `sdk`,
 * the floor that replays those registrations with the same SDK classes. With
 * TENANT_FLEET_BENCH_PROMISES=1 it also counts the promises the run creates; TENANT_FLEET_BENCH_CONFIG
 * (a JSON object of namespaced settings) replaces the bench's stack settings with a stack's own
 * (npm run init sizes the stack it is about to write).
 */
import { createHook } from "node:async_hooks";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir, totalmem } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { runOffline } from "../../engine/offline";
import { PLAN_MEMORY_ENV } from "../../core/planMemory";
import { syntheticTenantsYaml } from "./syntheticFleet";
import { replayInput, type Replayed } from "./replayInput";

const PROGRAMS: Record<string, () => Promise<Record<string, unknown>>> = {
  program: () => import("../../../index"),
  floor: () => import("./floor"),
  sdk: () => import("./sdkFloor"),
};

async function main(): Promise<void> {
  if (!PROGRAMS[process.argv[2]]) throw new Error(`bench-child: unknown mode ${process.argv[2]}`);
  const [mode, countText, scope = "environment", recording] = process.argv.slice(2);
  const count = mode === "sdk" ? 0 : Number(countText);
  const own = process.env.TENANT_FLEET_BENCH_CONFIG;
  const config: Record<string, string> = own
    ? { ...(JSON.parse(own) as Record<string, string>), "tenant-fleet:secretScope": scope }
    : {
        "tenant-fleet:githubOwner": "bench",
        "tenant-fleet:githubRepository": "app",
        "tenant-fleet:secretScope": scope,
        "tenant-fleet:protect": "true",
        "tenant-fleet:migrationsCommand": "npm run migrate",
        "tenant-fleet:keyAdministrators": '["arn:aws:iam::123456789012:role/tenant-fleet-deploy"]',
        "tenant-fleet:breakGlassPrincipal": "arn:aws:iam::123456789012:role/tenant-fleet-break-glass",
      };
  if (mode === "floor") process.env.TENANT_FLEET_FLOOR_REGISTRATIONS = String(count);
  if (mode === "sdk") replayInput.recorded = JSON.parse(readFileSync(countText, "utf8")) as Replayed[];
  if (mode === "program") {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-bench-"));
    const file = path.join(dir, "tenants.yaml");
    writeFileSync(file, syntheticTenantsYaml(count));
    config["tenant-fleet:tenantsFile"] = file;
    // The synthetic fleet lives in a temporary directory, outside the project.
    process.env.TENANT_FLEET_ALLOW_OUTSIDE_PROJECT = "1";
    // The program is measured at any size this machine holds; the CI runner's budget is --plan-output's to judge.
    process.env[PLAN_MEMORY_ENV] ??= String(Math.floor(totalmem() / 2 ** 20));
  }
  // Promises the run creates: a measure of the SDK's work that machine noise cannot move.
  // Counting slows the run, so the parent asks for it in separate, untimed runs.
  let promises = 0;
  const counter = process.env.TENANT_FLEET_BENCH_PROMISES === "1" ? createHook({ init: (_id, type) => void (type === "PROMISE" && promises++) }) : undefined;
  counter?.enable();
  const start = performance.now();
  const run = await runOffline({
    project: "tenant-fleet",
    stack: "bench",
    config,
    program: PROGRAMS[mode],
  });
  const ms = performance.now() - start;
  counter?.disable();
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  if (mode === "program" && recording) writeFileSync(recording, JSON.stringify(run.resources.map(({ wireInputs: _, ...r }) => r)));
  process.stdout.write(
    `${JSON.stringify({ mode, count, scope, ms: Math.round(ms), maxRssMiB: Math.round(maxRssMiB), registrations: run.resources.length, ...(counter ? { promises } : {}) })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
