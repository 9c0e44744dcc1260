// The generated jobs' scripts (src/plan/workflows/sh/) and the env records that hand them their
// constants: each record names only inputs its scripts' headers declare, and every generated
// step that embeds a script carries the record's values in its job's or its own env.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { shellBody, shellInputs } from "../src/core/shellFile";
import { backupScriptEnv, DRILL_SCRIPT_ENV, NEWEST_BACKUP_SCRIPT_ENV } from "../src/plan/workflows/backupScripts";
import { ALERT_SCRIPT_ENV } from "../src/plan/workflows/alertScript";
import { batchScriptEnv, GATE_SCRIPT_ENV, PLAN_SCRIPT_ENV, recordScriptEnv } from "../src/plan/workflows/batchScripts";
import { PREVIEW_BRANCH_ENV } from "../src/plan/workflows/dev";
import { SH_DIR } from "../src/plan/workflows/shell";
import { goldenCases } from "../src/tools/goldenCases";

interface Step {
  readonly run?: string;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly env?: Record<string, string>;
  readonly steps?: Step[];
}

/** Each env record, the files whose headers must name its keys, and the file whose body marks a step that runs them. */
const RECORDS: { name: string; env: Record<string, string>; files: string[]; marker: string }[] = [
  { name: "backupScriptEnv(kms)", env: backupScriptEnv("kms"), files: ["backup.sh"], marker: "backup.sh" },
  { name: "NEWEST_BACKUP_SCRIPT_ENV", env: { ...NEWEST_BACKUP_SCRIPT_ENV }, files: ["newest-backup.sh"], marker: "newest-backup.sh" },
  { name: "DRILL_SCRIPT_ENV", env: { ...DRILL_SCRIPT_ENV }, files: ["drill.sh"], marker: "drill.sh" },
  { name: "PLAN_SCRIPT_ENV", env: { ...PLAN_SCRIPT_ENV }, files: ["fleet-manifest.sh", "plan.sh"], marker: "plan.sh" },
  ...(["backup", "migrations"] as const).map((kind) => ({
    name: `batchScriptEnv(${kind}, lock)`,
    env: batchScriptEnv(kind, true),
    files: ["fleet-manifest.sh", "tenant-lock.sh", "batch.sh"],
    marker: "tenant-lock.sh",
  })),
  { name: "batchScriptEnv(restoreDrill)", env: batchScriptEnv("restoreDrill", false), files: ["fleet-manifest.sh", "batch.sh"], marker: "drill.sh" },
  { name: "GATE_SCRIPT_ENV", env: { ...GATE_SCRIPT_ENV }, files: ["gate.sh"], marker: "gate.sh" },
  { name: "ALERT_SCRIPT_ENV", env: { ...ALERT_SCRIPT_ENV }, files: ["alert.sh"], marker: "alert.sh" },
  { name: "PREVIEW_BRANCH_ENV", env: { ...PREVIEW_BRANCH_ENV }, files: ["preview-branch.sh"], marker: "preview-branch.sh" },
];

/** Every run step of every golden workflow, with the env it runs under (its job's, then its own). */
function runSteps(): { where: string; run: string; env: Record<string, string> }[] {
  return goldenCases().flatMap((c) =>
    c.workflows.flatMap((w) =>
      Object.entries((parse(w.content) as { jobs: Record<string, Job> }).jobs).flatMap(([id, job]) =>
        (job.steps ?? []).filter((s) => s.run).map((s) => ({ where: `${c.name} ${w.path} ${id}`, run: s.run!, env: { ...job.env, ...s.env } })),
      ),
    ),
  );
}

describe("the job scripts' env records", () => {
  const steps = runSteps();
  it.each(RECORDS.map((r) => [r.name, r]))("%s names only inputs its scripts declare", (_, r) => {
    const declared = new Set(r.files.flatMap((f) => shellInputs(SH_DIR, f)));
    expect(Object.keys(r.env).filter((k) => !declared.has(k))).toEqual([]);
  });
  it.each(RECORDS.map((r) => [r.name, r]))("%s reaches every generated step that runs its scripts", (_, r) => {
    const body = shellBody(SH_DIR, r.marker);
    const running = steps.filter((s) => s.run.includes(body));
    expect(running.length).toBeGreaterThan(0);
    for (const s of running) {
      // The same record twice (backup's kms or s3; the batch kinds) differs only in its per-setting values.
      const fixed = Object.entries(r.env).filter(([k]) => !["BACKUP_ENCRYPTION", "RESULT_FIELDS"].includes(k));
      for (const [k, v] of fixed) expect(s.env[k], `${s.where}: ${k}`).toBe(v);
    }
  });
  it("hands the record's values that vary by setting to the steps of that setting", () => {
    const backups = steps.filter((s) => s.run.includes(shellBody(SH_DIR, "backup.sh")));
    expect(new Set(backups.map((s) => s.env.BACKUP_ENCRYPTION))).toEqual(new Set(["kms", "s3"]));
    for (const s of backups) expect(s.env.BACKUP_KMS_KEY === undefined, s.where).toBe(s.env.BACKUP_ENCRYPTION === "s3");
    const records = steps.filter((s) => s.run.includes(shellBody(SH_DIR, "record.sh")));
    expect(records.length).toBeGreaterThan(0);
    for (const s of records)
      expect([recordScriptEnv("backup"), recordScriptEnv("restoreDrill"), recordScriptEnv("migrations")]).toContainEqual({
        RECORD_COLUMNS: s.env.RECORD_COLUMNS,
        RECORD_SQL: s.env.RECORD_SQL,
      });
  });
});

describe("the job scripts' files", () => {
  const files = fs.readdirSync(SH_DIR);
  it.each(files.map((f) => [f]))("%s holds no GitHub expression (a runner would evaluate ${{ }} in a run: step)", (f) => {
    expect(fs.readFileSync(path.join(SH_DIR, f), "utf8")).not.toContain("${{");
  });
});
