/**
 * One benchmark measurement in a fresh process (the parent, scripts/bench.ts, starts it
 * with the node arguments Pulumi.yaml gives the real program). Prints one JSON line.
 *
 *   bench-child program <tenants> <repository|environment>
 *   bench-child floor <registrations>
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { runOffline } from "./lib/offline";
import { syntheticTenantsYaml } from "./lib/syntheticFleet";

async function main(): Promise<void> {
  const [mode, countText, scope = "environment"] = process.argv.slice(2);
  const count = Number(countText);
  const config: Record<string, string> = {
    "tenant-fleet:githubOwner": "bench",
    "tenant-fleet:githubRepository": "app",
    "tenant-fleet:secretScope": scope,
    "tenant-fleet:protect": "true",
    "tenant-fleet:migrationsCommand": "npm run migrate",
  };
  if (mode === "floor") process.env.TENANT_FLEET_FLOOR_REGISTRATIONS = String(count);
  if (mode === "program") {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-bench-"));
    const file = path.join(dir, "tenants.yaml");
    writeFileSync(file, syntheticTenantsYaml(count));
    config["tenant-fleet:tenantsFile"] = file;
  }
  const start = performance.now();
  const run = await runOffline({
    project: "tenant-fleet",
    stack: "bench",
    config,
    program: mode === "program" ? () => import("../index") : () => import("./lib/floor"),
  });
  const ms = performance.now() - start;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, count, scope, ms: Math.round(ms), maxRssMiB: Math.round(maxRssMiB), registrations: run.resources.length })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
