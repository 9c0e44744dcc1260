/** `npm run neon-sdk`'s command line: which provider's facts it generates from, and what it says when there are none. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridge, expectedSurface } from "../src/tools/neon/bridge";
import { factsFile, NEON_PROVIDER, NEON_VERSION, neonFacts, packageFacts, requestedSdk } from "../src/tools/neon/generate";
import { renderSdk, writeSdk } from "../src/tools/neon/render";
import { readSurface } from "../src/tools/neon/surface";
import { ROOT } from "./program";
import { runInProcess } from "./commands";

/** The command in this process (test/commands.ts); test/cli.test.ts runs it as a process through package.json's line. */
const neonSdk = (...args: string[]) => runInProcess(path.join(ROOT, "src/tools/neon/generate.ts"), args, { cwd: ROOT });

describe("npm run neon-sdk", () => {
  it("prints its usage for --help and exits 0, writing nothing", async () => {
    const r = await neonSdk("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("usage: npm run neon-sdk [-- --provider <owner>/<name> --version <version>]");
    expect(r.stdout).toContain(`${NEON_PROVIDER} ${NEON_VERSION}`);
  });

  it("exits 2 naming the missing facts file and how to produce it when a provider has none", async () => {
    const r = await neonSdk("--provider", "neondatabase/neon", "--version", "0.1.0");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no schema facts for neondatabase/neon 0.1.0: src/tools/neon/facts/neondatabase-neon/tfschema-0.1.0.json does not exist.");
    expect(r.stderr).toContain("git clone https://github.com/neondatabase/terraform-provider-neon /tmp/provider && git -C /tmp/provider checkout v0.1.0");
    expect(r.stderr).toContain(
      "npx tsx src/tools/neon/goSchema.ts /tmp/provider 0.1.0 neondatabase/neon > src/tools/neon/facts/neondatabase-neon/tfschema-0.1.0.json",
    );
  });

  it("refuses a malformed provider, a missing or malformed version, each with the usage", () => {
    for (const [args, message] of [
      [["--provider", "neon"], '--provider "neon" is not <owner>/<name>'],
      [["--provider", "neondatabase/neon"], "--provider neondatabase/neon needs --version"],
      [["--version", "latest"], '--version "latest" is not a release such as 0.18.0'],
    ] as const) {
      expect(() => requestedSdk([...args]), args.join(" ")).toThrow(message);
    }
    expect(requestedSdk([])).toEqual({ provider: NEON_PROVIDER, version: NEON_VERSION });
    expect(requestedSdk(["--version", "v0.18.0"])).toEqual({ provider: NEON_PROVIDER, version: "0.18.0" });
  });

  describe("with another provider's facts in place", () => {
    // A provider's facts laid out where goSchema's output is to go: the stack's own facts under another provider name.
    const version = "9.9.9";
    const file = factsFile(version, "neondatabase/neon");
    beforeAll(() => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ ...neonFacts(), provider: "neondatabase/neon", version }));
    });
    afterAll(() => rmSync(path.dirname(file), { recursive: true, force: true }));

    it("generates from that provider's facts, parameterized for that provider", () => {
      expect(requestedSdk(["--provider", "neondatabase/neon", "--version", version])).toEqual({ provider: "neondatabase/neon", version });
      const model = bridge(neonFacts(version, "neondatabase/neon"));
      mkdirSync(path.join(ROOT, "node_modules/.cache"), { recursive: true });
      const out = mkdtempSync(path.join(ROOT, "node_modules/.cache/neon-sdk-official-"));
      try {
        const files = renderSdk(model, packageFacts(version, "neondatabase/neon"), "ours");
        const pkg = JSON.parse(files["package.json"]);
        expect(pkg.version).toBe(version);
        expect(pkg.repository).toBe("https://github.com/neondatabase/terraform-provider-neon");
        expect(Buffer.from(pkg.pulumi.parameterization.value, "base64").toString("utf8")).toBe(
          `{"remote":{"url":"registry.opentofu.org/neondatabase/neon","version":"${version}"}}`,
        );
        writeSdk(out, files, "ours");
        expect(readSurface(out)).toEqual(expectedSurface(model));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
});

describe("the program's one door to the Neon SDK (.dependency-cruiser.cjs)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the config is CommonJS, as dependency-cruiser reads it
  const config = require(path.join(ROOT, ".dependency-cruiser.cjs"));
  const rule = config.forbidden.find((r: { name: string }) => r.name === "neon-sdk-only-through-components-neon");
  const matches = (re: string, p: string) => new RegExp(re).test(p);

  it("forbids every program file but components/neon.ts to import @pulumi/neon, types included", () => {
    expect(config.options.tsPreCompilationDeps).toBe(true);
    for (const from of [
      "components/tenantDatabase.ts",
      "index.ts",
      "src/plan/projects/args.ts",
      "src/operations/adopt/providerState.ts",
      "src/tools/bench/child.ts",
    ])
      expect(matches(rule.from.pathNot, from), from).toBe(false);
    for (const from of ["components/neon.ts", "test/neonSdk.test.ts", "src/tools/neon/render.ts", "src/tools/bench/sdkFloor.ts"])
      expect(matches(rule.from.pathNot, from), from).toBe(true);
    expect(matches(rule.to.path, "node_modules/@pulumi/neon/bin/index.js")).toBe(true);
    expect(matches(rule.to.path, "node_modules/@pulumi/aws/index.js")).toBe(false);
  });

  it("keeps @pulumi/neon in the graph it checks (other packages are left out)", () => {
    expect(matches(config.options.exclude.path, "node_modules/@pulumi/neon/bin/index.js")).toBe(false);
    expect(matches(config.options.exclude.path, "node_modules/@pulumi/aws/index.js")).toBe(true);
  });

  it("is the only program file that imports it", () => {
    const importers = ["index.ts", ...["components", "src/plan", "src/operations", "src/review", "src/catalog", "src/engine"].flatMap((d) => walk(d))].filter(
      (f) => /from "@pulumi\/neon"|require\("@pulumi\/neon"\)/.test(readFileSync(path.join(ROOT, f), "utf8")),
    );
    expect(importers).toEqual(["components/neon.ts"]);
  });
});

function walk(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}
