/**
 * The tenants file `npm run fleet -- adopt` writes: YAML that the stack's own loader
 * (tenants/load.ts) accepts as it is. An entry the loader refuses (a name the tenants file does
 * not take, a limit of the stack) leaves the file with the loader's own message, so what is
 * written always loads and nothing in it was changed to fit.
 */
import { Document, isMap, isSeq } from "yaml";
import { parseTenants, type LoadContext } from "../../../tenants/load";
import { formatProblem, type Problem } from "../../core/diagnostics/problems";
import { SCHEMA_VERSION } from "../../../tenants/schema";
import { CommandError } from "../../cli/cli";
import type { Adopted, Skipped } from "./adoption";

export interface FileHeader {
  /** The organisation, for the file's first comment. */
  readonly org: string;
  /** Path of tenants/tenants.schema.json relative to the written file, for editors. */
  readonly schemaPath: string;
}

/** The YAML text of the adopted tenants. */
export function renderTenantsFile(adopted: readonly Adopted[], header: FileHeader): string {
  const doc = new Document({ version: SCHEMA_VERSION, tenants: adopted.map((a) => a.entry) });
  // The small blocks on one line each, so a tenant reads as one paragraph.
  const tenants = doc.get("tenants", true);
  if (isSeq(tenants))
    for (const t of tenants.items)
      if (isMap(t))
        for (const key of ["compute", "quota", "database"]) {
          const block = t.get(key, true);
          if (isMap(block)) block.flow = true;
        }
  doc.commentBefore = [
    ` yaml-language-server: $schema=${header.schemaPath}`,
    ` Written by npm run fleet -- adopt --org ${header.org}: ${adopted.length} existing Neon project(s), each bound by neonProjectId.`,
    " The next pulumi up imports each project (nothing is created, replaced or reset); every setting below is what Neon reports.",
    " Change a setting only in a later pull request, once the import is deployed (docs/adopt.md).",
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}

/** The entry index a problem is about (`tenants[3].name` → 3), if it is about one. */
function entryIndex(p: Problem): number | undefined {
  const m = /^tenants\[(\d+)\]/.exec(p.path);
  return m ? Number(m[1]) : undefined;
}

/**
 * The file text once the loader accepts it: entries it refuses are moved to `skipped` with its
 * messages (at most a few rounds, as one refusal can hide another). Problems that concern no
 * entry (a stack limit) stop the command.
 */
export function validatedTenantsFile(
  adopted: readonly Adopted[],
  header: FileHeader,
  displayPath: string,
  ctx: LoadContext,
): { text: string; adopted: Adopted[]; refused: Skipped[]; warnings: Problem[] } {
  let kept = [...adopted];
  const refused: Skipped[] = [];
  for (let round = 0; round < 5; round++) {
    if (!kept.length) throw new CommandError("no project of the organisation can be adopted as it is: see the reasons above; nothing was written");
    const text = renderTenantsFile(kept, header);
    const result = parseTenants(text, displayPath, ctx);
    const errors = result.problems.filter((p) => p.severity === "error");
    if (!errors.length) return { text, adopted: kept, refused, warnings: result.problems.filter((p) => p.severity === "warning") };
    const general = errors.filter((p) => entryIndex(p) === undefined);
    if (general.length)
      throw new CommandError(`${general.map(formatProblem).join("\n")}\nthe adopted tenants file would not load for this stack; nothing was written`);
    const bad = new Map<number, string[]>();
    for (const p of errors)
      bad.set(entryIndex(p)!, [...(bad.get(entryIndex(p)!) ?? []), `${p.path.replace(/^tenants\[\d+\]\.?/, "") || "entry"}: ${p.message}`]);
    for (const [i, messages] of bad) {
      const e = kept[i].entry;
      refused.push({ id: e.neonProjectId, name: e.name, region: e.region, why: `the tenants file refuses it: ${messages.join("; ")}` });
    }
    kept = kept.filter((_, i) => !bad.has(i));
  }
  throw new CommandError("the adopted tenants file still does not load after removing the refused entries; nothing was written");
}
