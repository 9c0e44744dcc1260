/**
 * How many jobs GitHub runs for one kind of generated job, and the batch size each kind runs
 * with: one matrix of 256, or in the environment scope (a job reads one environment's secrets,
 * so it serves one tenant) forty matrices.
 */
import type { SecretScope } from "../../core/repositoryContract";

/** GitHub runs at most 256 jobs from one matrix. */
export const MAX_MATRIX_JOBS = 256;
/**
 * Matrix jobs per kind in the environment scope, where each job serves one tenant (a job
 * reads one environment's secrets): 40 × 256 = 10,240 tenants per schedule.
 */
export const ENVIRONMENT_SLOTS = 40;

/**
 * The batch size a kind runs with: one tenant per job where the job reads the tenant's
 * environment (environment scope; the restore drill reads no connection string and batches).
 */
export function effectiveBatchSize(scope: SecretScope, batchSize: number, credentials = true): number {
  return scope === "environment" && credentials ? 1 : batchSize;
}

/** The jobs one kind may run: one matrix of 256, or the environment scope's slots. */
export function maxJobs(scope: SecretScope, credentials = true): number {
  return scope === "environment" && credentials ? ENVIRONMENT_SLOTS * MAX_MATRIX_JOBS : MAX_MATRIX_JOBS;
}
