/**
 * The drift job's compare step (src/operations/sh/drift-compare.sh) on its own, with `pulumi`
 * and `npm` stand-ins first on PATH that log their arguments: the pace's --parallel and limit
 * reach the preview, a pace that fails leaves the preview one resource at a time with a
 * warning, and a stack too large for one job is not previewed and the report is told why. The
 * whole job, with the real commands, is test/runtime/drift.test.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { shellBody } from "../src/core/shellFile";
import { OPERATION_SCRIPT_DIR } from "../src/operations/scripts";

/** Runs the step with stand-ins: `pace` is what `npm run drift -- pace` writes and prints, or undefined when it fails. */
function compare(pace: { env: string; text: string } | undefined) {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-drift-compare-"));
  const bin = path.join(dir, "bin");
  spawnSync("mkdir", ["-p", bin]);
  const log = path.join(dir, "calls.log");
  writeFileSync(
    path.join(bin, "pulumi"),
    [
      "#!/usr/bin/env bash",
      `echo "pulumi $*" >> ${JSON.stringify(log)}`,
      'if [ "$1 $2" = "stack export" ]; then echo "{}" > "$6"; exit 0; fi',
      'echo "{\\"steps\\": []}"',
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  writeFileSync(path.join(bin, "timeout"), ["#!/usr/bin/env bash", `echo "timeout $1 $2 $3" >> ${JSON.stringify(log)}`, 'shift 3; exec "$@"', ""].join("\n"), {
    mode: 0o755,
  });
  writeFileSync(
    path.join(bin, "npm"),
    [
      "#!/usr/bin/env bash",
      `echo "npm $*" >> ${JSON.stringify(log)}`,
      'if [ "$5 $7" = "pace prod" ]; then',
      pace ? `  printf '%b' ${JSON.stringify(pace.env)} > "\${11}"; echo ${JSON.stringify(pace.text)}; exit 0` : "  echo 'no Neon' >&2; exit 1",
      "fi",
      "exit 0",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const r = spawnSync("bash", ["-c", shellBody(OPERATION_SCRIPT_DIR, "drift-compare.sh")], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      STACK: "prod",
      RAW_DIR: path.join(dir, "raw"),
      REPORT_DIR: path.join(dir, "report"),
      GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "o/r",
      GITHUB_RUN_ID: "1",
    },
  });
  const calls = readFileSync(log, "utf8").trim().split("\n");
  const summary = path.join(dir, "summary.md");
  return { ...r, calls, summary: existsSync(summary) ? readFileSync(summary, "utf8") : "" };
}

describe("drift-compare.sh", () => {
  it("runs the preview at the pace's --parallel within its limit, and prints the estimate in the summary", () => {
    const r = compare({ env: "parallel=3\ntimeout_minutes=89\nfits=true\n", text: "prod: 1,000 tenants ... estimate 59.0 min, preview limit 89 min." });
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls[0]).toMatch(/^pulumi stack export --stack prod --file .*\/raw\/state\.json$/);
    expect(r.calls[1]).toMatch(/^npm run --silent drift -- pace --stack prod --state /);
    expect(r.calls[2]).toBe("timeout --signal=INT --kill-after=5m 89m");
    expect(r.calls[3]).toMatch(/^pulumi preview --stack prod --refresh --expect-no-changes .* --parallel 3$/);
    expect(r.stdout).toContain("pulumi preview --refresh --parallel 3: exit 0 (limit 89 min)");
    expect(r.summary).toContain("estimate 59.0 min, preview limit 89 min.");
    expect(r.calls.find((c) => c.includes("drift -- report"))).not.toContain("--not-previewed");
  });

  it("reads one resource at a time, within the job's limit, when the pace fails", () => {
    const r = compare(undefined);
    expect(r.stdout).toContain("::warning::stack prod: the preview could not be paced");
    expect(r.calls.some((c) => c.startsWith("timeout "))).toBe(false);
    expect(r.calls.find((c) => c.startsWith("pulumi preview"))).toMatch(/ --parallel 1$/);
    expect(r.stdout).toContain("pulumi preview --refresh --parallel 1: exit 0\n");
  });

  it("does not preview a stack too large for one job, and the report says why", () => {
    const r = compare({
      env: "parallel=7\ntimeout_minutes=877\nfits=false\n",
      text: "prod: 10,000 tenants ... Split the stack into shards of at most 3,934 tenants.",
    });
    expect(r.stdout).toContain("::error::stack prod is too large to compare in one job");
    expect(r.calls.some((c) => c.startsWith("pulumi preview"))).toBe(false);
    expect(r.calls.find((c) => c.includes("drift -- report"))).toMatch(/--preview-exit 0 --not-previewed .*\/raw\/pace\.txt --observed /);
  });
});
