/**
 * Sizing a stack for a fleet of N tenants (`npm run init -- --fleet-size N`) with the
 * benchmark's own models, never restated figures:
 *
 * - GitHub's API (githubApi.ts): the stack is planned at one and two synthetic tenants in
 *   each candidate scope, with the settings init is about to write; the difference is what
 *   one more tenant registers, so the first `pulumi up` of N tenants registers the first
 *   plan's resources plus N - 1 times that difference. `budgetOf` gives its calls and
 *   `minimumMinutes` the least wall-clock GitHub's limits allow with a GitHub App token
 *   (what deploy.yml uses).
 * - Runners (runners.ts, nightly.ts): one night of backups of N synthetic tenants under
 *   those settings, against RUNNER_TARGETS.
 * - Stack size: more than RECOMMENDED_STACK_SIZE tenants per stack is a shard's worth.
 *
 * The scopes are tried from the least change to the application (environment: GitHub holds
 * each tenant's secret) to the one that scales (region: SSM in the tenant's AWS region); the
 * first whose costs fit is chosen. The repository scope is never proposed: every workflow on
 * every branch can read its secrets.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiNodeArgs } from "../../../scripts/launch.mjs";
import { budgetOf, GITHUB_LIMITS, minimumMinutes, type Budget, type PlannedResource } from "./githubApi";
import { nightlyBackups } from "./nightly";
import { RUNNER_TARGETS, type RunnerRow } from "./runners";
import type { StackSettings } from "../../core/config/settings";
import type { SecretScope } from "../../core/repositoryContract";
import { RECOMMENDED_STACK_SIZE } from "../../plan/inputs";
import { NEON_REGIONS } from "../../../tenants/regions";

const ROOT = path.resolve(__dirname, "..", "..", "..");

/** The scopes init proposes, in the order it tries them. */
export const SIZING_SCOPES = ["environment", "region"] as const satisfies readonly SecretScope[];
export type SizingScope = (typeof SIZING_SCOPES)[number];

/** The least wall-clock GitHub's limits allow a stack's first `pulumi up`, in minutes: more, and the stack is sized for the next scope. */
export const FIRST_UP_MINUTES_TARGET = 15;

export interface ScopeSizing {
  readonly scope: SizingScope;
  /** GitHub resources one more tenant registers. */
  readonly perTenant: number;
  /** GitHub resources of the first `pulumi up` of the whole fleet. */
  readonly resources: number;
  readonly up: Pick<Budget, "reads" | "writes">;
  readonly upMinutes: number;
  /** The GitHub limit that sets upMinutes. */
  readonly bound: string;
  readonly runners: RunnerRow;
  /** The targets this scope misses, in words; empty when it fits. */
  readonly misses: readonly string[];
}

export interface Sizing {
  readonly tenants: number;
  readonly scopes: readonly ScopeSizing[];
  readonly chosen: SizingScope;
  /** Stacks the fleet needs at RECOMMENDED_STACK_SIZE tenants each. */
  readonly shards: number;
}

/** What the stack registers in GitHub with `tenants` synthetic tenants, planned in a child process (the bench's). */
function githubResources(tenants: number, scope: SizingScope, config: Readonly<Record<string, string>>): Promise<PlannedResource[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tf-sizing-"));
  const recording = path.join(dir, "registrations.json");
  return new Promise<PlannedResource[]>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...pulumiNodeArgs(), "--import", "tsx", path.join(ROOT, "src/tools/bench/child.ts"), "program", String(tenants), scope, recording],
      {
        cwd: ROOT,
        env: { ...process.env, NEON_API_KEY: "", GITHUB_TOKEN: "", TENANT_FLEET_BENCH_CONFIG: JSON.stringify(config) },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0)
        return reject(new Error(`planning ${tenants} synthetic tenant(s) in the ${scope} scope failed: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
      resolve((JSON.parse(readFileSync(recording, "utf8")) as PlannedResource[]).filter((r) => r.type.startsWith("github:")));
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Resource counts by type of `one` plus (n - 1) times what `two` adds to it. */
function extrapolate(one: readonly PlannedResource[], two: readonly PlannedResource[], n: number): { resources: PlannedResource[]; perTenant: number } {
  const byType = (rs: readonly PlannedResource[]) => rs.reduce((m, r) => m.set(r.type, (m.get(r.type) ?? 0) + 1), new Map<string, number>());
  const a = byType(one);
  const b = byType(two);
  const resources: PlannedResource[] = [];
  let perTenant = 0;
  for (const type of new Set([...a.keys(), ...b.keys()])) {
    const per = Math.max(0, (b.get(type) ?? 0) - (a.get(type) ?? 0));
    perTenant += per;
    const count = (a.get(type) ?? 0) + per * (n - 1);
    for (let i = 0; i < count; i++) resources.push({ type, name: `${type}-${i}` });
  }
  return { resources, perTenant };
}

/** The targets a scope's figures miss, in words. */
function missesOf(upMinutes: number, runners: RunnerRow): string[] {
  const out: string[] = [];
  if (upMinutes > FIRST_UP_MINUTES_TARGET)
    out.push(`first pulumi up needs at least ${upMinutes.toFixed(0)} min of GitHub's API (target ${FIRST_UP_MINUTES_TARGET})`);
  const { billedMinutes, wallClockMinutes, concurrency } = RUNNER_TARGETS;
  if (runners.billedMinutes > billedMinutes) out.push(`a night of backups bills ${runners.billedMinutes} runner-minutes (target ${billedMinutes})`);
  if (runners.wallClockMinutes[concurrency] > wallClockMinutes)
    out.push(`a night of backups takes ${runners.wallClockMinutes[concurrency].toFixed(0)} min on ${concurrency} runners (target ${wallClockMinutes})`);
  return out;
}

/** The prospective stack's settings in one scope (the caller validates them as init would write them). */
export type SettingsIn = (scope: SizingScope) => { settings: StackSettings; config: Record<string, string> };

/** What one and two synthetic tenants register in GitHub, per scope: all sizing needs of the program. */
export type ScopePlans = Readonly<Record<SizingScope, readonly [readonly PlannedResource[], readonly PlannedResource[]]>>;

/**
 * Plans the prospective stack with one and two synthetic tenants in each scope. `settingsIn`
 * gives the stack's settings and namespaced config in a scope; the synthetic fleet spreads
 * over every active region, so every residency is allowed while planning it.
 */
export async function planScopes(settingsIn: SettingsIn): Promise<ScopePlans> {
  const everyResidency = JSON.stringify([...new Set(NEON_REGIONS.flatMap((r) => r.jurisdictions))]);
  const out: Partial<Record<SizingScope, readonly [PlannedResource[], PlannedResource[]]>> = {};
  for (const scope of SIZING_SCOPES) {
    const config = { ...settingsIn(scope).config, "tenant-fleet:allowedResidencies": everyResidency };
    // Two at a time: a scope's two plans side by side, the scopes one after the other.
    out[scope] = await Promise.all([githubResources(1, scope, config), githubResources(2, scope, config)]);
  }
  return out as ScopePlans;
}

/** Sizes a stack of `tenants` tenants from its scopes' plans. */
export function sizeFromPlans(tenants: number, plans: ScopePlans, settingsIn: SettingsIn): Sizing {
  const perStack = Math.min(tenants, RECOMMENDED_STACK_SIZE);
  const scopes = SIZING_SCOPES.map((scope): ScopeSizing => {
    const [one, two] = plans[scope];
    const { resources, perTenant } = extrapolate(one, two, perStack);
    const up = budgetOf(resources, "create");
    const { minutes, bound } = minimumMinutes(up, GITHUB_LIMITS.appPerHour);
    const runners = nightlyBackups(perStack, settingsIn(scope).settings);
    return {
      scope,
      perTenant,
      resources: resources.length,
      up: { reads: up.reads, writes: up.writes },
      upMinutes: minutes,
      bound,
      runners,
      misses: missesOf(minutes, runners),
    };
  });
  const chosen = scopes.find((s) => s.misses.length === 0)?.scope ?? SIZING_SCOPES[SIZING_SCOPES.length - 1];
  return { tenants, scopes, chosen, shards: Math.ceil(tenants / RECOMMENDED_STACK_SIZE) };
}

export async function sizeStack(tenants: number, settingsIn: SettingsIn): Promise<Sizing> {
  return sizeFromPlans(tenants, await planScopes(settingsIn), settingsIn);
}

/** Why the chosen scope, with the figures of each scope tried (per stack when the fleet needs shards). */
export function sizingReport(s: Sizing): string[] {
  const perStack = Math.min(s.tenants, RECOMMENDED_STACK_SIZE);
  const out = [`sizing for ${s.tenants.toLocaleString("en")} tenants${s.shards > 1 ? ` (${perStack.toLocaleString("en")} per stack)` : ""}:`];
  for (const x of s.scopes) {
    const calls = x.up.reads + x.up.writes;
    out.push(
      `  ${x.scope.padEnd(11)} ${x.perTenant} GitHub resource(s) per tenant; first up ${calls.toLocaleString("en")} GitHub calls, at least ${x.upMinutes.toFixed(1)} min (${x.bound}); a night of backups ${x.runners.jobs} jobs, ${x.runners.billedMinutes} billed min, ${x.runners.wallClockMinutes[RUNNER_TARGETS.concurrency].toFixed(1)} min on ${RUNNER_TARGETS.concurrency} runners${x.misses.length ? `: misses ${x.misses.join("; ")}` : ": fits"}`,
    );
  }
  const chosen = s.scopes.find((x) => x.scope === s.chosen)!;
  out.push(
    chosen.misses.length
      ? `  chosen: ${s.chosen}, the cheapest; it still misses a target: larger batches (tenant-fleet:batchSize) or fewer backup schedules bring the nightly run down (docs/scale.md)`
      : `  chosen: ${s.chosen}, the first scope that fits every target (first up under ${FIRST_UP_MINUTES_TARGET} min; a night under ${RUNNER_TARGETS.billedMinutes} billed min and ${RUNNER_TARGETS.wallClockMinutes} min on ${RUNNER_TARGETS.concurrency} runners)`,
  );
  if (s.shards > 1)
    out.push(
      `  shards: ${s.shards} stacks of at most ${RECOMMENDED_STACK_SIZE.toLocaleString("en")} tenants; this stack is the first: add the others with npm run init -- --stack <name> and split the fleet with tenant-fleet:shardResidencies or shardRegions (docs/scale.md "Shards")`,
    );
  return out;
}
