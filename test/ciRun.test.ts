/**
 * .ci/run, the CI entry point, run for real under bash in a scratch copy with `npm` (and
 * `apt-get`) replaced by recorders: the lint gate runs after `npm ci` and before the tests; a
 * failed gate fails the run while the tests still run and the closing "N passed, N failed" line
 * is still the last line; shellcheck is installed from Debian's packages when missing. The
 * machine's `node` is a wrapper that reports the version a test gives (and runs this node), so
 * the choice of Node is tested on any machine: a new enough one is used as it is; an older one
 * gets .ci/node's pinned release, from its cache or from `npm pack`, whose tarball must match
 * the pinned integrity, first on PATH for `npm ci` and everything after.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./program";

const scratch = mkdtempSync(path.join(tmpdir(), "ci-run-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A runner report as vitest's JSON reporter writes it (the fields .ci/run reads). */
const report = (passed: number) => JSON.stringify({ numPassedTests: passed, numFailedTests: 0, numTotalTests: passed, numPendingTests: 0, numTodoTests: 0 });

/**
 * A fake npm: logs each call (`npm ci` with the node it runs under); `run lint` exits
 * $LINT_EXIT; the two test runners write passing reports; `pack` writes a tarball that is not
 * the registry's (or fails with $PACK_FAILS).
 */
const FAKE_NPM = `#!/usr/bin/env bash
echo "npm $*" >> "$CALLS"
case "$*" in
  "--version") echo 11.0.0 ;;
  "ci --no-audit --no-fund") echo "node for npm ci: $(node --version)" >> "$CALLS" ;;
  "pack "*) [ -z "\${PACK_FAILS:-}" ] || exit 1
    mkdir -p package/bin && printf '#!/bin/sh\\necho v0\\n' > package/bin/node && spec="\${*: -1}" && tar -czf "\${spec%@*}-\${spec#*@}.tgz" package && rm -rf package ;;
  "run lint") exit "\${LINT_EXIT:-0}" ;;
  "test") mkdir -p reports && echo '${report(2)}' > reports/vitest.json ;;
  "run test:runtime") mkdir -p reports && echo '${report(1)}' > reports/vitest-runtime.json ;;
esac
exit 0
`;

/** A node that reports `version` and otherwise runs the node running this test. */
const fakeNode = (version: string) => `#!/usr/bin/env bash\nif [ "$1" = --version ]; then echo v${version}; exit 0; fi\nexec "${process.execPath}" "$@"\n`;

/** The release .ci/node pins, and the name of its cache directory on this CPU. */
export const PINNED_NODE = /^version=(\S+)$/m.exec(readFileSync(path.join(ROOT, ".ci/node"), "utf8"))![1];
const CACHED = path.join("tenant-fleet", `node-v${PINNED_NODE}-linux-${process.arch}`, "bin", "node");

type Machine = {
  /** Commands left off the PATH (the others come from the machine's PATH). */
  hide?: readonly string[];
  /** The version the machine's node reports. */
  node?: string;
  /** Whether the cache (XDG_CACHE_HOME, the scratch's cache/) already holds the pinned Node. */
  cached?: boolean;
  /** What `uname -m` says, when not this machine's. */
  cpu?: string;
  /** The cache directory made writable by everyone (a shared XDG_CACHE_HOME). */
  openCache?: boolean;
};

/** Runs a copy of .ci/run (with .ci/node and package.json) on a machine as described. */
function ciRun(name: string, env: Record<string, string>, { hide = [], node = "24.1.0", cached = false, cpu, openCache = false }: Machine = {}) {
  const dir = path.join(scratch, name);
  const bin = path.join(dir, "fakebin");
  mkdirSync(path.join(dir, ".ci"), { recursive: true });
  mkdirSync(bin);
  for (const f of [".ci/run", ".ci/node", "package.json"]) copyFileSync(path.join(ROOT, f), path.join(dir, f));
  writeFileSync(path.join(bin, "npm"), FAKE_NPM);
  writeFileSync(path.join(bin, "apt-get"), `#!/usr/bin/env bash\necho "apt-get $*" >> "$CALLS"\n`);
  writeFileSync(path.join(bin, "node"), fakeNode(node));
  if (cpu) writeFileSync(path.join(bin, "uname"), `#!/usr/bin/env bash\nif [ "$1" = -m ]; then echo ${cpu}; else echo Linux; fi\n`);
  for (const f of ["npm", "apt-get", "node", ...(cpu ? ["uname"] : [])]) chmodSync(path.join(bin, f), 0o755);
  if (cached) {
    mkdirSync(path.dirname(path.join(dir, "cache", CACHED)), { recursive: true });
    writeFileSync(path.join(dir, "cache", CACHED), fakeNode(PINNED_NODE), { mode: 0o755 });
    if (openCache) chmodSync(path.join(dir, "cache", "tenant-fleet"), 0o777);
  }
  let PATH = `${bin}:${process.env.PATH}`;
  if (hide.length) {
    // Only the commands the script needs, each linked from where the machine has it, minus the hidden ones.
    const only = path.join(dir, "onlybin");
    mkdirSync(only);
    for (const cmd of [
      "bash",
      "jq",
      "openssl",
      "dirname",
      "id",
      "rm",
      "mkdir",
      "chmod",
      "mv",
      "mktemp",
      "sort",
      "head",
      "tar",
      "gzip",
      "uname",
      "stat",
      "shellcheck",
      "sudo",
    ]) {
      const where = spawnSync("bash", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim();
      if (where && !hide.includes(cmd)) symlinkSync(where, path.join(only, cmd));
    }
    PATH = `${bin}:${only}`;
  }
  const calls = path.join(dir, "calls.log");
  writeFileSync(calls, "");
  const r = spawnSync(path.join(dir, ".ci/run"), [], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH, HOME: dir, XDG_CACHE_HOME: path.join(dir, "cache"), CALLS: calls, ...env },
  });
  return { dir, status: r.status, stdout: r.stdout, stderr: r.stderr, calls: readFileSync(calls, "utf8").trim().split("\n") };
}

/** The npm commands a run made, less the version it printed. */
const npmCalls = (calls: string[]) => calls.filter((c) => c.startsWith("npm") && c !== "npm --version");

describe(".ci/run", () => {
  it("runs the lint gate after npm ci and before both test runners, and passes when all pass", () => {
    const r = ciRun("green", { LINT_EXIT: "0" });
    expect(npmCalls(r.calls)).toEqual(["npm ci --no-audit --no-fund", "npm run lint", "npm test", "npm run test:runtime"]);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("3 passed, 0 failed");
    expect(r.status).toBe(0);
  });

  it("fails the run when the gate fails, yet runs the tests and still ends with the closing line", () => {
    const r = ciRun("lint-fails", { LINT_EXIT: "1" });
    expect(npmCalls(r.calls)).toEqual(["npm ci --no-audit --no-fund", "npm run lint", "npm test", "npm run test:runtime"]);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("3 passed, 0 failed");
    expect(r.stderr).toContain("npm run lint failed (exit 1)");
    expect(r.status).toBe(1);
  });

  it("keeps a machine's node that engines accept, and says which node runs", () => {
    const r = ciRun("new-node", {}, { node: "24.1.0" });
    expect(r.calls).not.toContainEqual(expect.stringMatching(/^npm pack/));
    expect(r.calls).toContain("node for npm ci: v24.1.0");
    expect(r.stdout).toContain(`node v24.1.0 at ${path.join(r.dir, "fakebin", "node")}, npm 11.0.0`);
    expect(r.status).toBe(0);
  });

  it("puts the pinned Node first on PATH for npm ci and every step after when the machine's is older", () => {
    const r = ciRun("old-node-cached", {}, { node: "20.20.2", cached: true });
    expect(r.calls).not.toContainEqual(expect.stringMatching(/^npm pack/));
    expect(r.calls).toContain(`node for npm ci: v${PINNED_NODE}`);
    expect(r.stdout).toContain(`node v${PINNED_NODE} at ${path.join(r.dir, "cache", CACHED)}`);
    expect(r.stderr).toContain(`this machine's node is 20.20.2, older than 22.13.0 (package.json engines): using Node ${PINNED_NODE}`);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("3 passed, 0 failed");
    expect(r.status).toBe(0);
  });

  it("refuses a cached Node that others could have replaced (a cache directory writable by group or others)", () => {
    const r = ciRun("old-node-open-cache", {}, { node: "20.20.2", cached: true, openCache: true });
    expect(r.stderr).toMatch(/cache\/tenant-fleet is owned by uid \d+ with mode 777: others could have replaced the cached Node/);
    expect(r.calls).not.toContain(`node for npm ci: v${PINNED_NODE}`);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("0 passed, 0 failed");
    expect(r.status).toBe(1);
  });

  it("refuses a downloaded Node whose tarball differs from the pinned integrity, runs nothing and caches nothing", () => {
    const r = ciRun("old-node-swapped", {}, { node: "20.20.2" });
    expect(npmCalls(r.calls)).toEqual([`npm pack --silent node-linux-${process.arch}@${PINNED_NODE}`]);
    expect(r.stderr).toMatch(new RegExp(`node-linux-${process.arch}@${PINNED_NODE.replace(/\./g, "\\.")} has integrity sha512-\\S+, not the pinned sha512-`));
    expect(existsSync(path.join(r.dir, "cache", CACHED))).toBe(false);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("0 passed, 0 failed");
    expect(r.status).toBe(1);
  });

  it("says what failed when the registry cannot be reached", () => {
    const r = ciRun("old-node-offline", { PACK_FAILS: "1" }, { node: "20.20.2" });
    expect(r.stderr).toContain(`.ci/node: npm pack node-linux-${process.arch}@${PINNED_NODE} failed (see above): the npm registry must be reachable`);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("0 passed, 0 failed");
    expect(r.status).toBe(1);
  });

  it("names the CPU it has no Node package for", () => {
    const r = ciRun("old-node-riscv", {}, { node: "20.20.2", cpu: "riscv64" });
    expect(r.stderr).toContain(`.ci/node: no Node ${PINNED_NODE} package for this CPU (riscv64): install Node.js ${PINNED_NODE} and run again`);
    expect(r.status).toBe(1);
  });

  it("installs shellcheck from Debian's packages when the machine lacks it", () => {
    const r = ciRun("no-shellcheck", { LINT_EXIT: "0" }, { hide: ["shellcheck", "sudo"] });
    const installs = r.calls.filter((c) => c.startsWith("apt-get") && c.includes(" install "));
    expect(installs.flatMap((c) => c.split(" "))).toContain("shellcheck");
  });
});
