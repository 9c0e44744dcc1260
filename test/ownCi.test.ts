/** This stack's own CI workflows: GitHub's parser, pinned actions, permissions, and when `pulumi up` may run. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { unpinnedActions } from "../policies/rules/workflowActionsPinned";
import { credentialFindings } from "../policies/rules/workflowNoLiteralCredentials";
import { ROOT } from "./program";
import { workflowErrors } from "./workflowParser";

const read = (name: string) => readFileSync(path.join(ROOT, ".github/workflows", name), "utf8");
type Job = { permissions?: Record<string, string>; steps: { uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown> }[]; needs?: string | string[]; environment?: string; if?: string };

describe.each(["preview.yml", "deploy.yml"])("%s", (name) => {
  const text = read(name);
  const wf = parse(text);
  const jobs = wf.jobs as Record<string, Job>;

  it("passes GitHub's workflow parser", async () => {
    expect(await workflowErrors(name, text)).toEqual([]);
  });

  it("pins every action to a commit SHA with its version, and holds no literal credential", () => {
    expect(unpinnedActions(text)).toEqual([]);
    for (const line of text.split("\n").filter((l) => /uses:/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    expect(credentialFindings(text)).toEqual([]);
  });

  it("grants nothing at the top and least privilege per job", () => {
    expect(wf.permissions).toEqual({});
    for (const [id, job] of Object.entries(jobs)) {
      expect(job.permissions, id).toBeDefined();
      expect(job.permissions!.contents, id).toBe("read");
      const pulumi = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
      expect(job.permissions!["id-token"], id).toBe(pulumi ? "write" : undefined);
    }
  });
});

describe("when pulumi runs", () => {
  const preview = parse(read("preview.yml"));
  const deploy = parse(read("deploy.yml"));
  const commands = (wf: { jobs: Record<string, Job> }) => Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith("pulumi/actions@")).map((s) => s.with?.command));

  it("previews on pull requests, with the policy pack and a PR comment, never up", () => {
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    expect(commands(preview)).toEqual(["preview"]);
    const step = preview.jobs.preview.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
    expect(step.with).toMatchObject({ "comment-on-pr": true, policyPacks: "policies", policyPackConfigs: "${{ matrix.policyConfig }}", "stack-name": "${{ matrix.stack }}" });
    // Every stack of the project, from its stack files.
    expect(preview.jobs.preview.strategy.matrix).toBe("${{ fromJSON(needs.stacks.outputs.all) }}");
    expect(preview.jobs["tenant-diff"].strategy.matrix).toBe("${{ fromJSON(needs.stacks.outputs.all) }}");
    expect(preview.jobs.preview.needs).toEqual(["stacks", "test", "tenant-diff"]);
    expect(preview.jobs.preview.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("runs the tenant diff against the base branch and fails on unacknowledged destructive changes", () => {
    const script = preview.jobs["tenant-diff"].steps.find((s: { id?: string }) => s.id === "diff").run as string;
    expect(script).toContain('npm run --silent plan -- --stack "${STACK}" --base "origin/${BASE_REF}" --format md');
    expect(preview.jobs["tenant-diff"].steps.at(-1).if).toBe("steps.diff.outputs.status != '0'");
  });

  it("updates on merge: the dev stacks, then the prod stacks behind their environment, one deploy at a time", () => {
    expect(Object.keys(deploy.on)).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.on.push.branches).toEqual(["main"]);
    expect(deploy.concurrency).toEqual({ group: "tenant-fleet-deploy", "cancel-in-progress": false });
    expect(commands(deploy)).toEqual(["up", "up"]);
    expect(deploy.jobs["up-dev"]).toMatchObject({ needs: ["stacks", "test"], environment: "dev", if: "needs.stacks.outputs.dev_count != '0'" });
    expect(deploy.jobs["up-prod"]).toMatchObject({ needs: ["stacks", "test", "up-dev"], environment: "prod" });
    // Prod runs after dev succeeded or when there is no dev stack, never after a failure.
    expect(deploy.jobs["up-prod"].if).toBe("${{ !cancelled() && !failure() && needs.stacks.outputs.prod_count != '0' }}");
    for (const [job, tier] of [["up-dev", "dev"], ["up-prod", "prod"]]) {
      expect(deploy.jobs[job].strategy).toEqual({ "fail-fast": false, "max-parallel": 2, matrix: `\${{ fromJSON(needs.stacks.outputs.${tier}) }}` });
      const step = deploy.jobs[job].steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
      expect(step.with).toMatchObject({ command: "up", "stack-name": "${{ matrix.stack }}", policyPackConfigs: "${{ matrix.policyConfig }}" });
    }
  });

  it.each([["preview.yml", preview], ["deploy.yml", deploy]])("%s skips ts-node's type check only in jobs that wait for npm test, which type-checks", (_, wf) => {
    const jobs = wf.jobs as Record<string, Job>;
    expect(jobs.test.steps.map((s) => s.run)).toContain("npm test");
    const pulumiJobs = Object.entries(jobs).filter(([, j]) => j.steps.some((s) => s.uses?.startsWith("pulumi/actions@")));
    expect(pulumiJobs.length).toBeGreaterThan(0);
    for (const [id, job] of pulumiJobs) {
      expect(job.needs, id).toContain("test");
      const step = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
      expect(step.env?.PULUMI_NODEJS_TRANSPILE_ONLY, id).toBe("true");
    }
  });

  it.each([["preview.yml", preview], ["deploy.yml", deploy]])("%s lists the stacks with npm run stacks into the job outputs it reads", (_, wf) => {
    const job = wf.jobs.stacks;
    const step = job.steps.find((s: { id?: string }) => s.id === "list");
    expect(step.run).toContain('npm run --silent stacks -- --github-output >> "${GITHUB_OUTPUT}"');
    const read = new Set([...JSON.stringify(wf.jobs).matchAll(/needs\.stacks\.outputs\.(\w+)/g)].map((m) => m[1]));
    expect(Object.keys(job.outputs).sort()).toEqual([...read].sort());
    for (const [key, value] of Object.entries(job.outputs)) expect(value).toBe(`\${{ steps.list.outputs.${key} }}`);
  });
});
