/**
 * Least privilege, proven by evaluation: the documents the real program declares (dev and
 * prod, both secret scopes, random fleets, a fleet large enough to widen the grants) are
 * evaluated against generated requests. For every principal that is not the intended
 * workflow, assuming a role is denied; for each role, every action outside its job is
 * denied; overwrite, retag, delete, key deletion and cross-tenant reads are denied; the
 * intended requests, multipart uploads included, are allowed.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { planVaults, type VaultPlan } from "../src/plan/vaults/plan";
import { grantScopes, workflowSubject, type GithubRepositoryRef } from "../src/plan/iam/workflowAccess";
import { planWorkflows, workflowSettings } from "../src/plan/workflows/render";
import { backupPrefix, legacyBackupPrefix } from "../tenants/naming";
import { loadWorkingTree } from "../src/engine/workingTree";
import { readStackConfig } from "../src/core/config/stackFiles";
import type { StackSettings } from "../src/core/config/settings";
import type { Tenant } from "../tenants/model";
import { ROOT, runProgram } from "./program";
import { admin, asCaller, assume, KEY_CUSTODY, kms, s3, ssmRead, VAULT_SETTINGS, worldOf, type Caller, type World } from "./iamWorld";
import { ALLOW_EVERYTHING } from "../src/core/iam/evaluate";
import { credentialParameter } from "../src/core/repositoryContract";
import { ACME, fleetYaml } from "./helpers";
import { fleetNames } from "../src/core/repositoryContract";

/** Actions of S3, KMS, IAM and STS a compromised workflow might try (AWS service authorization reference). */
const S3_ACTIONS = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:GetObjectTagging",
  "s3:GetObjectAcl",
  "s3:GetObjectAttributes",
  "s3:PutObject",
  "s3:PutObjectAcl",
  "s3:PutObjectTagging",
  "s3:PutObjectVersionTagging",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteObjectTagging",
  "s3:DeleteObjectVersionTagging",
  "s3:ListBucket",
  "s3:ListBucketVersions",
  "s3:ListBucketMultipartUploads",
  "s3:ListMultipartUploadParts",
  "s3:AbortMultipartUpload",
  "s3:RestoreObject",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutReplicationConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketAcl",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
  "s3:DeleteBucket",
  "s3:GetBucketPolicy",
  "s3:PutBucketTagging",
  "s3:ReplicateObject",
  "s3:ReplicateDelete",
  "s3:PutBucketNotification",
  "s3:PutBucketLogging",
  "s3:PutAccelerateConfiguration",
];
const KMS_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:CreateGrant",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:DisableKey",
  "kms:EnableKey",
  "kms:PutKeyPolicy",
  "kms:GetKeyPolicy",
  "kms:DescribeKey",
  "kms:UpdateKeyDescription",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:DisableKeyRotation",
  "kms:CreateAlias",
  "kms:DeleteAlias",
];
const IDENTITY_ACTIONS = [
  "iam:PassRole",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:UpdateAssumeRolePolicy",
  "iam:CreateAccessKey",
  "sts:AssumeRole",
  "sts:GetFederationToken",
];

const STAMP = "20261122T031705Z.dump";

interface Stack {
  readonly label: string;
  readonly world: World;
  readonly settings: StackSettings;
  readonly tenants: readonly Tenant[];
  readonly plans: readonly VaultPlan[];
  readonly subjects: { readonly backupWriter: string[]; readonly drillReader: string[]; readonly migrator: string[] };
  readonly scopes: ReturnType<typeof grantScopes>;
  /** What the program logged (the plan's warnings). */
  readonly logs: readonly string[];
  /** Region scope: the output policy for the application's runtime roles. */
  readonly applicationPolicy?: string;
}

async function stack(label: string, stackName: string, overrides: string[] = []): Promise<Stack> {
  const run = await runProgram(stackName, overrides);
  const { settings, fleet } = loadWorkingTree(readStackConfig(ROOT, stackName, overrides));
  const plans = planVaults(fleet!.tenants, settings!.backup.keep);
  const files = planWorkflows(fleet!.tenants, workflowSettings(settings!, fleetNames()));
  const subjectsOf = (kind: string) => files.filter((f) => f.kind === kind).map((f) => workflowSubject(settings!.github, f.path));
  return {
    label,
    world: worldOf(run),
    settings: settings!,
    tenants: fleet!.tenants,
    plans,
    subjects: { backupWriter: subjectsOf("backup"), drillReader: subjectsOf("restore-drill"), migrator: subjectsOf("migrations") },
    logs: run.logs,
    applicationPolicy: (run.outputs.applicationCredentialsPolicy as string | null) ?? undefined,
    scopes: grantScopes(
      plans.map((p) => ({
        awsRegion: p.awsRegion,
        hasKey: settings!.backup.encryption === "kms",
        tenants: p.backedUp.map((t) => ({ id: t.id, retentionDays: t.backup.retentionDays })),
      })),
    ),
  };
}

/** A random fleet in the regions the prod stack allows, written where the program can read it. */
const REGIONS: [string, string][] = [
  ["aws-eu-central-1", "EU"],
  ["aws-eu-central-1", "DE"],
  ["aws-eu-west-2", "GB"],
  ["aws-us-east-1", "US"],
  ["aws-us-east-2", "US"],
  ["aws-us-west-2", "US"],
];
const tenantArb = fc.record({
  region: fc.constantFrom(...REGIONS),
  status: fc.constantFrom("active", "active", "active", "retired"),
  enabled: fc.constantFrom(true, true, true, false),
  retention: fc.constantFrom(7, 14, 30, 35, 90),
  schedule: fc.constantFrom("17 3 * * *", "43 5 * * *", "5 1 * * *"),
});
interface TenantSpec {
  readonly region: readonly [string, string];
  readonly status: string;
  readonly enabled: boolean;
  readonly retention: number;
  readonly schedule: string;
}
function writeFleet(spec: readonly TenantSpec[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tf-fleet-"));
  const file = path.join(dir, "tenants.yaml");
  writeFileSync(
    file,
    fleetYaml(
      spec.map((t, i) => ({
        ...ACME,
        id: `tenant-${String(i).padStart(3, "0")}`,
        name: `Tenant ${i}`,
        region: t.region[0],
        residency: t.region[1],
        status: t.status,
        backup: `{ enabled: ${t.enabled}, retentionDays: ${t.retention}, schedule: "${t.schedule}" }`,
      })),
    ),
  );
  return file;
}

const object = (bucketArn: string, t: Tenant, retention = t.backup.retentionDays) => `${bucketArn}/${backupPrefix(t.id, retention)}${STAMP}`;

/**
 * Region scope: who can read which connection string. Each workflow role reads the direct
 * strings of the tenants it serves (never a pooled one), the application's role the pooled
 * ones only, the drill role and everyone else nothing: not an account administrator, not
 * the key's administrators outside SSM, not another account.
 */
function checkCredentials(s: Stack): void {
  const { world } = s;
  if (!world.credentials.size) return;
  const allowed = (caller: Caller, region: string, name: string) => ssmRead(world, region, caller, name).every((d) => d.decision === "allow");
  const app =
    s.applicationPolicy && s.settings.applicationRoleArns.length
      ? { arn: s.settings.applicationRoleArns[0], identity: [JSON.parse(s.applicationPolicy)] }
      : undefined;
  const active = s.tenants.filter((t) => t.status === "active");
  // The migrations role: only the migrations file on the default branch assumes it.
  if (world.migrator) {
    for (const sub of s.subjects.migrator) expect(assume(world, world.migrator, sub)).toBe("allow");
    for (const sub of [...s.subjects.backupWriter, ...s.subjects.drillReader]) expect(assume(world, world.migrator, sub), sub).toBe("implicit-deny");
    for (const r of [world.writer, world.reader]) for (const sub of s.subjects.migrator) if (r) expect(assume(world, r, sub)).toBe("implicit-deny");
  }
  for (const t of s.tenants) {
    const region = s.plans.find((p) => p.tenants.includes(t))!.awsRegion;
    const direct = credentialParameter(s.settings.stack, t.id, "direct");
    const pooled = credentialParameter(s.settings.stack, t.id, "pooled");
    const isActive = t.status === "active";
    if (!isActive) {
      // A retired tenant's strings are deleted with its route: nothing is left to read.
      for (const [, c] of world.credentials)
        expect(
          [...c.parameters.keys()].some((n) => n.includes(`/${t.id}/`)),
          `${t.id} is retired`,
        ).toBe(false);
      continue;
    }
    expect(world.credentials.get(region)!.parameters.has(direct), `${t.id} has its parameter in ${region}`).toBe(true);
    // Backups read the direct strings of the tenants they back up.
    if (world.writer) {
      const expected = t.backup.enabled || s.scopes.backupWriter === "class";
      expect(allowed(asCaller(world.writer), region, direct), `${s.label} writer reads ${t.id}`).toBe(expected);
      expect(allowed(asCaller(world.writer), region, pooled), `${s.label} writer reads ${t.id}'s pooled string`).toBe(false);
    }
    if (world.migrator) {
      expect(allowed(asCaller(world.migrator), region, direct), `${s.label} migrations read ${t.id}`).toBe(true);
      expect(allowed(asCaller(world.migrator), region, pooled)).toBe(false);
    }
    if (world.reader) expect(allowed(asCaller(world.reader), region, direct), "the drill reads no connection string").toBe(false);
    if (app) {
      expect(allowed(app, region, pooled), `the application reads ${t.id}'s pooled string`).toBe(true);
      expect(allowed(app, region, direct), "the application never reads a direct string").toBe(false);
    }
    for (const caller of [
      admin("account-admin"),
      admin("outsider", "999999999999"),
      ...s.settings.backup.keyAdministrators.map((a) => ({ arn: a, identity: admin("x").identity })),
    ]) {
      expect(ssmRead(world, region, caller, direct).find((d) => d.action === "kms:Decrypt")!.decision, `${caller.arn} decrypts ${t.id}`).toBe(
        s.settings.backup.keyAdministrators.includes(caller.arn) ? "allow" : "implicit-deny",
      );
    }
  }
  // Another stack's parameters in the same regions are out of reach.
  for (const [region] of world.credentials) {
    const other = `/tenant-fleet/other-stack/${active[0]?.id ?? "x"}/direct-url`;
    for (const r of [world.writer, world.migrator]) if (r) expect(allowed(asCaller(r), region, other), `${r.arn} reads another stack`).toBe(false);
    if (app) expect(allowed(app, region, other.replace("direct", "pooled"))).toBe(false);
  }
}

/** Every property of this suite, for one stack. */
function checkStack(s: Stack): void {
  const { world } = s;
  const repo: GithubRepositoryRef = s.settings.github;
  const writer = world.writer && asCaller(world.writer);
  const reader = world.reader && asCaller(world.reader);
  const sse = s.settings.backup.encryption === "kms" ? "aws:kms" : "AES256";

  // Trust: the intended files get in; nothing a workflow author controls elsewhere does.
  for (const [purpose, r] of [
    ["backupWriter", world.writer],
    ["drillReader", world.reader],
  ] as const) {
    if (!r) continue;
    for (const sub of s.subjects[purpose]) expect(assume(world, r, sub), `${s.label} ${purpose} ${sub}`).toBe("allow");
    const other = purpose === "backupWriter" ? s.subjects.drillReader : s.subjects.backupWriter;
    for (const sub of other) expect(assume(world, r, sub), `${s.label} ${purpose} must not trust ${sub}`).toBe("implicit-deny");
    const own = s.subjects[purpose][0];
    const base = `repo:${repo.owner}/${repo.repository}`;
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .stringMatching(/^[a-z][a-z0-9._/-]{0,30}$/)
            .filter((b) => b !== repo.branch)
            .map((b) => own.replace(`@refs/heads/${repo.branch}`, `@refs/heads/${b}`)),
          fc.integer({ min: 1, max: 99999 }).map((n) => own.replace(`@refs/heads/${repo.branch}`, `@refs/pull/${n}/merge`)),
          fc.stringMatching(/^v[0-9.]{1,8}$/).map((t) => own.replace(`@refs/heads/${repo.branch}`, `@refs/tags/${t}`)),
          fc
            .stringMatching(/^[a-z][a-z0-9-]{0,20}\.ya?ml$/)
            .map((f) => `${base}:job_workflow_ref:${repo.owner}/${repo.repository}/.github/workflows/${f}@refs/heads/${repo.branch}`)
            .filter((sub) => !s.subjects[purpose].includes(sub)),
          fc
            .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
            .filter((o) => o !== repo.owner)
            .map((o) => own.replaceAll(`${repo.owner}/`, `${o}/`)),
          fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).map((e) => `${base}:environment:${e}`),
          fc.constantFrom(...s.tenants.map((t) => `${base}:environment:tenant-${t.id}`)),
          fc.constant(`${base}:ref:refs/heads/${repo.branch}`),
          fc.constant(`${base}:pull_request`),
        ),
        (sub) => {
          expect(assume(world, r, sub), sub).toBe("implicit-deny");
        },
      ),
      { numRuns: 150 },
    );
    expect(assume(world, r, own, `https://github.com/${repo.owner}`)).toBe("implicit-deny");
    expect(assume(world, r, own, undefined, "arn:aws:iam::123456789012:oidc-provider/ghes.example.com/_services/token")).toBe("implicit-deny");
    expect(assume(world, r, own, undefined, "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com")).toBe("implicit-deny");
  }

  for (const plan of s.plans) {
    const vault = world.vaults.get(plan.awsRegion)!;
    const put = (extra: Record<string, unknown>) =>
      ({
        "s3:ObjectCreationOperation": true,
        "s3:if-none-match": "*",
        "s3:x-amz-server-side-encryption": sse,
        ...(vault.keyArn ? { "s3:x-amz-server-side-encryption-aws-kms-key-id": vault.keyArn } : {}),
        ...extra,
      }) as Record<string, string | boolean>;
    const others = s.tenants.filter((t) => !plan.backedUp.includes(t));

    for (const t of plan.backedUp) {
      const key = object(vault.bucketArn, t);
      // The writer: a single PUT and every step of a multipart upload, only as a new object.
      expect(s3(world, plan.awsRegion, writer!, "s3:PutObject", key, put({})), `${s.label} ${t.id} put`).toBe("allow");
      expect(s3(world, plan.awsRegion, writer!, "s3:PutObject", key, { "s3:ObjectCreationOperation": false, "s3:x-amz-server-side-encryption": sse })).toBe(
        "allow",
      );
      expect(s3(world, plan.awsRegion, writer!, "s3:PutObject", key, { "s3:ObjectCreationOperation": false })).toBe("allow");
      expect(s3(world, plan.awsRegion, writer!, "s3:AbortMultipartUpload", key)).toBe("allow");
      expect(s3(world, plan.awsRegion, writer!, "s3:ListMultipartUploadParts", key), "the writer checks its upload's parts").toBe("allow");
      expect(s3(world, plan.awsRegion, writer!, "s3:PutObject", key, put({ "s3:if-none-match": undefined as unknown as string })), "overwrite").toBe(
        "explicit-deny",
      );
      expect(s3(world, plan.awsRegion, writer!, "s3:PutObject", key, put({ "s3:x-amz-copy-source": `${vault.bucketArn.slice(13)}/x` })), "copy").toBe(
        "explicit-deny",
      );
      expect(
        s3(world, plan.awsRegion, writer!, "s3:PutObject", key, put({ "s3:x-amz-server-side-encryption": sse === "AES256" ? "aws:kms" : "AES256" })),
        "other encryption",
      ).toBe("explicit-deny");
      expect(s3(world, plan.awsRegion, writer!, "s3:PutObjectTagging", key), "retag").not.toBe("allow");
      expect(s3(world, plan.awsRegion, writer!, "s3:DeleteObjectVersion", key), "delete").not.toBe("allow");
      expect(s3(world, plan.awsRegion, writer!, "s3:GetObject", key), "writer reads a dump").not.toBe("allow");
      // The nightly unchanged check: the writer lists its tenant's prefix and reads its manifests, nothing more.
      expect(s3(world, plan.awsRegion, writer!, "s3:GetObject", `${key}.manifest.json`), "writer reads a manifest").toBe("allow");
      expect(
        s3(world, plan.awsRegion, writer!, "s3:ListBucket", vault.bucketArn, { "s3:prefix": backupPrefix(t.id, t.backup.retentionDays) }),
        "writer lists",
      ).toBe("allow");
      if (s.scopes.backupWriter === "tenant") {
        expect(s3(world, plan.awsRegion, writer!, "s3:PutObject", object(vault.bucketArn, t, 1), put({})), "shorter class").not.toBe("allow");
      }
      // The reader: list and read this tenant's class prefix, decrypt through S3.
      expect(s3(world, plan.awsRegion, reader!, "s3:ListBucket", vault.bucketArn, { "s3:prefix": backupPrefix(t.id, t.backup.retentionDays) })).toBe("allow");
      expect(s3(world, plan.awsRegion, reader!, "s3:GetObject", key)).toBe("allow");
      expect(s3(world, plan.awsRegion, reader!, "s3:PutObject", key, put({})), "reader writes").not.toBe("allow");
      expect(s3(world, plan.awsRegion, reader!, "s3:DeleteObject", key), "reader deletes").not.toBe("allow");
      expect(s3(world, plan.awsRegion, reader!, "s3:GetObject", `${vault.bucketArn}/${legacyBackupPrefix(t.id)}${STAMP}`), "legacy layout").not.toBe("allow");
    }
    if (plan.backedUp.length) {
      expect(s3(world, plan.awsRegion, reader!, "s3:ListBucket", vault.bucketArn, {}), "list everything").not.toBe("allow");
      expect(s3(world, plan.awsRegion, reader!, "s3:ListBucket", vault.bucketArn, { "s3:prefix": "" }), "list everything").not.toBe("allow");
    }
    // Cross-tenant: nobody the stack does not back up is written or read, retired tenants included.
    for (const t of others) {
      if (s.scopes.backupWriter === "tenant")
        expect(
          s3(world, plan.awsRegion, writer ?? admin("none", "999999999999"), "s3:PutObject", object(vault.bucketArn, t), put({})),
          `${s.label} write ${t.id}`,
        ).not.toBe("allow");
      if (s.scopes.backupWriter === "tenant")
        expect(
          s3(world, plan.awsRegion, writer ?? admin("none", "999999999999"), "s3:GetObject", `${object(vault.bucketArn, t)}.manifest.json`),
          `${s.label} read ${t.id}'s manifest`,
        ).not.toBe("allow");
      if (s.scopes.drillReader === "tenant") {
        expect(
          s3(world, plan.awsRegion, reader ?? admin("none", "999999999999"), "s3:GetObject", object(vault.bucketArn, t)),
          `${s.label} read ${t.id}`,
        ).not.toBe("allow");
        expect(
          s3(world, plan.awsRegion, reader ?? admin("none", "999999999999"), "s3:ListBucket", vault.bucketArn, {
            "s3:prefix": backupPrefix(t.id, t.backup.retentionDays),
          }),
        ).not.toBe("allow");
      }
    }
    // Every action outside each role's job is denied, on the bucket, any object and the key.
    const resourcesOf = [vault.bucketArn, `${vault.bucketArn}/*`, ...plan.backedUp.slice(0, 3).map((t) => object(vault.bucketArn, t))];
    for (const [caller, allowed] of [
      [writer, ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObject", "s3:ListBucket"]],
      [reader, ["s3:GetObject", "s3:ListBucket"]],
    ] as [Caller | undefined, string[]][]) {
      if (!caller) continue;
      for (const action of S3_ACTIONS.filter((a) => !allowed.includes(a))) {
        for (const resource of resourcesOf)
          expect(
            s3(world, plan.awsRegion, caller, action, resource, put({ "s3:prefix": "retain-14d/" })),
            `${s.label} ${caller.arn} ${action} ${resource}`,
          ).not.toBe("allow");
      }
      for (const action of IDENTITY_ACTIONS)
        expect(s3(world, plan.awsRegion, caller, action, "arn:aws:iam::123456789012:role/admin"), action).not.toBe("allow");
    }
    fc.assert(
      fc.property(fc.stringMatching(/^(s3|kms|iam|sts|ec2|secretsmanager):[A-Z][A-Za-z]{2,30}$/), (action) => {
        for (const [caller, allowed] of [
          [writer, ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObject", "s3:ListBucket"]],
          [reader, ["s3:GetObject", "s3:ListBucket"]],
        ] as [Caller | undefined, string[]][]) {
          if (!caller || allowed.includes(action)) continue;
          expect(s3(world, plan.awsRegion, caller, action, `${vault.bucketArn}/*`, put({}))).not.toBe("allow");
        }
      }),
      { numRuns: 100 },
    );

    // Someone with every IAM permission in the account cannot erase, retag or overwrite; another account cannot read.
    const root = admin("account-admin");
    const anyKey = plan.backedUp[0] ? object(vault.bucketArn, plan.backedUp[0]) : `${vault.bucketArn}/retain-14d/x/${STAMP}`;
    for (const action of ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectTagging", "s3:DeleteObjectTagging", "s3:BypassGovernanceRetention"]) {
      expect(s3(world, plan.awsRegion, root, action, anyKey), `${s.label} admin ${action}`).toBe("explicit-deny");
    }
    expect(s3(world, plan.awsRegion, root, "s3:DeleteBucket", vault.bucketArn)).toBe("explicit-deny");
    expect(s3(world, plan.awsRegion, root, "s3:PutObject", anyKey, put({ "s3:if-none-match": undefined as unknown as string }))).toBe("explicit-deny");
    expect(s3(world, plan.awsRegion, admin("outsider", "999999999999"), "s3:GetObject", anyKey)).toBe("implicit-deny");
    expect(s3(world, plan.awsRegion, writer ?? root, "s3:GetObject", anyKey, { "aws:SecureTransport": false })).toBe("explicit-deny");
    const breakGlass = s.settings.backup.breakGlassPrincipal;
    if (breakGlass)
      expect(s3(world, plan.awsRegion, { arn: breakGlass, identity: root.identity }, "s3:DeleteObjectVersion", anyKey), "break-glass erases").toBe("allow");

    // The vault's configuration: with break-glass, nobody else may change it once the bucket
    // policy exists, not the key administrators (who run pulumi up) nor an account admin;
    // without break-glass it stays with IAM (the policy names no guard nobody could pass).
    const deployers = s.settings.backup.keyAdministrators.map((a) => ({ arn: a, identity: root.identity }));
    for (const action of [...VAULT_SETTINGS, "s3:DeleteBucket"]) {
      for (const who of [...deployers, root]) {
        const expected = breakGlass || action === "s3:DeleteBucket" ? "explicit-deny" : "allow";
        expect(s3(world, plan.awsRegion, who, action, vault.bucketArn), `${s.label} ${who.arn} ${action}`).toBe(expected);
      }
      if (breakGlass)
        expect(s3(world, plan.awsRegion, { arn: breakGlass, identity: root.identity }, action, vault.bucketArn), `break-glass ${action}`).toBe("allow");
    }
    // A vault nobody backs up to names the roles too (so its policies never change with the tenants), yet they can do nothing there.
    if (!plan.backedUp.length) {
      const someKey = `${vault.bucketArn}/retain-14d/x/${STAMP}`;
      if (writer) expect(s3(world, plan.awsRegion, writer, "s3:PutObject", someKey, put({})), `${s.label} writer in an empty vault`).not.toBe("allow");
      if (reader)
        for (const [action, resource] of [
          ["s3:GetObject", someKey],
          ["s3:ListBucket", vault.bucketArn],
        ])
          expect(s3(world, plan.awsRegion, reader, action, resource, { "s3:prefix": "retain-14d/" }), `${s.label} reader in an empty vault`).not.toBe("allow");
    }

    // Keys: only through S3 for the roles; administrators manage but never use, disable or delete; break-glass alone destroys.
    if (vault.keyArn) {
      for (const [caller, actions] of [
        [writer, ["kms:GenerateDataKey", "kms:Decrypt"]],
        [reader, ["kms:Decrypt"]],
      ] as [Caller | undefined, string[]][]) {
        if (!caller) continue;
        for (const action of KMS_ACTIONS) {
          // The key policy names the roles in every vault; what they may encrypt or decrypt is decided by S3 (above) first.
          const expected = actions.includes(action) ? "allow" : "deny";
          expect(
            kms(world, plan.awsRegion, caller, action, true) === "allow" ? "allow" : "deny",
            `${s.label} ${caller.arn} ${action} via S3 in ${plan.awsRegion}`,
          ).toBe(expected);
          expect(kms(world, plan.awsRegion, caller, action, false), `${action} directly`).not.toBe("allow");
        }
      }
      for (const keyAdmin of deployers) {
        // What pulumi up does to a key it created (terraform-provider-aws internal/service/kms/key.go: create enables rotation, read
        // calls DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags; update the description and tags), its alias; and a rescue.
        for (const action of [
          "kms:DescribeKey",
          "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:ListResourceTags",
          "kms:EnableKeyRotation",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:UpdateKeyDescription",
          "kms:CreateAlias",
          "kms:CancelKeyDeletion",
        ]) {
          expect(kms(world, plan.awsRegion, keyAdmin, action, false), `${s.label} deployer ${action}`).toBe("allow");
        }
        // With break-glass, rewriting the policy is break-glass's alone; without, someone must be able to.
        expect(kms(world, plan.awsRegion, keyAdmin, "kms:PutKeyPolicy", false), `${s.label} deployer kms:PutKeyPolicy`).toBe(
          breakGlass ? "explicit-deny" : "allow",
        );
        for (const action of ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:ReEncryptFrom"])
          expect(kms(world, plan.awsRegion, keyAdmin, action, true), `admin ${action}`).not.toBe("allow");
      }
      for (const action of KMS_ACTIONS) expect(kms(world, plan.awsRegion, root, action, true), `account admin ${action}`).not.toBe("allow");
      expect(kms(world, plan.awsRegion, admin("outsider", "999999999999"), "kms:Decrypt", true)).not.toBe("allow");
      if (breakGlass)
        for (const action of [...KEY_CUSTODY, "kms:CancelKeyDeletion"])
          expect(kms(world, plan.awsRegion, { arn: breakGlass, identity: root.identity }, action, false), `break-glass ${action}`).toBe("allow");
    }
  }
  checkCredentials(s);
}

describe("the sample stacks, every secret scope", async () => {
  // One at a time: the mock runtime is process-global.
  const stacks: Stack[] = [];
  stacks.push(await stack("prod, repository scope, KMS", "prod"));
  stacks.push(await stack("prod, environment scope, KMS", "prod", ["secretScope=environment"]));
  stacks.push(
    await stack("prod, region scope, KMS, an application role", "prod", [
      "secretScope=region",
      'applicationRoleArns=["arn:aws:iam::123456789012:role/app-runtime"]',
    ]),
  );
  stacks.push(await stack("dev, environment scope, no break-glass", "dev"));
  stacks.push(await stack("dev, repository scope, SSE-S3", "dev", ["secretScope=repository", "backupEncryption=s3"]));

  it.each(stacks.map((s) => [s.label, s] as const))("%s: every property holds", (_, s) => {
    expect(s.world.writer && s.world.reader).toBeTruthy();
    checkStack(s);
  });

  it("gives the roles per-tenant scope in the sample stacks", () => {
    for (const s of stacks) expect(s.scopes).toEqual({ backupWriter: "tenant", drillReader: "tenant", migrator: "tenant" });
    expect(stacks.filter((s) => s.world.credentials.size).map((s) => s.label)).toEqual(["prod, region scope, KMS, an application role"]);
    expect(stacks.filter((s) => s.world.migrator).map((s) => s.label)).toEqual(["prod, region scope, KMS, an application role"]);
  });
});

describe("random fleets", () => {
  it("hold every property, in every scope", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tenantArb, { minLength: 1, maxLength: 14 }), fc.constantFrom("repository", "environment", "region"), async (spec, scope) => {
        const file = writeFleet(spec);
        const s = await stack(`random ${scope}`, "prod", [`tenantsFile=${file}`, `secretScope=${scope}`, 'allowedResidencies=["EU","DE","GB","US"]']);
        checkStack(s);
      }),
      { numRuns: 6 },
    );
  });

  it("hold at a size that widens the grants to retention classes (still no cross-class, retired or other-vault access)", async () => {
    const spec = Array.from({ length: 240 }, (_, i) => ({
      region: REGIONS[i % 2],
      status: i % 11 === 0 ? "retired" : "active",
      enabled: i % 13 !== 0,
      retention: [14, 30][i % 2],
      schedule: "17 3 * * *",
    }));
    const s = await stack("240 tenants, environment scope", "prod", [
      `tenantsFile=${writeFleet(spec)}`,
      "secretScope=environment",
      'allowedResidencies=["EU","DE","GB","US"]',
    ]);
    expect(s.scopes).toEqual({ backupWriter: "class", drillReader: "class", migrator: "tenant" });
    // One warning before any resource, at the stack file's shard setting, for the roles the program widened (src/plan/grantScopeWarning.ts).
    expect(s.logs.filter((l) => l.includes("granted whole retention classes"))).toEqual([
      expect.stringMatching(
        /^warn: Pulumi\.prod\.yaml:\d+:\d+: warning: tenant-fleet:shardResidencies: the backup writer role and the drill reader role of this stack's 240 tenants are granted whole retention classes.*split it with tenant-fleet:shardResidencies \(this stack's tenants by residency: DE: 120, EU: 120\)/,
      ),
    ]);
    checkStack(s);
    // Class scope still confines each role to the classes its tenants use in each vault.
    const vault = s.world.vaults.get("eu-central-1")!;
    expect(
      s3(s.world, "eu-central-1", asCaller(s.world.writer!), "s3:PutObject", `${vault.bucketArn}/retain-1d/tenant-000/${STAMP}`, {
        "s3:ObjectCreationOperation": true,
        "s3:if-none-match": "*",
      }),
    ).not.toBe("allow");
    expect(s3(s.world, "eu-central-1", asCaller(s.world.reader!), "s3:GetObject", `${vault.bucketArn}/retain-90d/tenant-000/${STAMP}`)).not.toBe("allow");
  }, 120_000);
});

describe("the deploy identity cannot make backups disappear on its own (issue 31, finding 4)", async () => {
  const s = await stack("prod", "prod");
  const deploy = s.settings.backup.keyAdministrators[0];
  const glass = s.settings.backup.breakGlassPrincipal!;
  // Sessions: what AWS sets for a request by a session of a role (aws:PrincipalArn is the role's ARN, the caller the session's).
  const session = (roleArn: string, name: string): Caller => ({
    arn: roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + `/${name}`,
    identity: [ALLOW_EVERYTHING],
  });
  const asRole = (roleArn: string) => ({ "aws:PrincipalArn": roleArn });

  it("names the deploy role and break-glass (prod stack)", () => {
    expect(deploy).toBe("arn:aws:iam::123456789012:role/tenant-fleet-deploy");
    expect(glass).toBe("arn:aws:iam::123456789012:role/tenant-fleet-break-glass");
  });

  it("the deploy role, even with every IAM permission, cannot change a vault's lifecycle, policies, versioning, public access, Object Lock, ownership, encryption or replication; break-glass can", () => {
    for (const [region, vault] of s.world.vaults) {
      for (const action of VAULT_SETTINGS) {
        expect(s3(s.world, region, session(deploy, "deploy"), action, vault.bucketArn, asRole(deploy)), `deploy ${action} ${region}`).toBe("explicit-deny");
        expect(s3(s.world, region, session(glass, "custody"), action, vault.bucketArn, asRole(glass)), `break-glass ${action} ${region}`).toBe("allow");
      }
    }
  });

  it("the deploy role cannot rewrite, disable or schedule the deletion of a vault key; break-glass can; the dev stack's deploy role cannot even read it", () => {
    const dev = "arn:aws:iam::123456789012:role/tenant-fleet-deploy-dev";
    for (const [region] of s.world.vaults) {
      for (const action of KEY_CUSTODY) {
        expect(kms(s.world, region, { arn: deploy, identity: [ALLOW_EVERYTHING] }, action, false), `deploy ${action}`).toBe("explicit-deny");
        expect(kms(s.world, region, { arn: glass, identity: [ALLOW_EVERYTHING] }, action, false), `break-glass ${action}`).toBe("allow");
      }
      for (const action of ["kms:DescribeKey", "kms:GetKeyPolicy", ...KEY_CUSTODY])
        expect(kms(s.world, region, { arn: dev, identity: [ALLOW_EVERYTHING] }, action, false), `dev deploy ${action}`).not.toBe("allow");
    }
  });
});
