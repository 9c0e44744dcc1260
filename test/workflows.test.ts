/** Generated workflows: GitHub's parser, golden files, pinning, permissions, slots, injection. */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ACTIONS,
  chunk,
  maxBackupAgeHours,
  renderWorkflows,
  scheduleSlug,
  slotJobIds,
  type RenderedWorkflow,
  type WorkflowSettings,
} from "../src/plan/workflows/render";
import { SNAPSHOT_CHECK_JOB } from "../src/plan/workflows/snapshotCheck";
import { DRILL_JOB_PREFIX } from "../src/plan/workflows/kinds";
import { ENVIRONMENT_SLOTS } from "../src/plan/repository/manifest";
import { recordScriptEnv, ROLLOUT_STOPPED_TITLE, TENANT_LOCK_KEY } from "../src/plan/workflows/batchScripts";
import { ACTIVITY_STEP_NAME } from "../src/plan/workflows/tenantWorkflow";
import { CANARY_STEP_NAME } from "../src/plan/workflows/activityScripts";
import { longestGapHours } from "../src/core/cronGap";
import { parseTenants } from "../tenants/load";
import type { Tenant } from "../tenants/model";
import { goldenCases } from "../src/tools/goldenCases";
import { workflowErrors } from "./workflowParser";
import { ACME, fleetYaml } from "./helpers";

const GOLDEN = path.resolve(__dirname, "golden");
const SETTINGS: WorkflowSettings = {
  scope: "repository",
  encryption: "kms",
  branch: "main",
  source: "tenants/tenants.yaml",
  migrations: { command: "npm run migrate", setupCommand: "npm ci", paths: ["migrations/**", "db/**"] },
  restoreDrillSchedule: "41 4 * * 1",
};

function syntheticFleet(n: number, extra: Record<string, string> = {}): Tenant[] {
  const tenants = Array.from({ length: n }, (_, i) => ({ ...ACME, id: `tenant-${String(i).padStart(4, "0")}`, name: `Tenant ${i}`, ...extra }));
  return [...parseTenants(fleetYaml(tenants), "synthetic.yaml").fleet!.tenants];
}

type Job = {
  if?: string;
  environment?: string;
  needs?: string[];
  permissions?: Record<string, string>;
  strategy?: { matrix: { batch: string } };
  steps: { name?: string; id?: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown> }[];
  env?: Record<string, string>;
  outputs?: Record<string, string>;
};
/** The batch jobs (one matrix entry per batch); the planning and alert jobs are checked on their own. */
function jobs(w: RenderedWorkflow): Job[] {
  return Object.entries(parse(w.content).jobs as Record<string, Job>)
    .filter(([id]) => id !== "alert" && id !== "plan" && id !== "record" && id !== SNAPSHOT_CHECK_JOB && !id.startsWith("gate_"))
    .map(([, job]) => job);
}
const planJob = (w: RenderedWorkflow): Job => parse(w.content).jobs.plan;
/**
 * The planning job without its Neon steps (backups: the activity read and the WAL rule's
 * canary, the steps that hold a secret, the Neon activity key of the environment the job
 * enters); checks that each holds that one secret alone.
 */
const NEON_STEPS = [ACTIVITY_STEP_NAME, CANARY_STEP_NAME];
function planWithoutActivity(w: RenderedWorkflow): Job {
  const plan = planJob(w);
  const activity = plan.steps.filter((st) => NEON_STEPS.includes(st.name ?? ""));
  if (w.kind !== "backup") expect(activity).toEqual([]);
  for (const st of activity) {
    expect(Object.entries(st.env ?? {}).filter(([, v]) => String(v).includes("secrets."))).toEqual([
      ["NEON_ACTIVITY_API_KEY", "${{ secrets.NEON_ACTIVITY_API_KEY }}"],
    ]);
    expect(plan.environment).toMatch(/^tenant_fleet_neon_activity/);
  }
  return { ...plan, steps: plan.steps.filter((st) => !NEON_STEPS.includes(st.name ?? "")) };
}
/** The batch step: the one that writes each tenant's script out and runs it. */
const batchStep = (job: Job) => job.steps.find((s) => s.run?.includes("TENANT_FLEET_TENANT_SCRIPT"))!;

const allVariants: [string, RenderedWorkflow[]][] = [
  // The dev/test workflows have their own suite (test/devProject.test.ts).
  ...goldenCases().map((c): [string, RenderedWorkflow[]] => [c.name, c.workflows.filter((w) => !w.kind.startsWith("dev-"))]),
  ["environment-kms", renderWorkflows(syntheticFleet(3), { ...SETTINGS, scope: "environment" })],
  ["region-kms", renderWorkflows(syntheticFleet(3), { ...SETTINGS, scope: "region" })],
  ["repository-s3-no-migrations", renderWorkflows(syntheticFleet(3), { ...SETTINGS, encryption: "s3", migrations: undefined })],
];
const everyWorkflow = allVariants.flatMap(([variant, ws]) => ws.map((w): [string, RenderedWorkflow] => [`${variant} ${path.basename(w.path)}`, w]));

describe("every generated workflow", () => {
  it.each(everyWorkflow.filter(([, w]) => w.kind === "backup" || w.kind === "restore-drill"))(
    "%s, which assumes an AWS role, runs only on its schedule or by hand: no other workflow can call it, no pull request or other run can start it",
    (_, w) => {
      // The roles trust this file's job_workflow_ref on the default branch; a workflow_call
      // trigger would let another file's job run under that very subject.
      expect(Object.keys(parse(w.content).on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    },
  );

  it.each(everyWorkflow)("%s passes GitHub's workflow parser", async (_, w) => {
    expect(await workflowErrors(w.path, w.content)).toEqual([]);
  });

  it.each(everyWorkflow)("%s pins every action to a commit SHA with its version", (_, w) => {
    const uses = w.content.split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it.each(everyWorkflow)("%s grants no permission at the top and least privilege per job", (_, w) => {
    expect(parse(w.content).permissions).toEqual({});
    // Migrations assume a role only where credentials live in AWS (region scope).
    const assumesRole = w.kind !== "migrations" || w.content.includes("configure-aws-credentials");
    for (const job of jobs(w)) {
      expect(Object.keys(job.permissions ?? {}).sort()).toEqual(assumesRole ? ["contents", "id-token"] : ["contents"]);
      expect(job.permissions!.contents).toBe("read");
    }
    // The migrations' planning job may read another run's results (a retry); it holds no secret. A backup's with the
    // WAL rule's canary reads the previous run's kept read of the fleet catalog (wal-canary.sh), and only then.
    const readsRuns = w.kind === "migrations" || planJob(w).steps.some((st) => st.name === CANARY_STEP_NAME);
    expect(planJob(w).permissions).toEqual(readsRuns ? { contents: "read", actions: "read" } : { contents: "read" });
    expect(JSON.stringify(planWithoutActivity(w))).not.toMatch(/secrets\./);
  });

  it.each(everyWorkflow)("%s lists no tenant: its batch jobs take their matrix from the planning job, slot by slot (migrations: wave by wave)", (_, w) => {
    // A job reads one environment's secrets: the environment scope runs a tenant per job, in slots.
    const environment = w.content.includes("environment: tenant-");
    const all = Object.keys(parse(w.content).jobs).filter((id) => id !== "alert" && id !== "plan" && id !== "record" && id !== SNAPSHOT_CHECK_JOB);
    const waves = w.kind === "migrations" ? all.filter((id) => id.startsWith("gate_")).length : 0;
    const rounds = waves ? Array.from({ length: waves }, (_, r) => r) : [undefined];
    for (const round of rounds) {
      const prefix = round === undefined ? "" : `w${round + 1}_`;
      const ids = all.filter((id) => (round === undefined ? !id.startsWith("gate_") : new RegExp(`^migrate-w${round + 1}(-\\d+)?$`).test(id)));
      expect(ids).toEqual(
        slotJobIds(round === undefined ? ids[0] : `migrate-w${round + 1}`, environment ? "environment" : "repository", w.kind !== "restore-drill"),
      );
      expect(ids).toHaveLength(environment ? ENVIRONMENT_SLOTS : 1);
      ids.forEach((id, i) => {
        const job = parse(w.content).jobs[id] as Job;
        expect(job.needs).toEqual(round ? ["plan", `gate_w${round}`] : ["plan"]);
        expect(job.strategy!.matrix).toEqual({ batch: `\${{ fromJSON(needs.plan.outputs.${prefix}slot_${i + 1}) }}` });
        // A later wave's jobs accept a skipped or failed ancestor behind the gate (GitHub's implicit success() would not).
        const after = round
          ? `!cancelled() && github.ref == 'refs/heads/main' && needs.plan.result == 'success' && needs.gate_w${round}.result == 'success' && `
          : "github.ref == 'refs/heads/main' && ";
        expect(job.if).toBe(`${after}needs.plan.outputs.${prefix}slot_${i + 1} != '[]'`);
      });
    }
    for (const t of ["tenant-0000", "tenant-0001", "tenant-0002"]) expect(w.content).not.toContain(t);
  });

  it.each(everyWorkflow)("%s starts with the generated header and keeps expressions out of scripts", (_, w) => {
    expect(w.content.startsWith("# Generated by tenant-fleet from ")).toBe(true);
    expect(w.content).toContain("do not edit");
    for (const job of jobs(w)) {
      for (const step of job.steps) {
        if (step.run) {
          expect(step.run).not.toContain("${{");
          expect(step.run.startsWith("set -euo pipefail\n")).toBe(true);
        }
      }
    }
  });

  it.each(everyWorkflow)("%s reads secrets only through a step's environment", (_, w) => {
    const refs = [...w.content.matchAll(/\$\{\{\s*secrets(\.|\[)[^}]*\}\}/g)].map((m) => m[0]);
    for (const r of refs)
      expect(r).toMatch(
        /^\$\{\{ (secrets\.DATABASE_URL|secrets\[matrix\.batch\.secrets\[\d+\]\]|secrets\.TENANT_FLEET_CATALOG_URL|secrets\.NEON_ACTIVITY_API_KEY) \}\}$/,
      );
    for (const job of jobs(w)) {
      expect(JSON.stringify(job.env ?? {})).not.toContain("secrets");
      for (const step of job.steps) if (JSON.stringify(step.env ?? {}).includes("secrets")) expect(step.run).toBeDefined();
    }
    expect(w.content).not.toMatch(/postgres(ql)?:\/\//);
  });

  const drills = everyWorkflow.filter(([, w]) => w.kind === "restore-drill");
  const withSnapshotCheck = drills.filter(([, w]) => SNAPSHOT_CHECK_JOB in (parse(w.content).jobs as object));
  it("has the snapshot check exactly in the drills of fleets where a tenant takes Neon snapshots (the prod sample's daily ones)", () => {
    expect(withSnapshotCheck.map(([n]) => n)).toContain("prod-repository-kms tenant-fleet-restore-drill.yml");
    const none = renderWorkflows(syntheticFleet(3), { ...SETTINGS, scope: "environment" }).find((w) => w.kind === "restore-drill")!;
    expect(Object.keys(parse(none.content).jobs as object)).not.toContain(SNAPSHOT_CHECK_JOB);
    expect(none.content).not.toContain("NEON_ACTIVITY_API_KEY");
  });

  it.each(withSnapshotCheck)(
    "%s checks Neon's snapshots in a job of its own: a read key in one step's env, default branch only, nothing installed, its failure told",
    (_, w) => {
      const all = parse(w.content).jobs as Record<string, Job & { name: string }>;
      const job = all[SNAPSHOT_CHECK_JOB];
      expect(job.name).toBe(`${DRILL_JOB_PREFIX}${SNAPSHOT_CHECK_JOB}`);
      expect(job.permissions).toEqual({ contents: "read" });
      expect(job.if).toBe("github.ref == 'refs/heads/main'");
      expect(JSON.stringify(job.env)).not.toContain("secrets");
      // The key is an environment secret, in the environment limited to the default branch.
      expect(job.environment).toMatch(/^tenant_fleet_neon_activity/);
      const holding = job.steps.filter((s) => JSON.stringify(s.env ?? {}).includes("secrets"));
      expect(holding.map((s) => s.env!.NEON_ACTIVITY_API_KEY)).toEqual(["${{ secrets.NEON_ACTIVITY_API_KEY }}"]);
      expect(holding[0].run).not.toMatch(/\b(npm|apt(-get)?|pip3?)\s+(ci|install)\b/);
      expect(all.alert.needs).toContain(SNAPSHOT_CHECK_JOB);
    },
  );

  it.each(everyWorkflow)("%s holds a credential only in jobs that refuse any ref but the default branch", (_, w) => {
    for (const job of jobs(w)) {
      const credential = JSON.stringify(job).includes("secrets") || job.steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      expect(credential).toBe(true);
      expect(job.if!.startsWith("github.ref == 'refs/heads/main' && ")).toBe(true);
    }
    // The planning job reads the manifest only (and, backups, Neon's activity), and only on the default branch too.
    expect(JSON.stringify(planWithoutActivity(w))).not.toMatch(/\$\{\{[^}]*secrets|configure-aws-credentials|id-token/);
    expect(planJob(w).if).toBe("github.ref == 'refs/heads/main'");
  });

  it.each(everyWorkflow)("%s uses the WAL rule only on the planning job's canary verdict, and never without a fleet catalog", (_, w) => {
    const batch = jobs(w).filter((j) => j.env?.WAL_RULE !== undefined);
    if (w.kind !== "backup" || !planJob(w).steps.some((st) => st.name === ACTIVITY_STEP_NAME)) {
      expect(batch).toEqual([]);
      return;
    }
    expect(batch.length).toBeGreaterThan(0);
    const plan = planJob(w);
    const canary = plan.steps.find((st) => st.name === CANARY_STEP_NAME);
    for (const j of batch)
      expect(j.env!.WAL_RULE).toBe(
        canary
          ? "${{ needs.plan.outputs.wal_rule || 'off: the planning job did not decide (its canary step did not run)' }}"
          : "off: this stack has no fleet catalog, whose written_data_bytes would show that Neon meters written data (set the catalog setting)",
      );
    if (!canary) return;
    expect(plan.outputs!.wal_rule).toBe(`\${{ steps.${canary.id}.outputs.wal_rule }}`);
    // The canary reads this file's own earlier runs, and keeps tonight's read for the next one.
    expect(canary.env!.CANARY_WORKFLOW).toBe(w.path.split("/").at(-1));
    const keep = plan.steps[plan.steps.indexOf(canary) + 1];
    // A re-run is the same run: without overwrite, upload-artifact answers 409 and the plan would fail (hostile review F1).
    expect(keep.with).toMatchObject({ name: canary.env!.CANARY_ARTIFACT, "if-no-files-found": "ignore", overwrite: true });
    expect((keep as { "continue-on-error"?: boolean })["continue-on-error"]).toBe(true);
    expect(batch.every((j) => j.env!.WAL_ALIVE_SINCE === "${{ needs.plan.outputs.wal_alive_since }}")).toBe(true);
  });

  it.each(everyWorkflow)("%s installs its tools before any credential, and no step holding a secret installs or runs tests", (_, w) => {
    const installs =
      /\b(npm|yarn|pnpm)\s+(ci|install|i|test)\b|\bapt(-get)?\s+(install|update)\b|\|\s*(sudo\s+)?(ba)?sh\b|\bpip3?\s+install\b|apt\.postgresql\.org\.sh/;
    for (const job of jobs(w)) {
      const first = job.steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") || JSON.stringify(s.env ?? {}).includes("secrets"));
      expect(first).toBeGreaterThanOrEqual(0);
      for (const s of job.steps.slice(first)) expect(s.run ?? "").not.toMatch(installs);
      // The installs that exist happen before, where nothing secret is in the job.
      expect(job.steps.slice(0, first).some((s) => installs.test(s.run ?? "")) || w.kind === "migrations").toBe(true);
    }
  });

  it.each(everyWorkflow)("%s masks the password before any command can see the connection string", (_, w) => {
    for (const job of jobs(w)) {
      const run = batchStep(job).run!;
      // Each tenant's script, as the batch step writes it out.
      const tenantScript = run.split("TENANT_FLEET_TENANT_SCRIPT")[1];
      if (w.kind === "restore-drill") {
        expect(tenantScript).not.toContain("DATABASE_URL");
        continue;
      }
      const lines = tenantScript.split("\n");
      const mask = lines.findIndex((l) => l.includes('echo "::add-mask::${url_password}"'));
      const firstUse = lines.findIndex((l) => l.includes("${DATABASE_URL}") && !l.startsWith("url_rest=") && !l.startsWith("if [ -z"));
      expect(mask).toBeGreaterThan(0);
      if (firstUse >= 0) expect(mask).toBeLessThan(firstUse);
      // A string read from SSM is masked in the job's own output as soon as it is read.
      if (run.includes("aws ssm get-parameter"))
        expect(run).toMatch(/--with-decryption [^\n]*\n[^\n]*\n[^\n]*\n\s*if \[ -n "\$\{url\}" \]; then echo "::add-mask::\$\{url\}"/);
    }
  });

  it.each(everyWorkflow)("%s runs only container images pinned by digest, from src/plan/repository/images.ts", (_, w) => {
    for (const job of jobs(w) as (Job & { services?: Record<string, { image: string }>; container?: string | { image: string } })[]) {
      const images = [
        ...Object.values(job.services ?? {}).map((x) => x.image),
        ...(job.container ? [typeof job.container === "string" ? job.container : job.container.image] : []),
      ];
      // The image comes from the manifest's batch, which pins it (test/manifest.test.ts).
      for (const image of images) expect(image).toBe("${{ matrix.batch.pg_image }}");
    }
  });

  it.each(everyWorkflow)("%s: ends with the alert job, which alone may write issues and holds no other credential", (_, w) => {
    const all = parse(w.content).jobs as Record<string, Job & { needs?: string[] }>;
    const alert = all.alert;
    expect(alert.needs).toEqual(Object.keys(all).filter((id) => id !== "alert"));
    expect(alert.if).toBe("always() && github.ref == 'refs/heads/main'");
    expect(alert.permissions).toEqual({ issues: "write", actions: "read", checks: "read" });
    expect(JSON.stringify(alert)).not.toMatch(/secrets\.|secrets\[|configure-aws-credentials/);
    for (const job of jobs(w)) expect(job.permissions).not.toHaveProperty("issues");
  });

  it.each(everyWorkflow)("%s: backups and migrations of one tenant never overlap (the tenant's lock; environment-scope jobs also share a group)", (_, w) => {
    for (const job of jobs(w)) {
      const group = (job as Job & { concurrency?: { group: string } }).concurrency?.group;
      const run = batchStep(job).run!;
      // The lock is taken where the job's env holds its key (the batch step's take_lock call is guarded by it).
      const env = (job as Job & { env: Record<string, string> }).env;
      if (w.kind === "restore-drill") {
        expect(group).toBeUndefined();
        expect(env.TENANT_LOCK_KEY).toBeUndefined();
        expect(run).not.toContain("take_lock() {");
        continue;
      }
      expect(env.TENANT_LOCK_KEY).toBe(String(TENANT_LOCK_KEY));
      expect(run).toContain("take_lock() {");
      expect(run).toContain('take_lock "${id}" "${url}" "${log}"');
      expect(group).toBe(w.content.includes("environment: tenant-") ? "tenant-fleet-database-${{ matrix.batch.key }}" : undefined);
    }
  });
});

describe("migrations in waves", () => {
  const w = renderWorkflows(syntheticFleet(3), {
    ...SETTINGS,
    migrations: {
      ...SETTINGS.migrations!,
      waves: ["canary", "general"],
      failureBudget: "10%",
      versionQuery: "select max(id) from drizzle.__drizzle_migrations",
      targetCommand: "node scripts/target-version.mjs",
    },
  }).find((x) => x.kind === "migrations")!;
  const all = parse(w.content).jobs as Record<
    string,
    Job & {
      name: string;
      if: string;
      needs: string[];
      permissions: object;
      steps: (Job["steps"][number] & { with?: Record<string, unknown>; if?: string; "continue-on-error"?: boolean })[];
    }
  >;

  it("run each wave after the gate of the one before, and judge each with a gate that runs whatever its jobs did", () => {
    expect(Object.keys(all)).toEqual(["plan", "migrate-w1", "gate_w1", "migrate-w2", "gate_w2", "alert"]);
    expect(all["migrate-w2"].needs).toEqual(["plan", "gate_w1"]);
    // Not success(): an empty canary's skipped job, or its failure within the budget, is behind gate_w1.
    expect(all["migrate-w2"].if).toBe(
      "!cancelled() && github.ref == 'refs/heads/main' && needs.plan.result == 'success' && needs.gate_w1.result == 'success' && needs.plan.outputs.w2_slot_1 != '[]'",
    );
    expect(all.gate_w1).toMatchObject({
      name: "wave canary: within the failure budget?",
      needs: ["plan", "migrate-w1"],
      if: "always() && github.ref == 'refs/heads/main' && needs.plan.result == 'success'",
      permissions: {},
    });
    expect(all.gate_w2.needs).toEqual(["plan", "migrate-w2", "gate_w1"]);
    // A stopped wave stops every later one: the gate after it does not run, so neither does the next wave.
    expect(all.gate_w2.if).toBe("always() && github.ref == 'refs/heads/main' && needs.plan.result == 'success' && needs.gate_w1.result == 'success'");
    expect(all.alert.needs).toEqual(["plan", "migrate-w1", "gate_w1", "migrate-w2", "gate_w2"]);
    const gate = all.gate_w2.steps.filter((x) => x.name !== "Record the wave in the fleet catalog");
    expect(gate[0]).toMatchObject({
      uses: `${ACTIONS.downloadArtifact.uses}`,
      "continue-on-error": true,
      with: { pattern: "tenant-fleet-results-w2-*", "merge-multiple": true },
    });
    expect(gate[1].env).toEqual({
      WAVE: "general",
      PLANNED: "${{ needs.plan.outputs.w2_tenants }}",
      BUDGET: "10%",
      RESULTS_DIR: "${{ runner.temp }}/tenant-fleet-results",
      ROLLOUT_STOPPED_TITLE,
    });
    // The gate holds one secret, the catalog's insert-only writer, in the one step that records.
    const holding = all.gate_w1.steps.filter((x) => JSON.stringify(x).includes("secrets."));
    expect(holding.map((x) => [x.name, x.env])).toEqual([
      [
        "Record the wave in the fleet catalog",
        {
          CATALOG_URL: "${{ secrets.TENANT_FLEET_CATALOG_URL }}",
          CATALOG_SECRET: "TENANT_FLEET_CATALOG_URL",
          WHAT: "wave canary",
          WAVE: "canary",
          RESULTS_DIR: "${{ runner.temp }}/tenant-fleet-results",
          ...recordScriptEnv("migrations"),
        },
      ],
    ]);
    expect((holding[0] as { "continue-on-error"?: boolean })["continue-on-error"]).toBe(true);
  });

  it("keep each batch's results for its gate, whatever the batch did, and read the target version in a step without secrets", () => {
    const steps = all["migrate-w1"].steps;
    expect(steps.at(-1)).toMatchObject({
      if: "always()",
      uses: ACTIONS.uploadArtifact.uses,
      with: { name: "tenant-fleet-results-w1-${{ matrix.batch.key }}", path: "${{ runner.temp }}/tenant-fleet-results/" },
    });
    const target = steps.findIndex((s) => s.name === "Target version (no secrets)");
    const batch = steps.findIndex((s) => s.run?.includes("TENANT_FLEET_TENANT_SCRIPT"));
    expect(target).toBeGreaterThan(0);
    expect(target).toBeLessThan(batch);
    expect(JSON.stringify(steps[target])).not.toMatch(/secrets\.|secrets\[/);
    expect(steps[target].run).toContain('target="$(node scripts/target-version.mjs)"');
    expect(all["migrate-w1"].env).toMatchObject({ VERSION_QUERY: "select max(id) from drizzle.__drizzle_migrations" });
  });

  it("run by hand for some tenants or one wave: inputs reach the planning job through its environment, never its script", () => {
    expect(parse(w.content).on.workflow_dispatch.inputs).toEqual({
      tenants: { description: "Only these tenants (ids, comma-separated); empty: every tenant", type: "string", required: false, default: "" },
      wave: { description: "Only this wave", type: "choice", required: false, default: "all", options: ["all", "canary", "general"] },
      retry_run: {
        description: "Only what this run (its id) left undone: its failed tenants and those a stopped wave never reached",
        type: "string",
        required: false,
        default: "",
      },
      behind: {
        description: "Only tenants whose schema version is behind this one (as the version query prints it)",
        type: "string",
        required: false,
        default: "",
      },
    });
    const plan = parse(w.content).jobs.plan.steps.at(-1);
    expect(plan.env).toMatchObject({ ONLY_TENANTS: "${{ inputs.tenants }}", ONLY_WAVE: "${{ inputs.wave }}", RETRY_RUN: "${{ inputs.retry_run }}" });
    expect(plan.run).not.toContain("inputs.");
    expect(all["migrate-w1"].env).toMatchObject({ BATCH_ONLY: "${{ join(matrix.batch.only || fromJSON('[]'), ' ') }}" });
    // A retry reads the results the other run kept, only when asked, as an action's input (never a script's text).
    expect(parse(w.content).jobs.plan.steps[1]).toMatchObject({
      if: "inputs.retry_run != ''",
      uses: ACTIONS.downloadArtifact.uses,
      with: { pattern: "tenant-fleet-results-w*", "run-id": "${{ inputs.retry_run }}", "github-token": "${{ github.token }}" },
    });
    // The version asked reaches the planning job (which checks it) and the batch jobs (which compare) through their environment.
    expect(all["migrate-w1"].env).toMatchObject({ ONLY_BEHIND: "${{ inputs.behind }}" });
    expect(plan.env).toMatchObject({ ONLY_BEHIND: "${{ inputs.behind }}" });
    // Without a version query there is no version to be behind.
    const unversioned = renderWorkflows(syntheticFleet(3), SETTINGS).find((x) => x.kind === "migrations")!;
    expect(unversioned.content).not.toContain("inputs.behind");
  });

  it("run on the deploy that changes the manifest, so a new tenant is migrated before it serves traffic", () => {
    expect(parse(w.content).on.push.paths).toEqual(["migrations/**", "db/**", ".github/tenant-fleet/tenant-fleet.json"]);
  });
});

describe("golden files (npm run golden rewrites them for review)", () => {
  for (const c of goldenCases()) {
    it(`${c.name} matches test/golden/${c.name}`, () => {
      const committed = readdirSync(path.join(GOLDEN, c.name)).sort();
      expect(c.workflows.map((w) => path.basename(w.path)).sort()).toEqual(committed);
      for (const w of c.workflows) expect(w.content).toBe(readFileSync(path.join(GOLDEN, c.name, path.basename(w.path)), "utf8"));
    });
  }
});

describe("workflow layout", () => {
  it("writes one backup workflow per distinct schedule, not one per tenant", () => {
    const tenants = [...syntheticFleet(10), ...syntheticFleet(3, { backup: '{ schedule: "43 5 * * *" }' }).map((t) => ({ ...t, id: `late-${t.id}` }))];
    const ws = renderWorkflows(tenants, SETTINGS);
    expect(ws.filter((w) => w.kind === "backup").map((w) => w.path)).toEqual([
      ".github/workflows/tenant-fleet-backup-17-3-x-x-x.yml",
      ".github/workflows/tenant-fleet-backup-43-5-x-x-x.yml",
    ]);
    expect(parse(ws[0].content).on.schedule).toEqual([{ cron: "17 3 * * *" }]);
  });

  it("writes the same files, byte for byte, for 10 and 10,000 tenants: the manifest holds the fleet", async () => {
    for (const scope of ["repository", "environment", "region"] as const) {
      const small = renderWorkflows(syntheticFleet(10), { ...SETTINGS, scope });
      const large = renderWorkflows(syntheticFleet(10_000), { ...SETTINGS, scope });
      expect(large).toEqual(small);
      expect(small.map((w) => path.basename(w.path))).toEqual([
        "tenant-fleet-backup-17-3-x-x-x.yml",
        "tenant-fleet-migrations.yml",
        "tenant-fleet-restore-drill.yml",
      ]);
      for (const w of large) expect(await workflowErrors(w.path, w.content)).toEqual([]);
    }
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("leaves out the kinds no active tenant needs", () => {
    const [a, b, c] = syntheticFleet(3);
    const kinds = (ts: Tenant[]) => renderWorkflows(ts, SETTINGS).map((w) => w.kind);
    expect(kinds([a, { ...b, status: "retired" }, { ...c, backup: { ...c.backup, enabled: false } }])).toEqual(["backup", "migrations", "restore-drill"]);
    expect(kinds([{ ...a, backup: { ...a.backup, enabled: false } }])).toEqual(["migrations"]);
    expect(renderWorkflows([{ ...a, status: "retired" }], SETTINGS)).toEqual([]);
  });

  it("does not depend on the order of the tenants file", () => {
    const fleet = syntheticFleet(20);
    expect(renderWorkflows([...fleet].reverse(), SETTINGS)).toEqual(renderWorkflows(fleet, SETTINGS));
  });

  it("names schedules and their freshness limits stably", () => {
    expect(scheduleSlug("17 3 * * *")).toBe("17-3-x-x-x");
    expect(scheduleSlug("*/30 1,13 * * 1-5")).toBe("xs30-1c13-x-x-1-5");
    expect(longestGapHours("17 3 * * *")).toBe(24);
    expect(longestGapHours("17 3 * * 1")).toBe(168);
    expect(longestGapHours("17 3 * * 1-5")).toBe(72);
    expect(maxBackupAgeHours("17 3 * * *")).toBe(30);
  });
});

describe("hostile tenant names cannot alter a workflow", () => {
  const benign = syntheticFleet(2);
  // Names are data: the loader accepts these, and no workflow changes by a byte (a name never reaches one).
  it.each([
    "O'Brien & Sons (UK) / Ltd.",
    "Zoë + Partners, Inc.",
    "東京 データ",
    "a-b'c",
    "$(curl evil)",
    "x`id`",
    "${{ secrets.GITHUB_TOKEN }}",
    "x; rm -rf /",
    "x|y",
    'Toys"R"Us',
  ])("%s", (name) => {
    const loaded = parseTenants(fleetYaml([{ ...ACME, name: JSON.stringify(name) }]), "t.yaml");
    expect(loaded.problems).toEqual([]);
    const hostile = benign.map((t, i) => (i === 0 ? { ...t, name } : t));
    expect(renderWorkflows(hostile, SETTINGS)).toEqual(renderWorkflows(benign, SETTINGS));
  });

  it("the loader refuses a name with a line break before any workflow exists", () => {
    const result = parseTenants(fleetYaml([{ ...ACME, name: '"a\\nrun: evil"' }]), "t.yaml");
    expect(result.fleet).toBeUndefined();
    expect(result.problems[0].path).toBe("tenants[0].name");
  });
});

describe("pinned actions", () => {
  it("are full 40-character SHAs with a version", () => {
    for (const a of Object.values(ACTIONS)) {
      expect(a.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(a.version).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });
});
