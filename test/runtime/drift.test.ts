/**
 * The nightly drift workflow (.github/workflows/drift.yml), its drift and issue jobs run by the
 * suite's job runner as GitHub would run them, with only the stand-ins of
 * test/runtime/substitutions.ts (12-14): the Pulumi CLI answers with a recorded preview
 * (test/fixtures/drift/), Neon's organisation listing and GitHub's issues are loopback
 * stand-ins. Everything else runs for real: the compare script, `npm run regions -- --observe`,
 * `npm run drift -- report`, the artifact hand-over and the issue script.
 * A night with drift opens the stack's issue with the right classification; another drifting
 * night comments; a clean night closes it; a night that could not compare keeps it open.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob, type JobResult } from "./actions";
import { startFakeGithub, startFakeNeonOrganisation, type FakeGithub, type FakeNeonOrganisation } from "./services/fakeApis";
import { recordedPulumi, runnerSetup, type RunnerSetup } from "./substitutions";
import { ROOT } from "../program";
import { declaredByOrg } from "../../src/engine/declaredProjects";
import { DRIFT_WORKFLOW_PATH } from "../../src/operations/driftWorkflow";

const REPOSITORY = "example-saas/tenant-fleet";
const GITHUB_TOKEN = "ghs_drift_issue_job_token";
const NEON_KEY = "napi_drift_org_key";
const ORG = "org-quiet-river-40213377";
const WORKFLOW = fs.readFileSync(join(ROOT, DRIFT_WORKFLOW_PATH), "utf8");
const PROD = { stack: "prod", policyConfig: "policies/config.prod.json", githubOwner: "example-saas", githubRepository: "app", awsRegion: "eu-central-1" };
const recording = (name: string) => fs.readFileSync(join(ROOT, "test/fixtures/drift", name), "utf8");

describe("drift.yml, night by night", () => {
  let github: FakeGithub;
  let neon: FakeNeonOrganisation;
  let runner: RunnerSetup;
  let pulumi: ReturnType<typeof recordedPulumi>;
  let pulumiDir: string;
  let night = 0;

  beforeAll(async () => {
    github = await startFakeGithub(REPOSITORY, GITHUB_TOKEN);
    neon = await startFakeNeonOrganisation(ORG, NEON_KEY);
    // Every project the stacks declare in the organisation, where they declare it.
    neon.projects = (declaredByOrg(ROOT).get(ORG) ?? []).map((d, i) => ({
      id: `p-${String(i).padStart(4, "0")}`,
      name: d.name,
      region_id: d.regionId,
      created_at: "2026-11-01T00:00:00Z",
    }));
    runner = runnerSetup({ githubApi: github.url, neonApi: neon.url });
    pulumiDir = fs.mkdtempSync(join(os.tmpdir(), "tf-pulumi-standin-"));
    pulumi = recordedPulumi(pulumiDir);
  });
  afterAll(async () => {
    await github?.stop();
    await neon?.stop();
  });

  /** One night: the stack's drift job, then its issue job with the drift job's result and artifact. */
  async function runNight(options: { skipDrift?: boolean } = {}): Promise<{ drift?: JobResult; issue: JobResult }> {
    night += 1;
    const artifacts = fs.mkdtempSync(join(os.tmpdir(), "tf-drift-artifacts-"));
    const ctx = {
      repository: REPOSITORY,
      ref: "refs/heads/main",
      vars: { TENANT_FLEET_DRIFT_ROLE_ARN: "arn:aws:iam::111122223333:role/tenant-fleet-drift", TENANT_FLEET_DRIFT_APP_CLIENT_ID: "Iv23drift" },
      runId: String(7000 + night),
      workflowName: "drift",
      runnerEnv: runner.env,
    };
    const stacks = { result: "success", outputs: { all: JSON.stringify({ include: [PROD] }) } };
    const subs = runner.substitutions({
      repository: ROOT,
      pulumi: pulumiDir,
      artifacts,
      credentialsFor: () => ({ AWS_ACCESS_KEY_ID: "AKIDRIFTREADONLY", AWS_SECRET_ACCESS_KEY: "drift-secret" }),
    });
    const drift = options.skipDrift
      ? undefined
      : await runJob(
          WORKFLOW,
          "drift",
          PROD,
          {
            ...ctx,
            secrets: {
              // The drift environment's own names; the deploy's (NEON_API_KEY ...) would fall back to other secrets.
              TENANT_FLEET_DRIFT_NEON_API_KEY: NEON_KEY,
              TENANT_FLEET_DRIFT_PULUMI_ACCESS_TOKEN: "pul-read-only",
              TENANT_FLEET_DRIFT_PULUMI_CONFIG_PASSPHRASE: "pass",
              TENANT_FLEET_DRIFT_APP_PRIVATE_KEY: "pem",
            },
            needs: { stacks },
          },
          subs,
        );
    const issue = await runJob(
      WORKFLOW,
      "issue",
      PROD,
      { ...ctx, secrets: { GITHUB_TOKEN }, needs: { stacks, drift: { result: drift?.result ?? "cancelled" } } },
      runner.substitutions({ artifacts }),
    );
    return { drift, issue };
  }

  it("a night with drift: the drift job fails, and the stack's issue is opened with the classified differences", async () => {
    pulumi.record(recording("preview-drift.json"), 255);
    const { drift, issue } = await runNight();
    expect(drift!.result, drift!.log).toBe("failure");
    // Paced before it ran: the estimate from the state's counts and a timed Neon call, then the preview at that --parallel.
    const paced =
      /prod: \d+ tenants, [\d,]+ Neon and [\d,]+ GitHub calls; a Neon call took \d+ ms, so --parallel (\d+) keeps under 350 of Neon's 700 a minute .*; estimate [\d.]+ min, preview limit (\d+) min\./.exec(
        drift!.log,
      );
    expect(paced, drift!.log).not.toBeNull();
    expect(drift!.summary).toContain(paced![0]);
    expect(drift!.log).toContain(`pulumi preview --refresh --parallel ${paced![1]}: exit 255 (limit ${paced![2]} min)`);
    expect(fs.readFileSync(join(pulumiDir, "preview.args"), "utf8")).toContain(`--parallel ${paced![1]}`);
    expect(drift!.log).toContain("prod: drift (3 would lose data if reverted, 3 the next up reverts)");
    expect(issue.result, issue.log).toBe("success");
    expect(github.issues).toHaveLength(1);
    const opened = github.issues[0];
    expect(opened).toMatchObject({ title: "tenant-fleet: drift in stack prod", state: "open", labels: ["tenant-fleet-drift"] });
    const lose = opened.body.slice(opened.body.indexOf("Would lose data"), opened.body.indexOf("reverts these"));
    const revert = opened.body.slice(opened.body.indexOf("reverts these"));
    expect(lose).toContain("- **replace** `neon:index/project:Project` `northwind` (`pgVersion`)");
    expect(lose).toContain("`backups-eu-west-2-lifecycle` (`rules[0].expiration.days`)");
    expect(revert).toContain("- **update** `neon:index/project:Project` `acme-corp` (`defaultEndpointSettings.autoscalingLimitMaxCu`)");
    expect(revert).toContain("`tenant-pacific-health`");
    expect(opened.body).toContain("### Neon beside the tenants file: as declared");
    expect(opened.body).toContain(`[this run](https://github.com/${REPOSITORY}/actions/runs/7001)`);
    // The run's summary carries the API calls of the night, projected to 1,000 and 10,000 tenants.
    expect(drift!.summary).toMatch(/\| neon \| 700 a minute per Neon account \| [\d,]+ \(.*\) \| [\d,]+ \(.*\) \| [\d,]+ \(.*\) \|/);
    // The pace timed three one-project listings; the regions check listed the organisation once; both with the drift key.
    expect(neon.calls.map((c) => c.path)).toEqual([...Array(3).fill(`/projects?org_id=${ORG}&limit=1`), `/projects?org_id=${ORG}&limit=400`]);
  }, 180_000);

  it("another night with drift comments on the same issue", async () => {
    pulumi.record(recording("preview-drift.json"), 255);
    const { issue } = await runNight();
    expect(issue.result, issue.log).toBe("success");
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0].comments).toHaveLength(1);
    expect(github.issues[0].comments[0]).toContain("3 would lose data if reverted");
  }, 180_000);

  it("a night whose drift job reported nothing keeps the issue open and says so", async () => {
    const { issue } = await runNight({ skipDrift: true });
    expect(issue.result, issue.log).toBe("success");
    expect(github.issues[0].state).toBe("open");
    expect(github.issues[0].comments.at(-1)).toContain("wrote no report");
  }, 60_000);

  it("a clean night closes the issue", async () => {
    pulumi.record(recording("preview-clean.json"), 0);
    const { drift, issue } = await runNight();
    expect(drift!.result, drift!.log).toBe("success");
    expect(drift!.log).toContain("prod: no drift");
    expect(issue.result, issue.log).toBe("success");
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0].state).toBe("closed");
    expect(github.issues[0].comments.at(-1)).toContain("no drift in stack prod");
  }, 180_000);

  it("the stand-in refuses every pulumi command but the drift preview and its state export", () => {
    const r = spawnSync(join(pulumiDir, "pulumi"), ["up", "--yes"], { encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([2, expect.stringContaining("refused: pulumi up --yes")]);
  });
});
