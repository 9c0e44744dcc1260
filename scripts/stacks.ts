/**
 * The stacks this project's CI runs, from the stack files: each stack's tier (dev or prod,
 * from its `protect` setting) and policy config, checked against the stack's settings.
 *
 *   npm run stacks                      # a table
 *   npm run stacks -- --json            # the GitHub Actions matrices: {"all", "dev", "prod"}
 *   npm run stacks -- --github-output   # key=value lines for $GITHUB_OUTPUT (the workflows)
 *   npm run stacks -- --stack S [...]           # one stack only: its row and its problems
 *   npm run stacks -- --tiers-from <git ref> [...]
 *                                       # a stack protected at the ref stays prod (deploy.yml
 *                                       # passes the commit before the push)
 *   npm run stacks -- --deploy-role-trust dev|prod --oidc-provider ARN --repository OWNER/REPO [--branch main]
 *                                       # the tier's AWS deploy role trust policy (src/plan/iam/deploy.ts)
 *   npm run stacks -- --break-glass-role-trust --oidc-provider ARN --repository OWNER/REPO
 *                     [--custody-workflow .github/workflows/F.yml] [--keep-statement-file FILE]
 *                                       # the break-glass role's trust policy (src/plan/iam/operations.ts):
 *                                       # tenant-erase.yml, and the custody deploy's file only when named;
 *                                       # with the AWS-principal and Deny statements of FILE kept, its
 *                                       # GitHub ones replaced, anything else refused, and the result
 *                                       # checked by the pack's oidc-role-trust rule
 *                                       # (src/plan/iam/trustMerge.ts): update-assume-role-policy
 *                                       # replaces the whole trust
 *
 * A stack whose fleet says `example: true` is previewed, not deployed; once the project has a
 * stack of its own, the shipped samples are left out (both said on stderr).
 * Exits 1, listing every problem, when a stack cannot run as it is.
 */
import { readFileSync } from "node:fs";
import { PROJECT_ROOT } from "../src/plan/stack";
import { ciMatrices, ciStacks } from "../src/core/config/ciStacks";
import { formatProblem, sortProblems } from "../src/core/diagnostics/problems";
import { parseCommandLine, runMain, write } from "../src/cli/cli";
import { listStacks, UsageError } from "../src/core/config/stackFiles";
import { protectedAtRef } from "../src/engine/baseSide";
import { resolveRef } from "../src/cli/git";
import { deployRoleTrust } from "../src/plan/iam/deploy";
import { operationRoleTrust } from "../src/plan/iam/operations";
import { custodyWorkflowProblem, OPERATIONS_BRANCH } from "../src/core/repositoryContract";
import { mergeKeptStatements } from "../src/plan/iam/trustMerge";
import { GITHUB_OIDC_PROVIDER_ARN } from "../src/plan/iam/workflowAccess";
import { trustProblems } from "../policies/rules/oidcRoleTrust";
import { accountOf } from "../src/core/iam/evaluate";

const USAGE = [
  "usage: npm run stacks -- [--json | --github-output] [--stack S] [--tiers-from <git ref>]",
  "       npm run stacks -- --deploy-role-trust dev|prod --oidc-provider ARN --repository OWNER/REPO [--branch main]",
  "       npm run stacks -- --break-glass-role-trust --oidc-provider ARN --repository OWNER/REPO [--custody-workflow .github/workflows/F.yml] [--keep-statement-file FILE]",
].join("\n");

function checkProvider(provider: string): void {
  if (!GITHUB_OIDC_PROVIDER_ARN.test(provider))
    throw new UsageError(
      `--oidc-provider ${JSON.stringify(provider.slice(0, 120))}: the ARN of GitHub's OIDC provider in the account (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com)\n${USAGE}`,
    );
}

/** The tier's deploy role trust for this repository, refusing anything but literal names. */
async function deployTrust(tier: string, provider: string, repository: string, branch: string): Promise<number> {
  if (tier !== "dev" && tier !== "prod") throw new UsageError(`--deploy-role-trust ${JSON.stringify(tier.slice(0, 40))}: dev or prod\n${USAGE}`);
  checkProvider(provider);
  const [owner, name, extra] = repository.split("/");
  if (!owner || !name || extra !== undefined)
    throw new UsageError(`--repository ${JSON.stringify(repository.slice(0, 120))}: OWNER/REPO of this stack's repository\n${USAGE}`);
  let trust: unknown;
  try {
    trust = deployRoleTrust(provider, { owner, repository: name, branch }, tier);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  await write(`${JSON.stringify(trust, null, 2)}\n`);
  return 0;
}

interface BreakGlassOptions {
  readonly provider: string;
  readonly repository: string;
  readonly branch: string;
  readonly custodyWorkflow?: string;
  readonly keepStatementFile?: string;
}

/** A JSON file's value; a syntax error names the file, line and column. */
function readJsonFile(file: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${option} ${JSON.stringify(file.slice(0, 120))}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8 names the position of most errors ("… in JSON at position 7 (line 1 column 8)"), quotes the text of the others.
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const before = at ? text.slice(0, Number(at[1])).split("\n") : undefined;
    const where = before ? `${file}:${before.length}:${before[before.length - 1].length + 1}` : file;
    throw new UsageError(
      `${where}: not JSON (${message.split(" in JSON")[0]}); save the role's trust with aws iam get-role --role-name ROLE --query Role.AssumeRolePolicyDocument --output json`,
    );
  }
}

/** The break-glass role's trust: tenant-erase.yml of main in tenant-erasure, the custody deploy's file when named, the kept statements. */
async function breakGlassTrust(o: BreakGlassOptions): Promise<number> {
  checkProvider(o.provider);
  if (o.branch !== OPERATIONS_BRANCH)
    throw new UsageError(
      `--branch ${JSON.stringify(o.branch.slice(0, 120))}: the tenant-operation workflows run on ${OPERATIONS_BRANCH} only; leave --branch out\n${USAGE}`,
    );
  const custody = o.custodyWorkflow === undefined ? undefined : custodyWorkflowProblem(o.custodyWorkflow);
  if (custody) throw new UsageError(`--custody-workflow ${custody}\n${USAGE}`);
  let trust;
  try {
    trust = operationRoleTrust(o.provider, o.repository, "breakGlass", o.custodyWorkflow);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  if (o.keepStatementFile === undefined) {
    process.stderr.write(
      "This is the role's whole trust: aws iam update-assume-role-policy replaces the trust with it, dropping every other statement (a workstation's or SSO path to break-glass); to keep them, save the current trust and pass it with --keep-statement-file (docs/operations.md).\n",
    );
    await write(`${JSON.stringify(trust, null, 2)}\n`);
    return 0;
  }
  const given = readJsonFile(o.keepStatementFile, "--keep-statement-file");
  let merged;
  try {
    // The pack's own check, with the kept AWS principals and the named custody file vouched for.
    const vet = (doc: typeof trust, awsPrincipals: readonly string[]) =>
      trustProblems(doc, { repository: o.repository, stackRepository: o.repository }, { awsPrincipals, custodyWorkflow: o.custodyWorkflow });
    merged = mergeKeptStatements(trust, given, { account: accountOf(o.provider), vet });
  } catch (e) {
    throw new UsageError(`--keep-statement-file ${o.keepStatementFile}: ${(e as Error).message}`);
  }
  const replaced = merged.replaced.length ? `; replaced ${merged.replaced.join(", ")} (GitHub's OIDC provider: only the printed statement trusts it)` : "";
  process.stderr.write(`kept ${merged.kept} statement(s) of ${o.keepStatementFile}${replaced}\n`);
  await write(`${JSON.stringify(merged.document, null, 2)}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      json: { type: "boolean", default: false },
      "github-output": { type: "boolean", default: false },
      "tiers-from": { type: "string" },
      stack: { type: "string" },
      "deploy-role-trust": { type: "string" },
      "break-glass-role-trust": { type: "boolean", default: false },
      "oidc-provider": { type: "string" },
      repository: { type: "string" },
      branch: { type: "string", default: "main" },
      "custody-workflow": { type: "string" },
      "keep-statement-file": { type: "string" },
    },
    USAGE,
  );
  if (args["break-glass-role-trust"])
    return breakGlassTrust({
      provider: args["oidc-provider"] ?? "",
      repository: args.repository ?? "",
      branch: args.branch!,
      custodyWorkflow: args["custody-workflow"],
      keepStatementFile: args["keep-statement-file"],
    });
  for (const only of ["custody-workflow", "keep-statement-file"] as const)
    if (args[only] !== undefined) throw new UsageError(`--${only} goes with --break-glass-role-trust only\n${USAGE}`);
  if (args["deploy-role-trust"] !== undefined) return deployTrust(args["deploy-role-trust"], args["oidc-provider"] ?? "", args.repository ?? "", args.branch!);
  const only = args.stack;
  if (only !== undefined && !listStacks(PROJECT_ROOT).includes(only))
    throw new UsageError(`--stack ${only}: no Pulumi.${only}.yaml here; stacks here: ${listStacks(PROJECT_ROOT).join(", ")}\n${USAGE}`);
  const base = args["tiers-from"];
  if (base !== undefined) resolveRef(base, PROJECT_ROOT, "--tiers-from");
  const all = ciStacks(PROJECT_ROOT, base === undefined ? undefined : (stack) => protectedAtRef(PROJECT_ROOT, base, stack));
  const { setAside } = all;
  const stacks = all.stacks.filter((s) => only === undefined || s.stack === only);
  const problems = all.problems.filter((p) => only === undefined || p.file === `Pulumi.${only}.yaml` || p.file.endsWith(`config.${only}.json`));
  if (problems.length > 0) {
    for (const p of sortProblems(problems)) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write("CI runs no stack until these are fixed.\n");
    return 1;
  }
  for (const s of setAside) process.stderr.write(`${s.stack}: not run by CI: ${s.why}\n`);
  for (const s of stacks.filter((x) => x.example))
    process.stderr.write(
      `${s.stack}: previewed, not deployed: its tenants file says example: true, which pulumi up refuses (a fleet of your own deploys once that line is gone)\n`,
    );
  for (const s of stacks.filter((x) => x.tierFromBase)) {
    process.stderr.write(
      `${s.stack}: protect is false in Pulumi.${s.stack}.yaml but true at ${base}; it deploys as prod, behind the prod environment's reviewers\n`,
    );
  }
  const matrices = ciMatrices(stacks);
  if (args["github-output"]) {
    const lines = [
      ...Object.entries(matrices).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
      `dev_count=${matrices.dev.include.length}`,
      `prod_count=${matrices.prod.include.length}`,
    ];
    await write(`${lines.join("\n")}\n`);
  } else if (args.json) {
    await write(`${JSON.stringify(matrices, null, 2)}\n`);
  } else {
    const rows = [
      ["stack", "tier", "policy config", "repository", "aws region"],
      ...stacks.map((s) => [
        s.stack,
        s.tierFromBase ? `${s.tier} (from ${base})` : s.tier,
        s.policyConfig,
        `${s.githubOwner}/${s.githubRepository}`,
        s.awsRegion,
      ]),
    ];
    const width = (i: number) => Math.max(...rows.map((r) => r[i].length));
    await write(`${rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(width(i)) : c)).join("  ")).join("\n")}\n`);
  }
  return 0;
}

runMain("tenant-fleet stacks", main);
