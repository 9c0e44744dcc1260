/**
 * Reads the Terraform schema of kislerdm/terraform-provider-neon from its Go source: every
 * resource, data source and provider attribute with its type, Required/Optional/Computed,
 * ForceNew, Sensitive, MaxItems and nested blocks. A maintainer runs it on a checkout of
 * the provider at a tag; its output is the fact file the SDK is generated from:
 *
 *   npx tsx src/tools/neon/goSchema.ts <provider checkout> <version> > src/tools/neon/facts/tfschema-<version>.json
 *
 * It evaluates just the Go the provider's schemas are written in: composite literals
 * (`&schema.Schema{…}`, `map[string]*schema.Schema{…}`), package-level `var`s, functions
 * that build and return a schema (with their parameters bound), and `+` on strings.
 * Anything else (validation and diff-suppression funcs) is skipped as opaque.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Evaluator, indexProgram, type Value } from "./goEval";
import type { TfAttribute, TfResource, TfSchema, TfType } from "./goFacts";
import { frameworkResources } from "./goFramework";

export { tokenize } from "./goEval";
export type { TfAttribute, TfResource, TfSchema, TfType } from "./goFacts";

// ---------------------------------------------------------------- schema facts

const TYPES: Record<string, TfType> = {
  "schema.TypeString": "string",
  "schema.TypeInt": "int",
  "schema.TypeFloat": "float",
  "schema.TypeBool": "bool",
  "schema.TypeList": "list",
  "schema.TypeSet": "set",
  "schema.TypeMap": "map",
};

function field(c: Value, name: string): Value | undefined {
  return c.kind === "composite" ? c.fields.get(name) : undefined;
}
const isTrue = (v: Value | undefined) => v?.kind === "bool" && v.value;

function attributes(map: Value | undefined, where: string): Record<string, TfAttribute> {
  if (map?.kind !== "composite") throw new Error(`${where}: Schema is not a map literal`);
  const out: Record<string, TfAttribute> = {};
  for (const [k, v] of map.entries) {
    if (k.kind !== "string") throw new Error(`${where}: a key that is not a string`);
    out[k.value] = attribute(v, `${where}.${k.value}`);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function attribute(v: Value, where: string): TfAttribute {
  if (v.kind !== "composite") throw new Error(`${where}: cannot read this attribute's schema`);
  const typeRef = field(v, "Type");
  const type = typeRef?.kind === "ref" ? TYPES[typeRef.name] : undefined;
  if (!type) throw new Error(`${where}: unknown Type`);
  const a: TfAttribute = { type };
  if (isTrue(field(v, "Required"))) a.required = true;
  if (isTrue(field(v, "Optional"))) a.optional = true;
  if (isTrue(field(v, "Computed"))) a.computed = true;
  if (isTrue(field(v, "ForceNew"))) a.forceNew = true;
  if (isTrue(field(v, "Sensitive"))) a.sensitive = true;
  if (field(v, "Default") !== undefined || field(v, "DefaultFunc") !== undefined) a.hasDefault = true;
  const max = field(v, "MaxItems");
  if (max?.kind === "number") a.maxItems = max.value;
  const min = field(v, "MinItems");
  if (min?.kind === "number") a.minItems = min.value;
  const elem = field(v, "Elem");
  if (elem?.kind === "composite" && elem.type === "schema.Resource") a.elem = { block: attributes(field(elem, "Schema"), where) };
  else if (elem?.kind === "composite" && elem.type === "schema.Schema") {
    const t = field(elem, "Type");
    if (t?.kind === "ref" && TYPES[t.name]) a.elem = { type: TYPES[t.name] };
  }
  const d = field(v, "Description");
  if (d?.kind === "string") a.description = d.value;
  return a;
}

function resource(v: Value, where: string): TfResource {
  const d = field(v, "Description");
  const version = field(v, "SchemaVersion");
  return {
    ...(d?.kind === "string" ? { description: d.value } : {}),
    ...(version?.kind === "number" && version.value > 0 ? { schemaVersion: version.value } : {}),
    attributes: attributes(field(v, "Schema"), where),
  };
}

/** The schema facts of a provider checkout (`provider/*.go`, `provider/types/*.go`). */
export function readProviderSchema(files: readonly string[], meta: { version: string; source: string; provider?: string }): TfSchema {
  const program = indexProgram(files);
  const ev = new Evaluator(program);
  const p = program.vars.get("p");
  if (!p) throw new Error("no `var p = &schema.Provider{…}` in provider.go");
  const provider = ev.eval(p, 0, p.length, new Map());
  const table = (name: string): Record<string, TfResource> => {
    const m = field(provider, name);
    if (m?.kind !== "composite") throw new Error(`provider: no ${name}`);
    const out: Record<string, TfResource> = {};
    for (const [k, v] of m.entries) if (k.kind === "string") out[k.value] = resource(v, k.value);
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  };
  return {
    provider: meta.provider ?? "kislerdm/neon",
    version: meta.version,
    source: meta.source,
    config: attributes(field(provider, "Schema"), "provider"),
    resources: Object.fromEntries(Object.entries({ ...table("ResourcesMap"), ...frameworkResources(program, ev) }).sort(([a], [b]) => a.localeCompare(b))),
    dataSources: table("DataSourcesMap"),
  };
}

function main(argv: string[]): void {
  const [dir, version, provider = "kislerdm/neon"] = argv;
  if (!dir || !version) {
    process.stderr.write("usage: npx tsx src/tools/neon/goSchema.ts <provider checkout> <version> [<owner>/<name>, default kislerdm/neon]\n");
    process.exit(2);
  }
  const goFiles = (d: string) =>
    readdirSync(d)
      .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))
      .map((f) => readFileSync(path.join(d, f), "utf8"));
  const files = [...goFiles(path.join(dir, "provider")), ...goFiles(path.join(dir, "provider/types"))];
  const [owner, name] = provider.split("/");
  const source = `github.com/${owner}/terraform-provider-${name} v${version}, provider/*.go`;
  const facts = readProviderSchema(files, { version, source, provider });
  process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
}

if (process.argv[1] && /goSchema\.ts$/.test(process.argv[1])) main(process.argv.slice(2));
