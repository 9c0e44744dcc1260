/**
 * This repository's tenant-operation workflows (src/operations/workflows.ts): the files are
 * what the renderer gives, GitHub's parser takes them (test/ownCi.test.ts runs it with the
 * pinning and permission checks), the trust rules hold, and the plan job's own script,
 * run under bash here, plans with the inputs as data: a hostile input is refused, never run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./program";
import { trustFindings, type Workflow } from "./ciTrust";
import { OPERATION_WORKFLOWS, operationWorkflowPath, renderOperationWorkflows } from "../src/operations/workflows";

const files = renderOperationWorkflows();

describe.each(OPERATION_WORKFLOWS.map((s) => [s.kind, s] as const))("tenant-%s.yml", (kind, spec) => {
  const file = operationWorkflowPath(kind);
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const wf = parse(text) as Workflow & { on: { workflow_dispatch: { inputs: Record<string, unknown> } } };

  it("is what src/operations/workflows.ts renders (npm run generate writes it)", () => {
    expect(text).toBe(files.find((f) => f.path === file)!.content);
  });

  it("keeps its secrets in the apply job, behind approval in its environment, on main only", () => {
    expect(trustFindings(file, wf)).toEqual([]);
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    expect(JSON.stringify(wf.jobs.plan)).not.toMatch(/secrets\.|id-token/);
    // Deleting data (an erasure, a move's source) has its own approval.
    expect(wf.jobs.apply).toMatchObject({ needs: ["plan"], environment: kind === "erase" || kind === "move-finish" ? "tenant-erasure" : "tenant-operations" });
    expect(wf.jobs.apply.if).toContain("github.ref == 'refs/heads/main'");
    const role = wf.jobs.apply.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    // A move goes database to database through Neon, and its finish deletes a project there: no AWS, no OIDC token.
    if (kind === "move" || kind === "move-finish") {
      expect([role, wf.jobs.apply.permissions]).toEqual([undefined, { contents: "read" }]);
      return;
    }
    expect(wf.jobs.apply.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(role!.with!["role-to-assume"]).toBe(`\${{ vars.${spec.roleVariable} }}`);
    expect(spec.roleVariable).toBe(kind === "erase" ? "TENANT_FLEET_BREAK_GLASS_ROLE_ARN" : "TENANT_FLEET_OPERATIONS_ROLE_ARN");
  });

  it("runs bash that parses in every run: step", () => {
    for (const job of Object.values(wf.jobs))
      for (const s of job.steps.filter((s) => s.run !== undefined)) {
        expect(s.shell, s.name).toBe("bash");
        const r = spawnSync("bash", ["-n"], { input: s.run, encoding: "utf8" });
        expect(r.status, `${s.name}: ${r.stderr}`).toBe(0);
      }
  });

  it("passes inputs to scripts through the environment only", () => {
    for (const job of Object.values(wf.jobs)) for (const s of job.steps) expect(s.run ?? "", s.name).not.toMatch(/\$\{\{/);
    expect(Object.keys(wf.on.workflow_dispatch.inputs)).toEqual(expect.arrayContaining(["stack", "tenant", "ticket"]));
  });
});

describe("the plan job's script, under bash", () => {
  const planStep = (kind: string) =>
    (parse(readFileSync(path.join(ROOT, operationWorkflowPath(kind as "erase")), "utf8")) as Workflow).jobs.plan.steps.find((s) => s.id === "plan")!;
  /** The step's own constants (the command, the default runner, ...): its env without the expressions the runner fills in. */
  const constants = (kind: string) => Object.fromEntries(Object.entries(planStep(kind).env ?? {}).filter(([, v]) => !v.includes("${{")));
  const run = (kind: string, env: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-opplan-"));
    const out = path.join(dir, "output");
    const summary = path.join(dir, "summary");
    writeFileSync(out, "");
    const r = spawnSync("bash", ["-c", planStep(kind).run!], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: out,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_WORKFLOW: `tenant ${kind}`,
        ...constants(kind),
        STACK: "prod",
        TICKET: "SEC-1",
        ...env,
      },
    });
    return { code: r.status, stdout: r.stdout, output: readFileSync(out, "utf8"), summary: existsSync(summary) ? readFileSync(summary, "utf8") : "" };
  };

  it("plans an export and names the vault's region for the apply job", () => {
    const r = run("export", { TENANT: "acme-corp", FORMAT: "plain" });
    expect(r.code, r.stdout).toBe(0);
    expect(r.output).toBe('aws_region=eu-central-1\nruns_on="ubuntu-24.04"\n');
    expect(r.summary).toContain("### acme-corp: tenant export (prod), ticket SEC-1");
    expect(r.summary).toMatch(/export acme-corp: a custom-format dump and its plain SQL to exports\/acme-corp\/\d{8}T\d{6}Z\.sql/);
  });

  it("stops before approval when the plan refuses (an active tenant's erasure)", () => {
    const r = run("erase", { TENANT: "acme-corp" });
    expect(r.code).toBe(1);
    expect(r.summary).toContain("cannot erase: acme-corp is active: retire it first");
  });

  it("reports a restore planned without the catalog and leaves the decision to the apply job", () => {
    const r = run("restore", { TENANT: "thames-logistics", TO: "2020-01-01T00:00:00Z", FROM_DUMP: "false" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("::warning::planned without the fleet catalog");
    expect(r.output).toBe('aws_region=eu-west-2\nruns_on="ubuntu-24.04"\n');
  });

  it("passes the prefer input as --prefer, and plans a snapshot restore without Neon's key as not final (issue 35)", () => {
    const r = run("restore", { TENANT: "thames-logistics", TO: "2020-01-01T00:00:00Z", FROM_DUMP: "false", PREFER: "snapshot" });
    expect(r.code).toBe(0);
    expect(r.summary).toContain("no NEON_API_KEY: Neon's snapshots are unknown");
    expect(r.summary).toContain(
      "cannot restore thames-logistics: thames-logistics has no Neon snapshot taken at or before 2020-01-01T00:00:00.000Z (Neon's snapshots were not listed)",
    );
    expect(r.stdout).toContain("::warning::planned without the fleet catalog (and Neon's snapshots)");
    const asked = run("restore", { TENANT: "thames-logistics", TO: "2020-01-01T00:00:00Z", FROM_DUMP: "true", PREFER: "snapshot" });
    expect(asked.summary).toContain("--from-dump asks for a dump and --prefer snapshot for a snapshot: give one of them");
  });

  it("treats hostile inputs as data", () => {
    const marker = path.join(tmpdir(), `tf-pwned-${process.pid}`);
    const tenant = run("export", { TENANT: `acme-corp"; touch ${marker}; "`, FORMAT: "custom" });
    expect(tenant.code).toBe(2);
    expect(tenant.stdout).toContain("is not a tenant id");
    expect(tenant.output).toBe("");
    const stack = run("export", { STACK: "prod; touch /tmp/x", TENANT: "acme-corp", FORMAT: "custom" });
    expect(stack.code).toBe(2);
    expect(stack.stdout).toContain("is not a stack name");
    const to = run("restore", { TENANT: "acme-corp", TO: `$(touch ${marker})`, FROM_DUMP: "false" });
    expect(to.stdout).toContain('--to "$(touch');
    expect(existsSync(marker)).toBe(false);
  });
});
