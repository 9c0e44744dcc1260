/** This stack's own CI workflows: GitHub's parser, pinned actions, permissions, and when `pulumi up` may run. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { unpinnedActions } from "../policies/rules/workflowActionsPinned";
import { credentialFindings } from "../policies/rules/workflowNoLiteralCredentials";
import { ROOT } from "./program";
import { workflowErrors } from "./workflowParser";
import { HEAD_INSTALL, trustFindings, type Workflow } from "./ciTrust";
import { PROD_ENVIRONMENT_CHOICE } from "../src/core/repositoryContract";

const read = (name: string) => readFileSync(path.join(ROOT, ".github/workflows", name), "utf8");
type Job = {
  permissions?: Record<string, string>;
  steps: { id?: string; name?: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown> }[];
  needs?: string | string[];
  environment?: string;
  if?: string;
};

describe.each([
  "preview.yml",
  "tenant-diff.yml",
  "deploy.yml",
  "tenant-restore.yml",
  "tenant-export.yml",
  "tenant-erase.yml",
  "tenant-move.yml",
  "tenant-signup.yml",
  "drift.yml",
])("%s", (name) => {
  const text = read(name);
  const wf = parse(text);
  const jobs = wf.jobs as Record<string, Job>;

  it("passes GitHub's workflow parser", async () => {
    expect(await workflowErrors(name, text)).toEqual([]);
  });

  it("pins every action to a commit SHA with its version, and holds no literal credential", () => {
    expect(unpinnedActions(text)).toEqual([]);
    for (const line of text.split("\n").filter((l) => /^\s*(- )?uses:/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    expect(credentialFindings(text)).toEqual([]);
  });

  it("grants nothing at the top and least privilege per job", () => {
    expect(wf.permissions).toEqual({});
    for (const [id, job] of Object.entries(jobs)) {
      expect(job.permissions, id).toBeDefined();
      expect(job.permissions!.contents, id).toBe("read");
      const aws = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      expect(job.permissions!["id-token"], id).toBe(aws ? "write" : undefined);
    }
  });
});

describe("when pulumi runs", () => {
  const preview = parse(read("preview.yml"));
  const tenantDiff = parse(read("tenant-diff.yml"));
  const deploy = parse(read("deploy.yml"));
  const commands = (wf: { jobs: Record<string, Job> }) =>
    Object.values(wf.jobs).flatMap((j) =>
      j.steps
        .filter((s) => s.uses?.startsWith("pulumi/actions@"))
        .map((s) => s.with?.command)
        .filter((c) => c !== undefined),
    );

  it("previews on pull requests with the policy pack, outputs suppressed, never up", () => {
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    // Only prose skips the preview: every folder of code, today's and tomorrow's, runs it.
    expect(preview.on.pull_request.paths).toBeUndefined();
    expect(preview.on.pull_request["paths-ignore"]).toEqual(["**.md", "docs/**"]);
    expect(commands(preview)).toEqual([]);
    const step = preview.jobs.preview.steps.find((s: { id?: string }) => s.id === "preview");
    expect(step.run).toContain(
      'pulumi preview --stack "${STACK}" --policy-pack policies --policy-pack-config "${POLICY_CONFIG}" --diff --suppress-outputs --non-interactive',
    );
    expect(step.env).toMatchObject({ STACK: "${{ matrix.stack }}", POLICY_CONFIG: "${{ matrix.policyConfig }}" });
    // Every stack of the project, from its stack files.
    expect(preview.jobs.preview.strategy.matrix).toBe("${{ fromJSON(needs.stacks.outputs.all) }}");
    expect(tenantDiff.jobs["tenant-diff"].strategy.matrix).toBe("${{ fromJSON(needs.stacks.outputs.all) }}");
    expect(preview.jobs.preview.needs).toEqual(["stacks", "test"]);
    expect(preview.jobs.preview.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(preview.jobs.preview.environment).toBe("preview");
  });

  it("comments each stack's report as its own comment, from artifacts, in jobs that run no code of the pull request", () => {
    for (const [wf, job, kind, source] of [
      [tenantDiff, "comment-tenant-diff", "tenant-diff", "tenant-diff"],
      [preview, "comment-preview", "preview", "preview"],
    ] as const) {
      const preview = wf;
      const upload = preview.jobs[source].steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/upload-artifact@"));
      expect(upload).toMatchObject({ if: "always()", with: { name: `${kind}-\${{ matrix.stack }}`, path: "report/" } });
      expect(preview.jobs[source].steps.find((s: { id?: string }) => s.id === source.replace("tenant-", "")).run).toMatch(
        new RegExp(`report="(\\.\\./)?report/${kind}-\\$\\{STACK\\}"`),
      );
      const steps = preview.jobs[job].steps;
      expect(preview.jobs[job].needs).toBe(source);
      expect(steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/download-artifact@")).with).toEqual({
        pattern: `${kind}-*`,
        path: "reports",
        "merge-multiple": true,
      });
      expect(steps.at(-1).run).toBe("set -euo pipefail\nnode scripts/pr-comment.mjs --from reports\n");
      expect(preview.jobs[job].permissions).toEqual({ contents: "read", "pull-requests": "write" });
    }
  });

  it("runs the tenant diff with the base branch's checker on the pull request merged into it, and fails on unacknowledged destructive changes", () => {
    expect(Object.keys(tenantDiff.on)).toEqual(["pull_request_target"]);
    expect(tenantDiff.on.pull_request_target.branches).toEqual(["main"]);
    const steps = tenantDiff.jobs["tenant-diff"].steps as Job["steps"];
    const checkouts = steps.filter((s) => s.uses?.startsWith("actions/checkout@")).map((s) => s.with);
    expect(checkouts).toEqual([
      { path: "base", "persist-credentials": false },
      { ref: "refs/pull/${{ github.event.pull_request.number }}/merge", path: "head", "persist-credentials": false },
    ]);
    const diff = steps.find((s) => s.id === "diff") as Job["steps"][number] & { "working-directory": string };
    expect(diff["working-directory"]).toBe("base");
    expect(diff.run).toContain(
      'npm run --silent plan -- --stack "${STACK}" --head ../head --sandbox --format md --verdict "${report}/verdict.json" > "${report}/comment.md" 2> ../plan-errors.txt || status=$?',
    );
  });

  it("plans the pull request's program in bubblewrap, installed first, and fails in that same step, by binaries no PATH entry can replace", () => {
    const steps = tenantDiff.jobs["tenant-diff"].steps as (Job["steps"][number] & { shell?: string })[];
    // Installed before any checkout: nothing of the pull request is on the runner yet.
    expect(steps[0].run).toMatch(/^\/usr\/bin\/sudo \/usr\/bin\/apt-get install -y -q --no-install-recommends bubblewrap$/m);
    expect(steps[0].run).toContain(`/usr/bin/bwrap --version`);
    // Ubuntu's documented profile for bwrap when unprivileged user namespaces are restricted.
    expect(steps[0].run).toContain(`'profile bwrap /usr/bin/bwrap flags=(unconfined) {' '  userns,' '}'`);
    const diff = steps.find((s) => s.id === "diff")!;
    expect(diff.shell).toBe("/usr/bin/bash --noprofile --norc -euo pipefail {0}");
    expect(diff.run!.trim().split("\n").at(-1)).toBe('exit "${status}"');
    // After the diff, only the artifact upload (the runner's own node): no step decides the verdict later.
    expect(steps.slice(steps.indexOf(diff) + 1).map((s) => s.uses?.split("@")[0])).toEqual(["actions/upload-artifact"]);
    // A report that could not be written says so without quoting anything the plan printed (plan --format md fences the head's errors itself).
    expect(diff.run).not.toMatch(/~~~|```/);
    expect(diff.run!.match(/plan-errors\.txt.*/g)).toEqual(["plan-errors.txt || status=$?", "plan-errors.txt"]);
    // In the log, the head's errors cannot issue workflow commands: they are off, under a token made after the head ran.
    expect(diff.run).toContain('echo "::stop-commands::${token}"\n/usr/bin/cat ../plan-errors.txt\necho "::${token}::"\n');
    expect(diff.run).toContain("token=\"$(/usr/bin/od -An -N16 -tx1 /dev/urandom | /usr/bin/tr -d ' \\n')\"");
  });

  it("updates on merge: the dev stacks, then the prod stacks behind their environment, one deploy at a time", () => {
    expect(Object.keys(deploy.on)).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.on.push.branches).toEqual(["main"]);
    expect(deploy.concurrency).toEqual({ group: "tenant-fleet-deploy", "cancel-in-progress": false });
    expect(commands(deploy)).toEqual(["up", "up"]);
    expect(deploy.jobs["up-dev"]).toMatchObject({
      needs: ["stacks", "test"],
      environment: "dev",
      if: "github.ref == 'refs/heads/main' && needs.stacks.outputs.dev_count != '0'",
    });
    // Behind the prod reviewers, unless the deployed commit's checker proved a pure tenant addition.
    expect(deploy.jobs["up-prod"]).toMatchObject({ needs: ["stacks", "test", "up-dev", "fast-path"], environment: PROD_ENVIRONMENT_CHOICE });
    // Prod runs after dev succeeded or when there is no dev stack, never after a failure; a failed fast path only means "wait".
    expect(deploy.jobs["up-prod"].if).toBe(
      "${{ !cancelled() && needs.stacks.result == 'success' && needs.test.result == 'success' && (needs.up-dev.result == 'success' || needs.up-dev.result == 'skipped') && github.ref == 'refs/heads/main' && needs.stacks.outputs.prod_count != '0' }}",
    );
    expect(deploy.jobs["fast-path"]).toMatchObject({
      needs: "stacks",
      if: "github.ref == 'refs/heads/main' && needs.stacks.outputs.prod_count != '0'",
      permissions: { contents: "read", actions: "read", deployments: "read" },
      outputs: { fast: "${{ steps.decide.outputs.fast }}", added: "${{ steps.decide.outputs.added }}", deployed: "${{ steps.deployed.outputs.sha }}" },
    });
    expect(deploy.jobs["fast-path"].environment).toBeUndefined();
    for (const [job, tier] of [
      ["up-dev", "dev"],
      ["up-prod", "prod"],
    ]) {
      expect(deploy.jobs[job].strategy).toEqual({ "fail-fast": false, "max-parallel": 2, matrix: `\${{ fromJSON(needs.stacks.outputs.${tier}) }}` });
      const step = deploy.jobs[job].steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
      expect(step.with).toMatchObject({ command: "up", "stack-name": "${{ matrix.stack }}", policyPackConfigs: "${{ matrix.policyConfig }}", parallel: 10 });
    }
  });

  it.each([
    ["preview.yml", preview],
    ["deploy.yml", deploy],
  ])("%s skips ts-node's type check only in jobs that wait for npm test, which type-checks", (_, wf) => {
    const jobs = wf.jobs as Record<string, Job>;
    expect(jobs.test.steps.map((s) => s.run)).toContain("npm test");
    const runsPulumi = (s: Job["steps"][number]) => (s.uses?.startsWith("pulumi/actions@") && s.with?.command) || /\bpulumi (preview|up)\b/.test(s.run ?? "");
    const pulumiJobs = Object.entries(jobs).filter(([, j]) => j.steps.some(runsPulumi));
    expect(pulumiJobs.length).toBeGreaterThan(0);
    for (const [id, job] of pulumiJobs) {
      expect(job.needs, id).toContain("test");
      const step = job.steps.find(runsPulumi)!;
      expect(step.env?.PULUMI_NODEJS_TRANSPILE_ONLY, id).toBe("true");
    }
  });

  it.each([
    ["preview.yml", preview],
    ["deploy.yml", deploy],
  ])("%s lists the stacks with npm run stacks into the job outputs it reads", (_, wf) => {
    const job = wf.jobs.stacks;
    const step = job.steps.find((s: { id?: string }) => s.id === "list");
    expect(step.run).toMatch(/npm run --silent stacks -- (--tiers-from "\$\{base\}" )?--github-output >> "\$\{GITHUB_OUTPUT\}"/);
    const read = new Set([...JSON.stringify(wf.jobs).matchAll(/needs\.stacks\.outputs\.(\w+)/g)].map((m) => m[1]));
    expect(Object.keys(job.outputs).sort()).toEqual([...read].sort());
    for (const [key, value] of Object.entries(job.outputs)) expect(value).toBe(`\${{ steps.list.outputs.${key} }}`);
  });
});

describe("trust boundaries of this stack's own CI", () => {
  const preview = parse(read("preview.yml")) as Workflow;
  const tenantDiff = parse(read("tenant-diff.yml")) as Workflow;
  const deploy = parse(read("deploy.yml")) as Workflow;
  const plant = (wf: Workflow, change: (copy: Workflow) => void): Workflow => {
    const copy = structuredClone(wf);
    change(copy);
    return copy;
  };
  const step = (wf: Workflow, job: string, test: (s: Job["steps"][number]) => boolean) => wf.jobs[job].steps.find(test)!;

  it("hold on the real files: no pull-request job can write or decrypt without approval, deploy credentials only in dev and prod on main", () => {
    expect(trustFindings("preview.yml", preview)).toEqual([]);
    expect(trustFindings("tenant-diff.yml", tenantDiff)).toEqual([]);
    expect(trustFindings("deploy.yml", deploy)).toEqual([]);
  });

  it("give the preview only the read-only Pulumi token and the passphrase, behind the preview environment", () => {
    const names = JSON.stringify(preview.jobs.preview).match(/secrets\.\w+/g);
    expect([...new Set(names)].sort()).toEqual(["secrets.PULUMI_ACCESS_TOKEN", "secrets.PULUMI_CONFIG_PASSPHRASE"]);
    for (const [id, job] of Object.entries(preview.jobs)) if (id !== "preview") expect(JSON.stringify(job), id).not.toMatch(/secrets\./);
    expect(JSON.stringify(tenantDiff)).not.toMatch(/secrets\./);
  });

  it.each<[string, "preview" | "deploy" | "tenant-diff", (wf: Workflow) => void, RegExp]>([
    [
      "the organisation's Neon key in the preview",
      "preview",
      (wf) => (step(wf, "preview", (s) => s.id === "preview").env!.NEON_API_KEY = "${{ secrets.NEON_API_KEY }}"),
      /preview: a pull-request job holds NEON_API_KEY/,
    ],
    [
      "a secret in a job without approval",
      "preview",
      (wf) => (step(wf, "test", (s) => s.run === "npm test").env = { PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" }),
      /test: holds secrets \(PULUMI_CONFIG_PASSPHRASE\) without waiting for approval/,
    ],
    [
      "every secret at once",
      "preview",
      (wf) => (step(wf, "test", (s) => s.run === "npm test").env = { ALL: "${{ toJSON(secrets) }}" }),
      /test: reads every secret at once/,
    ],
    ["the prod environment in a pull request", "preview", (wf) => (wf.jobs.preview.environment = "prod"), /preview: a pull-request job names environment prod/],
    [
      "a write token next to the pull request's code",
      "preview",
      (wf) => (wf.jobs.test.permissions!["pull-requests"] = "write"),
      /test: runs the pull request's code with pull-requests: write/,
    ],
    [
      "the comment job running npm",
      "preview",
      (wf) => wf.jobs["comment-preview"].steps.push({ run: "npm ci" }),
      /comment-preview: a job that writes runs more than the comment script/,
    ],
    [
      "the comment job checking out everything",
      "tenant-diff",
      (wf) => delete step(wf, "comment-tenant-diff", (s) => !!s.uses?.startsWith("actions/checkout@")).with!["sparse-checkout"],
      /comment-tenant-diff: a job that writes checks out more than the comment script/,
    ],
    [
      "pulumi/actions commenting itself",
      "preview",
      (wf) =>
        Object.assign(
          step(wf, "preview", (s) => !!s.uses?.startsWith("pulumi/actions@")),
          { with: { command: "preview", "comment-on-pr": true } },
        ),
      /pulumi\/actions runs "preview"/,
    ],
    [
      "outputs shown",
      "preview",
      (wf) => (step(wf, "preview", (s) => s.id === "preview").run = step(wf, "preview", (s) => s.id === "preview").run!.replace(" --suppress-outputs", "")),
      /pulumi preview without --suppress-outputs/,
    ],
    ["workflow_run", "preview", (wf) => (wf.on = { workflow_run: {} }), /triggered by workflow_run/],
    [
      "pull_request_target around the preview's secrets",
      "preview",
      (wf) => (wf.on = { pull_request_target: {} }),
      /preview: a pull_request_target job reads secrets \(PULUMI_ACCESS_TOKEN, PULUMI_CONFIG_PASSPHRASE\)/,
    ],
    [
      "a secret in the diff",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => s.id === "diff").env!.NEON_API_KEY = "${{ secrets.NEON_API_KEY }}"),
      /tenant-diff: a pull_request_target job reads secrets \(NEON_API_KEY\)/,
    ],
    [
      "a cache in the diff",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => !!s.uses?.startsWith("actions/setup-node@")).with!.cache = "npm"),
      /tenant-diff: uses a cache/,
    ],
    [
      "the pull request's checkout keeping its token",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => s.with?.path === "head").with!["persist-credentials"] = true),
      /tenant-diff: a checkout keeps its credentials/,
    ],
    [
      "the pull request in the workspace root",
      "tenant-diff",
      (wf) => delete step(wf, "tenant-diff", (s) => s.with?.path === "head").with!.path,
      /tenant-diff: checks out the pull request into the workspace root/,
    ],
    [
      "the pull request's install scripts",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => s.run === HEAD_INSTALL).run = "npm ci"),
      /tenant-diff: runs "npm ci" in the pull request's checkout/,
    ],
    [
      "the pull request's .npmrc",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => s.run === HEAD_INSTALL).run = "npm ci --ignore-scripts"),
      /tenant-diff: runs "npm ci --ignore-scripts" in the pull request's checkout/,
    ],
    [
      "the pull request's install without the base's guard (its workspaces could lead outside head/)",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => s.run === HEAD_INSTALL).run = "rm -f .npmrc && npm ci --ignore-scripts --no-audit --no-fund"),
      /tenant-diff: runs "rm -f \.npmrc && npm ci --ignore-scripts --no-audit --no-fund" in the pull request's checkout/,
    ],
    [
      "the pull request's checker",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => s.id === "diff")["working-directory"] = "head"),
      /tenant-diff: runs "report=.*" in the pull request's checkout/,
    ],
    [
      "no bubblewrap",
      "tenant-diff",
      (wf) => wf.jobs["tenant-diff"].steps.shift(),
      /tenant-diff: bubblewrap is not installed before the pull request is checked out/,
    ],
    [
      "bubblewrap installed after the pull request is on the runner",
      "tenant-diff",
      (wf) => wf.jobs["tenant-diff"].steps.splice(3, 0, wf.jobs["tenant-diff"].steps.shift()!),
      /tenant-diff: bubblewrap is not installed before the pull request is checked out/,
    ],
    [
      "the diff's shell from PATH",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => s.id === "diff").shell = "bash"),
      /tenant-diff: the step that plans the pull request's program finds its shell on PATH \(shell: bash\)/,
    ],
    [
      "a tool from PATH after the plan",
      "tenant-diff",
      (wf) =>
        (step(wf, "tenant-diff", (s) => s.id === "diff").run = step(wf, "tenant-diff", (s) => s.id === "diff").run!.replace(
          "/usr/bin/cat ../plan-errors.txt",
          "cat ../plan-errors.txt",
        )),
      /tenant-diff: runs "cat" from PATH after the pull request's program ran/,
    ],
    [
      "a tool from PATH in a substitution after the plan",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => s.id === "diff").run = step(wf, "tenant-diff", (s) => s.id === "diff").run!.replace("$(/usr/bin/od", "$(od")),
      /tenant-diff: runs "od" from PATH after the pull request's program ran/,
    ],
    [
      "a verdict that is not the plan's",
      "tenant-diff",
      (wf) =>
        (step(wf, "tenant-diff", (s) => s.id === "diff").run = step(wf, "tenant-diff", (s) => s.id === "diff").run!.replace('exit "${status}"', "exit 0")),
      /tenant-diff: the verdict is not the planning step's exit status/,
    ],
    [
      "a later verdict step",
      "tenant-diff",
      (wf) => wf.jobs["tenant-diff"].steps.push({ if: "steps.diff.outputs.status != '0'", shell: "bash", run: "exit 1" }),
      /tenant-diff: runs "exit 1" after the pull request's program ran; decide in the step that plans it/,
    ],
    [
      "the program planned outside the sandbox",
      "tenant-diff",
      (wf) => (step(wf, "tenant-diff", (s) => s.id === "diff").run = step(wf, "tenant-diff", (s) => s.id === "diff").run!.replace(" --sandbox", "")),
      /tenant-diff: plans the pull request's program outside the sandbox/,
    ],
    [
      "a write token beside the pull request's checkout",
      "tenant-diff",
      (wf) => (wf.jobs["tenant-diff"].permissions!["pull-requests"] = "write"),
      /tenant-diff: checks out the pull request with pull-requests: write/,
    ],
    [
      "a secret at job level",
      "deploy",
      (wf) => (wf.jobs["up-prod"].env = { NEON_API_KEY: "${{ secrets.NEON_API_KEY }}" }),
      /up-prod: job-level env holds secrets \(NEON_API_KEY\)/,
    ],
    [
      "deploy credentials outside an environment",
      "deploy",
      (wf) => delete wf.jobs["up-prod"].environment,
      /up-prod: holds NEON_API_KEY, TENANT_FLEET_APP_PRIVATE_KEY, PULUMI_ACCESS_TOKEN, PULUMI_CONFIG_PASSPHRASE outside the dev, prod and tenant-operation environments|up-prod: holds TENANT_FLEET_APP_PRIVATE_KEY/,
    ],
    [
      "a dispatch on any branch",
      "deploy",
      (wf) => (wf.jobs["up-dev"].if = "needs.stacks.outputs.dev_count != '0'"),
      /up-dev: holds secrets without checking github.ref == 'refs\/heads\/main'/,
    ],
    [
      "an install after the credentials",
      "deploy",
      (wf) => wf.jobs["up-prod"].steps.splice(-1, 0, { run: "npm install left-pad" }),
      /up-prod: "npm install left-pad" installs after credentials are in the job/,
    ],
    [
      "a personal token instead of the App's",
      "deploy",
      (wf) => (step(wf, "up-prod", (s) => s.with?.command === "up").env!.GITHUB_TOKEN = "${{ secrets.TENANT_FLEET_GITHUB_TOKEN }}"),
      /up-prod: pulumi up's GitHub token is not the App installation token/,
    ],
    [
      "an App token for every repository",
      "deploy",
      (wf) => delete step(wf, "up-dev", (s) => !!s.uses?.startsWith("actions/create-github-app-token@")).with!.repositories,
      /up-dev: the App token is not scoped to the stack's one application repository/,
    ],
    [
      "prod-additions without the fast path's decision",
      "deploy",
      (wf) => (wf.jobs["up-prod"].environment = "prod-additions"),
      /up-prod: names environment prod-additions other than through the fast path's decision/,
    ],
    [
      "prod-additions for the dev stacks",
      "deploy",
      (wf) => (wf.jobs["up-dev"].environment = PROD_ENVIRONMENT_CHOICE),
      /up-dev: names environment prod-additions other than through the fast path's decision/,
    ],
    [
      "an environment chosen by another expression",
      "deploy",
      (wf) => (wf.jobs["up-prod"].environment = "${{ needs.fast-path.outputs.fast == 'true' && 'preview' || 'prod' }}"),
      /up-prod: holds .* outside the dev, prod and tenant-operation environments/,
    ],
    [
      "a secret in the fast-path job",
      "deploy",
      (wf) => (step(wf, "fast-path", (s) => s.id === "decide").env!.NEON_API_KEY = "${{ secrets.NEON_API_KEY }}"),
      /up-prod: the fast-path job holds secrets \(NEON_API_KEY\)/,
    ],
    [
      "a fast-path job that can write",
      "deploy",
      (wf) => (wf.jobs["fast-path"].permissions!.deployments = "write"),
      /up-prod: the fast-path job can write \(deployments\)/,
    ],
    [
      "a decision that is not the deployed commit's checker",
      "deploy",
      (wf) => (step(wf, "fast-path", (s) => s.id === "decide").run = 'echo fast=true >> "${GITHUB_OUTPUT}"'),
      /up-prod: the fast path's decision is not the deployed commit's checker/,
    ],
    [
      "up-prod not waiting for the fast path",
      "deploy",
      (wf) => (wf.jobs["up-prod"].needs = ["stacks", "test", "up-dev"]),
      /up-prod: does not wait for the fast-path job/,
    ],
    [
      "tiers from the merged files only",
      "deploy",
      (wf) => (step(wf, "stacks", (s) => s.id === "list").run = 'npm run --silent stacks -- --github-output >> "${GITHUB_OUTPUT}"\n'),
      /stacks: stack tiers do not consult the commit before the push/,
    ],
  ])("catch a planted violation: %s", (_, file, change, finding) => {
    const findings = trustFindings(`${file}.yml`, plant({ preview, deploy, "tenant-diff": tenantDiff }[file], change));
    expect(
      findings.some((f) => finding.test(f)),
      findings.join("\n"),
    ).toBe(true);
  });
});

describe("deploy.yml's base for stack tiers, run under bash", () => {
  const script = (parse(read("deploy.yml")) as Workflow).jobs.stacks.steps.find((s) => s.id === "list")!.run!;
  const dir = mkdtempSync(path.join(tmpdir(), "tf-tiers-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, encoding: "utf8" }).trim();
  git("init", "-q");
  git("commit", "-q", "--allow-empty", "-m", "one");
  const first = git("rev-parse", "HEAD");
  git("commit", "-q", "--allow-empty", "-m", "two");
  git("commit", "-q", "--allow-empty", "-m", "three");
  const parent = git("rev-parse", "HEAD^");
  // npm stands in for itself: it prints the ref it was given.
  mkdirSync(path.join(dir, "bin"));
  writeFileSync(path.join(dir, "bin/npm"), '#!/bin/sh\nwhile [ "$1" != "--tiers-from" ]; do shift; done\necho "tiers-from=$2"\n', { mode: 0o755 });
  const run = (before: string | undefined) => {
    const out = path.join(dir, "out");
    const r = spawnSync("bash", ["--noprofile", "--norc", "-c", script], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, GITHUB_OUTPUT: out, ...(before === undefined ? {} : { BEFORE: before }) },
    });
    expect(r.status, r.stderr).toBe(0);
    return [...new Set(r.stdout.trim().split("\n"))];
  };

  it("is the commit before the push when the runner has it, else the first parent", () => {
    expect(run(first)).toEqual([`tiers-from=${first}`]);
    expect(run("")).toEqual([`tiers-from=${parent}`]);
    expect(run("0000000000000000000000000000000000000000")).toEqual([`tiers-from=${parent}`]);
    expect(run("deadbeef")).toEqual([`tiers-from=${parent}`]);
  });
});
