/** The `adopt` command of scripts/fleet.ts: its options, the stack's context, and the report (command.ts does the work). */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { neonApi } from "../neonApi";
import { PROJECT_ROOT } from "../../plan/stack";
import { readStackConfig, UsageError } from "../../core/config/stackFiles";
import { parseStackSettings, projectSettings } from "../../core/config/settings";
import { formatProblem } from "../../core/diagnostics/problems";
import { fleetContext } from "../../plan/inputs";
import { CommandError, parseCommandLine, write } from "../../cli/cli";
import type { DeclaredProject } from "../../core/neonProject";
import { adopt, renderAdoption } from "./command";
import type { LoadContext } from "../../../tenants/load";

export const ADOPT_USAGE =
  "usage: npm run fleet -- adopt --org <org id> --out <file> [--stack S] [--force] [--json] [--requests-per-minute N] [--api-url <Neon API base URL>]";

/** The stack's residencies and limits, checked against the organisation. */
function stackContext(stack: string | undefined, org: string): { ctx: LoadContext; residencies?: readonly string[] } {
  if (stack === undefined) return { ctx: {} };
  const cfg = readStackConfig(PROJECT_ROOT, stack);
  const { settings, problems } = parseStackSettings(projectSettings(cfg.config), { stack, file: cfg.stackFile, text: cfg.stackFileText });
  if (!settings) throw new CommandError(`${problems.map(formatProblem).join("\n")}\nfix the stack's settings first`);
  if (settings.neonOrgId !== undefined && settings.neonOrgId !== org)
    throw new UsageError(
      `--stack ${stack} deploys into ${settings.neonOrgId} (tenant-fleet:neonOrgId), not ${org}: an import of another organisation's project would replace it; adopt with --org ${settings.neonOrgId}, or name the stack that deploys into ${org}`,
    );
  return { ctx: fleetContext(settings, cfg.stackFile), residencies: settings.allowedResidencies };
}

/**
 * @param declaredByOrg what every stack of the project declares, by organisation (src/engine/declaredProjects.ts,
 *   handed in by the command line: this layer does not import the engine)
 */
export async function adoptFlow(argv: string[], declaredByOrg: () => Map<string, DeclaredProject[]>): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      org: { type: "string" },
      out: { type: "string" },
      stack: { type: "string" },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "requests-per-minute": { type: "string" },
      "api-url": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    ADOPT_USAGE,
  );
  if (args.help) {
    await write(`${ADOPT_USAGE}\n`);
    return 0;
  }
  if (!args.org) throw new UsageError(`adopt needs the organisation: --org <org id> (org-…, from the Neon console's organisation settings)\n${ADOPT_USAGE}`);
  if (!args.out) throw new UsageError(`adopt needs the file to write: --out <file>, e.g. --out tenants/adopted.yaml\n${ADOPT_USAGE}`);
  const rpm = args["requests-per-minute"] === undefined ? undefined : Number(args["requests-per-minute"]);
  if (rpm !== undefined && !(Number.isInteger(rpm) && rpm >= 1 && rpm <= 700))
    throw new UsageError(
      `--requests-per-minute ${JSON.stringify(args["requests-per-minute"])}: a whole number from 1 to 700 (Neon's limit per account)\n${ADOPT_USAGE}`,
    );
  const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
  if (existsSync(out) && !args.force) throw new UsageError(`${args.out} exists; pass --force to overwrite it, or choose another --out`);
  const { ctx, residencies } = stackContext(args.stack, args.org);
  const api = neonApi("list and read the organisation's projects", args["api-url"]);
  const declared = declaredByOrg();
  const takenIds = new Set([...declared.values()].flat().flatMap((d) => (d.tenantId ? [d.tenantId] : [])));
  const report = await adopt({
    api,
    org: args.org,
    declared: [...(declared.get(args.org) ?? []), ...(declared.get("(no organisation)") ?? [])],
    takenIds,
    ctx,
    ...(residencies ? { residencies } : {}),
    out,
    outShown: args.out,
    schemaPath: path.relative(path.dirname(out), path.join(PROJECT_ROOT, "tenants/tenants.schema.json")),
    force: args.force,
    reader: rpm ? { requestsPerMinute: rpm } : {},
  });
  await write(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderAdoption(report));
  return 0;
}
