/**
 * What Pulumi's Terraform bridge makes of the Neon provider's schema: resource and function
 * names and tokens, property names, which inputs are required, which outputs may be
 * undefined, nested type names, secret outputs. Pure: facts in (src/tools/neon/goSchema.ts),
 * model out. The rules are held to a real generated SDK (`@sst-provider/neon` 0.13.0, made
 * by `pulumi package add terraform-provider`) by test/neonBridge.test.ts:
 *
 * - Terraform SDKv2 adds an `id` attribute (Optional+Computed) to any resource that does
 *   not declare one; Pulumi reserves `id`, so that attribute surfaces as `<resource>Id`.
 *   A declared Computed-only `id` is Pulumi's own id and is not a property.
 * - A string attribute called `name` is auto-named: optional as an input.
 * - Inputs: Required or Optional attributes; required only when Required.
 * - Outputs: defined when Required or Computed, except a MaxItems=1 block (flattened to one
 *   object), which may be absent.
 * - A MaxItems=1 block is one object; other blocks are arrays, their type named after the
 *   singular of the attribute, and a list or set property's name is plural (`schedule` →
 *   `schedules`). A terraform-plugin-framework nested attribute has no MaxItems, so it is
 *   never flattened (the bridge flattens only a nested block limited to one element). Nested input fields are optional unless Required, so a
 *   Computed-only field (a block's `id`) is an optional input.
 * - Data sources are `get<Name>` functions; their arguments include `id` (optional unless
 *   the data source requires it) and their nested argument types come plain and as
 *   `<Type>Args` for the Output form.
 */
import type { TfAttribute, TfResource, TfSchema } from "./goSchema";
import type { Props, Surface } from "./surface";

export function camel(tf: string): string {
  return tf.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
export function pascal(tf: string): string {
  const c = camel(tf);
  return c[0].toUpperCase() + c.slice(1);
}
export function singular(word: string): string {
  if (/ies$/.test(word)) return word.replace(/ies$/, "y");
  if (/(ch|sh|x|ss)es$/.test(word)) return word.replace(/es$/, "");
  if (/s$/.test(word) && !/ss$/.test(word)) return word.replace(/s$/, "");
  return word;
}

/** The bridge's plural of a list or set attribute's singular name (`schedule` → `schedules`); a plural name stays. */
export function plural(word: string): string {
  if (singular(word) !== word) return word;
  if (/[^aeiou]y$/.test(word)) return word.replace(/y$/, "ies");
  if (/(ch|sh|x|ss)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

export type Primitive = "string" | "number" | "boolean";

/** A property's type: a primitive, a named nested type, an array or a string map of one. */
export type PType = { kind: "primitive"; name: Primitive } | { kind: "object"; name: string } | { kind: "array"; of: PType } | { kind: "map"; of: PType };

export interface Property {
  readonly name: string;
  readonly tfName: string;
  readonly type: PType;
  readonly description?: string;
  /** Required as an input (absent: not an input at all). */
  readonly input?: { readonly required: boolean };
  /** May be undefined as an output. */
  readonly outputOptional: boolean;
  readonly secret: boolean;
  readonly forceNew: boolean;
}

export interface NestedType {
  readonly name: string;
  readonly properties: readonly { name: string; type: PType; description?: string; inputOptional: boolean; outputOptional: boolean }[];
}

export interface ResourceModel {
  readonly tfName: string;
  readonly name: string;
  readonly module: string;
  readonly token: string;
  readonly description?: string;
  readonly properties: readonly Property[];
}

/** A data source as a `get<Name>` function: its properties are arguments (those with `input`) and result fields. */
export type FunctionModel = ResourceModel;

export interface Model {
  readonly packageName: "neon";
  readonly version: string;
  readonly config: readonly Property[];
  readonly resources: readonly ResourceModel[];
  readonly functions: readonly FunctionModel[];
  /** Nested types by name: input side (resources and function arguments) and output side. */
  readonly inputTypes: readonly NestedType[];
  readonly outputTypes: readonly NestedType[];
}

const isMaxOneBlock = (a: TfAttribute) => (a.type === "list" || a.type === "set") && a.maxItems === 1 && a.elem !== undefined && "block" in a.elem;
const PRIMS: Record<string, Primitive> = { string: "string", int: "number", float: "number", bool: "boolean" };

function typeOf(a: TfAttribute, typeName: string): PType {
  if (PRIMS[a.type]) return { kind: "primitive", name: PRIMS[a.type] };
  const elem: PType =
    a.elem && "block" in a.elem ? { kind: "object", name: typeName } : { kind: "primitive", name: PRIMS[a.elem?.type ?? "string"] ?? "string" };
  if (a.type === "map") return { kind: "map", of: elem };
  return isMaxOneBlock(a) ? elem : { kind: "array", of: elem };
}

function nestedName(owner: string, tfName: string, a: TfAttribute): string {
  return owner + pascal(isMaxOneBlock(a) ? tfName : singular(tfName));
}

interface Collect {
  inputTypes: Map<string, NestedType>;
  outputTypes: Map<string, NestedType>;
}

function collectNested(owner: string, tfName: string, a: TfAttribute, sides: { input: boolean; output: boolean }, out: Collect): void {
  if (!a.elem || !("block" in a.elem)) return;
  const name = nestedName(owner, tfName, a);
  const fields = Object.entries(a.elem.block).map(([f, fa]) => {
    collectNested(name, f, fa, sides, out);
    return {
      name: camel((fa.type === "list" || fa.type === "set") && !isMaxOneBlock(fa) ? plural(f) : f),
      type: typeOf(fa, nestedName(name, f, fa)),
      ...(fa.description ? { description: fa.description } : {}),
      inputOptional: !fa.required,
      outputOptional: !(fa.required || fa.computed) || isMaxOneBlock(fa),
    };
  });
  fields.sort((x, y) => x.name.localeCompare(y.name));
  if (sides.input) out.inputTypes.set(name, { name, properties: fields });
  if (sides.output) out.outputTypes.set(name, { name, properties: fields });
}

function properties(owner: string, attrs: Record<string, TfAttribute>, kind: "resource" | "function", out: Collect): Property[] {
  const props: Property[] = [];
  const all = { ...attrs };
  // SDKv2 adds `id` (Optional+Computed) to a resource that declares none.
  if (!("id" in all)) all.id = kind === "resource" ? { type: "string", optional: true, computed: true } : { type: "string", optional: true, computed: true };
  for (const [tfName, a] of Object.entries(all)) {
    // A list or set that is not flattened (no MaxItems 1) takes a plural name: `schedule` → `schedules`.
    let name = camel((a.type === "list" || a.type === "set") && !isMaxOneBlock(a) ? plural(tfName) : tfName);
    if (tfName === "id") {
      if (kind === "resource") {
        if (a.computed && !a.optional && !a.required) continue; // Pulumi's own id
        name = `${owner[0].toLowerCase()}${owner.slice(1)}Id`;
      }
    }
    const settable = Boolean(a.required || a.optional);
    const autonamed = kind === "resource" && tfName === "name" && a.type === "string";
    props.push({
      name,
      tfName,
      type: typeOf(a, nestedName(owner, tfName, a)),
      ...(a.description ? { description: a.description } : {}),
      ...(settable ? { input: { required: Boolean(a.required) && !autonamed } } : {}),
      outputOptional: !(a.required || a.computed) || isMaxOneBlock(a),
      secret: Boolean(a.sensitive),
      forceNew: Boolean(a.forceNew),
    });
    collectNested(owner, tfName, a, { input: settable, output: true }, out);
  }
  return props.sort((x, y) => x.name.localeCompare(y.name));
}

export function bridge(facts: TfSchema): Model {
  const collect: Collect = { inputTypes: new Map(), outputTypes: new Map() };
  const strip = (tf: string) => tf.replace(/^neon_/, "");
  const resources = Object.entries(facts.resources).map(([tfName, r]: [string, TfResource]): ResourceModel => {
    const name = pascal(strip(tfName));
    const module = camel(strip(tfName));
    return {
      tfName,
      name,
      module: `index/${module}`,
      token: `neon:index/${module}:${name}`,
      ...(r.description ? { description: r.description } : {}),
      properties: properties(name, r.attributes, "resource", collect),
    };
  });
  const fnCollect: Collect = { inputTypes: new Map(), outputTypes: new Map() };
  const functions = Object.entries(facts.dataSources).map(([tfName, r]): FunctionModel => {
    const name = `get${pascal(strip(tfName))}`;
    return {
      tfName,
      name,
      module: `index/${name}`,
      token: `neon:index/${name}:${name}`,
      ...(r.description ? { description: r.description } : {}),
      properties: properties(`Get${pascal(strip(tfName))}`, r.attributes, "function", fnCollect),
    };
  });
  const config = Object.entries(facts.config).map(([tfName, a]): Property => ({
    name: camel(tfName),
    tfName,
    type: typeOf(a, pascal(tfName)),
    ...(a.description ? { description: a.description } : {}),
    input: { required: false },
    outputOptional: true,
    secret: Boolean(a.sensitive),
    forceNew: false,
  }));
  const byName = (m: Map<string, NestedType>) => [...m.values()].sort((a, b) => a.name.localeCompare(b.name));
  return {
    packageName: "neon",
    version: facts.version,
    config,
    resources: resources.sort((a, b) => a.name.localeCompare(b.name)),
    functions: functions.sort((a, b) => a.name.localeCompare(b.name)),
    inputTypes: byName(new Map([...collect.inputTypes, ...fnCollect.inputTypes])),
    outputTypes: byName(new Map([...collect.outputTypes, ...fnCollect.outputTypes])),
  };
}

// ---------------------------------------------------------------- the surface it implies

export function typeText(t: PType, suffix = ""): string {
  switch (t.kind) {
    case "primitive":
      return t.name;
    case "object":
      return t.name + suffix;
    case "array":
      return `${typeText(t.of, suffix)}[]`;
    case "map":
      return `{[k]:${typeText(t.of, suffix)}}`;
  }
}

function propsOf(entries: [string, string, boolean][]): Props {
  return Object.fromEntries(entries.map(([n, type, optional]) => [n, { type, optional }] as const).sort(([a], [b]) => a.localeCompare(b)));
}

/** Nested types used as function arguments: plain in `get<X>`, and `<Type>Args` in `get<X>Output`. */
export function functionArgTypes(model: Model): Set<string> {
  const names = new Set<string>();
  const walk = (t: PType) => {
    if (t.kind === "object") {
      names.add(t.name);
      for (const p of model.inputTypes.find((x) => x.name === t.name)?.properties ?? []) walk(p.type);
    } else if (t.kind !== "primitive") walk(t.of);
  };
  for (const f of model.functions) for (const p of f.properties) if (p.input) walk(p.type);
  return names;
}

/** The type surface an SDK generated from `model` has (compare with src/tools/neon/surface.ts). */
export function expectedSurface(model: Model): Surface {
  const resources: Surface["resources"] = {};
  for (const r of model.resources) {
    resources[r.name] = {
      token: r.token,
      outputs: propsOf(r.properties.map((p) => [p.name, typeText(p.type), p.outputOptional])),
      args: propsOf(r.properties.filter((p) => p.input).map((p) => [p.name, typeText(p.type), !p.input!.required])),
      state: propsOf(r.properties.map((p) => [p.name, typeText(p.type), true])),
      secretOutputs: r.properties
        .filter((p) => p.secret)
        .map((p) => p.name)
        .sort(),
      methods: [],
    };
  }
  resources.Provider = {
    token: "neon",
    outputs: propsOf(model.config.filter((p) => p.type.kind === "primitive" && p.type.name === "string").map((p) => [p.name, typeText(p.type), true])),
    args: propsOf(model.config.map((p) => [p.name, typeText(p.type), true])),
    secretOutputs: [],
    methods: ["terraformConfig"],
  };
  const functions: Surface["functions"] = {};
  for (const f of model.functions) {
    const args = f.properties.filter((p) => p.input);
    functions[f.name] = {
      token: f.token,
      args: propsOf(args.map((p) => [p.name, typeText(p.type), !p.input!.required])),
      outputArgs: propsOf(args.map((p) => [p.name, typeText(p.type, "Args"), !p.input!.required])),
      result: propsOf(f.properties.map((p) => [p.name, typeText(p.type), p.outputOptional])),
    };
  }
  const inputTypes: Surface["inputTypes"] = {};
  const argTypes = functionArgTypes(model);
  for (const t of model.inputTypes) {
    const fields = (suffix: string) => propsOf(t.properties.map((p) => [p.name, typeText(p.type, suffix), p.inputOptional]));
    inputTypes[t.name] = fields("");
    if (argTypes.has(t.name)) inputTypes[`${t.name}Args`] = fields("Args");
  }
  const outputTypes: Surface["outputTypes"] = {};
  for (const t of model.outputTypes) outputTypes[t.name] = propsOf(t.properties.map((p) => [p.name, typeText(p.type), p.outputOptional]));
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return {
    resources: sorted(resources),
    functions: sorted(functions),
    inputTypes: sorted(inputTypes),
    outputTypes: sorted(outputTypes),
    modules: model.resources.map((r) => r.module).sort(),
    config: propsOf(model.config.map((p) => [p.name, typeText(p.type), true])),
  };
}
