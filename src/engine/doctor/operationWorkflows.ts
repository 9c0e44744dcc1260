/**
 * Who else names the operation environments. A job of any workflow file that names
 * tenant-operations or tenant-erasure runs with that environment's secrets once its reviewers
 * approve, and a role's trust may name a file by its path (the break-glass trust names the
 * custody deploy's when its owner asks: `npm run stacks -- --break-glass-role-trust
 * --custody-workflow PATH`). So such a file is as sensitive as a change to that trust, and a
 * reviewer of a pull request that adds one sees an ordinary new workflow. The doctor lists
 * every file naming those environments that this project did not generate (the tenant-operation
 * workflows of OPERATION_WORKFLOW_ACCESS), the named custody deploy excepted, and fails when the
 * named custody deploy is missing (the trust would then be a key to a file nobody wrote yet).
 * A file names an environment when its text has the name as a word, or a job's `environment:`
 * (a string, or `.name`: https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idenvironment)
 * read as YAML (so "tenant-\x65rasure" is caught) is the name in any case, or is an expression
 * (`${{ ... }}`, which may yield either name), deploy.yml's prod choice (PROD_ENVIRONMENT_CHOICE,
 * 'prod' or 'prod-additions' only) excepted. Names are compared case-insensitively: GitHub's
 * documentation does not say that an environment name is case-sensitive, so the check assumes
 * `Tenant-Erasure` may be the same environment.
 * Pure: file name → text in, one check out.
 */
import path from "node:path";
import { parse } from "yaml";
import {
  OPERATION_ENVIRONMENTS,
  OPERATION_WORKFLOW_ACCESS,
  operationWorkflowPath,
  PROD_ENVIRONMENT_CHOICE,
  type OperationKind,
} from "../../core/repositoryContract";
import { fail, ok, type Check } from "./report";

const NAME = "operation environments";

/** Whether the text names the environment as a whole word, in any case (tenant-operations, not tenant-operations-2). */
function names(text: string, environment: string): boolean {
  return new RegExp(`(?<![A-Za-z0-9_-])${environment.replace(/[-.]/g, "\\$&")}(?![A-Za-z0-9_-])`, "i").test(text);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The `environment` of every job of a workflow's text (a string, or the `name` of the object form); none when it is not YAML. */
function jobEnvironments(text: string): unknown[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  const jobs = isObject(doc) && isObject(doc.jobs) ? Object.values(doc.jobs) : [];
  return jobs.filter(isObject).map((job) => (isObject(job.environment) ? job.environment.name : job.environment));
}

/** Whether a job's environment is an operation environment in any case, or an expression that may yield one. */
function mayBeOperationEnvironment(environment: unknown): boolean {
  if (typeof environment !== "string") return false;
  if (environment.includes("${{")) return environment.trim() !== PROD_ENVIRONMENT_CHOICE;
  return OPERATION_ENVIRONMENTS.some((e) => e.toLowerCase() === environment.trim().toLowerCase());
}

/** Whether a workflow's text names an operation environment (see the header). */
function namesOperationEnvironment(text: string): boolean {
  return OPERATION_ENVIRONMENTS.some((e) => names(text, e)) || jobEnvironments(text).some(mayBeOperationEnvironment);
}

/** The files (names under .github/workflows) naming an operation environment that this project did not generate, sorted. */
export function handWrittenOperationWorkflows(workflows: Readonly<Record<string, string>>): string[] {
  const generated = new Set((Object.keys(OPERATION_WORKFLOW_ACCESS) as OperationKind[]).map((k) => path.posix.basename(operationWorkflowPath(k))));
  return Object.entries(workflows)
    .filter(([file, text]) => !generated.has(file) && namesOperationEnvironment(text))
    .map(([file]) => file)
    .sort();
}

/** The doctor's line: ok when only the generated files (and the named custody deploy) name the environments. */
export function operationWorkflowsCheck(workflows: Readonly<Record<string, string>>, custodyWorkflow?: string): Check {
  const envs = OPERATION_ENVIRONMENTS.join(", ");
  const custody = custodyWorkflow === undefined ? undefined : path.posix.basename(custodyWorkflow);
  if (custody !== undefined && workflows[custody] === undefined)
    return fail(
      NAME,
      `the custody deploy ${custodyWorkflow} is not in this repository, so a break-glass trust printed with it names a file nobody wrote yet: whoever merges one of that name first gets break-glass`,
      "write and merge the custody workflow first, or print and apply the trust without --custody-workflow (docs/deploying.md, Vault custody)",
    );
  const strangers = handWrittenOperationWorkflows(workflows).filter((f) => f !== custody);
  if (strangers.length)
    return fail(
      NAME,
      `${strangers.join(", ")} name(s) ${envs} (in any case, or a job's environment is an expression that may yield one) and this project did not generate them: their jobs run with that environment's secrets once its reviewers approve`,
      `remove them, or, for the vault custody deploy, run the doctor with --custody-workflow .github/workflows/<file> (the path the break-glass trust was printed with) and review that file like a change to the role's trust`,
    );
  const named = custody === undefined ? "" : `, and the custody deploy ${custodyWorkflow}`;
  return ok(NAME, `only the generated tenant-operation workflows name ${envs}${named}`);
}
