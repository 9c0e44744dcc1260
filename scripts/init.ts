/**
 * Starts a stack of your own: writes Pulumi.<stack>.yaml for your application repository,
 * Neon organisation and AWS account, the policy config CI checks it against, and (when the
 * stack's tenants file does not exist yet) a starter tenants file with one tenant, marked
 * `example: true` so that `pulumi up` refuses it until you have made it yours. Refuses to
 * overwrite a stack file or policy config without --force. Everything it writes is checked
 * by the same rules as a stack file (src/core/config/settings.ts).
 *
 * `--fleet-size N` (asked for on a terminal when not given) sizes the stack with the
 * benchmark's models (src/tools/bench/sizing.ts): the secret scope whose GitHub API and
 * runner costs fit N, and how many shards; it prints the figures and why. Without it the
 * stack keeps secrets per GitHub environment, as before.
 *
 *   npm run init -- --stack prod --github-owner acme --github-repository app \
 *     --neon-org org-... --aws-region eu-central-1 --key-administrator arn:aws:iam::…:role/deploy
 */
import { existsSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import * as path from "node:path";
import type { ParseArgsConfig } from "node:util";
import { stringify } from "yaml";
import { PROJECT_ROOT } from "../src/plan/stack";
import { checkWritable, CommandError, parseCommandLine, runMain, write, writeOutputFile } from "../src/cli/cli";
import { UsageError } from "../src/core/config/stackFiles";
import { defaultStack } from "../src/core/config/defaultStack";
import { parseStackSettings, projectSettings } from "../src/core/config/settings";
import { AWS_REGION, policyConfigPath, renderPolicyConfig } from "../src/core/config/ciStacks";
import { NEON_REGIONS, type NeonRegion } from "../tenants/regions";
import { formatProblem } from "../src/core/diagnostics/problems";
import { sizeStack, sizingReport, type Sizing, type SizingScope } from "../src/tools/bench/sizing";
import type { SecretScope } from "../src/core/repositoryContract";
import type { StackSettings } from "../src/core/config/settings";

const USAGE = [
  "usage: npm run init -- --stack <name> --github-owner <owner> --github-repository <name> --aws-region <region>",
  "                       --key-administrator <iam arn> [--key-administrator <iam arn> ...]",
  "                       [--fleet-size <tenants>] [--neon-org <org-…>] [--residency <EU|CC> ...] [--break-glass <iam arn>] [--dev] [--force]",
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
  "fleet-size": { type: "string" },
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

/** The fleet size: --fleet-size, or the answer on a terminal; undefined when neither (not sized). */
async function fleetSize(given: string | undefined): Promise<number | undefined> {
  let text = given;
  if (text === undefined && process.stdin.isTTY && process.stdout.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      text = (await rl.question("How many tenants will this stack hold, roughly (sizes the stack; Enter to skip)? ")).trim() || undefined;
    } finally {
      rl.close();
    }
  }
  if (text === undefined) return undefined;
  const n = Number(text.replace(/[_,]/g, ""));
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw new UsageError(
      `--fleet-size ${JSON.stringify(text.slice(0, 40))}: give the number of tenants, a whole number from 1 to 1,000,000, e.g. --fleet-size 300`,
    );
  return n;
}

/** The stack file's `config:` block. */
function stackConfig(
  args: InitArgs,
  tenantsFile: string,
  awsRegion: string,
  residencies: readonly string[],
  protect: boolean,
  scope: SecretScope,
): Record<string, unknown> {
  return {
    "tenant-fleet:tenantsFile": tenantsFile,
    "tenant-fleet:secretScope": scope,
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
function report(wrote: readonly string[], stack: string, tenantsFile: string, scope: SecretScope): string {
  let plan = `npm run plan -- --stack ${stack}   # what the stack declares, offline`;
  try {
    if (defaultStack(PROJECT_ROOT) === stack)
      plan = `npm run plan                     # what the stack declares, offline (without --stack, commands use ${stack}: the project's own stack)`;
  } catch {
    // several stacks of the team's own: the command names it
  }
  return [
    ...wrote.map((w) => `wrote ${w}`),
    ...(scope === "region" ? ["", ...REGION_SCOPE_NOTE] : []),
    "",
    "next:",
    `  ${plan}`,
    `  pulumi stack init ${stack}                   # once, on your Pulumi backend`,
    `  NEON_API_KEY=… GITHUB_TOKEN=… pulumi up --stack ${stack}   # after editing ${tenantsFile}`,
    "",
  ].join("\n");
}

/** What the application does differently when its tenants' strings live in SSM. */
const REGION_SCOPE_NOTE = [
  "secretScope region: GitHub holds nothing per tenant; each tenant's connection strings are SSM SecureStrings in its",
  "backup AWS region (/tenant-fleet/<stack>/<tenant>/pooled-url). The application must read its tenant's pooled string",
  "from SSM at run time instead of from its environment: list its runtime IAM roles in tenant-fleet:applicationRoleArns",
  'and attach the stack output applicationCredentialsPolicy to them (docs/github.md "The three secret scopes").',
];

const SCOPE_WORDS: Record<SecretScope, string> = {
  repository: "secrets as repository secrets",
  environment: "secrets per GitHub environment",
  region: "secrets in SSM in each tenant's AWS region",
};

interface Prospect {
  readonly stack: string;
  readonly stackFile: string;
  readonly awsRegion: string;
  readonly tenantsFile: string;
  readonly residencies: readonly string[];
  readonly protect: boolean;
}

/** The stack file's text in a scope, and its settings checked as a stack file's are (problems: nothing may be written). */
function prospectIn(args: InitArgs, p: Prospect, scope: SecretScope) {
  const config = stackConfig(args, p.tenantsFile, p.awsRegion, p.residencies, p.protect, scope);
  const text = [
    `# Stack ${p.stack}, written by npm run init. Credentials never go here: deploys get NEON_API_KEY`,
    "# and the GitHub App token from the CI environment, or from the shell for one command",
    '# (docs/deploying.md "Credentials").',
    stringify({ config }, { lineWidth: 0 }),
  ].join("\n");
  const flat = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const { settings, problems } = parseStackSettings(projectSettings(flat), { stack: p.stack, file: p.stackFile, text });
  const errors = problems.filter((x) => x.severity === "error");
  return { text, flat, settings: errors.length ? undefined : settings, errors };
}

/** The scope: sized for the fleet when its size is known, else environment (init's choice before sizing). */
async function chooseScope(args: InitArgs, p: Prospect, tenants: number | undefined): Promise<{ scope: SecretScope; sizing?: Sizing }> {
  if (tenants === undefined) return { scope: "environment" };
  const settingsIn = (scope: SizingScope) => {
    const x = prospectIn(args, p, scope);
    if (!x.settings) throw new CommandError(`${x.errors.map(formatProblem).join("\n")}\nnothing was written`);
    return { settings: x.settings as StackSettings, config: x.flat };
  };
  process.stderr.write(
    `sizing ${p.stack} for ${tenants.toLocaleString("en")} tenants: planning the stack with 1 and 2 synthetic tenants per secret scope ...\n`,
  );
  try {
    const sizing = await sizeStack(tenants, settingsIn);
    return { scope: sizing.chosen, sizing };
  } catch (err) {
    if (err instanceof CommandError) throw err;
    throw new CommandError(
      `could not size the stack: ${(err as Error).message}\nnothing was written; run again without --fleet-size to write the stack unsized`,
    );
  }
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
  const tenants = await fleetSize(args["fleet-size"]);

  // The starter tenant sits in a Neon region whose backups land in the stack's AWS region, when one does.
  const active = NEON_REGIONS.filter((r) => r.status.state === "active");
  const region = active.find((r) => r.backupAwsRegion === awsRegion) ?? active[0];
  const residencies = args.residency.length ? args.residency : [region.jurisdictions.at(-1)!];
  const prospect: Prospect = { stack, stackFile, awsRegion, tenantsFile, residencies, protect: !args.dev };

  // The same checks a stack file gets, before anything is written (and before sizing, which plans it).
  const first = prospectIn(args, prospect, "environment");
  if (!first.settings) {
    for (const p of first.errors) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write("nothing was written\n");
    return 1;
  }
  const { scope, sizing } = await chooseScope(args, prospect, tenants);
  const { text, settings } = prospectIn(args, prospect, scope);
  if (sizing) await write(`${sizingReport(sizing).join("\n")}\n\n`);
  await write(report(writeStack(args, prospect, { text, settings: settings!, scope }, region), stack, tenantsFile, scope));
  return 0;
}

/** Writes the stack file, its policy config (both from the one set of settings) and, when missing, the starter fleet; returns what it wrote. */
function writeStack(args: InitArgs, p: Prospect, chosen: { text: string; settings: StackSettings; scope: SecretScope }, region: NeonRegion): string[] {
  const wrote: string[] = [];
  const policyFile = policyConfigPath(p.stack);
  // Every target checked first: a path that cannot be written stops the command before it writes any.
  const writesTenants = !existsSync(path.join(PROJECT_ROOT, p.tenantsFile));
  for (const f of [p.stackFile, policyFile, ...(writesTenants ? [p.tenantsFile] : [])]) {
    if (existsSync(path.join(PROJECT_ROOT, path.dirname(f)))) checkWritable(path.join(PROJECT_ROOT, f));
  }
  writeOutputFile(path.join(PROJECT_ROOT, p.stackFile), chosen.text);
  wrote.push(
    `${p.stackFile}: the stack's settings (repository ${args["github-owner"]}/${args["github-repository"]}@${args["github-branch"]}, ${args["neon-org"] ? `Neon organisation ${args["neon-org"]}` : "Neon personal account (no --neon-org)"}, AWS ${p.awsRegion}, residencies ${p.residencies.join(", ")}, protection ${p.protect ? "on" : "off"}, ${SCOPE_WORDS[chosen.scope]})`,
  );
  writeOutputFile(path.join(PROJECT_ROOT, policyFile), renderPolicyConfig(chosen.settings), { mkdir: true });
  wrote.push(`${policyFile}: what the policy pack checks this stack against (the same repository, residencies and protection)`);
  if (writesTenants) {
    writeOutputFile(path.join(PROJECT_ROOT, p.tenantsFile), starterTenants(p.stack, region, p.residencies), { mkdir: true });
    wrote.push(`${p.tenantsFile}: a starter fleet of one tenant in ${region.id}, marked example: true`);
  }
  return wrote;
}

runMain("tenant-fleet init", main);
