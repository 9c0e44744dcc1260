/**
 * The dispatch workflows of this stack's own repository that carry out tenant operations
 * (.github/workflows/tenant-restore.yml, tenant-export.yml, tenant-erase.yml, tenant-move.yml,
 * tenant-move-finish.yml), built on the typed workflow model (src/plan/workflows/model.ts)
 * and rendered by renderWorkflow; their bash is in src/operations/sh/ (operation-*.sh). Pure;
 * `npm run generate` writes them and a test fails when the files in the repository differ.
 *
 * Each has two jobs. `plan` holds no secret: it plans the operation with the inputs
 * (`npm run tenant -- … --json`, shown in the run's summary) for the reviewers to read.
 * `apply` waits for approval in its environment (tenant-operations; erasure and a move's
 * finish, which deletes the source project: tenant-erasure, with reviewers of its own), installs everything before any credential,
 * and runs the same command with `--apply`: Neon's key and the Pulumi token from the
 * environment, the stack's outputs and the catalog owner's string (masked) from Pulumi,
 * AWS through OIDC as the operations role (erasure: the break-glass role). The operation's
 * record is kept as an artifact for 90 days. Inputs reach scripts through the environment
 * only, and the command checks each.
 */
import { ACTIONS, INSTALL_PG_CLIENT, NODE_MAJOR, renderWorkflow, RUNNER } from "../plan/workflows/render";
import type { DispatchInput, Env, Job, RunStep, Step, Workflow } from "../plan/workflows/model";
import { OPERATION_ROLES, OPERATION_WORKFLOW_ACCESS, OPERATIONS_BRANCH, operationWorkflowPath, type OperationKind } from "../core/repositoryContract";
import { shellBody } from "../core/shellFile";
import { OPERATION_SCRIPT_DIR } from "./scripts";

/** Actions these workflows use besides the generated workflows' own (ACTIONS), pinned like them. */
export const OPERATION_ACTIONS = Object.freeze({
  setupNode: { uses: "actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020", version: "v4.4.0" },
  pulumi: { uses: "pulumi/actions@8582a9e8cc630786854029b4e09281acd6794b58", version: "v6.6.1" },
});

/** The client the operations install: the newest major Neon offers reads and writes every older server. */
export const OPERATIONS_PG_MAJOR = 18;
/** How long a run keeps the operation's record (the auditor downloads what must be kept longer). */
export const RECORD_RETENTION_DAYS = 90;
const ON_MAIN = `github.ref == 'refs/heads/${OPERATIONS_BRANCH}'`;

interface OperationSpec {
  /** The workflow's name (tenant-<kind>.yml) and, unless `command` says otherwise, the command's. */
  readonly kind: OperationKind;
  readonly command?: "move";
  readonly title: string;
  /** The environment and role variable, from OPERATION_WORKFLOW_ACCESS (the roles' trust names the same files): access(kind). */
  readonly environment: string;
  /** The repository variable (of the environment) holding the role to assume; none: the job needs no AWS. */
  readonly roleVariable?: string;
  readonly inputs: Readonly<Record<string, DispatchInput>>;
  /** Environment variables from inputs, beside STACK, TENANT and TICKET. */
  readonly env: Env;
  /** The file in sh/ appending the operation's own options to `args` (none: the command takes none). */
  readonly argsScript?: string;
  /** A refusal without the catalog is not final (a restore's dumps are known only to it, its snapshots only to Neon's key): the plan job reports it and lets the apply job decide. */
  readonly planWithoutCatalogMayRefuse: boolean;
}

/** The operation's environment and role variable, as the repository contract declares them. */
function access(kind: OperationKind): { environment: string; roleVariable?: string } {
  const { environment, role } = OPERATION_WORKFLOW_ACCESS[kind];
  return role ? { environment, roleVariable: OPERATION_ROLES[role].variable } : { environment };
}

const COMMON_INPUTS: Record<string, DispatchInput> = {
  stack: { description: "The stack (prod, dev, or a shard)", type: "string", required: true, default: "prod" },
  tenant: { description: "The tenant's id", type: "string", required: true },
  ticket: { description: "The change or request this carries out (e.g. SEC-1234)", type: "string", required: true },
};

export const OPERATION_WORKFLOWS: readonly OperationSpec[] = [
  {
    kind: "restore",
    title: "tenant restore",
    ...access("restore"),
    inputs: {
      ...COMMON_INPUTS,
      to: { description: "A time with its zone (2026-12-02T09:00:00Z), a WAL position (0/16B3748), or before-migration RUN", type: "string", required: true },
      from_dump: {
        description: "Restore the newest verified dump before that point into a new branch, even inside the PITR window (the same as prefer: dump)",
        type: "boolean",
        required: false,
        default: false,
      },
      prefer: {
        description:
          "The backup layer: auto (PITR inside the window, else the closest of the newest Neon snapshot and the newest verified dump before the point), or dump or snapshot only (into a new branch)",
        type: "choice",
        required: false,
        default: "auto",
        options: ["auto", "dump", "snapshot"],
      },
    },
    env: { TO: "${{ inputs.to }}", FROM_DUMP: "${{ inputs.from_dump }}", PREFER: "${{ inputs.prefer }}" },
    argsScript: "operation-args-restore.sh",
    planWithoutCatalogMayRefuse: true,
  },
  {
    kind: "export",
    title: "tenant export",
    ...access("export"),
    inputs: {
      ...COMMON_INPUTS,
      format: {
        description: "custom (pg_restore) or plain (SQL, beside the custom dump)",
        type: "choice",
        required: true,
        default: "custom",
        options: ["custom", "plain"],
      },
    },
    env: { FORMAT: "${{ inputs.format }}" },
    argsScript: "operation-args-export.sh",
    planWithoutCatalogMayRefuse: false,
  },
  {
    kind: "erase",
    title: "tenant erase",
    ...access("erase"),
    inputs: { ...COMMON_INPUTS },
    env: {},
    planWithoutCatalogMayRefuse: false,
  },
  {
    kind: "move",
    title: "tenant move",
    ...access("move"),
    // Database to database through Neon: no vault, no AWS.
    inputs: {
      ...COMMON_INPUTS,
      catch_up: {
        description: "A move by logical replication: wait for the target, copy sequences, compare, stop replicating (writes paused)",
        type: "boolean",
        required: false,
        default: false,
      },
    },
    env: { CATCH_UP: "${{ inputs.catch_up }}" },
    argsScript: "operation-args-move.sh",
    planWithoutCatalogMayRefuse: false,
  },
  {
    // Deletes the released source of a finished move: its own approval, the erasure's reviewers.
    kind: "move-finish",
    command: "move",
    title: "tenant move finish",
    ...access("move-finish"),
    inputs: { ...COMMON_INPUTS },
    env: {},
    argsScript: "operation-args-move-finish.sh",
    // The grace period, backups and drills since the cutover are the catalog's to prove: the apply job plans again with it.
    planWithoutCatalogMayRefuse: true,
  },
];

export { operationWorkflowPath };

/**
 * A step's script: the stack and tenant checked and the command begun (sh/operation-command.sh),
 * the operation's own options (its argsScript), then the step's own file. Fixed files, each
 * with its header, composed; everything that varies reaches them through the step's env.
 */
function stepScript(spec: OperationSpec, step: "operation-plan.sh" | "operation-apply.sh"): string {
  const parts = ["operation-command.sh", ...(spec.argsScript ? [spec.argsScript] : []), step];
  return `${parts.map((name) => shellBody(OPERATION_SCRIPT_DIR, name)).join("\n")}\n`;
}

function setupSteps(): Step[] {
  return [
    { name: "Check out", uses: ACTIONS.checkout.uses, with: { "persist-credentials": false } },
    { name: "Node.js", uses: OPERATION_ACTIONS.setupNode.uses, with: { "node-version": NODE_MAJOR, cache: "npm" } },
    { name: "Dependencies", shell: "bash", run: "npm ci" },
  ];
}

/** The plan job's step: plans without secrets, shows the plan, and says where the apply job runs (sh/operation-plan.sh). */
function planStep(spec: OperationSpec, inputEnv: Env): RunStep {
  return {
    name: "Plan (no secrets)",
    id: "plan",
    shell: "bash",
    env: { ...inputEnv, DEFAULT_RUNNER: RUNNER, PLAN_NEEDS_CATALOG: String(spec.planWithoutCatalogMayRefuse) },
    run: stepScript(spec, "operation-plan.sh"),
  };
}

/** The apply job's step: reads the stack's outputs (and the catalog owner's string, masked) and carries the plan out (sh/operation-apply.sh). */
function applyStep(spec: OperationSpec, inputEnv: Env): RunStep {
  return {
    name: `${spec.title} (--apply)`,
    shell: "bash",
    env: {
      ...inputEnv,
      NEON_API_KEY: "${{ secrets.NEON_API_KEY }}",
      PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
      PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
      PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
      PG_CLIENT_MAJOR: String(OPERATIONS_PG_MAJOR),
    },
    run: stepScript(spec, "operation-apply.sh"),
  };
}

/** Plans without secrets on main; its outputs say the vault's region and where the apply job runs. */
function planJob(spec: OperationSpec, inputEnv: Env): Job {
  return {
    name: "plan",
    if: ON_MAIN,
    "runs-on": RUNNER,
    "timeout-minutes": 10,
    permissions: { contents: "read" },
    outputs: { aws_region: "${{ steps.plan.outputs.aws_region }}", runs_on: "${{ steps.plan.outputs.runs_on }}" },
    steps: [...setupSteps(), planStep(spec, inputEnv)],
  };
}

/** The role the apply job assumes through OIDC, when the operation needs AWS. */
function awsSteps(spec: OperationSpec): Step[] {
  if (!spec.roleVariable) return [];
  return [
    {
      name: "AWS credentials (OIDC)",
      uses: ACTIONS.configureAwsCredentials.uses,
      with: {
        "role-to-assume": `\${{ vars.${spec.roleVariable} }}`,
        "aws-region": "${{ needs.plan.outputs.aws_region }}",
        "role-session-name": `tenant-fleet-${spec.kind}-\${{ github.run_id }}`,
      },
    },
  ];
}

/** Waits for approval in the operation's environment, then installs, assumes the role and carries the plan out. */
function applyJob(spec: OperationSpec, inputEnv: Env): Job {
  return {
    name: `${spec.kind} (approved in ${spec.environment})`,
    needs: ["plan"],
    if: `${ON_MAIN} && needs.plan.outputs.aws_region != ''`,
    // The tenant's data is processed where its residency's runners are (runnerLabels), else on GitHub-hosted runners.
    "runs-on": "${{ fromJSON(needs.plan.outputs.runs_on) }}",
    "timeout-minutes": 180,
    environment: spec.environment,
    permissions: spec.roleVariable ? { contents: "read", "id-token": "write" } : { contents: "read" },
    steps: [
      ...setupSteps(),
      { name: "Postgres client (newest major)", shell: "bash", env: { PG_MAJOR: String(OPERATIONS_PG_MAJOR) }, run: `${INSTALL_PG_CLIENT}\n` },
      { name: "Pulumi CLI (install only)", uses: OPERATION_ACTIONS.pulumi.uses },
      ...awsSteps(spec),
      applyStep(spec, inputEnv),
      {
        name: "Keep the operation's record",
        if: "always()",
        uses: ACTIONS.uploadArtifact.uses,
        with: {
          name: `tenant-${spec.kind}-record-\${{ github.run_id }}`,
          path: "${{ runner.temp }}/record/",
          "if-no-files-found": "warn",
          "retention-days": RECORD_RETENTION_DAYS,
        },
      },
    ],
  };
}

function render(spec: OperationSpec): string {
  // The command (a constant) and the dispatch's inputs, for both jobs' scripts.
  const inputEnv: Env = {
    OPERATION: spec.command ?? spec.kind,
    STACK: "${{ inputs.stack }}",
    TENANT: "${{ inputs.tenant }}",
    TICKET: "${{ inputs.ticket }}",
    ...spec.env,
  };
  const workflow: Workflow = {
    name: spec.title,
    on: { workflow_dispatch: { inputs: spec.inputs } },
    permissions: {},
    // One operation per tenant at a time, queued, never cancelled mid-way.
    concurrency: { group: "tenant-operation-${{ inputs.stack }}-${{ inputs.tenant }}", "cancel-in-progress": false },
    jobs: { plan: planJob(spec, inputEnv), apply: applyJob(spec, inputEnv) },
  };
  const versions = new Map<string, string>([...Object.values(ACTIONS), ...Object.values(OPERATION_ACTIONS)].map((a) => [a.uses, a.version]));
  return renderWorkflow(
    workflow,
    [
      ` ${spec.title}: npm run tenant -- ${spec.kind}, dispatched by hand. Generated by src/operations/workflows.ts (npm run generate): do not edit.`,
      ` The plan job holds no secret and shows what will be done; the apply job waits for approval in the ${spec.environment} environment`,
      ` (required reviewers, main only), then carries it out and keeps the operation's record (docs/operations.md).`,
    ].join("\n"),
    versions,
  );
}

/** Every operation workflow: path and content. */
export function renderOperationWorkflows(): { path: string; content: string }[] {
  return OPERATION_WORKFLOWS.map((spec) => ({ path: operationWorkflowPath(spec.kind), content: render(spec) }));
}
