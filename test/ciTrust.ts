/**
 * The trust rules of this stack's own CI (.github/workflows/preview.yml and deploy.yml),
 * as checks over the parsed workflow: what a pull request's code can hold, where deploy
 * credentials live, and what runs next to them. test/ownCi.test.ts runs them on the real
 * files and on copies with planted violations.
 */

import {
  DRIFT_ENVIRONMENT,
  ERASURE_ENVIRONMENT,
  OPERATIONS_ENVIRONMENT,
  PROD_ADDITIONS_ENVIRONMENT,
  PROD_ENVIRONMENT_CHOICE,
} from "../src/core/repositoryContract";
import { DEPLOY_SCRIPTS } from "../src/operations/scripts";

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  "working-directory"?: string;
}
export interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  strategy?: { matrix?: unknown };
  steps: Step[];
}
export interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** Secrets a pull request's preview may hold: read state and decrypt it, behind approval. */
export const PREVIEW_SECRETS = ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"];
/** Credentials that change the fleet; only dev and prod environment jobs on the default branch. */
export const DEPLOY_SECRETS = ["NEON_API_KEY", "TENANT_FLEET_APP_PRIVATE_KEY", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"];
/**
 * Where deploy credentials may be: the deploy's environments, the tenant operations' (each with
 * reviewers of its own), and the nightly drift's (main only; its Neon key is one of its own,
 * since Neon has no read-only key, and its other credentials read only: docs/drift.md).
 */
const DEPLOY_ENVIRONMENTS = ["dev", "prod", PROD_ADDITIONS_ENVIRONMENT, OPERATIONS_ENVIRONMENT, ERASURE_ENVIRONMENT, DRIFT_ENVIRONMENT];
const ON_DEFAULT_BRANCH = "github.ref == 'refs/heads/main'";
const COMMENT_SCRIPT = "node scripts/pr-comment.mjs --from reports";

function secretsIn(value: unknown): string[] {
  const text = JSON.stringify(value ?? null);
  const names = [...text.matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
  if (/secrets\s*\[|toJSON\(\s*secrets\s*\)/i.test(text)) names.push("*");
  return [...new Set(names)];
}

const environmentOf = (job: Job) => (typeof job.environment === "string" ? job.environment : job.environment?.name);
/**
 * Every environment a job may run in: its name, or both names of deploy.yml's one choice
 * (prod unless the fast path proved a pure tenant addition). Any other expression could
 * name any environment, so it is reported as itself and matches none.
 */
const environmentsOf = (job: Job): string[] => {
  const env = environmentOf(job);
  if (env === PROD_ENVIRONMENT_CHOICE) return ["prod", PROD_ADDITIONS_ENVIRONMENT];
  return env === undefined ? [] : [env];
};
const isInstall = (step: Step) => /\b(npm|yarn|pnpm)\s+(ci|install|i)\b|\bapt(-get)?\s+install\b|\|\s*(ba)?sh\b/.test(step.run ?? "");
/** Steps that run code from the checked-out tree (the pull request's, in preview.yml). */
const runsRepositoryCode = (step: Step) => /\b(npm|npx|pulumi|node|tsx)\b/.test(step.run ?? "") && step.run !== `set -euo pipefail\n${COMMENT_SCRIPT}\n`;
const writes = (job: Job) =>
  Object.entries(job.permissions ?? {})
    .filter(([k, v]) => v === "write" && k !== "id-token")
    .map(([k]) => k);

/** A checkout of the pull request's own commit (its head or its merge ref), not the base's. */
const checksOutPullRequest = (s: Step) =>
  !!s.uses?.startsWith("actions/checkout@") &&
  /pull_request\.head|refs\/pull\//.test(JSON.stringify(s.with?.ref ?? "") + JSON.stringify(s.with?.repository ?? ""));
/**
 * The one command that may run in the pull request's checkout: the base's guard against
 * workspaces and local dependencies outside it (scripts/head-install-guard.mjs, by absolute
 * path), then an install of its packages that runs none of their scripts and ignores its .npmrc.
 */
export const HEAD_INSTALL = 'node "${GITHUB_WORKSPACE}/base/scripts/head-install-guard.mjs" && rm -f .npmrc && npm ci --ignore-scripts --no-audit --no-fund';
/** The one way the base's checker may plan the pull request's program: in the sandbox. */
const SANDBOXED_PLAN = /npm run --silent plan -- --stack "\$\{STACK\}" --head \.\.\/(\S+) --sandbox /;

/** The sandbox the pull request's program runs in: bubblewrap from the distribution, installed before anything of the pull request is on the runner. */
const SANDBOX_INSTALL = /\bapt-get install\b.*\bbubblewrap\b/;
/** A shell given by absolute path (setup-node puts a world-writable tool cache first on PATH). */
const ABSOLUTE_SHELL = /^\/(usr\/)?bin\/bash\s/;
/** Commands a step may run after the pull request's program ran: bash's own words, and binaries by absolute path. */
const BASH_OWN = new Set(["if", "then", "else", "elif", "fi", "[", "[[", "test", "echo", "printf", "exit", "true", "false", ":", "{", "}"]);

/** The first word of every command in `script`'s lines after the first that matches `from` (quoted text blanked first, comment lines skipped), and of every `$(…)`. */
function commandsAfter(script: string, from: RegExp): string[] {
  const lines = script.split("\n");
  const at = lines.findIndex((l) => from.test(l));
  if (at < 0) return [];
  const after = lines.slice(at + 1).filter((l) => !/^\s*#/.test(l));
  const substituted = after.flatMap((l) => [...l.matchAll(/\$\(\s*([^\s)|;]+)/g)].map((m) => m[1]));
  return after
    .map((l) => l.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, "Q"))
    .flatMap((l) => l.split(/;|&&|\|\||\||\bthen\b|\belse\b/))
    .map(
      (c) =>
        c
          .trim()
          .replace(/^[{(!]\s*/, "")
          .split(/\s+/)[0],
    )
    .filter((w) => w && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w))
    .concat(substituted);
}

/**
 * Where the pull request's program is planned: bubblewrap is installed before the pull
 * request is checked out; the planning step's shell and every command after the plan are
 * bash's own or given by absolute path; the verdict is that step's exit status (the plan's),
 * with no `run:` step after it that a replaced tool on PATH could turn into a pass.
 */
function sandboxedPlanFindings(at: string, job: Job): string[] {
  const out: string[] = [];
  const head = job.steps.findIndex(checksOutPullRequest);
  const install = job.steps.findIndex((s) => SANDBOX_INSTALL.test(s.run ?? ""));
  if (install < 0 || install > head) out.push(`${at}: bubblewrap is not installed before the pull request is checked out`);
  const plan = job.steps.findIndex((s) => SANDBOXED_PLAN.test(s.run ?? ""));
  if (plan < 0) return out;
  const step = job.steps[plan];
  if (!ABSOLUTE_SHELL.test(step.shell ?? ""))
    out.push(`${at}: the step that plans the pull request's program finds its shell on PATH (shell: ${step.shell ?? "bash"}); give /usr/bin/bash`);
  for (const word of commandsAfter(step.run!, SANDBOXED_PLAN))
    if (!BASH_OWN.has(word) && !word.startsWith("/"))
      out.push(`${at}: runs "${word}" from PATH after the pull request's program ran; give it by absolute path`);
  const lines = step.run!.trim().split("\n");
  if (!/\|\| status=\$\?$/.test(lines.find((l) => SANDBOXED_PLAN.test(l))!) || lines.at(-1) !== 'exit "${status}"')
    out.push(`${at}: the verdict is not the planning step's exit status (plan … || status=$? … exit "\${status}")`);
  for (const s of job.steps.slice(plan + 1))
    if (s.run) out.push(`${at}: runs "${s.run.trim().split("\n")[0]}" after the pull request's program ran; decide in the step that plans it`);
  return out;
}

/**
 * pull_request_target runs the base branch's file with the base repository's token, cache
 * scope and secrets: allowed only in the shape tenant-diff.yml has. No secret, no OIDC, no
 * cache; the pull request's commit checked out as data in a directory of its own, never with
 * credentials; nothing run there but an install without scripts; its program planned only
 * through `plan --head … --sandbox`; and no job that writes sees it.
 */
function pullRequestTargetFindings(file: string, wf: Workflow): string[] {
  const out: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    const at = `${file} ${id}`;
    if (secretsIn(job).length) out.push(`${at}: a pull_request_target job reads secrets (${secretsIn(job).join(", ")})`);
    if (job.permissions?.["id-token"]) out.push(`${at}: a pull_request_target job can mint an OIDC token`);
    for (const s of job.steps) {
      if (s.uses?.startsWith("actions/cache@") || (s.uses?.startsWith("actions/setup-node@") && s.with?.cache))
        out.push(`${at}: uses a cache, which a pull_request_target job writes in the base branch's scope`);
      if (s.uses?.startsWith("actions/checkout@") && s.with?.["persist-credentials"] !== false) out.push(`${at}: a checkout keeps its credentials`);
    }
    const heads = job.steps.filter(checksOutPullRequest);
    if (!heads.length) continue;
    if (writes(job).length) out.push(`${at}: checks out the pull request with ${writes(job).join(", ")}: write`);
    const dirs = heads.map((s) => String(s.with?.path ?? "")).map((d) => d.replace(/^\.\//, "").replace(/\/$/, ""));
    if (dirs.some((d) => d === "" || d === ".")) out.push(`${at}: checks out the pull request into the workspace root, where every step runs`);
    for (const s of job.steps.filter((x) => x.run)) {
      const wd = (s["working-directory"] ?? "").replace(/^\.\//, "").replace(/\/$/, "");
      if (dirs.includes(wd) && s.run!.trim() !== HEAD_INSTALL) out.push(`${at}: runs "${s.run!.trim().split("\n")[0]}" in the pull request's checkout`);
      if (!wd && runsRepositoryCode(s)) out.push(`${at}: runs "${s.run!.trim().split("\n")[0]}" outside a checkout of its own`);
      const plansHead = /--head\b/.test(s.run!);
      if (plansHead && !(SANDBOXED_PLAN.test(s.run!) && dirs.includes(SANDBOXED_PLAN.exec(s.run!)![1])))
        out.push(`${at}: plans the pull request's program outside the sandbox (plan --head ../<checkout> --sandbox)`);
    }
    out.push(...sandboxedPlanFindings(at, job));
  }
  return out;
}

export function trustFindings(file: string, wf: Workflow): string[] {
  const out: string[] = [];
  const onPullRequest = "pull_request" in wf.on || "pull_request_target" in wf.on || "workflow_run" in wf.on;
  if ("workflow_run" in wf.on) out.push(`${file}: triggered by workflow_run, which runs with the base repository's secrets`);
  if ("pull_request_target" in wf.on) out.push(...pullRequestTargetFindings(file, wf));
  if (secretsIn(wf.env).length) out.push(`${file}: workflow-level env holds secrets (${secretsIn(wf.env).join(", ")})`);
  if (wf.permissions === undefined || JSON.stringify(wf.permissions) !== "{}") out.push(`${file}: top-level permissions are not {}`);
  const deploys = Object.values(wf.jobs).some((j) => j.steps.some((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up"));

  for (const [id, job] of Object.entries(wf.jobs)) {
    const at = `${file} ${id}`;
    const env = environmentOf(job);
    const jobSecrets = secretsIn(job);
    if (secretsIn(job.env).length) out.push(`${at}: job-level env holds secrets (${secretsIn(job.env).join(", ")}); give them to the one step that needs them`);
    if (jobSecrets.includes("*")) out.push(`${at}: reads every secret at once`);

    // Nothing installs after a secret or a cloud credential is in the job.
    const firstCredential = job.steps.findIndex((s) => secretsIn(s).length > 0 || s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    if (firstCredential >= 0) {
      for (const s of job.steps.slice(firstCredential)) if (isInstall(s)) out.push(`${at}: "${s.run?.trim()}" installs after credentials are in the job`);
    }

    if (onPullRequest) {
      const beyondPreview = jobSecrets.filter((s) => !PREVIEW_SECRETS.includes(s));
      if (beyondPreview.length) out.push(`${at}: a pull-request job holds ${beyondPreview.join(", ")}`);
      if (jobSecrets.length && env !== "preview")
        out.push(`${at}: holds secrets (${jobSecrets.join(", ")}) without waiting for approval in the preview environment`);
      if (env && env !== "preview") out.push(`${at}: a pull-request job names environment ${env}`);
      if (writes(job).length && job.steps.some(runsRepositoryCode)) out.push(`${at}: runs the pull request's code with ${writes(job).join(", ")}: write`);
      if (writes(job).length) {
        const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
        if (checkout && checkout.with?.["sparse-checkout"] !== "scripts/pr-comment.mjs")
          out.push(`${at}: a job that writes checks out more than the comment script`);
        if (job.steps.some((s) => s.run && s.run !== `set -euo pipefail\n${COMMENT_SCRIPT}\n`))
          out.push(`${at}: a job that writes runs more than the comment script`);
      }
      for (const s of job.steps) {
        if (s.uses?.startsWith("pulumi/actions@") && s.with?.command)
          out.push(
            `${at}: pulumi/actions runs "${s.with.command}" (it comments with a write token and shows outputs); install the CLI only and run pulumi preview`,
          );
        if (/\bpulumi\s+(up|update|destroy|refresh|import|state|stack\s+export|config\s+get)\b/.test(s.run ?? ""))
          out.push(`${at}: runs "${/\bpulumi\s+\S+/.exec(s.run!)![0]}"`);
        if (/\bpulumi\s+preview\b/.test(s.run ?? "") && !/--suppress-outputs/.test(s.run!)) out.push(`${at}: pulumi preview without --suppress-outputs`);
        if (s.uses?.startsWith("actions/create-github-app-token@")) out.push(`${at}: mints a GitHub App token in a pull-request job`);
        if (
          s.env &&
          Object.keys(s.env).some((k) => k === "GITHUB_TOKEN" || k === "GH_TOKEN") &&
          !(s.run === `set -euo pipefail\n${COMMENT_SCRIPT}\n` && s.env.GITHUB_TOKEN === "${{ github.token }}")
        ) {
          out.push(`${at}: step "${s.name ?? s.uses ?? s.run}" receives a GitHub token`);
        }
      }
    } else {
      const deploySecrets = jobSecrets.filter((s) => DEPLOY_SECRETS.includes(s));
      const envs = environmentsOf(job);
      if (deploySecrets.length && (!envs.length || !envs.every((e) => DEPLOY_ENVIRONMENTS.includes(e))))
        out.push(`${at}: holds ${deploySecrets.join(", ")} outside the dev, prod and tenant-operation environments`);
      // The reviewer-less prod environment only through the fast path's decision, in deploy.yml's prod job.
      if (env?.includes(PROD_ADDITIONS_ENVIRONMENT) && (file !== "deploy.yml" || id !== "up-prod" || env !== PROD_ENVIRONMENT_CHOICE))
        out.push(`${at}: names environment ${PROD_ADDITIONS_ENVIRONMENT} other than through the fast path's decision (${PROD_ENVIRONMENT_CHOICE})`);
      if (env === PROD_ENVIRONMENT_CHOICE) out.push(...fastPathFindings(at, wf));
      if (jobSecrets.length && !(job.if ?? "").includes(ON_DEFAULT_BRANCH)) out.push(`${at}: holds secrets without checking ${ON_DEFAULT_BRANCH}`);
      const up = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up");
      if (up) {
        if (up.env?.GITHUB_TOKEN !== "${{ steps.app.outputs.token }}") out.push(`${at}: pulumi up's GitHub token is not the App installation token`);
        const app = job.steps.find((s) => s.uses?.startsWith("actions/create-github-app-token@"));
        if (!app || app.with?.repositories !== "${{ matrix.githubRepository }}" || app.with?.owner !== "${{ matrix.githubOwner }}")
          out.push(`${at}: the App token is not scoped to the stack's one application repository`);
        if (up.with?.["suppress-outputs"] !== true) out.push(`${at}: pulumi up shows stack outputs in the log`);
      }
      // Tiers decide what a deploy may do without approval; a workflow that never runs `up` has none to decide.
      for (const s of deploys ? job.steps : [])
        if (/npm run --silent stacks\b/.test(s.run ?? "") && !/--tiers-from "\$\{base\}"/.test(s.run!))
          out.push(`${at}: stack tiers do not consult the commit before the push`);
    }
  }
  return out;
}

/**
 * The fast path that lets up-prod skip the prod reviewers: its decision comes from the
 * fast-path job's decide step (the deployed commit's checker, src/operations/sh/deploy-fast-path.sh),
 * which holds no secret and cannot write.
 */
function fastPathFindings(at: string, wf: Workflow): string[] {
  const out: string[] = [];
  const job = wf.jobs["fast-path"];
  if (!job) return [`${at}: chooses its environment from a fast-path job that does not exist`];
  if (secretsIn(job).length) out.push(`${at}: the fast-path job holds secrets (${secretsIn(job).join(", ")})`);
  const granted = Object.entries(job.permissions ?? {}).filter(([, v]) => v !== "read" && v !== "none");
  if (granted.length) out.push(`${at}: the fast-path job can write (${granted.map(([k]) => k).join(", ")})`);
  const decide = job.steps.find((s) => s.id === "decide");
  const checker = `bash src/operations/sh/${DEPLOY_SCRIPTS.fastPath}`;
  if (!decide || decide.run?.trim() !== checker) out.push(`${at}: the fast path's decision is not the deployed commit's checker (${checker})`);
  if (!JSON.stringify(job).includes('"fast":"${{ steps.decide.outputs.fast }}"')) out.push(`${at}: the fast-path job's output fast is not its decide step's`);
  const needs = [wf.jobs["up-prod"]?.needs ?? []].flat();
  if (!needs.includes("fast-path")) out.push(`${at}: does not wait for the fast-path job`);
  return out;
}
