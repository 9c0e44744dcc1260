/**
 * The restore drill's "Find the newest backup" step, run for real: its script from the
 * generated workflow, under bash with jq, against listings an `aws` stand-in prints (the
 * one substitution: the AWS CLI, whose JSON output for a multi-page listing is one merged
 * document). A backup counts once its manifest exists (a dump without one is unfinished).
 * Forged keys dated after their own upload fail the drill; so do stale and missing
 * backups, to the minute. The runtime suite (test/runtime/) runs the same step against S3.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backupTimestamp } from "../src/plan/vaults/plan";
import { backupPrefix } from "../tenants/naming";
import { goldenCases } from "../src/tools/goldenCases";
import { NEWEST_BACKUP_SCRIPT_ENV, newestBackupScript } from "../src/plan/workflows/backupScripts";

const drill = goldenCases()[0].workflows.find((w) => w.kind === "restore-drill")!;
// The first part of each tenant's drill script, as the batch step writes it out and runs it.
const batchStep = (parse(drill.content).jobs.drill.steps as { name: string; env?: Record<string, string>; run?: string }[]).find(
  (s) => s.name === "Find, verify and restore each tenant's newest backup",
)!;
const jobEnv = parse(drill.content).jobs.drill.env as Record<string, string>;
// The constants the script reads, as the generated job's env holds them.
const step = { run: newestBackupScript(), env: Object.fromEntries(Object.keys(NEWEST_BACKUP_SCRIPT_ENV).map((k) => [k, String(jobEnv[k])])) };
const PREFIX = backupPrefix("acme-corp", 14);
const MINUTE = 60_000;

interface Listed {
  readonly key: string;
  /** Upload time as S3 reports it. */
  readonly at: Date;
}

const named = (takenAt: Date, uploadedAt = new Date(takenAt.getTime() + 3 * MINUTE)): Listed => ({
  key: `${PREFIX}${backupTimestamp(takenAt)}.manifest.json`,
  at: uploadedAt,
});
const dumpOf = (l: Listed) => l.key.replace(/\.manifest\.json$/, ".dump");
const unfinished = (takenAt: Date): Listed => ({ key: `${PREFIX}${backupTimestamp(takenAt)}.dump`, at: new Date(takenAt.getTime() + MINUTE) });

function runStep(objects: readonly Listed[], maxAgeHours = 30) {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-drill-"));
  const bin = path.join(dir, "bin");
  spawnSync("mkdir", ["-p", bin]);
  // The CLI's JSON output: every page merged; LastModified as the CLI v2 prints it.
  const listing = { Contents: objects.map((o) => ({ Key: o.key, LastModified: o.at.toISOString().replace(/\.\d{3}Z$/, "+00:00"), Size: 1024 })) };
  writeFileSync(path.join(dir, "listing.json"), JSON.stringify(listing));
  writeFileSync(
    path.join(bin, "aws"),
    `#!/usr/bin/env bash\n[ "$1 $2" = "s3api list-objects-v2" ] || { echo "unexpected aws $*" >&2; exit 2; }\ncat "${path.join(dir, "listing.json")}"\n`,
  );
  chmodSync(path.join(bin, "aws"), 0o755);
  const output = path.join(dir, "github_output");
  writeFileSync(output, "");
  // As GitHub runs a bash step: bash --noprofile --norc -eo pipefail.
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      TENANT_ID: "acme-corp",
      RETENTION_DAYS: "14",
      BACKUP_BUCKET: "tf-prod-bk-eu-central-1-x",
      MAX_AGE_HOURS: String(maxAgeHours),
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: output,
      ...step.env,
    },
  });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs: Object.fromEntries(
      readFileSync(output, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("=") as [string, string]),
    ),
  };
}

describe("the drill's newest backup", () => {
  const now = Date.now();
  it("is the script the generated drill job runs first for each tenant", () => {
    expect(batchStep.run).toContain(`\n${step.run}\n`);
  });
  const hoursAgo = (h: number) => new Date(now - h * 60 * MINUTE);

  it("is the newest complete backup, whatever else is under the prefix", () => {
    const r = runStep([
      named(hoursAgo(50)),
      named(hoursAgo(26)),
      unfinished(hoursAgo(2)),
      { key: `${PREFIX}notes.txt`, at: hoursAgo(1) },
      { key: `${PREFIX}20261301T000000Z.dump.part`, at: hoursAgo(1) },
    ]);
    expect(r.stderr + r.stdout).toBe("");
    expect(r.status).toBe(0);
    expect(r.outputs.key).toBe(dumpOf(named(hoursAgo(26))));
    expect(r.outputs.manifest).toBe(named(hoursAgo(26)).key);
    expect(Number(r.outputs.age_minutes)).toBeGreaterThanOrEqual(26 * 60 - 1);
    expect(Number(r.outputs.age_minutes)).toBeLessThanOrEqual(26 * 60 + 1);
  });

  it("fails on a key dated in the future instead of trusting it as newest forever", () => {
    const r = runStep([named(hoursAgo(5)), { key: `${PREFIX}99991231T000000Z.manifest.json`, at: hoursAgo(2) }]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `::error::1 backup(s) of acme-corp are dated after their own upload, so the backup job did not write them: ${PREFIX}99991231T000000Z.manifest.json`,
    );
  });

  it("accepts a name ahead of its upload by less than the clock skew, not by more", () => {
    expect(runStep([named(hoursAgo(2), new Date(hoursAgo(2).getTime() - 4 * MINUTE))]).status).toBe(0);
    const r = runStep([named(hoursAgo(2), new Date(hoursAgo(2).getTime() - 6 * MINUTE))]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("dated after their own upload");
  });

  it("is stale to the minute: 30 h 50 min fails a 30 h schedule", () => {
    const r = runStep([named(new Date(now - (30 * 60 + 50) * MINUTE))]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/::error::the newest backup of acme-corp \(.*\) is 30 h 5\d min old; its schedule allows 30 h/);
  });

  it("fails when the tenant has no backup in its class", () => {
    const r = runStep([{ key: `${PREFIX}readme.md`, at: hoursAgo(1) }]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`::error::no complete backup of acme-corp under s3://tf-prod-bk-eu-central-1-x/${PREFIX}`);
  });

  it("reads a listing of more than 1,000 backups as one (every page), and still names one key", () => {
    const many = Array.from({ length: 1500 }, (_, i) => named(hoursAgo(1500 - i + 1)));
    const r = runStep(many);
    expect(r.status).toBe(0);
    expect(r.outputs.key).toBe(dumpOf(named(hoursAgo(2))));
    expect(r.outputs.key).not.toContain("\n");
  });
});
