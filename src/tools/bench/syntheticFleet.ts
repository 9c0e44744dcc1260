/** Synthetic tenants files for benchmarks: valid, spread over regions and schedules. */
import { stringify } from "yaml";
import { NEON_REGIONS } from "../../../tenants/regions";

const REGIONS = NEON_REGIONS.filter((r) => r.status.state === "active");
const SCHEDULES = ["17 3 * * *", "43 2 * * *", "29 4 * * *"];

/**
 * `count` tenants (spread over every active region and three schedules, or concentrated) `t-000000`, `t-000001`, …; with `addedAt`, one more tenant whose id sorts
 * right after that index (`t-000500-added`), as a team adding a customer would.
 */
export function syntheticTenantsYaml(count: number, opts: { retiredEvery?: number; addedAt?: number; concentrated?: boolean } = {}): string {
  // Concentrated: the first three regions and the default schedule only (a fleet that grew in a few markets).
  const regions = opts.concentrated ? REGIONS.slice(0, 3) : REGIONS;
  const tenants = Array.from({ length: count }, (_, i) => {
    const region = regions[i % regions.length];
    return {
      id: `t-${String(i).padStart(6, "0")}`,
      name: `Tenant ${i}`,
      region: region.id,
      residency: region.jurisdictions[region.jurisdictions.length - 1],
      status: opts.retiredEvery && i % opts.retiredEvery === opts.retiredEvery - 1 ? "retired" : "active",
      ...(i % 7 === 0 && !opts.concentrated ? { backup: { schedule: SCHEDULES[i % SCHEDULES.length], retentionDays: 30 } } : {}),
    };
  });
  if (opts.addedAt !== undefined) {
    const like = tenants[opts.addedAt];
    tenants.splice(opts.addedAt + 1, 0, { ...like, id: `${like.id}-added`, name: `${like.name} (added)`, status: "active" });
  }
  return stringify({ version: 1, defaults: { backup: { schedule: SCHEDULES[0], retentionDays: 14 } }, tenants }, { lineWidth: 0 });
}
