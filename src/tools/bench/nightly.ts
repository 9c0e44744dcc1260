/**
 * One night of backups of a synthetic fleet of `tenants` under a stack's settings: the
 * generated workflows, and the jobs their planning jobs would start from the manifest the
 * stack would commit (the model of runners.ts). Pure: renders, runs nothing.
 */
import { parse } from "yaml";
import { syntheticTenantsYaml } from "./syntheticFleet";
import { jobsOf, runnerRow, slotResolver, DEFAULT_JOB_MODEL, type JobModel, type RunnerRow } from "./runners";
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
  const nightly = workflows
    .filter((w) => w.kind === "backup")
    .flatMap((w) => {
      const schedule = (parse(w.content) as { on: { schedule: { cron: string }[] } }).on.schedule[0].cron;
      return jobsOf(
        w.path,
        w.content,
        model,
        slotResolver(batches.backup.get(schedule)?.batches ?? []),
        scope === "environment" ? 1 : settings.workflows.batchParallelism,
      );
    });
  const schedules = new Set(fleet.tenants.filter(isBackedUp).map((t) => t.backup.schedule)).size;
  return runnerRow(tenants, workflows.length + 1, nightly, concentrated ? `${scope}*` : scope, schedules);
}
