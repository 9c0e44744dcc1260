/**
 * The typed model of a generated GitHub Actions workflow: the part of GitHub's workflow
 * syntax this stack emits ("Workflow syntax for GitHub Actions",
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions).
 * Every renderer builds these and `renderWorkflow` (actions.ts) writes them; a key GitHub does
 * not know, or a value of the wrong shape, fails the type check instead of the run. Key order
 * in the file is the order the renderers write the keys in, so the types say nothing about it.
 */

/** `env:` of a workflow, job or step: names to strings (expressions included). */
export type Env = Readonly<Record<string, string>>;

/** A `permissions:` scope's level ("Assigning permissions to jobs"). */
export type PermissionLevel = "read" | "write" | "none";

/** The GITHUB_TOKEN scopes this stack grants; `{}` grants none. */
export type Permissions = Readonly<
  Partial<Record<"actions" | "checks" | "contents" | "deployments" | "id-token" | "issues" | "packages" | "pull-requests" | "statuses", PermissionLevel>>
>;

/** `concurrency:` of a workflow or job. */
export interface Concurrency {
  readonly group: string;
  readonly "cancel-in-progress": boolean;
}

/** What every step may carry. */
interface StepBase {
  readonly name: string;
  readonly id?: string;
  readonly if?: string;
  readonly env?: Env;
  readonly "continue-on-error"?: boolean;
  /** The step is stopped after this long (GitHub: jobs.<job_id>.steps[*].timeout-minutes). */
  readonly "timeout-minutes"?: number;
}

/** A step running a script (`run:`), always in bash here. */
export interface RunStep extends StepBase {
  readonly shell: "bash";
  readonly run: string;
  readonly "working-directory"?: string;
}

/** A step using an action (`uses:`, pinned to a commit) with its inputs. */
export interface ActionStep extends StepBase {
  readonly uses: string;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
}

export type Step = RunStep | ActionStep;

/** A service container of a job (`services.<id>`). */
export interface Service {
  readonly image: string;
  readonly env?: Env;
  readonly ports?: readonly string[];
  readonly options?: string;
}

/** `strategy:` of a matrix job; the matrix is an expression or a list per variable. */
export interface Strategy {
  readonly "fail-fast": boolean;
  readonly "max-parallel": number;
  /** A list per variable (or an expression per variable), or one expression for the whole matrix (`${{ fromJSON(...) }}`). */
  readonly matrix: Readonly<Record<string, string | readonly unknown[]>> | string;
}

/** One job (`jobs.<id>`). `timeout-minutes` may be an expression (a matrix value). */
export interface Job {
  readonly name: string;
  readonly needs?: readonly string[];
  readonly if?: string;
  readonly "runs-on": string;
  readonly "timeout-minutes": number | string;
  readonly environment?: string;
  readonly concurrency?: Concurrency;
  readonly permissions: Permissions;
  readonly strategy?: Strategy;
  readonly services?: Readonly<Record<string, Service>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly env?: Env;
  readonly steps: readonly Step[];
}

/** An input of a manual run (`on.workflow_dispatch.inputs.<id>`). */
export interface DispatchInput {
  readonly description: string;
  readonly type: "string" | "choice" | "boolean";
  readonly required: boolean;
  readonly default?: string | boolean;
  readonly options?: readonly string[];
}

/** `on:`: the events that start a workflow, as far as this stack uses them. */
export interface Triggers {
  readonly schedule?: readonly { readonly cron: string }[];
  readonly push?: { readonly branches: readonly string[]; readonly paths?: readonly string[] };
  readonly pull_request?: { readonly types: readonly ("opened" | "reopened" | "synchronize" | "closed")[] };
  readonly workflow_dispatch?: { readonly inputs?: Readonly<Record<string, DispatchInput>> };
  /** Started by POST /repos/{owner}/{repo}/dispatches with one of these event types (runs on the default branch). */
  readonly repository_dispatch?: { readonly types: readonly string[] };
}

/** A workflow file. */
export interface Workflow {
  readonly name: string;
  readonly on: Triggers;
  readonly permissions: Permissions;
  readonly concurrency?: Concurrency;
  readonly env?: Env;
  readonly jobs: Readonly<Record<string, Job>>;
}
