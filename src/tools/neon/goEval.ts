/**
 * Evaluates just the Go the Neon provider's schemas are written in (src/tools/neon/goSchema.ts
 * and goFramework.ts read schemas with it): composite literals, package-level `var`s and
 * `const`s, functions and methods that build and return a value (with their parameters bound),
 * and `+` on strings. Anything else is opaque; a call into another package is kept by name.
 */
// ---------------------------------------------------------------- tokens

export type Tok = { kind: "ident" | "string" | "number" | "punct"; text: string; value?: string };

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

export const OPAQUE: Value = { kind: "opaque" };

export interface Func {
  params: string[];
  body: Tok[];
}

export interface Program {
  funcs: Map<string, Func>;
  /** Methods by `<receiver type>.<name>`. */
  methods: Map<string, Func>;
  vars: Map<string, Tok[]>;
  consts: Map<string, Tok[]>;
}

/** Index of the token that closes the bracket opening at `at`. */
export function closing(toks: Tok[], at: number): number {
  const open = toks[at].text;
  const close = open === "{" ? "}" : open === "(" ? ")" : "]";
  let depth = 0;
  for (let i = at; i < toks.length; i++) {
    if (toks[i].text === open) depth++;
    else if (toks[i].text === close && --depth === 0) return i;
  }
  throw new Error(`unbalanced ${open}`);
}

/** Top-level funcs, methods, vars and consts of Go files (generic funcs are skipped). */
export function indexProgram(files: readonly string[]): Program {
  const program: Program = { funcs: new Map(), methods: new Map(), vars: new Map(), consts: new Map() };
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
      } else if (t.text === "func" && toks[i + 1]?.text === "(") {
        // A method: kept by receiver type and name (terraform-plugin-framework resources are methods).
        const recvEnd = closing(toks, i + 1);
        const recvType = toks
          .slice(i + 2, recvEnd)
          .filter((x) => x.kind === "ident")
          .pop()?.text;
        const name = toks[recvEnd + 1]?.kind === "ident" ? toks[recvEnd + 1].text : undefined;
        let k = recvEnd + 1;
        const params: string[] = [];
        if (toks[k + 1]?.text === "(") {
          const pEnd = closing(toks, k + 1);
          for (let j = k + 2; j < pEnd; j++) if (toks[j].kind === "ident" && (toks[j - 1].text === "(" || toks[j - 1].text === ",")) params.push(toks[j].text);
          k = pEnd + 1;
        }
        while (k < toks.length && toks[k].text !== "{") k = toks[k].text === "(" ? closing(toks, k) + 1 : k + 1;
        const end = closing(toks, k);
        if (recvType && name) program.methods.set(`${recvType}.${name}`, { params, body: toks.slice(k + 1, end) });
        i = end + 1;
      } else if (t.text === "func") {
        // A generic func: skip to its body's end.
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
export function exprEnd(toks: Tok[], start: number): number {
  let k = start;
  let needOperand = true;
  while (k < toks.length) {
    const t = toks[k];
    if (needOperand && (t.text === "map" || t.text === "[")) {
      // A composite literal of a map or slice type (`map[string]schema.Attribute{…}`, `[]func() T{…}`): its type runs to the brace.
      let b = k;
      while (b < toks.length && toks[b].text !== "{") b = toks[b].text === "[" || toks[b].text === "(" ? closing(toks, b) + 1 : b + 1;
      k = b < toks.length ? closing(toks, b) + 1 : b;
      needOperand = false;
      continue;
    }
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

export class Evaluator {
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
    // A call into another package (`stringplanmodifier.RequiresReplace()`) is kept by name.
    if (!fn) return { kind: "ref", name: `${name}()` };
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
