/**
 * Reads the resources a provider serves through terraform-plugin-framework (muxed beside its
 * SDKv2 provider with terraform-plugin-mux, as kislerdm/neon does from 0.17.0 for
 * `neon_branch_backup_schedule`), into the same facts as SDKv2 resources:
 *
 * - which resources: the constructors listed by the framework provider's `Resources` method
 *   (`[]func() resource.Resource{NewXResource, …}`), each returning `&xResource{}`;
 * - the type name: `resp.TypeName = "neon_x"` in the resource's `Metadata` method (or
 *   `req.ProviderTypeName + "_x"`);
 * - the schema: `resp.Schema = schema.Schema{Attributes: …}` in its `Schema` method.
 *
 * Attribute kinds map to the SDKv2 vocabulary: `StringAttribute` string, `Int64Attribute` int,
 * `Float64Attribute` float, `BoolAttribute` bool, `ListAttribute`/`SetAttribute`/`MapAttribute`
 * a collection of their `ElementType`, `ListNestedAttribute`/`SetNestedAttribute` a collection
 * of their `NestedObject`'s attributes (never MaxItems 1: the framework has no MaxItems, and
 * Pulumi's bridge flattens only a nested *block* limited to one element). A plan modifier
 * `…RequiresReplace…()` is ForceNew; a `Default` is a default. Anything else is refused by name.
 */
import { exprEnd, OPAQUE, type Evaluator, type Func, type Program, type Tok, type Value } from "./goEval";
import type { TfAttribute, TfResource, TfType } from "./goFacts";

const PRIMITIVE: Record<string, TfType> = {
  StringAttribute: "string",
  Int64Attribute: "int",
  Int32Attribute: "int",
  Float64Attribute: "float",
  Float32Attribute: "float",
  NumberAttribute: "float",
  BoolAttribute: "bool",
};
const COLLECTION: Record<string, TfType> = { ListAttribute: "list", SetAttribute: "set", MapAttribute: "map" };
const NESTED: Record<string, TfType> = { ListNestedAttribute: "list", SetNestedAttribute: "set", MapNestedAttribute: "map" };
const ELEMENT: Record<string, TfType> = {
  "types.StringType": "string",
  "types.Int64Type": "int",
  "types.Int32Type": "int",
  "types.Float64Type": "float",
  "types.NumberType": "float",
  "types.BoolType": "bool",
};

const field = (c: Value | undefined, name: string) => (c?.kind === "composite" ? c.fields.get(name) : undefined);
const isTrue = (v: Value | undefined) => v?.kind === "bool" && v.value;
const kindOf = (type: string) => type.split(".").pop()!;

function attribute(v: Value, where: string): TfAttribute {
  if (v.kind !== "composite") throw new Error(`${where}: cannot read this attribute's schema`);
  const kind = kindOf(v.type);
  let a: TfAttribute;
  if (PRIMITIVE[kind]) a = { type: PRIMITIVE[kind] };
  else if (COLLECTION[kind]) {
    const e = field(v, "ElementType");
    const elem = e?.kind === "ref" ? ELEMENT[e.name] : undefined;
    if (!elem) throw new Error(`${where}: cannot read the ElementType of this ${kind}`);
    a = { type: COLLECTION[kind], elem: { type: elem } };
  } else if (NESTED[kind]) a = { type: NESTED[kind], elem: { block: attributes(field(field(v, "NestedObject"), "Attributes"), where) } };
  else throw new Error(`${where}: ${v.type || "this attribute"} is not an attribute kind the reader knows`);
  if (isTrue(field(v, "Required"))) a.required = true;
  if (isTrue(field(v, "Optional"))) a.optional = true;
  if (isTrue(field(v, "Computed"))) a.computed = true;
  if (isTrue(field(v, "Sensitive"))) a.sensitive = true;
  const modifiers = field(v, "PlanModifiers");
  if (modifiers?.kind === "composite" && modifiers.entries.some(([m]) => m.kind === "ref" && /\.RequiresReplace[A-Za-z]*\(\)$/.test(m.name))) a.forceNew = true;
  if (field(v, "Default") !== undefined) a.hasDefault = true;
  const d = field(v, "Description") ?? field(v, "MarkdownDescription");
  if (d?.kind === "string") a.description = d.value;
  return a;
}

function attributes(map: Value | undefined, where: string): Record<string, TfAttribute> {
  if (map?.kind !== "composite") throw new Error(`${where}: Attributes is not a map literal`);
  const out: Record<string, TfAttribute> = {};
  for (const [k, v] of map.entries) {
    if (k.kind !== "string") throw new Error(`${where}: a key that is not a string`);
    out[k.value] = attribute(v, `${where}.${k.value}`);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The value assigned to `<x>.<name>` in a method body (`resp.Schema = …`), with `<y>.ProviderTypeName` bound to the provider's name. */
function assigned(ev: Evaluator, fn: Func, name: string, providerName: string): Value {
  const toks: Tok[] = fn.body;
  for (let k = 0; k + 3 < toks.length; k++) {
    if (toks[k].kind === "ident" && toks[k + 1].text === "." && toks[k + 2].text === name && toks[k + 3].text === "=") {
      const env = new Map<string, Value>(fn.params.map((p) => [`${p}.ProviderTypeName`, { kind: "string", value: providerName }]));
      return ev.eval(toks, k + 4, exprEnd(toks, k + 4), env);
    }
  }
  return OPAQUE;
}

/** The framework-served resources of a provider's Go files, by Terraform type name. */
export function frameworkResources(program: Program, ev: Evaluator, providerName = "neon"): Record<string, TfResource> {
  const out: Record<string, TfResource> = {};
  for (const [key, fn] of program.methods) {
    if (!key.endsWith(".Resources")) continue;
    const ret = fn.body.findIndex((t) => t.text === "return");
    if (ret < 0) continue;
    const list = ev.eval(fn.body, ret + 1, fn.body.length, new Map());
    if (list.kind !== "composite" || list.type !== "slice") continue;
    for (const [ctor] of list.entries) {
      if (ctor.kind !== "ref") continue;
      const made = program.funcs.get(ctor.name) && ev.run(program.funcs.get(ctor.name)!, new Map());
      const type = made?.kind === "composite" ? made.type : undefined;
      const metadata = type && program.methods.get(`${type}.Metadata`);
      const schemaFn = type && program.methods.get(`${type}.Schema`);
      if (!metadata || !schemaFn) throw new Error(`${ctor.name}: cannot find the Metadata and Schema methods of the resource it returns`);
      const name = assigned(ev, metadata, "TypeName", providerName);
      if (name.kind !== "string") throw new Error(`${type}.Metadata: cannot read its TypeName`);
      const schema = assigned(ev, schemaFn, "Schema", providerName);
      if (field(schema, "Blocks") !== undefined) throw new Error(`${name.value}: nested blocks in a framework schema are not read`);
      const d = field(schema, "Description") ?? field(schema, "MarkdownDescription");
      out[name.value] = {
        ...(d?.kind === "string" ? { description: d.value } : {}),
        framework: true,
        attributes: attributes(field(schema, "Attributes"), name.value),
      };
    }
  }
  return out;
}
