/**
 * Runs one job of a generated workflow the way a GitHub-hosted runner would, on this
 * machine: `${{ }}` evaluated by GitHub's own @actions/expressions with the contexts a run
 * has (github, vars, secrets, matrix, env, steps, needs, job, runner), step and job `if:`
 * with the status functions, each `run:` step under `bash --noprofile --norc -eo pipefail`
 * (GitHub's `shell: bash`), GITHUB_OUTPUT and GITHUB_ENV honoured.
 *
 * What cannot run here is substituted, and only in runtime/substitutions.ts.
 */
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import { parse } from "yaml";
import type { Substitutions } from "./substitutions";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface StepResult {
  readonly name: string;
  readonly outcome: "success" | "failure" | "skipped";
  readonly output: string;
  readonly outputs: Record<string, string>;
  readonly seconds: number;
}

export interface JobResult {
  readonly result: "success" | "failure" | "skipped";
  readonly steps: StepResult[];
  /** Everything the steps printed, in order. */
  readonly log: string;
  /** Lines of the `::error::` workflow commands. */
  readonly errors: string[];
  readonly warnings: string[];
  /** What the steps wrote to GITHUB_STEP_SUMMARY. */
  readonly summary: string;
  /** The job's evaluated settings (timeout, concurrency, name). */
  readonly settings: { name: string; timeoutMinutes?: string; concurrency?: string };
}

export interface RunContext {
  readonly repository: string;
  readonly ref: string;
  readonly vars: Record<string, string>;
  readonly secrets: Record<string, string>;
  readonly needs?: Record<string, { result: string; outputs?: Record<string, string> }>;
  readonly runId?: string;
  readonly workflowName?: string;
  /** Environment every step gets from the runner (PATH, the services' endpoints). */
  readonly runnerEnv: Record<string, string>;
  /** More of the github context (event, head_ref) for the job's trigger. */
  readonly github?: Record<string, unknown>;
  /** A manual run's inputs (workflow_dispatch); empty for other triggers. */
  readonly inputs?: Record<string, string>;
}

const STATUS_FUNCTIONS = ["success", "failure", "always", "cancelled"] as const;

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

/** Evaluates one expression (without `${{ }}`) against the contexts. */
export function evaluateExpression(expression: string, contexts: Record<string, Json>, jobStatus: "success" | "failure" = "success"): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const functions = new Map(
    STATUS_FUNCTIONS.map((name) => [
      name,
      {
        name,
        minArgs: 0,
        maxArgs: 0,
        call: () => new data.BooleanData(name === "always" ? true : name === "success" ? jobStatus === "success" : name === "failure" ? jobStatus === "failure" : false),
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

/** An `if:`: implicit `success() &&` unless it calls a status function. */
export function condition(text: string | boolean | undefined, contexts: Record<string, Json>, jobStatus: "success" | "failure"): boolean {
  if (text === undefined) return jobStatus === "success";
  const expr = String(text).replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, "$1");
  const withStatus = /\b(success|failure|always|cancelled)\s*\(/.test(expr) ? expr : `success() && (${expr})`;
  return truthy(evaluateExpression(withStatus, contexts, jobStatus));
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
  env?: Record<string, string>;
  with?: Record<string, string>;
  "continue-on-error"?: boolean;
}

/** Runs `jobId` of the workflow text for one matrix entry (or none). */
export async function runJob(workflowText: string, jobId: string, matrix: Json | undefined, ctx: RunContext, substitutions: Substitutions): Promise<JobResult> {
  const workflow = parse(workflowText) as { name: string; env?: Record<string, string>; jobs: Record<string, { name?: string; if?: string; env?: Record<string, string>; steps: Step[]; "timeout-minutes"?: string | number; concurrency?: { group: string } }> };
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId} in ${workflow.name}`);
  const temp = mkdtempSync(path.join(tmpdir(), "tf-runner-"));
  const contexts: Record<string, Json> = {
    github: { ref: ctx.ref, repository: ctx.repository, workflow: ctx.workflowName ?? workflow.name, run_id: ctx.runId ?? "4242", event_name: "schedule", token: ctx.secrets.GITHUB_TOKEN ?? "", ...((ctx.github ?? {}) as Record<string, Json>) },
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
  const settings = {
    name: job.name ? interpolate(job.name, contexts) : jobId,
    timeoutMinutes: job["timeout-minutes"] !== undefined ? interpolate(String(job["timeout-minutes"]), contexts) : undefined,
    concurrency: job.concurrency ? interpolate(job.concurrency.group, contexts) : undefined,
  };
  if (!condition(job.if, contexts, "success")) return { result: "skipped", steps: [], log: "", errors: [], warnings: [], summary: "", settings };

  const envOf = (layer: Record<string, string> | undefined): Record<string, string> => Object.fromEntries(Object.entries(layer ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts)]));
  let env: Record<string, string> = { ...envOf(workflow.env) };
  contexts.env = env;
  env = substitutions.jobEnv({ ...env, ...envOf(job.env) });
  contexts.env = env;
  const githubEnv = path.join(temp, "github_env");
  writeFileSync(githubEnv, "");
  const steps: StepResult[] = [];
  let status: "success" | "failure" = "success";
  let log = "";
  const masks: string[] = [];
  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    if (!condition(step.if, contexts, status)) {
      steps.push({ name, outcome: "skipped", output: "", outputs: {}, seconds: 0 });
      continue;
    }
    const stepEnv = { ...env, ...envOf(step.env) };
    const output = path.join(temp, `output-${index}`);
    writeFileSync(output, "");
    const runnerEnv: Record<string, string> = {
      ...ctx.runnerEnv,
      ...stepEnv,
      GITHUB_OUTPUT: output,
      GITHUB_ENV: githubEnv,
      GITHUB_REPOSITORY: ctx.repository,
      GITHUB_REF: ctx.ref,
      GITHUB_RUN_ID: ctx.runId ?? "4242",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_WORKFLOW: String((contexts.github as Record<string, Json>).workflow),
      RUNNER_TEMP: temp,
      GITHUB_WORKSPACE: temp,
      GITHUB_STEP_SUMMARY: path.join(temp, "step_summary.md"),
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
    }
    else if (substitute?.kind === "copy") {
      mkdirSync(substitute.to, { recursive: true });
      for (const from of substitute.from) if (existsSync(from)) cpSync(from, substitute.to, { recursive: true });
      result = { code: 0, output: `(substituted: ${substitute.why})\n`, seconds: 0 };
    } else if (substitute?.kind === "env") {
      for (const [k, v] of Object.entries(substitute.env)) appendFileSync(githubEnv, `${k}=${v}\n`);
      result = { code: 0, output: `(substituted: ${substitute.why})\n`, seconds: 0 };
    } else if (step.run !== undefined) {
      result = await bash(interpolate(step.run, contexts), runnerEnv, temp);
    } else throw new Error(`step "${name}" uses ${step.uses}, which runtime/substitutions.ts does not stand in for`);
    // The runner consumes ::add-mask:: and shows each masked value as *** from then on.
    const shown = result.output.split("\n").filter((line) => {
      const mask = /^::add-mask::(.*)$/.exec(line);
      if (mask && mask[1]) masks.push(mask[1]);
      return !mask;
    });
    result = { ...result, output: masks.reduce((text, m) => text.split(m).join("***"), shown.join("\n")) };
    const outputs = parseOutputs(output);
    // GITHUB_ENV reaches the steps after this one.
    env = { ...env, ...parseOutputs(githubEnv) };
    contexts.env = env;
    const outcome = result.code === 0 ? "success" : "failure";
    if (step.id) (contexts.steps as Record<string, Json>)[step.id] = { outputs, outcome, conclusion: outcome };
    steps.push({ name, outcome, output: result.output, outputs, seconds: result.seconds });
    log += `## ${name}\n${result.output}`;
    if (outcome === "failure" && !step["continue-on-error"]) {
      status = "failure";
      (contexts.job as Record<string, Json>).status = "failure";
    }
  }
  const commands = (kind: string) => log.split("\n").filter((l) => l.startsWith(`::${kind}::`)).map((l) => l.slice(kind.length + 4));
  const summaryFile = path.join(temp, "step_summary.md");
  const summary = existsSync(summaryFile) ? readFileSync(summaryFile, "utf8") : "";
  return { result: status, steps, log, errors: commands("error"), warnings: commands("warning"), summary, settings };
}

export interface WorkflowRun {
  /** Per job, in the file's order: its result (the matrix's, all entries together) and each entry's run. */
  readonly jobs: Record<string, { readonly result: "success" | "failure" | "skipped"; readonly runs: JobResult[] }>;
}

/**
 * Runs a whole workflow as GitHub would schedule it, one job after the other in the file's
 * order (every `needs` comes earlier): a job whose `if` has no status function runs only
 * when every job it needs succeeded; a matrix from an expression runs once per entry (one
 * at a time); a job's outputs are its steps'. `skip` names jobs left out (the alert, which
 * needs GitHub's API).
 */
export async function runWorkflow(
  workflowText: string,
  ctx: Omit<RunContext, "needs">,
  substitutions: Substitutions,
  options: { skip?: readonly string[]; entry?: (entry: Json) => Json } = {},
): Promise<WorkflowRun> {
  const workflow = parse(workflowText) as { jobs: Record<string, { if?: string; needs?: string | string[]; strategy?: { matrix?: Record<string, unknown> } }> };
  const done: Record<string, { result: "success" | "failure" | "skipped"; outputs: Record<string, string>; runs: JobResult[] }> = {};
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if (options.skip?.includes(id)) continue;
    const needs = typeof job.needs === "string" ? [job.needs] : (job.needs ?? []);
    for (const n of needs) if (!done[n] && !options.skip?.includes(n)) throw new Error(`job ${id} needs ${n}, which has not run`);
    const needsContext = Object.fromEntries(needs.filter((n) => done[n]).map((n) => [n, { result: done[n].result, outputs: done[n].outputs }]));
    const statusFunction = /\b(always|failure|cancelled|success)\s*\(/.test(job.if ?? "");
    if (!statusFunction && needs.some((n) => done[n]?.result !== "success")) {
      done[id] = { result: "skipped", outputs: {}, runs: [] };
      continue;
    }
    const matrix = job.strategy?.matrix;
    let entries: (Json | undefined)[] = [undefined];
    if (matrix) {
      const [[key, value]] = Object.entries(matrix);
      const list = typeof value === "string" ? JSON.parse(JSON.stringify(evaluateExpression(value.replace(/^\$\{\{\s*|\s*\}\}$/g, ""), { needs: needsContext as Json, inputs: (ctx.inputs ?? {}) as Json }), data.replacer)) : value;
      entries = Array.isArray(list) ? list.map((e) => ({ [key]: (options.entry ? options.entry(e as Json) : e) as Json })) : [];
    }
    const runs: JobResult[] = [];
    for (const entry of entries) runs.push(await runJob(workflowText, id, entry, { ...ctx, needs: needsContext }, substitutions));
    const ran = runs.filter((r) => r.result !== "skipped");
    const result = !ran.length ? "skipped" : ran.some((r) => r.result === "failure") ? "failure" : "success";
    done[id] = { result, outputs: Object.assign({}, ...runs.flatMap((r) => r.steps.map((s) => s.outputs))), runs };
  }
  return { jobs: Object.fromEntries(Object.entries(done).map(([id, j]) => [id, { result: j.result, runs: j.runs }])) };
}
