/**
 * What a change of the program would let whom do: every input and resource type of
 * `@pulumi/aws` v7 that carries IAM (documents, inline and managed policies, attachments,
 * KMS grants) or hardens a backup vault (lifecycle, versioning, public access block, object
 * lock, ownership controls, encryption), judged between the base program's registration
 * and the head's. Pure: the plans come in as data.
 *
 * Two kinds of IAM input are told apart:
 * - the documents the stack writes itself (a role's trust and permissions, the vault key and
 *   bucket policies): they follow the tenants, so a narrow widening (one more bucket, one
 *   more workflow subject) is shown for review, and a sweeping one fails: a wildcard action,
 *   a privileged action (IAM, vault destruction or configuration, key policy, grants) its
 *   principal did not hold anywhere in the base, a principal of another account or anyone,
 *   a new service or identity provider, a NotAction/NotResource/NotPrincipal Allow, a Deny
 *   statement gone or a privileged Deny's condition changed (only the planner's own
 *   break-glass exception for a new break-glass can be accounted for, by that setting), an
 *   OIDC trust wider than the generated workflows' subjects, or a vault's objects or key read
 *   by a principal that did not read them before;
 * - everything the stack never writes (inline policies on a role, managed policy ARNs,
 *   attachments, standalone, user and group policies, key policy resources, inline bucket
 *   policies, KMS grants): any Allow the base does not cover fails, and a managed policy ARN
 *   fails always, since no document behind it can be read offline.
 * A new role the OIDC provider may assume fails unless it is one of the stack's generated
 * roles; lifecycle rules compare by what they do, not by their ids.
 */
import { accountOf, actionMatches } from "../core/iam/evaluate";
import { EXPORTS_PREFIX, legacyBackupPrefix, retentionClassPrefix } from "../../tenants/naming";
import { BACKUP_DESTRUCTION_ACTIONS, INCOMPLETE_UPLOAD_DAYS, KEY_DESTRUCTION_ACTIONS, keyBreakGlass, LEGACY_RETENTION_TAG } from "../plan/vaults/plan";
import { AWS_TYPES, type ChangeClass, type PlannedResource } from "./findings";
import { grantsOf, IDENTITY, list, showGrant, widening, type Grant } from "./grants";

const T = AWS_TYPES;

/** Who holds an identity document: a role (by its `role` input), a user, a group, or whoever a managed policy is attached to. */
type Holder = { readonly kind: "role" | "user" | "group"; readonly input: string } | { readonly kind: "self" } | { readonly kind: "attached" } | { readonly kind: "resource" };

interface DocumentInput {
  readonly input: string;
  readonly holder: Holder;
  /** The stack writes it itself and it follows the tenants: a narrow widening is for review. */
  readonly routine: boolean;
  /** Read as `[{ name, policy }]` (a role's `inlinePolicies`) rather than one document. */
  readonly named?: boolean;
  /** What the document is, for messages. */
  readonly what: string;
}

/** Every input of every type that holds an IAM document. */
export const IAM_DOCUMENTS: Readonly<Record<string, readonly DocumentInput[]>> = {
  [T.role]: [
    { input: "assumeRolePolicy", holder: { kind: "resource" }, routine: true, what: "trust (assumeRolePolicy)" },
    { input: "inlinePolicies", holder: { kind: "self" }, routine: false, named: true, what: "inline policy" },
  ],
  [T.rolePolicy]: [{ input: "policy", holder: { kind: "role", input: "role" }, routine: true, what: "policy" }],
  [T.userPolicy]: [{ input: "policy", holder: { kind: "user", input: "user" }, routine: false, what: "policy" }],
  [T.groupPolicy]: [{ input: "policy", holder: { kind: "group", input: "group" }, routine: false, what: "policy" }],
  [T.policy]: [{ input: "policy", holder: { kind: "attached" }, routine: false, what: "managed policy" }],
  [T.key]: [{ input: "policy", holder: { kind: "resource" }, routine: true, what: "key policy" }],
  [T.keyPolicy]: [{ input: "policy", holder: { kind: "resource" }, routine: false, what: "key policy (a KeyPolicy resource)" }],
  [T.bucketPolicy]: [{ input: "policy", holder: { kind: "resource" }, routine: true, what: "bucket policy" }],
  [T.bucket]: [{ input: "policy", holder: { kind: "resource" }, routine: false, what: "inline bucket policy" }],
};

/** Types that attach a managed policy: the policy ARN input and who gets it. */
const ATTACHMENTS: Readonly<Record<string, { readonly arns: string; readonly members: readonly { readonly kind: "role" | "user" | "group"; readonly input: string; readonly many?: boolean }[]; readonly exclusive?: boolean }>> = {
  [T.rolePolicyAttachment]: { arns: "policyArn", members: [{ kind: "role", input: "role" }] },
  [T.userPolicyAttachment]: { arns: "policyArn", members: [{ kind: "user", input: "user" }] },
  [T.groupPolicyAttachment]: { arns: "policyArn", members: [{ kind: "group", input: "group" }] },
  [T.policyAttachment]: { arns: "policyArn", members: [{ kind: "role", input: "roles", many: true }, { kind: "user", input: "users", many: true }, { kind: "group", input: "groups", many: true }] },
  [T.rolePolicyAttachmentsExclusive]: { arns: "policyArns", members: [{ kind: "role", input: "roleName" }], exclusive: true },
  [T.userPolicyAttachmentsExclusive]: { arns: "policyArns", members: [{ kind: "user", input: "userName" }], exclusive: true },
  [T.groupPolicyAttachmentsExclusive]: { arns: "policyArns", members: [{ kind: "group", input: "groupName" }], exclusive: true },
};

/** Types that keep a named set of inline policies on an identity (and delete any other). */
const INLINE_EXCLUSIVE: Readonly<Record<string, { readonly kind: "role" | "user" | "group"; readonly input: string }>> = {
  [T.rolePoliciesExclusive]: { kind: "role", input: "roleName" },
  [T.userPoliciesExclusive]: { kind: "user", input: "userName" },
  [T.groupPoliciesExclusive]: { kind: "group", input: "groupName" },
};

/** What each resource that hardens a vault keeps, for the message when it leaves the program. */
export const VAULT_HARDENING: Readonly<Record<string, string>> = {
  [T.versioning]: "versioning: deleted or overwritten backups survive as noncurrent versions",
  [T.publicAccessBlock]: "the public access block: no policy or ACL can open the backups to the internet",
  [T.lifecycle]: "the lifecycle: every retention class expires on time",
  [T.ownership]: "BucketOwnerEnforced ownership: ACLs are ignored, only the policies grant access",
  [T.encryption]: "default encryption with the vault key",
  [T.objectLock]: "the object lock's default retention",
  [T.bucketPolicy]: "the bucket policy: TLS only, no overwrites, deletion by break-glass only",
};

/**
 * Actions whose holder can destroy backups, strip a vault's protection or make itself
 * anything: IAM writes and role switching, the vault's destruction (src/plan/vaults/plan.ts) and its
 * configuration, the key's policy and grants. A principal that did not hold one anywhere in
 * the base gaining it is a sweeping grant.
 */
export const PRIVILEGED_ACTIONS = Object.freeze([
  "iam:PassRole",
  "iam:CreateRole",
  "iam:CreateUser",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:PutRolePolicy",
  "iam:PutUserPolicy",
  "iam:PutGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:UpdateAssumeRolePolicy",
  "iam:AddUserToGroup",
  "sts:AssumeRole",
  ...BACKUP_DESTRUCTION_ACTIONS,
  ...KEY_DESTRUCTION_ACTIONS,
  "kms:PutKeyPolicy",
  "kms:CreateGrant",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketAcl",
  "s3:PutObjectAcl",
  "s3:PutBucketOwnershipControls",
  "s3:PutEncryptionConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:PutBucketObjectLockConfiguration",
] as const);

/** Well-known AWS-managed policies and what they give; any other managed policy is unknown offline. */
const AWS_MANAGED: Readonly<Record<string, { readonly allows: string; readonly gets: string }>> = {
  AdministratorAccess: { allows: "* on *", gets: "gets full admin of the account" },
  PowerUserAccess: { allows: "every action but IAM's and Organizations'", gets: "can delete every backup and key" },
  IAMFullAccess: { allows: "iam:* on *", gets: "can make itself or anyone admin" },
  AmazonS3FullAccess: { allows: "s3:* on *", gets: "can delete every backup and strip the vaults' protection" },
  AWSKeyManagementServicePowerUser: { allows: "kms key management on *", gets: "can change key policies and grants" },
};

/** One finding of this module: a ResourceFinding's change, class and detail, and what accounts for it. */
export interface Weakening {
  readonly change: "iam-widened" | "weakened";
  readonly class: ChangeClass;
  readonly detail: string;
  /** The principals a sweeping grant names (resource and trust policies): a setting that introduces exactly these accounts for it. */
  readonly principals?: readonly string[];
  /** The principals a privileged Deny now excepts, in the planner's own break-glass condition: only a change of break-glass accounts for it. */
  readonly exceptions?: readonly string[];
  /** The retention classes (days) a lifecycle finding concerns: a class leaving the stack accounts for it. */
  readonly classes?: readonly number[];
}

/** What the base program knew: principals, accounts, and which privileges each holder already had. */
export interface Known {
  readonly base: readonly PlannedResource[];
  readonly head: readonly PlannedResource[];
  readonly accounts: ReadonlySet<string>;
  readonly principals: ReadonlySet<string>;
  /** Allow grants of the base, their principal replaced by the holder for identity documents. */
  readonly held: readonly Grant[];
  /** Retention classes (days) the vaults' lifecycles of either side name. */
  readonly classes: readonly number[];
  /** The OIDC subjects the base's trusts name, by shape (a generated workflow's file name as `*`). */
  readonly subjectShapes: ReadonlySet<string>;
  /** What names a bucket or key the head creates (bucket prefixes, names, fake ids): reads on them come with a new vault. */
  readonly fresh: readonly string[];
  /** Every tenant id of either side: their legacy backup prefixes are protected from new lifecycle rules. */
  readonly tenantIds: readonly string[];
}

const ACCOUNT_IN_ARN = /arn:aws[\w-]*:[\w-]*:[\w-]*:(\d{12}):/g;

/** What the two plans tell about the stack before anything is judged. */
export function knownFrom(base: readonly PlannedResource[], head: readonly PlannedResource[], tenantIds: readonly string[] = []): Known {
  const accounts = new Set<string>();
  for (const r of base) for (const m of JSON.stringify(r.inputs).matchAll(ACCOUNT_IN_ARN)) accounts.add(m[1]);
  const held: Grant[] = [];
  const principals = new Set<string>();
  for (const r of base) {
    for (const d of IAM_DOCUMENTS[r.type] ?? []) {
      for (const [, doc] of documents(r.inputs[d.input], d.named)) {
        for (const g of grantsOf(doc)) {
          if (g.principal !== IDENTITY) principals.add(g.principal);
          if (g.effect === "Allow") held.push(g.principal === IDENTITY ? { ...g, principal: holderKey(r, d.holder, base) } : ownResource(g, r, d.holder));
        }
      }
    }
  }
  const classes = new Set<number>();
  for (const r of [...base, ...head]) if (r.type === T.lifecycle) for (const rule of rulesOf(r)) for (const d of ruleClasses(rule)) classes.add(d);
  const subjectShapes = new Set(base.filter((r) => r.type === T.role).flatMap((r) => grantsOf(r.inputs.assumeRolePolicy)).flatMap((g) => subjectsOf(g.condition).map(([, v]) => subjectShape(v))));
  const baseKeys = new Set(base.map((r) => `${r.type}\u0000${r.name}`));
  const fresh = head.filter((r) => (r.type === T.bucket || r.type === T.key) && !baseKeys.has(`${r.type}\u0000${r.name}`)).flatMap((r) => identifiersOf(r));
  return { base, head, accounts, principals, held, classes: [...classes].sort((a, b) => a - b), subjectShapes, fresh, tenantIds };
}

/** What may name a bucket or key in another resource's inputs: its name, the offline plan's id, its bucket prefix or fixed name. */
export function identifiersOf(r: PlannedResource): string[] {
  return [r.name, `${r.name}-id`, `${slug(r.name)}-0000`, r.inputs.bucket, r.inputs.bucketPrefix].filter((v): v is string => typeof v === "string" && v !== "");
}

/** A reference (an id, a name, an ARN) points at one of these identifiers. */
export const refersTo = (ref: string, ids: readonly string[]) => ids.some((id) => ref === id || ref.endsWith(`/${id}`) || ref.endsWith(`:${id}`) || ref.split(/[/:]/).some((part) => part.startsWith(id) && id.endsWith("-")));

/** The OIDC subject conditions of a grant: `[operator, value]` for every `…:sub` key. */
function subjectsOf(condition: string): [string, string][] {
  const parsed = (condition ? JSON.parse(condition) : {}) as Record<string, Record<string, unknown>>;
  return Object.entries(parsed).flatMap(([op, keys]) => Object.entries(keys ?? {}).filter(([k]) => k.endsWith(":sub")).flatMap(([, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [op, String(x)])));
}

/** A subject with its generated workflow's file name as `*`: a new tenant's or kind's workflow has the shape of the base's. */
const subjectShape = (subject: string) => subject.replace(/(\/\.github\/workflows\/)[^@/]+(@)/, "$1*$2");

/**
 * A trust that opens a role to more of GitHub than the stack's generated workflows: an OIDC
 * principal without a subject condition, a wildcard subject (StringLike), or a subject whose
 * shape no base trust has (another branch, environment, repository or kind of claim).
 */
function widensSubjects(g: Grant, known: Known): boolean {
  if (g.negated || !g.principal.startsWith("Federated:")) return false;
  const subjects = subjectsOf(g.condition);
  if (!subjects.length) return true;
  return subjects.some(([op, v]) => (/Like/i.test(op) && /[*?]/.test(v)) || !known.subjectShapes.has(subjectShape(v)));
}

/** Reading what a vault holds: its objects and the key that decrypts them. */
const VAULT_READS = ["s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt"] as const;

/** The bucket (for an object ARN) or key an ARN names: what "that resource" is for a read. */
const vaultOfArn = (arn: string) => (arn.startsWith("arn:aws:s3:::") ? arn.split("/")[0] : arn);

/** The documents of an input: one, or `[{ name, policy }]` by name. */
function documents(value: unknown, named?: boolean): [string, unknown][] {
  if (value === undefined || value === null) return [];
  if (!named) return [["", value]];
  return (Array.isArray(value) ? value : []).map((p: { name?: unknown; policy?: unknown }, i) => [String(p?.name ?? `#${i}`), p?.policy]);
}

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
const KIND_TYPE = { role: T.role, user: "aws:iam/user:User", group: "aws:iam/group:Group" } as const;

/** The resource an identity reference (name, id, ARN as the plan resolves it) points to, in one plan. */
function identity(kind: "role" | "user" | "group", ref: unknown, plan: readonly PlannedResource[]): PlannedResource | undefined {
  if (typeof ref !== "string") return undefined;
  const last = ref.split("/").pop();
  return plan.find((r) => r.type === KIND_TYPE[kind] && [r.name, `${r.name}-id`, slug(r.name), r.inputs.name].some((n) => n === ref || n === last));
}

const nameOf = (r: PlannedResource) => String(r.inputs.name ?? r.name);

/** The key that stands for an identity document's holder among the base's grants. */
function holderKey(r: PlannedResource, holder: Holder, plan: readonly PlannedResource[]): string {
  if (holder.kind === "self") return `role:${r.name}`;
  if (holder.kind === "role" || holder.kind === "user" || holder.kind === "group") {
    const ref = r.inputs[holder.input];
    const found = identity(holder.kind, ref, plan);
    return `${holder.kind}:${found ? found.name : String(ref)}`;
  }
  return `${holder.kind}:${r.name}`;
}

/** A role's trust, short: who may assume it, and for web identities the subjects. */
function trustOf(role: PlannedResource | undefined): string {
  if (!role) return "a role this program does not declare";
  const allows = grantsOf(role.inputs.assumeRolePolicy).filter((g) => g.effect === "Allow");
  if (!allows.length) return "nobody";
  const parts = [...new Set(allows.map((g) => {
    const subjects = Object.values((g.condition ? JSON.parse(g.condition) : {}) as Record<string, Record<string, unknown>>).flatMap((op) => Object.entries(op).filter(([k]) => k.endsWith(":sub")).flatMap(([, v]) => (Array.isArray(v) ? v : [v]).map(String)));
    return `${g.principal}${subjects.length ? ` for ${subjects.length > 2 ? `${subjects.slice(0, 2).join(", ")} and ${subjects.length - 2} more` : subjects.join(", ")}` : ""}`;
  }))];
  return list(parts);
}

/** Who gets what an identity document or attachment grants, as the start of a sentence. */
function whoHolds(kind: "role" | "user" | "group", ref: unknown, plan: readonly PlannedResource[]): { name: string; who: string } {
  const found = identity(kind, ref, plan);
  const name = found ? nameOf(found) : String(ref ?? "(unknown until deployed)");
  if (kind === "role") return { name: `role ${name}`, who: `anyone who can assume ${name} (its trust: ${trustOf(found)})` };
  if (kind === "user") return { name: `user ${name}`, who: `whoever holds ${name}'s credentials` };
  return { name: `group ${name}`, who: `every member of ${name}` };
}

const matchesAny = (pattern: string, actions: readonly string[]) => actions.some((a) => actionMatches(pattern, a));
const isWildcardAction = (a: string) => a === "*" || /^[\w-]+:\*$/.test(a);

/** What a set of grants lets its holder do, the worst first. */
function consequence(grants: readonly Grant[]): string {
  const actions = grants.map((g) => g.action);
  if (grants.some((g) => g.action === "*" && g.resource === "*" && !g.negated)) return "gets full admin of the account";
  if (grants.some((g) => g.negated)) return "gets everything but what a NotAction/NotResource/NotPrincipal statement names, which the review cannot bound";
  if (actions.some((a) => a === "*")) return `may do anything on ${list([...new Set(grants.filter((g) => g.action === "*").map((g) => g.resource))])}`;
  if (actions.some((a) => a.toLowerCase().startsWith("iam:") && (isWildcardAction(a) || matchesAny(a, PRIVILEGED_ACTIONS)))) return "can change IAM, so can make itself or anyone admin";
  if (actions.some((a) => matchesAny(a, ["sts:AssumeRole"]))) return "can become other roles";
  if (actions.some((a) => matchesAny(a, PRIVILEGED_ACTIONS))) return "can delete backups or strip a vault's protection (its lifecycle, versioning, policies, key)";
  if (actions.some((a) => matchesAny(a, ["kms:Decrypt", "s3:GetObject", "ssm:GetParameter"]))) return "can read backups or connection strings";
  if (actions.some((a) => matchesAny(a, ["sts:AssumeRoleWithWebIdentity"]))) return "may assume the role and do everything it may";
  return "gets more access";
}

/** A principal of another account than the base's, anyone, or a service or identity provider the base did not trust. */
function foreign(principal: string, known: Known): boolean {
  if (principal === IDENTITY || known.principals.has(principal)) return false;
  if (principal === "*" || principal === "AWS:*") return true;
  const [kind, ...rest] = principal.split(":");
  const value = rest.join(":");
  if (kind === "AWS") {
    const account = /^\d{12}$/.test(value) ? value : accountOf(value);
    return known.accounts.size > 0 && (account === undefined || !known.accounts.has(account));
  }
  if (kind === "Federated") return [...known.principals].some((p) => p.startsWith("Federated:"));
  return true;
}

/** A resource policy's `*` is the resource it is attached to (a key policy's key): named so, reads compare per key. */
const ownResource = (g: Grant, r: PlannedResource, holder: Holder): Grant => (holder.kind === "resource" && g.resource === "*" ? { ...g, resource: `self:${r.name}` } : g);

/** A widened Allow that no narrow change of the tenants explains: see the module's doc. `fresh`: the document comes with a new bucket or key. */
function sweeping(g: Grant, holder: string, known: Known, fresh = false): boolean {
  if (g.negated) return true;
  const who = g.principal === IDENTITY ? holder : g.principal;
  const heldBefore = known.held.some((h) => h.principal === who && !h.negated && actionMatches(h.action, g.action));
  if (isWildcardAction(g.action) && !heldBefore) return true;
  if (matchesAny(g.action, PRIVILEGED_ACTIONS) && !heldBefore) return true;
  if (g.principal === IDENTITY && g.resource === "*" && !heldBefore) return true;
  if (widensSubjects(g, known)) return true;
  // Reading a vault's backups: sweeping for a principal that did not read that bucket or key before (unless the vault is new).
  if (matchesAny(g.action, VAULT_READS) && !fresh && !refersTo(g.resource, known.fresh)) {
    const readBefore = known.held.some((h) => h.principal === who && !h.negated && actionMatches(h.action, g.action) && (h.resource === "*" || vaultOfArn(h.resource) === vaultOfArn(g.resource)));
    if (!readBefore) return true;
  }
  return foreign(g.principal, known);
}

/** Every string a condition (JSON text) compares with. */
function leaves(condition: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(condition ? JSON.parse(condition) : undefined);
  return out;
}

/** The planner's break-glass exception (the condition of its Denies, src/plan/vaults/plan.ts) for one principal, as grants compare it. */
const exceptionFor = (arn: string) => JSON.stringify(keyBreakGlass(arn).find((s) => s.Effect === "Deny")?.Condition);

/** The principal a condition excepts when it is exactly the planner's break-glass exception; undefined for any other condition. */
function breakGlassException(condition: string): string | undefined {
  const values = condition ? leaves(condition) : [];
  return values.length === 1 && exceptionFor(values[0]) === condition ? values[0] : undefined;
}

const rawPrincipal = (p: string) => p.replace(/^(AWS|Federated|Service|CanonicalUser):/, "");

/** The IAM documents of one resource, base against head (either may be absent: created or deleted). */
function documentFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  const out: Weakening[] = [];
  for (const d of IAM_DOCUMENTS[after.type] ?? []) {
    const old = new Map(before ? documents(before.inputs[d.input], d.named) : []);
    for (const [name, doc] of documents(after.inputs[d.input], d.named)) {
      if (before && JSON.stringify(old.get(name)) === JSON.stringify(doc)) continue;
      const w = widening(old.get(name), doc);
      if (!w.added.length && !w.lifted.length) continue;
      const denies = grantsOf(doc).filter((h) => h.effect === "Deny");
      const again = (g: Grant) => denies.filter((h) => h.sid === g.sid && h.principal === g.principal && h.action === g.action && h.resource === g.resource && h.negated === g.negated);
      // A Deny gone fails. A privileged Deny still there under another condition fails too: when the
      // condition is the planner's break-glass exception (for one principal) its new principal is what a
      // change of break-glass may account for; any other condition (another operator, key or shape) nothing can.
      const gone = w.lifted.filter((g) => !again(g).length);
      const moved = w.lifted.filter((g) => again(g).length && (isWildcardAction(g.action) || matchesAny(g.action, PRIVILEGED_ACTIONS)));
      const excepted = [...new Set(moved.flatMap((g) => again(g).flatMap((h) => breakGlassException(h.condition) ?? [])).filter((v) => !moved.some((g) => breakGlassException(g.condition) === v)))];
      const reshaped = moved.filter((g) => again(g).some((h) => breakGlassException(h.condition) === undefined || (g.condition !== "" && breakGlassException(g.condition) === undefined)));
      const key = holderKey(after, d.holder, known.head);
      const fresh = !before && [after.name, after.inputs.bucket, after.inputs.keyId].some((ref) => typeof ref === "string" && refersTo(ref, known.fresh));
      const broad = w.added.filter((g) => sweeping(ownResource(g, after, d.holder), key, known, fresh));
      const fails = !d.routine || broad.length > 0 || gone.length > 0 || moved.length > 0;
      const shown = [...w.added.map(showGrant), ...w.lifted.map((g) => `no longer: ${showGrant(g)}`)];
      const label = `${old.has(name) ? "" : "new "}${d.named ? `${d.what} ${JSON.stringify(name)}` : d.what}`;
      const worst = broad.length ? broad : w.added;
      let detail: string;
      if (!fails) detail = before ? `${d.input} allows more: ${list(shown)}` : `a new document allows: ${list(shown)}`;
      else if (d.holder.kind === "self" || d.holder.kind === "role" || d.holder.kind === "user" || d.holder.kind === "group") {
        const h = d.holder.kind === "self" ? whoHolds("role", after.name, known.head) : whoHolds(d.holder.kind, after.inputs[d.holder.input], known.head);
        detail = `${h.name} may ${list(shown)} (its ${label}${d.holder.kind === "self" ? "" : ` ${after.name}`}): ${h.who} ${worst.length ? consequence(worst) : "loses a Deny that protected something"}`;
      } else if (d.holder.kind === "attached") {
        detail = `${label} ${nameOf(after)} allows ${list(shown)}: whoever it is attached to ${worst.length ? consequence(worst) : "loses a Deny that protected something"}`;
      } else {
        const who = [...new Set(worst.map((g) => (g.principal === "*" ? "anyone" : `${g.principal}${foreign(g.principal, known) ? " (not trusted before: another account, anyone, or a new service or provider)" : ""}`)))];
        const does = d.input === "assumeRolePolicy" ? `may assume ${nameOf(after)} and do everything it may` : consequence(worst);
        const said = worst.length
          ? `${list(who)} ${does}`
          : gone.length
            ? `a Deny is gone: ${list(gone.map(showGrant))}`
            : reshaped.length
              ? `the condition of a Deny of privileged actions changes (${list([...new Set(reshaped.map((g) => `${g.sid || g.action}: ${g.condition || "none"} → ${again(g)[0].condition || "none"}`))])}): whoever it no longer denies may destroy backups or rewrite the vault's policies`
              : `a Deny of privileged actions now excepts ${list(excepted)}`;
        detail = `${label} allows more: ${list(shown)}: ${said}`;
      }
      // Only a change of settings may account for these principals (src/review/diff.ts); a Deny gone or reshaped, nothing.
      const byPrincipal = broad.every((g) => g.principal !== IDENTITY && g.principal !== "*") && !broad.some((g) => widensSubjects(g, known)) && !gone.length && !reshaped.length && (broad.length > 0 || excepted.length > 0);
      const principals = byPrincipal ? [...new Set(broad.map((g) => rawPrincipal(g.principal)))] : undefined;
      out.push({ change: "iam-widened", class: fails ? "destructive" : "review", detail, ...(principals ? { principals, exceptions: excepted } : {}) });
    }
  }
  return out;
}

const asStrings = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String));

/** What a managed policy ARN gives, as far as the review can tell offline: what it allows, and what its holder gets. */
function managedPolicy(arn: string, plan: readonly PlannedResource[]): { allows: string; gets: string } {
  const unknown = "gets whatever it allows";
  const awsManaged = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (awsManaged) return AWS_MANAGED[awsManaged[1]] ? { allows: `${awsManaged[1]}: ${AWS_MANAGED[awsManaged[1]].allows}`, gets: AWS_MANAGED[awsManaged[1]].gets } : { allows: `${awsManaged[1]}, AWS-managed: its document cannot be read offline`, gets: unknown };
  const declared = plan.find((r) => r.type === T.policy && (arn.endsWith(`/${nameOf(r)}`) || arn === r.name));
  return { allows: declared ? `the managed policy ${nameOf(declared)} declared here, judged on its own` : "the account's own: its document cannot be read offline", gets: unknown };
}

/** Managed policy ARNs on a role, attachments and the exclusive attachment sets. */
function attachmentFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  const out: Weakening[] = [];
  if (after.type === T.role) {
    const old = new Set(asStrings(before?.inputs.managedPolicyArns));
    const h = whoHolds("role", after.name, known.head);
    for (const arn of asStrings(after.inputs.managedPolicyArns).filter((a) => !old.has(a))) {
      const m = managedPolicy(arn, known.head);
      out.push({ change: "iam-widened", class: "destructive", detail: `${h.name} gets the managed policy ${arn} (${m.allows}) by managedPolicyArns: ${h.who} ${m.gets}` });
    }
  }
  const a = ATTACHMENTS[after.type];
  if (a) {
    const oldArns = new Set(asStrings(before?.inputs[a.arns]));
    const newArns = asStrings(after.inputs[a.arns]);
    const arns = newArns.length ? newArns : ["(unknown until deployed)"];
    for (const m of a.members) {
      const oldMembers = new Set(asStrings(before?.inputs[m.input]));
      for (const member of asStrings(after.inputs[m.input])) {
        for (const arn of arns.filter((x) => !(oldArns.has(x) && oldMembers.has(member)))) {
          const h = whoHolds(m.kind, member, known.head);
          const policy = managedPolicy(arn, known.head);
          const how = a.exclusive ? `keeps the managed policy ${arn} (${policy.allows}) attached, and any other detached, by ${after.name}` : `gets the managed policy ${arn} (${policy.allows}) by ${after.name}`;
          out.push({ change: "iam-widened", class: "destructive", detail: `${h.name} ${how}: ${h.who} ${policy.gets}` });
        }
      }
    }
  }
  const e = INLINE_EXCLUSIVE[after.type];
  if (e) {
    const old = new Set(asStrings(before?.inputs.policyNames));
    const added = asStrings(after.inputs.policyNames).filter((n) => !old.has(n));
    if (added.length) {
      const h = whoHolds(e.kind, after.inputs[e.input], known.head);
      out.push({ change: "iam-widened", class: "destructive", detail: `${h.name} keeps the inline policies ${added.join(", ")} (and loses any other) by ${after.name}: ${h.who} gets whatever they allow, which this resource does not show` });
    }
  }
  return out;
}

/** A KMS grant: who may use which key for what, outside the key policy. */
function grantFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  if (after.type !== T.grant) return [];
  const ops = asStrings(after.inputs.operations);
  const oldOps = new Set(asStrings(before?.inputs.operations));
  const sameWho = before && before.inputs.granteePrincipal === after.inputs.granteePrincipal && before.inputs.keyId === after.inputs.keyId && JSON.stringify(before.inputs.constraints) === JSON.stringify(after.inputs.constraints);
  const added = sameWho ? ops.filter((o) => !oldOps.has(o)) : ops;
  const retiring = before?.inputs.retiringPrincipal !== after.inputs.retiringPrincipal && after.inputs.retiringPrincipal !== undefined;
  if (!added.length && !retiring) return [];
  const grantee = String(after.inputs.granteePrincipal ?? "(unknown until deployed)");
  const other = foreign(`AWS:${grantee}`, known) ? ` (another account${accountOf(grantee) ? `, ${accountOf(grantee)}` : ""})` : "";
  const key = String(after.inputs.keyId ?? "(unknown)");
  const does = added.some((o) => /^(Decrypt|ReEncryptFrom|GenerateDataKey.*)$/.test(o))
    ? "can decrypt what the key protects (every backup of its vault) without the key policy saying so"
    : added.includes("CreateGrant")
      ? "can hand the key's use to anyone"
      : "can use the key without the key policy saying so";
  const detail = `KMS grant ${after.name} lets ${grantee}${other} ${added.length ? added.join(", ") : "keep its operations"} with key ${key}${retiring ? ` (retiring principal ${String(after.inputs.retiringPrincipal)})` : ""}: it ${does}`;
  return [{ change: "iam-widened", class: "destructive", detail }];
}

interface LifecycleRuleInput {
  readonly id?: unknown;
  readonly status?: unknown;
  readonly prefix?: unknown;
  readonly filter?: { readonly prefix?: unknown; readonly tag?: { readonly key?: unknown; readonly value?: unknown }; readonly and?: { readonly prefix?: unknown; readonly tags?: Record<string, unknown> } };
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

const CLASS_PREFIX = new RegExp(`^${retentionClassPrefix("\u0000").replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("\u0000", "(\\d+)")}`);

/** The retention classes a rule is about by its own filter: the class prefix it names, or the legacy tag's days. */
function ruleClasses(rule: LifecycleRuleInput): number[] {
  const byPrefix = CLASS_PREFIX.exec(prefixOf(rule));
  const byTag = tagsOf(rule).filter(([k]) => k === LEGACY_RETENTION_TAG).map(([, v]) => Number(v)).filter((n) => Number.isInteger(n) && n > 0);
  return [...(byPrefix ? [Number(byPrefix[1])] : []), ...byTag];
}

/** Whether a rule reaches the backups of retention class `days`: its prefix overlaps the class's, and no tag it needs rules them out. */
function reaches(rule: LifecycleRuleInput, days: number): boolean {
  const [p, c] = [prefixOf(rule), retentionClassPrefix(days)];
  if (!(c.startsWith(p) || p.startsWith(c))) return false;
  return tagsOf(rule).every(([k, v]) => k !== LEGACY_RETENTION_TAG || v === String(days));
}

/** A lifecycle that expires backups before their class's retention, keeps noncurrent versions less, drops a rule or aborts uploads sooner. */
function lifecycleFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  const out: Weakening[] = [];
  const rules = rulesOf(after).filter(enabled);
  for (const rule of rules) {
    const id = JSON.stringify(String(rule.id ?? ""));
    const exp = Number(rule.expiration?.days);
    const short = known.classes.filter((d) => reaches(rule, d) && Number.isFinite(exp) && exp < d);
    if (short.length) out.push({ change: "weakened", class: "destructive", classes: short, detail: `rule ${id} expires backups after ${exp} days: those of the retention class${short.length > 1 ? "es" : ""} ${short.map((d) => `${d}d`).join(", ")} are deleted before their retention ends, and anyone restoring later finds nothing` });
    const dated = rule.expiration?.date !== undefined ? known.classes.filter((d) => reaches(rule, d)) : [];
    if (dated.length) out.push({ change: "weakened", class: "destructive", classes: dated, detail: `rule ${id} expires every backup it reaches on ${String(rule.expiration!.date)}, whatever its retention class (${dated.map((d) => `${d}d`).join(", ")})` });
    const nc = Number(rule.noncurrentVersionExpiration?.noncurrentDays);
    const ncShort = known.classes.filter((d) => reaches(rule, d) && Number.isFinite(nc) && nc < d);
    if (ncShort.length) out.push({ change: "weakened", class: "destructive", classes: ncShort, detail: `rule ${id} keeps noncurrent versions ${nc} days: an overwritten or deleted backup of the class${ncShort.length > 1 ? "es" : ""} ${ncShort.map((d) => `${d}d`).join(", ")} is gone before its retention ends` });
  }
  const baseAbort = Math.min(INCOMPLETE_UPLOAD_DAYS, ...rulesOf(before).filter(enabled).map((r) => Number(r.abortIncompleteMultipartUpload?.daysAfterInitiation)).filter(Number.isFinite));
  for (const rule of rules) {
    const abort = Number(rule.abortIncompleteMultipartUpload?.daysAfterInitiation);
    if (Number.isFinite(abort) && abort < baseAbort) out.push({ change: "weakened", class: "destructive", detail: `rule ${JSON.stringify(String(rule.id ?? ""))} aborts incomplete uploads after ${abort} days instead of ${baseAbort}: a backup still uploading is dropped` });
  }
  // Each base rule by what it does, not by its id: the same rule under any id keeps it; the same id doing less is flagged.
  const baseRules = rulesOf(before).filter(enabled);
  for (const rule of baseRules.filter((r) => !rules.some((h) => sameRule(h, r)))) {
    const classes = ruleClasses(rule);
    const where = prefixOf(rule) ? `prefix ${prefixOf(rule)}` : tagsOf(rule).length ? `tag ${tagsOf(rule).map(([k, v]) => `${k}=${v}`).join(", ")}` : "the whole bucket";
    const next = rules.find((h) => String(h.id) === String(rule.id));
    if (!next) {
      out.push({ change: "weakened", class: "destructive", classes, detail: `rule ${JSON.stringify(String(rule.id ?? ""))} is gone (or disabled): what it expired or cleaned up (${where}) stays for ever, an erased tenant's backups included` });
      continue;
    }
    const lost = [
      JSON.stringify(filterOf(next)) !== JSON.stringify(filterOf(rule)) ? `its filter moves from ${JSON.stringify(filterOf(rule))} to ${JSON.stringify(filterOf(next))}` : "",
      rule.expiration?.days !== undefined && next.expiration?.days === undefined && next.expiration?.date === undefined ? "it no longer expires anything" : "",
      rule.noncurrentVersionExpiration?.noncurrentDays !== undefined && next.noncurrentVersionExpiration?.noncurrentDays === undefined ? "it no longer expires noncurrent versions" : "",
    ].filter(Boolean);
    if (lost.length) out.push({ change: "weakened", class: "destructive", classes, detail: `rule ${JSON.stringify(String(rule.id ?? ""))} changes: ${lost.join("; ")}: what it expired (${where}) stays for ever or goes at another time, an erased tenant's backups included` });
  }
  // A new rule that expires objects under a protected prefix: a class's backups (a new class's own rule aside), a tenant's legacy backups, the exports.
  const baseIds = new Set(baseRules.map((r) => String(r.id)));
  const protectedPrefixes = [...known.classes.map(retentionClassPrefix), ...known.tenantIds.map(legacyBackupPrefix), EXPORTS_PREFIX];
  // A new vault's lifecycle (nothing before it) has no backups yet to lose; a class rule cut short is still caught above.
  for (const rule of before ? rules.filter((r) => !baseIds.has(String(r.id)) && !baseRules.some((b) => sameRule(r, b))) : []) {
    const expires = rule.expiration?.days !== undefined || rule.expiration?.date !== undefined || rule.noncurrentVersionExpiration !== undefined;
    // A class's own rule (the planner's: its prefix or legacy tag, expired after exactly its days) keeps the class's retention.
    const ownClass = ruleClasses(rule).length === 1 && Number(rule.expiration?.days) === ruleClasses(rule)[0] && rule.noncurrentVersionExpiration === undefined;
    const hit = protectedPrefixes.filter((p) => p.startsWith(prefixOf(rule)) || prefixOf(rule).startsWith(p));
    if (expires && !ownClass && hit.length) out.push({ change: "weakened", class: "destructive", detail: `new rule ${JSON.stringify(String(rule.id ?? ""))} expires objects under ${list(hit)}: backups, a tenant's legacy backups or exports there go before their retention ends` });
  }
  // Transitions move backups to archive storage: a restore must first wait hours for retrieval, and the drills fail.
  for (const rule of rules.filter((r) => (r.transitions !== undefined || r.noncurrentVersionTransitions !== undefined) && !baseRules.some((b) => sameRule(r, b)))) {
    out.push({ change: "weakened", class: "destructive", detail: `rule ${JSON.stringify(String(rule.id ?? ""))} transitions objects (${JSON.stringify([rule.transitions, rule.noncurrentVersionTransitions].filter((t) => t !== undefined))}): archived backups need a retrieval of hours before a restore, and the restore drills fail` });
  }
  return out;
}

/** A rule's filter, whichever way it is written (the legacy top-level prefix as a filter's). */
const filterOf = (rule: LifecycleRuleInput): unknown => rule.filter ?? (rule.prefix !== undefined ? { prefix: rule.prefix } : undefined);

/** Two rules that do the same: everything but the id. */
const sameRule = (a: LifecycleRuleInput, b: LifecycleRuleInput) => JSON.stringify({ ...a, id: undefined, status: undefined }) === JSON.stringify({ ...b, id: undefined, status: undefined });

/** KMS's waiting period when a key sets none (ScheduleKeyDeletion's PendingWindowInDays default). */
const KMS_DEFAULT_DELETION_WINDOW_DAYS = 30;

const daysOf = (r: { days?: unknown; years?: unknown } | undefined) => (r?.days !== undefined ? Number(r.days) : r?.years !== undefined ? Number(r.years) * 365 : undefined);

/** Versioning, public access, ownership, encryption, object lock, and the bucket's and key's own switches. */
function vaultFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  const out: Weakening[] = [];
  const weak = (detail: string): void => void out.push({ change: "weakened", class: "destructive", detail });
  const b = before?.inputs ?? {};
  const a = after.inputs;
  switch (after.type) {
    case T.versioning: {
      const [was, now] = [(b.versioningConfiguration as { status?: unknown } | undefined)?.status, (a.versioningConfiguration as { status?: unknown } | undefined)?.status];
      if (now !== "Enabled" && (!before || was === "Enabled")) weak(`versioning ${String(now ?? "unset")}: a deleted or overwritten backup is gone at once (no noncurrent version to restore), and object lock cannot hold`);
      break;
    }
    case T.publicAccessBlock: {
      const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((f) => a[f] !== true && (!before || b[f] === true));
      if (off.length) weak(`${off.join(", ")} off: a bucket policy or ACL may then open the backups to anyone on the internet`);
      break;
    }
    case T.ownership: {
      const [was, now] = [(b.rule as { objectOwnership?: unknown } | undefined)?.objectOwnership, (a.rule as { objectOwnership?: unknown } | undefined)?.objectOwnership];
      if (now !== "BucketOwnerEnforced" && (!before || was === "BucketOwnerEnforced")) weak(`object ownership ${String(now ?? "unset")}: ACLs count again, so an object or bucket ACL may grant access the policies do not show`);
      break;
    }
    case T.encryption: {
      const kms = (v: unknown) => (Array.isArray(v) ? v : []).map((r: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: unknown; kmsMasterKeyId?: unknown } }) => r?.applyServerSideEncryptionByDefault).filter((d) => String(d?.sseAlgorithm ?? "").startsWith("aws:kms"));
      const [was, now] = [kms(b.rules), kms(a.rules)];
      if (before && was.length && !now.length) weak("default encryption leaves the vault key (AES256 or none): new backups are readable by whoever may read the bucket, without the key policy's say");
      else if (before && was.length && now.length && JSON.stringify(was.map((d) => d?.kmsMasterKeyId)) !== JSON.stringify(now.map((d) => d?.kmsMasterKeyId))) weak(`default encryption moves to another key (${now.map((d) => String(d?.kmsMasterKeyId)).join(", ")}): whoever that key's policy lets decrypt reads the new backups`);
      break;
    }
    case T.objectLock: {
      const rule = (i: Record<string, unknown>) => (i.rule as { defaultRetention?: { mode?: unknown; days?: unknown; years?: unknown } } | undefined)?.defaultRetention;
      const [was, now] = [rule(b), rule(a)];
      const shortest = Math.min(...known.classes);
      if (before && was && !now) weak("the object lock's default retention is gone: new backups are not locked");
      if (was?.mode === "COMPLIANCE" && now && now.mode !== "COMPLIANCE") weak(`object lock mode ${String(now.mode)}: whoever holds s3:BypassGovernanceRetention may delete locked backups`);
      const days = daysOf(now);
      if (days !== undefined && Number.isFinite(shortest) && days < shortest && (daysOf(was) ?? Infinity) > days) weak(`the object lock holds backups ${days} days, shorter than the shortest retention class (${shortest}d)`);
      if (before && a.objectLockEnabled !== b.objectLockEnabled) weak(`objectLockEnabled ${String(b.objectLockEnabled)} → ${String(a.objectLockEnabled)}`);
      break;
    }
    case T.bucket: {
      if (a.forceDestroy === true && b.forceDestroy !== true) weak("forceDestroy: deleting the bucket deletes every backup in it first");
      const inline = ["acl", "grants", "lifecycleRules", "versioning", "serverSideEncryptionConfiguration", "objectLockConfiguration", "replicationConfiguration"].filter((k) => a[k] !== undefined && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
      if (inline.length) weak(`inline ${inline.join(", ")} on the bucket: they override the vault's own configuration resources (ACLs, lifecycle, versioning, encryption, replication to another bucket)`);
      break;
    }
    case T.key: {
      if (a.isEnabled === false && b.isEnabled !== false) weak("the key is disabled: no backup it protects can be decrypted");
      const [was, now] = [Number(b.deletionWindowInDays ?? KMS_DEFAULT_DELETION_WINDOW_DAYS), Number(a.deletionWindowInDays ?? KMS_DEFAULT_DELETION_WINDOW_DAYS)];
      if (before && now < was) weak(`a scheduled deletion completes after ${now} days instead of ${was}: less time to cancel it`);
      break;
    }
    case T.acl:
      if (JSON.stringify(a) !== JSON.stringify(b)) weak(`a bucket ACL (${after.name}): it may grant access the policies do not show, once ownership controls allow ACLs`);
      break;
    case T.replication:
      if (JSON.stringify(a.rules) !== JSON.stringify(b.rules) || a.role !== b.role) weak(`replication (${after.name}): backups are copied to ${list(asStrings((Array.isArray(a.rules) ? a.rules : []).map((r: { destination?: { bucket?: unknown } }) => r?.destination?.bucket)))}, outside the vault's policies and perhaps its jurisdiction`);
      break;
  }
  return out;
}

const PURPOSE_TAG = "tenant-fleet:purpose";
const purposeOf = (r: PlannedResource) => (r.inputs.tags as Record<string, unknown> | undefined)?.[PURPOSE_TAG];

/**
 * A role the head creates that GitHub's OIDC provider may assume: the stack's own roles come
 * one per purpose (ROLE_PURPOSES, the operations role) from its components; any other is a
 * new way in for workflows, and fails.
 */
function newRoleFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  if (before || after.type !== T.role || !grantsOf(after.inputs.assumeRolePolicy).some((g) => g.effect === "Allow" && g.principal.startsWith("Federated:"))) return [];
  const purpose = purposeOf(after);
  const parent = known.head.find((r) => r.name === after.parent && r.type.startsWith("tenant-fleet:"));
  const generated =
    purpose !== undefined &&
    parent !== undefined &&
    !known.base.some((r) => r.type === T.role && purposeOf(r) === purpose) &&
    known.head.filter((r) => r.type === T.role && purposeOf(r) === purpose).length === 1;
  if (generated) return [];
  return [{ change: "iam-widened", class: "destructive", detail: `a new role ${nameOf(after)} that GitHub workflows may assume (its trust: ${trustOf(after)}), not one of the stack's generated roles (one per purpose): whatever it is granted, those workflows get` }];
}

/** Every finding of this module for one resource, base against head; `before` absent: created. */
export function weakenings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  return [
    ...documentFindings(before, after, known),
    ...newRoleFindings(before, after, known),
    ...attachmentFindings(before, after, known),
    ...grantFindings(before, after, known),
    ...(after.type === T.lifecycle ? lifecycleFindings(before, after, known) : []),
    ...vaultFindings(before, after, known),
  ];
}
