/**
 * The deploy's fast path against two attacks an independent hostile review found (each test
 * failed on the code before the fix):
 * F1: a commit that changes code as well as adding a tenant had its own program planned, without
 *     the sandbox, in the job that decides, and rewrote the deployed commit's checker before the
 *     verdict was combined: fast=true for a code change. Now nothing of this commit runs unless
 *     only tenants files changed since the deployed commit (deploy-only-tenants.sh).
 * F2: a re-run of an older deploy run (or a force push) skipped the newest deployed commit, not an
 *     ancestor of the re-run's commit, and judged against an older one: prod rolled back without
 *     a reviewer. Now the newest prod deploy decides or nothing does.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectFiles, ROOT } from "./program";

function gitIn(dir: string) {
  return (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, encoding: "utf8" }).trim();
}

describe("F2: a re-run of an older deploy run never judges against an older deployed commit", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "h2-deployed-"));
  const git = gitIn(dir);
  git("init", "-q", "-b", "main");
  const commits: string[] = [];
  for (const n of [1, 2, 3]) {
    git("commit", "-q", "--allow-empty", "-m", `c${n}`);
    commits.push(git("rev-parse", "HEAD"));
  }
  const [c1, c2, c3] = commits;
  mkdirSync(path.join(dir, ".bin"));
  writeFileSync(path.join(dir, ".bin/gh"), `#!/bin/sh\nexec node ${JSON.stringify(path.join(ROOT, "test/githubDeploysStandIn.mjs"))} "$@"\n`, { mode: 0o755 });
  let clock = 0;
  const at = () => new Date(Date.UTC(2026, 11, 1) + (clock += 60_000)).toISOString();
  const run = (sha: string, id: number) => ({
    id,
    head_sha: sha,
    head_branch: "main",
    event: "push",
    status: "completed",
    conclusion: "success",
    path: ".github/workflows/deploy.yml",
    created_at: at(),
  });
  let n = 1;
  const deployment = (sha: string, environment: string, ...states: string[]) => ({
    id: n++,
    sha,
    environment,
    created_at: at(),
    statuses: states.map((state) => ({ state, created_at: at() })),
  });

  it("a re-run of c2's deploy run after c3 was deployed finds no deployed commit: the prod reviewers decide", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "h2-world-")), "world.json");
    // c1, c2, c3 each deployed; the re-run is run 102 (c2's run keeps its id on a re-run).
    writeFileSync(
      file,
      JSON.stringify({
        runs: [run(c1, 101), run(c2, 102), run(c3, 103)],
        deployments: [
          deployment(c1, "prod", "success", "inactive"),
          deployment(c2, "prod-additions", "success", "inactive"),
          deployment(c3, "prod", "success"),
        ],
      }),
    );
    writeFileSync(`${file}.out`, "");
    const r = spawnSync("bash", ["--noprofile", "--norc", path.join(ROOT, "src/operations/sh/deploy-deployed-commit.sh")], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: `${path.join(dir, ".bin")}:${process.env.PATH}`,
        GH_WORLD: file,
        GITHUB_OUTPUT: `${file}.out`,
        GITHUB_REPOSITORY: "example-saas/tenant-fleet",
        ENVIRONMENTS: "prod prod-additions",
        WORKFLOW_FILE: ".github/workflows/deploy.yml",
        BRANCH: "main",
        HEAD_SHA: c2,
        RUN_ID: "102",
      },
    });
    expect(r.status, r.stderr).toBe(0);
    // What it should be: empty (the newest prod deploy, c3, is not behind this commit: a person decides).
    expect(readFileSync(`${file}.out`, "utf8")).toBe("sha=\n");
  });
});

describe("F1: a commit that changes code besides its tenants file never runs in the deciding job", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "h2-fast-path-"));
  const git = gitIn(dir);
  for (const f of projectFiles()) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  git("init", "-q", "-b", "main");
  writeFileSync(path.join(dir, ".git/info/exclude"), "node_modules\n");
  git("add", "-A");
  git("commit", "-qm", "deployed");
  const deployed = git("rev-parse", "HEAD");
  execFileSync("npm", ["run", "--silent", "tenant", "--", "add", "zeta-labs", "--name", "Zeta Labs", "--region", "aws-eu-central-1", "--residency", "EU"], {
    cwd: dir,
    stdio: "pipe",
  });
  // A reviewed-by-anyone code change (not .github/**, not deploy-*.sh): index.ts gains a side effect.
  const index = readFileSync(path.join(dir, "index.ts"), "utf8");
  writeFileSync(
    path.join(dir, "index.ts"),
    `import { writeFileSync as __w } from "node:fs";\nif (process.env.WORK) __w(process.env.WORK + "/deployed-checker/scripts/signup.ts", 'process.stdout.write("eligible=true\\\\nadded=zeta-labs\\\\ndescription=tenants added, nothing else changed: zeta-labs\\\\n");\\n');\n${index}`,
  );
  git("commit", "-qam", "signup + index.ts side effect");
  const head = git("rev-parse", "HEAD");

  it("is not fast, and its program never ran (its side effect is absent)", () => {
    const work = mkdtempSync(path.join(tmpdir(), "h2-fast-work-"));
    const out = path.join(work, "out");
    writeFileSync(out, "");
    const r = spawnSync("bash", ["--noprofile", "--norc", path.join(ROOT, "src/operations/sh/deploy-fast-path.sh")], {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GITHUB_OUTPUT: out,
        HEAD_SHA: head,
        DEPLOYED: deployed,
        STACKS: JSON.stringify({ include: [{ stack: "prod" }] }),
        WORK: work,
        CHECKER_INSTALL: `ln -s ${path.join(ROOT, "node_modules")} node_modules`,
      },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("fast=false");
    expect(r.stdout).toContain("files other than the tenants files changed since");
    expect(r.stdout).toContain("index.ts");
    // The head's index.ts would have written the checker's signup.ts: no checker was even made.
    expect(existsSync(path.join(work, "deployed-checker"))).toBe(false);
  }, 240_000);
});
