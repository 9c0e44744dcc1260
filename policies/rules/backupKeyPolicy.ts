import {
  accountOf,
  actionApplies,
  ALLOW_EVERYTHING,
  asList,
  evaluate,
  mayAllow,
  statementsOf,
  type PolicyLike,
  type Statement,
} from "../../src/core/iam/evaluate";
import { isBackupKey, policyDocument, TYPES, type Rule, type RuleResource } from "./types";

export interface BackupKeyPolicyConfig {
  /** The stack's `tenant-fleet:keyAdministrators`: the identities that run `pulumi up`. */
  readonly keyAdministrators?: readonly string[];
  /** The stack's `tenant-fleet:breakGlassPrincipal`, when it has one. */
  readonly breakGlassPrincipal?: string;
}

/**
 * What counts as using a KMS key: its cryptographic operations ("AWS KMS cryptographic
 * operations" in the KMS developer guide), and the two permissions that hand use to
 * anyone: `CreateGrant` and `PutKeyPolicy` (whoever holds it can grant itself anything).
 */
export const KEY_USE_ACTIONS = Object.freeze([
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateMac",
  "kms:VerifyMac",
  "kms:Sign",
  "kms:Verify",
  "kms:DeriveSharedSecret",
  "kms:CreateGrant",
  "kms:PutKeyPolicy",
] as const);

function keyAccount(key: Pick<RuleResource, "props">, doc: PolicyLike): string | undefined {
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

/** One principal a key policy lets use the key, as the document names it. */
export interface KeyUseGrant {
  /** `Sid`, or `#<position>` when the statement has none. */
  readonly statement: string;
  /** The Principal element's key (`AWS`, `Service`, `Federated`, `CanonicalUser`), `*`, or `NotPrincipal`. */
  readonly kind: string;
  readonly principal: string;
  readonly actions: readonly string[];
}

function label(s: Statement, i: number): string {
  return s.Sid !== undefined ? String(s.Sid) : `#${i + 1}`;
}

/**
 * Every principal an Allow statement of the document lets use the key, whatever its
 * conditions (a conditioned grant is still a grant) and whatever a Deny might add.
 */
export function keyUseGrants(doc: PolicyLike): KeyUseGrant[] {
  const grants: KeyUseGrant[] = [];
  for (const [i, s] of statementsOf(doc).entries()) {
    if (s.Effect !== "Allow") continue;
    const actions = KEY_USE_ACTIONS.filter((a) => actionApplies(s, a));
    if (!actions.length) continue;
    const statement = label(s, i);
    if (s.NotPrincipal !== undefined) {
      grants.push({ statement, kind: "NotPrincipal", principal: `every principal but ${JSON.stringify(s.NotPrincipal)}`, actions });
      continue;
    }
    if (s.Principal === "*") {
      grants.push({ statement, kind: "*", principal: "*", actions });
      continue;
    }
    for (const [kind, v] of Object.entries((s.Principal ?? {}) as Record<string, unknown>)) {
      for (const principal of asList(v)) grants.push({ statement, kind, principal: String(principal), actions });
    }
  }
  return grants;
}

/** Who may use a vault key: the key administrators, the stack's roles and break-glass, by exact ARN. */
export function allowedKeyUsers(resources: readonly RuleResource[], config: BackupKeyPolicyConfig): Set<string> {
  const roles = resources.filter((r) => r.type === TYPES.role && typeof r.props.arn === "string").map((r) => r.props.arn as string);
  return new Set([...(config.keyAdministrators ?? []), ...(config.breakGlassPrincipal ? [config.breakGlassPrincipal] : []), ...roles]);
}

function describe(g: KeyUseGrant): string {
  if (g.kind === "*" || (g.kind.toLowerCase() === "aws" && g.principal === "*")) return "any principal of any account";
  if (g.kind === "NotPrincipal") return g.principal;
  if (g.kind.toLowerCase() === "aws" && (/^\d{12}$/.test(g.principal) || /:root$/.test(g.principal)))
    return `account ${accountOf(g.principal) ?? g.principal} (any of its IAM principals its IAM policies allow)`;
  if (g.kind.toLowerCase() === "aws") return g.principal;
  return `${g.kind} principal ${g.principal}`;
}

/** What a vault key's policy lets the wrong people do: by evaluation for the account's administrators, by enumeration for every principal it names. */
export function keyPolicyGaps(doc: PolicyLike, account: string, allowed: ReadonlySet<string>): string[] {
  const key = `arn:aws:kms:eu-central-1:${account}:key/00000000-0000-0000-0000-000000000000`;
  const gaps: string[] = [];
  // An administrator of the account who is not named in the key policy, with every IAM permission.
  const admin = { kind: "aws" as const, arn: `arn:aws:iam::${account}:role/hypothetical-admin` };
  for (const action of ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:Decrypt"]) {
    if (mayAllow(evaluate({ principal: admin, action, resource: key }, { service: "kms", account, resourcePolicy: doc }, [ALLOW_EVERYTHING]))) {
      gaps.push(`any IAM administrator of the account may ${action} (the key policy delegates to the account's IAM policies)`);
    }
  }
  for (const [i, s] of statementsOf(doc).entries()) {
    if (s.Effect !== "Allow") continue;
    const principals = asList((s.Principal as Record<string, unknown> | undefined)?.AWS).map(String);
    if (s.Principal === "*" || principals.includes("*")) gaps.push(`statement ${label(s, i)} allows any principal`);
  }
  // Every principal the document names for key use, against who may use it.
  for (const g of keyUseGrants(doc)) {
    if (g.kind.toLowerCase() === "aws" && allowed.has(g.principal)) continue;
    gaps.push(
      `statement ${g.statement} lets ${describe(g)} use the key (${g.actions.join(", ")}), and it is none of the key administrators, the stack's roles or the break-glass principal`,
    );
  }
  return [...new Set(gaps)];
}

/** Backup vault keys carry an explicit policy: named administrators only, no IAM delegation, use by the stack's roles, destruction by break-glass only. */
export const backupKeyPolicy: Rule<BackupKeyPolicyConfig> = {
  name: "backup-key-policy",
  description:
    "Every backup vault KMS key has an explicit key policy under which (by evaluation) an IAM administrator of the account who is not named in it cannot schedule its deletion, disable it, rewrite its policy or decrypt, and (by enumerating every principal an Allow names) no principal but the key administrators, the stack's roles and the break-glass principal may use it (Decrypt, Encrypt, GenerateDataKey*, ReEncrypt*, Sign/Verify, MACs, CreateGrant, PutKeyPolicy); AWS's default key policy fails.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      keyAdministrators: { type: "array", items: { type: "string" }, default: [] },
      breakGlassPrincipal: { type: "string" },
    },
  },
  validate(resources, config) {
    const allowed = allowedKeyUsers(resources, config ?? {});
    return resources.filter(isBackupKey).flatMap((key) => {
      if (key.props.policy === undefined) return []; // not known yet (a preview before creation)
      const doc = policyDocument(key.props.policy);
      const account = doc ? keyAccount(key, doc) : undefined;
      if (!doc || !account || !statementsOf(doc).length)
        return [
          { urn: key.urn, message: `backup key ${key.name} has no explicit key policy naming its administrators; build vaults with the BackupVault component` },
        ];
      const gaps = keyPolicyGaps(doc, account, allowed);
      return gaps.length
        ? [
            {
              urn: key.urn,
              message: `backup key ${key.name}: ${gaps.join("; ")}; name key administrators (tenant-fleet:keyAdministrators) and a break-glass principal (tenant-fleet:breakGlassPrincipal) instead of the account, let only the stack's roles use the key, and keep the pack's backup-key-policy config in step (npm run schema writes it)`,
            },
          ]
        : [];
    });
  },
};
