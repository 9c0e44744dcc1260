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
 * roles; lifecycle rules compare by what they do, not by their ids. Managed policy ARNs and
 * attachments are read in attachmentWeakening.ts, who a reference names in identities.ts.
 */
import { accountOf, actionMatches } from "../core/iam/evaluate";
import { BACKUP_DESTRUCTION_ACTIONS, KEY_DESTRUCTION_ACTIONS } from "../plan/vaults/plan";
import { keyBreakGlass } from "../plan/vaults/policies";
import { PURPOSE_TAG } from "../core/tags";
import { AWS_TYPES, type PlannedResource } from "./findings";
import { asStrings, grantsOf, IDENTITY, list, showGrant, widening, type Grant } from "./grants";
import { attachmentFindings } from "./attachmentWeakening";
import { identity, nameOf, slug, trustOf, whoHolds } from "./identities";
import { lifecycleClasses, lifecycleFindings, vaultFindings } from "./vaultWeakening";
import type { Known, Weakening } from "./weakeningTypes";

export type { Known, Weakening } from "./weakeningTypes";

const T = AWS_TYPES;

/** Who holds an identity document: a role (by its `role` input), a user, a group, or whoever a managed policy is attached to. */
type Holder =
  | { readonly kind: "role" | "user" | "group"; readonly input: string }
  | { readonly kind: "self" }
  | { readonly kind: "attached" }
  | { readonly kind: "resource" };

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
  const subjectShapes = new Set(
    base
      .filter((r) => r.type === T.role)
      .flatMap((r) => grantsOf(r.inputs.assumeRolePolicy))
      .flatMap((g) => subjectsOf(g.condition).map(([, v]) => subjectShape(v))),
  );
  const baseKeys = new Set(base.map((r) => `${r.type}\u0000${r.name}`));
  const fresh = head.filter((r) => (r.type === T.bucket || r.type === T.key) && !baseKeys.has(`${r.type}\u0000${r.name}`)).flatMap((r) => identifiersOf(r));
  return { base, head, accounts, principals, held, classes: lifecycleClasses([...base, ...head]), subjectShapes, fresh, tenantIds };
}

/** What may name a bucket or key in another resource's inputs: its name, the offline plan's id, its bucket prefix or fixed name. */
export function identifiersOf(r: PlannedResource): string[] {
  return [r.name, `${r.name}-id`, `${slug(r.name)}-0000`, r.inputs.bucket, r.inputs.bucketPrefix].filter((v): v is string => typeof v === "string" && v !== "");
}

/** A reference (an id, a name, an ARN) points at one of these identifiers. */
export const refersTo = (ref: string, ids: readonly string[]) =>
  ids.some((id) => ref === id || ref.endsWith(`/${id}`) || ref.endsWith(`:${id}`) || ref.split(/[/:]/).some((part) => part.startsWith(id) && id.endsWith("-")));

/** The OIDC subject conditions of a grant: `[operator, value]` for every `…:sub` key. */
function subjectsOf(condition: string): [string, string][] {
  const parsed = (condition ? JSON.parse(condition) : {}) as Record<string, Record<string, unknown>>;
  return Object.entries(parsed).flatMap(([op, keys]) =>
    Object.entries(keys ?? {})
      .filter(([k]) => k.endsWith(":sub"))
      .flatMap(([, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [op, String(x)])),
  );
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

const matchesAny = (pattern: string, actions: readonly string[]) => actions.some((a) => actionMatches(pattern, a));
const isWildcardAction = (a: string) => a === "*" || /^[\w-]+:\*$/.test(a);

/** What a set of grants lets its holder do, the worst first. */
function consequence(grants: readonly Grant[]): string {
  const actions = grants.map((g) => g.action);
  if (grants.some((g) => g.action === "*" && g.resource === "*" && !g.negated)) return "gets full admin of the account";
  if (grants.some((g) => g.negated)) return "gets everything but what a NotAction/NotResource/NotPrincipal statement names, which the review cannot bound";
  if (actions.some((a) => a === "*")) return `may do anything on ${list([...new Set(grants.filter((g) => g.action === "*").map((g) => g.resource))])}`;
  if (actions.some((a) => a.toLowerCase().startsWith("iam:") && (isWildcardAction(a) || matchesAny(a, PRIVILEGED_ACTIONS))))
    return "can change IAM, so can make itself or anyone admin";
  if (actions.some((a) => matchesAny(a, ["sts:AssumeRole"]))) return "can become other roles";
  if (actions.some((a) => matchesAny(a, PRIVILEGED_ACTIONS)))
    return "can delete backups or strip a vault's protection (its lifecycle, versioning, policies, key)";
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
const ownResource = (g: Grant, r: PlannedResource, holder: Holder): Grant =>
  holder.kind === "resource" && g.resource === "*" ? { ...g, resource: `self:${r.name}` } : g;

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
    const readBefore = known.held.some(
      (h) =>
        h.principal === who && !h.negated && actionMatches(h.action, g.action) && (h.resource === "*" || vaultOfArn(h.resource) === vaultOfArn(g.resource)),
    );
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
      const again = (g: Grant) =>
        denies.filter((h) => h.sid === g.sid && h.principal === g.principal && h.action === g.action && h.resource === g.resource && h.negated === g.negated);
      // A Deny gone fails. A privileged Deny still there under another condition fails too: when the
      // condition is the planner's break-glass exception (for one principal) its new principal is what a
      // change of break-glass may account for; any other condition (another operator, key or shape) nothing can.
      const gone = w.lifted.filter((g) => !again(g).length);
      const moved = w.lifted.filter((g) => again(g).length && (isWildcardAction(g.action) || matchesAny(g.action, PRIVILEGED_ACTIONS)));
      const excepted = [
        ...new Set(
          moved
            .flatMap((g) => again(g).flatMap((h) => breakGlassException(h.condition) ?? []))
            .filter((v) => !moved.some((g) => breakGlassException(g.condition) === v)),
        ),
      ];
      const reshaped = moved.filter((g) =>
        again(g).some((h) => breakGlassException(h.condition) === undefined || (g.condition !== "" && breakGlassException(g.condition) === undefined)),
      );
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
        const who = [
          ...new Set(
            worst.map((g) =>
              g.principal === "*"
                ? "anyone"
                : `${g.principal}${foreign(g.principal, known) ? " (not trusted before: another account, anyone, or a new service or provider)" : ""}`,
            ),
          ),
        ];
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
      const byPrincipal =
        broad.every((g) => g.principal !== IDENTITY && g.principal !== "*") &&
        !broad.some((g) => widensSubjects(g, known)) &&
        !gone.length &&
        !reshaped.length &&
        (broad.length > 0 || excepted.length > 0);
      const principals = byPrincipal ? [...new Set(broad.map((g) => rawPrincipal(g.principal)))] : undefined;
      out.push({ change: "iam-widened", class: fails ? "destructive" : "review", detail, ...(principals ? { principals, exceptions: excepted } : {}) });
    }
  }
  return out;
}

/** A KMS grant: who may use which key for what, outside the key policy. */
function grantFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  if (after.type !== T.grant) return [];
  const ops = asStrings(after.inputs.operations);
  const oldOps = new Set(asStrings(before?.inputs.operations));
  const sameWho =
    before &&
    before.inputs.granteePrincipal === after.inputs.granteePrincipal &&
    before.inputs.keyId === after.inputs.keyId &&
    JSON.stringify(before.inputs.constraints) === JSON.stringify(after.inputs.constraints);
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

const purposeOf = (r: PlannedResource) => (r.inputs.tags as Record<string, unknown> | undefined)?.[PURPOSE_TAG];

/**
 * A role the head creates that GitHub's OIDC provider may assume: the stack's own roles come
 * one per purpose (ROLE_PURPOSES, the operations role) from its components; any other is a
 * new way in for workflows, and fails.
 */
function newRoleFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  if (before || after.type !== T.role || !grantsOf(after.inputs.assumeRolePolicy).some((g) => g.effect === "Allow" && g.principal.startsWith("Federated:")))
    return [];
  const purpose = purposeOf(after);
  const parent = known.head.find((r) => r.name === after.parent && r.type.startsWith("tenant-fleet:"));
  const generated =
    purpose !== undefined &&
    parent !== undefined &&
    !known.base.some((r) => r.type === T.role && purposeOf(r) === purpose) &&
    known.head.filter((r) => r.type === T.role && purposeOf(r) === purpose).length === 1;
  if (generated) return [];
  return [
    {
      change: "iam-widened",
      class: "destructive",
      detail: `a new role ${nameOf(after)} that GitHub workflows may assume (its trust: ${trustOf(after)}), not one of the stack's generated roles (one per purpose): whatever it is granted, those workflows get`,
    },
  ];
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
