/**
 * Runs one job of a generated workflow the way a GitHub-hosted runner would, on this
 * machine: `${{ }}` evaluated by GitHub's own @actions/expressions with the contexts a run
 * has (github, vars, secrets, matrix, env, steps, needs, job, runner), step and job `if:`
 * with the status functions, each `run:` step under `bash --noprofile --norc -eo pipefail`
 * (GitHub's `shell: bash`), GITHUB_OUTPUT and GITHUB_ENV honoured.
 *
 * What cannot run here is substituted, and only in test/runtime/substitutions.ts.
 */
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import { parse } from "yaml";
import type { Substitutions } from "./substitutions";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/*
 * GitHub's rules this runner applies, each with the page that states it (test/runtime/actionsRules.test.ts
 * has a test per rule):
 *
 * - NEEDS: "If a job fails or is skipped, all jobs that need it are skipped unless the jobs use a
 *   conditional expression that causes the job to continue. If a run contains a series of jobs
 *   that need each other, a failure or skip applies to all jobs in the dependency chain from the
 *   point of failure or skip onwards."
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idneeds
 * - IMPLICIT_SUCCESS: "A default status check of success() is applied unless you include one of
 *   these functions" (success, always, cancelled, failure); for a job, success() accounts for every
 *   ancestor (NEEDS), and "If you have a chain of dependent jobs, failure() returns true if any
 *   ancestor job fails." always() is always true; cancelled() is true once the run is cancelled.
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#status-check-functions
 * - CANCEL: "When you cancel a workflow run, GitHub cancels all jobs and steps that are a part of
 *   that workflow"; "the server re-evaluates if conditions for all currently running jobs. If the
 *   condition evaluates to true, the job will not get canceled." A job whose condition is false
 *   once the run is cancelled ends cancelled.
 *   https://docs.github.com/en/actions/how-tos/manage-workflow-runs/cancel-a-workflow-run
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-cancellation-reference
 * - RESULTS: `needs.<job_id>.result` is success, failure, cancelled or skipped; a step's
 *   `outcome` is its result before continue-on-error is applied, its `conclusion` after ("When a
 *   continue-on-error step fails, the outcome is failure, but the final conclusion is success").
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#needs-context
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#steps-context
 * - JOB_IF_CONTEXTS: a job's `if` sees github, needs, vars and inputs only (no matrix, env,
 *   secrets): https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#context-availability
 * - ANNOTATIONS: "10 warning annotations, 10 error annotations, and 10 notice annotations per
 *   step; 50 annotations per job (sum of annotations from all the steps)"; the runner keeps the
 *   first ones of each step (actions/runner ExecutionContext.AddIssue counts and drops the rest).
 *   https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations
 * - SUMMARY: "each step is restricted to a maximum size of 1MiB": a larger step summary is not
 *   uploaded and an error annotation says so; at most 20 step summaries are shown per job.
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary
 * - OUTPUTS: "Outputs can be a maximum of 1 MB per job. The total of all outputs in a workflow run
 *   can be a maximum of 50 MB. Size is approximated based on UTF-16 encoding." A job over it fails
 *   ("Fail to evaluate job outputs"). An output holding a secret is not passed on ("Skip output
 *   {output.Key} since it may contain secret"). Job outputs are only those `outputs:` declares.
 *   https://docs.github.com/en/actions/how-tos/write-workflows/choose-what-workflows-do/pass-job-outputs
 * - MATRIX: "A matrix will generate a maximum of 256 jobs per workflow run." A larger one, or an
 *   empty one ("Matrix vector 'batch' does not contain any values", as GitHub reports it; the
 *   docs do not say), fails the job before any entry runs. A matrix given whole by an expression
 *   (`matrix: ${{ fromJSON(...) }}`, `{"include":[...]}`) runs one job per include entry, with that
 *   entry's keys as `matrix.*` ("Matrix must define at least one vector" when it has none).
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstrategymatrix
 * - REVIEWERS: "Use required reviewers to require a specific person or team to approve workflow
 *   jobs that reference the environment"; the job waits until one approves (or rejects: it then
 *   fails without running). `environment:` is a name or `{ name, url }`, expressions allowed.
 *   https://docs.github.com/en/actions/how-tos/deploy/configure-and-manage-deployments/manage-environments#required-reviewers
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idenvironment
 * - WORKING_DIRECTORY: a step's `working-directory` is where its `run:` starts, relative to the workspace.
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsrunworking-directory
 * - RUNNER_TEMP: "The path to a temporary directory on the runner", apart from GITHUB_WORKSPACE
 *   (where actions/checkout puts the repository); a context asks for it with `ownWorkspace`, so a
 *   `git status` in the workspace sees the checkout only.
 *   https://docs.github.com/en/actions/reference/workflows-and-actions/variables#default-environment-variables
 */

/** A job's or step's result, in GitHub's words (RESULTS). */
export type Result = "success" | "failure" | "cancelled" | "skipped";

/** Per step, per level (ANNOTATIONS). */
export const MAX_ANNOTATIONS_PER_STEP = 10;
/** Per job, all levels together (ANNOTATIONS). */
export const MAX_ANNOTATIONS_PER_JOB = 50;
/** A step's summary (SUMMARY), in bytes. */
export const MAX_STEP_SUMMARY_BYTES = 1024 * 1024;
/** Step summaries shown per job (SUMMARY). */
export const MAX_STEP_SUMMARIES = 20;
/** A job's outputs, and a run's, in bytes of UTF-16 (OUTPUTS). */
export const MAX_JOB_OUTPUT_BYTES = 1024 * 1024;
export const MAX_RUN_OUTPUT_BYTES = 50 * 1024 * 1024;
/** Entries of one matrix (MATRIX). */
export const MAX_MATRIX_ENTRIES = 256;

/** An annotation GitHub keeps (ANNOTATIONS): from `::error|warning|notice [title=…]::message`. */
export interface Annotation {
  readonly level: "error" | "warning" | "notice";
  readonly title?: string;
  readonly message: string;
  /** The step that wrote it; the job's own (outputs skipped) have none. */
  readonly step?: string;
}

export interface StepResult {
  readonly name: string;
  /** Before continue-on-error (RESULTS). */
  readonly outcome: "success" | "failure" | "skipped";
  /** After continue-on-error (RESULTS). */
  readonly conclusion: "success" | "failure" | "skipped";
  readonly output: string;
  readonly outputs: Record<string, string>;
  readonly seconds: number;
}

export interface JobResult {
  readonly result: Result;
  readonly steps: StepResult[];
  /** Everything the steps printed, in order (a log keeps every line, annotations or not). */
  readonly log: string;
  /** The annotations GitHub keeps, in order (ANNOTATIONS): what the run's page and the check-run API show. */
  readonly annotations: Annotation[];
  /** Messages of the kept error annotations without a title (`::error::…`). */
  readonly errors: string[];
  readonly warnings: string[];
  /** The step summaries GitHub shows (SUMMARY), in order. */
  readonly summary: string;
  /** The job's `outputs:`, evaluated at its end (OUTPUTS). */
  readonly outputs: Record<string, string>;
  /** The job's evaluated settings (timeout, concurrency, name). */
  readonly settings: { name: string; timeoutMinutes?: string; concurrency?: string };
}

/** Where a job stands in its run: the result of every job it depends on, directly or through others, and whether the run was cancelled. */
export interface RunStatus {
  readonly ancestors: Readonly<Record<string, Result>>;
  readonly cancelled: boolean;
}

export interface RunContext {
  readonly repository: string;
  readonly ref: string;
  readonly vars: Record<string, string>;
  readonly secrets: Record<string, string>;
  readonly needs?: Record<string, { result: string; outputs?: Record<string, string> }>;
  /** The job's ancestors and the run's cancellation (runWorkflow gives it); by default the direct needs are all there is. */
  readonly run?: RunStatus;
  readonly runId?: string;
  readonly workflowName?: string;
  /** Environment every step gets from the runner (PATH, the services' endpoints). */
  readonly runnerEnv: Record<string, string>;
  /** More of the github context (event, head_ref) for the job's trigger. */
  readonly github?: Record<string, unknown>;
  /** A manual run's inputs (workflow_dispatch); empty for other triggers. */
  readonly inputs?: Record<string, string>;
  /** RUNNER_TEMP and the runner's own files outside the workspace (RUNNER_TEMP). */
  readonly ownWorkspace?: boolean;
}

const STATUS_FUNCTIONS = ["success", "failure", "always", "cancelled"] as const;

/** What the status functions return where an expression is evaluated (IMPLICIT_SUCCESS). */
export interface StatusFunctions {
  readonly success: boolean;
  readonly failure: boolean;
  readonly cancelled: boolean;
}

const ALL_WELL: StatusFunctions = { success: true, failure: false, cancelled: false };

/** A job's status functions: success() only when no ancestor failed, was skipped or cancelled and the run goes on; failure() when any ancestor failed (IMPLICIT_SUCCESS, NEEDS). */
export function jobStatusFunctions(run: RunStatus): StatusFunctions {
  const results = Object.values(run.ancestors);
  return { success: !run.cancelled && results.every((r) => r === "success"), failure: results.includes("failure"), cancelled: run.cancelled };
}

/** A step's: the job's status so far (the runner's success() is `job.status == success`). */
function stepStatusFunctions(jobStatus: "success" | "failure"): StatusFunctions {
  return { success: jobStatus === "success", failure: jobStatus === "failure", cancelled: false };
}

function truthy(d: data.ExpressionData): boolean {
  switch (d.kind) {
    case data.Kind.Null:
      return false;
    case data.Kind.Boolean:
      return (d as data.BooleanData).value;
    case data.Kind.Number: {
      const n = (d as data.NumberData).value;
      return n !== 0 && !Number.isNaN(n);
    }
    case data.Kind.String:
      return (d as data.StringData).value !== "";
    default:
      return true;
  }
}

/** Evaluates one expression (without `${{ }}`) against the contexts; only the contexts given exist. */
export function evaluateExpression(expression: string, contexts: Record<string, Json>, status: StatusFunctions = ALL_WELL): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const functions = new Map(
    STATUS_FUNCTIONS.map((name) => [
      name,
      {
        name,
        minArgs: 0,
        maxArgs: 0,
        call: () => new data.BooleanData(name === "always" ? true : status[name]),
      },
    ]),
  );
  const ast = new Parser(lexed.tokens, Object.keys(contexts), [...functions.values()]).parse();
  const dictionary = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(ast, dictionary, functions).evaluate();
}

/** A string with `${{ }}` templates in it, evaluated as GitHub does (each value coerced to a string). */
export function interpolate(text: string, contexts: Record<string, Json>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => {
    const value = evaluateExpression(expr.trim(), contexts);
    return value.kind === data.Kind.Null ? "" : value.coerceString();
  });
}

/** Whether an expression calls a status function (a call, not a word in a string: read from its tokens; names are case-insensitive). */
export function callsStatusFunction(expression: string): boolean {
  const tokens = new Lexer(expression).lex().tokens;
  return tokens.some((t, i) => (STATUS_FUNCTIONS as readonly string[]).includes(t.lexeme.toLowerCase()) && tokens[i + 1]?.lexeme === "(");
}

/** An `if:`: `success() && (…)` unless it calls a status function (IMPLICIT_SUCCESS); no `if:` is `success()`. */
export function condition(text: string | boolean | undefined, contexts: Record<string, Json>, status: StatusFunctions): boolean {
  if (text === undefined || text === "") return status.success;
  const expr = String(text).replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, "$1");
  const withStatus = callsStatusFunction(expr) ? expr : `success() && (${expr})`;
  return truthy(evaluateExpression(withStatus, contexts, status));
}

/** The contexts a job's `if` may read (JOB_IF_CONTEXTS). */
function jobIfContexts(contexts: Record<string, Json>): Record<string, Json> {
  return { github: contexts.github, needs: contexts.needs, vars: contexts.vars, inputs: contexts.inputs };
}

/** Unescapes a workflow command's message (`%25`, `%0D`, `%0A`) or property (also `%3A`, `%2C`). */
function unescapeCommand(text: string, property = false): string {
  let out = text.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n");
  if (property) out = out.replace(/%3A/gi, ":").replace(/%2C/gi, ",");
  return out.replace(/%25/g, "%");
}

/** The annotation a log line asks for, if it is `::error|warning|notice[ props]::message`. */
export function annotationOf(line: string, step?: string): Annotation | undefined {
  const m = /^::(error|warning|notice)(?:\s+([^:]*))?::(.*)$/.exec(line);
  if (!m) return undefined;
  const props = Object.fromEntries(
    (m[2] ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p.includes("="))
      .map((p) => [p.slice(0, p.indexOf("=")), unescapeCommand(p.slice(p.indexOf("=") + 1), true)]),
  );
  return {
    level: m[1] as Annotation["level"],
    ...(props.title ? { title: props.title } : {}),
    message: unescapeCommand(m[3]),
    ...(step !== undefined ? { step } : {}),
  };
}

/** Collects annotations as GitHub keeps them: the first 10 of each level per step, 50 per job (ANNOTATIONS). */
class AnnotationLimits {
  readonly kept: Annotation[] = [];
  private perStep = new Map<string, number>();
  add(a: Annotation, stepKey: string): void {
    const key = `${stepKey}\u0000${a.level}`;
    const n = this.perStep.get(key) ?? 0;
    this.perStep.set(key, n + 1);
    if (n >= MAX_ANNOTATIONS_PER_STEP || this.kept.length >= MAX_ANNOTATIONS_PER_JOB) return;
    this.kept.push(a);
  }
}

/** Bytes GitHub counts for a job's outputs: names and values in UTF-16 (OUTPUTS). */
export function outputBytes(outputs: Record<string, string>): number {
  return Object.entries(outputs).reduce((n, [k, v]) => n + 2 * (k.length + v.length), 0);
}

function parseOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
      out[heredoc[1]] = body.join("\n");
    } else if (lines[i].includes("=")) {
      const at = lines[i].indexOf("=");
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return out;
}

function bash(script: string, env: Record<string, string>, cwd: string): Promise<{ code: number; output: string; seconds: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const file = path.join(env.RUNNER_TEMP, `step-${process.hrtime.bigint()}.sh`);
    writeFileSync(file, script);
    // stdin not a socket: Debian's bash would read ~/.bashrc as if run by sshd.
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, output, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  "working-directory"?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  "continue-on-error"?: boolean | string;
}

interface WorkflowJob {
  name?: string;
  if?: string | boolean;
  needs?: string | string[];
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
  strategy?: { matrix?: Record<string, unknown> | string };
  "timeout-minutes"?: string | number;
  concurrency?: { group: string };
  environment?: string | { name: string; url?: string };
}

interface Workflow {
  name: string;
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

function baseContexts(workflow: Workflow, ctx: RunContext, matrix: Json | undefined, temp: string): Record<string, Json> {
  return {
    github: {
      ref: ctx.ref,
      repository: ctx.repository,
      workflow: ctx.workflowName ?? workflow.name,
      run_id: ctx.runId ?? "4242",
      // RUN_ATTEMPT: "A unique number for each attempt of a particular workflow run in a repository.
      // This number begins at 1 for the workflow run's first attempt, and increments with each re-run."
      // https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#github-context
      run_attempt: "1",
      event_name: "schedule",
      token: ctx.secrets.GITHUB_TOKEN ?? "",
      ...((ctx.github ?? {}) as Record<string, Json>),
    },
    vars: ctx.vars,
    secrets: ctx.secrets,
    inputs: ctx.inputs ?? {},
    matrix: matrix ?? null,
    needs: (ctx.needs ?? {}) as Json,
    strategy: {},
    runner: { temp, os: "Linux" },
    job: { status: "success" },
    env: {},
    steps: {},
  };
}

/** The run status a job has when it is run on its own: its direct needs are all its ancestors. */
function runStatusOf(ctx: RunContext): RunStatus {
  return ctx.run ?? { ancestors: Object.fromEntries(Object.entries(ctx.needs ?? {}).map(([id, n]) => [id, n.result as Result])), cancelled: false };
}

/** Whether a job runs: its `if` over github, needs, vars and inputs, with its run's status functions (JOB_IF_CONTEXTS, IMPLICIT_SUCCESS). */
function jobRuns(workflow: Workflow, jobId: string, ctx: RunContext): boolean {
  const contexts = baseContexts(workflow, ctx, undefined, "");
  return condition(workflow.jobs[jobId].if, jobIfContexts(contexts), jobStatusFunctions(runStatusOf(ctx)));
}

function notRun(result: Result, settings: JobResult["settings"], annotations: Annotation[] = []): JobResult {
  return {
    result,
    steps: [],
    log: "",
    annotations,
    errors: annotations.filter((a) => a.level === "error" && !a.title).map((a) => a.message),
    warnings: [],
    summary: "",
    outputs: {},
    settings,
  };
}

/** Runs `jobId` of the workflow text for one matrix entry (or none). */
export async function runJob(workflowText: string, jobId: string, matrix: Json | undefined, ctx: RunContext, substitutions: Substitutions): Promise<JobResult> {
  const workflow = parse(workflowText) as Workflow;
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId} in ${workflow.name}`);
  const temp = mkdtempSync(path.join(tmpdir(), "tf-runner-"));
  // The runner's temporary directory: the workspace itself unless the context asks for its own (RUNNER_TEMP).
  const runnerTemp = ctx.ownWorkspace ? mkdtempSync(path.join(tmpdir(), "tf-runner-temp-")) : temp;
  const contexts = baseContexts(workflow, ctx, matrix, runnerTemp);
  const settings = {
    name: job.name ? interpolate(job.name, contexts) : jobId,
    timeoutMinutes: job["timeout-minutes"] !== undefined ? interpolate(String(job["timeout-minutes"]), contexts) : undefined,
    concurrency: job.concurrency ? interpolate(job.concurrency.group, contexts) : undefined,
  };
  // A job whose condition is false does not run: skipped, or cancelled when the run was (CANCEL).
  if (!jobRuns(workflow, jobId, ctx)) return notRun(runStatusOf(ctx).cancelled ? "cancelled" : "skipped", settings);

  const envOf = (layer: Record<string, string> | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(layer ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts)]));
  let env: Record<string, string> = { ...envOf(workflow.env) };
  contexts.env = env;
  env = substitutions.jobEnv({ ...env, ...envOf(job.env) });
  contexts.env = env;
  const githubEnv = path.join(runnerTemp, "github_env");
  writeFileSync(githubEnv, "");
  const steps: StepResult[] = [];
  let status: "success" | "failure" = "success";
  let log = "";
  const masks: string[] = [];
  const annotations = new AnnotationLimits();
  const summaries: string[] = [];
  const recordStep = (step: Step, result: Omit<StepResult, "name"> & { name: string }) => {
    steps.push(result);
    if (step.id) (contexts.steps as Record<string, Json>)[step.id] = { outputs: result.outputs, outcome: result.outcome, conclusion: result.conclusion };
  };
  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    if (!condition(step.if, contexts, stepStatusFunctions(status))) {
      recordStep(step, { name, outcome: "skipped", conclusion: "skipped", output: "", outputs: {}, seconds: 0 });
      continue;
    }
    const stepEnv = { ...env, ...envOf(step.env) };
    const output = path.join(runnerTemp, `output-${index}`);
    writeFileSync(output, "");
    // Each step writes a summary file of its own (SUMMARY).
    const summaryFile = path.join(runnerTemp, `step_summary_${index}.md`);
    const runnerEnv: Record<string, string> = {
      ...ctx.runnerEnv,
      ...stepEnv,
      GITHUB_OUTPUT: output,
      GITHUB_ENV: githubEnv,
      GITHUB_REPOSITORY: ctx.repository,
      GITHUB_REF: ctx.ref,
      GITHUB_SHA: String((contexts.github as Record<string, Json>).sha ?? ""),
      GITHUB_RUN_ID: ctx.runId ?? "4242",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_WORKFLOW: String((contexts.github as Record<string, Json>).workflow),
      RUNNER_TEMP: runnerTemp,
      GITHUB_WORKSPACE: temp,
      GITHUB_STEP_SUMMARY: summaryFile,
      CI: "true",
      GITHUB_ACTIONS: "true",
    };
    const substitute = substitutions.forStep(step, { with: envOf(step.with), matrix, env: runnerEnv });
    let result: { code: number; output: string; seconds: number };
    if (substitute?.kind === "skip") result = { code: 0, output: `(substituted: ${substitute.why})\n`, seconds: 0 };
    else if (substitute?.kind === "files") {
      for (const [file, content] of Object.entries(substitute.files)) {
        mkdirSync(path.dirname(path.join(temp, file)), { recursive: true });
        writeFileSync(path.join(temp, file), content);
      }
      result = { code: 0, output: `(substituted: ${substitute.why})\n`, seconds: 0 };
    } else if (substitute?.kind === "copy") {
      mkdirSync(substitute.to, { recursive: true });
      for (const from of substitute.from) if (existsSync(from)) cpSync(from, substitute.to, { recursive: true });
      result = { code: 0, output: `(substituted: ${substitute.why})\n`, seconds: 0 };
    } else if (substitute?.kind === "link") {
      // A checkout of this repository: its top-level entries, linked into the workspace.
      for (const entry of readdirSync(substitute.from)) if (entry !== ".git") symlinkSync(path.join(substitute.from, entry), path.join(temp, entry));
      result = { code: 0, output: `(substituted: ${substitute.why})\n`, seconds: 0 };
    } else if (substitute?.kind === "outputs") {
      for (const [k, v] of Object.entries(substitute.outputs)) appendFileSync(output, `${k}=${v}\n`);
      result = { code: 0, output: `(substituted: ${substitute.why})\n`, seconds: 0 };
    } else if (substitute?.kind === "env") {
      for (const [k, v] of Object.entries(substitute.env)) appendFileSync(githubEnv, `${k}=${v}\n`);
      result = { code: 0, output: `(substituted: ${substitute.why})\n`, seconds: 0 };
    } else if (substitute?.kind === "call") {
      try {
        const done = await substitute.run(temp);
        for (const [k, v] of Object.entries(done.env ?? {})) appendFileSync(githubEnv, `${k}=${v}\n`);
        result = { code: 0, output: `(substituted: ${substitute.why})\n${done.output}`, seconds: 0 };
      } catch (e) {
        result = { code: 1, output: `(substituted: ${substitute.why})\n${(e as Error).message}\n`, seconds: 0 };
      }
    } else if (step.run !== undefined) {
      // WORKING_DIRECTORY: relative to the workspace.
      result = await bash(interpolate(step.run, contexts), runnerEnv, path.resolve(temp, interpolate(step["working-directory"] ?? ".", contexts)));
    } else throw new Error(`step "${name}" uses ${step.uses}, which test/runtime/substitutions.ts does not stand in for`);
    // The runner consumes ::add-mask:: and shows each masked value as *** from then on.
    const shown = result.output.split("\n").filter((line) => {
      const mask = /^::add-mask::(.*)$/.exec(line);
      if (mask && mask[1]) masks.push(mask[1]);
      return !mask;
    });
    result = { ...result, output: masks.reduce((text, m) => text.split(m).join("***"), shown.join("\n")) };
    for (const line of result.output.split("\n")) {
      const a = annotationOf(line, name);
      if (a) annotations.add(a, String(index));
    }
    if (existsSync(summaryFile)) {
      const bytes = statSync(summaryFile).size;
      if (bytes > MAX_STEP_SUMMARY_BYTES)
        annotations.add(
          {
            level: "error",
            message: `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of ${MAX_STEP_SUMMARY_BYTES / 1024}k, got ${Math.ceil(bytes / 1024)}k.`,
            step: name,
          },
          String(index),
        );
      else if (bytes > 0) summaries.push(readFileSync(summaryFile, "utf8"));
    }
    const outputs = parseOutputs(output);
    // GITHUB_ENV reaches the steps after this one.
    env = { ...env, ...parseOutputs(githubEnv) };
    contexts.env = env;
    const outcome = result.code === 0 ? "success" : "failure";
    const continueOnError =
      typeof step["continue-on-error"] === "string" ? interpolate(step["continue-on-error"], contexts) === "true" : step["continue-on-error"] === true;
    const conclusion = outcome === "failure" && continueOnError ? "success" : outcome;
    recordStep(step, { name, outcome, conclusion, output: result.output, outputs, seconds: result.seconds });
    log += `## ${name}\n${result.output}`;
    if (conclusion === "failure") {
      status = "failure";
      (contexts.job as Record<string, Json>).status = "failure";
    }
  }
  // The job's outputs: only what `outputs:` declares, evaluated at its end; one holding a secret is left out (OUTPUTS).
  const secretValues = [...masks, ...Object.values(ctx.secrets).filter((v) => v.length > 0)];
  const outputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(job.outputs ?? {})) {
    const evaluated = interpolate(String(value), contexts);
    if (secretValues.some((v) => evaluated.includes(v)))
      annotations.add({ level: "warning", message: `Skip output '${key}' since it may contain secret.` }, "job");
    else outputs[key] = evaluated;
  }
  const tooLarge = outputBytes(outputs) > MAX_JOB_OUTPUT_BYTES;
  if (tooLarge) {
    annotations.add(
      { level: "error", message: `Fail to evaluate job outputs: ${outputBytes(outputs)} bytes, over the ${MAX_JOB_OUTPUT_BYTES} a job may have` },
      "job",
    );
    status = "failure";
  }
  const kept = annotations.kept;
  const untitled = (level: Annotation["level"]) => kept.filter((a) => a.level === level && !a.title).map((a) => a.message);
  return {
    result: status,
    steps,
    log,
    annotations: kept,
    errors: untitled("error"),
    warnings: untitled("warning"),
    summary: summaries.slice(0, MAX_STEP_SUMMARIES).join(""),
    outputs: tooLarge ? {} : outputs,
    settings,
  };
}

export interface WorkflowRun {
  /** Per job, in the file's order: its result (the matrix's, all entries together), each entry's run, and why it failed before any ran. */
  readonly jobs: Record<string, { readonly result: Result; readonly runs: JobResult[]; readonly error?: string; readonly environment?: string }>;
}

/** Environments by name, with whether they have required reviewers (REVIEWERS). */
export interface Environments {
  readonly protection: Readonly<Record<string, { readonly requiredReviewers: boolean }>>;
  /** A reviewer's decision on a job waiting for the environment: true approves, false rejects. */
  readonly review: (jobId: string, environment: string) => Promise<boolean>;
}

/** The environment a job names, evaluated (REVIEWERS); undefined when it names none. */
export function environmentOf(job: { environment?: string | { name: string } }, contexts: Record<string, Json>): string | undefined {
  if (job.environment === undefined) return undefined;
  const name = typeof job.environment === "string" ? job.environment : job.environment.name;
  return interpolate(name, contexts);
}

/**
 * Runs a whole workflow as GitHub would schedule it, one job after the other in the file's
 * order (every `needs` comes earlier), with GitHub's rules (the list at the top of this file):
 * a job's `if` sees the result of every ancestor, not only its direct needs; a matrix from an
 * expression runs once per entry (one at a time), at most 256 and at least one; a job's outputs
 * are what it declares. `skip` names jobs left out (the alert, which needs GitHub's API);
 * `cancelDuring` cancels the run while that job runs (CANCEL).
 */
export async function runWorkflow(
  workflowText: string,
  ctx: Omit<RunContext, "needs" | "run">,
  substitutions: Substitutions,
  options: { skip?: readonly string[]; entry?: (entry: Json) => Json; cancelDuring?: string; environments?: Environments } = {},
): Promise<WorkflowRun> {
  const workflow = parse(workflowText) as Workflow;
  const done: Record<
    string,
    { result: Result; outputs: Record<string, string>; runs: JobResult[]; ancestors: Set<string>; error?: string; environment?: string }
  > = {};
  let cancelled = false;
  let runOutputBytes = 0;
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if (options.skip?.includes(id)) continue;
    const needs = typeof job.needs === "string" ? [job.needs] : (job.needs ?? []);
    for (const n of needs) if (!done[n] && !options.skip?.includes(n)) throw new Error(`job ${id} needs ${n}, which has not run`);
    const ran = needs.filter((n) => done[n]);
    // Every job this one depends on, directly or through others (NEEDS).
    const ancestors = new Set(ran.flatMap((n) => [n, ...done[n].ancestors]));
    if (id === options.cancelDuring) cancelled = true;
    const run: RunStatus = { ancestors: Object.fromEntries([...ancestors].map((a) => [a, done[a].result])), cancelled };
    const jobCtx: RunContext = { ...ctx, needs: Object.fromEntries(ran.map((n) => [n, { result: done[n].result, outputs: done[n].outputs }])), run };
    if (!jobRuns(workflow, id, jobCtx)) {
      done[id] = { result: cancelled ? "cancelled" : "skipped", outputs: {}, runs: [], ancestors };
      continue;
    }
    const matrix = job.strategy?.matrix;
    let entries: (Json | undefined)[] = [undefined];
    if (typeof matrix === "string") {
      // MATRIX: a whole matrix from an expression ({"include":[...]}): one job per include entry.
      const whole = JSON.parse(
        JSON.stringify(
          evaluateExpression(matrix.replace(/^\$\{\{\s*|\s*\}\}$/g, ""), jobIfContexts(baseContexts(workflow, jobCtx, undefined, ""))),
          data.replacer,
        ),
      ) as { include?: Json[] };
      const list = whole.include ?? [];
      if (list.length === 0 || list.length > MAX_MATRIX_ENTRIES) {
        const why = list.length === 0 ? "Matrix must define at least one vector" : `Strategy expansion exceeded ${MAX_MATRIX_ENTRIES} results for job '${id}'`;
        done[id] = { result: "failure", outputs: {}, runs: [], ancestors, error: `Error when evaluating 'strategy' for job '${id}': ${why}` };
        continue;
      }
      entries = list.map((e) => (options.entry ? options.entry(e) : e));
    } else if (matrix) {
      const [[key, value]] = Object.entries(matrix);
      // The strategy sees github, needs, vars and inputs (JOB_IF_CONTEXTS' page lists it with them).
      const strategyContexts = jobIfContexts(baseContexts(workflow, jobCtx, undefined, ""));
      const list =
        typeof value === "string"
          ? JSON.parse(JSON.stringify(evaluateExpression(value.replace(/^\$\{\{\s*|\s*\}\}$/g, ""), strategyContexts), data.replacer))
          : value;
      const error =
        !Array.isArray(list) || list.length === 0
          ? `Matrix vector '${key}' does not contain any values`
          : list.length > MAX_MATRIX_ENTRIES
            ? `Strategy expansion exceeded ${MAX_MATRIX_ENTRIES} results for job '${id}'`
            : undefined;
      if (error) {
        done[id] = { result: "failure", outputs: {}, runs: [], ancestors, error: `Error when evaluating 'strategy' for job '${id}': ${error}` };
        continue;
      }
      entries = (list as Json[]).map((e) => ({ [key]: (options.entry ? options.entry(e) : e) as Json }));
    }
    // REVIEWERS: a job naming an environment with required reviewers waits for one's decision.
    const environment = environmentOf(job, jobIfContexts(baseContexts(workflow, jobCtx, undefined, "")));
    if (environment !== undefined && options.environments?.protection[environment]?.requiredReviewers) {
      if (!(await options.environments.review(id, environment))) {
        done[id] = { result: "failure", outputs: {}, runs: [], ancestors, environment, error: `the ${environment} environment's reviewers rejected ${id}` };
        continue;
      }
    } else if (environment !== undefined && options.environments && !options.environments.protection[environment])
      throw new Error(`job ${id} names the environment ${environment}, which the run's environments do not declare`);
    const runs: JobResult[] = [];
    for (const entry of entries) runs.push(await runJob(workflowText, id, entry, jobCtx, substitutions));
    const results = runs.map((r) => r.result);
    const result: Result = results.includes("failure")
      ? "failure"
      : results.includes("cancelled")
        ? "cancelled"
        : results.every((r) => r === "skipped")
          ? "skipped"
          : "success";
    const outputs: Record<string, string> = Object.assign({}, ...runs.map((r) => r.outputs));
    runOutputBytes += outputBytes(outputs);
    if (runOutputBytes > MAX_RUN_OUTPUT_BYTES) {
      done[id] = {
        result: "failure",
        outputs: {},
        runs,
        ancestors,
        error: `Fail to evaluate job outputs: the run's outputs exceed ${MAX_RUN_OUTPUT_BYTES} bytes`,
      };
      continue;
    }
    done[id] = { result, outputs, runs, ancestors, environment };
  }
  return {
    jobs: Object.fromEntries(
      Object.entries(done).map(([id, j]) => [
        id,
        { result: j.result, runs: j.runs, ...(j.error ? { error: j.error } : {}), ...(j.environment !== undefined ? { environment: j.environment } : {}) },
      ]),
    ),
  };
}
