/**
 * scripts/head-install-guard.mjs, the base's check before the pull request's `npm ci` in the
 * tenant diff: npm accepts workspaces and local dependencies outside the project root, and
 * `npm ci` empties every workspace's node_modules (a head whose package.json said
 * `"workspaces": ["../base"]` emptied the checker's). Run as CI runs it, by path, in the head.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const GUARD = path.resolve(__dirname, "..", "scripts", "head-install-guard.mjs");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A workspace with base/ and head/ side by side, head/ holding these files; the guard's exit and stderr. */
function guard(files: Record<string, unknown>): { status: number | null; stderr: string } {
  const at = mkdtempSync(path.join(tmpdir(), "tf-guard-"));
  dirs.push(at);
  const head = path.join(at, "head");
  mkdirSync(path.join(at, "base"), { recursive: true });
  mkdirSync(path.join(head, "packages", "routes"), { recursive: true });
  for (const [name, doc] of Object.entries(files)) writeFileSync(path.join(head, name), typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  const r = spawnSync(process.execPath, [GUARD], { cwd: head, encoding: "utf8" });
  return { status: r.status, stderr: r.stderr };
}

const lock = (packages: Record<string, unknown>) => ({ name: "app", lockfileVersion: 3, requires: true, packages: { "": { name: "app" }, ...packages } });

describe("the head's install guard", () => {
  it("passes workspaces, local dependencies and a lockfile that stay inside the head", () => {
    const r = guard({
      "package.json": { name: "app", workspaces: ["packages/*", "./packages/routes"], dependencies: { routes: "file:packages/routes", tsx: "4.19.2" } },
      "package-lock.json": lock({
        "node_modules/routes": { resolved: "packages/routes", link: true },
        "packages/routes": { version: "1.0.0" },
        "node_modules/tsx": { version: "4.19.2", resolved: "https://registry.npmjs.org/tsx/-/tsx-4.19.2.tgz" },
      }),
    });
    expect(r).toEqual({ status: 0, stderr: "" });
  });

  it.each([
    [
      "a workspace outside (the review's repro)",
      { "package.json": { name: "app", workspaces: ["../base"] } },
      'package.json:4:5: the workspace "../base" leads outside',
    ],
    [
      "a workspace glob that climbs out",
      { "package.json": { name: "app", workspaces: { packages: ["packages/../../*"] } } },
      'package.json:5:7: the workspace "packages/../../*" leads outside',
    ],
    [
      "an absolute workspace",
      { "package.json": { name: "app", workspaces: ["/home/runner/work"] } },
      'package.json:4:5: the workspace "/home/runner/work" leads outside',
    ],
    [
      "a file: dependency outside",
      { "package.json": { name: "app", devDependencies: { base: "file:../base" } } },
      'package.json:4:13: the dependency spec (devDependencies) "file:../base" leads outside',
    ],
    [
      "a link: dependency outside",
      { "package.json": { name: "app", dependencies: { base: "link:../base" } } },
      'package.json:4:13: the dependency spec (dependencies) "link:../base" leads outside',
    ],
    [
      "a bare path dependency outside",
      { "package.json": { name: "app", dependencies: { base: "../base" } } },
      'package.json:4:13: the dependency spec (dependencies) "../base" leads outside',
    ],
    [
      "a lockfile package outside",
      { "package.json": { name: "app" }, "package-lock.json": lock({ "../base": { version: "1.0.0" } }) },
      'package-lock.json:9:5: the package path "../base" leads outside',
    ],
    [
      "a lockfile link resolved outside",
      { "package.json": { name: "app" }, "package-lock.json": lock({ "node_modules/base": { resolved: "../base", link: true } }) },
      'package-lock.json:10:19: the resolved path "../base" leads outside',
    ],
    [
      "a version-1 lockfile with a file: version outside",
      { "package.json": { name: "app" }, "package-lock.json": { name: "app", lockfileVersion: 1, dependencies: { base: { version: "file:../base" } } } },
      'package-lock.json:6:18: the dependency version "file:../base" leads outside',
    ],
  ])("refuses %s, naming file:line:col, the value and the fix", (_, files, message) => {
    const r = guard(files);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `::error::${message} the pull request's checkout, where npm ci would delete or link the runner's files; keep every workspace and local dependency inside the repository`,
    );
  });

  it("refuses a package.json that is not JSON, where it is", () => {
    const r = guard({ "package.json": "{ not json" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^::error::package\.json:1:1: not valid JSON \(.+\); npm ci would fail on it too$/m);
  });
});

describe("the guard's command line", () => {
  it("answers --help with its usage and exit 0, and refuses an option it does not know with exit 2", () => {
    const help = spawnSync(process.execPath, [GUARD, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: node scripts\/head-install-guard\.mjs \[DIR\]/);
    const bad = spawnSync(process.execPath, [GUARD, "--dir", "x"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("usage:");
  });
});
