/**
 * `npm run doctor`: what the first `pulumi up` and the CI need, checked without changing
 * anything. Node against engines; the Neon key and the project limit; the GitHub token, the
 * repository, each permission the stack uses and the CI's environments; AWS: the caller and
 * what the deploy does; the Pulumi backend. Each part derives what it asks for from the plan
 * (what the program registers) and this repository's workflows, so nothing is listed twice.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { GITHUB_TOKEN } from "../../core/config/credentials";
import type { StackConfig } from "../../core/config/stackFiles";
import type { StackSettings } from "../../core/config/settings";
import { tenantDiffCheck, WORKFLOW_DIR } from "../../core/repositoryContract";
import { ciStacks } from "../../core/config/ciStacks";
import { SIGNUP_WORKFLOW_PATH } from "../../operations/signupWorkflow";
import { awsSimulations, type PlannedAwsResource } from "./awsActions";
import { callerIdentity, checkDeployPermissions } from "./awsChecks";
import { checkCiEnvironments, checkRepositoryAccess, GITHUB_API } from "./githubChecks";
import { ciEnvironments, neededPermissions } from "./githubRequirements";
import { checkNeon } from "./neonChecks";
import { nodeCheck } from "./node";
import { checkPulumiBackend } from "./pulumiBackend";
import { checkSignupRuleset, type SignupUse } from "./rulesetChecks";
import { guardedPaths } from "./rulesetRequirements";
import { operationWorkflowsCheck } from "./operationWorkflows";
import { ok, skip, type Check } from "./report";

export const NEON_PROJECT_TYPE = "neon:index/project:Project";

export interface DoctorInputs {
  readonly root: string;
  readonly stackConfig: StackConfig;
  readonly settings: StackSettings;
  /** What the offline plan registered. */
  readonly resources: readonly PlannedAwsResource[];
  readonly env: NodeJS.ProcessEnv;
  readonly nodeVersion: string;
  /** The vault custody deploy's workflow the break-glass trust names (`--custody-workflow`), if any. */
  readonly custodyWorkflow?: string;
}

/** This repository's workflow files (name → text). */
export function readWorkflows(root: string): Record<string, string> {
  const dir = path.join(root, WORKFLOW_DIR);
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  return Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
}

export async function runDoctor(d: DoctorInputs): Promise<Check[]> {
  const engines = (JSON.parse(readFileSync(path.join(d.root, "package.json"), "utf8")) as { engines?: { node?: string } }).engines?.node;
  const checks: Check[] = [nodeCheck(d.nodeVersion, engines), ...endpointsCheck(d.env), operationWorkflowsCheck(readWorkflows(d.root), d.custodyWorkflow)];
  checks.push(await checkPulumiBackend(d.env));
  checks.push(
    ...(await checkNeon(d.env, {
      orgId: d.settings.neonOrgId,
      projectLimit: d.settings.neonLimits.projects,
      plannedProjects: d.resources.filter((r) => r.type === NEON_PROJECT_TYPE).map((r) => String(r.inputs.name ?? r.name)),
    })),
  );
  checks.push(...(await githubChecks(d)));
  checks.push(...(await awsChecks(d)));
  return checks;
}

/** The token the stack's GitHub provider gets (index.ts: `github:token`, else GITHUB_TOKEN). */
export function githubToken(d: Pick<DoctorInputs, "stackConfig" | "env">): { token: string } | { missing: Check } {
  const key = GITHUB_TOKEN.configKey;
  const inConfig = d.stackConfig.config[key];
  if (inConfig !== undefined && !d.stackConfig.secretKeys.includes(key)) return { token: inConfig };
  if (inConfig !== undefined && !d.env[GITHUB_TOKEN.envVar])
    return {
      missing: skip(
        "github token",
        `${d.stackConfig.stackFile} keeps ${key} encrypted, which only pulumi can decrypt`,
        `export ${GITHUB_TOKEN.envVar} with the same token to check it here`,
      ),
    };
  const fromEnv = d.env[GITHUB_TOKEN.envVar];
  return fromEnv ? { token: fromEnv } : { missing: skip("github token", `${GITHUB_TOKEN.envVar} is not set`, GITHUB_TOKEN.fix) };
}

async function githubChecks(d: DoctorInputs): Promise<Check[]> {
  const got = githubToken(d);
  if ("missing" in got) return [got.missing];
  const base = d.env.GITHUB_BASE_URL || GITHUB_API;
  const types = new Set(d.resources.map((r) => r.type));
  const { owner, repository, branch } = d.settings.github;
  const checks = await checkRepositoryAccess({ base, token: got.token, owner, repository, branch }, neededPermissions(types));
  const ciRepository = d.settings.backup.operationsRepository ?? d.env.GITHUB_REPOSITORY;
  if (!ciRepository) {
    checks.push(
      skip(
        "ci environments",
        "the doctor does not know this stack's own repository",
        "set tenant-fleet:operationsRepository (OWNER/REPOSITORY), or run with GITHUB_REPOSITORY=OWNER/REPOSITORY",
      ),
    );
    return checks;
  }
  const workflows = readWorkflows(d.root);
  const { environments } = ciEnvironments(workflows);
  checks.push(...(await checkCiEnvironments({ base, token: got.token }, ciRepository, environments)));
  const requiredChecks = ciStacks(d.root).stacks.map((s) => tenantDiffCheck(s.stack));
  const target = { base, token: got.token, repository: ciRepository };
  const tenantsFile = path.relative(d.root, path.resolve(d.root, d.settings.tenantsFile)).split(path.sep).join("/");
  const owners = { guarded: guardedPaths(Object.keys(workflows)), unowned: tenantsFile.startsWith("..") ? [] : [tenantsFile] };
  checks.push(...(await checkSignupRuleset(target, signupUse(d.settings, Object.keys(workflows)), requiredChecks, owners)));
  return checks;
}

/** The signup path is in use when its workflow is in this repository and the stack takes signups (signupsPerHour and signupsPerDay above 0). */
export function signupUse(settings: Pick<StackSettings, "signups">, workflowFiles: readonly string[]): SignupUse {
  const file = path.basename(SIGNUP_WORKFLOW_PATH);
  const { perHour, perDay } = settings.signups;
  if (!workflowFiles.includes(file)) return { off: `${SIGNUP_WORKFLOW_PATH} is not in this repository` };
  if (perHour === 0 || perDay === 0) return { off: `self-serve signup is off (signupsPerHour ${perHour}, signupsPerDay ${perDay})` };
  return { inUse: `self-serve signup is on (signupsPerHour ${perHour}, signupsPerDay ${perDay}) and merges pure additions without a person` };
}

async function awsChecks(d: DoctorInputs): Promise<Check[]> {
  const region = d.stackConfig.config["aws:region"] ?? d.env.AWS_REGION ?? "us-east-1";
  const who = await callerIdentity(region);
  if (!("caller" in who)) return [who.check];
  const { simulations, unknown } = awsSimulations(d.resources, { account: who.caller.account, region, stack: d.stackConfig.stack });
  const checks = [who.check, ...(await checkDeployPermissions(region, who.caller, simulations))];
  if (unknown.length) checks.push(skip("aws permissions: other", `the doctor does not know the actions of ${unknown.join(", ")}`));
  return checks;
}

/** The endpoints other than the services' own that this run sends credentials to (set in the environment): named, so a redirected token is seen. */
const ENDPOINT_VARIABLES = [
  "NEON_API_URL",
  "GITHUB_BASE_URL",
  "PULUMI_BACKEND_URL",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_STS",
  "AWS_ENDPOINT_URL_IAM",
] as const;

export function endpointsCheck(env: NodeJS.ProcessEnv): Check[] {
  const set = ENDPOINT_VARIABLES.filter((v) => env[v]).map((v) => `${v}=${env[v]}`);
  return set.length ? [ok("endpoints", `credentials go where the environment points: ${set.join(", ")}`)] : [];
}
