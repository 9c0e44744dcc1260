/**
 * The tenant-signup workflow (src/operations/signupWorkflow.ts): the file is what the renderer
 * gives, GitHub's parser takes it (test/ownCi.test.ts also checks pinning and permissions),
 * the trust rules hold, the request reaches its scripts through the environment only, the
 * App tokens come after every install, and the verdict step reads what the base's checker
 * wrote: run here under bash with `gh` standing in for GitHub's API.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectFiles, ROOT } from "./program";
import { trustFindings, type Workflow } from "./ciTrust";
import { workflowErrors } from "./workflowParser";
import { renderSignupWorkflow, SIGNUP_WORKFLOW_PATH } from "../src/operations/signupWorkflow";

const text = readFileSync(path.join(ROOT, SIGNUP_WORKFLOW_PATH), "utf8");
const wf = parse(text) as Workflow & { on: Record<string, unknown> };

describe("tenant-signup.yml", () => {
  it("is what src/operations/signupWorkflow.ts renders (npm run generate writes it) and GitHub's parser takes it", async () => {
    expect(text).toBe(renderSignupWorkflow().content);
    expect(await workflowErrors("tenant-signup.yml", text)).toEqual([]);
  });

  it("starts on a dispatch of the application or by hand, on main only, within the trust rules", () => {
    expect(wf.on).toMatchObject({ repository_dispatch: { types: ["tenant-signup"] }, workflow_dispatch: {} });
    expect(trustFindings(SIGNUP_WORKFLOW_PATH, wf)).toEqual([]);
    for (const job of Object.values(wf.jobs)) expect(job.if).toContain("github.ref == 'refs/heads/main'");
  });

  it("passes the request to scripts through the environment only, and every script parses", () => {
    for (const job of Object.values(wf.jobs))
      for (const s of job.steps.filter((x) => x.run !== undefined)) {
        expect(s.run, s.name).not.toMatch(/\$\{\{/);
        const r = spawnSync("bash", ["-n"], { input: s.run, encoding: "utf8" });
        expect(r.status, `${s.name}: ${r.stderr}`).toBe(0);
      }
    expect(JSON.stringify(wf.jobs.signup.env)).toContain("github.event.client_payload.tenant");
  });

  it("mints each App token after every install and gives it to the one step that needs it", () => {
    for (const job of Object.values(wf.jobs)) {
      const app = job.steps.findIndex((s) => s.uses?.startsWith("actions/create-github-app-token@"));
      expect(app).toBeGreaterThan(job.steps.findIndex((s) => /npm ci/.test(s.run ?? "")));
      const tokenUsers = job.steps.filter((s) => JSON.stringify(s.env ?? {}).includes(`steps.${job.steps[app].id}.outputs.token`));
      expect(tokenUsers).toHaveLength(1);
      expect(job.steps.indexOf(tokenUsers[0])).toBe(app + 1);
    }
    // The approver approves only what the verdict step found eligible.
    const approve = wf.jobs.approve.steps;
    expect(approve.filter((s) => s.if === "steps.verdict.outputs.eligible == 'true'")).toHaveLength(2);
    expect(wf.jobs.approve.needs).toEqual(["signup"]);
  });
});

describe("the verdict step, against a stand-in of GitHub's API", () => {
  const step = wf.jobs.approve.steps.find((s) => s.id === "verdict")!;

  /**
   * `gh` as the step calls it: `pr view` gives the head commit; the runs listing of
   * tenant-diff.yml (GET /repos/{o}/{r}/actions/workflows/{id}/runs, whose runs carry
   * pull_requests[] with number and head.sha: https://docs.github.com/en/rest/actions/workflow-runs)
   * gives one finished run; `run download` lays each artifact out in a folder of its name
   * (https://cli.github.com/manual/gh_run_download); a status POST is recorded.
   */
  function standIn(dir: string, verdicts: Record<string, object>): string {
    const bin = path.join(dir, "bin");
    mkdirSync(bin);
    const artifacts = path.join(dir, "artifacts");
    for (const [stack, v] of Object.entries(verdicts)) {
      mkdirSync(path.join(artifacts, `tenant-diff-${stack}`, `tenant-diff-${stack}`), { recursive: true });
      writeFileSync(path.join(artifacts, `tenant-diff-${stack}`, `tenant-diff-${stack}`, "verdict.json"), JSON.stringify(v));
    }
    const runs = { workflow_runs: [{ id: 77, status: "completed", head_sha: "base0", pull_requests: [{ number: 12, head: { sha: "abc123" } }] }] };
    writeFileSync(path.join(dir, "runs.json"), JSON.stringify(runs));
    const gh = [
      "#!/usr/bin/env bash",
      'echo "gh $*" >> "${STAND_IN}/calls.log"',
      'case "$1 $2" in',
      '  "pr view") echo abc123 ;;',
      '  "run download") for ((i = 1; i <= $#; i++)); do if [ "${!i}" = "--dir" ]; then j=$((i + 1)); cp -r "${STAND_IN}/artifacts/." "${!j}"; fi; done ;;',
      '  "api --method") echo "${@: -8}" >> "${STAND_IN}/status.log" ;;',
      '  api\\ *) jq -r "${4}" "${STAND_IN}/runs.json" ;;',
      "esac",
    ].join("\n");
    writeFileSync(path.join(bin, "gh"), gh);
    chmodSync(path.join(bin, "gh"), 0o755);
    return bin;
  }

  function run(verdicts: Record<string, object>) {
    const dir = mkdtempSync(path.join(tmpdir(), "signup-verdict-"));
    const bin = standIn(dir, verdicts);
    for (const f of ["out", "summary"]) writeFileSync(path.join(dir, f), "");
    const r = spawnSync("bash", ["-c", step.run!], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        STAND_IN: dir,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: path.join(dir, "out"),
        GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
        GITHUB_REPOSITORY: "example-saas/fleet",
        GITHUB_SERVER_URL: "https://github.com",
        ...step.env,
        GH_TOKEN: "stand-in",
        PR_URL: "https://github.com/example-saas/fleet/pull/12",
      },
    });
    return { ...r, out: readFileSync(path.join(dir, "out"), "utf8"), status: r.status, posted: readFileSync(path.join(dir, "status.log"), "utf8") };
  }

  const yes = (stack: string) => ({ stack, passes: true, eligible: true, added: ["zeta-labs"], reasons: [] });

  it("posts success and says eligible only when every stack's checker found tenants added and nothing else", () => {
    const ok = run({ dev: { ...yes("dev"), added: [] }, prod: yes("prod") });
    expect(ok.stderr).toBe("");
    expect(ok.out).toBe("eligible=true\nhead_sha=abc123\nnumber=12\n");
    expect(ok.posted).toContain("state=success");
    expect(ok.posted).toContain("context=tenant-fleet/auto-merge-eligible");
    expect(ok.posted).toContain("description=tenants added, nothing else changed: zeta-labs");
  }, 240_000);

  it("posts failure with the first reason when one stack's change is more than an addition, or its verdict is missing", () => {
    const changed = run({ dev: { ...yes("dev"), eligible: false, reasons: ["acme-corp: changes an existing tenant"] }, prod: yes("prod") });
    expect(changed.out).toContain("eligible=false");
    expect(changed.posted).toContain("state=failure");
    expect(changed.posted).toContain("description=a person reviews: dev: acme-corp: changes an existing tenant");
    const missing = run({ prod: yes("prod") });
    expect(missing.posted).toContain("description=a person reviews: dev: its tenant diff left no verdict (it failed or did not run)");
  }, 240_000);
});

describe("the signup job's edit step, in a copy of the project with a stand-in for gh", () => {
  const step = wf.jobs.signup.steps.find((s) => s.id === "request")!;
  const request = { ACTION: "add", STACK: "prod", TENANT: "zeta-labs", NAME: "Zeta Labs", REGION: "aws-eu-central-1", RESIDENCY: "EU", REQUEST: "signup-8812" };

  /** The project as a repository of its own (tenant add reads the tenants file's history), and `gh pr list` answering with `signups` creation times. */
  function project(signups: string[]): string {
    const dir = mkdtempSync(path.join(tmpdir(), "signup-edit-"));
    for (const f of projectFiles()) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: dir, stdio: "pipe" });
    git("init", "-q");
    git("add", "tenants");
    git("commit", "-qm", "tenants");
    mkdirSync(path.join(dir, ".bin"));
    const listing = JSON.stringify(signups.map((createdAt) => ({ createdAt })));
    writeFileSync(path.join(dir, ".bin", "gh"), `#!/usr/bin/env bash\necho "gh $*" >> "${dir}/gh.log"\nprintf '%s\\n' '${listing}'\n`);
    chmodSync(path.join(dir, ".bin", "gh"), 0o755);
    for (const f of ["out", "summary"]) writeFileSync(path.join(dir, f), "");
    return dir;
  }

  function run(dir: string, env: Record<string, string>) {
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${path.join(dir, ".bin")}:${process.env.PATH}`,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: path.join(dir, "out"),
        GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
        GITHUB_REPOSITORY: "example-saas/fleet",
        SIGNUP_LABEL: "tenant-signup",
        GH_TOKEN: "stand-in",
        INIT_CWD: dir,
        ...env,
      },
    });
    return {
      status: r.status,
      stderr: r.stderr,
      out: readFileSync(path.join(dir, "out"), "utf8"),
      tenants: readFileSync(path.join(dir, "tenants/tenants.yaml"), "utf8"),
    };
  }

  it("checks the request, counts the signups, adds the tenant and shows the diff", () => {
    const dir = project([new Date(Date.now() - 30 * 60_000).toISOString()]);
    const r = run(dir, request);
    expect(r.stderr).toBe("written: tenants/tenants.yaml\n");
    expect(r.status).toBe(0);
    expect(r.out).toBe("action=add\nstack=prod\ntenant=zeta-labs\nrequest=signup-8812\nbranch=signup/prod/zeta-labs\n");
    expect(r.tenants).toBe(
      `${readFileSync(path.join(ROOT, "tenants/tenants.yaml"), "utf8")}\n  - id: zeta-labs\n    name: Zeta Labs\n    region: aws-eu-central-1\n    residency: EU\n    status: active\n`,
    );
    expect(readFileSync(path.join(dir, "summary"), "utf8")).toContain("zeta-labs: tenant: (none) → active");
    expect(readFileSync(path.join(dir, "gh.log"), "utf8")).toMatch(
      /^gh pr list --repo example-saas\/fleet --label tenant-signup --state all --search created:>=\S+ --limit 1000 --json createdAt\n$/,
    );
  }, 240_000);

  it("refuses past the hourly limit, and a hostile field before anything runs, leaving the file as it was", () => {
    const before = readFileSync(path.join(ROOT, "tenants/tenants.yaml"), "utf8");
    const busy = project(Array.from({ length: 20 }, (_, i) => new Date(Date.now() - (i + 1) * 60_000).toISOString()));
    const limited = run(busy, request);
    expect(limited.status).toBe(1);
    expect(limited.stderr).toMatch(/the signup is refused: 20 signups in the last hour, the limit is 20 \(signupsPerHour\); try again after \d{4}-/);
    expect(limited.tenants).toBe(before);
    const hostile = project([]);
    const r = run(hostile, { ...request, TENANT: 'x"; touch /tmp/owned; "', NAME: "Zeta\nLabs" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("the signup request is refused:");
    expect(r.stderr).toContain('tenant "x\\"; touch /tmp/owned; \\"": a tenant id');
    expect(r.out).toBe("");
    expect(r.tenants).toBe(before);
  }, 240_000);
});
