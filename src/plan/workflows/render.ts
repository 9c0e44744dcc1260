/**
 * Generated GitHub Actions workflows for the application repository, rendered from a typed
 * model (model.ts) with the `yaml` package (never string templates). Pure: tenants and
 * settings in, file paths and contents out. This module decides which files exist and what
 * they are called (planWorkflows) and renders each (renderWorkflows) with its kind's renderer
 * (kinds.ts, tenantWorkflow.ts); the other modules' public names are re-exported here.
 *
 * Nothing a tenant wrote reaches a script or an expression: matrices carry only validated
 * ids, region ids and numbers; scripts read them from the environment, always quoted.
 */
import { createHash } from "node:crypto";
import { isBackedUp, isActive, type Tenant } from "../../../tenants/model";
import { fleetNames, WORKFLOW_DIR } from "../../core/repositoryContract";
import { MAX_MATRIX_JOBS } from "../repository/limits";
import { backupWorkflow, migrationsWorkflow, restoreDrillWorkflow } from "./kinds";
import type { PlannedWorkflow, RenderedWorkflow, WorkflowSettings } from "./workflowSettings";

export { BACKUP_AGE_SLACK_HOURS, maxBackupAgeHours } from "../../core/cronGap";
export { MAX_MATRIX_JOBS } from "../repository/limits";
export { ACTIONS, defaultBranchOnly, NODE_MAJOR, renderWorkflow, RUNNER } from "./actions";
export { CLOCK_SKEW_SECONDS } from "./backupScripts";
export { BACKUP_JOB_PREFIX, BACKUP_MAX_PARALLEL, DRILL_JOB_PREFIX, DRILL_MAX_PARALLEL, MIGRATION_MAX_PARALLEL } from "./kinds";
export type * from "./model";
export { INSTALL_PG_CLIENT, PG_CLIENT_STEP_NAME, RESULTS_ARTIFACT } from "./steps";
export { NEW_TENANT_DAYS, slotCount, slotJobIds, tenantDatabaseConcurrency } from "./tenantWorkflow";
export {
  DEFAULT_ALERTS,
  DEFAULT_BATCH_PARALLELISM,
  DEFAULT_BATCH_SIZE,
  workflowSettings,
  type PlannedWorkflow,
  type RenderedWorkflow,
  type WorkflowSettings,
} from "./workflowSettings";

/** `17 3 * * *` → `17-3-x-x-x`: stable, file-name safe. */
export function scheduleSlug(cron: string): string {
  return cron
    .trim()
    .split(/\s+/)
    .map((f) => f.replace(/\*/g, "x").replace(/\//g, "s").replace(/,/g, "c").toLowerCase())
    .join("-");
}

/**
 * Each schedule's file-name slug. Two schedules whose slugs coincide (`1-2 3 * * *` and
 * `1 2-3 * * *` both read `1-2-3-x-x-x`) each get a short hash of the schedule appended, so
 * no two workflow files (and resources) share a name; every other slug stays as it was.
 */
export function scheduleSlugs(schedules: readonly string[]): Map<string, string> {
  const bySlug = new Map<string, string[]>();
  for (const s of schedules) bySlug.set(scheduleSlug(s), [...(bySlug.get(scheduleSlug(s)) ?? []), s]);
  const out = new Map<string, string>();
  for (const [slug, group] of bySlug) {
    for (const s of group) out.set(s, group.length > 1 ? `${slug}-${createHash("sha256").update(s).digest("hex").slice(0, 6)}` : slug);
  }
  return out;
}

export function chunk<T>(items: readonly T[], size = MAX_MATRIX_JOBS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Every generated file of a fleet, in a stable order, without rendering: the one place
 * that decides which files exist and what they are called (the OIDC trust of each role
 * names exactly these paths). One per backup schedule, one for the drill, one for the
 * migrations: never a file per tenant or per part of the fleet, so adding a tenant
 * rewrites only the manifest. Retired tenants get none.
 */
export function planWorkflows(tenants: readonly Tenant[], settings: Pick<WorkflowSettings, "migrations" | "names">): PlannedWorkflow[] {
  const names = settings.names ?? fleetNames();
  const active = tenants.filter(isActive);
  const backedUp = tenants.filter(isBackedUp);
  const path = (stem: string) => `${WORKFLOW_DIR}/${names.prefix}-${stem}.yml`;
  const schedules = [...new Set(backedUp.map((t) => t.backup.schedule))].sort();
  const slugs = scheduleSlugs(schedules);
  return [
    ...schedules.map((schedule): PlannedWorkflow => ({ kind: "backup", path: path(`backup-${slugs.get(schedule)}`), schedule })),
    ...(settings.migrations && active.length ? [{ kind: "migrations" as const, path: path("migrations") }] : []),
    ...(backedUp.length
      ? [{ kind: "restore-drill" as const, path: path("restore-drill"), snapshotCheck: active.some((t) => t.backup.snapshots !== "off") }]
      : []),
  ];
}

/** Every generated workflow for a fleet, in the order planWorkflows gives. */
export function renderWorkflows(tenants: readonly Tenant[], settings: WorkflowSettings): RenderedWorkflow[] {
  return planWorkflows(tenants, settings).map((file) =>
    file.kind === "backup"
      ? backupWorkflow(file, settings)
      : file.kind === "migrations"
        ? migrationsWorkflow(file, settings, settings.migrations!)
        : restoreDrillWorkflow(file, settings),
  );
}
