/**
 * The resource review against head programs that weaken a vault or grant IAM: the real
 * program runs under the mock runtime as the base, and again as the head with a change of
 * code on top (a stack transformation that rewrites a vault resource's arguments, as an edit
 * of components/backupVault.ts would; or `@pulumi/aws` resources the edit adds). Every such
 * head fails the diff as a change of the code, saying what it would let whom do; the
 * unchanged program, on both sample stacks, gives no finding.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readStackConfig } from "../src/core/config/stackFiles";
import { projectSettings } from "../src/core/config/settings";
import { diffFleets, diffPasses } from "../src/review/diff";
import { diffResources } from "../src/review/resources";
import type { PlannedResource } from "../src/review/findings";
import { replaceForcing } from "../src/engine/review";
import { parseTenants } from "../tenants/load";
import { ROOT, runStackProgram } from "./program";

type Pulumi = typeof import("@pulumi/pulumi");
type Aws = typeof import("@pulumi/aws");

interface HeadCode {
  /** Rewrites one resource's arguments (a stack transformation), as an edit of the component would. */
  readonly transform?: (type: string, name: string, props: Record<string, any>) => Record<string, any> | undefined;
  /** Resources the edit adds, after the program ran. */
  readonly add?: (aws: Aws, pulumi: Pulumi) => void;
}

/** One stack's program, as it is or with a change of code on top. */
async function plan(stack: string, code: HeadCode = {}, overrides: readonly string[] = []): Promise<PlannedResource[]> {
  const run = await runStackProgram(
    stack,
    async () => {
      const pulumi = await import("@pulumi/pulumi");
      if (code.transform) {
        const t = code.transform;
        pulumi.runtime.registerStackTransformation((a) => {
          const props = t(a.type, a.name, a.props as Record<string, any>);
          return props ? { props, opts: a.opts } : undefined;
        });
      }
      const outputs = await import("../index");
      code.add?.(await import("@pulumi/aws"), pulumi);
      return outputs;
    },
    overrides,
  );
  return run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    parent: r.parent,
    inputs: r.inputs,
    options: { protect: r.options.protect, retainOnDelete: r.options.retainOnDelete },
  }));
}

/** The stack's own tenants file. */
const tenantsText = (stack: string) => readFileSync(path.join(ROOT, readStackConfig(ROOT, stack).config["tenant-fleet:tenantsFile"]), "utf8");

/** Each side's files: the tenants file's text and stack setting overrides (default: the stack's own, unchanged). */
interface Files {
  readonly text?: string;
  readonly overrides?: readonly string[];
}

/** The tenant diff of the two sides' files with the two programs' findings underneath; `acknowledge`: the head's file accepts `change: code`. */
function review(stack: string, base: PlannedResource[], head: PlannedResource[], acknowledge = false, files: { base?: Files; head?: Files } = {}) {
  const side = (f: Files = {}, ack = false) => {
    const cfg = readStackConfig(ROOT, stack, f.overrides ?? []);
    const text = f.text ?? tenantsText(stack);
    const acked = ack ? `${text}\nacknowledgements:\n  - change: code\n    reason: "SEC-1: reviewed"\n` : text;
    return {
      fleet: parseTenants(acked, "t.yaml").fleet!,
      stack: { protect: cfg.config["tenant-fleet:protect"] !== "false", settings: projectSettings(cfg.config) },
    };
  };
  const [before, after] = [side(files.base), side(files.head, acknowledge)];
  const tenantIds = [...new Set([...before.fleet.tenants, ...after.fleet.tenants].map((t) => t.id))];
  return diffFleets(before, after, diffResources(base, head, { replaceForcing: replaceForcing(), tenantIds }));
}

/** The failing stack changes of a diff, as `field: why`. */
/** A tenants file in a temporary directory (the stack's tenantsFile override). */
function write(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "tf-weak-")), "tenants.yaml");
  writeFileSync(file, text);
  return file;
}

const failures = (d: ReturnType<typeof review>) => d.stack.filter((c) => c.class === "destructive" && !c.acknowledgement).map((c) => `${c.field}: ${c.why}`);

const TRUST =
  "Federated:arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com for repo:example-saas/app:job_workflow_ref:example-saas/app/.github/workflows/tenant-fleet-backup-17-3-x-x-x.yml@refs/heads/main, repo:example-saas/app:job_workflow_ref:example-saas/app/.github/workflows/tenant-fleet-backup-43-5-x-x-x.yml@refs/heads/main";
const WRITER = "github-backups-backup-writer";
const FULL_ADMIN = ["*"];

describe("the resource review of a head that weakens a vault or grants IAM (prod)", async () => {
  const base = await plan("prod");

  it("finds nothing in the unchanged program, on both sample stacks", async () => {
    for (const [stack, plans] of [
      ["prod", [base, await plan("prod")]],
      ["dev", [await plan("dev"), await plan("dev")]],
    ] as const) {
      const d = review(stack, plans[0], plans[1]);
      expect(
        d.resources!.filter((f) => f.class !== "safe"),
        stack,
      ).toEqual([]);
      expect(diffPasses(d), stack).toBe(true);
    }
  }, 60_000);

  it("a lifecycle that expires the vaults after 1 day fails, naming the retention classes it cuts short", async () => {
    const head = await plan("prod", {
      transform: (type, _name, props) =>
        type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
          ? { ...props, rules: props.rules.map((r: any) => (r.expiration?.days ? { ...r, expiration: { days: 1 } } : r)) }
          : undefined,
    });
    const d = review("prod", base, head);
    expect(diffPasses(d)).toBe(false);
    expect(failures(d)).toContain(
      'resource aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration backups-eu-central-1-lifecycle: weakened by a change of the code: rule "retain-14d" expires backups after 1 days: those of the retention class 14d are deleted before their retention ends, and anyone restoring later finds nothing: neither the tenants file nor the stack settings account for it (the proof is under "resources")',
    );
    // Every vault, every class rule and its legacy twin.
    expect(d.resources!.filter((f) => f.change === "weakened" && f.class === "destructive").map((f) => f.vault)).toEqual(
      expect.arrayContaining(["eu-central-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"]),
    );
    expect(d.resources!.find((f) => f.name === "backups-eu-central-1-lifecycle" && f.detail.includes('"legacy-retention-35d"'))?.classes).toEqual([35]);
    // Acknowledged as a change of the code, it passes: the existing mechanism.
    expect(diffPasses(review("prod", base, head, true))).toBe(true);
  }, 60_000);

  it("suspended versioning, a public access block turned off and ACLs back on each fail", async () => {
    const head = await plan("prod", {
      transform: (type, name, props) =>
        !name.startsWith("backups-eu-west-2")
          ? undefined
          : type === "aws:s3/bucketVersioning:BucketVersioning"
            ? { ...props, versioningConfiguration: { status: "Suspended" } }
            : type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
              ? { ...props, blockPublicPolicy: false, restrictPublicBuckets: false }
              : type === "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
                ? { ...props, rule: { objectOwnership: "ObjectWriter" } }
                : undefined,
    });
    expect(failures(review("prod", base, head))).toEqual([
      expect.stringMatching(
        /^resource aws:s3\/bucketOwnershipControls:BucketOwnershipControls backups-eu-west-2-ownership: weakened by a change of the code: object ownership ObjectWriter: ACLs count again/,
      ),
      expect.stringMatching(
        /^resource aws:s3\/bucketPublicAccessBlock:BucketPublicAccessBlock backups-eu-west-2-public-access: weakened by a change of the code: blockPublicPolicy, restrictPublicBuckets off: a bucket policy or ACL may then open the backups to anyone on the internet/,
      ),
      expect.stringMatching(
        /^resource aws:s3\/bucketVersioning:BucketVersioning backups-eu-west-2-versioning: weakened by a change of the code: versioning Suspended: a deleted or overwritten backup is gone at once/,
      ),
    ]);
  }, 60_000);

  it("default encryption moved off the vault key by code (not by the backupEncryption setting) fails", async () => {
    const head = await plan("prod", {
      transform: (type, name, props) =>
        type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration" && name.startsWith("backups-us-east-2")
          ? { ...props, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }
          : undefined,
    });
    expect(failures(review("prod", base, head))).toEqual([
      expect.stringMatching(
        /^resource aws:s3\/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration backups-us-east-2-encryption: weakened by a change of the code: default encryption leaves the vault key/,
      ),
    ]);
  }, 60_000);

  it("a hardening resource dropped from a vault fails, even where nothing protects it", () => {
    const head = base.filter((r) => r.name !== "backups-us-west-2-public-access");
    const unprotectedBase = base.map((r) => ({ ...r, options: { protect: false, retainOnDelete: false } }));
    const d = review(
      "prod",
      unprotectedBase,
      head.map((r) => ({ ...r, options: { protect: false, retainOnDelete: false } })),
    );
    expect(failures(d)).toEqual([
      expect.stringMatching(
        /^resource aws:s3\/bucketPublicAccessBlock:BucketPublicAccessBlock backups-us-west-2-public-access: deleted by a change of the code/,
      ),
    ]);
    expect(d.resources!.find((f) => f.name === "backups-us-west-2-public-access")).toMatchObject({
      change: "deleted",
      class: "destructive",
      vault: "us-west-2",
      detail: expect.stringContaining("hardens a vault (the public access block"),
    });
  });

  it("AdministratorAccess in a role's managedPolicyArns fails, saying who gets full admin", async () => {
    const head = await plan("prod", {
      transform: (type, name, props) =>
        type === "aws:iam/role:Role" && name === WRITER ? { ...props, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } : undefined,
    });
    expect(failures(review("prod", base, head))).toEqual([
      `resource aws:iam/role:Role ${WRITER}: iam-widened by a change of the code: role ${WRITER} gets the managed policy arn:aws:iam::aws:policy/AdministratorAccess (AdministratorAccess: * on *) by managedPolicyArns: anyone who can assume ${WRITER} (its trust: ${TRUST}) gets full admin of the account: neither the tenants file nor the stack settings account for it (the proof is under "resources")`,
    ]);
  }, 60_000);

  it("an inline *:* policy fails, as a role's inlinePolicies and as the role policy the stack writes", async () => {
    const admin = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: FULL_ADMIN, Resource: "*" }] });
    const inline = await plan("prod", {
      transform: (type, name, props) =>
        type === "aws:iam/role:Role" && name === WRITER ? { ...props, inlinePolicies: [{ name: "ops", policy: admin }] } : undefined,
    });
    expect(failures(review("prod", base, inline))).toEqual([
      `resource aws:iam/role:Role ${WRITER}: iam-widened by a change of the code: role ${WRITER} may Allow * on * (its new inline policy "ops"): anyone who can assume ${WRITER} (its trust: ${TRUST}) gets full admin of the account: neither the tenants file nor the stack settings account for it (the proof is under "resources")`,
    ]);
    const rolePolicy = await plan("prod", {
      transform: (type, name, props) => {
        if (type !== "aws:iam/rolePolicy:RolePolicy" || name !== `${WRITER}-permissions`) return undefined;
        return {
          ...props,
          policy: (props.policy as any).apply((p: string) =>
            JSON.stringify({ ...JSON.parse(p), Statement: [...JSON.parse(p).Statement, { Sid: "Ops", Effect: "Allow", Action: "*", Resource: "*" }] }),
          ),
        };
      },
    });
    expect(failures(review("prod", base, rolePolicy))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^resource aws:iam/rolePolicy:RolePolicy ${WRITER}-permissions: iam-widened by a change of the code: role ${WRITER} may Allow \\* on \\* \\(its policy ${WRITER}-permissions\\): anyone who can assume ${WRITER} \\(its trust: .*\\) gets full admin of the account`,
        ),
      ),
    ]);
  }, 60_000);

  it("attachments, standalone, user and group policies, exclusive sets and a KMS grant to another account each fail (the real @pulumi/aws types)", async () => {
    const head = await plan("prod", {
      add: (aws) => {
        const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:DeleteObject", Resource: "*" }] });
        new aws.iam.RolePolicyAttachment("writer-admin", { role: "github-backups-backup-writer-id", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        new aws.iam.PolicyAttachment("everyone-s3", { policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess", roles: ["github-backups-drill-reader-id"] });
        new aws.iam.Policy("cleanup", { policy: doc });
        new aws.iam.UserPolicy("ci-user", { user: "ci", policy: doc });
        new aws.iam.GroupPolicyAttachment("ops-iam", { group: "ops", policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" });
        new aws.iam.RolePolicyAttachmentsExclusive("writer-managed", {
          roleName: "github-backups-backup-writer",
          policyArns: ["arn:aws:iam::123456789012:policy/extra"],
        });
        new aws.kms.Grant("partner", {
          keyId: "backups-eu-central-1-key-0000",
          granteePrincipal: "arn:aws:iam::999999999999:root",
          operations: ["Decrypt", "DescribeKey"],
        });
      },
    });
    const d = review("prod", base, head);
    const why = (field: string) => d.stack.find((c) => c.field === field)?.why;
    expect(why("resource aws:iam/rolePolicyAttachment:RolePolicyAttachment writer-admin")).toContain(
      `role ${WRITER} gets the managed policy arn:aws:iam::aws:policy/AdministratorAccess (AdministratorAccess: * on *) by writer-admin: anyone who can assume ${WRITER} (its trust: ${TRUST}) gets full admin of the account`,
    );
    expect(why("resource aws:iam/policyAttachment:PolicyAttachment everyone-s3")).toContain(
      "role github-backups-drill-reader gets the managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess (AmazonS3FullAccess: s3:* on *) by everyone-s3: anyone who can assume github-backups-drill-reader (its trust: Federated:",
    );
    expect(why("resource aws:iam/policyAttachment:PolicyAttachment everyone-s3")).toContain("can delete every backup and strip the vaults' protection");
    expect(why("resource aws:iam/policy:Policy cleanup")).toContain(
      "new managed policy cleanup allows Allow s3:DeleteObject on *: whoever it is attached to can delete backups or strip a vault's protection",
    );
    expect(why("resource aws:iam/userPolicy:UserPolicy ci-user")).toContain(
      "user ci may Allow s3:DeleteObject on * (its new policy ci-user): whoever holds ci's credentials can delete backups",
    );
    expect(why("resource aws:iam/groupPolicyAttachment:GroupPolicyAttachment ops-iam")).toContain(
      "group ops gets the managed policy arn:aws:iam::aws:policy/IAMFullAccess (IAMFullAccess: iam:* on *) by ops-iam: every member of ops can make itself or anyone admin",
    );
    expect(why("resource aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive writer-managed")).toContain(
      `role ${WRITER} keeps the managed policy arn:aws:iam::123456789012:policy/extra (the account's own: its document cannot be read offline) attached, and any other detached, by writer-managed: anyone who can assume ${WRITER}`,
    );
    expect(why("resource aws:kms/grant:Grant partner")).toContain(
      "KMS grant partner lets arn:aws:iam::999999999999:root (another account, 999999999999) Decrypt, DescribeKey with key backups-eu-central-1-key-0000: it can decrypt what the key protects (every backup of its vault) without the key policy saying so",
    );
    expect(d.summary.unacknowledged).toBe(7);
  }, 60_000);

  it("an object lock cut below the shortest retention class, or from compliance to governance, fails", async () => {
    const locked = ["backupObjectLock=compliance"];
    const lockedBase = await plan("prod", {}, locked);
    const head = await plan(
      "prod",
      {
        transform: (type, name, props) =>
          type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration" && name.startsWith("backups-eu-central-1")
            ? { ...props, rule: { defaultRetention: { mode: "GOVERNANCE", days: 1 } } }
            : undefined,
      },
      locked,
    );
    const d = diffResources(lockedBase, head, { replaceForcing: replaceForcing(), tenantIds: [] }).filter((f) => f.class === "destructive");
    expect(d.map((f) => [f.name, f.detail])).toEqual([
      ["backups-eu-central-1-object-lock", "object lock mode GOVERNANCE: whoever holds s3:BypassGovernanceRetention may delete locked backups"],
      ["backups-eu-central-1-object-lock", "the object lock holds backups 1 days, shorter than the shortest retention class (14d)"],
    ]);
  }, 60_000);

  it("what the files or settings explain does not fail as code: a retention class leaving, a shorter class added, break-glass or the encryption changed", async () => {
    const text = tenantsText("prod");
    // brightwave alone keeps 35 days: moving it to 14 takes the class (and its lifecycle rules) away; the class change itself fails, the rules follow from it.
    const fewer = text.replace("backup: { retentionDays: 35 }", "backup: { retentionDays: 14 }");
    expect(fewer).not.toBe(text);
    const d = review("prod", base, await plan("prod", {}, [`tenantsFile=${write(fewer)}`]), false, { head: { text: fewer } });
    expect(new Set(d.resources!.filter((f) => f.change === "weakened").map((f) => f.explainedBy))).toEqual(new Set(["retention class 35d"]));
    expect(d.stack.filter((c) => c.class === "destructive").map((c) => c.kind)).toEqual(["retention"]);
    // A tenant keeping backups 7 days adds a class shorter than every other: nothing is cut short.
    const seven = `${text}\n  - id: zeta\n    name: Zeta\n    region: aws-eu-central-1\n    residency: EU\n    status: active\n    backup: { retentionDays: 7 }\n`;
    const added = review("prod", base, await plan("prod", {}, [`tenantsFile=${write(seven)}`]), false, { head: { text: seven } });
    expect(added.resources!.filter((f) => f.class === "destructive")).toEqual([]);
    expect(diffPasses(added)).toBe(true);
    // Another break-glass principal: its grants and the Denies that now except it follow from the setting, itself a custody change (fails until acknowledged).
    const glass = ["breakGlassPrincipal=arn:aws:iam::123456789012:role/tenant-fleet-break-glass-2"];
    const glassPlan = await plan("prod", {}, glass);
    const moved = review("prod", base, glassPlan, false, { head: { overrides: glass } });
    expect(moved.resources!.filter((f) => f.class === "destructive").length).toBeGreaterThan(0);
    expect(new Set(moved.resources!.filter((f) => f.class === "destructive").map((f) => f.explainedBy))).toEqual(new Set(["tenant-fleet:breakGlassPrincipal"]));
    expect(moved.stack.filter((c) => c.class === "destructive").map((c) => `${c.field} ${c.kind}`)).toEqual(["tenant-fleet:breakGlassPrincipal custody"]);
    expect(diffPasses(moved)).toBe(false);
    const custody = `${text}\nacknowledgements:\n  - change: custody\n    reason: "SEC-2: break-glass moves to the new vault officer"\n`;
    expect(diffPasses(review("prod", base, glassPlan, false, { head: { overrides: glass, text: custody } }))).toBe(true);
    // SSE-S3 to the vault keys: new key policies for the administrators and break-glass the settings name.
    const s3 = ["backupEncryption=s3"];
    const keyed = review("prod", await plan("prod", {}, s3), base, false, { base: { overrides: s3 } });
    expect(keyed.resources!.filter((f) => f.class === "destructive" && !f.explainedBy)).toEqual([]);
    expect(diffPasses(keyed)).toBe(true);
    // A Deny of erasure that excepts someone no setting names fails.
    const stranger = await plan("prod", {
      transform: (type, _name, props) =>
        type === "aws:s3/bucketPolicy:BucketPolicy"
          ? { ...props, policy: (props.policy as any).apply((p: string) => p.replaceAll("role/tenant-fleet-break-glass", "role/contractor")) }
          : undefined,
    });
    expect(failures(review("prod", base, stranger))).toContainEqual(
      expect.stringMatching(
        /^resource aws:s3\/bucketPolicy:BucketPolicy backups-eu-central-1-policy: iam-widened by a change of the code: .*a Deny of privileged actions now excepts arn:aws:iam::123456789012:role\/contractor/,
      ),
    );
  }, 120_000);

  it("reads a key's and a bucket's own switches, every lifecycle rule, and a trust opened to another account or a service", () => {
    const tweak = (name: string, change: (inputs: Record<string, any>) => Record<string, any>) =>
      base.map((r) => (r.name === name ? { ...r, inputs: change(r.inputs as Record<string, any>) } : r));
    const destroys = (head: PlannedResource[]) =>
      diffResources(base, head, { replaceForcing: replaceForcing(), tenantIds: [] })
        .filter((f) => f.class === "destructive")
        .map((f) => `${f.name}: ${f.detail}`);
    const lifecycle = "backups-eu-central-1-lifecycle";
    const housekeeping = (change: (rule: any) => any) =>
      tweak(lifecycle, (i) => ({ ...i, rules: i.rules.flatMap((r: any) => (r.id === "housekeeping" ? change(r) : [r])) }));
    const trust = (Principal: object) =>
      tweak(WRITER, (i) => ({
        ...i,
        assumeRolePolicy: JSON.stringify({
          ...JSON.parse(i.assumeRolePolicy),
          Statement: [...JSON.parse(i.assumeRolePolicy).Statement, { Effect: "Allow", Principal, Action: "sts:AssumeRole" }],
        }),
      }));
    expect(destroys(tweak("backups-eu-central-1-key", (i) => ({ ...i, isEnabled: false })))).toEqual([
      "backups-eu-central-1-key: the key is disabled: no backup it protects can be decrypted",
    ]);
    expect(destroys(tweak("backups-eu-central-1-key", (i) => ({ ...i, deletionWindowInDays: 7 })))).toEqual([
      "backups-eu-central-1-key: a scheduled deletion completes after 7 days instead of 30: less time to cancel it",
    ]);
    expect(destroys(tweak("backups-eu-central-1", (i) => ({ ...i, forceDestroy: true })))).toEqual([
      "backups-eu-central-1: forceDestroy: deleting the bucket deletes every backup in it first",
    ]);
    expect(destroys(housekeeping(() => []))).toEqual([
      `${lifecycle}: rule "housekeeping" is gone (or disabled): what it expired or cleaned up (the whole bucket) stays for ever, an erased tenant's backups included`,
    ]);
    expect(destroys(housekeeping((r) => [{ ...r, noncurrentVersionExpiration: { noncurrentDays: 3 } }]))).toEqual([
      `${lifecycle}: rule "housekeeping" keeps noncurrent versions 3 days: an overwritten or deleted backup of the classes 14d, 30d, 35d is gone before its retention ends`,
    ]);
    expect(destroys(trust({ AWS: "arn:aws:iam::999999999999:root" }))).toEqual([
      `${WRITER}: trust (assumeRolePolicy) allows more: Allow AWS:arn:aws:iam::999999999999:root sts:AssumeRole on *: AWS:arn:aws:iam::999999999999:root (not trusted before: another account, anyone, or a new service or provider) may assume ${WRITER} and do everything it may`,
    ]);
    expect(destroys(trust({ Service: "ec2.amazonaws.com" }))).toHaveLength(1);
  });
});

/**
 * The hostile review's variants (issue 31 follow-up): each edits the unchanged prod plan the
 * way a change of code would, and each must fail as a change of the code. Before the
 * follow-up, every one passed (as "review", or silently).
 */
describe("the hostile review's variants of the prod plan each fail as a change of the code", async () => {
  const base = await plan("prod");
  const clone = () => JSON.parse(JSON.stringify(base)) as PlannedResource[];
  const edited = (change: (rs: PlannedResource[]) => void) => {
    const rs = clone();
    change(rs);
    return rs;
  };
  const find = (rs: PlannedResource[], type: string, name: string) =>
    rs.find((r) => r.type.endsWith(type) && r.name === name) as PlannedResource & { inputs: Record<string, any> };
  const set = (r: PlannedResource, inputs: Record<string, unknown>) => Object.assign(r, { inputs: { ...r.inputs, ...inputs } });
  const lifecycle = (rs: PlannedResource[]) => find(rs, "BucketLifecycleConfiguration", "backups-eu-central-1-lifecycle");
  const bucketPolicy = (rs: PlannedResource[]) => find(rs, "BucketPolicy", "backups-eu-central-1-policy");
  const BUCKET = String(
    JSON.parse(bucketPolicy(base).inputs.policy as string).Statement[0].Resource[0] ??
      JSON.parse(bucketPolicy(base).inputs.policy as string).Statement[0].Resource,
  ).replace(/\/\*$/, "");
  const DEPLOY = "arn:aws:iam::123456789012:role/tenant-fleet-deploy";
  const GLASS = "arn:aws:iam::123456789012:role/tenant-fleet-break-glass";
  const SUB = "token.actions.githubusercontent.com:sub";
  /** The diff of the head against the base, with the files unchanged: what fails, as `resource name: why`. */
  const fails = (head: PlannedResource[]) => {
    const d = review("prod", base, head);
    expect(diffPasses(d)).toBe(false);
    return failures(d);
  };

  it("the custody Denies' condition flipped (ArnNotEquals → ArnEquals, or another operator) fails on every vault, explained by nothing (finding 1)", () => {
    const flip = (op: string) =>
      edited((rs) => {
        for (const r of rs)
          if (r.type === "aws:s3/bucketPolicy:BucketPolicy" || r.type === "aws:kms/key:Key")
            set(r, { policy: (r.inputs.policy as string).replace(/"ArnNotEquals"/g, `"${op}"`) });
      });
    for (const op of ["ArnEquals", "ArnNotLikeIfExists"]) {
      const f = fails(flip(op));
      for (const vault of ["eu-central-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"]) {
        expect(f, op).toContainEqual(
          expect.stringMatching(
            new RegExp(
              `^resource aws:s3/bucketPolicy:BucketPolicy backups-${vault}-policy: iam-widened by a change of the code: .*the condition of a Deny of privileged actions changes \\(DenyErasureButBreakGlass: .*${op}`,
            ),
          ),
        );
        expect(f, op).toContainEqual(
          expect.stringMatching(
            new RegExp(
              `^resource aws:kms/key:Key backups-${vault}-key: iam-widened by a change of the code: .*the condition of a Deny of privileged actions changes`,
            ),
          ),
        );
      }
    }
  });

  it("the deploy role added to the custody Denies' exceptions fails, though keyAdministrators names it (finding 2a)", () => {
    const head = edited((rs) => {
      const bp = bucketPolicy(rs);
      set(bp, {
        policy: (bp.inputs.policy as string).replaceAll(
          `{"ArnNotEquals":{"aws:PrincipalArn":"${GLASS}"}}`,
          `{"ArnNotEquals":{"aws:PrincipalArn":["${GLASS}","${DEPLOY}"]}}`,
        ),
      });
    });
    expect(bucketPolicy(head).inputs.policy).toContain(DEPLOY);
    const d = review("prod", base, head);
    expect(d.resources!.find((f) => f.name === "backups-eu-central-1-policy" && f.class === "destructive")).toMatchObject({ change: "iam-widened" });
    expect(d.resources!.find((f) => f.name === "backups-eu-central-1-policy" && f.class === "destructive")!.explainedBy).toBeUndefined();
    expect(failures(d)).toEqual([
      expect.stringMatching(
        /^resource aws:s3\/bucketPolicy:BucketPolicy backups-eu-central-1-policy: iam-widened by a change of the code: .*the condition of a Deny of privileged actions changes/,
      ),
    ]);
  });

  it("an Allow to the deploy role on a vault is not explained by an unchanged keyAdministrators setting (finding 2)", () => {
    const head = edited((rs) => {
      const bp = bucketPolicy(rs);
      const doc = JSON.parse(bp.inputs.policy as string);
      doc.Statement.push({ Sid: "Ops", Effect: "Allow", Principal: { AWS: DEPLOY }, Action: "s3:DeleteObjectVersion", Resource: `${BUCKET}/*` });
      set(bp, { policy: JSON.stringify(doc) });
    });
    const d = review("prod", base, head);
    expect(d.resources!.find((f) => f.name === "backups-eu-central-1-policy" && f.class === "destructive")).toMatchObject({ principals: [DEPLOY] });
    expect(d.resources!.find((f) => f.name === "backups-eu-central-1-policy" && f.class === "destructive")!.explainedBy).toBeUndefined();
    expect(diffPasses(d)).toBe(false);
  });

  it("a second bucket policy, lifecycle or key policy on an existing vault is judged against the one it replaces (finding 3)", () => {
    const secondPolicy = edited((rs) => {
      const bp = bucketPolicy(rs);
      rs.push({
        type: bp.type,
        name: "extra-policy",
        parent: "",
        inputs: {
          bucket: bp.inputs.bucket,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Sid: "Noop", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetBucketLocation", Resource: BUCKET },
            ],
          }),
        },
        options: { protect: false, retainOnDelete: false },
      });
    });
    expect(fails(secondPolicy)).toContainEqual(
      expect.stringMatching(/^resource aws:s3\/bucketPolicy:BucketPolicy extra-policy: iam-widened by a change of the code: .*no longer: Deny \* s3:\*/),
    );
    const secondLifecycle = edited((rs) => {
      const lc = lifecycle(rs);
      rs.push({
        type: lc.type,
        name: "tidy",
        parent: "",
        inputs: {
          bucket: lc.inputs.bucket,
          rules: [{ id: "abort", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 30 } }],
        },
        options: { protect: false, retainOnDelete: false },
      });
    });
    expect(fails(secondLifecycle)).toContainEqual(
      expect.stringMatching(
        /^resource aws:s3\/bucketLifecycleConfiguration:BucketLifecycleConfiguration tidy: weakened by a change of the code: rule "retain-14d" is gone/,
      ),
    );
    const keyPolicy = (keyId: string) =>
      edited((rs) => {
        const key = find(rs, "Key", "backups-eu-central-1-key");
        const doc = JSON.parse(key.inputs.policy as string);
        rs.push({
          type: "aws:kms/keyPolicy:KeyPolicy",
          name: "kp",
          parent: "",
          inputs: {
            keyId,
            bypassPolicyLockoutSafetyCheck: true,
            policy: JSON.stringify({ ...doc, Statement: doc.Statement.filter((s: { Effect: string }) => s.Effect === "Allow") }),
          },
          options: { protect: false, retainOnDelete: false },
        });
      });
    // On the vault key (its id as the plan gives it): the key's Denies are gone.
    expect(fails(keyPolicy("backups-eu-central-1-key-0000"))).toContainEqual(
      expect.stringMatching(/^resource aws:kms\/keyPolicy:KeyPolicy kp: iam-widened by a change of the code: .*no longer: Deny/),
    );
    // On a key the review cannot tie to either program's: it may replace a vault's.
    expect(fails(keyPolicy("x"))).toContainEqual(
      expect.stringMatching(
        /^resource aws:kms\/keyPolicy:KeyPolicy kp: weakened by a change of the code: a KeyPolicy for x, which the review cannot tie to a bucket or key of either program/,
      ),
    );
  });

  it("a new role any workflow may assume, a trust widened to any branch, and backups read by a role that did not read them fail (finding 4)", () => {
    const writer = (rs: PlannedResource[]) => find(rs, "Role", WRITER);
    const anyWorkflow = edited((rs) => {
      const trust = JSON.parse(writer(rs).inputs.assumeRolePolicy as string);
      trust.Statement = [
        {
          ...trust.Statement[0],
          Sid: "AnyWorkflow",
          Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: { [SUB]: "repo:example-saas/app:*" } },
        },
      ];
      rs.push({
        type: writer(rs).type,
        name: "github-backups-auditor",
        parent: writer(rs).parent,
        inputs: { name: "tenant-fleet-auditor", assumeRolePolicy: JSON.stringify(trust) },
        options: { protect: false, retainOnDelete: false },
      });
      rs.push({
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "github-backups-auditor-permissions",
        parent: writer(rs).parent,
        inputs: {
          role: "github-backups-auditor-id",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: [BUCKET, `${BUCKET}/*`] },
              { Effect: "Allow", Action: ["kms:Decrypt"], Resource: "arn:aws:kms:eu-central-1:123456789012:key/backups-eu-central-1-key-0000" },
            ],
          }),
        },
        options: { protect: false, retainOnDelete: false },
      });
    });
    const f = fails(anyWorkflow);
    expect(f).toContainEqual(
      expect.stringMatching(
        /^resource aws:iam\/role:Role github-backups-auditor: iam-widened by a change of the code: a new role tenant-fleet-auditor that GitHub workflows may assume/,
      ),
    );
    expect(f).toContainEqual(
      expect.stringMatching(
        /^resource aws:iam\/role:Role github-backups-auditor: iam-widened by a change of the code: new trust \(assumeRolePolicy\) allows more/,
      ),
    );
    expect(f).toContainEqual(
      expect.stringMatching(
        /^resource aws:iam\/rolePolicy:RolePolicy github-backups-auditor-permissions: iam-widened by a change of the code: role tenant-fleet-auditor may .*s3:GetObject.* can read backups or connection strings/,
      ),
    );
    const wideTrust = edited((rs) => {
      const doc = JSON.parse(writer(rs).inputs.assumeRolePolicy as string);
      doc.Statement.push({
        ...doc.Statement[0],
        Sid: "More",
        Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: { [SUB]: "repo:example-saas/*" } },
      });
      set(writer(rs), { assumeRolePolicy: JSON.stringify(doc) });
    });
    expect(fails(wideTrust)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^resource aws:iam/role:Role ${WRITER}: iam-widened by a change of the code: trust \\(assumeRolePolicy\\) allows more: .*repo:example-saas/\\*`,
        ),
      ),
    ]);
    // Another branch, exactly: a subject whose shape no generated workflow has.
    const otherBranch = edited((rs) =>
      set(writer(rs), { assumeRolePolicy: (writer(rs).inputs.assumeRolePolicy as string).replace("@refs/heads/main", "@refs/heads/feature") }),
    );
    expect(fails(otherBranch)).toHaveLength(1);
    const writerReads = edited((rs) => {
      const rp = find(rs, "RolePolicy", `${WRITER}-permissions`);
      rs.push({
        type: rp.type,
        name: "writer-read",
        parent: rp.parent,
        inputs: {
          role: rp.inputs.role,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket", "s3:GetObjectVersion"], Resource: [BUCKET, `${BUCKET}/*`] }],
          }),
        },
        options: { protect: false, retainOnDelete: false },
      });
    });
    expect(fails(writerReads)).toEqual([
      expect.stringMatching(
        new RegExp(`^resource aws:iam/rolePolicy:RolePolicy writer-read: iam-widened by a change of the code: role ${WRITER} may .*s3:GetObject`),
      ),
    ]);
  });

  it("a class rule moved or without expiry, a new rule on legacy backups or exports, and any transition fail (finding 5)", () => {
    const rules = (rs: PlannedResource[]) => lifecycle(rs).inputs.rules as Record<string, any>[];
    const cases: [string, (rs: PlannedResource[]) => void, RegExp][] = [
      [
        "filter moved",
        (rs) => void (rules(rs).find((r) => r.id === "retain-14d")!.filter = { prefix: "retain-none/" }),
        /rule "retain-14d" changes: its filter moves from \{"prefix":"retain-14d\/"\} to \{"prefix":"retain-none\/"\}/,
      ],
      [
        "expiration lost",
        (rs) => void delete rules(rs).find((r) => r.id === "retain-30d")!.expiration,
        /rule "retain-30d" changes: it no longer expires anything/,
      ],
      [
        "legacy prefix",
        (rs) => void rules(rs).push({ id: "tidy-acme", status: "Enabled", filter: { prefix: "acme-corp/" }, expiration: { days: 1 } }),
        /new rule "tidy-acme" expires objects under acme-corp\//,
      ],
      [
        "exports",
        (rs) => void rules(rs).push({ id: "tidy-exports", status: "Enabled", filter: { prefix: "exports/" }, expiration: { days: 1 } }),
        /new rule "tidy-exports" expires objects under exports\//,
      ],
      [
        "transitions",
        (rs) =>
          void rules(rs).push({
            id: "cold",
            status: "Enabled",
            filter: { prefix: "" },
            transitions: [{ days: 1, storageClass: "DEEP_ARCHIVE" }],
            noncurrentVersionTransitions: [{ noncurrentDays: 1, storageClass: "GLACIER" }],
          }),
        /rule "cold" transitions objects .*DEEP_ARCHIVE.*: archived backups need a retrieval/,
      ],
    ];
    for (const [what, change, detail] of cases) {
      expect(fails(edited(change)), what).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^resource aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration backups-eu-central-1-lifecycle: weakened by a change of the code: .*${detail.source}`,
          ),
        ),
      );
    }
  });

  it("a tenant environment's branch policy widened to any branch, or dropped, fails (finding 9b)", () => {
    const star = edited((rs) => set(find(rs, "RepositoryEnvironmentDeploymentPolicy", "tenant-acme-corp-branch"), { branchPattern: "*" }));
    expect(fails(star)).toEqual([
      expect.stringMatching(
        /^resource github:index\/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy tenant-acme-corp-branch: weakened by a change of the code: environment tenant-acme-corp holds a secret: the refs that may deploy change \(branchPattern "main" → "\*"\)/,
      ),
    ]);
    const open = edited((rs) => set(find(rs, "RepositoryEnvironment", "tenant-acme-corp"), { deploymentBranchPolicy: undefined }));
    expect(fails(open)).toEqual([
      expect.stringMatching(
        /^resource github:index\/repositoryEnvironment:RepositoryEnvironment tenant-acme-corp: weakened by a change of the code: environment tenant-acme-corp holds a secret: its protection changes \(deploymentBranchPolicy/,
      ),
    ]);
    const dropped = edited((rs) => rs.splice(rs.indexOf(find(rs, "RepositoryEnvironmentDeploymentPolicy", "tenant-acme-corp-branch")), 1));
    expect(fails(dropped)).toEqual([
      expect.stringMatching(
        /tenant-acme-corp-branch: weakened by a change of the code: environment tenant-acme-corp holds a secret: its deployment policy "main" is gone while the environment stays/,
      ),
    ]);
  });

  it("no false positive: a tenant in a new region (a new vault), a retention class kept by keepRetentionDays, and a retired tenant pass", async () => {
    const text = tenantsText("prod");
    const residencies = ['allowedResidencies=["EU","DE","GB","US","SG"]'];
    const singapore = `${text}\n  - id: lion-city\n    name: Lion City Pte\n    region: aws-ap-southeast-1\n    residency: SG\n    status: active\n`;
    const newRegion = review("prod", await plan("prod", {}, residencies), await plan("prod", {}, [...residencies, `tenantsFile=${write(singapore)}`]), false, {
      base: { overrides: residencies },
      head: { text: singapore, overrides: residencies },
    });
    expect(newRegion.resources!.filter((f) => f.class === "destructive" && !f.explainedBy)).toEqual([]);
    expect(diffPasses(newRegion)).toBe(true);
    const keep = ["keepRetentionDays=[90]"];
    const kept = review("prod", base, await plan("prod", {}, keep), false, { head: { overrides: keep } });
    expect(kept.resources!.filter((f) => f.class === "destructive")).toEqual([]);
    expect(diffPasses(kept)).toBe(true);
    const retired = text.replace(/(id: acme-corp\n(?:.*\n)*?\s+status:) active/, "$1 retired");
    expect(retired).not.toBe(text);
    const retire = review("prod", base, await plan("prod", {}, [`tenantsFile=${write(retired)}`]), false, { head: { text: retired } });
    expect(retire.resources!.filter((f) => f.class === "destructive" && !f.explainedBy)).toEqual([]);
    expect(diffPasses(retire)).toBe(true);
  }, 120_000);
});
