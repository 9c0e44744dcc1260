/**
 * The drop-in claim, tested: a user regenerates sdks/neon with `pulumi package add
 * terraform-provider kislerdm/neon 0.15.0` and the project stays green. We cannot run the
 * CLI here, so src/tools/neon/render.ts writes an SDK the way the generator lays it out
 * (bin/ only, single quotes, `pulumi.Input<T | undefined>`, a postinstall script) from the
 * same provider facts; a copy of the project with that SDK in place type-checks, passes the
 * conformance check, and plans the same resources.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bridge, expectedSurface } from "../src/tools/neon/bridge";
import { readSurface } from "../src/tools/neon/surface";
import { renderSdk, writeSdk } from "../src/tools/neon/render";
import { neonFacts, packageFacts } from "../src/tools/neon/generate";
import { projectFiles, ROOT } from "./program";

const PROJECT_FILES = projectFiles(true);

/** A copy of the project whose @pulumi/neon is a generator-shaped SDK, sharing every other installed package. */
function projectWithGeneratedSdk(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-dropin-"));
  for (const f of PROJECT_FILES) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  mkdirSync(path.join(dir, "node_modules/@pulumi"), { recursive: true });
  for (const entry of readdirSync(path.join(ROOT, "node_modules"))) {
    if (entry !== "@pulumi") symlinkSync(path.join(ROOT, "node_modules", entry), path.join(dir, "node_modules", entry));
  }
  for (const entry of readdirSync(path.join(ROOT, "node_modules/@pulumi"))) {
    if (entry !== "neon") symlinkSync(path.join(ROOT, "node_modules/@pulumi", entry), path.join(dir, "node_modules/@pulumi", entry));
  }
  const sdk = path.join(dir, "sdks/neon");
  mkdirSync(sdk, { recursive: true });
  writeSdk(sdk, renderSdk(bridge(neonFacts()), packageFacts(), "generator"), "generator");
  symlinkSync(sdk, path.join(dir, "node_modules/@pulumi/neon"));
  return dir;
}

function plan(dir: string, stack: string): { resources: { type: string; name: string; inputs: unknown }[] } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(dir, "scripts/plan.ts"), "--stack", stack, "--json"], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe("a generator-shaped sdks/neon dropped into the project", () => {
  const dir = projectWithGeneratedSdk();
  const sdk = path.join(dir, "sdks/neon");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is laid out and spelled as the generator does, not as ours", () => {
    expect(readdirSync(sdk).sort()).toEqual(["README.md", "bin", "package.json", "scripts"]);
    expect(existsSync(path.join(sdk, "project.ts"))).toBe(false);
    expect(readFileSync(path.join(sdk, "bin/index.js"), "utf8")).toContain("registerResourceModule('neon', 'index/project', _module)");
    expect(readFileSync(path.join(sdk, "bin/project.d.ts"), "utf8")).toContain("regionId?: pulumi.Input<string | undefined>;");
    expect(JSON.parse(readFileSync(path.join(sdk, "package.json"), "utf8")).scripts.postinstall).toBe("node ./scripts/postinstall.js");
  });

  it("has the same type surface, so the conformance check holds for a regenerated SDK", () => {
    expect(readSurface(sdk)).toEqual(expectedSurface(bridge(neonFacts())));
  });

  it("type-checks the program against it", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", dir], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
    // A whole-project tsc: over a minute on a loaded 2-core machine.
  }, 240_000);

  it.each(["prod", "dev"])("plans the %s stack with the same resources and inputs", (stack) => {
    const theirs = plan(dir, stack).resources;
    const ours = plan(ROOT, stack).resources;
    expect(theirs.length).toBeGreaterThan(20);
    expect(theirs).toEqual(ours);
    // It really ran the copy's SDK.
    expect(execFileSync(process.execPath, ["-p", "require.resolve('@pulumi/neon')"], { cwd: dir, encoding: "utf8" }).trim()).toBe(
      path.join(sdk, "bin/index.js"),
    );
  });
});
