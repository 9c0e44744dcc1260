/**
 * Loads a tenants file: YAML with positions, the zod schema, then the named rules
 * (tenants/rules/) that need the region catalog, the stack settings or several tenants at
 * once. Every problem is collected and positioned; the result is either a frozen fleet or
 * a list of problems, never an exception (except for bugs).
 */
import { readFileSync } from "node:fs";
import {
  TenantsFileSchema,
  TenantSchema,
  DefaultsSchema,
  TierSchema,
  AcknowledgementSchema,
  type AcknowledgementInput,
  type TenantInput,
  type DefaultsInput,
} from "./schema";
import { CODE_DEFAULTS, deepFreeze, type Fleet, type Tenant } from "./model";
import { schemaProblems, validFields } from "./schemaProblems";
import { RULES, type Entry, type LoadContext } from "./rules";
import { sortProblems, InputError, type Problem } from "../src/core/diagnostics/problems";
import { Positions } from "../src/core/diagnostics/positions";
import { explainYamlError } from "../src/core/diagnostics/yamlSyntax";
import { normaliseCron } from "../src/core/cronGrammar";
import { layered, presetOf, type Layer } from "./tiers";

export type { LoadContext } from "./rules";
export { GITHUB_REPOSITORY_SECRET_LIMIT, S3_LIFECYCLE_RULE_LIMIT, SSM_STANDARD_PARAMETER_LIMIT } from "./rules";

export interface LoadResult {
  readonly fleet?: Fleet;
  /** Errors and warnings, sorted by position. The fleet is present only when there is no error. */
  readonly problems: readonly Problem[];
}

/** One spelling per schedule (`MON` and ` mon`, spaces): schedules group tenants into workflow files. */
function normaliseSchedule<T extends { schedule: string }>(backup: T): T {
  return { ...backup, schedule: normaliseCron(backup.schedule) };
}

/** A tenant with every setting resolved: its own, else `defaults` (the file's defaults with its tier's preset over them: tenants/tiers.ts), else the code's. */
function resolveTenant(raw: TenantInput, defaults: Layer | undefined, ctx: LoadContext): Tenant {
  const snapshots = raw.backup?.snapshots ?? defaults?.backup?.snapshots ?? ctx.snapshots?.default ?? CODE_DEFAULTS.backup.snapshots;
  return {
    id: raw.id,
    name: raw.name,
    region: raw.region,
    residency: raw.residency,
    status: raw.status,
    pgVersion: raw.pgVersion ?? defaults?.pgVersion ?? CODE_DEFAULTS.pgVersion,
    generation: raw.generation ?? 1,
    historyRetentionHours: raw.historyRetentionHours ?? defaults?.historyRetentionHours ?? CODE_DEFAULTS.historyRetentionHours,
    compute: { ...CODE_DEFAULTS.compute, ...defaults?.compute, ...raw.compute },
    quota: { ...defaults?.quota, ...raw.quota },
    backup: { ...normaliseSchedule({ ...CODE_DEFAULTS.backup, ...defaults?.backup, ...raw.backup }), snapshots },
    database: { ...CODE_DEFAULTS.database, ...defaults?.database, ...raw.database },
    ...((raw.rollout ?? defaults?.rollout) !== undefined ? { rollout: raw.rollout ?? defaults?.rollout } : {}),
    ...(raw.tier !== undefined ? { tier: raw.tier } : {}),
    ...(raw.legalHold !== undefined ? { legalHold: raw.legalHold } : {}),
    ...(raw.neonProjectId !== undefined ? { neonProjectId: raw.neonProjectId } : {}),
    ...(raw.move
      ? {
          move: {
            region: raw.move.region,
            pgVersion: raw.move.pgVersion ?? raw.pgVersion ?? defaults?.pgVersion ?? CODE_DEFAULTS.pgVersion,
            ticket: raw.move.ticket,
            method: raw.move.method ?? "dump",
            cutover: raw.move.cutover ?? false,
            finish: raw.move.finish ?? false,
          },
        }
      : {}),
  };
}

/** Parses and validates the text of a tenants file. `file` is used in messages only. */
export function parseTenants(text: string, file: string, ctx: LoadContext = {}): LoadResult {
  const deep = nestingProblem(text);
  if (deep) return { problems: [{ severity: "error", file, line: deep.line, col: deep.col, path: "", message: deep.message }] };
  const at = Positions.of(text, file, { uniqueKeys: true, strict: true });
  // Every repeated key, and the first other syntax error: what follows one usually follows from it (a tab, a stray indent).
  const errors = at.syntaxErrors().sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col);
  const firstOther = errors.find((e) => e.code !== "DUPLICATE_KEY");
  const shown: Problem[] = errors
    .filter((e) => e === firstOther || e.code === "DUPLICATE_KEY")
    .map((e) => ({ severity: "error", file, ...e.position, path: "", message: explainYamlError(text, e.code, e.message, e.position.line, e.position.col) }));
  if (shown.length) return { problems: shown };
  const doc = at.doc;

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { problems: [at.error([], `${err instanceof Error ? err.message : String(err)}; remove the aliases`)] };
  }
  if (data === null || data === undefined) {
    return { problems: [at.error([], "the file is empty; it starts with version: 1 and a tenants: list")] };
  }

  const parsed = TenantsFileSchema.safeParse(data, { reportInput: true });
  const problems: Problem[] = [];
  let defaults: Partial<DefaultsInput> = {};
  let tiers: Record<string, Partial<DefaultsInput>> = {};
  let rawEntries: { index: number; raw: Partial<TenantInput> }[] = [];
  let entries: Entry[] = [];
  let acks: Partial<AcknowledgementInput>[] = [];
  if (parsed.success) {
    defaults = parsed.data.defaults ?? {};
    tiers = parsed.data.tiers ?? {};
    rawEntries = parsed.data.tenants.map((raw, index) => ({ index, raw }));
    acks = parsed.data.acknowledgements ?? [];
  } else {
    problems.push(...schemaProblems(parsed.error.issues, data, at));
    // Keep checking the fields that did parse, so one run reports every problem.
    const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
    defaults = validFields(DefaultsSchema, record.defaults);
    if (record.tiers && typeof record.tiers === "object" && !Array.isArray(record.tiers))
      tiers = Object.fromEntries(Object.entries(record.tiers).map(([name, preset]) => [name, validFields(TierSchema, preset)]));
    if (Array.isArray(record.tenants)) {
      rawEntries = record.tenants.map((t, index) => ({ index, raw: validFields(TenantSchema, t) }));
    }
    if (Array.isArray(record.acknowledgements)) acks = record.acknowledgements.map((a) => validFields(AcknowledgementSchema, a));
  }
  entries = rawEntries.map((e) => ({ ...e, layer: layered(defaults, presetOf(tiers, e.raw.tier)) }));
  const owned = ctx.shards ? entries.filter((e) => ctx.shards!.owners(e.raw).includes(ctx.shards!.stack)) : entries;
  for (const rule of Object.values(RULES)) problems.push(...rule({ defaults, tiers, entries, owned, acknowledgements: acks, ctx, at }));
  const sorted = sortProblems(problems);
  if (!parsed.success || sorted.some((p) => p.severity === "error")) return { problems: sorted };

  const fleet: Fleet = {
    file,
    version: 1,
    tenants: parsed.data.tenants.map((t) => resolveTenant(t, layered(parsed.data.defaults, presetOf(tiers, t.tier)), ctx)),
    acknowledgements: (parsed.data.acknowledgements ?? []).map((a) => ({ ...a })),
    example: parsed.data.example === true,
    ...(parsed.data.tiers ? { tiers: parsed.data.tiers } : {}),
    ...(parsed.data.defaults ? { defaults: parsed.data.defaults } : {}),
  };
  return { fleet: deepFreeze(fleet), problems: sorted };
}

/** A tenants file nests a few levels (tenants → tenant → backup → key); past this it is not one, and a parser would recurse that deep. */
export const MAX_NESTING = 32;

/**
 * The first place the text nests deeper than MAX_NESTING, by indentation of block
 * mappings and sequences (counted in indentation steps) or by open flow brackets, before
 * any parser recurses into it.
 */
export function nestingProblem(text: string): { line: number; col: number; message: string } | undefined {
  const indents: number[] = [];
  let flow = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const content = line.replace(/^[ -]*/, "");
    if (content === "" || content.startsWith("#")) continue;
    const indent = line.length - line.replace(/^ */, "").length + (line.trimStart().match(/^(- +)+/)?.[0].length ?? 0);
    while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
    indents.push(indent);
    if (indents.length > MAX_NESTING) {
      return {
        line: i + 1,
        col: indent + 1,
        message: `the document nests more than ${MAX_NESTING} levels deep here; a tenants file nests a few (tenants, a tenant, its backup, a key), so this is not one`,
      };
    }
    let quote: string | undefined;
    for (let c = 0; c < line.length; c++) {
      const ch = line[c];
      if (quote) {
        if (ch === quote) quote = undefined;
        continue;
      }
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === "#" && (c === 0 || line[c - 1] === " ")) break;
      else if (ch === "[" || ch === "{") flow++;
      else if ((ch === "]" || ch === "}") && flow > 0) flow--;
      if (indents.length + flow > MAX_NESTING) {
        return {
          line: i + 1,
          col: c + 1,
          message: `the document nests more than ${MAX_NESTING} levels deep here; a tenants file nests a few (tenants, a tenant, its backup, a key), so this is not one`,
        };
      }
    }
    if (indents.length + flow > MAX_NESTING) {
      return {
        line: i + 1,
        col: indent + 1,
        message: `the document nests more than ${MAX_NESTING} levels deep here; a tenants file nests a few (tenants, a tenant, its backup, a key), so this is not one`,
      };
    }
  }
  return undefined;
}

/** Reads and validates a tenants file; a missing or unreadable file is a problem too. */
export function loadTenantsFile(path: string, ctx: LoadContext = {}, displayPath: string = path): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "the file does not exist"
        : code === "EISDIR"
          ? "it is a directory, not a file"
          : code === "EACCES"
            ? "permission denied"
            : `it cannot be read (${code ?? String(err)})`;
    return {
      problems: [
        {
          severity: "error",
          file: displayPath,
          line: 1,
          col: 1,
          path: "",
          message: `cannot read the tenants file: ${why}; check tenant-fleet:tenantsFile in the stack settings (or --tenants)`,
        },
      ],
    };
  }
  return parseTenants(text, displayPath, ctx);
}

/** The fleet, or an InputError carrying every problem. Warnings are returned alongside. */
export function loadFleetOrThrow(path: string, ctx: LoadContext = {}, displayPath: string = path): { fleet: Fleet; warnings: Problem[] } {
  const result = loadTenantsFile(path, ctx, displayPath);
  if (!result.fleet) throw new InputError(result.problems.filter((p) => p.severity === "error"));
  return { fleet: result.fleet, warnings: result.problems.filter((p) => p.severity === "warning") };
}
