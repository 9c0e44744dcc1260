/**
 * The shape of components/: only ComponentResources, each `(name, args, opts)`, every
 * field of its Args documented and every optional one with its `@default`. Read from the
 * sources with the TypeScript compiler, so a new component is held to it too.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const DIR = path.resolve(__dirname, "..", "components");
// neon.ts is not a component: the one module that imports the Neon provider's SDK (docs/neon-provider.md).
const files = readdirSync(DIR).filter((f) => f.endsWith(".ts") && f !== "neon.ts");

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(DIR, file), "utf8"), ts.ScriptTarget.ES2022, true);
}

function jsDoc(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .map((d) => d.getText())
    .join("\n");
}

describe("components/", () => {
  it("has files", () => expect(files.length).toBeGreaterThanOrEqual(5));

  for (const file of files) {
    describe(file, () => {
      const src = parse(file);
      const exported = src.statements.filter((s) => ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword));
      const classes = exported.filter(ts.isClassDeclaration);
      const others = exported.filter((s) => !ts.isClassDeclaration(s) && !ts.isInterfaceDeclaration(s) && !ts.isTypeAliasDeclaration(s));

      it("exports one ComponentResource and no functions or values", () => {
        expect(classes).toHaveLength(1);
        const heritage = classes[0].heritageClauses?.flatMap((h) => h.types.map((t) => t.expression.getText())) ?? [];
        expect(heritage).toEqual(["pulumi.ComponentResource"]);
        expect(others.map((s) => s.getText().slice(0, 60))).toEqual([]);
      });

      it("takes (name, args, opts)", () => {
        const ctor = classes[0].members.find(ts.isConstructorDeclaration)!;
        const params = ctor.parameters.map((p) => [p.name.getText(), p.type?.getText()]);
        expect(params).toHaveLength(3);
        expect(params[0]).toEqual(["name", "string"]);
        expect(params[1][0]).toBe("args");
        expect(params[1][1]).toBe(`${classes[0].name!.text}Args`);
        expect(params[2]).toEqual(["opts", "pulumi.ComponentResourceOptions"]);
      });

      it("documents every Args field, optional ones with @default", () => {
        const args = src.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === `${classes[0].name!.text}Args`);
        expect(args, "the Args interface sits beside the component").toBeDefined();
        const undocumented: string[] = [];
        const noDefault: string[] = [];
        const walk = (members: ts.NodeArray<ts.TypeElement>, prefix: string) => {
          for (const m of members) {
            if (!ts.isPropertySignature(m)) continue;
            const name = `${prefix}${m.name.getText()}`;
            const doc = jsDoc(m);
            if (!doc) undocumented.push(name);
            if (m.questionToken && !/@default /.test(doc)) noDefault.push(name);
            if (m.type && ts.isTypeLiteralNode(m.type)) walk(m.type.members, `${name}.`);
          }
        };
        walk(args!.members, "");
        expect(undocumented).toEqual([]);
        expect(noDefault).toEqual([]);
      });
    });
  }
});
