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
/** The signup pull request's head commit, and an earlier push to its branch. */
const HEAD = "4f2a9c0d1e3b5a7c9e1f3a5b7c9d1e3f5a7b9c0d";
const OLD = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";
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
    // Run 76 judged an earlier push; GitHub fills its pull_requests[] from the pull request as it is now (head HEAD).
    const runs = {
      workflow_runs: [
        { id: 76, status: "completed", head_sha: OLD, pull_requests: [{ number: 12, head: { sha: HEAD } }] },
        { id: 77, status: "completed", head_sha: HEAD, pull_requests: [{ number: 12, head: { sha: HEAD } }] },
      ],
    };
    writeFileSync(path.join(dir, "runs.json"), JSON.stringify(runs));
    const gh = [
      "#!/usr/bin/env bash",
      'echo "gh $*" >> "${STAND_IN}/calls.log"',
      'case "$1 $2" in',
      `  "pr view") echo ${HEAD} ;;`,
      '  "run download") for ((i = 1; i <= $#; i++)); do if [ "${!i}" = "--dir" ]; then j=$((i + 1)); cp -r "${STAND_IN}/artifacts/." "${!j}"; fi; done ;;',
      '  "api --method") echo "$*" >> "${STAND_IN}/status.log" ;;',
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

  const yes = (stack: string) => ({ stack, passes: true, eligible: true, added: ["zeta-labs"], reasons: [], headSha: HEAD, baseSha: OLD });

  it("posts success and says eligible only when every stack's checker found tenants added and nothing else", () => {
    const ok = run({ dev: { ...yes("dev"), added: [] }, prod: yes("prod") });
    expect(ok.stderr).toBe("");
    expect(ok.out).toBe(`eligible=true\nhead_sha=${HEAD}\nnumber=12\n`);
    // The run of the head commit itself, never one that judged an earlier push.
    expect(ok.posted).toContain("target_url=https://github.com/example-saas/fleet/actions/runs/77");
    expect(ok.posted).toContain(`statuses/${HEAD}`);
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

  it("refuses a verdict about another commit than the pull request's head, or one naming no commit", () => {
    const stale = run({ dev: yes("dev"), prod: { ...yes("prod"), headSha: OLD } });
    expect(stale.out).toContain("eligible=false");
    expect(stale.posted).toContain("state=failure");
    expect(stale.posted).toContain(
      `description=a person reviews: prod: its verdict judged ${OLD.slice(0, 12)}, not the pull request's head ${HEAD.slice(0, 12)}`,
    );
    const { headSha: _, ...unnamed } = yes("prod");
    const none = run({ dev: yes("dev"), prod: unnamed });
    expect(none.posted).toContain("description=a person reviews: prod: its verdict names no judged commit (headSha)");
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

  it("adds the tenant in the tier the request names; a tier the file does not declare is refused and nothing is written", () => {
    const dir = project([]);
    const file = path.join(dir, "tenants/tenants.yaml");
    const tiered = readFileSync(file, "utf8").replace("tenants:\n", "tiers:\n  scale: { compute: { minCu: 1, maxCu: 8 } }\ntenants:\n");
    writeFileSync(file, tiered);
    const unknown = run(dir, { ...request, TIER: "enterprise" });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/tenants\/tenants\.yaml:\d+:11: tenants\[6\]\.tier: "enterprise" is not a tier of this file \(the tiers are scale\)/);
    expect(unknown.tenants).toBe(tiered);
    const r = run(dir, { ...request, TIER: "scale" });
    expect(r.status).toBe(0);
    expect(r.tenants).toBe(
      `${tiered}\n  - id: zeta-labs\n    name: Zeta Labs\n    region: aws-eu-central-1\n    residency: EU\n    status: active\n    tier: scale\n`,
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

describe("the verdict file tenant-diff writes (plan --verdict)", () => {
  it("names the commit it judged (headSha) and the base (baseSha), keeping its other fields", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "signup-verdict-file-"));
    const file = path.join(dir, "verdict.json");
    execFileSync("npm", ["run", "--silent", "plan", "--", "--stack", "dev", "--base", "HEAD", "--verdict", file], { cwd: ROOT, stdio: "pipe" });
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const v = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(["stack", "passes", "eligible", "added", "reasons", "headSha", "baseSha"]);
    expect(v).toMatchObject({ stack: "dev", headSha: head, baseSha: head, eligible: false, reasons: ["changes no file"] });
  }, 240_000);
});

describe("the approve step, against a stand-in of GitHub's API", () => {
  const step = wf.jobs.approve.steps.find((s) => s.run?.includes("/reviews"))!;

  /**
   * `gh pr view --json headRefOid` answers the pull request's head, one line of `heads` per
   * call (the last one repeats: a push lands between two reads); POST .../reviews creates a
   * review and answers its id (https://docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request);
   * PUT .../reviews/{id}/dismissals and `gh pr merge --disable-auto` are recorded
   * (https://docs.github.com/en/rest/pulls/reviews#dismiss-a-review-for-a-pull-request,
   * https://cli.github.com/manual/gh_pr_merge).
   */
  function run(heads: string[]) {
    const dir = mkdtempSync(path.join(tmpdir(), "signup-approve-"));
    mkdirSync(path.join(dir, "bin"));
    writeFileSync(path.join(dir, "heads"), heads.join("\n") + "\n");
    const gh = [
      "#!/usr/bin/env bash",
      'echo "gh $*" >> "${STAND_IN}/calls.log"',
      'case "$1 $2" in',
      '  "pr view") n=$(cat "${STAND_IN}/n" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "${STAND_IN}/n"; sed -n "$(( n < $(wc -l < "${STAND_IN}/heads") ? n : $(wc -l < "${STAND_IN}/heads") ))p" "${STAND_IN}/heads" ;;',
      '  "api --method") [ "$3" = POST ] && echo 5501 ;;',
      "esac",
    ].join("\n");
    writeFileSync(path.join(dir, "bin", "gh"), gh);
    chmodSync(path.join(dir, "bin", "gh"), 0o755);
    writeFileSync(path.join(dir, "summary"), "");
    const r = spawnSync("bash", ["-c", step.run!], {
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
        STAND_IN: dir,
        GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
        GITHUB_REPOSITORY: "example-saas/fleet",
        GH_TOKEN: "stand-in",
        NUMBER: "12",
        HEAD_SHA: HEAD,
      },
    });
    return {
      status: r.status,
      stderr: r.stdout + r.stderr,
      calls: readFileSync(path.join(dir, "calls.log"), "utf8"),
      summary: readFileSync(path.join(dir, "summary"), "utf8"),
    };
  }

  it("approves the judged commit by its id while it is the head, and leaves auto-merge on", () => {
    const r = run([HEAD]);
    expect(r.status).toBe(0);
    expect(r.calls).toContain(`gh api --method POST repos/example-saas/fleet/pulls/12/reviews -f commit_id=${HEAD} -f event=APPROVE`);
    expect(r.calls).not.toContain("dismissals");
    expect(r.calls).not.toContain("--disable-auto");
    expect(r.summary).toBe(`approved #12 at ${HEAD}\n`);
  });

  it("refuses to approve when the head moved after the verdict", () => {
    const r = run([OLD]);
    expect(r.status).toBe(1);
    expect(r.calls).not.toContain("/reviews");
    expect(r.stderr).toContain(`::error::#12 moved to ${OLD} after the verdict on ${HEAD}: not approved`);
  });

  it("dismisses its approval and turns auto-merge off when the head moves while approving", () => {
    const r = run([HEAD, OLD]);
    expect(r.status).toBe(1);
    expect(r.calls).toContain("gh api --method PUT repos/example-saas/fleet/pulls/12/reviews/5501/dismissals");
    expect(r.calls).toContain("gh pr merge --repo example-saas/fleet --disable-auto 12");
    expect(r.summary).toContain(`approval withdrawn: #12 moved to ${OLD} while ${HEAD} was approved`);
  });
});

describe("the pull request step, in a scratch repository with stand-ins for gh and npm", () => {
  const step = wf.jobs.signup.steps.find((s) => s.id === "pr")!;

  it("arms auto-merge for the commit it pushed only (--match-head-commit)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "signup-pr-"));
    execFileSync("git", ["init", "-q", "--bare", path.join(dir, "origin.git")]);
    mkdirSync(path.join(dir, "work"));
    const work = path.join(dir, "work");
    const g = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: work, encoding: "utf8", stdio: "pipe" });
    g("init", "-q");
    writeFileSync(path.join(work, "tenants.yaml"), "tenants: []\n");
    g("add", ".");
    g("commit", "-qm", "base");
    g("remote", "add", "origin", path.join(dir, "origin.git"));
    writeFileSync(path.join(work, "tenants.yaml"), "tenants: [zeta-labs]\n");
    mkdirSync(path.join(dir, "bin"));
    const gh = [
      "#!/usr/bin/env bash",
      `echo "gh $*" >> "${dir}/calls.log"`,
      'case "$1 $2" in',
      '  "pr list") echo "" ;;',
      '  "api users/signup-app[bot]") echo 4242 ;;',
      '  "pr create") echo https://github.com/example-saas/fleet/pull/12 ;;',
      "esac",
    ].join("\n");
    writeFileSync(path.join(dir, "bin", "gh"), gh);
    writeFileSync(path.join(dir, "bin", "npm"), "#!/usr/bin/env bash\necho body\n");
    for (const f of ["gh", "npm"]) chmodSync(path.join(dir, "bin", f), 0o755);
    for (const f of ["out", "summary"]) writeFileSync(path.join(dir, f), "");
    const r = spawnSync("bash", ["-c", step.run!], {
      cwd: work,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: path.join(dir, "out"),
        GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
        GITHUB_REPOSITORY: "example-saas/fleet",
        GH_TOKEN: "stand-in",
        APP_SLUG: "signup-app",
        ACTION: "add",
        TENANT: "zeta-labs",
        REQUEST: "signup-8812",
        BRANCH: "signup/prod/zeta-labs",
        BASE_BRANCH: "main",
        SIGNUP_LABEL: "tenant-signup",
      },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const pushed = execFileSync("git", ["rev-parse", "refs/heads/signup/prod/zeta-labs"], { cwd: path.join(dir, "origin.git"), encoding: "utf8" }).trim();
    expect(readFileSync(path.join(dir, "calls.log"), "utf8")).toContain(
      `gh pr merge --repo example-saas/fleet --auto --squash --match-head-commit ${pushed} https://github.com/example-saas/fleet/pull/12`,
    );
  });
});
