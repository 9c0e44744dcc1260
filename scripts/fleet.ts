/**
 * Fleet operations that read the real Neon organisation.
 *
 *   npm run fleet -- orphans [--org <org id> | --stack S] [--state <pulumi stack export file> ...] [--json]
 *
 * `orphans` lists the organisation's Neon projects that no tenant (or dev/test project) of
 * any stack of this project declares (in every stack's organisation, or in the one of --org or --stack), and the further projects named like a tenant's: the
 * ones the provider's retried creates leave behind (src/review/orphans.ts says how). With the
 * stacks' `pulumi stack export` documents it says exactly which projects Pulumi tracks.
 * Needs NEON_API_KEY (read access to the organisation's projects); reads only.
 *
 * Exit status: 0 every listed project is owned; 1 orphans found (listed); 2 the check could
 * not be made (usage, invalid stack or tenants file, credentials, API error, incomplete listing).
 *
 *   npm run fleet -- adopt --org <org id> --out <file> [--stack S] [--force] [--json] [--requests-per-minute N]
 *
 * `adopt` writes a tenants file binding each project of the organisation that no stack declares
 * and that the tenants file can state exactly (src/operations/adopt/, docs/adopt.md); it lists
 * the others with why. Reads only. Exit status: 0 written; 1 nothing adoptable or an API error;
 * 2 usage.
 *
 *   npm run fleet -- usage [--stack S] [--month YYYY-MM] [--format md|csv|json] [--out FILE] [--state <file> ...]
 *
 * `usage` reports what each tenant of the stack costs in a month (src/operations/usage/,
 * docs/usage.md): Neon's consumption per tenant priced by the stack's usage prices, beside its
 * declared compute, quota and backup layers, flagged when over its quota or far under its
 * compute. Reads only. Exit status: 0 reported; 1 an invalid stack or an API error; 2 usage.
 */
import { listProjects, neonApi, NeonApiError } from "../src/operations/neonApi";
import { PROJECT_ROOT } from "../src/plan/stack";
import { readStackConfig, UsageError } from "../src/core/config/stackFiles";
import { NAMESPACE } from "../src/core/config/settings";
import { findOrphans, ownedProjects, trackedProjectIds } from "../src/review/orphans";
import { declaredByOrg, DeclarationError } from "../src/engine/declaredProjects";
import { parseCommandLine, parseSubcommand, runMain, write } from "../src/cli/cli";
import { ADOPT_USAGE, adoptFlow } from "../src/operations/adopt/cli";
import { trackedOf, USAGE_USAGE, usageFlow } from "../src/operations/usage/cli";

const USAGE = "usage: npm run fleet -- orphans [--org <org id> | --stack S] [--state <pulumi stack export file> ...] [--json] [--api-url <Neon API base URL>]";
const COMMANDS = ["orphans", "adopt", "usage"] as const;

async function orphans(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      org: { type: "string" },
      stack: { type: "string" },
      state: { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
      "api-url": { type: "string" },
    },
    USAGE,
  );
  const stackOrg = args.stack === undefined ? undefined : orgOfStack(args.stack);
  if (args.org && stackOrg && args.org !== stackOrg)
    throw new UsageError(`--org ${args.org} and --stack ${args.stack} (whose organisation is ${stackOrg}) disagree; give one\n${USAGE}`);
  const api = neonApi("list the organisation's projects", args["api-url"]);
  const declared = declaredByOrg(PROJECT_ROOT);
  const chosen = args.org ?? stackOrg;
  const orgs = chosen ? [chosen] : [...declared.keys()].filter((o) => o !== "(no organisation)");
  if (!orgs.length) throw new UsageError(`no stack names tenant-fleet:neonOrgId; say which organisation: --org <org id>\n${USAGE}`);
  const tracked = trackedOf(args.state, trackedProjectIds);

  const reports = [];
  for (const org of orgs) {
    const listed = await listProjects(api, org);
    reports.push({ org, listed: listed.length, ...findOrphans(declared.get(org) ?? [], listed, tracked) });
  }
  const found = reports.reduce((n, r) => n + r.orphans, 0);
  if (args.json) {
    await write(`${JSON.stringify({ orgs: reports, orphans: found, exact: tracked !== undefined }, null, 2)}\n`);
    return found ? 1 : 0;
  }
  const lines: string[] = [];
  for (const r of reports) {
    const stacks = [...new Set((declared.get(r.org) ?? []).map((d) => d.stack))].join(", ") || "none";
    lines.push(`Neon organisation ${r.org}: ${r.listed} project(s) listed; stacks declaring projects there: ${stacks}`);
    for (const v of r.verdicts.filter((x) => x.kind !== "owned")) {
      lines.push(
        `  ${v.kind === "duplicate" ? "orphan " : "unowned"}  ${v.project.id}  ${JSON.stringify(v.project.name)}  ${v.project.region_id}  created ${v.project.created_at}: ${v.why}`,
      );
    }
    for (const m of r.missing)
      lines.push(`  missing  ${m.owner} (${m.stack}): no project ${JSON.stringify(m.name)} in ${m.regionId} (not created yet, or deleted outside Pulumi)`);
  }
  lines.push(
    found
      ? `${found} project(s) no tenant owns. Nothing was changed: look at each in the Neon console (its branches, its size, when it was last active) before deleting it there; a duplicate may hold writes that went to it.`
      : `every listed project is owned${tracked ? " and tracked" : ""}.`,
  );
  await write(`${lines.join("\n")}\n`);
  return found ? 1 : 0;
}

/** The Neon organisation a stack names (tenant-fleet:neonOrgId), or a UsageError saying it names none. */
function orgOfStack(stack: string): string {
  const org = readStackConfig(PROJECT_ROOT, stack).config[`${NAMESPACE}:neonOrgId`];
  if (!org) throw new UsageError(`--stack ${stack}: Pulumi.${stack}.yaml names no ${NAMESPACE}:neonOrgId; say which organisation: --org <org id>\n${USAGE}`);
  return org;
}

async function main(argv: string[]): Promise<number> {
  const { command, rest } = parseSubcommand(argv, COMMANDS, `${USAGE}\n${ADOPT_USAGE}\n${USAGE_USAGE}`);
  if (command === "adopt") return adoptFlow(rest, () => declaredByOrg(PROJECT_ROOT));
  if (command === "usage") return usageFlow(rest, { ownedProjects, trackedProjectIds });
  if (command === "orphans") {
    try {
      return await orphans(rest);
    } catch (err) {
      if (err instanceof NeonApiError || err instanceof DeclarationError) {
        process.stderr.write(`${err.message}\n`);
        return 2;
      }
      throw err;
    }
  }
  throw new UsageError(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
}

runMain("tenant-fleet fleet", main);
