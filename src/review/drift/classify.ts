/**
 * What a nightly `pulumi preview --refresh` found, classified for the person who reads the
 * drift issue: each resource the next `pulumi up` would touch, and whether that `up` would
 * merely put the declared value back ("reverts") or would lose data doing so ("loses data"):
 * a replace or delete of a Neon project, branch, database or role, or of a vault's bucket or
 * key; a change to how long data is kept (a project's history retention, a vault's lifecycle,
 * Object Lock, versioning, a key's deletion window); and a data-bearing resource that is gone
 * (the `up` would create it empty). Pure and table-driven: DRIFT_TYPES names every resource
 * type the stack declares (test/drift.test.ts fails when the program registers one it lacks);
 * a type it does not name is classified as needing a person.
 *
 * The step ops are Pulumi's StepOp values (pulumi/pulumi pkg/resource/deploy/step.go: same,
 * create, update, delete, replace, create-replacement, delete-replaced, read,
 * read-replacement, refresh, discard, discard-replaced, remove-pending-replace, import,
 * import-replacement); a replacement shows as `replace` with its `create-replacement` and
 * `delete-replaced` halves, which are folded into it.
 */
import type { PreviewDigest, PreviewStep } from "./preview";

export type DriftClass = "reverts" | "loses data";

interface TypeRule {
  /** Holds tenant data, or the key to it: replacing or deleting it loses data. */
  readonly holdsData: boolean;
  /** Top-level properties that say how long data is kept: reverting a change to one deletes data (or keeps it less long). */
  readonly retention: readonly string[];
}

const PLAIN: TypeRule = { holdsData: false, retention: [] };

/**
 * Every resource type the stack declares (index.ts and components/), with what its drift means.
 * Neon's: the provider kislerdm/neon (sdks/neon); AWS's: @pulumi/aws v7; GitHub's: @pulumi/github v6.
 */
export const DRIFT_TYPES: Readonly<Record<string, TypeRule>> = {
  "neon:index/project:Project": { holdsData: true, retention: ["historyRetentionSeconds"] },
  "neon:index/branch:Branch": { holdsData: true, retention: [] },
  "neon:index/database:Database": { holdsData: true, retention: [] },
  // A role owns its objects; dropping it drops or orphans them, and its password rotates.
  "neon:index/role:Role": { holdsData: true, retention: [] },
  "neon:index/endpoint:Endpoint": PLAIN,
  // Deleting the schedule keeps the snapshots taken (destroy sends an empty schedule), but its
  // retentionSeconds says how long they are kept: reverting a longer retention set in Neon expires some.
  "neon:index/branchBackupSchedule:BranchBackupSchedule": { holdsData: false, retention: ["schedules"] },
  "aws:s3/bucket:Bucket": { holdsData: true, retention: ["objectLockEnabled"] },
  "aws:kms/key:Key": { holdsData: true, retention: ["deletionWindowInDays", "isEnabled"] },
  "aws:kms/alias:Alias": PLAIN,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { holdsData: false, retention: ["rules", "rule"] },
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": { holdsData: false, retention: ["rule", "objectLockEnabled"] },
  "aws:s3/bucketVersioning:BucketVersioning": { holdsData: false, retention: ["versioningConfiguration"] },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": PLAIN,
  "aws:s3/bucketPolicy:BucketPolicy": PLAIN,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": PLAIN,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": PLAIN,
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": PLAIN,
  "aws:iam/role:Role": PLAIN,
  "aws:iam/rolePolicy:RolePolicy": PLAIN,
  // A connection string: the next up writes the declared one back (the database is untouched).
  "aws:ssm/parameter:Parameter": PLAIN,
  "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": PLAIN,
  "github:index/actionsSecret:ActionsSecret": PLAIN,
  "github:index/actionsVariable:ActionsVariable": PLAIN,
  "github:index/repositoryEnvironment:RepositoryEnvironment": PLAIN,
  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": PLAIN,
  "github:index/repositoryFile:RepositoryFile": PLAIN,
  "github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate": PLAIN,
};

/** Ops that change nothing in the world on the next `up`. */
const NO_CHANGE = new Set([
  "same",
  "read",
  "refresh",
  "discard",
  "discard-replaced",
  "remove-pending-replace",
  "import",
  "import-replacement",
  "read-replacement",
]);
/** The halves of a replacement, folded into their `replace` step. */
const REPLACE_HALVES = new Set(["create-replacement", "delete-replaced"]);

export interface Difference {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** What the next `up` would do: create, update, replace or delete. */
  readonly op: string;
  readonly class: DriftClass;
  /** The properties that differ (detailedDiff's paths, else diffReasons/replaceReasons). */
  readonly properties: readonly string[];
  readonly why: string;
}

export interface Classification {
  readonly differences: readonly Difference[];
  readonly reverts: number;
  readonly losesData: number;
  /** No difference at all. */
  readonly clean: boolean;
}

/** Type and name of a URN (`urn:pulumi:STACK::PROJECT::PARENT$TYPE::NAME`). */
export function urnParts(urn: string): { type: string; name: string } {
  const [, , qualified = "", ...rest] = urn.split("::");
  return { type: qualified.split("$").at(-1) ?? qualified, name: rest.join("::") };
}

/** A property path's top-level key: `rules[0].expiration.days` → rules. */
const topKey = (p: string) => p.split(/[.[]/)[0];

function propertiesOf(s: PreviewStep): string[] {
  const detailed = Object.keys(s.detailedDiff ?? {});
  if (detailed.length) return detailed.sort();
  return [...new Set([...(s.replaceReasons ?? []), ...(s.diffReasons ?? [])])].sort();
}

/** Components and providers hold nothing in the world: their steps are not drift. */
function outsideTheWorld(type: string): boolean {
  return type.startsWith("pulumi:") || !/^[a-z0-9-]+:[^:]+:[^:]+$/.test(type) || /^tenant-fleet:/.test(type);
}

function classifyStep(s: PreviewStep, op: string): Difference {
  const { type, name } = urnParts(s.urn);
  const properties = propertiesOf(s);
  const rule = DRIFT_TYPES[type];
  const base = { urn: s.urn, type, name, op, properties };
  if (!rule) return { ...base, class: "loses data", why: `${type} is not in the drift table (src/review/drift/classify.ts): a person decides` };
  if (rule.holdsData && (op === "replace" || op === "delete"))
    return { ...base, class: "loses data", why: `the next up would ${op} it, and it holds tenant data (or the key to it)` };
  if (rule.holdsData && op === "create")
    return { ...base, class: "loses data", why: "it is gone (deleted outside Pulumi): the next up would create it empty; restore it from its vault first" };
  const retention = properties.filter((p) => rule.retention.includes(topKey(p)));
  if (retention.length)
    return { ...base, class: "loses data", why: `a change to how long data is kept (${retention.join(", ")}): reverting it may delete data kept since` };
  if (op === "create") return { ...base, class: "reverts", why: "it is gone (deleted outside Pulumi): the next up creates it again as declared" };
  return { ...base, class: "reverts", why: `the next up would ${op} it back to what the stack declares` };
}

/** Classifies every step of a preview that the next `up` would carry out. */
export function classifyPreview(digest: PreviewDigest): Classification {
  const replaced = new Set(digest.steps.filter((s) => s.op === "replace").map((s) => s.urn));
  const seen = new Set<string>();
  const differences: Difference[] = [];
  for (const s of digest.steps) {
    if (NO_CHANGE.has(s.op) || outsideTheWorld(urnParts(s.urn).type)) continue;
    // A replacement's halves: folded into its replace step, or standing for one when the digest lacks it.
    const op = REPLACE_HALVES.has(s.op) ? "replace" : s.op;
    if (REPLACE_HALVES.has(s.op) && replaced.has(s.urn)) continue;
    if (seen.has(`${op}\u0000${s.urn}`)) continue;
    seen.add(`${op}\u0000${s.urn}`);
    differences.push(classifyStep(s, op));
  }
  differences.sort((a, b) => (a.class === b.class ? a.urn.localeCompare(b.urn) : a.class === "loses data" ? -1 : 1));
  const losesData = differences.filter((d) => d.class === "loses data").length;
  return { differences, reverts: differences.length - losesData, losesData, clean: differences.length === 0 };
}
