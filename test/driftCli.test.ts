/**
 * `npm run drift` (scripts/drift.ts): the report's files and exit status on the recorded
 * previews, a bad preview named with its position, the cost table from an offline plan's
 * JSON, and the role policy printed as the evaluator proved it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./program";
import { driftRolePolicy } from "../src/plan/iam/drift";

const drift = (args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/drift.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const observed = (held: boolean) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "tf-drift-cli-")), "observed.json");
  writeFileSync(
    file,
    JSON.stringify({
      observed: {
        org: "org-x",
        rows: [],
        unowned: held ? [] : [{ id: "p-1", name: "x", region_id: "aws-us-east-2", created_at: "2026-01-01T00:00:00Z", why: "no stack declares it" }],
        held,
      },
    }),
  );
  return file;
};

describe("npm run drift -- report", () => {
  it("writes the issue, the summary with the run's API calls, and drift.json; exit 1 on drift", () => {
    const out = mkdtempSync(path.join(tmpdir(), "tf-drift-out-"));
    const r = drift([
      "report",
      "--stack",
      "prod",
      "--preview",
      "test/fixtures/drift/preview-drift.json",
      "--preview-exit",
      "255",
      "--observed",
      observed(false),
      "--observed-exit",
      "1",
      "--out",
      out,
    ]);
    expect([r.code, r.stdout]).toEqual([1, "prod: drift (3 would lose data if reverted, 3 the next up reverts)\n"]);
    expect(readFileSync(path.join(out, "issue.md"), "utf8")).toContain("- project `p-1` `x` in `aws-us-east-2`: no stack declares it");
    expect(JSON.parse(readFileSync(path.join(out, "drift.json"), "utf8"))).toMatchObject({
      stack: "prod",
      clean: false,
      preview: { losesData: 3, reverts: 3 },
    });
  });

  it("exit 0 on a clean night", () => {
    const out = mkdtempSync(path.join(tmpdir(), "tf-drift-out-"));
    const r = drift([
      "report",
      "--stack",
      "prod",
      "--preview",
      "test/fixtures/drift/preview-clean.json",
      "--preview-exit",
      "0",
      "--observed",
      observed(true),
      "--out",
      out,
    ]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "prod: no drift\n", ""]);
  });

  it("a preview that failed is 'could not compare', never clean, and names where the JSON broke", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-drift-bad-"));
    writeFileSync(path.join(dir, "preview.json"), '{\n  "steps": [\n    {"op": "update", "urn": 7}\n  ]\n}\n');
    const r = drift([
      "report",
      "--stack",
      "prod",
      "--preview",
      path.join(dir, "preview.json"),
      "--preview-exit",
      "255",
      "--observed",
      observed(true),
      "--out",
      dir,
    ]);
    expect(r.code).toBe(1);
    const json = JSON.parse(readFileSync(path.join(dir, "drift.json"), "utf8"));
    expect(json.clean).toBe(false);
    expect(json.previewError).toMatch(/preview\.json:3:29: steps\[0\]\.urn: is 7, not a Pulumi URN/);
  });

  it("a stack the pace did not preview is 'could not compare', with the pace's reason in the issue", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-drift-skipped-"));
    writeFileSync(path.join(dir, "pace.txt"), "prod: 10,000 tenants ... Split the stack into shards of at most 3,934 tenants.\n");
    const r = drift([
      "report",
      "--stack",
      "prod",
      "--preview",
      path.join(dir, "absent.json"),
      "--preview-exit",
      "0",
      "--not-previewed",
      path.join(dir, "pace.txt"),
      "--observed",
      observed(true),
      "--out",
      dir,
    ]);
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(readFileSync(path.join(dir, "drift.json"), "utf8"));
    expect([json.clean, json.previewError]).toEqual([false, "not previewed: prod: 10,000 tenants ... Split the stack into shards of at most 3,934 tenants."]);
    expect(readFileSync(path.join(dir, "issue.md"), "utf8")).toContain("shards of at most 3,934 tenants");
  });

  it("refuses a stack name that is not one, before reading anything", () => {
    const r = drift(["report", "--stack", "prod; rm -rf /", "--preview", "x", "--out", "y"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--stack "prod; rm -rf \/" is not a stack name/);
  });
});

describe("npm run drift -- pace", () => {
  /** A state export (Pulumi's UntypedDeployment) of the resources a recorded preview refreshed. */
  const stateOf = (fixture: string) => {
    const digest = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/drift", fixture), "utf8")) as {
      steps: { urn: string; oldState?: { type: string; inputs?: unknown; outputs?: unknown } }[];
    };
    const resources = digest.steps.filter((s) => s.oldState).map((s) => ({ urn: s.urn, type: s.oldState!.type, custom: true, outputs: s.oldState!.outputs }));
    const dir = mkdtempSync(path.join(tmpdir(), "tf-drift-pace-"));
    writeFileSync(path.join(dir, "state.json"), JSON.stringify({ version: 3, deployment: { resources } }));
    return dir;
  };

  it("prints the estimate before the run and writes the preview's --parallel and limit", () => {
    const dir = stateOf("preview-drift.json");
    const r = drift(["pace", "--stack", "prod", "--state", path.join(dir, "state.json"), "--out", path.join(dir, "pace.env"), "--call-seconds", "0.5"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^prod: \d+ tenants, \d+ Neon and \d+ GitHub calls; a Neon call took 500 ms, so --parallel 2 keeps under 350 of Neon's 700 a minute/,
    );
    expect(readFileSync(path.join(dir, "pace.env"), "utf8")).toMatch(/^parallel=2\ntimeout_minutes=[1-9]\d*\nfits=true\n$/);
  });

  it("refuses a call time that is not one, and a file that is not a state, naming them", () => {
    const dir = stateOf("preview-clean.json");
    const bad = drift(["pace", "--stack", "prod", "--state", path.join(dir, "state.json"), "--out", path.join(dir, "p"), "--call-seconds", "fast"]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--call-seconds "fast": a positive number of seconds')]);
    writeFileSync(path.join(dir, "other.json"), "{}");
    const other = drift(["pace", "--stack", "prod", "--state", path.join(dir, "other.json"), "--out", path.join(dir, "p"), "--call-seconds", "1"]);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain("other.json: neither a preview's JSON (steps), an offline plan's (resources) nor a state export");
    expect(other.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("npm run drift -- cost and role-policy", () => {
  it("prints the calls at the plan's size, 1,000 and 10,000 tenants", () => {
    const plan = spawnSync(process.execPath, [path.join(ROOT, "scripts/launch.mjs"), "scripts/plan.ts", "--json"], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    const file = path.join(mkdtempSync(path.join(tmpdir(), "tf-drift-plan-")), "plan.json");
    writeFileSync(file, plan.stdout);
    const r = drift(["cost", "--counts", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("| neon | 700 a minute per Neon account | 33 (0.0 min) | 4,840 (6.9 min) | 48,362 (69.1 min) |");
    expect(r.stdout).toMatch(/\| github \| 5,000 an hour per App installation \| [\d,]+ \([\d.]+ min\) \| 2,519 \(30\.2 min\) \| 25,019 \(5\.0 h\) \|/);
  }, 60_000);

  it("prints the role policy the evaluator proves read-only", () => {
    const r = drift(["role-policy"]);
    expect(JSON.parse(r.stdout)).toEqual(driftRolePolicy());
  });
});
