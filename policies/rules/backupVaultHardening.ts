import { ALLOW_EVERYTHING, asList, evaluate, statementsOf, type PolicyLike, type Request } from "../../src/core/iam/evaluate";
import { LEGACY_RETENTION_TAG } from "../../src/plan/vaults/plan";
import { EXPORTS_PREFIX } from "../../tenants/naming";
import { bucketArnOf, configuringBucket, isBackupBucket, policyDocument, TYPES, type Props, type Rule, type RuleResource } from "./types";

const CLASS_PREFIX = /^retain-(\d+)d\/$/;
/** Someone with every IAM permission in the account: what the bucket policy must still stop. */
const ADMIN = "arn:aws:iam::123456789012:role/hypothetical-admin";

function decide(policy: PolicyLike, action: string, resource: string, context: Request["context"]) {
  return evaluate(
    { principal: { kind: "aws", arn: ADMIN }, action, resource, context },
    { service: "default", account: "123456789012", resourcePolicy: policy },
    [ALLOW_EVERYTHING],
  );
}

/** What a backup bucket's policy fails to guarantee, judged by evaluating requests against this very bucket. */
export function bucketPolicyGaps(policy: PolicyLike, bucketArn: string | undefined): string[] {
  const gaps: string[] = [];
  const grants = statementsOf(policy).filter((s) => s.Effect !== "Deny");
  if (grants.length)
    gaps.push(
      `a bucket policy that grants nothing (statement ${grants.map((s, i) => String(s.Sid ?? `#${i + 1}`)).join(", ")} allows access; workflow roles get theirs from IAM, other accounts none)`,
    );
  if (!bucketArn) return gaps; // the bucket's name is not known yet (a preview before creation)
  const object = `${bucketArn}/retain-14d/tenant/20260101T000000Z.dump`;
  if (
    decide(policy, "s3:GetObject", object, { "aws:SecureTransport": false }) !== "explicit-deny" ||
    decide(policy, "s3:ListBucket", bucketArn, { "aws:SecureTransport": false }) !== "explicit-deny"
  ) {
    gaps.push("a bucket policy that denies requests without TLS (aws:SecureTransport false) on this bucket and its objects");
  }
  if (decide(policy, "s3:PutObject", object, { "aws:SecureTransport": true, "s3:ObjectCreationOperation": true }) !== "explicit-deny") {
    gaps.push("a bucket policy that refuses uploads replacing an object (deny s3:PutObject without s3:if-none-match where s3:ObjectCreationOperation is true)");
  }
  for (const action of ["s3:DeleteObjectVersion", "s3:PutObjectTagging"]) {
    if (decide(policy, action, object, { "aws:SecureTransport": true }) !== "explicit-deny")
      gaps.push(`a bucket policy that denies ${action} to everyone but the break-glass principal`);
  }
  return gaps;
}

interface LifecycleRuleLike {
  id?: string;
  status?: string;
  filter?: { prefix?: string; tag?: { key?: string; value?: string }; and?: unknown } | unknown[];
  expiration?: { days?: number; date?: string } | unknown[];
  noncurrentVersionExpiration?: { noncurrentDays?: number } | unknown[];
}

function first<T>(v: T | T[] | undefined): T | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** What a backup bucket's lifecycle does wrong: expiring anything outside a retention class, or noncurrent versions too soon. */
export function lifecycleGaps(rules: readonly LifecycleRuleLike[]): string[] {
  const gaps: string[] = [];
  const enabled = rules.filter((r) => r?.status === "Enabled");
  const classes: number[] = [];
  for (const r of enabled) {
    const expiration = first(r.expiration) as { days?: number; date?: string } | undefined;
    const filter = first(r.filter) as { prefix?: string; tag?: { key?: string; value?: string }; and?: unknown } | undefined;
    if (expiration?.date) gaps.push(`lifecycle rule ${r.id} expires objects on a fixed date`);
    if (typeof expiration?.days !== "number") continue;
    const days = expiration.days;
    const byPrefix = filter?.prefix !== undefined && !filter.tag && !filter.and ? CLASS_PREFIX.exec(filter.prefix) : null;
    const byTag = filter?.tag && filter.prefix === undefined && !filter.and && filter.tag.key === LEGACY_RETENTION_TAG ? filter.tag.value : undefined;
    const classDays = byPrefix ? Number(byPrefix[1]) : byTag !== undefined ? Number(byTag) : undefined;
    // Exports are copies handed to a customer, not backups: their own rule may expire them.
    if (filter?.prefix === EXPORTS_PREFIX && !filter.tag && !filter.and) continue;
    if (classDays === undefined)
      gaps.push(
        `lifecycle rule ${r.id} expires objects outside a retention class after ${days} day(s) (expire only retain-<days>d/ prefixes, legacy backups by their ${LEGACY_RETENTION_TAG} tag, or ${EXPORTS_PREFIX})`,
      );
    else if (classDays !== days) gaps.push(`lifecycle rule ${r.id} expires the ${classDays}-day retention class after ${days} day(s)`);
    else classes.push(days);
  }
  const longest = Math.max(7, ...classes);
  const noncurrent = enabled.filter(
    (r) => typeof (first(r.noncurrentVersionExpiration) as { noncurrentDays?: number } | undefined)?.noncurrentDays === "number",
  );
  if (!noncurrent.length) gaps.push("noncurrent version expiry in the lifecycle");
  for (const r of noncurrent) {
    const days = (first(r.noncurrentVersionExpiration) as { noncurrentDays: number }).noncurrentDays;
    if (days < longest)
      gaps.push(`lifecycle rule ${r.id} removes noncurrent versions after ${days} day(s), before the longest retention (${longest} days) has passed`);
  }
  if (!classes.length) gaps.push("lifecycle retention (an enabled rule expiring a retention class)");
  return gaps;
}

/** What a hardened vault is missing, in words an operator can act on; `members` configure this bucket and no other. */
export function vaultGaps(bucket: RuleResource, members: readonly RuleResource[]): string[] {
  const of = (type: string) => members.filter((s) => s.type === type);
  const gaps: string[] = [];
  if (!of(TYPES.versioning).some((v) => first(v.props.versioningConfiguration)?.status === "Enabled"))
    gaps.push("versioning (BucketVersioning status Enabled)");
  const sse = of(TYPES.encryption).flatMap((e) => asList(e.props.rules) as (Props | undefined)[]);
  if (!sse.some((r) => ["aws:kms", "aws:kms:dsse", "AES256"].includes(first(r?.applyServerSideEncryptionByDefault)?.sseAlgorithm)))
    gaps.push("default encryption (aws:kms with the vault key, or AES256)");
  const pab = of(TYPES.publicAccessBlock);
  const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
  const missingFlags = flags.filter((f) => !pab.some((p) => p.props[f] === true));
  if (missingFlags.length) gaps.push(`public access blocks (${missingFlags.join(", ")})`);
  if (!of(TYPES.ownership).some((o) => first(o.props.rule)?.objectOwnership === "BucketOwnerEnforced")) gaps.push("object ownership BucketOwnerEnforced");
  const policies = of(TYPES.bucketPolicy);
  if (!policies.length) gaps.push("a bucket policy that denies requests without TLS and uploads replacing a backup");
  for (const p of policies) {
    const doc = policyDocument(p.props.policy);
    if (doc) gaps.push(...bucketPolicyGaps(doc, bucketArnOf(bucket)));
  }
  const lifecycles = of(TYPES.lifecycle);
  if (!lifecycles.length) gaps.push("lifecycle retention (an enabled rule expiring a retention class)");
  else gaps.push(...lifecycleGaps(lifecycles.flatMap((l) => asList(l.props.rules) as LifecycleRuleLike[])));
  return [...new Set(gaps)];
}

/** Every backup bucket is versioned, encrypted, private, owner-enforced, write-once with TLS only, and expires only by retention class. */
export const backupVaultHardening: Rule = {
  name: "backup-vault-hardening",
  description:
    "Every tenant backup bucket has, among the resources that configure that very bucket: versioning, default KMS or SSE-S3 encryption, all four public access blocks, BucketOwnerEnforced ownership, a bucket policy that grants nothing and (evaluated against the bucket) denies requests without TLS, uploads that would replace an object, deletes and tag changes, and a lifecycle that expires only retention classes and keeps noncurrent versions as long as the longest retention.",
  enforcementLevel: "mandatory",
  validate(resources) {
    return resources.filter(isBackupBucket).flatMap((bucket) => {
      const gaps = vaultGaps(bucket, configuringBucket(resources, bucket));
      return gaps.length
        ? [
            {
              urn: bucket.urn,
              message: `backup bucket ${bucket.name} lacks ${gaps.join("; ")}; build vaults with the BackupVault component, which declares all of them`,
            },
          ]
        : [];
    });
  },
};
