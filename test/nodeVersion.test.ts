/**
 * One Node.js across the project: package.json's "engines" (exactly the floor the locked
 * packages need), NODE_MAJOR (what every workflow's actions/setup-node installs), @types/node,
 * the release .ci/node pins for CI, the README's requirement, and scripts/launch.mjs, which
 * refuses an older Node in one line.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { minVersion, satisfies, subset } from "semver";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NODE_MAJOR } from "../src/plan/workflows/actions";
import { nodeVersionProblem, requiredNode } from "../scripts/launch.mjs";
import { ROOT } from "./program";

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
const ENGINES: string = pkg.engines.node;
const FLOOR = minVersion(ENGINES)!;

/** Every locked package (not the project itself) that declares the Node releases it runs on. */
const lockedEngines = Object.entries(lock.packages as Record<string, { version?: string; engines?: { node?: unknown } }>)
  .filter(([where, p]) => where !== "" && typeof p.engines?.node === "string")
  .map(([where, p]) => ({ name: `${where.replace(/^.*node_modules\//, "")}@${p.version}`, range: p.engines!.node as string }));

describe("package.json engines", () => {
  it("accepts only Node releases that every locked package accepts", () => {
    expect(lockedEngines.length).toBeGreaterThan(100);
    const refusing = lockedEngines.filter((p) => !subset(ENGINES, p.range)).map((p) => `${p.name} wants ${p.range}`);
    expect(refusing).toEqual([]);
    expect(lockedEngines.find((p) => p.name.startsWith("@pulumi/pulumi@"))).toBeDefined();
  });

  it("is no stricter than they need: some locked package refuses the last release below its floor", () => {
    const below = `${FLOOR.major}.${FLOOR.minor - 1}.99`;
    expect(satisfies(below, ENGINES)).toBe(false);
    expect(lockedEngines.filter((p) => !satisfies(below, p.range)).length).toBeGreaterThan(0);
  });

  it("starts at the major the workflows set up, which is also the major of @types/node", () => {
    expect(FLOOR.major).toBe(NODE_MAJOR);
    expect(minVersion(pkg.devDependencies["@types/node"])!.major).toBe(NODE_MAJOR);
    expect(Number(lock.packages["node_modules/@types/node"].version.split(".")[0])).toBe(NODE_MAJOR);
    expect(requiredNode()).toBe(ENGINES);
  });
});

describe("the workflows of this stack's repository", () => {
  const dir = path.join(ROOT, ".github/workflows");
  const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));
  type Step = { uses?: string; with?: Record<string, unknown> };
  const setupNodeSteps = (file: string): Step[] =>
    Object.values((parse(readFileSync(path.join(dir, file), "utf8")).jobs ?? {}) as Record<string, { steps?: Step[] }>).flatMap((job) =>
      (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/setup-node@")),
    );

  it.each([
    "deploy.yml",
    "preview.yml",
    "tenant-diff.yml",
    "tenant-restore.yml",
    "tenant-export.yml",
    "tenant-erase.yml",
    "tenant-move.yml",
    "tenant-move-finish.yml",
  ])("%s sets up Node NODE_MAJOR in every job that installs Node", (file) => {
    const steps = setupNodeSteps(file);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(step.with?.["node-version"]).toBe(NODE_MAJOR);
  });

  it("no workflow sets up another Node", () => {
    const others = files.flatMap((f) =>
      setupNodeSteps(f)
        .filter((s) => s.with?.["node-version"] !== NODE_MAJOR)
        .map(() => f),
    );
    expect(others).toEqual([]);
  });
});

describe(".ci/node", () => {
  const script = readFileSync(path.join(ROOT, ".ci/node"), "utf8");
  const pinned = /^version=(\S+)$/m.exec(script)?.[1] ?? "";

  it("pins an exact release of the declared major that engines accept", () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(pinned.split(".")[0])).toBe(NODE_MAJOR);
    expect(satisfies(pinned, ENGINES)).toBe(true);
  });

  it("pins the registry's sha512 integrity of the package for both CPUs it installs on", () => {
    for (const cpu of ["x64", "arm64"]) expect(script).toMatch(new RegExp(`^\\s+\\[${cpu}\\]="sha512-[A-Za-z0-9+/]{86}=="$`, "m"));
  });
});

describe("the README", () => {
  it("asks for the release engines starts at", () => {
    expect(readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain(`Node.js ${FLOOR.major}.${FLOOR.minor} or newer`);
  });
});

describe("scripts/launch.mjs on an older Node", () => {
  it("says in one line which releases it needs, the one it found and how to get one", () => {
    const line = nodeVersionProblem("20.20.2", ENGINES, "/usr/bin/node")!;
    expect(line).toBe(
      `tenant-fleet needs Node.js ${ENGINES} (package.json "engines"), and /usr/bin/node is v20.20.2: ` +
        `install Node.js ${NODE_MAJOR} (for example \`nvm install ${NODE_MAJOR}\`), or on Linux put the one CI uses first on PATH: PATH="$(bash .ci/node):$PATH"`,
    );
    expect(line).not.toContain("\n");
  });

  it.each([
    ["20.20.2", false],
    [`${FLOOR.major}.${FLOOR.minor - 1}.0`, false],
    [FLOOR.version, true],
    ["23.11.1", false],
    ["24.0.0", true],
    [process.versions.node, true],
  ])("Node %s runs: %s", (version, runs) => {
    expect(nodeVersionProblem(version, ENGINES) === undefined).toBe(runs);
  });

  const scratch = mkdtempSync(path.join(tmpdir(), "launch-engines-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("refuses to start the command (exit 1, no stack trace) when engines exclude the running Node", () => {
    cpSync(path.join(ROOT, "scripts/launch.mjs"), path.join(scratch, "scripts/launch.mjs"));
    cpSync(path.join(ROOT, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
    cpSync(path.join(ROOT, "test/fixtures/print-node-args.ts"), path.join(scratch, "print-node-args.ts"));
    symlinkSync(path.join(ROOT, "node_modules"), path.join(scratch, "node_modules"));
    const run = (engines: string) => {
      writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "x", engines: { node: engines } }));
      return spawnSync(process.execPath, [path.join(scratch, "scripts/launch.mjs"), "print-node-args.ts"], { cwd: scratch, encoding: "utf8" });
    };
    const refused = run(">=99");
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(`${nodeVersionProblem(process.versions.node, ">=99")}\n`);
    const ran = run(`>=${process.versions.node}`);
    expect(ran.stderr).toBe("");
    expect(ran.status).toBe(0);
    expect(JSON.parse(ran.stdout).stackTraceLimit).toBe(0);
  });
});
