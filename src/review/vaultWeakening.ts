/**
 * The vault half of the resource review's weakening rules (weakening.ts has the IAM half):
 * lifecycle rules compared by what they do (a class expiring sooner, a rule gone or moved, a
 * new rule reaching a class, a tenant's legacy prefix or the exports, any transition), and the
 * switches that harden a bucket or key (versioning, public access, ownership, encryption,
 * Object Lock, a bucket's and key's own settings). Pure: the plans come in as data.
 */
import { EXPORTS_PREFIX, legacyBackupPrefix, retentionClassPrefix } from "../../tenants/naming";
import { INCOMPLETE_UPLOAD_DAYS, LEGACY_RETENTION_TAG } from "../plan/vaults/plan";
import { AWS_TYPES, type PlannedResource } from "./findings";
import { asStrings, list } from "./grants";
import type { Known, Weakening } from "./weakeningTypes";

const T = AWS_TYPES;

interface LifecycleRuleInput {
  readonly id?: unknown;
  readonly status?: unknown;
  readonly prefix?: unknown;
  readonly filter?: {
    readonly prefix?: unknown;
    readonly tag?: { readonly key?: unknown; readonly value?: unknown };
    readonly and?: { readonly prefix?: unknown; readonly tags?: Record<string, unknown> };
  };
  readonly expiration?: { readonly days?: unknown; readonly date?: unknown };
  readonly noncurrentVersionExpiration?: { readonly noncurrentDays?: unknown };
  readonly abortIncompleteMultipartUpload?: { readonly daysAfterInitiation?: unknown };
  readonly transitions?: unknown;
  readonly noncurrentVersionTransitions?: unknown;
}

const rulesOf = (r: PlannedResource | undefined): LifecycleRuleInput[] => (Array.isArray(r?.inputs.rules) ? (r!.inputs.rules as LifecycleRuleInput[]) : []);
/** S3 reads `Enabled` and `Disabled` only; anything but `Disabled` is read as enabled, toward finding more. */
const enabled = (rule: LifecycleRuleInput) => rule.status !== "Disabled";
const prefixOf = (rule: LifecycleRuleInput) => String(rule.filter?.prefix ?? rule.filter?.and?.prefix ?? rule.prefix ?? "");
function tagsOf(rule: LifecycleRuleInput): [string, string][] {
  if (rule.filter?.tag) return [[String(rule.filter.tag.key), String(rule.filter.tag.value)]];
  return Object.entries(rule.filter?.and?.tags ?? {}).map(([k, v]) => [k, String(v)]);
}

const CLASS_PREFIX = new RegExp(
  `^${retentionClassPrefix("\u0000")
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace("\u0000", "(\\d+)")}`,
);

/** The retention classes a rule is about by its own filter: the class prefix it names, or the legacy tag's days. */
function ruleClasses(rule: LifecycleRuleInput): number[] {
  const byPrefix = CLASS_PREFIX.exec(prefixOf(rule));
  const byTag = tagsOf(rule)
    .filter(([k]) => k === LEGACY_RETENTION_TAG)
    .map(([, v]) => Number(v))
    .filter((n) => Number.isInteger(n) && n > 0);
  return [...(byPrefix ? [Number(byPrefix[1])] : []), ...byTag];
}

/** Whether a rule reaches the backups of retention class `days`: its prefix overlaps the class's, and no tag it needs rules them out. */
function reaches(rule: LifecycleRuleInput, days: number): boolean {
  const [p, c] = [prefixOf(rule), retentionClassPrefix(days)];
  if (!(c.startsWith(p) || p.startsWith(c))) return false;
  return tagsOf(rule).every(([k, v]) => k !== LEGACY_RETENTION_TAG || v === String(days));
}

/** The retention classes (days) the lifecycle rules of these resources name, ascending. */
export function lifecycleClasses(resources: readonly PlannedResource[]): number[] {
  const classes = new Set<number>();
  for (const r of resources) if (r.type === T.lifecycle) for (const rule of rulesOf(r)) for (const d of ruleClasses(rule)) classes.add(d);
  return [...classes].sort((a, b) => a - b);
}

/** A lifecycle that expires backups before their class's retention, keeps noncurrent versions less, drops a rule or aborts uploads sooner. */
export function lifecycleFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  const rules = rulesOf(after).filter(enabled);
  const baseRules = rulesOf(before).filter(enabled);
  return [
    ...shortRetentions(rules, known),
    ...soonerAborts(baseRules, rules),
    ...lostRules(baseRules, rules),
    ...(before ? newExpiries(baseRules, rules, known) : []),
    ...newTransitions(baseRules, rules),
  ];
}

/** Rules that expire a retention class's backups (current or noncurrent) before its days, or on a date. */
function shortRetentions(rules: readonly LifecycleRuleInput[], known: Known): Weakening[] {
  const out: Weakening[] = [];
  for (const rule of rules) {
    const id = JSON.stringify(String(rule.id ?? ""));
    const exp = Number(rule.expiration?.days);
    const short = known.classes.filter((d) => reaches(rule, d) && Number.isFinite(exp) && exp < d);
    if (short.length)
      out.push({
        change: "weakened",
        class: "destructive",
        classes: short,
        detail: `rule ${id} expires backups after ${exp} days: those of the retention class${short.length > 1 ? "es" : ""} ${short.map((d) => `${d}d`).join(", ")} are deleted before their retention ends, and anyone restoring later finds nothing`,
      });
    const dated = rule.expiration?.date !== undefined ? known.classes.filter((d) => reaches(rule, d)) : [];
    if (dated.length)
      out.push({
        change: "weakened",
        class: "destructive",
        classes: dated,
        detail: `rule ${id} expires every backup it reaches on ${String(rule.expiration!.date)}, whatever its retention class (${dated.map((d) => `${d}d`).join(", ")})`,
      });
    const nc = Number(rule.noncurrentVersionExpiration?.noncurrentDays);
    const ncShort = known.classes.filter((d) => reaches(rule, d) && Number.isFinite(nc) && nc < d);
    if (ncShort.length)
      out.push({
        change: "weakened",
        class: "destructive",
        classes: ncShort,
        detail: `rule ${id} keeps noncurrent versions ${nc} days: an overwritten or deleted backup of the class${ncShort.length > 1 ? "es" : ""} ${ncShort.map((d) => `${d}d`).join(", ")} is gone before its retention ends`,
      });
  }
  return out;
}

/** Rules that abort incomplete uploads sooner than the base (or the planner's default) did. */
function soonerAborts(baseRules: readonly LifecycleRuleInput[], rules: readonly LifecycleRuleInput[]): Weakening[] {
  const out: Weakening[] = [];
  const baseAbort = Math.min(
    INCOMPLETE_UPLOAD_DAYS,
    ...baseRules.map((r) => Number(r.abortIncompleteMultipartUpload?.daysAfterInitiation)).filter(Number.isFinite),
  );
  for (const rule of rules) {
    const abort = Number(rule.abortIncompleteMultipartUpload?.daysAfterInitiation);
    if (Number.isFinite(abort) && abort < baseAbort)
      out.push({
        change: "weakened",
        class: "destructive",
        detail: `rule ${JSON.stringify(String(rule.id ?? ""))} aborts incomplete uploads after ${abort} days instead of ${baseAbort}: a backup still uploading is dropped`,
      });
  }
  return out;
}

/** Each base rule by what it does, not by its id: the same rule under any id keeps it; the same id doing less is flagged. */
function lostRules(baseRules: readonly LifecycleRuleInput[], rules: readonly LifecycleRuleInput[]): Weakening[] {
  const out: Weakening[] = [];
  for (const rule of baseRules.filter((r) => !rules.some((h) => sameRule(h, r)))) {
    const classes = ruleClasses(rule);
    const where = prefixOf(rule)
      ? `prefix ${prefixOf(rule)}`
      : tagsOf(rule).length
        ? `tag ${tagsOf(rule)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}`
        : "the whole bucket";
    const next = rules.find((h) => String(h.id) === String(rule.id));
    if (!next) {
      out.push({
        change: "weakened",
        class: "destructive",
        classes,
        detail: `rule ${JSON.stringify(String(rule.id ?? ""))} is gone (or disabled): what it expired or cleaned up (${where}) stays for ever, an erased tenant's backups included`,
      });
      continue;
    }
    const lost = [
      JSON.stringify(filterOf(next)) !== JSON.stringify(filterOf(rule))
        ? `its filter moves from ${JSON.stringify(filterOf(rule))} to ${JSON.stringify(filterOf(next))}`
        : "",
      rule.expiration?.days !== undefined && next.expiration?.days === undefined && next.expiration?.date === undefined ? "it no longer expires anything" : "",
      rule.noncurrentVersionExpiration?.noncurrentDays !== undefined && next.noncurrentVersionExpiration?.noncurrentDays === undefined
        ? "it no longer expires noncurrent versions"
        : "",
    ].filter(Boolean);
    if (lost.length)
      out.push({
        change: "weakened",
        class: "destructive",
        classes,
        detail: `rule ${JSON.stringify(String(rule.id ?? ""))} changes: ${lost.join("; ")}: what it expired (${where}) stays for ever or goes at another time, an erased tenant's backups included`,
      });
  }
  return out;
}

/**
 * A new rule that expires objects under a protected prefix: a class's backups (a new class's
 * own rule aside), a tenant's legacy backups, the exports. Only for an existing vault: a new
 * vault's lifecycle has no backups yet to lose (a class rule cut short is shortRetentions').
 */
function newExpiries(baseRules: readonly LifecycleRuleInput[], rules: readonly LifecycleRuleInput[], known: Known): Weakening[] {
  const out: Weakening[] = [];
  const baseIds = new Set(baseRules.map((r) => String(r.id)));
  const protectedPrefixes = [...known.classes.map(retentionClassPrefix), ...known.tenantIds.map(legacyBackupPrefix), EXPORTS_PREFIX];
  for (const rule of rules.filter((r) => !baseIds.has(String(r.id)) && !baseRules.some((b) => sameRule(r, b)))) {
    const expires = rule.expiration?.days !== undefined || rule.expiration?.date !== undefined || rule.noncurrentVersionExpiration !== undefined;
    // A class's own rule (the planner's: its prefix or legacy tag, expired after exactly its days) keeps the class's retention.
    const ownClass = ruleClasses(rule).length === 1 && Number(rule.expiration?.days) === ruleClasses(rule)[0] && rule.noncurrentVersionExpiration === undefined;
    const hit = protectedPrefixes.filter((p) => p.startsWith(prefixOf(rule)) || prefixOf(rule).startsWith(p));
    if (expires && !ownClass && hit.length)
      out.push({
        change: "weakened",
        class: "destructive",
        detail: `new rule ${JSON.stringify(String(rule.id ?? ""))} expires objects under ${list(hit)}: backups, a tenant's legacy backups or exports there go before their retention ends`,
      });
  }
  return out;
}

/** Transitions move backups to archive storage: a restore must first wait hours for retrieval, and the drills fail. */
function newTransitions(baseRules: readonly LifecycleRuleInput[], rules: readonly LifecycleRuleInput[]): Weakening[] {
  const out: Weakening[] = [];
  for (const rule of rules.filter(
    (r) => (r.transitions !== undefined || r.noncurrentVersionTransitions !== undefined) && !baseRules.some((b) => sameRule(r, b)),
  )) {
    out.push({
      change: "weakened",
      class: "destructive",
      detail: `rule ${JSON.stringify(String(rule.id ?? ""))} transitions objects (${JSON.stringify([rule.transitions, rule.noncurrentVersionTransitions].filter((t) => t !== undefined))}): archived backups need a retrieval of hours before a restore, and the restore drills fail`,
    });
  }
  return out;
}

/** A rule's filter, whichever way it is written (the legacy top-level prefix as a filter's). */
const filterOf = (rule: LifecycleRuleInput): unknown => rule.filter ?? (rule.prefix !== undefined ? { prefix: rule.prefix } : undefined);

/** Two rules that do the same: everything but the id. */
const sameRule = (a: LifecycleRuleInput, b: LifecycleRuleInput) =>
  JSON.stringify({ ...a, id: undefined, status: undefined }) === JSON.stringify({ ...b, id: undefined, status: undefined });

/** KMS's waiting period when a key sets none (ScheduleKeyDeletion's PendingWindowInDays default). */
const KMS_DEFAULT_DELETION_WINDOW_DAYS = 30;

const daysOf = (r: { days?: unknown; years?: unknown } | undefined) =>
  r?.days !== undefined ? Number(r.days) : r?.years !== undefined ? Number(r.years) * 365 : undefined;

/** What one vault resource's change is checked with: the two sides' inputs and a sink for what it weakens. */
interface VaultCheck {
  readonly before: PlannedResource | undefined;
  readonly after: PlannedResource;
  readonly b: Record<string, unknown>;
  readonly a: Record<string, unknown>;
  readonly known: Known;
  readonly weak: (detail: string) => void;
}

/** Each vault resource type's own check. */
const VAULT_CHECKS: Partial<Record<string, (c: VaultCheck) => void>> = {
  [T.versioning]: ({ before, b, a, weak }) => {
    const [was, now] = [
      (b.versioningConfiguration as { status?: unknown } | undefined)?.status,
      (a.versioningConfiguration as { status?: unknown } | undefined)?.status,
    ];
    if (now !== "Enabled" && (!before || was === "Enabled"))
      weak(
        `versioning ${String(now ?? "unset")}: a deleted or overwritten backup is gone at once (no noncurrent version to restore), and object lock cannot hold`,
      );
  },
  [T.publicAccessBlock]: ({ before, b, a, weak }) => {
    const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter(
      (f) => a[f] !== true && (!before || b[f] === true),
    );
    if (off.length) weak(`${off.join(", ")} off: a bucket policy or ACL may then open the backups to anyone on the internet`);
  },
  [T.ownership]: ({ before, b, a, weak }) => {
    const [was, now] = [
      (b.rule as { objectOwnership?: unknown } | undefined)?.objectOwnership,
      (a.rule as { objectOwnership?: unknown } | undefined)?.objectOwnership,
    ];
    if (now !== "BucketOwnerEnforced" && (!before || was === "BucketOwnerEnforced"))
      weak(`object ownership ${String(now ?? "unset")}: ACLs count again, so an object or bucket ACL may grant access the policies do not show`);
  },
  [T.encryption]: ({ before, b, a, weak }) => {
    const kms = (v: unknown) =>
      (Array.isArray(v) ? v : [])
        .map((r: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: unknown; kmsMasterKeyId?: unknown } }) => r?.applyServerSideEncryptionByDefault)
        .filter((d) => String(d?.sseAlgorithm ?? "").startsWith("aws:kms"));
    const [was, now] = [kms(b.rules), kms(a.rules)];
    if (before && was.length && !now.length)
      weak("default encryption leaves the vault key (AES256 or none): new backups are readable by whoever may read the bucket, without the key policy's say");
    else if (before && was.length && now.length && JSON.stringify(was.map((d) => d?.kmsMasterKeyId)) !== JSON.stringify(now.map((d) => d?.kmsMasterKeyId)))
      weak(
        `default encryption moves to another key (${now.map((d) => String(d?.kmsMasterKeyId)).join(", ")}): whoever that key's policy lets decrypt reads the new backups`,
      );
  },
  [T.objectLock]: ({ before, b, a, known, weak }) => {
    const rule = (i: Record<string, unknown>) =>
      (i.rule as { defaultRetention?: { mode?: unknown; days?: unknown; years?: unknown } } | undefined)?.defaultRetention;
    const [was, now] = [rule(b), rule(a)];
    const shortest = Math.min(...known.classes);
    if (before && was && !now) weak("the object lock's default retention is gone: new backups are not locked");
    if (was?.mode === "COMPLIANCE" && now && now.mode !== "COMPLIANCE")
      weak(`object lock mode ${String(now.mode)}: whoever holds s3:BypassGovernanceRetention may delete locked backups`);
    const days = daysOf(now);
    if (days !== undefined && Number.isFinite(shortest) && days < shortest && (daysOf(was) ?? Infinity) > days)
      weak(`the object lock holds backups ${days} days, shorter than the shortest retention class (${shortest}d)`);
    if (before && a.objectLockEnabled !== b.objectLockEnabled) weak(`objectLockEnabled ${String(b.objectLockEnabled)} → ${String(a.objectLockEnabled)}`);
  },
  [T.bucket]: ({ b, a, weak }) => {
    if (a.forceDestroy === true && b.forceDestroy !== true) weak("forceDestroy: deleting the bucket deletes every backup in it first");
    const inline = [
      "acl",
      "grants",
      "lifecycleRules",
      "versioning",
      "serverSideEncryptionConfiguration",
      "objectLockConfiguration",
      "replicationConfiguration",
    ].filter((k) => a[k] !== undefined && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    if (inline.length)
      weak(
        `inline ${inline.join(", ")} on the bucket: they override the vault's own configuration resources (ACLs, lifecycle, versioning, encryption, replication to another bucket)`,
      );
  },
  [T.key]: ({ before, b, a, weak }) => {
    if (a.isEnabled === false && b.isEnabled !== false) weak("the key is disabled: no backup it protects can be decrypted");
    const [was, now] = [Number(b.deletionWindowInDays ?? KMS_DEFAULT_DELETION_WINDOW_DAYS), Number(a.deletionWindowInDays ?? KMS_DEFAULT_DELETION_WINDOW_DAYS)];
    if (before && now < was) weak(`a scheduled deletion completes after ${now} days instead of ${was}: less time to cancel it`);
  },
  [T.acl]: ({ after, b, a, weak }) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      weak(`a bucket ACL (${after.name}): it may grant access the policies do not show, once ownership controls allow ACLs`);
  },
  [T.replication]: ({ after, b, a, weak }) => {
    if (JSON.stringify(a.rules) !== JSON.stringify(b.rules) || a.role !== b.role)
      weak(
        `replication (${after.name}): backups are copied to ${list(asStrings((Array.isArray(a.rules) ? a.rules : []).map((r: { destination?: { bucket?: unknown } }) => r?.destination?.bucket)))}, outside the vault's policies and perhaps its jurisdiction`,
      );
  },
};

/** Versioning, public access, ownership, encryption, object lock, and the bucket's and key's own switches. */
export function vaultFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  const out: Weakening[] = [];
  const weak = (detail: string): void => void out.push({ change: "weakened", class: "destructive", detail });
  VAULT_CHECKS[after.type]?.({ before, after, b: before?.inputs ?? {}, a: after.inputs, known, weak });
  return out;
}
