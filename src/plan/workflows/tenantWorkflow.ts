/**
 * A tenant workflow (backups, migrations, restore drill): a planning job that reads the fleet
 * manifest, one batch job per slot (one slot, or the environment scope's forty) whose matrix is
 * the plan's output, a gate after each migration wave or one recording job, and the alert job.
 * What differs per kind is a KindSpec (kinds.ts); this module builds the jobs from it.
 *
 * Slots share one definition of their env and steps: the same objects are handed to every slot,
 * and the `yaml` package writes them once with anchors and aliases.
 */
import { concurrencyGroup, environmentName } from "../../core/repositoryContract";
import { manifestPath } from "../repository/manifest";
import { ACTIONS, header, renderWorkflow, RUNNER } from "./actions";
import {
  ACTIVITY_FILE,
  CANARY_ARTIFACT,
  CANARY_DIR,
  CANARY_STEP_ID,
  CANARY_STEP_NAME,
  CANARY_STEP_TIMEOUT_MINUTES,
  canaryRetentionDays,
  NEON_API,
  NEON_STEP_TIMEOUT_MINUTES,
  neonActivityEnv,
  neonActivityScript,
  walCanaryEnv,
  walCanaryScript,
  WRITTEN_FILE,
  type CanarySpec,
} from "./activityScripts";
import { batchScript, batchScriptEnv, GATE_SCRIPT_ENV, gateScript, PLAN_SCRIPT_ENV, planScript } from "./batchScripts";
import type { ActionStep, Env, Job, RunStep, Step, Workflow } from "./model";
import {
  alertJob,
  awsCredentialsStep,
  catalogEnvironment,
  drillServices,
  manifestCheckoutStep,
  recordStep,
  RESULTS_ARTIFACT,
  RESULTS_DIR,
  RETRY_DIR,
  runResultsStep,
} from "./steps";
import { Layout, tenantDatabaseConcurrency, type KindSpec } from "./workflowLayout";
import { SNAPSHOT_CHECK_JOB, snapshotCheckJob } from "./snapshotCheck";
import type { PlannedWorkflow, RenderedWorkflow, WorkflowSettings } from "./workflowSettings";

export { slotCount, slotJobIds, tenantDatabaseConcurrency, type KindSpec } from "./workflowLayout";

/** The planning job's step that reads the tenants' last activity from Neon (the runtime suite finds it by name). */
export const ACTIVITY_STEP_NAME = "Which tenants were active (Neon)";

/** The planning job's minutes without the Neon step (checkout, plan). */
const PLAN_JOB_MINUTES = 10;

/** A tenant the fleet manifest did not list this many days ago is new: its database may still be empty. */
export const NEW_TENANT_DAYS = 7;

/** The env every batch job of the workflow shares (one object: the slots alias it). */
function batchEnv(l: Layout): Env {
  const { spec } = l;
  return {
    MANIFEST: manifestPath(l.names),
    BATCH_KIND: spec.batchKind,
    ...(spec.schedule ? { BATCH_SCHEDULE: spec.schedule } : {}),
    BATCH_KEY: "${{ matrix.batch.key }}",
    BATCH_PARALLELISM: String(spec.parallelism),
    CREDENTIAL_SOURCE: l.binding.source,
    PG_MAJOR: "${{ matrix.batch.pg }}",
    ...spec.env,
    ...batchScriptEnv(spec.batchKind, spec.credentials),
  };
}

/** The steps of a round's batch jobs. Tools first: nothing that downloads or installs runs while AWS credentials exist. */
function batchSteps(l: Layout, round: number, stepEnv: Env): Step[] {
  const { spec } = l;
  return [
    spec.checkout,
    ...spec.tools,
    ...(spec.role ? [awsCredentialsStep(spec.role.session, spec.role.variable)] : []),
    {
      name: spec.stepName,
      shell: "bash",
      env: stepEnv,
      run: `${batchScript(spec.tenantScript, spec.credentials, spec.precheck)}\n`,
    },
    {
      name: spec.waves ? "Keep the results for the wave's gate" : "Keep the results for the fleet catalog",
      if: "always()",
      uses: ACTIONS.uploadArtifact.uses,
      with: {
        name: `${RESULTS_ARTIFACT}-${spec.waves ? `w${round + 1}-` : ""}\${{ matrix.batch.key }}`,
        path: `${RESULTS_DIR}/`,
        "if-no-files-found": "ignore",
        "retention-days": 30,
        overwrite: true,
      },
    },
  ];
}

/** Slot `i` of a round: a matrix job over the batches the plan put in it. */
function slotJob(l: Layout, round: number, i: number, env: Env, steps: readonly Step[]): Job {
  const { spec, settings } = l;
  const output = l.output(round, i);
  return {
    name: `${spec.jobPrefix}\${{ matrix.batch.key }}`,
    needs: round > 0 ? ["plan", l.gateId(round - 1)] : ["plan"],
    // A later wave's jobs follow the wave before through its gate, whose own needs may have been
    // skipped (an empty wave, a slot left empty, a resumed run) or failed (within the budget):
    // GitHub's implicit success() is false after any such ancestor, so they say which results
    // they accept: the plan's and the gate's success, and the run not cancelled.
    if:
      round > 0
        ? `!cancelled() && ${l.branchOnly.if} && needs.plan.result == 'success' && needs.${l.gateId(round - 1)}.result == 'success' && needs.plan.outputs.${output} != '[]'`
        : `${l.branchOnly.if} && needs.plan.outputs.${output} != '[]'`,
    // The batch's runner labels (runnerLabels) when its tenants' residency maps to some, else GitHub-hosted.
    "runs-on": `\${{ matrix.batch.runs_on || '${RUNNER}' }}`,
    "timeout-minutes": "${{ matrix.batch.timeout_minutes }}",
    ...(settings.scope === "environment" && spec.credentials
      ? { environment: environmentName("${{ matrix.batch.key }}"), concurrency: tenantDatabaseConcurrency(l.names) }
      : {}),
    permissions: spec.role !== undefined ? { "id-token": "write", contents: "read" } : { contents: "read" },
    strategy: { "fail-fast": false, "max-parallel": spec.maxParallel, matrix: { batch: `\${{ fromJSON(needs.plan.outputs.${output}) }}` } },
    ...(spec.drill ? { services: drillServices() } : {}),
    env,
    steps,
  };
}

/** After a wave's batch jobs: records the wave and stops the rollout when it is over its failure budget. */
function gateJob(l: Layout, round: number): Job {
  const { spec, rounds } = l;
  const after = round > 0 ? l.gateId(round - 1) : undefined;
  return {
    name: `wave ${rounds[round]}: within the failure budget?`,
    needs: ["plan", ...l.slots.map((slot) => l.jobIdOf(round, slot)), ...(after ? [after] : [])],
    // Runs whatever its batch jobs did (it judges them); never after a stopped wave.
    if: `always() && ${l.branchOnly.if} && needs.plan.result == 'success'${after ? ` && needs.${after}.result == 'success'` : ""}`,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    ...catalogEnvironment(l.settings),
    permissions: {},
    steps: [
      {
        name: "The wave's results",
        uses: ACTIONS.downloadArtifact.uses,
        // No artifact at all (every job of the wave died early) is judged below, not here.
        "continue-on-error": true,
        with: { pattern: `${RESULTS_ARTIFACT}-w${round + 1}-*`, path: `${RESULTS_DIR}/`, "merge-multiple": true },
      },
      // Recorded whatever the verdict; a catalog that refuses the rows is an error of its own, not the wave's.
      { ...recordStep(spec.batchKind, `wave ${rounds[round]}`, l.names, rounds[round]), "continue-on-error": true },
      {
        name: "Stop the rollout when the wave is over its failure budget",
        shell: "bash",
        env: { WAVE: rounds[round]!, PLANNED: `\${{ needs.plan.outputs.w${round + 1}_tenants }}`, BUDGET: spec.waves!.budget, RESULTS_DIR, ...GATE_SCRIPT_ENV },
        run: `${gateScript()}\n`,
      },
    ],
  };
}

/** Without waves, and when the stack has a catalog, one job after the batches records them all in it. */
function recordJob(l: Layout): Job {
  return {
    name: "record in the fleet catalog",
    needs: ["plan", ...l.slots],
    if: `always() && ${l.branchOnly.if} && needs.plan.result == 'success'`,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    ...catalogEnvironment(l.settings),
    permissions: {},
    steps: [runResultsStep(), recordStep(l.spec.batchKind, l.spec.name, l.names)],
  };
}

/** The env of the planning step: what planScript reads to cut the manifest's batches into slots. */
function planEnv(l: Layout): Env {
  const { spec } = l;
  return {
    MANIFEST: manifestPath(l.names),
    BATCH_KIND: spec.batchKind,
    ...(spec.schedule ? { BATCH_SCHEDULE: spec.schedule } : {}),
    ...(spec.waves
      ? {
          WAVES: JSON.stringify(spec.waves.names),
          ONLY_TENANTS: "${{ inputs.tenants }}",
          ONLY_WAVE: "${{ inputs.wave }}",
          RETRY_RUN: "${{ inputs.retry_run }}",
          RETRY_DIR,
          ...(spec.env.ONLY_BEHIND ? { ONLY_BEHIND: "${{ inputs.behind }}" } : {}),
        }
      : {}),
    SLOTS: String(l.slots.length),
    BATCH_PARALLELISM: String(spec.parallelism),
    WITH_SECRETS: String(l.binding.source === "slots"),
    // Backups: who is new to the manifest, read from its history with the run's token.
    ...(spec.batchKind === "backup" ? { NEW_TENANT_DAYS: String(NEW_TENANT_DAYS), GH_TOKEN: "${{ github.token }}" } : {}),
    // Backups: each tenant's last activity and its project's WAL written, as the Neon step before read them.
    ...(spec.activity ? { ACTIVITY_FILE, WRITTEN_FILE } : {}),
    ...PLAN_SCRIPT_ENV,
  };
}

/** The planning job: reads the manifest and gives each slot (of each wave) its batches as an output. */
function planJob(l: Layout): Job {
  const { spec } = l;
  const retryResults: ActionStep = {
    name: "Results of the run to retry",
    if: "inputs.retry_run != ''",
    uses: ACTIONS.downloadArtifact.uses,
    // A run without results is judged by the plan, which names it.
    "continue-on-error": true,
    with: {
      pattern: `${RESULTS_ARTIFACT}-w*`,
      path: `${RETRY_DIR}/`,
      "merge-multiple": true,
      "run-id": "${{ inputs.retry_run }}",
      "github-token": "${{ github.token }}",
    },
  };
  const planStep: RunStep = { name: "Plan the batches from the fleet manifest", id: "plan", shell: "bash", env: planEnv(l), run: `${planScript()}\n` };
  // Backups: the Neon key is in this step's env only, and the job enters the environment that holds it.
  const activity: RunStep[] = spec.activity
    ? [
        {
          name: ACTIVITY_STEP_NAME,
          // Fail safe: whatever goes wrong here, the plan runs and every tenant without a known activity is dumped.
          "continue-on-error": true,
          // One project read per tenant, paced: the step's own budget bounds them (activityScripts.ts).
          "timeout-minutes": NEON_STEP_TIMEOUT_MINUTES,
          shell: "bash",
          env: neonActivityEnv(manifestPath(l.names), spec.activity.orgId, spec.schedule ?? ""),
          run: `${neonActivityScript()}\n`,
        },
      ]
    : [];
  const canary = spec.activity?.canary;
  return {
    name: "plan",
    "runs-on": RUNNER,
    // The plan's own 10 minutes, and the Neon steps' on top when they read.
    "timeout-minutes": PLAN_JOB_MINUTES + (spec.activity ? NEON_STEP_TIMEOUT_MINUTES : 0) + (canary ? CANARY_STEP_TIMEOUT_MINUTES : 0),
    ...l.branchOnly,
    ...(spec.activity ? { environment: spec.activity.environment, env: { NEON_API } } : {}),
    // Migrations: reading another run's results (a retry) needs actions: read; so does the canary (the previous run's read).
    permissions: spec.waves || canary ? { contents: "read", actions: "read" } : { contents: "read" },
    outputs: Object.fromEntries([
      ...l.rounds.flatMap((_, round) => [
        ...l.slots.map((_s, i) => [l.output(round, i), `\${{ steps.plan.outputs.${l.output(round, i)} }}`]),
        ...(spec.waves ? [[`w${round + 1}_tenants`, `\${{ steps.plan.outputs.w${round + 1}_tenants }}`]] : []),
      ]),
      ...(canary
        ? [
            ["wal_rule", `\${{ steps.${CANARY_STEP_ID}.outputs.wal_rule }}`],
            ["wal_alive_since", `\${{ steps.${CANARY_STEP_ID}.outputs.wal_alive_since }}`],
          ]
        : []),
    ]),
    steps: [manifestCheckoutStep(), ...(spec.waves ? [retryResults] : []), ...activity, ...(canary ? canarySteps(l, canary) : []), planStep],
  };
}

/**
 * The WAL rule's canary (sh/wal-canary.sh): tonight's read of the fleet catalog's WAL written
 * against the previous run's, then tonight's kept for the next run. Fail safe: a step that goes
 * wrong leaves wal_rule unset, which the batch jobs read as off.
 */
function canarySteps(l: Layout, canary: CanarySpec): Step[] {
  return [
    {
      name: CANARY_STEP_NAME,
      id: CANARY_STEP_ID,
      "continue-on-error": true,
      "timeout-minutes": CANARY_STEP_TIMEOUT_MINUTES,
      shell: "bash",
      env: walCanaryEnv(manifestPath(l.names), canary),
      run: `${walCanaryScript()}\n`,
    },
    {
      name: "Keep the fleet catalog's read for the next run's canary",
      uses: ACTIONS.uploadArtifact.uses,
      // A read not kept only turns the next night's rule off: never a reason to fail the plan.
      "continue-on-error": true,
      with: {
        name: CANARY_ARTIFACT,
        path: `${CANARY_DIR}/`,
        "if-no-files-found": "ignore",
        "retention-days": canaryRetentionDays(canary),
        // A re-run is the same run: upload-artifact v4+ refuses a name the run already has unless overwritten.
        overwrite: true,
      },
    },
  ];
}

/** The batch jobs in file order: each round's slots (then its gate), and the recording job. */
function batchJobs(l: Layout): [string, Job][] {
  const env = batchEnv(l);
  // The runner context is not available to a job's env, only to its steps'.
  const stepEnv = { ...l.binding.env, RESULTS_DIR };
  // One list per round, shared by its slots: the file says it once and the slots alias it.
  const stepsOf = l.rounds.map((_, round) => batchSteps(l, round, stepEnv));
  return [
    ...l.rounds.flatMap((_, round) => [
      ...l.slots.map((slot, i): [string, Job] => [l.jobIdOf(round, slot), slotJob(l, round, i, env, stepsOf[round])]),
      ...(l.spec.waves ? [[l.gateId(round), gateJob(l, round)] as [string, Job]] : []),
    ]),
    ...(!l.spec.waves && l.settings.catalog ? [["record", recordJob(l)] as [string, Job]] : []),
  ];
}

/** A tenant workflow of the kind `spec` describes, rendered to its file. */
export function tenantWorkflow(file: PlannedWorkflow, settings: WorkflowSettings, spec: KindSpec): RenderedWorkflow {
  const l = new Layout(settings, spec);
  // The drill also checks that Neon's own snapshots (the first backup layer) are taken on schedule, when a tenant takes them.
  const jobs = [
    ...batchJobs(l),
    ...(spec.drill && file.snapshotCheck ? [[SNAPSHOT_CHECK_JOB, snapshotCheckJob(l.names, settings.branch, spec.jobPrefix)] as [string, Job]] : []),
  ];
  const body: Workflow = {
    name: spec.name,
    on: spec.on,
    permissions: {},
    concurrency: { group: concurrencyGroup(file.path), "cancel-in-progress": false },
    jobs: {
      plan: planJob(l),
      ...Object.fromEntries(jobs),
      ...(spec.alert ? { alert: alertJob(["plan", ...jobs.map(([id]) => id)], spec.jobPrefix, settings) } : {}),
    },
  };
  return { path: file.path, kind: spec.kind, content: renderWorkflow(body, header(spec.description, settings.source)) };
}
