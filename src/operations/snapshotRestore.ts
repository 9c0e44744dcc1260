/**
 * Neon's snapshots as a restore's layer (issue 35), through `@neondatabase/api-client`:
 *
 * - the tenant's snapshots: `GET /projects/{project_id}/snapshots` (listSnapshots; Neon's
 *   reference https://api-docs.neon.tech/reference/listsnapshots), those of the tenant's
 *   branch (`source_branch_id`; one without it, which the schema allows, is counted as the
 *   tenant's: the stack schedules snapshots of the root branch only) that have not expired
 *   (`expires_at`); the moment a snapshot's
 *   data is of is its `timestamp` when Neon gives one (a snapshot taken of a point in the
 *   restore window), else its `created_at`;
 * - a restore from one: `POST /projects/{project_id}/snapshots/{snapshot_id}/restore`
 *   (restoreSnapshot; https://api-docs.neon.tech/reference/restoresnapshot) with the new
 *   branch's `name` and `finalize_restore: false`, so Neon creates a new branch and does not
 *   move the tenant's computes onto it (finalizing would, and would rename the tenant's
 *   branch: https://api-docs.neon.tech/reference/finalizerestorebranch); then Neon's
 *   operations are waited for, as every other restore does.
 *
 * Both calls are retried after HTTP 429 (rate limit), 423 (the project is locked by another
 * operation, "safe to retry" in the OpenAPI document's GeneralError) and 503, by the reader the
 * adoption uses (./adopt/reader.ts: Retry-After honoured, bounded retries).
 */
import type { Tenant } from "../../tenants/model";
import type { ListedProject } from "../core/neonProject";
import { NeonReader, type ReaderOptions } from "./adopt/reader";
import { findBranch, NeonApiError, waitForOperations, type NeonApi, type Waiting } from "./neonApi";
import type { RestorePlan, Snapshot } from "./restore";

/**
 * The tenant's snapshots, as the planner weighs them: of its branch, not expired by `now`,
 * each with the moment its data is of. A time Neon gives that does not parse is an error
 * naming the snapshot (a guessed time could put a snapshot on the wrong side of the point).
 */
export async function tenantSnapshots(api: NeonApi, project: ListedProject, tenant: Tenant, now: Date, reading: ReaderOptions = {}): Promise<Snapshot[]> {
  const branch = await findBranch(api, project.id, tenant.database.branch);
  const reader = new NeonReader(api, reading);
  const { snapshots } = await reader.call(`list the snapshots of ${project.id}`, () => api.listSnapshots(project.id));
  return snapshots
    .filter((s) => s.source_branch_id === undefined || s.source_branch_id === branch.id)
    .filter((s) => s.expires_at === undefined || Date.parse(s.expires_at) > now.getTime())
    .map((s) => {
      const when = s.timestamp ?? s.created_at;
      const at = new Date(when);
      if (Number.isNaN(at.getTime()))
        throw new NeonApiError(
          `Neon lists the snapshot ${s.id} of ${project.id} with the time ${JSON.stringify(String(when).slice(0, 40))}, which is not a time; look at it in the console`,
        );
      return { id: s.id, name: s.name, at };
    });
}

/** Neon restores the plan's snapshot into its new branch, not finalized; the tenant's branch is not touched. */
export async function snapshotRestore(
  api: NeonApi,
  project: ListedProject,
  plan: Extract<RestorePlan, { action: "snapshot-restore" }>,
  waiting?: Waiting,
  reading: ReaderOptions = {},
): Promise<Record<string, unknown>> {
  const reader = new NeonReader(api, reading);
  const restored = await reader.call(`restore the snapshot ${plan.snapshotName} (${plan.snapshot}) of ${project.id} into ${plan.newBranch}`, () =>
    api.restoreSnapshot({ projectId: project.id, snapshotId: plan.snapshot }, { name: plan.newBranch, finalize_restore: false }),
  );
  await waitForOperations(api, project.id, restored.operations, waiting);
  return {
    project: project.id,
    branch: restored.branch.id,
    branchName: restored.branch.name,
    snapshot: plan.snapshot,
    snapshotTakenAt: plan.takenAt,
    finalized: false,
    operations: restored.operations.map((o) => o.id),
    retries: reader.stats.retries,
  };
}
