/**
 * Shards: several stacks (`prod-eu`, `prod-us`, ...) may share one tenants file, each
 * owning a part of the fleet by residency and/or region. Every tenant must belong to
 * exactly one of them, and what they share (GitHub names, the OIDC provider, the dev
 * project) must not collide. Pure, apart from reading the project's stack files.
 */
import * as path from "node:path";
import { listStacks, readStackConfig } from "./stackFiles";
import { NAMESPACE, locateKey, parseStackSettings, projectSettings, type StackSettings } from "./settings";
import type { Problem } from "../diagnostics/problems";

export interface ShardStack {
  readonly stack: string;
  readonly file: string;
  readonly text: string;
  readonly settings: StackSettings;
}

/** Does this stack own a tenant with this residency and region? */
export function owns(settings: StackSettings, tenant: { readonly residency?: string; readonly region?: string }): boolean {
  const s = settings.shard;
  if (!s) return true;
  if (s.residencies && !(tenant.residency !== undefined && s.residencies.includes(tenant.residency))) return false;
  if (s.regions && !(tenant.region !== undefined && s.regions.includes(tenant.region))) return false;
  return true;
}

export function describeShard(settings: StackSettings): string {
  const s = settings.shard;
  if (!s) return "every tenant";
  return [s.residencies ? `residencies ${s.residencies.join(", ")}` : "", s.regions ? `regions ${s.regions.join(", ")}` : ""].filter(Boolean).join(" in ");
}

/** The key that keeps shared GitHub names apart: empty when the file has one stack. */
export function shardKey(stack: string, shards: readonly ShardStack[]): string {
  if (shards.length <= 1) return "";
  return stack
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * Every stack of the project that reads the same tenants file as `self` (itself included),
 * sorted by name. Stack files whose settings do not parse are left out (their own run
 * reports them).
 */
export function shardStacks(root: string, self: { stack: string; settings: StackSettings }): ShardStack[] {
  const out: ShardStack[] = [];
  for (const stack of listStacks(root)) {
    if (stack === self.stack) {
      out.push({ stack, file: `Pulumi.${stack}.yaml`, text: "", settings: self.settings });
      continue;
    }
    let cfg;
    try {
      cfg = readStackConfig(root, stack);
    } catch {
      continue; // a stack file that does not parse is reported by that stack's own run
    }
    const raw = projectSettings(cfg.config);
    const { settings } = parseStackSettings(raw, { stack, file: cfg.stackFile, text: cfg.stackFileText });
    if (settings && path.normalize(settings.tenantsFile) === path.normalize(self.settings.tenantsFile))
      out.push({ stack, file: cfg.stackFile, text: cfg.stackFileText, settings });
  }
  return out.sort((a, b) => a.stack.localeCompare(b.stack));
}

/** Stack-level collisions between shards, reported against `self`'s stack file. */
export function shardCollisions(self: string, shards: readonly ShardStack[], selfText?: string): Problem[] {
  if (shards.length <= 1) return [];
  const me = shards.find((s) => s.stack === self)!;
  const at = (key: string, severity: Problem["severity"], message: string): Problem => ({
    severity,
    file: me.file,
    ...locateKey(selfText, key),
    path: `${NAMESPACE}:${key}`,
    message,
  });
  const out: Problem[] = [];
  const repo = (s: ShardStack) => `${s.settings.github.owner}/${s.settings.github.repository}`.toLowerCase();
  const sameRepo = shards.filter((s) => repo(s) === repo(me));
  const sameKey = sameRepo.filter((s) => s.stack !== self && shardKey(s.stack, shards) === shardKey(self, shards));
  if (sameKey.length) {
    out.push(
      at(
        "githubRepository",
        "error",
        `stacks ${[self, ...sameKey.map((s) => s.stack)].join(" and ")} write to ${repo(me)} under the same name ${shardKey(self, shards)}; rename one stack`,
      ),
    );
  }
  const dev = sameRepo.filter((s) => s.settings.devProject);
  if (me.settings.devProject && dev.length > 1) {
    out.push(
      at(
        "devProject",
        "error",
        `stacks ${dev.map((s) => s.stack).join(", ")} all create the dev/test project in ${repo(me)}; keep devProject on in one of them`,
      ),
    );
  }
  const creators = shards.filter((s) => !s.settings.oidcProviderArn);
  if (!me.settings.oidcProviderArn && creators.length > 1 && creators[0].stack !== self) {
    out.push(
      at(
        "oidcProviderArn",
        "warning",
        `stacks ${creators.map((s) => s.stack).join(", ")} would each create the GitHub OIDC provider, and an AWS account holds one; where they share an account, set this to the ARN of the provider ${creators[0].stack} creates`,
      ),
    );
  }
  return out;
}
