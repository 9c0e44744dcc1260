/** Synthetic tenants files for benchmarks: valid, spread over regions and schedules. */
import { stringify } from "yaml";
import { NEON_REGIONS } from "../../tenants/regions";

const REGIONS = NEON_REGIONS.filter((r) => r.status.state === "active");
const SCHEDULES = ["17 3 * * *", "43 2 * * *", "29 4 * * *"];

export function syntheticTenantsYaml(count: number, opts: { retiredEvery?: number } = {}): string {
  const tenants = Array.from({ length: count }, (_, i) => {
    const region = REGIONS[i % REGIONS.length];
    return {
      id: `t-${String(i).padStart(6, "0")}`,
      name: `Tenant ${i}`,
      region: region.id,
      residency: region.jurisdictions[region.jurisdictions.length - 1],
      status: opts.retiredEvery && i % opts.retiredEvery === opts.retiredEvery - 1 ? "retired" : "active",
      ...(i % 7 === 0 ? { backup: { schedule: SCHEDULES[i % SCHEDULES.length], retentionDays: 30 } } : {}),
    };
  });
  return stringify({ version: 1, defaults: { backup: { schedule: SCHEDULES[0], retentionDays: 14 } }, tenants }, { lineWidth: 0 });
}
