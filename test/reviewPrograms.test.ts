/**
 * The tenant diff runs both programs with their own code: a change of a code default that
 * replaces every project fails although neither the tenants file nor a setting changed (it
 * passed with exit 0 before), from the head's side (`--base REF`) and from the base's side
 * (`--head DIR`, as CI runs it, with the base's checker).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectFiles, ROOT } from "./program";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" });

/** Rewrites one file of a checkout, refusing to run on a text that lacks what it replaces. */
function edit(dir: string, file: string, from: string, to: string): void {
  const text = readFileSync(path.join(dir, file), "utf8");
  expect(text).toContain(from);
  writeFileSync(path.join(dir, file), text.replaceAll(from, to));
}

/** The change of code of the head commit: by default, the default database name. */
const renameDatabase = (dir: string) => edit(dir, "tenants/model.ts", 'name: "app", role', 'name: "appdb", role');

/** A git repository holding the project, with one commit that changes code. */
function repository(change: (dir: string) => void = renameDatabase): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-review-"));
  for (const f of [...projectFiles(), "scripts", ".gitignore"]) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "base");
  change(dir);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "a change of code");
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

function plan(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(cwd, "scripts/plan.ts"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, INIT_CWD: cwd },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the tenant diff of a change of code", () => {
  const head = repository();
  const base = mkdtempSync(path.join(tmpdir(), "tf-review-base-"));
  git(base, "clone", "-q", head, ".");
  git(base, "checkout", "-q", "HEAD~1");
  symlinkSync(path.join(ROOT, "node_modules"), path.join(base, "node_modules"));
  afterAll(() => {
    rmSync(head, { recursive: true, force: true });
    rmSync(base, { recursive: true, force: true });
  });

  it("passes an unchanged tree, having planned both programs", () => {
    const r = plan(head, "--base", "HEAD");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("resources, base program → head program: 0 created, 0 deleted, 0 replaced, 0 updated");
  }, 120_000);

  it("fails with --base: every project is replaced by the code, not by the files", () => {
    const r = plan(head, "--base", "HEAD~1", "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toMatchObject({ added: 0, changed: 0, removed: 0, unacknowledged: 6 });
    expect(doc.tenants).toEqual([]);
    expect(doc.stackChanges.map((c: { kind: string; field: string }) => [c.kind, c.field])).toEqual(
      ["acme-corp", "brightwave", "northwind", "old-mill", "pacific-health", "thames-logistics"].map((id) => [
        "code",
        `resource neon:index/project:Project ${id}`,
      ]),
    );
    expect(doc.resources.counts).toMatchObject({ replaced: 6, deleted: 0 });
    expect(doc.resources.findings[0].detail).toContain('"databaseName":"appdb"');
  }, 120_000);

  it("fails with --head from the base's checkout (the base's checker), and passes once acknowledged", () => {
    const r = plan(base, "--head", head);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("6 destructive changes not acknowledged");
    expect(r.stdout).toMatch(/^error: \(stack\): resource neon:index\/project:Project acme-corp: deployed → replaced: replaced by a change of the code/m);
    const tenants = path.join(head, "tenants/tenants.yaml");
    writeFileSync(tenants, `${readFileSync(tenants, "utf8")}\nacknowledgements:\n  - change: code\n    reason: "OPS-77: every project recreated on purpose"\n`);
    const ok = plan(base, "--head", head);
    expect(ok.stdout).toContain("6 destructive changes, all acknowledged in the tenants file");
    expect(ok.code).toBe(0);
  }, 180_000);

  it("says why when the head's program cannot be planned", () => {
    const broken = mkdtempSync(path.join(tmpdir(), "tf-review-broken-"));
    cpSync(head, broken, { recursive: true, verbatimSymlinks: true });
    writeFileSync(path.join(broken, "index.ts"), "throw new Error('a program that does not start');\n");
    const r = plan(base, "--head", broken);
    rmSync(broken, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the head (${broken}): its program could not be planned (stack prod)`);
    expect(r.stderr).not.toMatch(/internal error/);
  }, 120_000);
});

describe("the tenant diff of code that wipes backups or grants admin", () => {
  // The lifecycle expires every class after a day, and the backup writer gets AdministratorAccess.
  const head = repository((dir) => {
    edit(dir, "src/plan/vaults/plan.ts", "expiration: { days },", "expiration: { days: 1 },");
    writeFileSync(
      path.join(dir, "index.ts"),
      `${readFileSync(path.join(dir, "index.ts"), "utf8")}\nimport * as awsIam from "@pulumi/aws";\nnew awsIam.iam.RolePolicyAttachment("ops-admin", { role: "github-backups-backup-writer", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });\n`,
    );
  });
  afterAll(() => rmSync(head, { recursive: true, force: true }));

  it("fails with --base, saying what the code would let whom do", () => {
    const r = plan(head, "--base", "HEAD~1", "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const why = (field: string) => doc.stackChanges.find((c: { field: string }) => c.field === field)?.why;
    expect(why("resource aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration backups-eu-central-1-lifecycle")).toMatch(
      /^weakened by a change of the code: rule "retain-14d" expires backups after 1 days: those of the retention class 14d are deleted before their retention ends/,
    );
    expect(why("resource aws:iam/rolePolicyAttachment:RolePolicyAttachment ops-admin")).toMatch(
      /^iam-widened by a change of the code: role github-backups-backup-writer gets the managed policy arn:aws:iam::aws:policy\/AdministratorAccess \(AdministratorAccess: \* on \*\) by ops-admin: anyone who can assume github-backups-backup-writer \(its trust: Federated:arn:aws:iam::123456789012:oidc-provider\/token\.actions\.githubusercontent\.com for repo:example-saas\/app:job_workflow_ref:.*\) gets full admin of the account/,
    );
    expect(doc.stackChanges.every((c: { kind: string }) => c.kind === "code")).toBe(true);
    expect(doc.resources.counts).toMatchObject({
      weakened: doc.resources.findings.filter((f: { change: string }) => f.change === "weakened").length,
      "iam-widened": 1,
    });
  }, 180_000);
});

describe("the tenant diff of a stack file that hands custody to the deploy role (issue 31 follow-up, finding 2b)", () => {
  const DEPLOY = "arn:aws:iam::123456789012:role/tenant-fleet-deploy";
  const GLASS = "arn:aws:iam::123456789012:role/tenant-fleet-break-glass";
  const OTHER = "arn:aws:iam::123456789012:role/tenant-fleet-vault-officer";
  // The deploy role named as break-glass: before, rc=0 with only a note.
  const toDeploy = repository((dir) =>
    edit(dir, "Pulumi.prod.yaml", `tenant-fleet:breakGlassPrincipal: ${GLASS}`, `tenant-fleet:breakGlassPrincipal: ${DEPLOY}`),
  );
  // Another principal as break-glass: a custody change, failing until acknowledged.
  const toOther = repository((dir) =>
    edit(dir, "Pulumi.prod.yaml", `tenant-fleet:breakGlassPrincipal: ${GLASS}`, `tenant-fleet:breakGlassPrincipal: ${OTHER}`),
  );
  afterAll(() => {
    rmSync(toDeploy, { recursive: true, force: true });
    rmSync(toOther, { recursive: true, force: true });
  });

  it("refuses the deploy role as break-glass at the stack file's line", () => {
    const r = plan(toDeploy, "--base", "HEAD~1");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Pulumi.prod.yaml:21:37: tenant-fleet:breakGlassPrincipal: ${DEPLOY} is also one of tenant-fleet:keyAdministrators`);
  }, 180_000);

  it("fails another break-glass principal as custody, and passes it once acknowledged", () => {
    const r = plan(toOther, "--base", "HEAD~1");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^Pulumi\.prod\.yaml:\d+:\d+: error: \(stack\): tenant-fleet:breakGlassPrincipal: .*not acknowledged: add to acknowledgements: \{ change: custody/m,
    );
    // The vaults' Denies now except the new principal: that follows from the setting, not from the code.
    expect(r.stdout).not.toMatch(/change: code/);
    writeFileSync(
      path.join(toOther, "tenants/tenants.yaml"),
      `${readFileSync(path.join(toOther, "tenants/tenants.yaml"), "utf8")}\nacknowledgements:\n  - change: custody\n    reason: "SEC-9: break-glass moves to the vault officer"\n`,
    );
    const acked = plan(toOther, "--base", "HEAD~1");
    expect(acked.stdout).toContain("1 destructive change, all acknowledged in the tenants file");
    expect(acked.code).toBe(0);
  }, 240_000);
});
