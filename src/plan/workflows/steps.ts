/**
 * The steps and job pieces the tenant workflows share: AWS credentials, the Postgres client,
 * the manifest checkout, the run's results and their record in the fleet catalog, the drill's
 * Postgres service, and the alert job that ends a scheduled workflow.
 */
import type { FleetNames } from "../../core/repositoryContract";
import { MANIFEST_DIR } from "../repository/manifest";
import { ACTIONS, defaultBranchOnly, RUNNER } from "./actions";
import { ALERT_SCRIPT_ENV, alertScript } from "./alertScript";
import { recordScript, recordScriptEnv, type BatchKind } from "./batchScripts";
import type { ActionStep, Job, RunStep, Service } from "./model";
import { DEFAULT_ALERTS, type WorkflowSettings } from "./workflowSettings";

/** Where a batch job leaves its tenants' result lines for its wave's gate. */
export const RESULTS_DIR = "${{ runner.temp }}/tenant-fleet-results";
/** Where a retry's planning job puts the results of the run it retries. */
export const RETRY_DIR = "${{ runner.temp }}/tenant-fleet-retry";
/** The artifact of one batch's results: `<prefix>-w<n>-<batch key>`. */
export const RESULTS_ARTIFACT = "tenant-fleet-results";

/** The vault of the batch's AWS region, from the repository variable the stack writes. */
export function vaultExpr(names: FleetNames): string {
  return `fromJSON(vars.${names.vaultsVariable})[matrix.batch.aws_region]`;
}

export function awsCredentialsStep(sessionName: string, roleVariable: string): ActionStep {
  return {
    name: "AWS credentials (OIDC)",
    uses: ACTIONS.configureAwsCredentials.uses,
    with: {
      "role-to-assume": `\${{ vars.${roleVariable} }}`,
      "aws-region": "${{ matrix.batch.aws_region }}",
      "role-session-name": sessionName,
    },
  };
}

/** Installs the Postgres client of major PG_MAJOR from PGDG (the tenant's, or the newest for the operations). */
export const INSTALL_PG_CLIENT = [
  "set -euo pipefail",
  "sudo apt-get update -qq",
  "sudo apt-get install -y -qq postgresql-common",
  "sudo /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y",
  'sudo apt-get install -y -qq "postgresql-client-${PG_MAJOR}"',
  '"/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" --version',
].join("\n");

/** The step that installs the tenant's Postgres client (the runtime suite stands in for it by name). */
export const PG_CLIENT_STEP_NAME = "Postgres client of the tenant's major version";

export function installPgClientStep(): RunStep {
  return { name: PG_CLIENT_STEP_NAME, shell: "bash", run: `${INSTALL_PG_CLIENT}\n` };
}

/** Checks out only the fleet manifest, from the commit being run, without keeping the token. */
export function manifestCheckoutStep(): ActionStep {
  return {
    name: "Fleet manifest",
    uses: ACTIONS.checkout.uses,
    with: { "persist-credentials": false, "sparse-checkout": MANIFEST_DIR, "sparse-checkout-cone-mode": false },
  };
}

/** Every batch job's result lines of this run, in RESULTS_DIR (none at all is the reader's to judge). */
export function runResultsStep(): ActionStep {
  return {
    name: "The run's results",
    uses: ACTIONS.downloadArtifact.uses,
    "continue-on-error": true,
    with: { pattern: `${RESULTS_ARTIFACT}-*`, path: `${RESULTS_DIR}/`, "merge-multiple": true },
  };
}

/** A recording job enters the catalog's environment when the stack keeps the writer string there. */
export function catalogEnvironment(settings: WorkflowSettings): { environment?: string } {
  return settings.catalog?.environment ? { environment: settings.catalog.environment } : {};
}

/** The step that records a run's (or a wave's) result lines in the fleet catalog. */
export function recordStep(kind: BatchKind, what: string, names: FleetNames, wave?: string): RunStep {
  return {
    name: wave ? "Record the wave in the fleet catalog" : "Record the results in the fleet catalog",
    shell: "bash",
    env: {
      CATALOG_URL: `\${{ secrets.${names.catalogSecret} }}`,
      CATALOG_SECRET: names.catalogSecret,
      WHAT: what,
      ...(wave ? { WAVE: wave } : {}),
      RESULTS_DIR,
      ...recordScriptEnv(kind),
    },
    run: `${recordScript()}\n`,
  };
}

/** The restore drill's scratch Postgres, the batch's major. */
export function drillServices(): Record<string, Service> {
  return {
    postgres: {
      // Pinned by digest (src/plan/repository/images.ts, through the manifest): this container receives tenants' data.
      image: "${{ matrix.batch.pg_image }}",
      env: { POSTGRES_HOST_AUTH_METHOD: "trust" },
      ports: ["5432:5432"],
      options: "--health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 30",
    },
  };
}

/**
 * The last job of a scheduled workflow: opens one issue per workflow when a run fails
 * (naming the failed tenants and linking the run), comments on it while it stays red, and
 * closes it on the next fully green run. Only this job holds `issues: write`.
 */
export function alertJob(needs: readonly string[], jobPrefix: string, settings: WorkflowSettings): Job {
  const alerts = settings.alerts ?? DEFAULT_ALERTS;
  return {
    name: "tell people",
    needs: [...needs],
    if: `always() && ${defaultBranchOnly(settings.branch).if}`,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    permissions: { issues: "write", actions: "read", checks: "read" },
    steps: [
      // The batch jobs' result lines name every failed tenant; annotations are capped (10 errors a step).
      runResultsStep(),
      {
        name: "Open, update or close the failure issue",
        shell: "bash",
        env: {
          GH_TOKEN: "${{ github.token }}",
          RESULTS_DIR,
          // The planning job's and every batch job's: failure when any failed or was cancelled.
          RESULT: "${{ (contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled')) && 'failure' || 'success' }}",
          JOB_PREFIX: jobPrefix,
          ALERT_LABEL: alerts.label,
          ALERT_ASSIGNEES: JSON.stringify(alerts.assignees),
          ...ALERT_SCRIPT_ENV,
        },
        run: `${alertScript()}\n`,
      },
    ],
  };
}
