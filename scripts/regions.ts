/**
 * The auditors' regions report, offline, through the same modules the stack uses.
 *
 *   npm run regions -- [--stack S] [--format md|csv|json|svg] [--out FILE] [--tenants FILE [--allow-outside-project]] [--config KEY=VALUE ...]
 *
 * With --format md and --out, the SVG picture is written next to the Markdown and linked from it.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../config/stack";
import { parseCommandLine, runMain, STACK_OPTIONS, write } from "./lib/cli";
import { formatProblem } from "../diagnostics/problems";
import { readStackConfig, UsageError } from "../config/stackFiles";
import { applyTenantsOverride, loadWorkingTree } from "./lib/workingTree";
import { regionsReport } from "../review/regions";
import { regionsCsv, regionsJson, regionsMarkdown, regionsSvg } from "../review/regionsFormat";

const USAGE = "usage: npm run regions -- [--stack S] [--format md|csv|json|svg] [--out FILE] [--tenants FILE [--allow-outside-project]] [--config KEY=VALUE ...]";
const FORMATS = ["md", "csv", "json", "svg"] as const;


async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, { ...STACK_OPTIONS, format: { type: "string", default: "md" }, out: { type: "string" } }, USAGE);
  if (args.help) {
    await write(`${USAGE}\n`);
    return 0;
  }
  const format = args.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${args.format}: use ${FORMATS.join(", ")}\n${USAGE}`);

  const stackConfig = readStackConfig(PROJECT_ROOT, args.stack!, args.config);
  applyTenantsOverride(stackConfig, args.tenants, args["allow-outside-project"]);
  const { settings, fleet, problems } = loadWorkingTree(stackConfig);
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!settings || !fleet) {
    process.stderr.write("the report needs a valid tenants file and stack settings; nothing was written.\n");
    return 1;
  }
  const report = regionsReport(fleet);
  const meta = { stack: stackConfig.stack, file: settings.tenantsFile };
  const out = args.out ? path.resolve(process.env.INIT_CWD ?? process.cwd(), args.out) : undefined;
  let svgName: string | undefined;
  if (out && format === "md") {
    const svgFile = out.replace(/\.md$/i, "") + ".svg";
    writeFileSync(svgFile, regionsSvg(report, meta));
    svgName = path.basename(svgFile);
  }
  const text = format === "md" ? regionsMarkdown(report, meta, svgName) : format === "csv" ? regionsCsv(report) : format === "json" ? regionsJson(report, meta) : regionsSvg(report, meta);
  if (out) {
    writeFileSync(out, text);
    process.stderr.write(`wrote ${out}${svgName ? ` and ${path.join(path.dirname(out), svgName)}` : ""}\n`);
  } else {
    await write(text);
  }
  return report.check.held ? 0 : 1;
}

runMain("tenant-fleet regions", main);
