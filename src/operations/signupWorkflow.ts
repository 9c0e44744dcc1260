/**
 * The tenant-signup workflow of this stack's own repository (.github/workflows/tenant-signup.yml,
 * docs/signup.md), on the typed workflow model: the application sends a `repository_dispatch`
 * (event type tenant-signup) at signup, or a person runs it by hand (`workflow_dispatch`). One
 * job: the request checked and rate-limited, `npm run tenant -- add` (or retire), then, as the
 * signup GitHub App, a branch, a pull request and auto-merge. Every field of the request
 * reaches the scripts (sh/signup-*.sh) through the job's env, never inside a script. The
 * merge itself is gated elsewhere: by the required checks and by the approval that the
 * tenant-diff workflow's auto-merge-eligible job (the base's checker) gives only to a change
 * that adds tenants and nothing else. Pure; `npm run generate` writes the file.
 */
import { ACTIONS, NODE_MAJOR, renderWorkflow, RUNNER } from "../plan/workflows/render";
import type { DispatchInput, Env, Job, Workflow } from "../plan/workflows/model";
import { shellBody } from "../core/shellFile";
import { OPERATION_SCRIPT_DIR } from "./scripts";
import { OPERATION_ACTIONS } from "./workflows";
import { SIGNUP_ACTIONS, SIGNUP_EVENT, SIGNUP_LABEL } from "./signup";
import { AUTO_MERGE_STATUS } from "../core/repositoryContract";

export const SIGNUP_WORKFLOW_PATH = ".github/workflows/tenant-signup.yml";
/** The environment holding the signup App's key: no reviewers, deployments from main only (docs/signup.md). */
export const SIGNUP_ENVIRONMENT = "tenant-signup";
/** The signup App's client id (a variable) and private key (a secret of SIGNUP_ENVIRONMENT). */
export const SIGNUP_APP_CLIENT_ID_VARIABLE = "TENANT_FLEET_SIGNUP_APP_CLIENT_ID";
export const SIGNUP_APP_KEY_SECRET = "TENANT_FLEET_SIGNUP_APP_PRIVATE_KEY";
/** The approver App (another identity: GitHub does not count an author's approval of its own pull request). */
export const APPROVER_APP_CLIENT_ID_VARIABLE = "TENANT_FLEET_APPROVER_APP_CLIENT_ID";
export const APPROVER_APP_KEY_SECRET = "TENANT_FLEET_APPROVER_APP_PRIVATE_KEY";
/** How long the approve job waits for the pull request's tenant diff (it plans both programs in a sandbox). */
export const VERDICT_WAIT_SECONDS = 40 * 60;

/** actions/create-github-app-token, pinned (https://github.com/actions/create-github-app-token, v3.1.1). */
export const APP_TOKEN_ACTION = { uses: "actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3", version: "v3.1.1" };

const INPUTS: Readonly<Record<string, DispatchInput>> = {
  action: {
    description: "add a tenant, or retire one (a retirement always waits for a person)",
    type: "choice",
    required: true,
    default: "add",
    options: [...SIGNUP_ACTIONS],
  },
  stack: { description: "The stack whose tenants file gains the tenant", type: "string", required: true, default: "prod" },
  tenant: { description: "The new tenant's id (never one used before)", type: "string", required: true },
  name: { description: "The customer's display name (add)", type: "string", required: false },
  region: { description: "The Neon region, e.g. aws-eu-central-1 (add)", type: "string", required: false },
  residency: { description: "The residency: an ISO 3166-1 alpha-2 code or EU (add)", type: "string", required: false },
  tier: { description: "One of the tenants file's tiers (add; optional)", type: "string", required: false },
  request: { description: "The application's id of the request", type: "string", required: true },
};

/** Each request field from a manual run's inputs or the dispatch's client_payload: expressions in env only. */
function requestEnv(): Env {
  const field = (input: string) => `\${{ inputs.${input} || github.event.client_payload.${input} }}`;
  return {
    ACTION: field("action"),
    STACK: field("stack"),
    TENANT: field("tenant"),
    NAME: field("name"),
    REGION: field("region"),
    RESIDENCY: field("residency"),
    TIER: field("tier"),
    REQUEST: field("request"),
    SIGNUP_LABEL,
  };
}

export function signupWorkflow(): Workflow {
  return {
    name: "tenant signup",
    on: { workflow_dispatch: { inputs: INPUTS }, repository_dispatch: { types: [SIGNUP_EVENT] } },
    permissions: {},
    jobs: {
      signup: {
        name: "signup (tenant add, a pull request as the signup App)",
        // repository_dispatch runs on the default branch; a manual run of another ref stops here.
        if: "github.ref == 'refs/heads/main'",
        "runs-on": RUNNER,
        "timeout-minutes": 15,
        environment: SIGNUP_ENVIRONMENT,
        // One edit of the tenants file at a time (each branches from main as it is); the approve jobs wait apart.
        concurrency: { group: "tenant-signup-edit", "cancel-in-progress": false },
        permissions: { contents: "read", "pull-requests": "read" },
        outputs: { pull_request: "${{ steps.pr.outputs.pull_request }}" },
        env: requestEnv(),
        steps: [
          // The whole history: tenant add refuses an id the tenants file ever held.
          { name: "Check out", uses: ACTIONS.checkout.uses, with: { "persist-credentials": false, "fetch-depth": 0 } },
          { name: "Node.js", uses: OPERATION_ACTIONS.setupNode.uses, with: { "node-version": NODE_MAJOR, cache: "npm" } },
          { name: "Dependencies", shell: "bash", run: "npm ci" },
          {
            name: "The request checked, the rate, and the tenants file edited (npm run tenant)",
            id: "request",
            shell: "bash",
            env: { GH_TOKEN: "${{ github.token }}" },
            run: `${shellBody(OPERATION_SCRIPT_DIR, "signup-edit.sh")}\n`,
          },
          {
            name: "The signup App's token",
            id: "app",
            uses: APP_TOKEN_ACTION.uses,
            with: {
              "client-id": `\${{ vars.${SIGNUP_APP_CLIENT_ID_VARIABLE} }}`,
              "private-key": `\${{ secrets.${SIGNUP_APP_KEY_SECRET} }}`,
              "permission-contents": "write",
              "permission-pull-requests": "write",
            },
          },
          {
            name: "The pull request, as the signup App, auto-merge on",
            id: "pr",
            shell: "bash",
            env: {
              GH_TOKEN: "${{ steps.app.outputs.token }}",
              APP_SLUG: "${{ steps.app.outputs.app-slug }}",
              BRANCH: "${{ steps.request.outputs.branch }}",
              BASE_BRANCH: "main",
            },
            run: `${shellBody(OPERATION_SCRIPT_DIR, "signup-pull-request.sh")}\n`,
          },
        ],
      },
      approve: approveJob(),
    },
  };
}

/**
 * Waits for the base's checker (tenant-diff, pull_request_target) on the pull request, posts
 * its combined verdict as the commit status, and approves as the approver App only when it is
 * "tenants added, nothing else changed". A retirement is never approved here.
 */
function approveJob(): Job {
  return {
    name: "approve (only what the base's checker finds eligible)",
    needs: ["signup"],
    if: "github.ref == 'refs/heads/main' && needs.signup.outputs.pull_request != '' && (inputs.action || github.event.client_payload.action || 'add') == 'add'",
    "runs-on": RUNNER,
    "timeout-minutes": VERDICT_WAIT_SECONDS / 60 + 10,
    environment: SIGNUP_ENVIRONMENT,
    permissions: { contents: "read", actions: "read", statuses: "write", "pull-requests": "read" },
    steps: [
      { name: "Check out", uses: ACTIONS.checkout.uses, with: { "persist-credentials": false } },
      { name: "Node.js", uses: OPERATION_ACTIONS.setupNode.uses, with: { "node-version": NODE_MAJOR, cache: "npm" } },
      { name: "Dependencies", shell: "bash", run: "npm ci" },
      {
        name: `The base's verdict, posted as ${AUTO_MERGE_STATUS}`,
        id: "verdict",
        shell: "bash",
        env: {
          GH_TOKEN: "${{ github.token }}",
          PR_URL: "${{ needs.signup.outputs.pull_request }}",
          STATUS_CONTEXT: AUTO_MERGE_STATUS,
          WAIT_SECONDS: String(VERDICT_WAIT_SECONDS),
        },
        run: `${shellBody(OPERATION_SCRIPT_DIR, "signup-verdict.sh")}\n`,
      },
      {
        name: "The approver App's token",
        id: "approver",
        if: "steps.verdict.outputs.eligible == 'true'",
        uses: APP_TOKEN_ACTION.uses,
        with: {
          "client-id": `\${{ vars.${APPROVER_APP_CLIENT_ID_VARIABLE} }}`,
          "private-key": `\${{ secrets.${APPROVER_APP_KEY_SECRET} }}`,
          "permission-pull-requests": "write",
        },
      },
      {
        name: "Approve (auto-merge then merges once the required checks pass)",
        if: "steps.verdict.outputs.eligible == 'true'",
        shell: "bash",
        env: {
          GH_TOKEN: "${{ steps.approver.outputs.token }}",
          NUMBER: "${{ steps.verdict.outputs.number }}",
          HEAD_SHA: "${{ steps.verdict.outputs.head_sha }}",
        },
        run: `${shellBody(OPERATION_SCRIPT_DIR, "signup-approve.sh")}\n`,
      },
    ],
  };
}

export function renderSignupWorkflow(): { path: string; content: string } {
  const versions = new Map<string, string>([...Object.values(ACTIONS), ...Object.values(OPERATION_ACTIONS), APP_TOKEN_ACTION].map((a) => [a.uses, a.version]));
  return {
    path: SIGNUP_WORKFLOW_PATH,
    content: renderWorkflow(
      signupWorkflow(),
      [
        " tenant signup: npm run tenant -- add at a customer's signup (repository_dispatch tenant-signup) or by hand.",
        " Generated by src/operations/signupWorkflow.ts (npm run generate): do not edit. docs/signup.md: the App, the",
        " token the application calls it with, the approval that lets a pure addition merge without a person.",
      ].join("\n"),
      versions,
    ),
  };
}
