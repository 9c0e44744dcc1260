/**
 * The restore drill's check of Neon snapshots (sh/snapshot-check.sh): one job beside the
 * drill's batches that reads, for each tenant with snapshots, Neon's list of its project's
 * snapshots and fails the tenants whose newest scheduled snapshot is overdue. It holds no
 * connection string, only the Neon key the backup planning reads (NEON_ACTIVITY_SECRET, in
 * the default-branch-only environment neonActivityEnvironment); without it the job says so and passes. Its name carries
 * the drill's job prefix, so the alert job lists its failed tenants like a batch's.
 */
import { manifestPath } from "../repository/manifest";
import { RUNNER, defaultBranchOnly } from "./actions";
import { FAILED_TENANTS_TITLE } from "./batchScripts";
import { NEON_API } from "./dev";
import type { Job } from "./model";
import { shellScript } from "./shell";
import { manifestCheckoutStep } from "./steps";
import { NEON_ACTIVITY_SECRET, neonActivityEnvironment, type FleetNames } from "../../core/repositoryContract";

/** The job's id in the drill workflow. */
export const SNAPSHOT_CHECK_JOB = "snapshots";

/** What sh/snapshot-check.sh reads besides the manifest and the key. */
export const SNAPSHOT_CHECK_ENV: Readonly<Record<string, string>> = Object.freeze({ FAILED_TENANTS_TITLE });

/** The job: the manifest, then the check. `jobPrefix` is the drill's, so the alert job finds it. */
export function snapshotCheckJob(names: FleetNames, branch: string, jobPrefix: string): Job {
  return {
    name: `${jobPrefix}${SNAPSHOT_CHECK_JOB}`,
    "runs-on": RUNNER,
    "timeout-minutes": 30,
    ...defaultBranchOnly(branch),
    permissions: { contents: "read" },
    // The key lives in this environment, limited to the default branch (repositoryContract.ts).
    environment: neonActivityEnvironment(names),
    // A job-level env: the runtime suite points NEON_API at its Neon stand-in.
    env: { MANIFEST: manifestPath(names), NEON_API },
    steps: [
      manifestCheckoutStep(),
      {
        name: "Each tenant's newest Neon snapshot is within its schedule",
        shell: "bash",
        env: { NEON_ACTIVITY_API_KEY: `\${{ secrets.${NEON_ACTIVITY_SECRET} }}`, ...SNAPSHOT_CHECK_ENV },
        run: `${shellScript("snapshot-check.sh")}\n`,
      },
    ],
  };
}
