/**
 * Starts a stack of your own: writes Pulumi.<stack>.yaml for your application repository,
 * Neon organisation and AWS account, the policy config CI checks it against, and (when the
 * stack's tenants file does not exist yet) a starter tenants file with one tenant, marked
 * `example: true` so that `pulumi up` refuses it until you have made it yours. Refuses to
 * overwrite a stack file or policy config without --force. Everything it writes is checked
 * by the same rules as a stack file (src/core/config/settings.ts).
 *
 *   npm run init -- --stack prod --github-owner acme --github-repository app \
 *     --neon-org org-... --aws-region eu-central-1 --key-administrator arn:aws:iam::…:role/deploy
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { ParseArgsConfig } from "node:util";
import { stringify } from "yaml";
import { PROJECT_ROOT } from "../src/plan/stack";
import { checkWritable, parseCommandLine, runMain, write, writeOutputFile } from "../src/cli/cli";
import { UsageError } from "../src/core/config/stackFiles";
import { parseStackSettings, projectSettings } from "../src/core/config/settings";
import { AWS_REGION, policyConfigPath, renderPolicyConfig } from "../src/core/config/ciStacks";
import { NEON_REGIONS, type NeonRegion } from "../tenants/regions";
import { formatProblem } from "../src/core/diagnostics/problems";

const USAGE = [
  "usage: npm run init -- --stack <name> --github-owner <owner> --github-repository <name> --aws-region <region>",
  "                       --key-administrator <iam arn> [--key-administrator <iam arn> ...]",
  "                       [--neon-org <org-…>] [--residency <EU|CC> ...] [--break-glass <iam arn>] [--dev] [--force]",
].join("\n");

const STACK_NAME = /^[a-z][a-z0-9-]{0,39}$/;

const OPTIONS = {
  stack: { type: "string" },
  "github-owner": { type: "string" },
  "github-repository": { type: "string" },
  "github-branch": { type: "string", default: "main" },
  "neon-org": { type: "string" },
  "aws-region": { type: "string" },
  "key-administrator": { type: "string", multiple: true, default: [] },
  "break-glass": { type: "string" },
  residency: { type: "string", multiple: true, default: [] },
  dev: { type: "boolean", default: false },
  force: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

type InitArgs = ReturnType<typeof parseCommandLine<typeof OPTIONS>>;

/** The command line, checked: a UsageError names what is missing or malformed. */
function checkArguments(args: InitArgs): { stack: string; awsRegion: string } {
  const missing = (["stack", "github-owner", "github-repository", "aws-region"] as const).filter((k) => !args[k]);
  if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(", ")}\n${USAGE}`);
  if (args["key-administrator"].length === 0)
    throw new UsageError(`missing --key-administrator: the IAM role or user that runs pulumi up administers the backup keys\n${USAGE}`);
  const stack = args.stack!;
  if (!STACK_NAME.test(stack))
    throw new UsageError(`--stack ${JSON.stringify(stack)}: a stack name is lowercase letters, digits and hyphens, a letter first, e.g. prod or prod-eu`);
  const awsRegion = args["aws-region"]!;
  if (!AWS_REGION.test(awsRegion)) throw new UsageError(`--aws-region ${JSON.stringify(awsRegion)} is not an AWS region; e.g. eu-central-1`);
  return { stack, awsRegion };
}

/** The stack file's `config:` block. */
function stackConfig(args: InitArgs, tenantsFile: string, awsRegion: string, residencies: readonly string[], protect: boolean): Record<string, unknown> {
  return {
    "tenant-fleet:tenantsFile": tenantsFile,
    "tenant-fleet:secretScope": "environment",
    "tenant-fleet:protect": protect,
    ...(args["neon-org"] ? { "tenant-fleet:neonOrgId": args["neon-org"] } : {}),
    "tenant-fleet:githubOwner": args["github-owner"],
    "tenant-fleet:githubRepository": args["github-repository"],
    "tenant-fleet:githubBranch": args["github-branch"],
    "tenant-fleet:allowedResidencies": residencies,
    "aws:region": awsRegion,
    "tenant-fleet:keyAdministrators": args["key-administrator"],
    ...(args["break-glass"] ? { "tenant-fleet:breakGlassPrincipal": args["break-glass"] } : {}),
  };
}

/** A starter tenants file of one tenant, marked `example: true` so that pulumi up refuses it until it is edited. */
function starterTenants(stack: string, region: NeonRegion, residencies: readonly string[]): string {
  return [
    "# yaml-language-server: $schema=./tenants.schema.json",
    `# The tenants of stack ${stack}. A starter written by npm run init: edit the tenant below (or`,
    "# replace it with your first customer), then remove the example line; until then pulumi up refuses.",
    "version: 1",
    "example: true",
    "tenants:",
    "  - id: first-customer",
    "    name: First Customer",
    `    region: ${region.id}`,
    `    residency: ${residencies.includes(region.jurisdictions.at(-1)!) ? region.jurisdictions.at(-1) : residencies[0]}`,
    "    status: active",
    "",
  ].join("\n");
}

/** What the command wrote, and the commands to run next. */
function report(wrote: readonly string[], stack: string, tenantsFile: string): string {
  return [
    ...wrote.map((w) => `wrote ${w}`),
    "",
    "next:",
    `  npm run plan -- --stack ${stack}             # what the stack declares, offline`,
    `  pulumi stack init ${stack}                   # once, on your Pulumi backend`,
    `  NEON_API_KEY=… GITHUB_TOKEN=… pulumi up --stack ${stack}   # after editing ${tenantsFile}`,
    "",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, OPTIONS, USAGE);
  const { stack, awsRegion } = checkArguments(args);
  const stackFile = `Pulumi.${stack}.yaml`;
  const policyFile = policyConfigPath(stack);
  const tenantsFile = `tenants/${stack}.yaml`;
  const existing = [stackFile, policyFile].filter((f) => existsSync(path.join(PROJECT_ROOT, f)));
  if (existing.length && !args.force)
    throw new UsageError(
      `${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}; nothing was written. Pass --force to replace ${existing.length === 1 ? "it" : "them"}`,
    );

  // The starter tenant sits in a Neon region whose backups land in the stack's AWS region, when one does.
  const active = NEON_REGIONS.filter((r) => r.status.state === "active");
  const region = active.find((r) => r.backupAwsRegion === awsRegion) ?? active[0];
  const residencies = args.residency.length ? args.residency : [region.jurisdictions.at(-1)!];
  const protect = !args.dev;
  const config = stackConfig(args, tenantsFile, awsRegion, residencies, protect);
  const stackText = [
    `# Stack ${stack}, written by npm run init. Credentials never go here: deploys get NEON_API_KEY`,
    "# and the GitHub App token from the CI environment, or from the shell for one command",
    '# (docs/deploying.md "Credentials").',
    stringify({ config }, { lineWidth: 0 }),
  ].join("\n");

  // The same checks a stack file gets, before anything is written.
  const flat = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const { settings, problems } = parseStackSettings(projectSettings(flat), { stack, file: stackFile, text: stackText });
  const errors = problems.filter((p) => p.severity === "error");
  if (!settings || errors.length) {
    for (const p of errors) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write("nothing was written\n");
    return 1;
  }

  const wrote: string[] = [];
  // Every target checked first: a path that cannot be written stops the command before it writes any.
  const writesTenants = !existsSync(path.join(PROJECT_ROOT, tenantsFile));
  for (const f of [stackFile, policyFile, ...(writesTenants ? [tenantsFile] : [])]) {
    if (existsSync(path.join(PROJECT_ROOT, path.dirname(f)))) checkWritable(path.join(PROJECT_ROOT, f));
  }
  writeOutputFile(path.join(PROJECT_ROOT, stackFile), stackText);
  wrote.push(
    `${stackFile}: the stack's settings (repository ${args["github-owner"]}/${args["github-repository"]}@${args["github-branch"]}, ${args["neon-org"] ? `Neon organisation ${args["neon-org"]}` : "Neon personal account (no --neon-org)"}, AWS ${awsRegion}, residencies ${residencies.join(", ")}, protection ${protect ? "on" : "off"}, secrets per GitHub environment)`,
  );
  writeOutputFile(path.join(PROJECT_ROOT, policyFile), renderPolicyConfig(settings), { mkdir: true });
  wrote.push(`${policyFile}: what the policy pack checks this stack against (the same repository, residencies and protection)`);
  if (writesTenants) {
    writeOutputFile(path.join(PROJECT_ROOT, tenantsFile), starterTenants(stack, region, residencies), { mkdir: true });
    wrote.push(`${tenantsFile}: a starter fleet of one tenant in ${region.id}, marked example: true`);
  }
  await write(report(wrote, stack, tenantsFile));
  return 0;
}

runMain("tenant-fleet init", main);
