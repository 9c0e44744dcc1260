/**
 * deploy.yml's fast path (docs/deploying.md): the deployed commit is found from GitHub's
 * records of earlier deploys (src/operations/sh/deploy-deployed-commit.sh, against
 * test/githubDeploysStandIn.mjs), and the deployed commit's own checker decides on this one
 * (src/operations/sh/deploy-fast-path.sh, in real git repositories holding a copy of the
 * project, with the project's real plan and verdict).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectFiles, ROOT } from "./program";
import type { Workflow } from "./ciTrust";
import { DEPLOY_SCRIPTS } from "../src/operations/scripts";

const deploy = parse(readFileSync(path.join(ROOT, ".github/workflows/deploy.yml"), "utf8")) as Workflow;
const fastPath = deploy.jobs["fast-path"];
const stepOf = (id: string) => fastPath.steps.find((s) => s.id === id)!;

/** The inputs a script's header names (`#   NAME  what it is`). */
function headerInputs(file: string): string[] {
  const text = readFileSync(path.join(ROOT, "src/operations/sh", file), "utf8");
  const header = text.slice(text.indexOf("# Inputs (environment):"), text.indexOf("\n\n"));
  return [...header.matchAll(/^#\s{3}([A-Z_]+)\s/gm)].map((m) => m[1]);
}

function gitIn(dir: string) {
  return (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, encoding: "utf8" }).trim();
}

describe("deploy.yml's fast-path job runs the scripts with the inputs they name", () => {
  it.each([
    ["deployed", DEPLOY_SCRIPTS.deployedCommit],
    ["decide", DEPLOY_SCRIPTS.fastPath],
  ])("step %s: %s", (id, file) => {
    const step = stepOf(id);
    expect(step.run!.trim()).toBe(`bash src/operations/sh/${file}`);
    const optional = ["CHECKER_INSTALL"];
    expect(headerInputs(file).filter((n) => !optional.includes(n))).toEqual(Object.keys(step.env!).filter((n) => n !== "GH_TOKEN"));
  });
});

describe("deploy-deployed-commit.sh: the last commit deployed to prod, from records no pull request writes", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-deployed-"));
  const git = gitIn(dir);
  git("init", "-q", "-b", "main");
  const commits: string[] = [];
  for (const n of [1, 2, 3, 4]) {
    git("commit", "-q", "--allow-empty", "-m", `c${n}`);
    commits.push(git("rev-parse", "HEAD"));
  }
  const [c1, c2, c3, head] = commits;
  git("checkout", "-q", "-b", "feature", c2);
  git("commit", "-q", "--allow-empty", "-m", "a branch's commit");
  const branchCommit = git("rev-parse", "HEAD");
  git("checkout", "-q", "main");
  mkdirSync(path.join(dir, ".bin"));
  writeFileSync(path.join(dir, ".bin/gh"), `#!/bin/sh\nexec node ${JSON.stringify(path.join(ROOT, "test/githubDeploysStandIn.mjs"))} "$@"\n`, { mode: 0o755 });

  let clock = 0;
  const at = () => new Date(Date.UTC(2026, 11, 1) + (clock += 60_000)).toISOString();
  type Run = { id: number; head_sha: string; head_branch: string; event: string; status: string; conclusion: string | null; path: string; created_at: string };
  const run = (sha: string, over: Partial<Run> = {}): Run => ({
    id: 100 + clock,
    head_sha: sha,
    head_branch: "main",
    event: "push",
    status: "completed",
    conclusion: "success",
    path: ".github/workflows/deploy.yml",
    created_at: at(),
    ...over,
  });
  let nextDeployment = 1;
  const deployment = (sha: string, environment: string, ...states: string[]) => ({
    id: nextDeployment++,
    sha,
    environment,
    created_at: at(),
    statuses: states.map((state) => ({ state, created_at: at() })),
  });

  function find(world: { runs: Run[]; deployments: ReturnType<typeof deployment>[]; fail?: boolean }) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "tf-world-")), "world.json");
    writeFileSync(file, JSON.stringify(world));
    writeFileSync(`${file}.out`, "");
    const r = spawnSync("bash", ["--noprofile", "--norc", path.join(ROOT, "src/operations/sh/deploy-deployed-commit.sh")], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: `${path.join(dir, ".bin")}:${process.env.PATH}`,
        GH_WORLD: file,
        GITHUB_OUTPUT: `${file}.out`,
        GITHUB_REPOSITORY: "example-saas/tenant-fleet",
        ...(stepOf("deployed").env as Record<string, string>),
        HEAD_SHA: head,
        RUN_ID: "999",
      },
    });
    expect(r.status, r.stderr).toBe(0);
    return { sha: readFileSync(`${file}.out`, "utf8"), log: r.stdout };
  }

  it("is the newest push run of deploy.yml on main that succeeded, with its prod deployments succeeded", () => {
    const r = find({
      runs: [run(c1), run(c2)],
      deployments: [deployment(c1, "prod", "waiting", "in_progress", "success", "inactive"), deployment(c2, "prod", "waiting", "success")],
    });
    expect(r.sha).toBe(`sha=${c2}\n`);
  });

  it("counts a deploy in prod-additions, and a deployment made inactive by a later success", () => {
    const r = find({
      runs: [run(c2), run(c3)],
      deployments: [deployment(c2, "prod", "success", "inactive"), deployment(c3, "prod-additions", "success")],
    });
    expect(r.sha).toBe(`sha=${c3}\n`);
  });

  it("is empty when the newest deploy has a shard that failed or is still waiting: no older commit stands in for it", () => {
    const r = find({
      runs: [run(c1), run(c2)],
      deployments: [deployment(c1, "prod", "success"), deployment(c2, "prod", "success"), deployment(c2, "prod", "failure")],
    });
    expect(r.sha).toBe("sha=\n");
    expect(r.log).toContain(`run at ${c2}: a prod deployment did not succeed (failure success): no older deploy stands in for it`);
    const waiting = find({ runs: [run(c1), run(c3)], deployments: [deployment(c1, "prod", "success"), deployment(c3, "prod", "waiting")] });
    expect(waiting.sha).toBe("sha=\n");
  });

  it("counts only success and inactive: an error, a deployment without any status, or an unknown state is no deploy", () => {
    for (const states of [["error"], [], ["success", "destroyed"]]) {
      const r = find({ runs: [run(c1), run(c2)], deployments: [deployment(c1, "prod", "success"), deployment(c2, "prod", ...states)] });
      expect(r.sha, states.join(",")).toBe("sha=\n");
    }
  });

  it("never trusts a deployment alone: a record of a commit no successful push run of deploy.yml on main deployed", () => {
    const r = find({
      runs: [
        run(c1),
        run(c3, { event: "workflow_dispatch" }),
        run(c3, { head_branch: "feature" }),
        run(c3, { path: ".github/workflows/preview.yml" }),
        run(c3, { conclusion: "failure" }),
      ],
      deployments: [deployment(c1, "prod", "success"), deployment(c3, "prod", "success")],
    });
    expect(r.sha).toBe(`sha=${c1}\n`);
  });

  it("never trusts a run alone: a successful run that deployed no prod environment (only dev, say) is skipped", () => {
    const r = find({ runs: [run(c1), run(c2)], deployments: [deployment(c1, "prod", "success"), deployment(c2, "dev", "success")] });
    expect(r.sha).toBe(`sha=${c1}\n`);
  });

  it("passes over this very commit's own earlier deploy, but is empty when the newest deploy is not an ancestor (a tag or branch named like main)", () => {
    const r = find({
      runs: [run(c1), run(branchCommit), run(head)],
      deployments: [deployment(c1, "prod", "success"), deployment(branchCommit, "prod", "success"), deployment(head, "prod", "success")],
    });
    expect(r.sha).toBe("sha=\n");
    expect(r.log).toContain(`run at ${branchCommit}: the newest prod deploy is not an ancestor of ${head}`);
    // The same rule stops a re-run of an older deploy run from judging against an older base and
    // rolling prod back (hostile review F2): the newest deploy decides or nothing does.
    const own = find({ runs: [run(c1), run(head)], deployments: [deployment(c1, "prod", "success"), deployment(head, "prod", "success")] });
    expect(own.sha).toBe(`sha=${c1}\n`);
  });

  it("is empty, and the step still succeeds, when nothing proves a deploy or GitHub does not answer", () => {
    expect(find({ runs: [], deployments: [] }).sha).toBe("sha=\n");
    expect(find({ runs: [run(c1)], deployments: [] }).sha).toBe("sha=\n");
    expect(find({ runs: [run(c1)], deployments: [deployment(c1, "prod", "success")], fail: true }).sha).toBe("sha=\n");
  });
});

describe("deploy-fast-path.sh: the deployed commit's own checker decides", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-fast-path-"));
  const git = gitIn(dir);
  for (const f of projectFiles()) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  git("init", "-q", "-b", "main");
  writeFileSync(path.join(dir, ".git/info/exclude"), "node_modules\n");
  git("add", "-A");
  git("commit", "-qm", "deployed");
  const deployed = git("rev-parse", "HEAD");
  const tenantAdd = () =>
    execFileSync("npm", ["run", "--silent", "tenant", "--", "add", "zeta-labs", "--name", "Zeta Labs", "--region", "aws-eu-central-1", "--residency", "EU"], {
      cwd: dir,
      encoding: "utf8",
      stdio: "pipe",
    });
  tenantAdd();
  git("commit", "-qam", "signup: zeta-labs");
  const added = git("rev-parse", "HEAD");
  writeFileSync(path.join(dir, "components/README-note.ts"), "// a change beside the tenant\nexport const note = 1;\n");
  git("add", "components/README-note.ts");
  git("commit", "-qm", "a code change after the signup");
  const withCode = git("rev-parse", "HEAD");
  // A deployed commit whose checker cannot plan, and a pure addition on top of it.
  git("checkout", "-q", "-b", "broken", deployed);
  writeFileSync(path.join(dir, "scripts/plan.ts"), 'process.stderr.write("the checker broke\\n");\nprocess.exit(70);\n');
  git("commit", "-qam", "a checker that fails");
  const brokenChecker = git("rev-parse", "HEAD");
  tenantAdd();
  git("commit", "-qam", "signup on top of it");
  const addedOnBroken = git("rev-parse", "HEAD");
  // A pull request merged with a merge commit (not squashed) right on top of the deployed
  // commit: main's head then has the parents a test merge has (the base, the pull request's head).
  git("checkout", "-q", "-b", "side", deployed);
  tenantAdd();
  git("commit", "-qam", "signup on a branch");
  git("checkout", "-q", "-b", "merged", deployed);
  git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from example-saas/side", "side");
  const mergeCommit = git("rev-parse", "HEAD");
  const prod = JSON.stringify({ include: [{ stack: "prod" }] });

  function decide(head: string, env: Record<string, string>) {
    git("checkout", "-q", "--detach", head);
    const work = mkdtempSync(path.join(tmpdir(), "tf-fast-work-"));
    const out = path.join(work, "out");
    writeFileSync(out, "");
    const r = spawnSync("bash", ["--noprofile", "--norc", path.join(ROOT, "src/operations/sh/deploy-fast-path.sh")], {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GITHUB_OUTPUT: out,
        HEAD_SHA: head,
        STACKS: prod,
        WORK: work,
        CHECKER_INSTALL: `ln -s ${path.join(ROOT, "node_modules")} node_modules`,
        ...env,
      },
    });
    expect(r.status, r.stderr).toBe(0);
    const outputs: Record<string, string> = Object.fromEntries(
      readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    return { fast: outputs.fast, added: outputs.added, reason: outputs.reason, log: r.stdout, work };
  }

  it("is fast when everything since the deployed commit adds tenants and nothing else", () => {
    const r = decide(added, { DEPLOYED: deployed });
    expect(r).toMatchObject({ fast: "true", added: "zeta-labs", reason: "tenants added, nothing else changed: zeta-labs" });
    // The verdict is the deployed commit's, about this very commit.
    const verdict = JSON.parse(readFileSync(path.join(r.work, "fast-path-verdicts/tenant-diff-prod/verdict.json"), "utf8"));
    expect(verdict).toMatchObject({ stack: "prod", eligible: true, headSha: added, baseSha: deployed, added: ["zeta-labs"] });
  }, 180_000);

  it("is fast for a merge commit on top of the deployed one, and the verdict names that merge commit (hostile review F10)", () => {
    expect(git("rev-list", "--parents", "-n", "1", mergeCommit).split(" ").slice(1)[0]).toBe(deployed);
    const r = decide(mergeCommit, { DEPLOYED: deployed });
    // The verdict once named the merge's second parent, as for a pull request's test merge, and so
    // never matched --head-sha: the fast path could not fire for such a merge.
    expect(r).toMatchObject({ fast: "true", added: "zeta-labs" });
    const verdict = JSON.parse(readFileSync(path.join(r.work, "fast-path-verdicts/tenant-diff-prod/verdict.json"), "utf8"));
    expect(verdict).toMatchObject({ eligible: true, headSha: mergeCommit, baseSha: deployed });
  }, 180_000);

  it("waits for the reviewers when a commit since changed anything else", () => {
    const r = decide(withCode, { DEPLOYED: deployed });
    expect(r).toMatchObject({ fast: "false", added: "" });
    // Decided by the trees, before anything of this commit is installed or run: no checker was
    // even made, so this commit's program never ran beside it (it once did, unsandboxed, and
    // could rewrite the checker: hostile review F1).
    expect(r.reason).toMatch(/^files other than the tenants files changed since [0-9a-f]{12}: components\/README-note\.ts/);
    expect(existsSync(path.join(r.work, "deployed-checker"))).toBe(false);
  }, 180_000);

  it("waits when no deployed commit is known, or it is not in the repository", () => {
    expect(decide(added, { DEPLOYED: "" })).toMatchObject({ fast: "false", reason: "no deployed commit is known: the prod reviewers decide" });
    expect(decide(added, { DEPLOYED: "f".repeat(40) }).reason).toBe(`the deployed commit ${"f".repeat(12)} and this one cannot be compared`);
  }, 60_000);

  it("waits when the deployed commit's checker cannot be installed or fails", () => {
    expect(decide(added, { DEPLOYED: deployed, CHECKER_INSTALL: "false" })).toMatchObject({
      fast: "false",
      reason: "the deployed commit's checker could not be installed",
    });
    const r = decide(addedOnBroken, { DEPLOYED: brokenChecker });
    expect(r.fast).toBe("false");
    expect(r.reason).toBe("a person reviews: prod: its tenant diff left no verdict (it failed or did not run)");
    expect(r.log).toContain("prod: the deployed commit's checker exited 70 (the checker broke)");
  }, 120_000);
});
