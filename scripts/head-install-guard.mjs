#!/usr/bin/env node
/**
 * Run by the tenant diff (.github/workflows/tenant-diff.yml) from the BASE checkout, in the
 * pull request's checkout, before its `npm ci`: refuses a package.json or package-lock.json
 * that would make npm act outside that checkout. npm accepts workspaces outside the project
 * root, and `npm ci` empties every workspace's node_modules (`"workspaces": ["../base"]`
 * emptied the checker's); a `file:` or `link:` dependency (or a bare path, which npm reads as
 * `file:`) outside it links or copies from there. npm's docs: workspaces
 * (https://docs.npmjs.com/cli/v10/using-npm/workspaces), dependency specs
 * (https://docs.npmjs.com/cli/v10/configuring-npm/package-json#local-paths), package-lock
 * "packages" keys (https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json#packages).
 *
 * Usage: node <base>/scripts/head-install-guard.mjs [DIR]   (DIR defaults to the working directory)
 * Exit 0: nothing leads outside; exit 1: each problem on stderr as file:line:col, with the fix.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "bundleDependencies"];

/** `spec` as a local path npm would read (file:, link:, or a bare path), else undefined. */
function localPath(spec) {
  if (typeof spec !== "string") return undefined;
  const m = /^(?:file:|link:)(.*)$/.exec(spec);
  if (m) return m[1].replace(/^\/\/(?=\/)/, "");
  return /^(\.{1,2}\/|\.{1,2}$|\/|~\/)/.test(spec) ? spec : undefined;
}

/** True when `target`, taken relative to `root`, resolves outside it (or names a home directory). */
function outside(root, target) {
  if (target.startsWith("~")) return true;
  const rel = path.relative(root, path.resolve(root, target));
  return rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

/** 1-based line and column of the first `"text"` in the file's text (the JSON string as written), else 1:1. */
function positionOf(text, value) {
  const at = text.indexOf(JSON.stringify(value));
  if (at < 0) return "1:1";
  const before = text.slice(0, at).split("\n");
  return `${before.length}:${before.at(-1).length + 1}`;
}

/** The file as the message names it: relative to the working directory, where the step runs. */
const shown = (file) => path.relative(process.cwd(), file) || file;

function readJson(file, problems) {
  const text = readFileSync(file, "utf8");
  try {
    return { text, doc: JSON.parse(text) };
  } catch (e) {
    problems.push(`${shown(file)}:1:1: not valid JSON (${e.message}); npm ci would fail on it too`);
    return undefined;
  }
}

/** Every way the project at `root` would make npm read or write outside `root`, as messages naming file:line:col. */
export function installProblems(root) {
  const problems = [];
  const abs = path.resolve(root);
  const pkgFile = path.join(abs, "package.json");
  const lockFile = path.join(abs, "package-lock.json");
  const say = (file, text, value, what) =>
    problems.push(
      `${shown(file)}:${positionOf(text, value)}: ${what} ${JSON.stringify(value)} leads outside the pull request's checkout, where npm ci would delete or link the runner's files; keep every workspace and local dependency inside the repository`,
    );
  if (existsSync(pkgFile)) {
    const pkg = readJson(pkgFile, problems);
    if (pkg && pkg.doc && typeof pkg.doc === "object") {
      const ws = Array.isArray(pkg.doc.workspaces) ? pkg.doc.workspaces : Array.isArray(pkg.doc.workspaces?.packages) ? pkg.doc.workspaces.packages : [];
      for (const w of ws) if (typeof w === "string" && (path.isAbsolute(w) || outside(abs, w))) say(pkgFile, pkg.text, w, "the workspace");
      for (const field of DEPENDENCY_FIELDS) {
        const deps = pkg.doc[field];
        if (!deps || typeof deps !== "object" || Array.isArray(deps)) continue;
        for (const spec of Object.values(deps)) {
          const p = localPath(spec);
          if (p !== undefined && outside(abs, p)) say(pkgFile, pkg.text, spec, `the dependency spec (${field})`);
        }
      }
    }
  }
  if (existsSync(lockFile)) {
    const lock = readJson(lockFile, problems);
    const packages = lock?.doc?.packages;
    if (packages && typeof packages === "object") {
      for (const [key, entry] of Object.entries(packages)) {
        if (key && outside(abs, key)) say(lockFile, lock.text, key, "the package path");
        const resolved = entry && typeof entry === "object" ? entry.resolved : undefined;
        const p = entry?.link ? resolved : localPath(resolved);
        if (typeof p === "string" && outside(abs, p)) say(lockFile, lock.text, resolved, "the resolved path");
      }
    }
    // Lockfile version 1: dependencies whose version is a local spec.
    const walk = (deps) => {
      if (!deps || typeof deps !== "object") return;
      for (const entry of Object.values(deps)) {
        const p = localPath(entry?.version);
        if (p !== undefined && outside(abs, p)) say(lockFile, lock.text, entry.version, "the dependency version");
        walk(entry?.dependencies);
      }
    };
    if (lock) walk(lock.doc?.dependencies);
  }
  return problems;
}

const USAGE = "usage: node scripts/head-install-guard.mjs [DIR]   (DIR: the pull request's checkout, default .)";

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  if (args[0] === "--help" || args[0] === "-h") {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (args.length > 1 || args[0]?.startsWith("-")) {
    process.stderr.write(`head-install-guard: ${JSON.stringify(args.join(" ").slice(0, 80))} is not a directory argument\n${USAGE}\n`);
    process.exit(2);
  }
  const problems = installProblems(args[0] ?? ".");
  for (const p of problems) process.stderr.write(`::error::${p}\n`);
  process.exit(problems.length ? 1 : 0);
}
