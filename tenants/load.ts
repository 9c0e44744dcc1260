/**
 * Loads `tenants.yaml`: YAML with positions, the zod schema, then the rules that need the
 * region catalog, the stack settings or several tenants at once. Every problem is
 * collected and positioned; the result is either a frozen fleet or a list of problems,
 * never an exception (except for bugs).
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, type Document, type Node } from "yaml";
import { z } from "zod";
import { remove as confusableSkeleton } from "confusables";
import { describe as quote, TenantsFileSchema, TenantSchema, DefaultsSchema, AcknowledgementSchema, type AcknowledgementInput, CU_MAX_SPREAD, STACK_WIDE_CHANGES, MIN_SUSPEND_SECONDS, MAX_SUSPEND_SECONDS, type TenantInput, type DefaultsInput } from "./schema";
import { findRegion, activeRegionsFor, isResidency, canonicalResidency, KNOWN_JURISDICTIONS, type NeonRegion } from "./regions";
import { githubNameProblems } from "./naming";
import { backupRegionOf, liesIn } from "./placement";
import { CODE_DEFAULTS, deepFreeze, type Fleet, type Tenant } from "./model";
import { closest, formatPath, sortProblems, InputError, type Problem, type Severity } from "./problems";

export interface LoadContext {
  /** Residencies the stack allows; undefined allows every residency. */
  readonly allowedResidencies?: readonly string[];
  /** Where that list comes from, for messages, e.g. `Pulumi.prod.yaml tenant-fleet:allowedResidencies`. */
  readonly allowedResidenciesSource?: string;
  /**
   * With repository-scoped secrets: how many tenant secrets the repository can hold
   * (GitHub's 100 minus the headroom the stack keeps). Undefined: no limit (environment scope).
   */
  readonly repositorySecretLimit?: number;
  /** Does a tenant count against that limit (its stack uses repository secrets in the same repository)? Default: yes. */
  readonly countsForSecretLimit?: (t: { residency?: string; region?: string }) => boolean;
  /** Sharded stacks: the stacks sharing this file that own a tenant (exactly one must). */
  readonly owners?: (t: { residency?: string; region?: string }) => string[];
  /** This stack's name (with owners: it validates only the tenants it owns against its limits). */
  readonly stack?: string;
  /** How the sharing stacks divide the fleet, for messages. */
  readonly shardSummary?: string;
  /** Neon plan limits the stack declares. */
  readonly neonProjectLimit?: number;
  readonly neonMaxHistoryRetentionHours?: number;
  /** Projects beyond the tenants' (the dev/test project). */
  readonly extraProjects?: number;
  /** Above this many tenants in one stack the loader warns (see npm run bench). */
  readonly recommendedStackSize?: number;
}

/** S3 allows this many lifecycle rules per bucket (one per distinct retention, plus housekeeping). */
export const S3_LIFECYCLE_RULE_LIMIT = 1000;

/** GitHub's limit of Actions secrets per repository. */
export const GITHUB_REPOSITORY_SECRET_LIMIT = 100;

export interface LoadResult {
  readonly fleet?: Fleet;
  /** Errors and warnings, sorted by position. The fleet is present only when there is no error. */
  readonly problems: readonly Problem[];
}

type Path = readonly (string | number)[];

/** Maps document paths to line and column. */
class Locator {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    readonly file: string,
  ) {}

  private lineCol(offset: number): { line: number; col: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /** Offset of the node at `path`, or of the deepest ancestor that exists. */
  offsetOf(path: Path): number {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
        if (!pair) break;
        const value = pair.value as Node | null;
        offset = value?.range?.[0] ?? (pair.key as Node).range?.[0] ?? offset;
        if (!value) break;
        node = value;
      } else if (isSeq(node) && typeof part === "number" && node.items[part]) {
        node = node.items[part];
        offset = (node as Node).range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return offset;
  }

  /** Offset of the key `key` in the mapping at `path`. */
  keyOffset(path: Path, key: string): number {
    let node: unknown = this.doc.getIn(path as (string | number)[], true);
    if (path.length === 0) node = this.doc.contents;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      const keyNode = pair?.key as Node | undefined;
      if (keyNode?.range) return keyNode.range[0];
    }
    return this.offsetOf(path);
  }

  problem(severity: Severity, offset: number, path: Path, message: string): Problem {
    return { severity, file: this.file, ...this.lineCol(offset), path: formatPath(path), message };
  }

  at(path: Path, message: string, severity: Severity = "error"): Problem {
    return this.problem(severity, this.offsetOf(path), path, message);
  }
}

const MISSING_HINTS: Record<string, string> = {
  version: "add version: 1 at the top of the file",
  tenants: "add a tenants: list with at least one tenant",
  id: "add id: <lowercase slug>, e.g. id: acme-corp",
  name: "add name: <display name>, e.g. name: ACME Corp",
  region: "add region: <Neon region id>, e.g. region: aws-eu-central-1",
  residency: "add residency: <EU or ISO country code>, e.g. residency: EU",
  status: "add status: active (or retired)",
};

/** Keys the schema allows for the object at `path`, for "did you mean" hints. */
function allowedKeys(path: Path): string[] {
  let schema: z.ZodType = TenantsFileSchema;
  for (const part of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(part)];
    if (!schema) return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

function getIn(data: unknown, path: Path): unknown {
  let v = data;
  for (const part of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[part];
  }
  return v;
}

function schemaProblems(issues: readonly z.core.$ZodIssue[], data: unknown, loc: Locator): Problem[] {
  const out: Problem[] = [];
  for (const iss of issues) {
    const path = iss.path as (string | number)[];
    if (iss.code === "unrecognized_keys") {
      const allowed = allowedKeys(path);
      for (const key of iss.keys) {
        const guess = closest(key, allowed);
        const hint = guess ? `did you mean "${guess}"?` : `allowed keys here are ${allowed.join(", ")}`;
        out.push(loc.problem("error", loc.keyOffset(path, key), [...path, key], `unknown key "${key}"; ${hint}`));
      }
      continue;
    }
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1];
    const parent = getIn(data, parentPath);
    const isMissing =
      typeof key === "string" &&
      parent !== null &&
      typeof parent === "object" &&
      !Array.isArray(parent) &&
      !(key in (parent as object));
    if (isMissing) {
      const hint = MISSING_HINTS[key] ?? `add ${key}`;
      out.push(loc.problem("error", loc.offsetOf(parentPath), parentPath.length ? parentPath : [key], `missing required key "${key}"; ${hint}`));
      continue;
    }
    if (iss.code === "invalid_type" && path.length === 0) {
      out.push(loc.at([], `the file is not a mapping; it starts with version: 1 and a tenants: list`));
      continue;
    }
    out.push(loc.at(path, iss.message));
  }
  return out;
}

function regionLabel(r: NeonRegion): string {
  return `${r.id} (${r.city}, ${r.country})`;
}

function alternatives(residency: string): string {
  const regions = activeRegionsFor(residency);
  return regions.length ? `use ${regions.map(regionLabel).join(" or ")}` : `no active Neon region serves ${residency}`;
}

const CU_STEPS = "0.25, 0.5 or a whole number from 1 to 16";
function isCuStep(v: number): boolean {
  return v === 0.25 || v === 0.5 || (Number.isInteger(v) && v >= 1 && v <= 16);
}

/** Field-level compute rules the schema cannot express, for one block as written. */
function computeFieldProblems(compute: DefaultsInput["compute"], path: Path, loc: Locator): Problem[] {
  const out: Problem[] = [];
  if (!compute) return out;
  for (const key of ["minCu", "maxCu"] as const) {
    const v = compute[key];
    if (v !== undefined && !isCuStep(v)) out.push(loc.at([...path, key], `${v} is not a Neon compute size; use ${CU_STEPS}`));
  }
  const s = compute.suspendAfterSeconds;
  if (s !== undefined && s > 0 && s < MIN_SUSPEND_SECONDS) {
    out.push(loc.at([...path, "suspendAfterSeconds"], `${s} is not accepted by Neon; use -1 (never), 0 (Neon's default) or ${MIN_SUSPEND_SECONDS} to ${MAX_SUSPEND_SECONDS}`));
  }
  return out;
}

function scheduleWarnings(schedule: string | undefined, path: Path, loc: Locator): Problem[] {
  if (!schedule) return [];
  const minute = schedule.trim().split(/\s+/)[0];
  if (minute === "0" || minute === "*" || minute === "00") {
    return [loc.at(path, `"${schedule}" runs at minute ${minute === "*" ? "every minute" : "0"}; GitHub delays scheduled runs at the top of the hour, pick a minute such as 17`, "warning")];
  }
  return [];
}

interface Entry {
  readonly index: number;
  /** The fields of the entry that passed their own schema (all of them when the file is valid). */
  readonly raw: Partial<TenantInput>;
}

/** Keeps the fields that are individually valid, so rules across fields still run on a broken file. */
function validFields<T extends z.ZodObject>(schema: T, value: unknown): Partial<z.infer<T>> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const r = field.safeParse(v);
    if (r.success) out[key] = r.data;
  }
  return out as Partial<z.infer<T>>;
}

function semanticProblems(defaults: Partial<DefaultsInput>, entries: readonly Entry[], acks: readonly Partial<AcknowledgementInput>[], ctx: LoadContext, loc: Locator): Problem[] {
  const out: Problem[] = [];
  {
    out.push(...computeFieldProblems(defaults.compute, ["defaults", "compute"], loc));
    out.push(...scheduleWarnings(defaults.backup?.schedule, ["defaults", "backup", "schedule"], loc));
  }
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  const lookalikes = new Map<string, { index: number; name: string }>();
  for (const { index, raw } of entries) {
    const base: Path = ["tenants", index];
    const region = raw.region === undefined ? undefined : findRegion(raw.region);
    if (region && region.status.state === "retired") {
      const fix = alternatives(raw.residency && isResidency(raw.residency) ? raw.residency : region.country);
      out.push(loc.at([...base, "region"], `"${region.id}" is retired: ${region.status.reason}; ${fix}`));
    }

    const canonical = raw.residency === undefined ? undefined : canonicalResidency(raw.residency);
    if (raw.residency === undefined) {
      // reported by the schema
    } else if (canonical) {
      out.push(loc.at([...base, "residency"], `"${raw.residency}" is a deprecated code; write ${canonical}`));
    } else if (!isResidency(raw.residency)) {
      out.push(loc.at([...base, "residency"], `"${raw.residency}" is not an ISO 3166-1 alpha-2 country code or EU; Neon regions serve ${KNOWN_JURISDICTIONS.join(", ")}`));
    } else {
      if (ctx.allowedResidencies && !ctx.allowedResidencies.includes(raw.residency)) {
        const source = ctx.allowedResidenciesSource ?? "tenant-fleet:allowedResidencies";
        out.push(loc.at([...base, "residency"], `residency "${raw.residency}" is not allowed by this stack (${source} is ${ctx.allowedResidencies.join(", ") || "empty"}); add it there after review, or correct the tenant`));
      }
      if (region && region.status.state === "active" && !liesIn(region, raw.residency)) {
        out.push(loc.at([...base, "region"], `"${raw.region}" is in ${region.city}, ${region.country}, outside the declared residency ${raw.residency}; ${alternatives(raw.residency)}`));
      }
    }

    const firstId = raw.id === undefined ? undefined : ids.get(raw.id);
    if (firstId !== undefined) {
      out.push(loc.at([...base, "id"], `duplicate id "${raw.id}" (also tenants[${firstId}]); ids are unique and never reused`));
    } else if (raw.id !== undefined) ids.set(raw.id, index);
    const nameKey = raw.name?.toLowerCase().replace(/\s+/g, " ");
    const firstName = nameKey === undefined ? undefined : names.get(nameKey);
    if (firstName !== undefined) {
      out.push(loc.at([...base, "name"], `duplicate name ${quote(raw.name)} (also tenants[${firstName}]); give each tenant its own display name`));
    } else if (nameKey !== undefined && typeof raw.name === "string") {
      names.set(nameKey, index);
      // Names that read alike (Cyrillic "А" for Latin "A", "Café" and "Cafe") confuse reviewers and support.
      const skeleton = confusableSkeleton(raw.name.normalize("NFKC")).toLowerCase().replace(/\s+/g, " ");
      const twin = lookalikes.get(skeleton);
      if (twin) out.push(loc.at([...base, "name"], `${quote(raw.name)} looks like tenants[${twin.index}]'s ${quote(twin.name)}; if they are different customers, make the names easy to tell apart`, "warning"));
      else lookalikes.set(skeleton, { index, name: raw.name });
    }

    out.push(...computeFieldProblems(raw.compute, [...base, "compute"], loc));
    const compute = { ...CODE_DEFAULTS.compute, ...defaults?.compute, ...raw.compute };
    const computePath: Path = raw.compute ? [...base, "compute"] : defaults.compute ? ["defaults", "compute"] : base;
    if (compute.minCu > compute.maxCu) {
      out.push(loc.at(computePath, `minCu ${compute.minCu} is above maxCu ${compute.maxCu}; lower minCu or raise maxCu`));
    } else if (compute.maxCu - compute.minCu > CU_MAX_SPREAD) {
      out.push(loc.at(computePath, `maxCu ${compute.maxCu} − minCu ${compute.minCu} is ${compute.maxCu - compute.minCu} CU; Neon allows at most ${CU_MAX_SPREAD} CU between them, raise minCu or lower maxCu`));
    }
    out.push(...scheduleWarnings(raw.backup?.schedule, [...base, "backup", "schedule"], loc));
  }
  acks.forEach((a, index) => {
    if (!a.change) return;
    const stackWide = STACK_WIDE_CHANGES.includes(a.change);
    if (stackWide && a.tenant !== undefined) out.push(loc.at(["acknowledgements", index, "tenant"], `a ${a.change} change is stack-wide; remove tenant from this acknowledgement`));
    if (!stackWide && a.tenant === undefined) out.push(loc.at(["acknowledgements", index], `a ${a.change} change belongs to one tenant; add tenant: <id>`));
  });
  const mine = (raw: Partial<TenantInput>) => !ctx.owners || !ctx.stack || ctx.owners(raw).includes(ctx.stack);
  if (ctx.owners) {
    for (const { index, raw } of entries) {
      if (raw.residency === undefined || raw.region === undefined) continue;
      const owners = ctx.owners(raw);
      if (owners.length === 0) {
        out.push(loc.at(["tenants", index, "residency"], `no stack sharing this file owns a tenant with residency ${raw.residency} in ${raw.region} (${ctx.shardSummary}); add it to one stack's tenant-fleet:shardResidencies or shardRegions`));
      } else if (owners.length > 1) {
        out.push(loc.at(["tenants", index, "residency"], `stacks ${owners.join(" and ")} both own this tenant (${ctx.shardSummary}); narrow their shard settings so exactly one does`));
      }
    }
  }
  const owned = entries.filter((e) => mine(e.raw));
  const retentionsByVault = new Map<string, Set<number>>();
  for (const { index, raw } of owned) {
    if (raw.region === undefined) continue;
    const vault = backupRegionOf(raw.region);
    const retentions = retentionsByVault.get(vault) ?? new Set<number>();
    retentions.add(raw.backup?.retentionDays ?? defaults.backup?.retentionDays ?? CODE_DEFAULTS.backup.retentionDays);
    retentionsByVault.set(vault, retentions);
    if (retentions.size + 1 > S3_LIFECYCLE_RULE_LIMIT && retentions.size === S3_LIFECYCLE_RULE_LIMIT) {
      out.push(loc.at(["tenants", index, "backup"], `${vault} would need ${retentions.size + 1} lifecycle rules (one per distinct retentionDays, plus housekeeping) and S3 allows ${S3_LIFECYCLE_RULE_LIMIT}; use fewer distinct retention periods`));
    }
  }
  if (ctx.neonMaxHistoryRetentionHours !== undefined) {
    for (const { index, raw } of owned) {
      const hours = raw.historyRetentionHours ?? defaults.historyRetentionHours ?? CODE_DEFAULTS.historyRetentionHours;
      if (hours > ctx.neonMaxHistoryRetentionHours) {
        const where: Path = raw.historyRetentionHours !== undefined ? ["tenants", index, "historyRetentionHours"] : defaults.historyRetentionHours !== undefined ? ["defaults", "historyRetentionHours"] : ["tenants", index];
        out.push(loc.at(where, `a PITR window of ${hours} h is above the ${ctx.neonMaxHistoryRetentionHours} h the Neon plan allows (tenant-fleet:neonMaxHistoryRetentionHours); shorten it or upgrade the plan`));
      }
    }
  }
  const projects = owned.length + (ctx.extraProjects ?? 0);
  if (ctx.neonProjectLimit !== undefined && projects > ctx.neonProjectLimit) {
    out.push(loc.at(["tenants"], `this stack needs ${projects} Neon projects (${owned.length} tenants${ctx.extraProjects ? ` and ${ctx.extraProjects} dev/test` : ""}) and the Neon plan allows ${ctx.neonProjectLimit} (tenant-fleet:neonProjectLimit); retire and erase tenants, or raise the plan's limit`));
  }
  if (ctx.recommendedStackSize !== undefined && owned.length > ctx.recommendedStackSize) {
    out.push(loc.at(["tenants"], `this stack holds ${owned.length} tenants, more than the ${ctx.recommendedStackSize} a stack handles comfortably (npm run bench); split the fleet into shards (tenant-fleet:shardResidencies or shardRegions)`, "warning"));
  }
  const active = entries.filter((e) => e.raw.status === "active" && (ctx.countsForSecretLimit ? ctx.countsForSecretLimit(e.raw) : mine(e.raw))).length;
  if (ctx.repositorySecretLimit !== undefined && active > ctx.repositorySecretLimit) {
    out.push(
      loc.at(
        ["tenants"],
        `${active} active tenants need ${active} repository secrets; GitHub allows ${GITHUB_REPOSITORY_SECRET_LIMIT} per repository and this stack keeps ${GITHUB_REPOSITORY_SECRET_LIMIT - ctx.repositorySecretLimit} for the repository's own, so at most ${ctx.repositorySecretLimit} tenants fit; set tenant-fleet:secretScope to environment (one GitHub environment per tenant)`,
      ),
    );
  }
  const nameProblems = githubNameProblems([...ids.keys()]);
  for (const { index, raw } of entries) {
    const why = raw.id === undefined ? undefined : nameProblems.get(raw.id);
    if (why) out.push(loc.at(["tenants", index, "id"], why));
  }
  return out;
}

function resolveTenant(raw: TenantInput, defaults: DefaultsInput | undefined): Tenant {
  return {
    id: raw.id,
    name: raw.name,
    region: raw.region,
    residency: raw.residency,
    status: raw.status,
    pgVersion: raw.pgVersion ?? defaults?.pgVersion ?? CODE_DEFAULTS.pgVersion,
    historyRetentionHours: raw.historyRetentionHours ?? defaults?.historyRetentionHours ?? CODE_DEFAULTS.historyRetentionHours,
    compute: { ...CODE_DEFAULTS.compute, ...defaults?.compute, ...raw.compute },
    quota: { ...defaults?.quota, ...raw.quota },
    backup: { ...CODE_DEFAULTS.backup, ...defaults?.backup, ...raw.backup },
    database: { ...CODE_DEFAULTS.database, ...defaults?.database, ...raw.database },
  };
}

/** Parses and validates the text of a tenants file. `file` is used in messages only. */
export function parseTenants(text: string, file: string, ctx: LoadContext = {}): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const loc = new Locator(doc, lines, file);
  const yamlProblems: Problem[] = [];
  for (const e of doc.errors) {
    const what = e.code === "DUPLICATE_KEY" ? "duplicate key; each key may appear once per mapping, remove or rename the repeat" : `${e.message.split("\n")[0]}; fix the YAML syntax`;
    yamlProblems.push(loc.problem("error", e.pos[0], [], what));
  }
  if (yamlProblems.length) return { problems: sortProblems(yamlProblems) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { problems: [loc.at([], `${err instanceof Error ? err.message : String(err)}; remove the aliases`)] };
  }
  if (data === null || data === undefined) {
    return { problems: [loc.at([], "the file is empty; it starts with version: 1 and a tenants: list")] };
  }

  const parsed = TenantsFileSchema.safeParse(data, { reportInput: true });
  const problems: Problem[] = [];
  let defaults: Partial<DefaultsInput> = {};
  let entries: Entry[] = [];
  let acks: Partial<AcknowledgementInput>[] = [];
  if (parsed.success) {
    defaults = parsed.data.defaults ?? {};
    entries = parsed.data.tenants.map((raw, index) => ({ index, raw }));
    acks = parsed.data.acknowledgements ?? [];
  } else {
    problems.push(...schemaProblems(parsed.error.issues, data, loc));
    // Keep checking the fields that did parse, so one run reports every problem.
    const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
    defaults = validFields(DefaultsSchema, record.defaults);
    if (Array.isArray(record.tenants)) {
      entries = record.tenants.map((t, index) => ({ index, raw: validFields(TenantSchema, t) }));
    }
    if (Array.isArray(record.acknowledgements)) acks = record.acknowledgements.map((a) => validFields(AcknowledgementSchema, a));
  }
  problems.push(...semanticProblems(defaults, entries, acks, ctx, loc));
  const sorted = sortProblems(problems);
  if (!parsed.success || sorted.some((p) => p.severity === "error")) return { problems: sorted };

  const fleet: Fleet = {
    file,
    version: 1,
    tenants: parsed.data.tenants.map((t) => resolveTenant(t, parsed.data.defaults)),
    acknowledgements: (parsed.data.acknowledgements ?? []).map((a) => ({ ...a })),
    example: parsed.data.example === true,
  };
  return { fleet: deepFreeze(fleet), problems: sorted };
}

/** Reads and validates a tenants file; a missing or unreadable file is a problem too. */
export function loadTenantsFile(path: string, ctx: LoadContext = {}, displayPath: string = path): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "the file does not exist" : code === "EISDIR" ? "it is a directory, not a file" : code === "EACCES" ? "permission denied" : `it cannot be read (${code ?? String(err)})`;
    return {
      problems: [{ severity: "error", file: displayPath, line: 1, col: 1, path: "", message: `cannot read the tenants file: ${why}; check tenant-fleet:tenantsFile in the stack settings (or --tenants)` }],
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
