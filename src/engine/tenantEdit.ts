/**
 * `npm run tenant -- add ID --name N --region R --residency C` and `retire ID`: the one
 * reviewed file edited by a command (docs/signup.md). The edit is made on the text
 * (tenants/edit.ts: the bytes of the change only), refused for an id the file has held at any
 * point of its git history, then validated by the same loader and stack checks as the program
 * (the candidate is a temporary file beside the tenants file; only a valid one is renamed over
 * it, so nothing is ever half written), and the tenant diff is printed as the review classes it.
 */
import { renameSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../plan/stack";
import { CommandError, parseCommandLine, STACK_OPTIONS, write } from "../cli/cli";
import { idsEverUsed } from "../cli/git";
import { defaultStack } from "../core/config/defaultStack";
import { NAMESPACE } from "../core/config/settings";
import { readStackConfig, UsageError, type StackConfig } from "../core/config/stackFiles";
import { formatProblem } from "../core/diagnostics/problems";
import { addTenantEntry, idShapeProblem, quoteValue, retireTenantEntry, type EditResult } from "../../tenants/edit";
import { diffFleets } from "../review/diff";
import { diffDocument, renderDiffText } from "../review/diffReport";
import { signupVerdict } from "../review/signupVerdict";
import { ownSide } from "./review";
import { applyTenantsOverride, loadWorkingTree } from "./workingTree";

export const EDIT_COMMANDS = ["add", "retire"] as const;
export type EditCommand = (typeof EDIT_COMMANDS)[number];

export const EDIT_USAGE = [
  "usage: npm run tenant -- add ID --name NAME --region REGION --residency CODE [--tier TIER] [--dry-run] [--json] [--stack S] [--tenants FILE] [--config KEY=VALUE ...]",
  "       npm run tenant -- retire ID [--dry-run] [--json] [--stack S] [--tenants FILE] [--config KEY=VALUE ...]",
  "       add: a new active tenant after the last one (an id the file ever held is refused), with --tier one of the file's tiers; retire: status: retired (the database is kept)",
  "       the file is validated as the program validates it before it is written; the tenant diff is printed (--json: with the signup verdict)",
].join("\n");

const OPTIONS = {
  ...STACK_OPTIONS,
  name: { type: "string" },
  region: { type: "string" },
  residency: { type: "string" },
  tier: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
} as const;

type Args = ReturnType<typeof parseCommandLine<typeof OPTIONS>>;

/** The stack's tenants file (absolute) and its name in messages (as the stack settings give it). */
interface TenantsFile {
  readonly absolute: string;
  readonly shown: string;
}

function loadStack(args: Args): { stackConfig: StackConfig; file: TenantsFile; inputs: ReturnType<typeof loadWorkingTree> } {
  const stackConfig = readStackConfig(PROJECT_ROOT, defaultStack(PROJECT_ROOT, args.stack), args.config);
  applyTenantsOverride(stackConfig, args.tenants, args["allow-outside-project"]);
  const inputs = loadWorkingTree(stackConfig);
  const shown = inputs.settings?.tenantsFile ?? "tenants file";
  return {
    stackConfig,
    file: { absolute: path.resolve(PROJECT_ROOT, shown), shown },
    inputs,
  };
}

/** The checks on add's own arguments, each naming the option, the value and the fix. */
function addArgumentProblems(id: string, args: Args): string[] {
  const out: string[] = [];
  const shape = idShapeProblem(id);
  if (shape) out.push(`ID: ${shape}`);
  for (const key of ["name", "region", "residency"] as const) {
    const value = args[key];
    if (value === undefined) out.push(`--${key} is missing: add needs --name, --region and --residency`);
    else if (value.trim() === "") out.push(`--${key} ${quoteValue(value)} is empty; give a value`);
  }
  if (args.tier !== undefined && args.tier.trim() === "")
    out.push(`--tier ${quoteValue(args.tier)} is empty; name one of the file's tiers, or leave --tier out`);
  return out;
}

/** Refuses an id the tenants file has held at any commit: its backups, exports, catalog records and environment name are the old tenant's. */
function refuseUsedId(id: string, file: TenantsFile): void {
  const used = idsEverUsed(file.absolute, path.dirname(file.absolute)).get(id);
  if (used)
    throw new CommandError(
      `${file.shown}: ${quoteValue(id)} was a tenant id before (written in commit ${used.commit}, ${used.date}): an id names a tenant's backups, exports, catalog records and GitHub environment, so it is never given to another customer; choose another id`,
    );
}

/** The candidate, validated as the program validates: the stack's checks run on a temporary copy beside the file. */
function validate(candidate: string, stackConfig: StackConfig, file: TenantsFile, entryLine: number) {
  const temp = path.join(path.dirname(file.absolute), `.${path.basename(file.absolute)}.${process.pid}.candidate`);
  writeFileSync(temp, candidate, { flag: "wx" });
  try {
    const config: StackConfig = { ...stackConfig, config: { ...stackConfig.config, [`${NAMESPACE}:tenantsFile`]: path.relative(PROJECT_ROOT, temp) } };
    const inputs = loadWorkingTree(config);
    const tempShown = inputs.settings?.tenantsFile;
    const problems = inputs.problems.map((p) => (p.file === tempShown ? { ...p, file: file.shown } : p));
    const errors = problems.filter((p) => p.severity === "error");
    if (errors.length || !inputs.fleet || !inputs.settings) {
      rmSync(temp, { force: true });
      throw new CommandError(
        [`${file.shown}: the edit (line ${entryLine} of the file it would write) is refused; nothing was written:`, ...errors.map(formatProblem)].join("\n"),
      );
    }
    return { temp, inputs: { settings: inputs.settings, fleet: inputs.fleet } };
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** The edit made, validated, written (unless --dry-run) and shown as the tenant diff; exit 0. */
export async function tenantEditCommand(command: EditCommand, id: string, rest: string[]): Promise<number> {
  const args = parseCommandLine(rest, OPTIONS, EDIT_USAGE);
  if (command === "retire" && (args.name || args.region || args.residency || args.tier !== undefined))
    throw new UsageError(`retire takes the id only\n${EDIT_USAGE}`);
  if (command === "add") {
    const problems = addArgumentProblems(id, args);
    if (problems.length) throw new UsageError(`${problems.join("\n")}\n${EDIT_USAGE}`);
  }
  const { stackConfig, file, inputs: before } = loadStack(args);
  if (!before.settings || !before.fleet) {
    for (const p of before.problems) process.stderr.write(`${formatProblem(p)}\n`);
    throw new CommandError(`${file.shown} (or the stack's settings) is not valid as it is: fix the problems above first; nothing was written`);
  }
  const text = readFileSync(file.absolute, "utf8");
  if (command === "add") refuseUsedId(id, file);
  const edit: EditResult =
    command === "add"
      ? addTenantEntry(text, {
          id,
          name: args.name!,
          region: args.region!,
          residency: args.residency!,
          ...(args.tier !== undefined ? { tier: args.tier } : {}),
        })
      : retireTenantEntry(text, id);
  if ("problem" in edit) throw new CommandError(`${file.shown}:${edit.problem.line}:${edit.problem.col}: ${edit.problem.message}; nothing was written`);
  const { temp, inputs } = validate(edit.text, stackConfig, file, edit.entryLine);
  let diffText: string;
  let document: object;
  try {
    // The head side is the same stack reading the edited text under the file's own name (not the temporary copy's).
    const head = ownSide(stackConfig, before.settings!, { ...inputs.fleet, file: before.fleet!.file });
    const after = { ...head, source: { ...head.source, tenantsText: edit.text } };
    const diff = diffFleets(ownSide(stackConfig, before.settings!, before.fleet!), after);
    const meta = { base: `${file.shown} as it was`, stack: stackConfig.stack, file: file.shown };
    diffText = renderDiffText(diff, meta);
    document = { ...diffDocument(diff, meta), written: !args["dry-run"], line: edit.entryLine, signup: signupVerdict(diff, [file.shown], [file.shown]) };
    if (args["dry-run"]) rmSync(temp, { force: true });
    else renameSync(temp, file.absolute);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  await write(args.json ? `${JSON.stringify(document, null, 2)}\n` : diffText);
  if (!args.json) process.stderr.write(`${args["dry-run"] ? "not written (--dry-run)" : `written: ${file.shown}`}\n`);
  return 0;
}
