/**
 * Pure mapping from a tenant to the Neon project it declares. Units are converted here
 * (hours → seconds, GiB → bytes), nowhere else.
 */
import type * as neon from "@pulumi/neon";
import { isActive, type QuotaSettings, type Tenant } from "../../../tenants/model";
import type { DevProjectSettings } from "../../core/config/settings";
import { DEV_DATABASE } from "../workflows/dev";
import { projectName } from "../../../tenants/naming";
import { CATALOG_DATABASE, CATALOG_OWNER_ROLE } from "./catalogWriter";

export const SECONDS_PER_HOUR = 3600;
export const BYTES_PER_GIB = 2 ** 30;

/** Plain (non-Output) project arguments: everything here is known before deployment. */
export interface PlainProjectArgs {
  readonly name: string;
  readonly regionId: string;
  readonly pgVersion: number;
  readonly orgId?: string;
  readonly historyRetentionSeconds: number;
  /** Project-wide compute defaults (kislerdm/neon 0.16+): what Neon gives computes created later; they do not change existing ones. */
  readonly autoscalingLimitMinCu: number;
  readonly autoscalingLimitMaxCu: number;
  readonly suspendTimeoutSeconds: number;
  /** The compute created with the project (its default branch's read-write endpoint): what sizes the tenant's database. */
  readonly primaryCompute: ComputeArgs;
  readonly quota?: {
    readonly activeTimeSeconds?: number;
    readonly computeTimeSeconds?: number;
    readonly writtenDataBytes?: number;
    readonly dataTransferBytes?: number;
    readonly logicalSizeBytes?: number;
  };
  readonly branch: { readonly name: string; readonly databaseName: string; readonly roleName: string };
  /** wal_level=logical, for a move by logical replication out of this project (Neon: in place, cannot be turned off, restarts its computes once). */
  readonly enableLogicalReplication?: "yes";
}

/** One compute's size and suspend timeout, in the provider's names. */
export interface ComputeArgs {
  readonly autoscalingLimitMinCu: number;
  readonly autoscalingLimitMaxCu: number;
  readonly suspendTimeoutSeconds: number;
}

/**
 * A compute setting as kislerdm/neon 0.16+ takes it: the same values as the project's
 * defaults (for computes created later) and as its primary compute (the one that exists).
 * 0.15's `defaultEndpointSettings` did both at once; see docs/neon-provider.md.
 */
export function computeArgs(compute: ComputeArgs): ComputeArgs & { readonly primaryCompute: ComputeArgs } {
  return { ...compute, primaryCompute: { ...compute } };
}

function quotaArgs(q: QuotaSettings): PlainProjectArgs["quota"] {
  const hours = (h: number | undefined) => (h === undefined ? undefined : Math.round(h * SECONDS_PER_HOUR));
  const gib = (g: number | undefined) => (g === undefined ? undefined : Math.round(g * BYTES_PER_GIB));
  const quota = {
    activeTimeSeconds: hours(q.activeTimeHours),
    computeTimeSeconds: hours(q.computeTimeHours),
    writtenDataBytes: gib(q.writtenDataGiB),
    dataTransferBytes: gib(q.dataTransferGiB),
    logicalSizeBytes: gib(q.logicalSizeGiB),
  };
  const set = Object.fromEntries(Object.entries(quota).filter(([, v]) => v !== undefined));
  return Object.keys(set).length ? set : undefined;
}

export function projectArgs(tenant: Tenant, orgId: string | undefined): PlainProjectArgs {
  const args: PlainProjectArgs = {
    name: projectName(tenant),
    regionId: tenant.region,
    pgVersion: tenant.pgVersion,
    ...(orgId ? { orgId } : {}),
    historyRetentionSeconds: Math.round(tenant.historyRetentionHours * SECONDS_PER_HOUR),
    ...computeArgs({
      autoscalingLimitMinCu: tenant.compute.minCu,
      autoscalingLimitMaxCu: tenant.compute.maxCu,
      suspendTimeoutSeconds: tenant.compute.suspendAfterSeconds,
    }),
    ...(quotaArgs(tenant.quota) ? { quota: quotaArgs(tenant.quota) } : {}),
    branch: { name: tenant.database.branch, databaseName: tenant.database.name, roleName: tenant.database.role },
    // The source of a move by logical replication publishes its changes to the target.
    ...(tenant.move?.method === "logical" && isActive(tenant) ? { enableLogicalReplication: "yes" as const } : {}),
  };
  return args;
}

/** Compile-time check that the plain arguments fit the SDK's ProjectArgs. */
export function asSdkArgs(args: PlainProjectArgs): neon.ProjectArgs {
  return args;
}

/** The dev/test and catalog projects' compute: the smallest autoscaling range, suspended after Neon's default 5 minutes. */
const SMALL_COMPUTE: ComputeArgs = { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 1, suspendTimeoutSeconds: 300 };

/** Plain arguments of the dev/test project (tested without the engine). */
export function devProjectArgs(dev: DevProjectSettings, stack: string, orgId: string | undefined) {
  return {
    name: `tenant-fleet ${stack} dev-test`,
    regionId: dev.region,
    pgVersion: dev.pgVersion,
    ...(orgId ? { orgId } : {}),
    // Six hours of history: enough to undo a bad seed, and within Neon's Free plan.
    historyRetentionSeconds: 6 * 3600,
    ...computeArgs(SMALL_COMPUTE),
    branch: { name: DEV_DATABASE.branch, databaseName: DEV_DATABASE.name, roleName: DEV_DATABASE.role },
  };
}

/** Plain arguments of the fleet catalog's project: small, metadata only, Postgres 17. */
export function catalogProjectArgs(region: string, stack: string, orgId: string | undefined) {
  return {
    name: `tenant-fleet ${stack} catalog`,
    regionId: region,
    pgVersion: 17,
    ...(orgId ? { orgId } : {}),
    // Six hours of history (every Neon plan allows it): the catalog's rows are append-only.
    historyRetentionSeconds: 6 * 3600,
    ...computeArgs(SMALL_COMPUTE),
    branch: { name: "main", databaseName: CATALOG_DATABASE, roleName: CATALOG_OWNER_ROLE },
  };
}
