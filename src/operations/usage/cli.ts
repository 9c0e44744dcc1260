/** The `usage` command of scripts/fleet.ts: its options, the stack, the output (command.ts does the work). */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { neonApi } from "../neonApi";
import { PROJECT_ROOT } from "../../plan/stack";
import { resolveStackInputs } from "../../plan/inputs";
import { readStackConfig, UsageError } from "../../core/config/stackFiles";
import { NAMESPACE, projectSettings } from "../../core/config/settings";
import { defaultStack } from "../../core/config/defaultStack";
import { formatProblem } from "../../core/diagnostics/problems";
import { checkWritable, CommandError, parseCommandLine, write, writeOutputFile } from "../../cli/cli";
import { usageReport, type OwnedProjects } from "./command";
import { FORMATS, render, type Format } from "./format";
import { usageWindow } from "./window";

export const USAGE_USAGE =
  "usage: npm run fleet -- usage [--stack S] [--month YYYY-MM] [--format md|csv|json] [--out FILE] [--state <pulumi stack export file> ...] [--api-url <Neon API base URL>]";

/** The stack's settings and tenants (every one, retired included); an invalid stack is a CommandError listing its problems. */
function stackOf(stack: string) {
  const cfg = readStackConfig(PROJECT_ROOT, stack);
  const r = resolveStackInputs(projectSettings(cfg.config), { stack, file: cfg.stackFile, text: cfg.stackFileText }, PROJECT_ROOT);
  if (!r.settings || !r.fleet)
    throw new CommandError(
      `${r.problems
        .filter((p) => p.severity === "error")
        .map(formatProblem)
        .join("\n")}\nfix the stack's settings and tenants file first`,
    );
  if (!r.settings.neonOrgId)
    throw new CommandError(
      `${cfg.stackFile} names no ${NAMESPACE}:neonOrgId: Neon's consumption API reports per organisation; set it (Neon console, Organization settings)`,
    );
  return { settings: r.settings, tenants: r.fleet.tenants, org: r.settings.neonOrgId };
}

/** The ids of the projects in the stacks' state (`--state` files), by `trackedProjectIds` of the review; undefined without files. */
export function trackedOf(files: readonly string[], trackedProjectIds: (doc: unknown) => string[]): Set<string> | undefined {
  if (!files.length) return undefined;
  const out = new Set<string>();
  for (const file of files) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new UsageError(`--state ${file}: ${(err as Error).message}; pass the output of pulumi stack export --stack <stack>`);
    }
    try {
      for (const id of trackedProjectIds(doc)) out.add(id);
    } catch (err) {
      throw new UsageError(`--state ${file}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** How `fleet orphans` decides ownership (src/review/orphans.ts), handed in by the command line: this layer does not import the review. */
export interface Ownership {
  readonly ownedProjects: OwnedProjects;
  readonly trackedProjectIds: (exported: unknown) => string[];
}

export async function usageFlow(argv: string[], ownership: Ownership, now: () => Date = () => new Date()): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      stack: { type: "string" },
      month: { type: "string" },
      format: { type: "string", default: "md" },
      out: { type: "string" },
      state: { type: "string", multiple: true, default: [] },
      "api-url": { type: "string" },
    },
    USAGE_USAGE,
  );
  if (!(FORMATS as readonly string[]).includes(args.format))
    throw new UsageError(`--format ${JSON.stringify(args.format.slice(0, 20))}: use md (a table), csv or json\n${USAGE_USAGE}`);
  const { window, problem } = usageWindow(args.month, now());
  if (!window) throw new UsageError(`${problem}\n${USAGE_USAGE}`);
  const out = args.out === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
  if (out) checkWritable(out);
  const tracked = trackedOf(args.state, ownership.trackedProjectIds);
  const stack = defaultStack(PROJECT_ROOT, args.stack);
  const { settings, tenants, org } = stackOf(stack);
  const api = neonApi("list the organisation's projects and read their consumption", args["api-url"]);
  const started = Date.now();
  const doc = await usageReport({
    api,
    stack,
    org,
    tenants,
    window,
    ...(settings.usage.pricePlan ? { pricePlan: settings.usage.pricePlan } : {}),
    priceOverrides: settings.usage.prices,
    ownedProjects: ownership.ownedProjects,
    ...(tracked ? { tracked } : {}),
  });
  const text = render(doc, args.format as Format);
  if (out) writeOutputFile(out, text);
  else await write(text);
  const c = doc.calls;
  process.stderr.write(
    `fleet usage: ${c.listing + c.consumption} Neon API call(s): ${c.listing} project listing page(s), ${c.consumption} consumption call(s) (${c.retries} retried after 429/423/503, ${c.waitedSeconds.toFixed(1)} s waited) in ${((Date.now() - started) / 1000).toFixed(1)} s${out ? `; wrote ${args.out}` : ""}\n`,
  );
  return 0;
}
