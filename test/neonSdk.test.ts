/**
 * sdks/neon (the local @pulumi/neon package) against what `pulumi package add
 * terraform-provider kislerdm/neon 0.15.0` generates. The comparisons are semantic (type
 * surfaces read with the TypeScript compiler API, package facts read as data), so a real
 * regeneration, with its quote style, `Input<T | undefined>` spellings, postinstall script
 * and Pulumi.yaml entry, passes them too.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { bridge, expectedSurface } from "../scripts/neon/bridge";
import { readSurface } from "../scripts/neon/surface";
import { renderSdk, writeSdk } from "../scripts/neon/render";
import { NEON_VERSION, neonFacts, packageFacts, surfaceFile } from "../scripts/neon/generate";
import { ROOT } from "./program";

const SDK = path.join(ROOT, "sdks/neon");
const model = bridge(neonFacts());
const surface = readSurface(SDK);

describe("the bridge rules", () => {
  it("reproduce a real generated SDK: @sst-provider/neon 0.13.0 (pulumi package add, terraform-provider 1.1.1)", () => {
    // The surface of that package was read from its published declarations by
    // `npx tsx scripts/neon/surface.ts <unpacked package>`; the facts from the provider's
    // v0.13.0 source by scripts/neon/goSchema.ts.
    const generated = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/neon/sst-provider-neon-0.13.0.surface.json"), "utf8"));
    expect(expectedSurface(bridge(neonFacts("0.13.0")))).toEqual(generated);
  });

  it("agree with the hand-compiled provider facts on tokens, inputs, replacement and secrets", () => {
    const facts = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/neon-provider-schema.json"), "utf8"));
    for (const [name, r] of Object.entries(facts.resources as Record<string, { token: string; inputs: Record<string, { required?: boolean; forcesReplacement?: boolean }>; sdkSecretOutputs?: string[] }>)) {
      const m = model.resources.find((x) => x.name === name)!;
      expect(m.token).toBe(r.token);
      const inputs = m.properties.filter((p) => p.input);
      expect(inputs.map((p) => p.name).sort(), name).toEqual(Object.keys(r.inputs).sort());
      for (const p of inputs) expect([name, p.name, p.forceNew], "ForceNew").toEqual([name, p.name, Boolean(r.inputs[p.name].forcesReplacement)]);
      expect(m.properties.filter((p) => p.secret).map((p) => p.name).sort()).toEqual([...(r.sdkSecretOutputs ?? [])].sort());
    }
  });
});

describe("sdks/neon", () => {
  it("has exactly the type surface the generator gives kislerdm/neon 0.15.0: every resource, function, input, output and nested type", () => {
    expect(surface).toEqual(expectedSurface(model));
    expect(Object.keys(surface.resources)).toEqual(["ApiKey", "Branch", "Database", "Endpoint", "JwksUrl", "OrgApiKey", "Project", "ProjectPermission", "Provider", "Role", "VpcEndpointAssignment", "VpcEndpointRestriction"]);
    expect(Object.keys(surface.functions).sort()).toEqual(["getBranchEndpoints", "getBranchRolePassword", "getBranchRoles", "getBranches", "getProject"].sort());
  });

  it("is recorded for review in test/fixtures/neon/surface-0.15.0.json (npm run neon-sdk writes it)", () => {
    expect(JSON.parse(readFileSync(surfaceFile(), "utf8"))).toEqual(expectedSurface(model));
  });

  it("says where an output may be undefined, as the bridge does, and takes a nested block's id as an optional input", () => {
    const out = (r: string, p: string) => surface.resources[r].outputs[p].optional;
    for (const p of ["branch", "defaultEndpointSettings", "historyRetentionSeconds", "maintenanceWindow", "orgId", "quota"]) expect(out("Project", p), `Project.${p}`).toBe(true);
    expect(out("Branch", "protected")).toBe(true);
    expect(out("Endpoint", "type")).toBe(true);
    for (const p of ["connectionUri", "regionId", "pgVersion", "name"]) expect(out("Project", p), `Project.${p}`).toBe(false);
    for (const t of ["ProjectDefaultEndpointSettings", "ProjectQuota"]) for (const [f, p] of Object.entries(surface.outputTypes[t])) expect(p.optional, `${t}.${f}`).toBe(false);
    for (const t of ["ProjectBranch", "ProjectDefaultEndpointSettings"]) expect(surface.inputTypes[t].id).toEqual({ type: "string", optional: true });
  });

  it("registers one resource module per resource, as the runtime looks them up", () => {
    expect(surface.modules).toEqual(model.resources.map((r) => r.module).sort());
    expect(surface.modules).toContain("index/project");
  });

  it("is what npm run neon-sdk writes: sources and compiled bin/, byte for byte", () => {
    // Inside the project, so that the compiler finds @pulumi/pulumi as it does for sdks/neon.
    mkdirSync(path.join(ROOT, "node_modules/.cache"), { recursive: true });
    const out = mkdtempSync(path.join(ROOT, "node_modules/.cache/neon-sdk-"));
    writeSdk(out, renderSdk(model, packageFacts(), "ours"), "ours");
    const walk = (dir: string, base = dir): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f), base) : [path.relative(base, path.join(dir, f))]));
    const written = walk(out).sort();
    expect(walk(SDK).filter((f) => f !== "README.md").sort()).toEqual(written);
    try {
      for (const f of written) expect(readFileSync(path.join(SDK, f), "utf8"), `${f} is stale: run npm run neon-sdk`).toBe(readFileSync(path.join(out, f), "utf8"));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("carries the parameterization of kislerdm/neon 0.15.0 in package.json", () => {
    const pkg = JSON.parse(readFileSync(path.join(SDK, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "@pulumi/neon", version: NEON_VERSION, main: "bin/index.js" });
    expect(pkg.pulumi).toEqual({ resource: true, name: "terraform-provider", version: "1.3.0", parameterization: { name: "neon", version: NEON_VERSION, value: pkg.pulumi.parameterization.value } });
    expect(Buffer.from(pkg.pulumi.parameterization.value, "base64").toString("utf8")).toBe(`{"remote":{"url":"registry.opentofu.org/kislerdm/neon","version":"${NEON_VERSION}"}}`);
    const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(root.dependencies["@pulumi/neon"]).toBe("file:sdks/neon");
  });

  it("is recorded in Pulumi.yaml as pulumi package add records it (any spelling the CLI writes)", () => {
    expect(neonPackageEntry(parseYaml(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")))).toEqual({ bridge: "terraform-provider", provider: "kislerdm/neon", version: NEON_VERSION });
    // The spellings a CLI may write: a registry-qualified provider, a `v` on the version, a pinned bridge.
    expect(neonPackageEntry({ packages: { neon: { source: "terraform-provider", version: "1.3.0", parameters: ["registry.opentofu.org/kislerdm/neon", "v0.15.0"] } } })).toEqual({ bridge: "terraform-provider", provider: "kislerdm/neon", version: "0.15.0" });
    expect(neonPackageEntry({ packages: { neon: { source: "pulumi/terraform-provider", parameters: ["kislerdm/neon", "0.15.0"] } } })).toEqual({ bridge: "terraform-provider", provider: "kislerdm/neon", version: "0.15.0" });
    expect(neonPackageEntry({ packages: { neon: "terraform-provider@1.3.0" } })).toBeUndefined();
  });

  it("loads under plain Node from the installed dependency", () => {
    const r = spawnSync(process.execPath, ["-e", "const n = require('@pulumi/neon'); console.log([n.Provider, n.Project, n.ApiKey, n.VpcEndpointRestriction].map(c => c.__pulumiType).join(' '), typeof n.getProject, typeof n.getBranchesOutput)"], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("neon neon:index/project:Project neon:index/apiKey:ApiKey neon:index/vpcEndpointRestriction:VpcEndpointRestriction function function");
  });
});

/** The neon entry of a Pulumi.yaml `packages` block, normalised; undefined when it is not the bridged provider. */
export function neonPackageEntry(project: { packages?: Record<string, unknown> }): { bridge: string; provider: string; version: string } | undefined {
  const entry = project.packages?.neon as { source?: string; parameters?: unknown[] } | undefined;
  if (!entry || typeof entry !== "object" || !entry.source || !Array.isArray(entry.parameters)) return undefined;
  const bridgeName = entry.source.split("/").pop()!.split("@")[0];
  const [provider, version] = entry.parameters.map(String);
  return { bridge: bridgeName, provider: provider.split("/").slice(-2).join("/"), version: version.replace(/^v/, "") };
}

describe("sdks/neon on the wire (mock runtime)", () => {
  const runtimeSettings = () => require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

  async function deployment(program: (neon: typeof import("@pulumi/neon")) => void) {
    const packages: { name: string; version: string; url: string; pkg: string; pkgVersion: string; value: string }[] = [];
    const registered: { type: string; packageRef: string; version: string; secrets: string[]; inputs: Record<string, unknown> }[] = [];
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
      registered.push({ type: req.getType(), packageRef: req.getPackageref(), version: req.getVersion(), secrets: req.getAdditionalsecretoutputsList(), inputs: req.getObject().toJavaScript() });
      reg(req, cb);
    };
    program(await import("@pulumi/neon"));
    await new Promise((r) => setTimeout(r, 100));
    await runtimeSettings().waitForRPCs();
    return { packages, registered };
  }

  it("registers the package once per deployment and passes its reference and secret outputs with every resource", async () => {
    const run = () =>
      deployment((neon) => {
        const provider = new neon.Provider("p", { apiKey: pulumi.secret("k") });
        const project = new neon.Project("pr", { regionId: "aws-eu-central-1", pgVersion: 17, historyRetentionSeconds: 3600 }, { provider });
        const branch = new neon.Branch("b", { projectId: project.id }, { provider });
        new neon.Endpoint("e", { projectId: project.id, branchId: branch.id }, { provider });
        const role = new neon.Role("r", { projectId: project.id, branchId: branch.id, name: "app" }, { provider });
        new neon.Database("d", { projectId: project.id, branchId: branch.id, ownerName: role.name }, { provider });
        new neon.ApiKey("k", {}, { provider });
      });
    const first = await run();
    const wire = { name: "terraform-provider", version: "1.3.0", url: "", pkg: "neon", pkgVersion: NEON_VERSION, value: `{"remote":{"url":"registry.opentofu.org/kislerdm/neon","version":"${NEON_VERSION}"}}` };
    expect(first.packages).toEqual([wire]);
    expect(first.registered.map((r) => r.type).sort()).toEqual(["neon:index/apiKey:ApiKey", "neon:index/branch:Branch", "neon:index/database:Database", "neon:index/endpoint:Endpoint", "neon:index/project:Project", "neon:index/role:Role", "pulumi:providers:neon"]);
    for (const r of first.registered) {
      expect(r.packageRef).toBe("mock-uuid");
      // With a package reference the SDK sends no version: the package registration carries it.
      expect(r.version).toBe("");
    }
    const byType = Object.fromEntries(first.registered.map((r) => [r.type.split(":").pop(), r]));
    expect(byType.Project.secrets.sort()).toEqual(["connectionUri", "connectionUriPooler", "databasePassword"]);
    expect(byType.Role.secrets).toEqual(["password"]);
    expect(byType.ApiKey.secrets).toEqual(["key"]);
    expect(byType.Branch.secrets).toEqual([]);
    expect(Object.keys(byType.Project.inputs).sort()).toEqual(["historyRetentionSeconds", "pgVersion", "regionId"]);
    // A second deployment in the same process (the Automation API) registers with its own engine.
    const second = await run();
    expect(second.packages).toEqual([wire]);
  });

  it("never reads NEON_API_KEY itself: a key reaches the provider's inputs only when the program passes it", async () => {
    const saved = process.env.NEON_API_KEY;
    process.env.NEON_API_KEY = "napi_from_the_environment";
    try {
      const { registered } = await deployment((neon) => {
        new neon.Provider("p");
        expect(neon.config.apiKey).toBeUndefined();
      });
      expect(JSON.stringify(registered)).not.toContain("napi_from_the_environment");
    } finally {
      if (saved === undefined) delete process.env.NEON_API_KEY;
      else process.env.NEON_API_KEY = saved;
    }
  });

  it("rehydrates a Neon resource reference into its class", async () => {
    const rpc = require("@pulumi/pulumi/runtime/rpc");
    let urns: { project: string; provider: string } | undefined;
    await deployment((neon) => {
      const provider = new neon.Provider("p");
      const project = new neon.Project("x", {}, { provider });
      urns = { project: "urn:pulumi:s::p::neon:index/project:Project::x", provider: "urn:pulumi:s::p::pulumi:providers:neon::p" };
      void project;
    });
    const neon = await import("@pulumi/neon");
    // The runtime finds a resource's module by the middle of its type token.
    for (const r of model.resources) expect(rpc.getResourceModule("neon", r.module, NEON_VERSION), r.token).toBeDefined();
    const project = rpc.deserializeProperty({ [rpc.specialSigKey]: rpc.specialResourceSig, urn: urns!.project, packageVersion: NEON_VERSION });
    const provider = rpc.deserializeProperty({ [rpc.specialSigKey]: rpc.specialResourceSig, urn: urns!.provider, packageVersion: NEON_VERSION });
    await runtimeSettings().waitForRPCs();
    expect(neon.Project.isInstance(project)).toBe(true);
    expect(neon.Provider.isInstance(provider)).toBe(true);
    expect(typeof provider.terraformConfig).toBe("function");
  });

  it("refuses to run under a CLI without parameterized packages, naming the version it needs", async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, "p", "s");
    const state = require("@pulumi/pulumi/runtime/state");
    state.getStore().supportsParameterization = false;
    const neon = await import("@pulumi/neon");
    expect(() => new neon.Provider("old-cli")).toThrow(/^@pulumi\/neon needs a Pulumi CLI that supports parameterized packages: Pulumi v3\.238\.0 or later/);
  });
});
