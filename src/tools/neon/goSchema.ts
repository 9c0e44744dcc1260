/**
 * Reads the Terraform schema of kislerdm/terraform-provider-neon from its Go source: every
 * resource, data source and provider attribute with its type, Required/Optional/Computed,
 * ForceNew, Sensitive, MaxItems and nested blocks. A maintainer runs it on a checkout of
 * the provider at a tag; its output is the fact file the SDK is generated from:
 *
 *   npx tsx src/tools/neon/goSchema.ts <provider checkout> > sdks/facts/kislerdm-neon-<version>.json
 *
 * It evaluates just the Go the provider's schemas are written in: composite literals
 * (`&schema.Schema{…}`, `map[string]*schema.Schema{…}`), package-level `var`s, functions
 * that build and return a schema (with their parameters bound), and `+` on strings.
 * Anything else (validation and diff-suppression funcs) is skipped as opaque.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

// ---------------------------------------------------------------- tokens

type Tok = { kind: "ident" | "string" | "number" | "punct"; text: string; value?: string };

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const punct = [":=", "...", "&&", "||", "==", "!=", "<=", ">=", "++", "--", "+=", "-=", "<-"];
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (src.startsWith("//", i)) {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === "`") {
      const end = src.indexOf("`", i + 1);
      out.push({ kind: "string", text: src.slice(i, end + 1), value: src.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\") {
          const n = src[j + 1];
          value += n === "n" ? "\n" : n === "t" ? "\t" : n;
          j += 2;
        } else value += src[j++];
      }
      out.push({ kind: "string", text: src.slice(i, j + 1), value });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      out.push({ kind: "ident", text: src.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i;
      while (j < src.length && /[0-9A-Za-z_.]/.test(src[j])) j++;
      out.push({ kind: "number", text: src.slice(i, j) });
      i = j;
    } else {
      const p = punct.find((x) => src.startsWith(x, i)) ?? c;
      out.push({ kind: "punct", text: p });
      i += p.length;
    }
  }
  return out;
}

// ---------------------------------------------------------------- values

export type Value =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "ref"; name: string }
  | { kind: "composite"; type: string; fields: Map<string, Value>; entries: [Value, Value][] }
  | { kind: "opaque" };

const OPAQUE: Value = { kind: "opaque" };

interface Func {
  params: string[];
  body: Tok[];
}

interface Program {
  funcs: Map<string, Func>;
  vars: Map<string, Tok[]>;
  consts: Map<string, Tok[]>;
}

/** Index of the token that closes the bracket opening at `at`. */
function closing(toks: Tok[], at: number): number {
  const open = toks[at].text;
  const close = open === "{" ? "}" : open === "(" ? ")" : "]";
  let depth = 0;
  for (let i = at; i < toks.length; i++) {
    if (toks[i].text === open) depth++;
    else if (toks[i].text === close && --depth === 0) return i;
  }
  throw new Error(`unbalanced ${open}`);
}

/** Top-level funcs, vars and consts of Go files (methods and generics are skipped). */
export function indexProgram(files: readonly string[]): Program {
  const program: Program = { funcs: new Map(), vars: new Map(), consts: new Map() };
  for (const src of files) {
    const toks = tokenize(src);
    let i = 0;
    while (i < toks.length) {
      const t = toks[i];
      if (t.text === "func" && toks[i + 1]?.kind === "ident" && toks[i + 2]?.text === "(") {
        const name = toks[i + 1].text;
        const pEnd = closing(toks, i + 2);
        const params: string[] = [];
        let expectName = true;
        for (let k = i + 3; k < pEnd; k++) {
          if (toks[k].text === ",") expectName = true;
          else if (expectName && toks[k].kind === "ident") {
            params.push(toks[k].text);
            expectName = false;
          }
        }
        let k = pEnd + 1;
        while (k < toks.length && toks[k].text !== "{") k++;
        const end = closing(toks, k);
        program.funcs.set(name, { params, body: toks.slice(k + 1, end) });
        i = end + 1;
      } else if (t.text === "func") {
        // A method or a generic func: skip to its body's end.
        let k = i + 1;
        while (k < toks.length && toks[k].text !== "{") {
          if (toks[k].text === "(" || toks[k].text === "[") k = closing(toks, k);
          k++;
        }
        i = closing(toks, k) + 1;
      } else if ((t.text === "var" || t.text === "const") && toks[i + 1]?.kind === "ident" && toks[i + 2]?.text !== "(") {
        const name = toks[i + 1].text;
        let k = i + 2;
        while (k < toks.length && toks[k].text !== "=" && toks[k].text !== "\n") k++;
        const start = k + 1;
        const end = exprEnd(toks, start);
        (t.text === "var" ? program.vars : program.consts).set(name, toks.slice(start, end));
        i = end;
      } else if (t.text === "{" || t.text === "(") {
        i = closing(toks, i) + 1;
      } else i++;
    }
  }
  return program;
}

/** End of the expression starting at `start`: the first token at depth 0 that cannot continue it. */
function exprEnd(toks: Tok[], start: number): number {
  let k = start;
  let needOperand = true;
  while (k < toks.length) {
    const t = toks[k];
    if (t.text === "{" || t.text === "(" || t.text === "[") {
      k = closing(toks, k) + 1;
      needOperand = false;
      continue;
    }
    if (needOperand) {
      if (t.text === "&" || t.text === "*" || t.text === "-" || t.text === "!") {
        k++;
        continue;
      }
      if (t.text === "func") {
        // func literal: signature then body
        k++;
        while (toks[k].text !== "{") k = toks[k].text === "(" ? closing(toks, k) + 1 : k + 1;
        k = closing(toks, k) + 1;
        needOperand = false;
        continue;
      }
      if (t.kind !== "punct" || t.text === "map") {
        k++;
        needOperand = false;
        continue;
      }
      return k;
    }
    if (t.text === "." || ["+", "-", "*", "/", "|", "&&", "||", "==", "!="].includes(t.text)) {
      k++;
      needOperand = true;
      continue;
    }
    return k;
  }
  return k;
}

class Evaluator {
  constructor(private readonly program: Program) {}

  /** Evaluates toks[start, end) in `env`. */
  eval(toks: Tok[], start: number, end: number, env: Map<string, Value>, depth = 0): Value {
    if (depth > 40) return OPAQUE;
    // Split top-level `+` for string concatenation.
    const parts: [number, number][] = [];
    let s = start;
    for (let k = start; k < end; k++) {
      const t = toks[k];
      if (t.text === "{" || t.text === "(" || t.text === "[") k = closing(toks, k);
      else if (t.text === "+" && k > s) {
        parts.push([s, k]);
        s = k + 1;
      }
    }
    parts.push([s, end]);
    if (parts.length > 1) {
      const values = parts.map(([a, b]) => this.eval(toks, a, b, env, depth + 1));
      return values.every((v) => v.kind === "string") ? { kind: "string", value: values.map((v) => (v as { value: string }).value).join("") } : OPAQUE;
    }
    let k = start;
    while (toks[k]?.text === "&" || toks[k]?.text === "*") k++;
    const t = toks[k];
    if (!t || k >= end) return OPAQUE;
    if (t.kind === "string") return { kind: "string", value: t.value! };
    if (t.kind === "number") return Number.isFinite(Number(t.text)) ? { kind: "number", value: Number(t.text) } : OPAQUE;
    if (t.text === "func") return OPAQUE;
    if (t.text === "(") return this.eval(toks, k + 1, closing(toks, k), env, depth + 1);
    if (t.text === "true" || t.text === "false") return { kind: "bool", value: t.text === "true" };
    if (t.text === "map" || t.text === "[") {
      // map[K]V{…} or []T{…}: find the literal's brace.
      let b = k;
      while (b < end && toks[b].text !== "{") b = toks[b].text === "[" ? closing(toks, b) + 1 : b + 1;
      if (b >= end) return OPAQUE;
      return this.composite(t.text === "map" ? "map" : "slice", toks, b, env, depth);
    }
    if (t.text === "{") return this.composite("", toks, k, env, depth);
    if (t.kind === "ident") {
      let name = t.text;
      let j = k + 1;
      while (toks[j]?.text === "." && toks[j + 1]?.kind === "ident" && j + 1 < end) {
        name += `.${toks[j + 1].text}`;
        j += 2;
      }
      if (toks[j]?.text === "{" && j < end) return this.composite(name, toks, j, env, depth);
      if (toks[j]?.text === "(" && j < end) return this.call(name, toks, j, env, depth);
      if (env.has(name)) return env.get(name)!;
      const local = name.includes(".") ? name.split(".").pop()! : name;
      if (name.startsWith("schema.")) return { kind: "ref", name };
      const v =
        this.program.vars.get(name) ??
        this.program.consts.get(name) ??
        (name.split(".").length === 2 ? (this.program.vars.get(local) ?? this.program.consts.get(local)) : undefined);
      if (v) return this.eval(v, 0, v.length, new Map(), depth + 1);
      return { kind: "ref", name };
    }
    return OPAQUE;
  }

  private composite(type: string, toks: Tok[], open: number, env: Map<string, Value>, depth: number): Value {
    const close = closing(toks, open);
    const fields = new Map<string, Value>();
    const entries: [Value, Value][] = [];
    let k = open + 1;
    while (k < close) {
      const end = Math.min(exprEnd(toks, k), close);
      if (toks[end]?.text === ":") {
        const valueEnd = Math.min(exprEnd(toks, end + 1), close);
        const key = toks[k];
        const value = this.eval(toks, end + 1, valueEnd, env, depth + 1);
        if (key.kind === "ident" && end === k + 1) fields.set(key.text, value);
        else entries.push([this.eval(toks, k, end, env, depth + 1), value]);
        k = valueEnd;
      } else {
        entries.push([this.eval(toks, k, end, env, depth + 1), OPAQUE]);
        k = end;
      }
      if (toks[k]?.text === ",") k++;
      else if (k < close && end === k) k++;
    }
    return { kind: "composite", type, fields, entries };
  }

  private call(name: string, toks: Tok[], open: number, env: Map<string, Value>, depth: number): Value {
    const close = closing(toks, open);
    const args: Value[] = [];
    let k = open + 1;
    while (k < close) {
      const end = Math.min(exprEnd(toks, k), close);
      args.push(this.eval(toks, k, end, env, depth + 1));
      k = toks[end]?.text === "," ? end + 1 : Math.max(end, k + 1);
    }
    const fn = this.program.funcs.get(name) ?? this.program.funcs.get(name.split(".").pop()!);
    if (!fn) return OPAQUE;
    return this.run(fn, new Map(fn.params.map((p, i) => [p, args[i] ?? OPAQUE])), depth + 1);
  }

  /** Runs a function body: `x := e`, `x.F = e`, `return e`. */
  run(fn: Func, env: Map<string, Value>, depth = 0): Value {
    const toks = fn.body;
    let k = 0;
    while (k < toks.length) {
      const t = toks[k];
      if (t.text === "return") {
        const end = exprEnd(toks, k + 1);
        return this.eval(toks, k + 1, end, env, depth + 1);
      }
      if (t.kind === "ident" && toks[k + 1]?.text === ":=") {
        const end = exprEnd(toks, k + 2);
        env.set(t.text, this.eval(toks, k + 2, end, env, depth + 1));
        k = end;
        continue;
      }
      if (t.kind === "ident" && toks[k + 1]?.text === "." && toks[k + 2]?.kind === "ident" && toks[k + 3]?.text === "=") {
        const end = exprEnd(toks, k + 4);
        const target = env.get(t.text);
        if (target?.kind === "composite") target.fields.set(toks[k + 2].text, this.eval(toks, k + 4, end, env, depth + 1));
        k = end;
        continue;
      }
      if (t.text === "{" || t.text === "(") {
        k = closing(toks, k) + 1;
        continue;
      }
      k++;
    }
    return OPAQUE;
  }
}

// ---------------------------------------------------------------- schema facts

export type TfType = "string" | "int" | "float" | "bool" | "list" | "set" | "map";

export interface TfAttribute {
  type: TfType;
  required?: true;
  optional?: true;
  computed?: true;
  forceNew?: true;
  sensitive?: true;
  hasDefault?: true;
  maxItems?: number;
  minItems?: number;
  /** Element of a list, set or map: a primitive type or a nested block. */
  elem?: { type: TfType } | { block: Record<string, TfAttribute> };
  description?: string;
}

export interface TfResource {
  description?: string;
  attributes: Record<string, TfAttribute>;
}

export interface TfSchema {
  provider: string;
  version: string;
  source: string;
  config: Record<string, TfAttribute>;
  resources: Record<string, TfResource>;
  dataSources: Record<string, TfResource>;
}

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
  return { ...(d?.kind === "string" ? { description: d.value } : {}), attributes: attributes(field(v, "Schema"), where) };
}

/** The schema facts of a provider checkout (`provider/*.go`, `provider/types/*.go`). */
export function readProviderSchema(files: readonly string[], meta: { version: string; source: string }): TfSchema {
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
    provider: "kislerdm/neon",
    version: meta.version,
    source: meta.source,
    config: attributes(field(provider, "Schema"), "provider"),
    resources: table("ResourcesMap"),
    dataSources: table("DataSourcesMap"),
  };
}

function main(argv: string[]): void {
  const [dir, version] = argv;
  if (!dir || !version) {
    process.stderr.write("usage: npx tsx src/tools/neon/goSchema.ts <provider checkout> <version>\n");
    process.exit(2);
  }
  const goFiles = (d: string) =>
    readdirSync(d)
      .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))
      .map((f) => readFileSync(path.join(d, f), "utf8"));
  const files = [...goFiles(path.join(dir, "provider")), ...goFiles(path.join(dir, "provider/types"))];
  const facts = readProviderSchema(files, { version, source: `github.com/kislerdm/terraform-provider-neon v${version}, provider/*.go` });
  process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
}

if (process.argv[1] && /goSchema\.ts$/.test(process.argv[1])) main(process.argv.slice(2));
