import { asArray, isBackupBucket, policyDocument, TYPES, type Rule, type RuleResource } from "./types";

/** What a hardened vault is missing, in words an operator can act on. */
export function vaultGaps(siblings: readonly RuleResource[]): string[] {
  const of = (type: string) => siblings.filter((s) => s.type === type);
  const gaps: string[] = [];
  if (!of(TYPES.versioning).some((v) => v.props.versioningConfiguration?.status === "Enabled")) gaps.push("versioning (BucketVersioning status Enabled)");
  const sse = of(TYPES.encryption).flatMap((e) => asArray(e.props.rules));
  if (!sse.some((r: any) => ["aws:kms", "aws:kms:dsse", "AES256"].includes(r?.applyServerSideEncryptionByDefault?.sseAlgorithm))) gaps.push("default encryption (aws:kms with the vault key, or AES256)");
  const pab = of(TYPES.publicAccessBlock);
  const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
  const missingFlags = flags.filter((f) => !pab.some((p) => p.props[f] === true));
  if (missingFlags.length) gaps.push(`public access blocks (${missingFlags.join(", ")})`);
  if (!of(TYPES.ownership).some((o) => o.props.rule?.objectOwnership === "BucketOwnerEnforced")) gaps.push("object ownership BucketOwnerEnforced");
  const policies = of(TYPES.bucketPolicy);
  const known = policies.map((p) => policyDocument(p.props.policy)).filter((d): d is { Statement?: any[] } => d !== undefined);
  const denyInsecure = (d: { Statement?: any[] }) => asArray(d.Statement).some((s: any) => s?.Effect === "Deny" && String(s?.Condition?.Bool?.["aws:SecureTransport"]) === "false");
  if (!policies.length || (known.length === policies.length && !known.some(denyInsecure))) gaps.push("a bucket policy that denies requests without TLS (aws:SecureTransport false)");
  const rules = of(TYPES.lifecycle).flatMap((l) => asArray(l.props.rules)).filter((r: any) => r?.status === "Enabled");
  if (!rules.some((r: any) => typeof r?.expiration?.days === "number" && r.expiration.days > 0)) gaps.push("lifecycle retention (an enabled rule with expiration days)");
  if (!rules.some((r: any) => typeof r?.noncurrentVersionExpiration?.noncurrentDays === "number")) gaps.push("noncurrent version expiry in the lifecycle");
  return gaps;
}

/** Every backup bucket has versioning, encryption, public access blocks, ownership, a TLS-only policy and retention. */
export const backupVaultHardening: Rule = {
  name: "backup-vault-hardening",
  description: "Every tenant backup bucket has versioning, default KMS or SSE-S3 encryption, all four public access blocks, BucketOwnerEnforced ownership, a bucket policy that denies non-TLS requests, and lifecycle retention with noncurrent-version expiry.",
  enforcementLevel: "mandatory",
  validate(resources) {
    return resources.filter(isBackupBucket).flatMap((bucket) => {
      const siblings = resources.filter((r) => r !== bucket && r.parentUrn === bucket.parentUrn);
      const gaps = vaultGaps(siblings);
      return gaps.length ? [{ urn: bucket.urn, message: `backup bucket ${bucket.name} lacks ${gaps.join("; ")}; build vaults with the BackupVault component, which declares all of them` }] : [];
    });
  },
};
