/**
 * IAM documents as grants that compare: every statement split into one grant per principal,
 * action and resource, so that the review can say what a head document allows that the
 * base's did not. Matching uses the policy pack's wildcard evaluator (src/core/iam/evaluate.ts).
 * Pure.
 */
import { actionMatches, arnMatches, asList, statementsOf, type PolicyLike, type Statement } from "../core/iam/evaluate";

/** One grant of a statement, as text that compares: effect, principal, action, resource, condition. */
export interface Grant {
  readonly effect: string;
  /** `(identity)` in an identity policy; else `*` or `<kind>:<value>` (`AWS:arn:…`, `Federated:…`, `Service:…`). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly condition: string;
  /** NotAction / NotResource / NotPrincipal statements compare as their whole text. */
  readonly negated: boolean;
  /** The statement's Sid ("" without one): names a Deny whose condition changed. */
  readonly sid: string;
}

/** The principal of an identity policy's grants. */
export const IDENTITY = "(identity)";

function principals(s: Statement): string[] {
  const p = (s as { Principal?: unknown }).Principal;
  if (p === undefined) return [IDENTITY];
  if (typeof p === "string") return [p];
  return Object.entries(p as Record<string, unknown>).flatMap(([k, v]) => asList(v).map((x) => `${k}:${String(x)}`));
}

/** The grants of a document (JSON text or parsed); text that does not parse is one grant nobody can read. */
export function grantsOf(doc: unknown): Grant[] {
  let parsed: PolicyLike | undefined;
  try {
    parsed = (typeof doc === "string" ? JSON.parse(doc) : doc) as PolicyLike;
  } catch {
    return [{ effect: "Allow", principal: "?", action: "?", resource: String(doc), condition: "", negated: true, sid: "" }];
  }
  const out: Grant[] = [];
  for (const s of statementsOf(parsed)) {
    const raw = s as Record<string, unknown>;
    const effect = String(raw.Effect);
    const condition = raw.Condition === undefined ? "" : JSON.stringify(raw.Condition);
    const sid = typeof raw.Sid === "string" ? raw.Sid : "";
    if (raw.NotAction !== undefined || raw.NotResource !== undefined || raw.NotPrincipal !== undefined) {
      out.push({
        effect,
        principal: JSON.stringify(raw.Principal ?? raw.NotPrincipal ?? null),
        action: JSON.stringify(raw.Action ?? raw.NotAction),
        resource: JSON.stringify(raw.Resource ?? raw.NotResource),
        condition,
        negated: true,
        sid,
      });
      continue;
    }
    for (const principal of principals(s))
      for (const action of asList(raw.Action))
        for (const resource of asList(raw.Resource ?? "*")) {
          out.push({ effect, principal, action: String(action), resource: String(resource), condition, negated: false, sid });
        }
  }
  return out;
}

/** A base grant covers a head grant: same effect, principal and condition, its action and resource patterns match the head's. */
export function covers(base: Grant, head: Grant): boolean {
  if (base.effect !== head.effect || base.principal !== head.principal || base.condition !== head.condition || base.negated !== head.negated) return false;
  if (head.negated) return base.action === head.action && base.resource === head.resource;
  return actionMatches(base.action, head.action) && (base.resource === head.resource || arnMatches(base.resource, head.resource));
}

export const showGrant = (g: Grant) =>
  `${g.effect} ${g.principal === IDENTITY ? "" : `${g.principal} `}${g.action} on ${g.resource}${g.condition ? ` if ${g.condition}` : ""}`;

/** What the head's document allows that the base's did not: Allow grants no base Allow grant covers, and Deny grants the head no longer has. */
export interface Widening {
  readonly added: readonly Grant[];
  readonly lifted: readonly Grant[];
}

export function widening(base: unknown, head: unknown): Widening {
  const [b, h] = [grantsOf(base), grantsOf(head)];
  return {
    added: h.filter((g) => g.effect === "Allow" && !b.some((x) => covers(x, g))),
    lifted: b.filter((g) => g.effect === "Deny" && !h.some((x) => covers(g, x) && covers(x, g))),
  };
}

/** The widening as text, one line per grant. */
export function widenedGrants(base: unknown, head: unknown): string[] {
  const w = widening(base, head);
  return [...w.added.map(showGrant), ...w.lifted.map((g) => `no longer: ${showGrant(g)}`)];
}

const MAX_SHOWN = 5;
/** At most five items, then how many more. */
export const list = (items: readonly string[]) =>
  items.length > MAX_SHOWN ? `${items.slice(0, MAX_SHOWN).join("; ")}; and ${items.length - MAX_SHOWN} more` : items.join("; ");

/** An input that may be one string or a list of them, as strings. */
export const asStrings = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String));
