/**
 * The nightly drift workflow (src/operations/driftWorkflow.ts): the file is what the renderer
 * gives (GitHub's parser, pinning and permissions: test/ownCi.test.ts), it runs nothing that
 * writes, its credentials read only, and the job that writes issues runs nothing of the repository.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./program";
import { trustFindings, type Workflow } from "./ciTrust";
import { workflowErrors } from "./workflowParser";
import { DRIFT_APP_PERMISSIONS, DRIFT_CRON, DRIFT_WORKFLOW_PATH, renderDriftWorkflow } from "../src/operations/driftWorkflow";
import { DRIFT_ENVIRONMENT, DRIFT_SECRETS } from "../src/core/repositoryContract";
import { GITHUB_PERMISSIONS } from "../src/core/config/credentials";

const text = readFileSync(path.join(ROOT, DRIFT_WORKFLOW_PATH), "utf8");
const wf = parse(text) as Workflow & { on: Record<string, unknown> };

describe("drift.yml", () => {
  it("is what src/operations/driftWorkflow.ts renders (npm run generate writes it), and GitHub's parser takes it", async () => {
    expect(text).toBe(renderDriftWorkflow().content);
    expect(await workflowErrors("drift.yml", text)).toEqual([]);
  });

  it("runs nightly off the hour, and by hand", () => {
    expect(wf.on).toEqual({ schedule: [{ cron: DRIFT_CRON }], workflow_dispatch: {} });
    expect(DRIFT_CRON.split(" ")[0]).not.toBe("0");
  });

  it("keeps the trust rules: credentials in the drift environment, on main, after the installs", () => {
    expect(trustFindings("drift.yml", wf)).toEqual([]);
    expect(wf.jobs.drift.environment).toBe(DRIFT_ENVIRONMENT);
    expect(JSON.stringify(wf.jobs.stacks)).not.toMatch(/secrets\.|id-token/);
  });

  it("reads secrets by names of its own, which no other workflow reads (a missing environment secret falls back to a repository or organisation one of the same name)", () => {
    const secretsOf = (t: string) => new Set([...t.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]));
    const dir = path.join(ROOT, ".github/workflows");
    const others = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f) && f !== path.basename(DRIFT_WORKFLOW_PATH))
      .flatMap((f) => [...secretsOf(readFileSync(path.join(dir, f), "utf8"))]);
    const own = secretsOf(text);
    expect([...own].filter((n) => others.includes(n))).toEqual([]);
    // Each reaches the tool as the variable it reads.
    const env = wf.jobs.drift.steps.find((s) => s.run?.includes("pulumi preview") || JSON.stringify(s.env ?? {}).includes("NEON_API_KEY"))!.env!;
    for (const [variable, secret] of Object.entries(DRIFT_SECRETS)) expect(env[variable], variable).toBe(`\${{ secrets.${secret} }}`);
  });

  it("only previews: no pulumi command that writes state or resources", () => {
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ""));
    // Every pulumi command, wherever it stands on a line (comments and messages may name it): the refreshed preview, and the state export the pace counts.
    const lines = runs.flatMap((r) => r.split("\n")).filter((l) => !/^\s*(#|echo\s)/.test(l));
    const pulumi = lines.flatMap((l) => [...l.matchAll(/(?:^|[\s;&|(])pulumi\s+([^|;&]*)/g)].map((m) => m[1].trim()));
    expect(pulumi).toEqual([
      expect.stringMatching(/^stack export --stack "\$\{STACK\}" --file "\$\{RAW_DIR\}\/state\.json" 2>>/),
      expect.stringMatching(/^preview --stack "\$\{STACK\}" --refresh --expect-no-changes --json --suppress-outputs /),
    ]);
    for (const s of Object.values(wf.jobs).flatMap((j) => j.steps)) if (s.uses?.startsWith("pulumi/actions@")) expect(s.with?.command).toBeUndefined();
  });

  it("mints a GitHub App token that can only read, on the stack's one repository, for the permissions the stack's resources need", () => {
    const app = wf.jobs.drift.steps.find((s) => s.uses?.startsWith("actions/create-github-app-token@"))!;
    expect(app.with).toMatchObject({ owner: "${{ matrix.githubOwner }}", repositories: "${{ matrix.githubRepository }}", ...DRIFT_APP_PERMISSIONS });
    expect(Object.values(DRIFT_APP_PERMISSIONS).every((v) => v === "read")).toBe(true);
    const needed = GITHUB_PERMISSIONS.map((p) => `permission-${p.permission.toLowerCase()}`).filter((p) => p !== "permission-workflows");
    expect(Object.keys(DRIFT_APP_PERMISSIONS).sort()).toEqual(needed.sort());
  });

  it("writes issues only from a job that checks out and runs nothing of the repository", () => {
    expect(wf.jobs.issue.permissions).toEqual({ contents: "read", issues: "write" });
    expect(wf.jobs.issue.steps.some((s) => s.uses?.startsWith("actions/checkout@"))).toBe(false);
    for (const j of ["stacks", "drift"])
      expect(
        Object.values(wf.jobs[j].permissions ?? {}).filter((v) => v === "write"),
        j,
      ).toEqual(j === "drift" ? ["write"] : []);
    expect(wf.jobs.drift.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(wf.jobs.issue.if).toContain("!cancelled()");
  });

  it("keeps only the report as an artifact, never the preview's JSON", () => {
    const upload = wf.jobs.drift.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    const compare = wf.jobs.drift.steps.find((s) => s.run?.includes("pulumi preview"))!;
    expect(upload.with!.path).toBe("${{ runner.temp }}/drift/${{ matrix.stack }}/");
    expect(compare.env!.RAW_DIR).toBe("${{ runner.temp }}/drift-raw");
  });

  it("runs bash that parses, with inputs through the environment only", () => {
    for (const job of Object.values(wf.jobs))
      for (const s of job.steps.filter((x) => x.run !== undefined)) {
        expect(s.shell, s.name).toBe("bash");
        expect(s.run, s.name).not.toMatch(/\$\{\{/);
        const r = spawnSync("bash", ["-n"], { input: s.run, encoding: "utf8" });
        expect(r.status, `${s.name}: ${r.stderr}`).toBe(0);
      }
  });
});
