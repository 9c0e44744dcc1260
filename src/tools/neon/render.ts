/**
 * Writes the Node.js SDK of the Neon provider from the bridged model (src/tools/neon/bridge.ts)
 * in the shape `pulumi package add terraform-provider kislerdm/neon <version>` gives it: one
 * module per resource and function, `types/input`, `types/output`, `config`, a `Provider`
 * with `terraformConfig()`, `index` registering one resource module per resource, and
 * `utilities.getPackage()` registering the parameterized package through the runtime.
 *
 * Two styles from one model: "ours" (sdks/neon: TypeScript sources and their compiled bin/,
 * double quotes) and "generator" (bin/ only, single quotes, `pulumi.Input<T | undefined>`,
 * a postinstall script), which test/neonDropIn.test.ts swaps in to prove the program does
 * not depend on how the SDK is spelled.
 */
import { functionArgTypes, type FunctionModel, type Model, type NestedType, type PType, type ResourceModel } from "./bridge";
import type { Style } from "./write";
import { HEADER, type Ctx, type PackageFacts } from "./renderContext";
import { utilitiesFile } from "./renderUtilities";

export { compileSdk, writeSdk, type Style } from "./write";
export type { PackageFacts } from "./renderContext";

function doc(text: string | undefined, indent: string): string[] {
  if (!text) return [];
  const lines = text.replace(/\*\//g, "*\\/").trim().split("\n");
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`.trimEnd()), `${indent} */`];
}

function inputType(t: PType, ns: string, suffix = ""): string {
  switch (t.kind) {
    case "primitive":
      return `pulumi.Input<${t.name}>`;
    case "object":
      return `pulumi.Input<${ns}${t.name}${suffix}>`;
    case "array":
      return `pulumi.Input<${inputType(t.of, ns, suffix)}[]>`;
    case "map":
      return `pulumi.Input<{[key: string]: ${inputType(t.of, ns, suffix)}}>`;
  }
}

function plainType(t: PType, ns: string): string {
  switch (t.kind) {
    case "primitive":
      return t.name;
    case "object":
      return `${ns}${t.name}`;
    case "array":
      return `${plainType(t.of, ns)}[]`;
    case "map":
      return `{[key: string]: ${plainType(t.of, ns)}}`;
  }
}

/** `name?: T` or, in the generator's style, `name?: pulumi.Input<T | undefined>`-like spellings. */
function optionalInput(ctx: Ctx, name: string, type: string, optional: boolean): string {
  if (!optional) return `${name}: ${type}`;
  return ctx.style === "generator" && type.startsWith("pulumi.Input<") ? `${name}?: ${type.replace(/>$/, " | undefined>")}` : `${name}?: ${type}`;
}

/** The header and imports of a resource's or function's module. */
function moduleHead({ q }: Ctx, nested: boolean): string[] {
  return [
    ...HEADER,
    `import * as pulumi from ${q("@pulumi/pulumi")};`,
    ...(nested ? [`import * as inputs from ${q("./types/input")};`, `import * as outputs from ${q("./types/output")};`] : []),
    `import * as utilities from ${q("./utilities")};`,
    "",
  ];
}

const usesType = (props: readonly { type: PType }[]) => props.some((p) => JSON.stringify(p.type).includes('"object"'));

/** The resource's constructor: state when read by id, arguments (required ones checked, secrets wrapped) when created. */
function constructorLines({ q }: Ctx, r: ResourceModel): string[] {
  const inputs = r.properties.filter((p) => p.input);
  const outputsOnly = r.properties.filter((p) => !p.input);
  const required = inputs.filter((p) => p.input!.required);
  const secrets = r.properties.filter((p) => p.secret).map((p) => p.name);
  return [
    `    /** Create a ${r.name} resource with the given unique name, arguments, and options. */`,
    `    constructor(name: string, args${required.length ? "" : "?"}: ${r.name}Args, opts?: pulumi.CustomResourceOptions);`,
    `    constructor(name: string, argsOrState?: ${r.name}Args | ${r.name}State, opts?: pulumi.CustomResourceOptions) {`,
    "        let resourceInputs: pulumi.Inputs = {};",
    "        opts = opts || {};",
    "        if (opts.id) {",
    `            const state = argsOrState as ${r.name}State | undefined;`,
    ...r.properties.map((p) => `            resourceInputs[${q(p.name)}] = state?.${p.name};`),
    "        } else {",
    `            const args = argsOrState as ${r.name}Args | undefined;`,
    ...required.flatMap((p) => [
      `            if (args?.${p.name} === undefined && !opts.urn) {`,
      `                throw new Error(${q(`Missing required property '${p.name}'`)});`,
      "            }",
    ]),
    ...inputs.map(
      (p) => `            resourceInputs[${q(p.name)}] = ${p.secret ? `args?.${p.name} ? pulumi.secret(args.${p.name}) : undefined` : `args?.${p.name}`};`,
    ),
    ...outputsOnly.map((p) => `            resourceInputs[${q(p.name)}] = undefined /*out*/;`),
    "        }",
    "        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);",
    ...(secrets.length
      ? [`        const secretOpts = { additionalSecretOutputs: [${secrets.map(q).join(", ")}] };`, "        opts = pulumi.mergeOptions(opts, secretOpts);"]
      : []),
    `        super(${r.name}.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());`,
    "    }",
  ];
}

function resourceFile(ctx: Ctx, r: ResourceModel): string {
  const { q } = ctx;
  const inputs = r.properties.filter((p) => p.input);
  const replacing = r.properties.filter((p) => p.forceNew && p.input).map((p) => `\`${p.name}\``);
  const nested = usesType(r.properties);
  const lines = [
    ...moduleHead(ctx, nested),
    ...doc(
      [
        r.description,
        replacing.length ? `Changing ${replacing.join(", ")} replaces the resource: the provider deletes it and creates a new one.` : undefined,
        `Import: \`pulumi import ${r.token} <name> <id>\``,
      ]
        .filter(Boolean)
        .join("\n\n"),
      "",
    ),
    `export class ${r.name} extends pulumi.CustomResource {`,
    `    /** Gets an existing ${r.name} resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */`,
    `    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ${r.name}State, opts?: pulumi.CustomResourceOptions): ${r.name} {`,
    `        return new ${r.name}(name, <any>state, { ...opts, id: id });`,
    "    }",
    "",
    "    /** @internal */",
    `    public static readonly __pulumiType = ${q(r.token)};`,
    "",
    `    /** True when \`obj\` is a ${r.name}, even across multiple copies of the SDK. */`,
    `    public static isInstance(obj: any): obj is ${r.name} {`,
    "        if (obj === undefined || obj === null) {",
    "            return false;",
    "        }",
    `        return obj[${q("__pulumiType")}] === ${r.name}.__pulumiType;`,
    "    }",
    "",
    ...r.properties.flatMap((p) => [
      ...doc(p.description, "    "),
      `    public readonly ${p.name}!: pulumi.Output<${plainType(p.type, "outputs.")}${p.outputOptional ? " | undefined" : ""}>;`,
    ]),
    "",
    ...constructorLines(ctx, r),
    "}",
    "",
    `/** Input properties used for looking up and filtering ${r.name} resources. */`,
    `export interface ${r.name}State {`,
    ...r.properties.flatMap((p) => [...doc(p.description, "    "), `    ${optionalInput(ctx, p.name, inputType(p.type, "inputs."), true)};`]),
    "}",
    "",
    `/** The set of arguments for constructing a ${r.name} resource. */`,
    `export interface ${r.name}Args {`,
    ...inputs.flatMap((p) => [...doc(p.description, "    "), `    ${optionalInput(ctx, p.name, inputType(p.type, "inputs."), !p.input!.required)};`]),
    "}",
    "",
  ];
  return lines.join("\n");
}

function functionFile(ctx: Ctx, f: FunctionModel): string {
  const { q } = ctx;
  const cap = f.name[0].toUpperCase() + f.name.slice(1);
  const args = f.properties.filter((p) => p.input);
  const nested = usesType(f.properties);
  const call = (kind: "invoke" | "invokeOutput") => [
    "    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});",
    `    return pulumi.runtime.${kind}(${q(f.token)}, {`,
    ...args.map((p) => `        ${q(p.name)}: args.${p.name},`),
    "    }, opts, utilities.getPackage());",
  ];
  const lines = [
    ...moduleHead(ctx, nested),
    ...doc(f.description, ""),
    `export function ${f.name}(args: ${cap}Args, opts?: pulumi.InvokeOptions): Promise<${cap}Result> {`,
    ...call("invoke"),
    "}",
    "",
    `/** A collection of arguments for invoking ${f.name}. */`,
    `export interface ${cap}Args {`,
    ...args.flatMap((p) => [...doc(p.description, "    "), `    ${p.name}${p.input!.required ? "" : "?"}: ${plainType(p.type, "inputs.")};`]),
    "}",
    "",
    `/** A collection of values returned by ${f.name}. */`,
    `export interface ${cap}Result {`,
    ...f.properties.flatMap((p) => [...doc(p.description, "    "), `    readonly ${p.name}${p.outputOptional ? "?" : ""}: ${plainType(p.type, "outputs.")};`]),
    "}",
    "",
    ...doc(f.description, ""),
    `export function ${f.name}Output(args: ${cap}OutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<${cap}Result> {`,
    ...call("invokeOutput"),
    "}",
    "",
    `/** A collection of arguments for invoking ${f.name}. */`,
    `export interface ${cap}OutputArgs {`,
    ...args.flatMap((p) => [...doc(p.description, "    "), `    ${optionalInput(ctx, p.name, inputType(p.type, "inputs.", "Args"), !p.input!.required)};`]),
    "}",
    "",
  ];
  return lines.join("\n");
}

function typesFile(ctx: Ctx, side: "input" | "output"): string {
  const { q, model } = ctx;
  const types = side === "input" ? model.inputTypes : model.outputTypes;
  const argTypes = functionArgTypes(model);
  const body = types.flatMap((t: NestedType) => {
    if (side === "output") {
      return [
        `export interface ${t.name} {`,
        ...t.properties.flatMap((p) => [...doc(p.description, "    "), `    ${p.name}${p.outputOptional ? "?" : ""}: ${plainType(p.type, "outputs.")};`]),
        "}",
        "",
      ];
    }
    const plain = argTypes.has(t.name);
    return [
      `export interface ${t.name} {`,
      ...t.properties.flatMap((p) => [
        ...doc(p.description, "    "),
        plain
          ? `    ${p.name}${p.inputOptional ? "?" : ""}: ${plainType(p.type, "inputs.")};`
          : `    ${optionalInput(ctx, p.name, inputType(p.type, "inputs."), p.inputOptional)};`,
      ]),
      "}",
      "",
      ...(plain
        ? [
            `export interface ${t.name}Args {`,
            ...t.properties.flatMap((p) => [
              ...doc(p.description, "    "),
              `    ${optionalInput(ctx, p.name, inputType(p.type, "inputs.", "Args"), p.inputOptional)};`,
            ]),
            "}",
            "",
          ]
        : []),
    ];
  });
  return [...HEADER, `import * as pulumi from ${q("@pulumi/pulumi")};`, `import * as ${side}s from ${q(`../types/${side}`)};`, "", ...body].join("\n");
}

function providerFile(ctx: Ctx): string {
  const { q, model } = ctx;
  return [
    ...HEADER,
    `import * as pulumi from ${q("@pulumi/pulumi")};`,
    `import * as utilities from ${q("./utilities")};`,
    "",
    "/**",
    " * The provider type for the neon package. Create one explicitly to choose its settings and pass it",
    " * as `provider` to every Neon resource. Its settings come from `args` only: the Terraform provider",
    " * itself falls back to the NEON_API_KEY environment variable, so a key never enters the provider's",
    " * inputs (and the stack's state) unless the program passes it. Pass it as a `pulumi.secret`: the",
    " * provider does not mark it sensitive.",
    " */",
    "export class Provider extends pulumi.ProviderResource {",
    "    /** @internal */",
    `    public static readonly __pulumiType = ${q("neon")};`,
    "",
    "    /** True when `obj` is a Provider, even across multiple copies of the SDK. */",
    "    public static isInstance(obj: any): obj is Provider {",
    "        if (obj === undefined || obj === null) {",
    "            return false;",
    "        }",
    `        return obj[${q("__pulumiType")}] === ${q("pulumi:providers:")} + Provider.__pulumiType;`,
    "    }",
    "",
    ...model.config
      .filter((p) => p.type.kind === "primitive" && p.type.name === "string")
      .flatMap((p) => [...doc(p.description, "    "), `    public readonly ${p.name}!: pulumi.Output<${plainType(p.type, "")} | undefined>;`]),
    "",
    "    /** Create a Provider resource with the given unique name, arguments, and options. */",
    "    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions) {",
    "        let resourceInputs: pulumi.Inputs = {};",
    "        opts = opts || {};",
    "        {",
    ...model.config.map(
      (p) => `            resourceInputs[${q(p.name)}] = ${p.secret ? `args?.${p.name} ? pulumi.secret(args.${p.name}) : undefined` : `args?.${p.name}`};`,
    ),
    "        }",
    "        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);",
    "        super(Provider.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());",
    "    }",
    "",
    "    /** The provider's configuration as a Terraform config object (terraform-named keys), for the Terraform Module provider. */",
    "    terraformConfig(): pulumi.Output<{[key: string]: any}> {",
    `        const result = pulumi.runtime.call<{result: {[key: string]: any}}>(${q("pulumi:providers:neon/terraformConfig")}, {`,
    `            ${q("__self__")}: this,`,
    "        }, this, utilities.getPackage());",
    "        return result.result;",
    "    }",
    "}",
    "",
    "/** The set of arguments for constructing a Provider resource. */",
    "export interface ProviderArgs {",
    ...model.config.flatMap((p) => [...doc(p.description, "    "), `    ${optionalInput(ctx, p.name, inputType(p.type, ""), true)};`]),
    "}",
    "",
  ].join("\n");
}

function indexFile(ctx: Ctx): string {
  const { q, model } = ctx;
  const file = (name: string) => name[0].toLowerCase() + name.slice(1);
  const members: string[] = [];
  for (const f of model.functions) {
    const cap = f.name[0].toUpperCase() + f.name.slice(1);
    members.push(
      `export { ${cap}Args, ${cap}Result, ${cap}OutputArgs } from ${q(`./${f.name}`)};`,
      `export const ${f.name}: typeof import(${q(`./${f.name}`)}).${f.name} = null as any;`,
      `export const ${f.name}Output: typeof import(${q(`./${f.name}`)}).${f.name}Output = null as any;`,
      `utilities.lazyLoad(exports, [${q(f.name)}, ${q(`${f.name}Output`)}], () => require(${q(`./${f.name}`)}));`,
      "",
    );
  }
  for (const r of [...model.resources.map((r) => r.name), "Provider"].sort()) {
    members.push(
      r === "Provider" ? `export { ProviderArgs } from ${q("./provider")};` : `export { ${r}Args, ${r}State } from ${q(`./${file(r)}`)};`,
      `export type ${r} = import(${q(`./${file(r)}`)}).${r};`,
      `export const ${r}: typeof import(${q(`./${file(r)}`)}).${r} = null as any;`,
      `utilities.lazyLoad(exports, [${q(r)}], () => require(${q(`./${file(r)}`)}));`,
      "",
    );
  }
  return [
    ...HEADER,
    `import * as pulumi from ${q("@pulumi/pulumi")};`,
    `import * as utilities from ${q("./utilities")};`,
    "",
    ...members,
    "// Export sub-modules:",
    `import * as config from ${q("./config")};`,
    `import * as types from ${q("./types")};`,
    "",
    "export { config, types };",
    "",
    "const _module = {",
    "    version: utilities.getVersion(),",
    "    construct: (name: string, type: string, urn: string): pulumi.Resource => {",
    "        switch (type) {",
    ...model.resources.flatMap((r) => [`            case ${q(r.token)}:`, `                return new ${r.name}(name, <any>undefined, { urn });`]),
    "            default:",
    "                throw new Error(`unknown resource type ${type}`);",
    "        }",
    "    },",
    "};",
    ...model.resources.map((r) => `pulumi.runtime.registerResourceModule(${q("neon")}, ${q(r.module)}, _module);`),
    `pulumi.runtime.registerResourcePackage(${q("neon")}, {`,
    "    version: utilities.getVersion(),",
    "    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {",
    `        if (type !== ${q("pulumi:providers:neon")}) {`,
    "            throw new Error(`unknown provider type ${type}`);",
    "        }",
    "        return new Provider(name, <any>undefined, { urn });",
    "    },",
    "});",
    "",
  ].join("\n");
}

function configFiles(ctx: Ctx): Record<string, string> {
  const { q, model } = ctx;
  return {
    "config/index.ts": [...HEADER, `export * from ${q("./vars")};`, ""].join("\n"),
    "config/vars.ts": [
      ...HEADER,
      `import * as pulumi from ${q("@pulumi/pulumi")};`,
      "",
      "declare var exports: any;",
      `const __config = new pulumi.Config(${q("neon")});`,
      "",
      ...model.config.flatMap((p) => [
        ...doc(
          `${p.description ?? ""}\n\nStack config \`neon:${p.name}\`; only the config, never the environment (the Terraform provider reads that itself).`.trim(),
          "",
        ),
        `export declare const ${p.name}: ${plainType(p.type, "")} | undefined;`,
        `Object.defineProperty(exports, ${q(p.name)}, {`,
        "    get() {",
        `        return __config.get${p.type.kind === "primitive" && p.type.name !== "string" ? (p.type.name === "number" ? "Number" : "Boolean") : ""}(${q(p.name)});`,
        "    },",
        "    enumerable: true,",
        "});",
        "",
      ]),
    ].join("\n"),
  };
}

export function renderSdk(model: Model, pkg: PackageFacts, style: Style): Record<string, string> {
  const q = style === "generator" ? (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'` : (s: string) => JSON.stringify(s);
  const ctx: Ctx = { style, q, model, pkg };
  const file = (name: string) => name[0].toLowerCase() + name.slice(1);
  const files: Record<string, string> = {
    "utilities.ts": utilitiesFile(ctx),
    "provider.ts": providerFile(ctx),
    "index.ts": indexFile(ctx),
    "types/index.ts": [
      ...HEADER,
      `import * as input from ${q("./input")};`,
      `import * as output from ${q("./output")};`,
      "",
      "export { input, output };",
      "",
    ].join("\n"),
    "types/input.ts": typesFile(ctx, "input"),
    "types/output.ts": typesFile(ctx, "output"),
    ...configFiles(ctx),
  };
  for (const r of model.resources) files[`${file(r.name)}.ts`] = resourceFile(ctx, r);
  for (const f of model.functions) files[`${f.name}.ts`] = functionFile(ctx, f);
  const sources = Object.keys(files).sort();
  files["tsconfig.json"] = `${JSON.stringify(
    {
      compilerOptions: {
        outDir: "bin",
        target: "ES2020",
        module: "commonjs",
        moduleResolution: "node",
        declaration: true,
        sourceMap: false,
        stripInternal: true,
        experimentalDecorators: true,
        noFallthroughCasesInSwitch: true,
        forceConsistentCasingInFileNames: true,
        strict: true,
        skipLibCheck: true,
        newLine: "lf",
        types: [],
      },
      files: sources,
    },
    null,
    2,
  )}\n`;
  files["package.json"] = `${JSON.stringify(
    {
      name: "@pulumi/neon",
      version: model.version,
      description: `Pulumi local package for the Neon provider (Terraform provider ${pkg.provider} ${model.version}, bridged by terraform-provider ${pkg.bridgeVersion}).`,
      keywords: ["pulumi", "neon", "category/cloud"],
      homepage: providerRepository(pkg.provider),
      repository: providerRepository(pkg.provider),
      license: "MPL-2.0",
      main: "bin/index.js",
      types: "bin/index.d.ts",
      files: ["bin/", "package.json", "README.md"],
      scripts: { build: "tsc", ...(style === "generator" ? { postinstall: "node ./scripts/postinstall.js" } : {}) },
      peerDependencies: { "@pulumi/pulumi": `^${pkg.minPulumi}` },
      pulumi: {
        resource: true,
        name: "terraform-provider",
        version: pkg.bridgeVersion,
        parameterization: { name: "neon", version: model.version, value: pkg.parameterValue },
      },
    },
    null,
    2,
  )}\n`;
  if (style === "generator") {
    files["scripts/postinstall.js"] =
      "// Builds bin/ when the package is installed from sources; a no-op when bin/ is there.\nconst fs = require('fs');\nif (!fs.existsSync(__dirname + '/../bin/index.js')) require('child_process').execSync('tsc', { cwd: __dirname + '/..', stdio: 'inherit' });\n";
    files["README.md"] = `# @pulumi/neon\n\nA Pulumi package for the Neon provider, bridged from the Terraform provider ${pkg.provider}.\n`;
  }
  return files;
}

/** A Terraform provider's source repository: `<owner>/<name>` is github.com/<owner>/terraform-provider-<name> (the registry's convention). */
function providerRepository(provider: string): string {
  const [owner, name] = provider.split("/");
  return `https://github.com/${owner}/terraform-provider-${name}`;
}
