/**
 * The resource-level diff: what `pulumi up` would do, from the registrations of two offline
 * plans (the base commit's program and the head's, each with its own code and stack files).
 * It is the proof under the tenant-level summary: every resource deleted or replaced, every
 * protection lowered, every secret sent somewhere new and every IAM grant added, classed
 * safe, review or destructive. Pure: the plans come in as data.
 */
import { AWS_TYPES, type ChangeClass, type PlannedResource, type ResourceChange, type ResourceFinding } from "./findings";
import { environmentFindings } from "./environments";
import { IAM_DOCUMENTS, identifiersOf, knownFrom, refersTo, VAULT_HARDENING, weakenings, type Weakening } from "./weakening";

export { widenedGrants } from "./grants";

/** Where tenant data (or the key to it) lives: losing one of these loses data. */
export const DATA_BEARING: ReadonlySet<string> = new Set(["neon:index/project:Project", "aws:s3/bucket:Bucket", "aws:kms/key:Key"]);

/**
 * Inputs whose change makes the provider replace the resource (ForceNew in the provider's
 * schema), for the data-bearing types besides Neon's, whose facts come from its schema
 * (`src/tools/neon`). From terraform-provider-aws: aws_s3_bucket `bucket`, `bucket_prefix`,
 * `object_lock_enabled`; aws_kms_key `customer_master_key_spec`, `key_usage`,
 * `multi_region`, `custom_key_store_id`, `xks_key_id`; aws_ssm_parameter `name`.
 */
export const AWS_REPLACE_FORCING: Readonly<Record<string, readonly string[]>> = {
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
  "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
  "aws:ssm/parameter:Parameter": ["name"],
};

/** The inputs of each type that hold an IAM document (the table with how each is judged: IAM_DOCUMENTS in src/review/weakening.ts). */
export const POLICY_INPUTS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(IAM_DOCUMENTS).map(([type, docs]) => [type, docs.map((d) => d.input)]),
);

/** Inputs that say where a secret-bearing resource delivers its value. */
const DESTINATION_INPUTS = ["repository", "environment", "name", "keyId"] as const;

const SECRET = "[secret]";

export interface ResourceContext {
  /** Replace-forcing inputs per type (the provider facts). */
  readonly replaceForcing: Readonly<Record<string, readonly string[]>>;
  /** Every tenant id of either side, to say whose a resource is. */
  readonly tenantIds: readonly string[];
}

const keyOf = (r: PlannedResource) => `${r.type}\u0000${r.parent}\u0000${r.name}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function holdsSecret(v: unknown): boolean {
  if (v === SECRET) return true;
  if (Array.isArray(v)) return v.some(holdsSecret);
  if (v && typeof v === "object") return Object.values(v).some(holdsSecret);
  return false;
}

/** Whose a resource is: the tenant whose component it sits under or whose id its name carries (the longest that fits), else the vault's region. */
function owner(r: PlannedResource, byName: ReadonlyMap<string, PlannedResource>, ids: readonly string[]): { tenant?: string; vault?: string } {
  for (
    let at: PlannedResource | undefined = r, depth = 0;
    at && depth < 32;
    at = at.parent === at.name && at !== r ? undefined : byName.get(at.parent), depth++
  ) {
    if (at.type === "tenant-fleet:index:TenantDatabase") {
      // A later generation's project (acme-corp-g2) is its tenant's, unless a tenant has that id.
      const later = /^(.+)-g\d+$/.exec(at.name);
      return { tenant: later && ids.includes(later[1]) && !ids.includes(at.name) ? later[1] : at.name };
    }
    if (at.type === "tenant-fleet:index:BackupVault") return { vault: at.name.replace(/^backups-/, "") };
  }
  const fits = ids.filter((id) => new RegExp(`(^|-)${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(-|$)`).test(r.name)).sort((a, b) => b.length - a.length);
  return fits.length ? { tenant: fits[0] } : {};
}

/**
 * Every change between two plans that matters to data or access. Creations and plain input
 * changes are counted (safe); deletions and replacements of data-bearing resources, lowered
 * protection, secrets delivered somewhere new, a vault's hardening weakened or removed and
 * IAM granted sweepingly or through kinds the stack never writes are destructive
 * (src/review/weakening.ts); replacements of other resources and narrowly widened IAM
 * documents are for review.
 */
export function diffResources(base: readonly PlannedResource[], head: readonly PlannedResource[], ctx: ResourceContext): ResourceFinding[] {
  const out: ResourceFinding[] = [];
  const before = new Map(base.map((r) => [keyOf(r), r]));
  const after = new Map(head.map((r) => [keyOf(r), r]));
  // Parents are components (a bucket may share its vault component's name).
  const components = (rs: readonly PlannedResource[]) => new Map(rs.filter((r) => r.type.startsWith("tenant-fleet:")).map((r) => [r.name, r]));
  const [baseByName, headByName] = [components(base), components(head)];
  const whose = (r: PlannedResource, side: ReadonlyMap<string, PlannedResource>) => owner(r, side, ctx.tenantIds);
  const known = knownFrom(base, head, ctx.tenantIds);
  const secretRepositories = new Set(
    base
      .filter((r) => Object.values(r.inputs).some(holdsSecret))
      .map((r) => r.inputs.repository)
      .filter((x) => x !== undefined)
      .map(String),
  );

  for (const [key, r] of before) {
    const next = after.get(key);
    const at = { type: r.type, name: r.name, ...whose(r, baseByName) };
    if (!next) {
      out.push(deletedFinding(r, at));
      continue;
    }
    const forcing = (ctx.replaceForcing[r.type] ?? []).filter((k) => !same(r.inputs[k], next.inputs[k]));
    if (forcing.length) {
      out.push({
        ...at,
        change: "replaced",
        class: DATA_BEARING.has(r.type) ? "destructive" : "review",
        detail: `the provider replaces it: ${forcing.map((k) => `${k} ${JSON.stringify(r.inputs[k]) ?? "(unset)"} → ${JSON.stringify(next.inputs[k]) ?? "(unset)"}`).join(", ")}`,
      });
    }
    const lowered = (["protect", "retainOnDelete"] as const).filter((o) => r.options[o] && !next.options[o]);
    if (lowered.length)
      out.push({ ...at, change: "unprotected", class: "destructive", detail: `${lowered.join(" and ")} turned off: a later change could delete it`, lowered });
    if (Object.values(next.inputs).some(holdsSecret)) {
      const moved = DESTINATION_INPUTS.filter((k) => k in r.inputs || k in next.inputs).filter((k) => !same(r.inputs[k], next.inputs[k]));
      if (moved.length)
        out.push({
          ...at,
          change: "secret-moved",
          class: "destructive",
          detail: `its secret goes elsewhere: ${moved.map((k) => `${k} ${JSON.stringify(r.inputs[k]) ?? "(unset)"} → ${JSON.stringify(next.inputs[k]) ?? "(unset)"}`).join(", ")}`,
        });
    }
    for (const w of weakenings(r, next, known)) out.push({ ...at, ...finding(w) });
    if (!forcing.length && !same(r.inputs, next.inputs)) out.push({ ...at, change: "changed", class: "safe", detail: "updated in place" });
  }
  for (const [key, r] of after) {
    if (before.has(key)) continue;
    const at = { type: r.type, name: r.name, ...whose(r, headByName) };
    const repository = r.inputs.repository;
    if (repository !== undefined && Object.values(r.inputs).some(holdsSecret) && secretRepositories.size && !secretRepositories.has(String(repository))) {
      out.push({
        ...at,
        change: "secret-moved",
        class: "destructive",
        detail: `a secret is written to repository ${JSON.stringify(repository)}, which held none of the stack's secrets before`,
      });
    }
    const replacing = singletonBefore(r, base, head);
    if (replacing === "unresolved") {
      out.push({
        ...at,
        change: "weakened",
        class: "destructive",
        detail: `a ${r.type.split(":").pop()} for ${String(r.inputs.bucket ?? r.inputs.keyId ?? "(unknown)")}, which the review cannot tie to a bucket or key of either program: a bucket has one of these and a key one policy, so it may replace an existing vault's`,
      });
    }
    for (const w of weakenings(typeof replacing === "object" ? replacing : undefined, r, known)) out.push({ ...at, ...finding(w) });
    out.push({ ...at, change: "created", class: "safe", detail: "created" });
  }
  for (const { resource, weakening } of environmentFindings(base, head, (r) => Object.values(r.inputs).some(holdsSecret))) {
    out.push({ type: resource.type, name: resource.name, ...whose(resource, after.has(keyOf(resource)) ? headByName : baseByName), ...finding(weakening) });
  }
  return out.sort((a, b) => rank(a) - rank(b) || (a.type < b.type ? -1 : a.type > b.type ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A resource that leaves the program: destructive when it holds data, hardens a vault or is protected. */
function deletedFinding(r: PlannedResource, at: Pick<ResourceFinding, "type" | "name" | "tenant" | "vault">): ResourceFinding {
  const data = DATA_BEARING.has(r.type);
  const hardening = VAULT_HARDENING[r.type];
  const what = data
    ? "holds tenant data or the key to it"
    : hardening
      ? `hardens a vault (${hardening}) and leaves the program: ${r.options.retainOnDelete ? "nothing enforces it any more" : "Pulumi removes it"}`
      : "leaves the program";
  const detail = `${what}${r.options.retainOnDelete ? " (retained on delete: Pulumi forgets it, its configuration stays as it is)" : ""}${r.options.protect ? "; it is protected, so pulumi up refuses until protection is lifted" : ""}`;
  return {
    ...at,
    change: "deleted",
    class: data || hardening || r.options.protect ? "destructive" : "safe",
    detail,
    ...(r.options.retainOnDelete ? { retained: true } : {}),
  };
}

/** Types a bucket has at most one of (S3 keeps one policy, lifecycle, versioning, ... configuration per bucket): a new one replaces the current. */
const PER_BUCKET: readonly string[] = [
  AWS_TYPES.bucketPolicy,
  AWS_TYPES.lifecycle,
  AWS_TYPES.versioning,
  AWS_TYPES.publicAccessBlock,
  AWS_TYPES.objectLock,
  AWS_TYPES.ownership,
  AWS_TYPES.encryption,
  AWS_TYPES.acl,
  AWS_TYPES.replication,
];

/**
 * What a new per-bucket or per-key singleton (a bucket's policy, lifecycle, ... ; a key's
 * KeyPolicy) replaces: the base's resource of that type on the same bucket, or the key's own
 * policy; undefined when there is nothing to replace (a new bucket or key, or none yet);
 * "unresolved" when its bucket or key is none either program declares.
 */
function singletonBefore(r: PlannedResource, base: readonly PlannedResource[], head: readonly PlannedResource[]): PlannedResource | "unresolved" | undefined {
  const perKey = r.type === AWS_TYPES.keyPolicy;
  if (!perKey && !PER_BUCKET.includes(r.type)) return undefined;
  const ref = r.inputs[perKey ? "keyId" : "bucket"];
  if (typeof ref !== "string") return "unresolved";
  const owner = perKey ? AWS_TYPES.key : AWS_TYPES.bucket;
  const same = base.find((b) => b.type === r.type && (perKey ? b.inputs.keyId : b.inputs.bucket) === ref);
  if (same) return same;
  const key = perKey ? base.find((b) => b.type === owner && refersTo(ref, identifiersOf(b))) : undefined;
  if (key) return { ...r, inputs: { ...r.inputs, policy: key.inputs.policy } };
  const known = (rs: readonly PlannedResource[]) => rs.some((b) => b.type === owner && refersTo(ref, identifiersOf(b)));
  // A bucket of the base without one yet, or a new bucket or key: nothing to replace.
  return known(base) || known(head) ? undefined : "unresolved";
}

/** A finding of src/review/weakening.ts as a resource finding (its optional fields only when set). */
const finding = (w: Weakening) => ({
  change: w.change,
  class: w.class,
  detail: w.detail,
  ...(w.principals ? { principals: w.principals } : {}),
  ...(w.exceptions?.length ? { exceptions: w.exceptions } : {}),
  ...(w.classes ? { classes: w.classes } : {}),
});

const CLASS_RANK: Record<ChangeClass, number> = { destructive: 0, review: 1, safe: 2 };
const rank = (f: ResourceFinding) => CLASS_RANK[f.class];

/** Counts per change and type, for the summary of what is safe. */
export function resourceCounts(findings: readonly ResourceFinding[]): Record<ResourceChange, number> {
  const counts = { created: 0, deleted: 0, replaced: 0, changed: 0, unprotected: 0, "secret-moved": 0, "iam-widened": 0, weakened: 0 } as Record<
    ResourceChange,
    number
  >;
  for (const f of findings) counts[f.change]++;
  return counts;
}
