/**
 * The auditors' regions report, offline, through the same modules the stack uses.
 *
 *   npm run regions -- [--stack S] [--format md|csv|json|svg] [--out FILE] [--tenants FILE [--allow-outside-project]] [--config KEY=VALUE ...]
 *   npm run regions -- --observe [--org ORG] [--format md|json] ...
 *
 * With --format md and --out, the SVG picture is written next to the Markdown and linked from it.
 * With --observe (NEON_API_KEY, read-only), each tenant's project as Neon reports it is set
 * beside the declaration, with every project of the organisation that no stack declares;
 * a difference exits 1 (src/review/observed.ts).
 */
import * as path from "node:path";
import { PROJECT_ROOT } from "../src/plan/stack";
import { checkWritable, parseCommandLine, runMain, STACK_OPTIONS, write, writeOutputFile } from "../src/cli/cli";
import { defaultStack } from "../src/core/config/defaultStack";
import { formatProblem } from "../src/core/diagnostics/problems";
import { readStackConfig, UsageError } from "../src/core/config/stackFiles";
import { applyTenantsOverride, loadWorkingTree } from "../src/engine/workingTree";
import { regionsReport } from "../src/plan/regions";
import { regionsCsv, regionsJson, regionsMarkdown, regionsSvg } from "../src/review/regionsFormat";
import { observationMarkdown, observeRegions, type Observation } from "../src/review/observed";
import { listProjects, neonApi } from "../src/operations/neonApi";
import { declaredByOrg } from "../src/engine/declaredProjects";
import { projectArgs } from "../src/plan/projects/args";
import { projectsOf } from "../tenants/serving";
import type { DeclaredProject } from "../src/review/orphans";

const USAGE =
  "usage: npm run regions -- [--stack S] [--format md|csv|json|svg] [--out FILE] [--observe [--org ORG]] [--tenants FILE [--allow-outside-project]] [--config KEY=VALUE ...]";
const FORMATS = ["md", "csv", "json", "svg"] as const;

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      ...STACK_OPTIONS,
      format: { type: "string", default: "md" },
      out: { type: "string" },
      observe: { type: "boolean", default: false },
      org: { type: "string" },
      "api-url": { type: "string" },
    },
    USAGE,
  );
  const format = args.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${args.format}: use ${FORMATS.join(", ")}\n${USAGE}`);
  if (args.observe && (format === "csv" || format === "svg")) throw new UsageError(`--observe reports in md or json, not ${format}\n${USAGE}`);

  const stackConfig = readStackConfig(PROJECT_ROOT, defaultStack(PROJECT_ROOT, args.stack), args.config);
  applyTenantsOverride(stackConfig, args.tenants, args["allow-outside-project"]);
  const { settings, fleet, problems } = loadWorkingTree(stackConfig);
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!settings || !fleet) {
    process.stderr.write("the report needs a valid tenants file and stack settings; nothing was written.\n");
    return 1;
  }
  const report = regionsReport(fleet, settings.workflows.runnerLabels);
  const meta = { stack: stackConfig.stack, file: settings.tenantsFile };
  let observed: { org: string; observation: Observation } | undefined;
  if (args.observe) {
    const org = args.org ?? settings.neonOrgId;
    if (!org) throw new UsageError(`the stack names no tenant-fleet:neonOrgId; say which organisation: --org <org id>\n${USAGE}`);
    const listed = await listProjects(neonApi("list the organisation's projects", args["api-url"]), org);
    // What every stack declares there (their own projects included), and this fleet's tenants.
    const declared = new Map<string, DeclaredProject>();
    for (const d of declaredByOrg(PROJECT_ROOT).get(org) ?? []) declared.set(`${d.name}\u0000${d.regionId}`, d);
    for (const t of fleet.tenants.flatMap(projectsOf)) {
      const a = projectArgs(t, org);
      declared.set(`${a.name}\u0000${a.regionId}`, { stack: stackConfig.stack, owner: `tenant ${t.id}`, name: a.name, regionId: a.regionId });
    }
    observed = { org, observation: observeRegions(fleet, listed, [...declared.values()]) };
  }
  const out = args.out ? path.resolve(process.env.INIT_CWD ?? process.cwd(), args.out) : undefined;
  let svgName: string | undefined;
  // The report's own path first: a bad --out is named as given, and nothing is half written.
  if (out) checkWritable(out);
  if (out && format === "md") {
    const svgFile = out.replace(/\.md$/i, "") + ".svg";
    writeOutputFile(svgFile, regionsSvg(report, meta));
    svgName = path.basename(svgFile);
  }
  let text =
    format === "md"
      ? regionsMarkdown(report, meta, svgName)
      : format === "csv"
        ? regionsCsv(report)
        : format === "json"
          ? regionsJson(report, meta)
          : regionsSvg(report, meta);
  if (observed)
    text =
      format === "md"
        ? `${text}${observationMarkdown(observed.observation, observed.org)}`
        : `${JSON.stringify({ ...JSON.parse(text), observed: { org: observed.org, ...observed.observation } }, null, 2)}\n`;
  if (out) {
    writeOutputFile(out, text);
    process.stderr.write(`wrote ${out}${svgName ? ` and ${path.join(path.dirname(out), svgName)}` : ""}\n`);
  } else {
    await write(text);
  }
  return report.check.held && (observed?.observation.held ?? true) ? 0 : 1;
}

runMain("tenant-fleet regions", main);
