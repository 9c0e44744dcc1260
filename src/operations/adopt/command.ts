/**
 * `npm run fleet -- adopt`: list the organisation's projects no stack declares, read each as
 * the provider's import will, and write a tenants file binding every project the tenants file
 * can state exactly. The command line (scripts/fleet.ts) hands in what the stacks declare.
 */
import { writeFileSync } from "node:fs";
import type { LoadContext } from "../../../tenants/load";
import type { DeclaredProject } from "../../core/neonProject";
import { CommandError } from "../../cli/cli";
import { formatProblem } from "../../core/diagnostics/problems";
import type { NeonApi } from "../neonApi";
import { candidates, planAdoption, type Adopted, type Skipped } from "./adoption";
import { NeonReader, type ReaderOptions, type ReadStats } from "./reader";
import { validatedTenantsFile } from "./tenantsFile";

export interface AdoptionRequest {
  readonly api: NeonApi;
  readonly org: string;
  /** What every stack declares in this organisation (and in none: the key's own). */
  readonly declared: readonly DeclaredProject[];
  /** Tenant ids every stack already uses. */
  readonly takenIds: ReadonlySet<string>;
  /** The stack's residencies and limits, when a stack was named. */
  readonly ctx: LoadContext;
  readonly residencies?: readonly string[];
  readonly out: string;
  /** As the messages show it. */
  readonly outShown: string;
  readonly schemaPath: string;
  readonly force: boolean;
  readonly reader?: ReaderOptions;
}

export interface AdoptionReport {
  readonly org: string;
  readonly out: string;
  readonly listed: number;
  readonly adopted: readonly { projectId: string; name: string; tenant: string; note?: string }[];
  readonly skipped: readonly Skipped[];
  readonly warnings: readonly string[];
  readonly stats: ReadStats & { readonly seconds: number };
}

/** Writes the file (never over another without `force`); a failure names the path. */
function writeOut(path: string, shown: string, text: string, force: boolean): void {
  try {
    writeFileSync(path, text, { flag: force ? "w" : "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EEXIST"
        ? "it exists; pass --force to overwrite it"
        : code === "ENOENT"
          ? "its directory does not exist"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : code === "EISDIR"
              ? "it is a directory"
              : `it cannot be written (${code ?? String(err)})`;
    throw new CommandError(`cannot write ${shown}: ${why}; nothing was written`);
  }
}

export async function adopt(req: AdoptionRequest): Promise<AdoptionReport> {
  const started = Date.now();
  const reader = new NeonReader(req.api, req.reader);
  const listed = await reader.listProjects(req.org);
  const { read, skipped } = candidates(listed, req.declared);
  const observed = await reader.readProjects(read.map((p) => p.id));
  const plan = planAdoption(observed, req.org, req.residencies, req.takenIds);
  if (!plan.adopted.length)
    throw new CommandError(
      `${listed.length} project(s) listed in ${req.org}, none can be adopted as it is:\n${[...skipped, ...plan.skipped].map(skippedLine).join("\n")}\nnothing was written`,
    );
  const file = validatedTenantsFile(plan.adopted, { org: req.org, schemaPath: req.schemaPath }, req.outShown, req.ctx);
  writeOut(req.out, req.outShown, file.text, req.force);
  return {
    org: req.org,
    out: req.outShown,
    listed: listed.length,
    adopted: file.adopted.map(mappingOf),
    skipped: [...skipped, ...plan.skipped, ...file.refused].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    warnings: file.warnings.map(formatProblem),
    stats: { ...reader.stats, seconds: (Date.now() - started) / 1000 },
  };
}

function mappingOf(a: Adopted) {
  return { projectId: a.entry.neonProjectId, name: a.entry.name, tenant: a.entry.id, ...(a.idNote ? { note: a.idNote } : {}) };
}

function skippedLine(s: Skipped): string {
  return `  left out  ${s.id}  ${JSON.stringify(s.name)}  ${s.region}: ${s.why}`;
}

/** The report for a terminal: the mapping, what was left out and why, the cost. */
export function renderAdoption(r: AdoptionReport): string {
  const lines = [`Neon organisation ${r.org}: ${r.listed} project(s) listed; ${r.adopted.length} adopted into ${r.out}, ${r.skipped.length} left out`];
  for (const a of r.adopted) lines.push(`  adopted   ${a.projectId}  ${JSON.stringify(a.name)} → ${a.tenant}${a.note ? `  (${a.note})` : ""}`);
  lines.push(...r.skipped.map(skippedLine));
  for (const w of r.warnings) lines.push(`  warning   ${w}`);
  const s = r.stats;
  lines.push(
    `${s.calls} API call(s) (${s.retries} retried after 429/423/503, ${(s.waitedMs / 1000).toFixed(1)} s waited) in ${s.seconds.toFixed(1)} s.`,
    `Next: review ${r.out}, make it the stack's tenants file (or merge its tenants into it), run npm run plan, and deploy: pulumi up imports each project (docs/adopt.md).`,
  );
  return `${lines.join("\n")}\n`;
}
