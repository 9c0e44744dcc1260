/**
 * .ci/run, the CI entry point, run for real under bash in a scratch copy with `npm` (and
 * `apt-get`) replaced by recorders: the lint gate runs after `npm ci` and before the tests; a
 * failed gate fails the run while the tests still run and the closing "N passed, N failed" line
 * is still the last line; shellcheck is installed from Debian's packages when missing.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./program";

const scratch = mkdtempSync(path.join(tmpdir(), "ci-run-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A runner report as vitest's JSON reporter writes it (the fields .ci/run reads). */
const report = (passed: number) => JSON.stringify({ numPassedTests: passed, numFailedTests: 0, numTotalTests: passed, numPendingTests: 0, numTodoTests: 0 });

/** A fake npm: logs each call; `run lint` exits $LINT_EXIT; the two test runners write passing reports. */
const FAKE_NPM = `#!/usr/bin/env bash
echo "npm $*" >> "$CALLS"
case "$*" in
  "run lint") exit "\${LINT_EXIT:-0}" ;;
  "test") mkdir -p reports && echo '${report(2)}' > reports/vitest.json ;;
  "run test:runtime") mkdir -p reports && echo '${report(1)}' > reports/vitest-runtime.json ;;
esac
exit 0
`;

/** Runs a copy of .ci/run; `hide` leaves these commands off the PATH (the others come from the machine's PATH). */
function ciRun(name: string, env: Record<string, string>, hide: readonly string[] = []) {
  const dir = path.join(scratch, name);
  const bin = path.join(dir, "fakebin");
  mkdirSync(path.join(dir, ".ci"), { recursive: true });
  mkdirSync(bin);
  copyFileSync(path.join(ROOT, ".ci/run"), path.join(dir, ".ci/run"));
  writeFileSync(path.join(bin, "npm"), FAKE_NPM);
  writeFileSync(path.join(bin, "apt-get"), `#!/usr/bin/env bash\necho "apt-get $*" >> "$CALLS"\n`);
  for (const f of ["npm", "apt-get"]) chmodSync(path.join(bin, f), 0o755);
  let PATH = `${bin}:${process.env.PATH}`;
  if (hide.length) {
    // Only the commands the script needs, each linked from where the machine has it, minus the hidden ones.
    const only = path.join(dir, "onlybin");
    mkdirSync(only);
    for (const cmd of ["bash", "node", "jq", "openssl", "dirname", "id", "rm", "mkdir", "shellcheck", "sudo"]) {
      const where = spawnSync("bash", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim();
      if (where && !hide.includes(cmd)) symlinkSync(where, path.join(only, cmd));
    }
    PATH = `${bin}:${only}`;
  }
  const calls = path.join(dir, "calls.log");
  writeFileSync(calls, "");
  const r = spawnSync(path.join(dir, ".ci/run"), [], { cwd: dir, encoding: "utf8", env: { PATH, HOME: dir, CALLS: calls, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: readFileSync(calls, "utf8").trim().split("\n") };
}

describe(".ci/run", () => {
  it("runs the lint gate after npm ci and before both test runners, and passes when all pass", () => {
    const r = ciRun("green", { LINT_EXIT: "0" });
    expect(r.calls.filter((c) => c.startsWith("npm"))).toEqual(["npm ci --no-audit --no-fund", "npm run lint", "npm test", "npm run test:runtime"]);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("3 passed, 0 failed");
    expect(r.status).toBe(0);
  });

  it("fails the run when the gate fails, yet runs the tests and still ends with the closing line", () => {
    const r = ciRun("lint-fails", { LINT_EXIT: "1" });
    expect(r.calls.filter((c) => c.startsWith("npm"))).toEqual(["npm ci --no-audit --no-fund", "npm run lint", "npm test", "npm run test:runtime"]);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("3 passed, 0 failed");
    expect(r.stderr).toContain("npm run lint failed (exit 1)");
    expect(r.status).toBe(1);
  });

  it("installs shellcheck from Debian's packages when the machine lacks it", () => {
    const r = ciRun("no-shellcheck", { LINT_EXIT: "0" }, ["shellcheck", "sudo"]);
    const installs = r.calls.filter((c) => c.startsWith("apt-get") && c.includes(" install "));
    expect(installs.flatMap((c) => c.split(" "))).toContain("shellcheck");
  });
});
