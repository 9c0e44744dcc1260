import { describe, expect, it } from "vitest";
import { diffFleets, type StackView } from "../src/review/diff";
import { combineVerdicts, signupVerdict } from "../src/review/signupVerdict";
import type { ResourceFinding } from "../src/review/findings";
import { parseSignupRequest, rateDecision, signupBranch } from "../src/operations/signup";
import { parseTenants } from "../tenants/load";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { changedPaths, judgedCommit } from "../src/cli/git";
import { ACME, NORTHWIND, fleetYaml } from "./helpers";

const STACK: StackView = { neonOrgId: "org-a-1", protect: true, settings: { signupsPerHour: "20" } };
const ZETA = { id: "zeta-labs", name: "Zeta Labs", region: "aws-eu-central-1", residency: "EU", status: "active" };
const FILE = "tenants/tenants.yaml";

function diff(before: Record<string, string>[], after: Record<string, string>[], findings?: ResourceFinding[], stack: StackView = STACK) {
  const side = (t: Record<string, string>[], s: StackView) => ({ fleet: parseTenants(fleetYaml(t), FILE).fleet!, stack: s });
  return diffFleets(side(before, STACK), side(after, stack), findings);
}

const grant = (id: string): ResourceFinding => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: "github-backups-backup-writer-permissions",
  change: "iam-widened",
  class: "review",
  detail: `policy allows more: Allow s3:PutObject on arn:aws:s3:::vault/retain-14d/${id}/*; Allow s3:AbortMultipartUpload on arn:aws:s3:::vault/retain-14d/${id}/*`,
});

describe("the signup verdict: tenants added, nothing else changed", () => {
  it("is eligible for an addition whose only file is the tenants file, with the resources every addition brings", () => {
    const created: ResourceFinding = {
      type: "neon:index/project:Project",
      name: "zeta-labs",
      change: "created",
      class: "safe",
      detail: "",
      tenant: "zeta-labs",
    };
    const manifest: ResourceFinding = {
      type: "github:index/repositoryFile:RepositoryFile",
      name: "fleet-manifest",
      change: "changed",
      class: "safe",
      detail: "content",
    };
    const v = signupVerdict(diff([ACME], [ACME, ZETA], [created, manifest, grant("zeta-labs")]), [FILE], [FILE]);
    expect(v).toEqual({ eligible: true, added: ["zeta-labs"], reasons: [] });
  });

  it("waits for a person for anything else, saying why", () => {
    const changed = signupVerdict(diff([ACME, NORTHWIND], [{ ...ACME, name: "ACME Corporation" }, NORTHWIND, ZETA]), [FILE], [FILE]);
    expect(changed.eligible).toBe(false);
    expect(changed.reasons).toEqual(["acme-corp: changes an existing tenant"]);
    const retired = signupVerdict(diff([ACME], [{ ...ACME, status: "retired" }]), [FILE], [FILE]);
    expect(retired.reasons).toEqual(["acme-corp: retires a tenant"]);
    const code = signupVerdict(diff([ACME], [ACME, ZETA]), [FILE, "index.ts"], [FILE]);
    expect(code.reasons).toEqual(["changes files other than the tenants file: index.ts"]);
    const setting = signupVerdict(
      diff([ACME], [ACME, ZETA], undefined, { ...STACK, settings: { signupsPerHour: "2000" } }),
      [FILE, "Pulumi.prod.yaml"],
      [FILE],
    );
    expect(setting.reasons).toEqual(["(stack) tenant-fleet:signupsPerHour changes", "changes files other than the tenants file: Pulumi.prod.yaml"]);
    const wider = signupVerdict(diff([ACME], [ACME, ZETA], [grant("acme-corp")]), [FILE], [FILE]);
    expect(wider.reasons[0]).toMatch(
      /^resource aws:iam\/rolePolicy:RolePolicy github-backups-backup-writer-permissions: allows more than the added tenants' prefixes: Allow s3:PutObject on .*\/acme-corp\//,
    );
    const adopted = signupVerdict(diff([ACME], [ACME, { ...ZETA, neonProjectId: "still-sun-12345678" }]), [FILE], [FILE]);
    expect(adopted.reasons).toEqual(["zeta-labs: adopts an existing Neon project (a binding is reviewed by a person)"]);
  });

  it("combines the stacks: every one eligible and at least one tenant added", () => {
    const yes = { stack: "prod", eligible: true, added: ["zeta-labs"], reasons: [] };
    const none = { stack: "prod-eu", eligible: true, added: [], reasons: [] };
    expect(combineVerdicts([yes, none])).toEqual({ eligible: true, added: ["zeta-labs"], reasons: [] });
    expect(combineVerdicts([none]).reasons).toEqual(["adds no tenant"]);
    expect(combineVerdicts([]).eligible).toBe(false);
    expect(combineVerdicts([yes, { ...none, eligible: false, reasons: ["x: retires a tenant"] }]).reasons).toEqual(["prod-eu: x: retires a tenant"]);
  });

  it("compares trees by content and mode", () => {
    const a = new Map([
      ["a", "100644 1"],
      ["b", "100644 2"],
      ["c", "100644 3"],
    ]);
    const b = new Map([
      ["a", "100644 1"],
      ["b", "100755 2"],
      ["d", "100644 4"],
    ]);
    expect(changedPaths(a, b)).toEqual(["b", "c", "d"]);
  });
});

describe("a signup request", () => {
  const env = { ACTION: "add", STACK: "prod", TENANT: "zeta-labs", REQUEST: "sig_123", NAME: "Zeta Labs", REGION: "aws-eu-central-1", RESIDENCY: "EU" };

  it("is read from the environment and names its branch", () => {
    const parsed = parseSignupRequest(env);
    expect(parsed).toEqual({
      request: { action: "add", stack: "prod", tenant: "zeta-labs", request: "sig_123", name: "Zeta Labs", region: "aws-eu-central-1", residency: "EU" },
    });
    expect(signupBranch({ stack: "prod", tenant: "zeta-labs", action: "add" })).toBe("signup/prod/zeta-labs");
    expect(parseSignupRequest({ ...env, TIER: "scale" })).toEqual({ request: expect.objectContaining({ tier: "scale" }) });
    expect(parseSignupRequest({ ...env, TIER: "" })).toEqual(parsed);
    expect(signupBranch({ stack: "prod", tenant: "acme-corp", action: "retire" })).toBe("signup/prod/retire-acme-corp");
  });

  it("refuses every bad field at once, the value escaped", () => {
    const bad = parseSignupRequest({ ...env, TENANT: "$(curl evil)", NAME: "Zeta\u202eLabs", RESIDENCY: "eu", REQUEST: "", ACTION: "drop" });
    expect(bad).toEqual({
      problems: [
        'action "drop": use add or retire',
        'tenant "$(curl evil)": a tenant id: a lowercase slug, a letter first',
        "request is missing: the application's request id: letters, digits, '.', '_', '-', at most 64",
        'residency "eu": an ISO 3166-1 alpha-2 code in capitals, or EU',
        'name "Zeta\\u{202e}Labs": printable text of at most 256 characters, no control or invisible characters, no leading or trailing space',
      ],
    });
    expect(parseSignupRequest({ ...env, RESIDENCY: "eu" })).toEqual({ problems: ['residency "eu": an ISO 3166-1 alpha-2 code in capitals, or EU'] });
    expect(parseSignupRequest({ ...env, TIER: "--force" })).toEqual({
      problems: ['tier "--force": one of the tenants file\'s tiers: lowercase letters, digits and hyphens, a letter first (or none)'],
    });
    expect(parseSignupRequest({ ACTION: "retire", STACK: "prod", TENANT: "acme-corp", REQUEST: "r1", NAME: "x" })).toEqual({
      problems: ["retire takes the tenant only (no name, region, residency or tier)"],
    });
  });
});

describe("the signup rate", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

  it("counts sliding windows of an hour and a day", () => {
    const created = [minutesAgo(5), minutesAgo(30), minutesAgo(59), minutesAgo(61), minutesAgo(600), minutesAgo(1441)];
    expect(rateDecision(created, now, { perHour: 4, perDay: 10 })).toMatchObject({ allowed: true, lastHour: 3, lastDay: 5 });
    const hour = rateDecision(created, now, { perHour: 3, perDay: 10 });
    expect(hour).toMatchObject({ allowed: false, lastHour: 3, why: "3 signups in the last hour, the limit is 3 (signupsPerHour)" });
    // The oldest of the three leaves the window a minute from now.
    expect(hour.retryAfter).toBe(new Date(now.getTime() + 60_000).toISOString());
    const day = rateDecision(created, now, { perHour: 10, perDay: 5 });
    expect(day).toMatchObject({ allowed: false, lastDay: 5, why: "5 signups in the last 24 hours, the limit is 5 (signupsPerDay)" });
    expect(day.retryAfter).toBe(new Date(Date.parse(minutesAgo(600)) + 86_400_000).toISOString());
  });

  it("is off at 0 and ignores what is not a time", () => {
    expect(rateDecision([], now, { perHour: 0, perDay: 10 })).toMatchObject({ allowed: false, why: expect.stringContaining("off") });
    expect(rateDecision(["not a time", minutesAgo(-5)], now, { perHour: 1, perDay: 1 })).toMatchObject({ allowed: true, lastHour: 0 });
  });
});

describe("the commit a verdict names (judgedCommit)", () => {
  // tenant-diff.yml checks out refs/pull/N/merge (parents: the base, the pull request's head); the
  // run's head_sha and the approval are about the head, so the verdict must name the head too.
  const env = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" };
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
  const repo = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-judged-"));
    git(dir, "init", "--quiet", "--initial-branch=main");
    writeFileSync(path.join(dir, "tenants.yaml"), "a\n");
    git(dir, "add", "-A");
    git(dir, "commit", "--quiet", "-m", "base");
    const base = git(dir, "rev-parse", "HEAD");
    writeFileSync(path.join(dir, "tenants.yaml"), "a\nb\n");
    git(dir, "commit", "--quiet", "-am", "head");
    const head = git(dir, "rev-parse", "HEAD");
    const merge = git(dir, "commit-tree", `${head}^{tree}`, "-p", base, "-p", head, "-m", "test merge");
    return { dir, base, head, merge };
  };

  it("is the pull request's head for its test merge commit, also in a checkout of that one commit", () => {
    const { dir, base, head, merge } = repo();
    git(dir, "checkout", "--quiet", "--detach", merge);
    expect(judgedCommit(dir, base)).toBe(head);
    const shallow = mkdtempSync(path.join(tmpdir(), "tf-judged-shallow-"));
    git(shallow, "init", "--quiet");
    git(shallow, "fetch", "--quiet", "--depth", "1", `file://${dir}`, merge);
    git(shallow, "checkout", "--quiet", "--detach", "FETCH_HEAD");
    expect(judgedCommit(shallow, base)).toBe(head);
  });

  it("is the commit itself otherwise: a plain commit, or a merge whose first parent is not the base", () => {
    const { dir, base, head, merge } = repo();
    expect(judgedCommit(dir, base)).toBe(head);
    git(dir, "checkout", "--quiet", "--detach", merge);
    expect(judgedCommit(dir, head)).toBe(merge);
  });

  it("is the checkout's own commit when named as is (plan --head-commit: a merge on main judged by the fast path), and refuses another", () => {
    const { dir, base, head, merge } = repo();
    git(dir, "checkout", "--quiet", "--detach", merge);
    expect(judgedCommit(dir, base, merge)).toBe(merge);
    expect(() => judgedCommit(dir, base, head)).toThrow(`--head-commit ${head.slice(0, 12)}: the --head checkout is at ${merge.slice(0, 12)}`);
  });
});
