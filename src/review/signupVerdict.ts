/**
 * The verdict that lets a change merge (and deploy) without a person: "tenants added, nothing
 * else changed". Given by the base's checker only (the tenant-diff job of the pull request, the
 * deploy's comparison with the deployed commit), from the tenant diff and the list of files
 * the change touches. Anything else (a changed, retired or adopted tenant, a stack setting, an
 * acknowledgement, a resource change no added tenant explains, any other file) waits for a
 * person, and the reasons say why. Pure.
 */
import type { ExplainedFinding, FleetDiff } from "./diffTypes";

export { AUTO_MERGE_STATUS } from "../core/repositoryContract";

export interface SignupVerdict {
  /** True only when the change adds tenants and does nothing else. */
  readonly eligible: boolean;
  /** The ids added (eligible or not). */
  readonly added: readonly string[];
  /** Why a person must look (empty when eligible). */
  readonly reasons: readonly string[];
}

/** What each kind of tenant change other than an addition is, for the reasons. */
const NOT_AN_ADDITION = {
  adopted: "adopts an existing Neon project (a binding is reviewed by a person)",
  removed: "removes a tenant's line",
  retired: "retires a tenant",
  reactivated: "reactivates a retired tenant",
  changed: "changes an existing tenant",
} as const;

/**
 * Why a resource finding needs a person, or undefined. With the tenants file the only file
 * changed, both sides run the same code, so a finding follows from the file: a creation or an
 * in-place update (the manifest, a role's policy) is what every added tenant brings; an IAM
 * widening is accepted only when each grant it adds names an added tenant's prefix
 * (`.../<id>/...`); anything destructive, unprotected, moved or weakened is a person's call.
 */
function findingReason(f: ExplainedFinding, added: ReadonlySet<string>): string | undefined {
  if (f.tenant && !added.has(f.tenant)) return `${f.change} for ${f.tenant}, which is not added`;
  if (f.class === "destructive") return `${f.change} (destructive)`;
  if (f.change === "created" || f.change === "changed") return f.class === "safe" ? undefined : `${f.change} (${f.class})`;
  if (f.change === "iam-widened") {
    const grants = f.detail.replace(/^[^:]*:\s*/, "").split("; ");
    const other = grants.find((g) => ![...added].some((id) => g.includes(`/${id}/`)));
    return other === undefined ? undefined : `allows more than the added tenants' prefixes: ${other.slice(0, 200)}`;
  }
  return `${f.change} (${f.class})`;
}

/**
 * The verdict of one stack's tenant diff; `changedFiles` (paths relative to the repository)
 * must be the tenants files in `allowedFiles` and nothing else. A stack that gains no tenant
 * (a shard that does not own the new one) is not a reason by itself: combineVerdicts asks
 * for at least one addition across the stacks.
 */
export function signupVerdict(diff: FleetDiff, changedFiles: readonly string[], allowedFiles: readonly string[]): SignupVerdict {
  const reasons: string[] = [];
  const added = diff.tenants.filter((t) => t.change === "added").map((t) => t.id);
  for (const t of diff.tenants) {
    if (t.change === "added") {
      const other = t.changes.filter((c) => c.class !== "safe" || c.field !== "tenant");
      if (other.length) reasons.push(`${t.id}: added with ${other.map((c) => c.field).join(", ")} to review`);
      continue;
    }
    reasons.push(`${t.id}: ${NOT_AN_ADDITION[t.change]}`);
  }
  for (const c of diff.stack) reasons.push(`(stack) ${c.field} changes`);
  for (const a of diff.unusedAcknowledgements) reasons.push(`acknowledgement ${a.tenant ? `${a.tenant}/` : ""}${a.change} is added or left over`);
  const addedIds = new Set(added);
  for (const f of diff.resources ?? []) {
    const why = findingReason(f, addedIds);
    if (why) reasons.push(`resource ${f.type} ${f.name}: ${why}`);
  }
  const allowed = new Set(allowedFiles.map((f) => f.replace(/^\.\//, "")));
  const others = changedFiles.filter((f) => !allowed.has(f));
  if (others.length)
    reasons.push(`changes files other than the tenants file: ${others.slice(0, 5).join(", ")}${others.length > 5 ? ` and ${others.length - 5} more` : ""}`);
  if (!changedFiles.length) reasons.push("changes no file");
  return { eligible: reasons.length === 0, added, reasons };
}

/** Several stacks' verdicts (a change is judged per stack): eligible when every one is. */
export function combineVerdicts(verdicts: readonly (SignupVerdict & { readonly stack: string })[]): SignupVerdict {
  const added = [...new Set(verdicts.flatMap((v) => v.added))].sort();
  const reasons = verdicts.flatMap((v) => v.reasons.map((r) => `${v.stack}: ${r}`));
  if (!verdicts.length) reasons.push("no stack was judged");
  if (!added.length) reasons.push("adds no tenant");
  return { eligible: reasons.length === 0, added, reasons };
}

const COMMIT = /^[0-9a-f]{40}$/;

/**
 * Why a stack's verdict (verdict.json) cannot stand for the pull request's head commit
 * `head`, or undefined: it must name the commit it judged (headSha), and that commit must be
 * the head. A verdict about an earlier push (or one that names no commit) says nothing
 * about what would merge.
 */
export function judgedCommitReason(judged: unknown, head: string): string | undefined {
  if (typeof judged !== "string" || !COMMIT.test(judged)) return "its verdict names no judged commit (headSha)";
  if (judged !== head) return `its verdict judged ${judged.slice(0, 12)}, not the pull request's head ${head.slice(0, 12)}`;
  return undefined;
}
