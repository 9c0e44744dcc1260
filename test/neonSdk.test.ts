/**
 * Conformance of sdks/neon (the local @pulumi/neon package) with the provider facts kept
 * in test/fixtures: names, types and required-ness of every input and output, type
 * tokens, secret outputs, the parameterization and the package registration on the wire.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { ROOT } from "./program";

const SDK = path.join(ROOT, "sdks/neon");
const facts = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/neon-provider-schema.json"), "utf8"));
type Field = { type: string; required?: boolean; output?: boolean; optional?: boolean };

/** The TypeScript type the generated SDK uses for a fact's type, in args and in outputs. */
function expectedInputType(t: string): string {
  if (t === "number[]") return "pulumi.Input<pulumi.Input<number>[]>";
  if (t.startsWith("number")) return "pulumi.Input<number>";
  if (t === "string" || t === "boolean") return `pulumi.Input<${t}>`;
  if (t === "string[]") return "pulumi.Input<pulumi.Input<string>[]>";
  if (t === "map<string,string>") return "pulumi.Input<{ [key: string]: pulumi.Input<string> }>";
  const nested = /^([A-Z]\w+)/.exec(t);
  if (nested) return `pulumi.Input<inputs.${nested[1]}>`;
  throw new Error(`unmapped fact type ${t}`);
}
function baseType(t: string): string {
  if (t === "number[]") return t;
  if (t.startsWith("number")) return "number";
  if (t === "map<string,string>") return "{ [key: string]: string }";
  const nested = /^([A-Z]\w+)/.exec(t);
  return nested ? `outputs.${nested[1]}` : t;
}

interface Member {
  name: string;
  type: string;
  optional: boolean;
}
function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(SDK, file), "utf8"), ts.ScriptTarget.ES2022, true);
}
function interfaceMembers(sf: ts.SourceFile, name: string): Member[] {
  const decl = sf.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!decl) throw new Error(`${sf.fileName}: no interface ${name}`);
  return decl.members.filter(ts.isPropertySignature).map((m) => ({
    name: (m.name as ts.Identifier).text,
    type: m.type!.getText(sf).replace(/\s+/g, " "),
    optional: !!m.questionToken,
  }));
}
function classOutputs(sf: ts.SourceFile, name: string): Member[] {
  const decl = sf.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name);
  if (!decl) throw new Error(`${sf.fileName}: no class ${name}`);
  return decl.members
    .filter((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword))
    .map((m) => {
      const text = m.type!.getText(sf).replace(/\s+/g, " ");
      const inner = /^pulumi\.Output<(.*)>$/.exec(text)?.[1] ?? text;
      return { name: (m.name as ts.Identifier).text, type: inner.replace(/ \| undefined$/, ""), optional: inner.endsWith("| undefined") };
    });
}

const RESOURCES = Object.entries(facts.resources as Record<string, { token: string; inputs: Record<string, Field>; outputs: Record<string, Field>; sdkSecretOutputs?: string[] }>);

describe("sdks/neon conforms to the provider facts", () => {
  it("covers exactly the five resources", () => {
    expect(RESOURCES.map(([n]) => n).sort()).toEqual(["Branch", "Database", "Endpoint", "Project", "Role"]);
  });

  describe.each(RESOURCES)("%s", (name, res) => {
    const sf = parse(`${name.toLowerCase()}.ts`);

    it("has the type token", () => {
      expect(sf.getFullText()).toContain(`public static readonly __pulumiType = "${res.token}";`);
    });

    it("takes every input with its type and required-ness", () => {
      const args = interfaceMembers(sf, `${name}Args`);
      expect(args.map((a) => a.name).sort()).toEqual(Object.keys(res.inputs).sort());
      for (const a of args) {
        const fact = res.inputs[a.name];
        expect({ name: a.name, type: a.type, optional: a.optional }).toEqual({ name: a.name, type: expectedInputType(fact.type), optional: !fact.required });
      }
    });

    it("exposes every output with its type", () => {
      const outs = classOutputs(sf, name);
      const names = outs.map((o) => o.name);
      for (const key of Object.keys(res.outputs)) if (key !== "id") expect(names).toContain(key);
      for (const o of outs) {
        const fact = res.outputs[o.name] ?? res.inputs[o.name];
        expect(fact, `${name}.${o.name} is not in the facts`).toBeDefined();
        expect({ name: o.name, type: o.type }).toEqual({ name: o.name, type: baseType(fact.type) });
      }
    });

    it("marks the provider's secret outputs", () => {
      const m = /additionalSecretOutputs: \[([^\]]*)\]/.exec(sf.getFullText());
      const declared = m ? m[1].split(",").map((s) => s.trim().replace(/"/g, "")).filter(Boolean) : [];
      expect(declared.sort()).toEqual([...(res.sdkSecretOutputs ?? [])].sort());
    });
  });

  it.each(Object.entries(facts.types as Record<string, { fields: Record<string, Field> }>))("nested type %s matches in inputs and outputs", (typeName, t) => {
    const input = interfaceMembers(parse("types/input.ts"), typeName);
    const output = interfaceMembers(parse("types/output.ts"), typeName);
    const inputFacts = Object.entries(t.fields).filter(([, f]) => !f.output);
    expect(input.map((m) => m.name).sort()).toEqual(inputFacts.map(([k]) => k).sort());
    for (const m of input) {
      const f = t.fields[m.name];
      expect({ name: m.name, type: m.type, optional: m.optional }).toEqual({ name: m.name, type: expectedInputType(f.type), optional: !f.required });
    }
    expect(output.map((m) => m.name).sort()).toEqual(Object.keys(t.fields).sort());
    for (const m of output) expect({ name: m.name, type: m.type }).toEqual({ name: m.name, type: baseType(t.fields[m.name].type) });
  });

  it("carries the parameterization of kislerdm/neon 0.15.0 in package.json", () => {
    const pkg = JSON.parse(readFileSync(path.join(SDK, "package.json"), "utf8"));
    expect(pkg.name).toBe("@pulumi/neon");
    expect(pkg.version).toBe("0.15.0");
    expect(pkg.pulumi).toEqual({
      resource: true,
      name: "terraform-provider",
      version: "1.3.0",
      parameterization: { name: "neon", version: "0.15.0", value: pkg.pulumi.parameterization.value },
    });
    expect(Buffer.from(pkg.pulumi.parameterization.value, "base64").toString("utf8")).toBe('{"remote":{"url":"registry.opentofu.org/kislerdm/neon","version":"0.15.0"}}');
    expect(pkg.scripts?.install ?? pkg.scripts?.postinstall ?? pkg.scripts?.preinstall).toBeUndefined();
    const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(root.dependencies["@pulumi/neon"]).toBe("file:sdks/neon");
  });

  it("is recorded in Pulumi.yaml the way `pulumi package add` records it", async () => {
    const { parse: parseYaml } = await import("yaml");
    const project = parseYaml(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    expect(project.packages).toEqual({ neon: { source: "terraform-provider", version: "1.3.0", parameters: ["kislerdm/neon", "0.15.0"] } });
  });

  it("ships compiled JavaScript that matches its TypeScript source", () => {
    const out = mkdtempSync(path.join(tmpdir(), "neon-sdk-"));
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", SDK, "--outDir", out], { cwd: ROOT });
    const walk = (dir: string, base = dir): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f), base) : [path.relative(base, path.join(dir, f))]));
    const built = walk(out).sort();
    expect(walk(path.join(SDK, "bin")).sort()).toEqual(built);
    for (const f of built) expect(readFileSync(path.join(SDK, "bin", f), "utf8"), `${f} is stale: run npx tsc -p sdks/neon`).toBe(readFileSync(path.join(out, f), "utf8"));
  });

  it("loads under plain Node from the installed dependency", () => {
    const r = spawnSync(process.execPath, ["-e", "const n = require('@pulumi/neon'); console.log([n.Provider, n.Project, n.Branch, n.Endpoint, n.Role, n.Database].map(c => c.__pulumiType).join(' '))"], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("neon neon:index/project:Project neon:index/branch:Branch neon:index/endpoint:Endpoint neon:index/role:Role neon:index/database:Database");
  });
});

describe("sdks/neon on the wire (mock runtime)", () => {
  it("registers the package once and passes its reference, version and secret outputs with every resource", async () => {
    const packages: unknown[] = [];
    const registered: { type: string; packageRef: string; version: string; secrets: string[]; inputs: string[] }[] = [];
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "p", "s");
    const monitor = (pulumi.runtime as any).getMonitor();
    const regPkg = monitor.registerPackage.bind(monitor);
    monitor.registerPackage = (req: any, cb: any) => {
      const p = req.getParameterization();
      packages.push({ name: req.getName(), version: req.getVersion(), url: req.getDownloadUrl(), pkg: p.getName(), pkgVersion: p.getVersion(), value: Buffer.from(p.getValue_asU8()).toString("utf8") });
      regPkg(req, cb);
    };
    const reg = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, cb: any) => {
      registered.push({ type: req.getType(), packageRef: req.getPackageref(), version: req.getVersion(), secrets: req.getAdditionalsecretoutputsList(), inputs: Object.keys(req.getObject().toJavaScript()).sort() });
      reg(req, cb);
    };
    const neon = await import("@pulumi/neon");
    const provider = new neon.Provider("p", { apiKey: pulumi.secret("k") });
    const project = new neon.Project("pr", { regionId: "aws-eu-central-1", pgVersion: 17, historyRetentionSeconds: 3600 }, { provider });
    const branch = new neon.Branch("b", { projectId: project.id }, { provider });
    new neon.Endpoint("e", { projectId: project.id, branchId: branch.id }, { provider });
    const role = new neon.Role("r", { projectId: project.id, branchId: branch.id, name: "app" }, { provider });
    new neon.Database("d", { projectId: project.id, branchId: branch.id, ownerName: role.name }, { provider });
    await new Promise((r) => setTimeout(r, 200));
    await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();

    expect(packages).toEqual([
      { name: "terraform-provider", version: "1.3.0", url: "", pkg: "neon", pkgVersion: "0.15.0", value: '{"remote":{"url":"registry.opentofu.org/kislerdm/neon","version":"0.15.0"}}' },
    ]);
    expect(registered.map((r) => r.type).sort()).toEqual(["neon:index/branch:Branch", "neon:index/database:Database", "neon:index/endpoint:Endpoint", "neon:index/project:Project", "neon:index/role:Role", "pulumi:providers:neon"]);
    for (const r of registered) {
      expect(r.packageRef).toBe("mock-uuid");
      // With a package reference the SDK sends no version: the package registration carries it.
      expect(r.version).toBe("");
    }
    expect(require("@pulumi/neon/bin/utilities").resourceOptsDefaults()).toEqual({ version: "0.15.0" });
    const byType = Object.fromEntries(registered.map((r) => [r.type.split(":").pop(), r]));
    expect(byType.Project.secrets.sort()).toEqual(["connectionUri", "connectionUriPooler", "databasePassword"]);
    expect(byType.Role.secrets).toEqual(["password"]);
    expect(byType.Branch.secrets).toEqual([]);
    expect(byType.Project.inputs).toEqual(["historyRetentionSeconds", "pgVersion", "regionId"]);
  });
});
