/**
 * The nightly drift workflow of this stack's own repository (.github/workflows/drift.yml,
 * docs/drift.md), built on the typed workflow model and rendered by renderWorkflow; `npm run
 * generate` writes it and a test fails when the file differs. Pure.
 *
 * - `stacks` lists the stacks from the stack files (`npm run stacks`), no credential.
 * - `drift`, per stack, in the tenant-fleet-drift environment (main only; a schedule cannot wait
 *   for reviewers, so it holds only credentials that read): installs first, then the drift
 *   role through OIDC (src/plan/iam/drift.ts: reads only, data reads denied), a token of the
 *   read-only drift App narrowed to read permissions on the stack's one application
 *   repository, and runs sh/drift-compare.sh: `pulumi preview --refresh --expect-no-changes
 *   --json`, the regions check and `npm run drift -- report`. Its GITHUB_TOKEN reads contents
 *   only. The report (never the preview's JSON, which holds state values) is kept as an artifact.
 * - `issue`, per stack, after every drift job: `issues: write` and nothing of the repository
 *   checked out or run; sh/drift-issue.sh, with the alert job's issue functions
 *   (src/plan/workflows/sh/issue-keep.sh), opens, comments on or closes the stack's issue.
 */
import { ISSUE_KEEP_SCRIPT, ISSUE_LIST_CHARS } from "../plan/workflows/alertScript";
import { shellScript } from "../plan/workflows/shell";
import { JOB_TIMEOUT_CAP_MINUTES } from "../plan/workflows/batchScripts";
import { ACTIONS, NODE_MAJOR, renderWorkflow, RUNNER } from "../plan/workflows/render";
import type { Job, Step, Workflow } from "../plan/workflows/model";
import { DRIFT_ENVIRONMENT, DRIFT_SECRETS, DRIFT_WORKFLOW_PATH } from "../core/repositoryContract";
import { shellBody } from "../core/shellFile";
import { OPERATION_ACTIONS } from "./workflows";
import { OPERATION_SCRIPT_DIR } from "./scripts";

export { DRIFT_WORKFLOW_PATH };
/** Nightly at 02:23 UTC: off the hour, when GitHub's schedules queue most ("High load times ... the start of every hour"). */
export const DRIFT_CRON = "23 2 * * *";
/** The label of the drift issues. */
export const DRIFT_LABEL = "tenant-fleet-drift";
/** The step the runtime suite stands in for with its own install (test/runtime/substitutions.ts). */
export const DEPENDENCIES_STEP_NAME = "Dependencies";

export const DRIFT_ACTIONS = Object.freeze({
  createAppToken: { uses: "actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3", version: "v3.1.1" },
});

/**
 * The drift App token's permissions: read, on the repository permissions the stack's resources
 * are read with (GITHUB_PERMISSIONS in src/core/config/credentials.ts names the same ones with
 * write access for the deploy's App). `permission-<name>` narrows the installation token
 * (actions/create-github-app-token "Inputs"). Workflows has no read access of its own: Contents covers reading the files.
 */
export const DRIFT_APP_PERMISSIONS: Readonly<Record<string, "read">> = {
  "permission-metadata": "read",
  "permission-contents": "read",
  "permission-secrets": "read",
  "permission-variables": "read",
  "permission-environments": "read",
  "permission-administration": "read",
  "permission-actions": "read",
};

const ON_MAIN = "github.ref == 'refs/heads/main'";
const MATRIX = "${{ fromJSON(needs.stacks.outputs.all) }}";

function setupSteps(): Step[] {
  return [
    { name: "Check out", uses: ACTIONS.checkout.uses, with: { "persist-credentials": false } },
    { name: "Node.js", uses: OPERATION_ACTIONS.setupNode.uses, with: { "node-version": NODE_MAJOR, cache: "npm" } },
    { name: DEPENDENCIES_STEP_NAME, shell: "bash", run: "npm ci" },
  ];
}

function stacksJob(): Job {
  return {
    name: "stacks",
    if: ON_MAIN,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    permissions: { contents: "read" },
    outputs: { all: "${{ steps.list.outputs.all }}" },
    steps: [
      ...setupSteps(),
      { name: "Stacks", id: "list", shell: "bash", run: 'set -euo pipefail\nnpm run --silent stacks -- --github-output >> "${GITHUB_OUTPUT}"\n' },
    ],
  };
}

function driftJob(): Job {
  return {
    name: "drift (${{ matrix.stack }})",
    needs: ["stacks"],
    if: ON_MAIN,
    "runs-on": RUNNER,
    // The preview paces itself and has its own limit (sh/drift-compare.sh, src/review/drift/pace.ts); the job may take a hosted job's whole time.
    "timeout-minutes": JOB_TIMEOUT_CAP_MINUTES,
    environment: DRIFT_ENVIRONMENT,
    permissions: { contents: "read", "id-token": "write" },
    strategy: { "fail-fast": false, "max-parallel": 1, matrix: MATRIX },
    steps: [
      ...setupSteps(),
      { name: "Pulumi CLI (install only)", uses: OPERATION_ACTIONS.pulumi.uses },
      {
        name: "AWS credentials (OIDC, the read-only drift role)",
        uses: ACTIONS.configureAwsCredentials.uses,
        with: {
          "role-to-assume": "${{ vars.TENANT_FLEET_DRIFT_ROLE_ARN }}",
          "aws-region": "${{ matrix.awsRegion }}",
          "role-session-name": "tenant-fleet-drift-${{ matrix.stack }}",
        },
      },
      {
        name: "GitHub token (the drift App, read only, the stack's repository only)",
        id: "app",
        uses: DRIFT_ACTIONS.createAppToken.uses,
        with: {
          "client-id": "${{ vars.TENANT_FLEET_DRIFT_APP_CLIENT_ID }}",
          "private-key": "${{ secrets.TENANT_FLEET_DRIFT_APP_PRIVATE_KEY }}",
          owner: "${{ matrix.githubOwner }}",
          repositories: "${{ matrix.githubRepository }}",
          ...DRIFT_APP_PERMISSIONS,
        },
      },
      {
        name: "Compare (pulumi preview --refresh, regions --observe)",
        shell: "bash",
        env: {
          STACK: "${{ matrix.stack }}",
          RAW_DIR: "${{ runner.temp }}/drift-raw",
          REPORT_DIR: "${{ runner.temp }}/drift/${{ matrix.stack }}",
          // Secrets of the drift environment's own names (DRIFT_SECRETS), as the variables the tools read.
          NEON_API_KEY: `\${{ secrets.${DRIFT_SECRETS.NEON_API_KEY} }}`,
          GITHUB_TOKEN: "${{ steps.app.outputs.token }}",
          PULUMI_ACCESS_TOKEN: `\${{ secrets.${DRIFT_SECRETS.PULUMI_ACCESS_TOKEN} }}`,
          PULUMI_CONFIG_PASSPHRASE: `\${{ secrets.${DRIFT_SECRETS.PULUMI_CONFIG_PASSPHRASE} }}`,
          PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
          PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        },
        run: `${shellBody(OPERATION_SCRIPT_DIR, "drift-compare.sh")}\n`,
      },
      {
        name: "Keep the report for the issue job",
        if: "always()",
        uses: ACTIONS.uploadArtifact.uses,
        with: { name: "drift-${{ matrix.stack }}", path: "${{ runner.temp }}/drift/${{ matrix.stack }}/", "if-no-files-found": "warn", "retention-days": 30 },
      },
    ],
  };
}

function issueJob(): Job {
  return {
    name: "issue (${{ matrix.stack }})",
    needs: ["stacks", "drift"],
    if: `\${{ !cancelled() && ${ON_MAIN} && needs.stacks.result == 'success' }}`,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    permissions: { contents: "read", issues: "write" },
    strategy: { "fail-fast": false, "max-parallel": 4, matrix: MATRIX },
    steps: [
      {
        name: "The stack's report",
        uses: ACTIONS.downloadArtifact.uses,
        with: { pattern: "drift-${{ matrix.stack }}", path: "${{ runner.temp }}/report", "merge-multiple": true },
      },
      {
        name: "Open, update or close the stack's drift issue",
        shell: "bash",
        env: {
          GH_TOKEN: "${{ github.token }}",
          STACK: "${{ matrix.stack }}",
          REPORT_DIR: "${{ runner.temp }}/report",
          DRIFT_RESULT: "${{ needs.drift.result }}",
          ALERT_LABEL: DRIFT_LABEL,
          ISSUE_LIST_CHARS: String(ISSUE_LIST_CHARS),
        },
        run: `${shellScript(ISSUE_KEEP_SCRIPT)}\n${shellBody(OPERATION_SCRIPT_DIR, "drift-issue.sh")}\n`,
      },
    ],
  };
}

/** drift.yml: path and content. */
export function renderDriftWorkflow(): { path: string; content: string } {
  const workflow: Workflow = {
    name: "drift",
    on: { schedule: [{ cron: DRIFT_CRON }], workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: "tenant-fleet-drift", "cancel-in-progress": false },
    jobs: { stacks: stacksJob(), drift: driftJob(), issue: issueJob() },
  };
  const versions = new Map<string, string>(
    [...Object.values(ACTIONS), ...Object.values(OPERATION_ACTIONS), ...Object.values(DRIFT_ACTIONS)].map((a) => [a.uses, a.version]),
  );
  const comment = [
    " drift: what each stack declares beside what exists, read-only, every night (docs/drift.md).",
    " Generated by src/operations/driftWorkflow.ts (npm run generate): do not edit.",
    " One issue per stack (label tenant-fleet-drift), opened, updated and closed like the scheduled workflows' alerts.",
  ].join("\n");
  return { path: DRIFT_WORKFLOW_PATH, content: renderWorkflow(workflow, comment, versions) };
}
