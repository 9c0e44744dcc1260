/**
 * One night of backups of a synthetic fleet of `tenants` under a stack's settings: the
 * generated workflows, and the jobs their planning jobs would start from the manifest the
 * stack would commit (the model of runners.ts). With an idle share, each workflow whose
 * planning job reads Neon (its step has NEON_PROJECT_SPACING_MS) spends `neonReads` there before
 * any batch starts. Pure: renders, runs nothing.
 */
import { parse } from "yaml";
import { syntheticTenantsYaml } from "./syntheticFleet";
import { addNeonReads, jobsOf, neonReads, runnerRow, slotResolver, DEFAULT_JOB_MODEL, type JobModel, type NeonReads, type RunnerRow } from "./runners";
import type { StackSettings } from "../../core/config/settings";
import { fleetNames } from "../../core/repositoryContract";
import { parseTenants } from "../../../tenants/load";
import { isBackedUp } from "../../../tenants/model";
import { renderWorkflows, workflowSettings } from "../../plan/workflows/render";
import { planFleetBatches } from "../../plan/repository/manifest";

export function nightlyBackups(tenants: number, settings: StackSettings, model: JobModel = DEFAULT_JOB_MODEL, concentrated = false): RunnerRow {
  const scope = settings.secretScope;
  const fleet = parseTenants(syntheticTenantsYaml(tenants, { concentrated }), "synthetic.yaml").fleet!;
  const workflows = renderWorkflows(fleet.tenants, workflowSettings(settings, fleetNames()));
  const batches = planFleetBatches(fleet.tenants, { scope, batchSize: settings.workflows.batchSize, migrations: false });
  const reads: NeonReads[] = [];
  let longestPlanSeconds = 0;
  const nightly = workflows
    .filter((w) => w.kind === "backup")
    .flatMap((w) => {
      const schedule = (parse(w.content) as { on: { schedule: { cron: string }[] } }).on.schedule[0].cron;
      const jobs = jobsOf(
        w.path,
        w.content,
        model,
        slotResolver(batches.backup.get(schedule)?.batches ?? []),
        scope === "environment" ? 1 : settings.workflows.batchParallelism,
      );
      if (model.idleShare === undefined || !w.content.includes("NEON_PROJECT_SPACING_MS")) return jobs;
      // The planning job reads the list and each of this schedule's tenants' projects first.
      const read = neonReads(
        jobs.reduce((n, j) => n + j.tenants, 0),
        fleet.tenants.length,
      );
      reads.push(read);
      return jobs.map((j) => {
        if (j.job !== "plan") return j;
        longestPlanSeconds = Math.max(longestPlanSeconds, j.seconds + read.seconds);
        return { ...j, seconds: j.seconds + read.seconds };
      });
    });
  const schedules = new Set(fleet.tenants.filter(isBackedUp).map((t) => t.backup.schedule)).size;
  const neon = reads.length > 0 ? { ...addNeonReads(reads), longestPlanSeconds } : undefined;
  return runnerRow(tenants, workflows.length + 1, nightly, concentrated ? `${scope}*` : scope, schedules, neon);
}
