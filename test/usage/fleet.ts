/**
 * A fleet for the usage report's tests: tenants as the loader makes them (code defaults, then
 * the few settings each case needs), their projects as Neon lists them, and what each consumed.
 */
import type { Project } from "@neondatabase/api-client";
import { CODE_DEFAULTS, type Tenant } from "../../tenants/model";
import type { RegionId } from "../../tenants/regions";
import type { ConsumptionProject, Sample } from "./consumptionStandIn";
import type { StandInProject } from "../adopt/neonOrgStandIn";

export const ORG = "org-usage-test-12345678";

export function tenant(id: string, over: Partial<Tenant> = {}): Tenant {
  return {
    id,
    name: `Tenant ${id}`,
    region: "aws-eu-central-1" as RegionId,
    residency: "DE",
    status: "active",
    pgVersion: CODE_DEFAULTS.pgVersion,
    historyRetentionHours: CODE_DEFAULTS.historyRetentionHours,
    compute: CODE_DEFAULTS.compute,
    quota: {},
    backup: CODE_DEFAULTS.backup,
    database: CODE_DEFAULTS.database,
    generation: 1,
    ...over,
  };
}

/** A project as GET /projects and GET /projects/{id} show it (the fields the listing reads). */
export function listed(id: string, name: string, createdAt: string, region = "aws-eu-central-1"): StandInProject {
  return {
    project: { id, name, region_id: region, pg_version: 17, org_id: ORG, created_at: createdAt } as unknown as Project,
    branches: [],
    databases: [],
    endpoints: [],
  };
}

/** Byte-hours of `gb` kept for a whole billing month (744 h): `gb` GB-months. */
export const gbMonths = (gb: number) => gb * 744 * 1e9;

/** What tenant number `i` consumed in November 2026, spread over two samples, plus samples just outside the month. */
export function novemberOf(i: number, cuHours: number): Sample[] {
  const half = (cuHours * 3600) / 2;
  const storage = { root_branch_bytes_month: gbMonths(1), instant_restore_bytes_month: gbMonths(0.25), snapshot_storage_bytes_month: gbMonths(0.5) };
  return [
    // Outside the window on both sides: never counted.
    { at: "2026-10-31T23:00:00Z", metrics: { compute_unit_seconds: 999_999, public_network_transfer_bytes: 7e9 } },
    {
      at: "2026-11-03T10:00:00Z",
      metrics: { compute_unit_seconds: half, ...storage, public_network_transfer_bytes: 1e9, child_branch_bytes_month: i === 0 ? gbMonths(2) : 0 },
    },
    { at: "2026-11-20T16:00:00Z", metrics: { compute_unit_seconds: half, ...storage, public_network_transfer_bytes: 2e9 } },
    { at: "2026-12-01T00:00:00Z", metrics: { compute_unit_seconds: 888_888 } },
  ];
}

export function consumptionProject(id: string, createdAt: string, samples: Sample[]): ConsumptionProject {
  return { id, createdAt, samples };
}
