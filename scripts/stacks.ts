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
 *                                       # the break-glass role's trust policy (src/plan/iam/operations.ts)
 *
 * A stack whose fleet says `example: true` is previewed, not deployed; once the project has a
 * stack of its own, the shipped samples are left out (both said on stderr).
 * Exits 1, listing every problem, when a stack cannot run as it is.
 */
import { PROJECT_ROOT } from "../src/plan/stack";
import { ciMatrices, ciStacks } from "../src/core/config/ciStacks";
import { formatProblem, sortProblems } from "../src/core/diagnostics/problems";
import { parseCommandLine, runMain, write } from "../src/cli/cli";
import { listStacks, UsageError } from "../src/core/config/stackFiles";
import { protectedAtRef } from "../src/engine/baseSide";
import { resolveRef } from "../src/cli/git";
import { deployRoleTrust } from "../src/plan/iam/deploy";
import { operationRoleTrust } from "../src/plan/iam/operations";
import { OPERATIONS_BRANCH } from "../src/core/repositoryContract";
import { GITHUB_OIDC_PROVIDER_ARN } from "../src/plan/iam/workflowAccess";

const USAGE = [
  "usage: npm run stacks -- [--json | --github-output] [--stack S] [--tiers-from <git ref>]",
  "       npm run stacks -- --deploy-role-trust dev|prod --oidc-provider ARN --repository OWNER/REPO [--branch main]",
  "       npm run stacks -- --break-glass-role-trust --oidc-provider ARN --repository OWNER/REPO",
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

/** The break-glass role's trust: tenant-erase.yml and the vault custody deploy of main, in tenant-erasure. */
async function breakGlassTrust(provider: string, repository: string, branch: string): Promise<number> {
  checkProvider(provider);
  if (branch !== OPERATIONS_BRANCH)
    throw new UsageError(
      `--branch ${JSON.stringify(branch.slice(0, 120))}: the tenant-operation workflows run on ${OPERATIONS_BRANCH} only; leave --branch out\n${USAGE}`,
    );
  let trust: unknown;
  try {
    trust = operationRoleTrust(provider, repository, "breakGlass");
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  await write(`${JSON.stringify(trust, null, 2)}\n`);
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
    },
    USAGE,
  );
  if (args["break-glass-role-trust"]) return breakGlassTrust(args["oidc-provider"] ?? "", args.repository ?? "", args.branch!);
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
