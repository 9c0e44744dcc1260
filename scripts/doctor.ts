/**
 * A preflight: checks what the first `pulumi up` and this repository's CI need, and changes
 * nothing (GET and read calls only: no write to Neon, GitHub, AWS or the Pulumi backend).
 *
 *   npm run doctor -- [--stack S] [--json]
 *
 * One line per check: `ok`, `FAIL …: what to do`, or `skip …: why` (a credential it could
 * not check with). Exit status: 0 nothing blocks; 1 a check failed (or the stack does not
 * load); 2 usage. docs/doctor.md says what each check proves and what it does not.
 */
import { PROJECT_ROOT } from "../src/plan/stack";
import { parseCommandLine, runMain, STACK_OPTIONS, write } from "../src/cli/cli";
import { formatProblem } from "../src/core/diagnostics/problems";
import { readStackConfig, UsageError } from "../src/core/config/stackFiles";
import { custodyWorkflowProblem } from "../src/core/repositoryContract";
import { applyTenantsOverride, loadWorkingTree } from "../src/engine/workingTree";
import { runOffline } from "../src/engine/offline";
import { runDoctor } from "../src/engine/doctor/doctor";
import { exitCode, fail, renderJson, renderText } from "../src/engine/doctor/report";

const USAGE = [
  "usage: npm run doctor -- [--stack S] [--tenants FILE] [--config KEY=VALUE ...] [--custody-workflow .github/workflows/F.yml] [--json]",
  "Checks, without changing anything (read-only calls only), what the first pulumi up and the CI need:",
  "Node, the Pulumi backend, NEON_API_KEY, the GitHub token, the CI environments and the signup path's ruleset, AWS credentials and permissions,",
  "and that no workflow this project did not generate names tenant-operations or tenant-erasure but the custody deploy named by --custody-workflow.",
  "Exit 0: nothing blocks; 1: something does (each FAIL line says what to do); 2: usage.",
].join("\n");

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, { ...STACK_OPTIONS, json: { type: "boolean", default: false }, "custody-workflow": { type: "string" } }, USAGE);
  if (args.help) {
    await write(`${USAGE}\n`);
    return 0;
  }
  const custodyWorkflow = args["custody-workflow"];
  const custody = custodyWorkflow === undefined ? undefined : custodyWorkflowProblem(custodyWorkflow);
  if (custody) throw new UsageError(`--custody-workflow ${custody}\n${USAGE}`);
  const stackConfig = readStackConfig(PROJECT_ROOT, args.stack!, args.config);
  applyTenantsOverride(stackConfig, args.tenants, args["allow-outside-project"]);
  const { settings, fleet, problems } = loadWorkingTree(stackConfig);
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!settings || !fleet) {
    const errors = problems.filter((p) => p.severity === "error").length;
    const checks = [
      fail(
        `stack ${stackConfig.stack}`,
        `${errors} problem(s) in its settings or tenants file (above)`,
        "fix them (npm run plan shows the same), then run the doctor again",
      ),
    ];
    await write(args.json ? renderJson(stackConfig.stack, checks) : renderText(checks));
    return 1;
  }
  const run = await runOffline({
    project: stackConfig.project,
    stack: stackConfig.stack,
    config: stackConfig.config,
    secretKeys: stackConfig.secretKeys,
    program: () => import("../index"),
  });
  const checks = await runDoctor({
    root: PROJECT_ROOT,
    stackConfig,
    settings,
    resources: run.resources,
    env: process.env,
    nodeVersion: process.version,
    custodyWorkflow,
  });
  await write(args.json ? renderJson(stackConfig.stack, checks) : renderText(checks));
  return exitCode(checks);
}

runMain("tenant-fleet doctor", main);
