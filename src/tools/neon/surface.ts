/**
 * The type surface of a Pulumi Node.js SDK, read with the TypeScript compiler API from its
 * declaration files (and its JavaScript for what declarations do not carry: type tokens,
 * resource modules, secret outputs). Two SDKs with the same surface accept the same
 * programs, however their source is spelled: quote style, `pulumi.Input<T | undefined>` or
 * `pulumi.Input<T>`, one file per resource or not.
 *
 *   npx tsx src/tools/neon/surface.ts <sdk dir>      # the surface as JSON
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

export interface Prop {
  /** Canonical type: `string`, `number`, `boolean`, `any`, `string[]`, `{[k]:string}`, a type name. */
  readonly type: string;
  readonly optional: boolean;
}
export type Props = Record<string, Prop>;

export interface ResourceSurface {
  readonly token?: string;
  readonly outputs: Props;
  readonly args: Props;
  readonly state?: Props;
  readonly secretOutputs: readonly string[];
  readonly methods: readonly string[];
}

export interface FunctionSurface {
  readonly token?: string;
  readonly args: Props;
  readonly outputArgs: Props;
  readonly result: Props;
}

export interface Surface {
  readonly resources: Record<string, ResourceSurface>;
  readonly functions: Record<string, FunctionSurface>;
  readonly inputTypes: Record<string, Props>;
  readonly outputTypes: Record<string, Props>;
  /** `registerResourceModule` calls: module names under the package. */
  readonly modules: readonly string[];
  readonly config: Props;
}

function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

const WRAPPERS = new Set(["Input", "Output", "pulumi.Input", "pulumi.Output"]);

/** Canonical form of a type node, and whether it admits undefined. */
export function canon(node: ts.TypeNode | undefined): { type: string; optional: boolean } {
  if (!node) return { type: "any", optional: false };
  if (ts.isParenthesizedTypeNode(node)) return canon(node.type);
  if (ts.isUnionTypeNode(node)) {
    const parts = node.types.filter(
      (t) => t.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword),
    );
    const optional = parts.length < node.types.length;
    const inner = parts.map(canon);
    const types = [...new Set(inner.map((i) => i.type))];
    return { type: types.length === 1 ? types[0] : types.sort().join("|"), optional: optional || inner.some((i) => i.optional) };
  }
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    if (WRAPPERS.has(name) && node.typeArguments?.length === 1) return canon(node.typeArguments[0]);
    return { type: name.split(".").pop()!, optional: false };
  }
  if (ts.isArrayTypeNode(node)) return { type: `${canon(node.elementType).type}[]`, optional: false };
  if (ts.isTypeLiteralNode(node)) {
    const index = node.members.find(ts.isIndexSignatureDeclaration);
    if (index) return { type: `{[k]:${canon(index.type).type}}`, optional: false };
    return { type: "{}", optional: false };
  }
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string", optional: false };
    case ts.SyntaxKind.NumberKeyword:
      return { type: "number", optional: false };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean", optional: false };
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
      return { type: "any", optional: false };
    default:
      return { type: node.getText().replace(/\s+/g, ""), optional: false };
  }
}

function props(members: ts.NodeArray<ts.TypeElement | ts.ClassElement>, kind: "interface" | "class"): Props {
  const out: Record<string, Prop> = {};
  for (const m of members) {
    if (!(ts.isPropertySignature(m) || ts.isPropertyDeclaration(m)) || !m.name) continue;
    if (kind === "class" && m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) continue;
    const name = m.name.getText().replace(/^["']|["']$/g, "");
    if (name.startsWith("__")) continue;
    const c = canon(m.type);
    out[name] = { type: c.type, optional: c.optional || m.questionToken !== undefined };
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The surface of the SDK whose package root (with bin/) is `dir`. */
export function readSurface(dir: string): Surface {
  const bin = existsSync(path.join(dir, "bin")) ? path.join(dir, "bin") : dir;
  const resources: Record<string, ResourceSurface> = {};
  const functions: Record<string, FunctionSurface> = {};
  const inputTypes: Record<string, Props> = {};
  const outputTypes: Record<string, Props> = {};
  let config: Props = {};
  const interfaces = new Map<string, Props>();
  const classes = new Map<string, { outputs: Props; methods: string[]; file: string }>();
  const declaredFunctions = new Set<string>();

  for (const file of files(bin, ".d.ts")) {
    const rel = path.relative(bin, file).replace(/\\/g, "/");
    const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st)) {
        const p = props(st.members, "interface");
        if (rel === "types/input.d.ts") inputTypes[st.name.text] = p;
        else if (rel === "types/output.d.ts") outputTypes[st.name.text] = p;
        else interfaces.set(st.name.text, p);
      } else if (ts.isClassDeclaration(st) && st.name) {
        const methods = st.members
          .filter((m) => ts.isMethodDeclaration(m) && !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword))
          .map((m) => m.name!.getText());
        classes.set(st.name.text, { outputs: props(st.members, "class"), methods: methods.sort(), file: rel });
      } else if (ts.isFunctionDeclaration(st) && st.name && !st.name.text.endsWith("Output") && rel !== "utilities.d.ts") {
        declaredFunctions.add(st.name.text);
      } else if (ts.isVariableStatement(st) && rel === "config/vars.d.ts") {
        for (const d of st.declarationList.declarations) {
          const c = canon(d.type);
          config = { ...config, [d.name.getText()]: { type: c.type, optional: c.optional } };
        }
      }
    }
  }

  // What only the JavaScript says.
  const js = files(bin, ".js")
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");
  const tokenOf = new Map<string, string>();
  for (const m of js.matchAll(/(\w+)\.__pulumiType\s*=\s*["']([^"']+)["']/g)) tokenOf.set(m[1], m[2]);
  const secretsOf = new Map<string, string[]>();
  for (const file of files(bin, ".js")) {
    const text = readFileSync(file, "utf8");
    const cls = /class (\w+) extends/.exec(text)?.[1];
    const secrets = /additionalSecretOutputs:\s*\[([^\]]*)\]/.exec(text)?.[1];
    if (cls && secrets) secretsOf.set(cls, [...secrets.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]).sort());
  }
  const invokes = new Map<string, string>();
  for (const m of js.matchAll(/runtime\.invoke\(\s*["'](neon:[^"']+)["']/g)) invokes.set(m[1].split(":").pop()!, m[1]);
  const modules = [...new Set([...js.matchAll(/registerResourceModule\(\s*["']neon["'],\s*["']([^"']+)["']/g)].map((m) => m[1]))].sort();

  for (const [name, c] of classes) {
    const state = interfaces.get(`${name}State`);
    resources[name] = {
      ...(tokenOf.has(name) ? { token: tokenOf.get(name) } : name === "Provider" ? { token: "pulumi:providers:neon" } : {}),
      outputs: c.outputs,
      args: interfaces.get(`${name}Args`) ?? {},
      ...(state ? { state } : {}),
      secretOutputs: secretsOf.get(name) ?? [],
      methods: c.methods,
    };
  }
  for (const name of declaredFunctions) {
    const cap = name[0].toUpperCase() + name.slice(1);
    functions[name] = {
      ...(invokes.has(name) ? { token: invokes.get(name) } : {}),
      args: interfaces.get(`${cap}Args`) ?? {},
      outputArgs: interfaces.get(`${cap}OutputArgs`) ?? {},
      result: interfaces.get(`${cap}Result`) ?? {},
    };
  }
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return { resources: sorted(resources), functions: sorted(functions), inputTypes: sorted(inputTypes), outputTypes: sorted(outputTypes), modules, config };
}

if (process.argv[1] && /surface\.ts$/.test(process.argv[1])) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write("usage: npx tsx src/tools/neon/surface.ts <sdk dir>\n");
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(readSurface(dir), null, 2)}\n`);
}
