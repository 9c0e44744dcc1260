import { accountOf, ALLOW_EVERYTHING, asList, evaluate, statementsOf, type PolicyLike } from "../iam/evaluate";
import { isBackupKey, policyDocument, type Rule } from "./types";

function keyAccount(key: { props: Record<string, any> }, doc: PolicyLike): string | undefined {
  const fromArn = typeof key.props.arn === "string" ? accountOf(key.props.arn) : undefined;
  if (fromArn) return fromArn;
  for (const s of statementsOf(doc)) {
    for (const v of asList((s.Principal as Record<string, unknown> | undefined)?.AWS)) {
      const a = accountOf(String(v)) ?? (/^\d{12}$/.test(String(v)) ? String(v) : undefined);
      if (a) return a;
    }
  }
  return undefined;
}

/** What a vault key's policy lets the wrong people do, by evaluation. */
export function keyPolicyGaps(doc: PolicyLike, account: string): string[] {
  const key = `arn:aws:kms:eu-central-1:${account}:key/00000000-0000-0000-0000-000000000000`;
  const gaps: string[] = [];
  // An administrator of the account who is not named in the key policy, with every IAM permission.
  const admin = { kind: "aws" as const, arn: `arn:aws:iam::${account}:role/hypothetical-admin` };
  for (const action of ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:Decrypt"]) {
    if (evaluate({ principal: admin, action, resource: key }, { service: "kms", account, resourcePolicy: doc }, [ALLOW_EVERYTHING]) === "allow") {
      gaps.push(`any IAM administrator of the account may ${action} (the key policy delegates to the account's IAM policies)`);
    }
  }
  const outsider = { kind: "aws" as const, arn: "arn:aws:iam::999999999999:role/outsider" };
  if (evaluate({ principal: outsider, action: "kms:Decrypt", resource: key }, { service: "kms", account, resourcePolicy: doc }, [ALLOW_EVERYTHING]) === "allow") gaps.push("another account may decrypt with it");
  for (const [i, s] of statementsOf(doc).entries()) {
    if (s.Effect !== "Allow") continue;
    const principals = asList((s.Principal as Record<string, unknown> | undefined)?.AWS).map(String);
    if (s.Principal === "*" || principals.includes("*")) gaps.push(`statement ${String(s.Sid ?? `#${i + 1}`)} allows any principal`);
  }
  return [...new Set(gaps)];
}

/** Backup vault keys carry an explicit policy: named administrators only, no IAM delegation, destruction by break-glass only. */
export const backupKeyPolicy: Rule = {
  name: "backup-key-policy",
  description:
    "Every backup vault KMS key has an explicit key policy under which (by evaluation) an IAM administrator of the account who is not named in it cannot schedule its deletion, disable it, rewrite its policy or decrypt, and no other account can use it; AWS's default key policy fails.",
  enforcementLevel: "mandatory",
  validate(resources) {
    return resources.filter(isBackupKey).flatMap((key) => {
      if (key.props.policy === undefined) return []; // not known yet (a preview before creation)
      const doc = policyDocument(key.props.policy);
      const account = doc ? keyAccount(key, doc) : undefined;
      if (!doc || !account || !statementsOf(doc).length) return [{ urn: key.urn, message: `backup key ${key.name} has no explicit key policy naming its administrators; build vaults with the BackupVault component` }];
      const gaps = keyPolicyGaps(doc, account);
      return gaps.length ? [{ urn: key.urn, message: `backup key ${key.name}: ${gaps.join("; ")}; name key administrators (tenant-fleet:keyAdministrators) and a break-glass principal instead of the account` }] : [];
    });
  },
};
