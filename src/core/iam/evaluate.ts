/**
 * A small evaluator for the part of the AWS IAM policy language this project emits and
 * its policy pack must judge: identity, resource (bucket and key) and trust policies with
 * Effect, Principal/NotPrincipal, Action/NotAction, Resource/NotResource and Condition
 * (string, ARN, boolean, numeric and null operators, `...IfExists`, `ForAnyValue:` and
 * `ForAllValues:`). It follows AWS's documented evaluation logic:
 *
 *   - an explicit Deny in any applicable policy wins;
 *   - same account: an Allow in the identity policies or in the resource policy suffices;
 *   - another account: both the resource policy and the caller's identity policies must allow;
 *   - KMS: the key policy decides; identity policies count only where the key policy
 *     allows the caller's account (the "root" delegation);
 *   - web identity (AssumeRoleWithWebIdentity): only the role's trust policy decides.
 *
 * Not modelled (the project emits none of them): SCPs and RCPs, permissions boundaries,
 * session policies, IP and date operators. Where a document uses something this evaluator
 * cannot decide, it errs on the side of access and says so: the answer is "unknown" (an
 * Allow that may apply counts as access, a Deny that may apply does not count as a
 * denial), so a proof that something is denied is never weakened by what the evaluator
 * cannot read. Besides unknown operators, three constructs are undecidable here:
 *
 *   - an Allow with NotPrincipal that names the caller: AWS matches a role's callers by
 *     their session ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`), which a list
 *     naming the role does not name, and NotPrincipal with Allow is not supported
 *     ("AWS JSON policy elements: NotPrincipal",
 *     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html);
 *   - policy variables (`${aws:PrincipalTag/team}`, `${aws:username}`, ...) in a Resource,
 *     NotResource or Condition value: AWS substitutes the request's values first
 *     ("IAM policy elements: Variables and tags",
 *     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html);
 *   - `CanonicalUser` principals: a canonical user ID stands for an AWS account, which
 *     the evaluator cannot map to an account id ("AWS JSON policy elements: Principal",
 *     canonical user principals,
 *     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
 */

export type ContextValue = string | number | boolean | readonly string[];

export interface RequestContext {
  readonly [key: string]: ContextValue | undefined;
}

export type Principal =
  /** An IAM role or user; for a role session, the role's ARN. */
  | { readonly kind: "aws"; readonly arn: string }
  /** A web identity: the IAM OIDC provider ARN the token's issuer maps to. */
  | { readonly kind: "federated"; readonly provider: string }
  | { readonly kind: "service"; readonly service: string }
  | { readonly kind: "anonymous" };

export interface Request {
  readonly principal: Principal;
  readonly action: string;
  /** The resource ARN (for AssumeRole*, the role's ARN). */
  readonly resource: string;
  readonly context?: RequestContext;
}

/** Where a statement sits: identity policies have no Principal; resource policies must have one. */
export type PolicyPlace = "identity" | "resource";

/** "unknown": the documents use something the evaluator cannot decide, and access is possible. */
export type Decision = "allow" | "unknown" | "explicit-deny" | "implicit-deny";

/** Whether a decision leaves access possible: what every search for a gap must ask ("unknown" included). */
export function mayAllow(decision: Decision): boolean {
  return decision === "allow" || decision === "unknown";
}

/** A policy document as parsed JSON; anything malformed simply matches nothing. */
export interface PolicyLike {
  readonly Statement?: unknown;
}

export interface Statement {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

export function asList(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

/** The statements of a document, whether `Statement` is one object or a list. */
export function statementsOf(doc: PolicyLike | undefined): Statement[] {
  return asList(doc?.Statement).filter((s): s is Statement => !!s && typeof s === "object" && !Array.isArray(s));
}

// ---------------------------------------------------------------------------------------
// Wildcards

const cache = new Map<string, RegExp>();

/** `*` any run of characters (including none), `?` exactly one; everything else literal. */
export function globToRegExp(pattern: string, ignoreCase = false): RegExp {
  const key = `${ignoreCase ? "i" : "c"}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, ignoreCase ? "is" : "s");
    cache.set(key, re);
  }
  return re;
}

export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return globToRegExp(pattern, ignoreCase).test(value);
}

/** Actions are matched case-insensitively, with wildcards (`s3:Put*`, `s3:?etObject`, `*`). */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, true);
}

/**
 * ARN matching as IAM does it for Resource and the Arn* operators: the six colon-separated
 * parts are compared one by one, each with wildcards; the last part (the resource) may
 * itself contain colons and slashes.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return globMatch(pattern, arn);
  return p.every((part, i) => globMatch(part, a[i]));
}

function splitArn(s: string): string[] | undefined {
  const parts = s.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/** The account of an IAM or STS ARN, or undefined. */
export function accountOf(arn: string): string | undefined {
  const parts = splitArn(arn);
  return parts && /^\d{12}$/.test(parts[4]) ? parts[4] : undefined;
}

// ---------------------------------------------------------------------------------------
// Conditions

type Tri = boolean | "unknown";

const NEGATED = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike", "numericnotequals"]);

/** A policy variable (`${aws:PrincipalTag/team}`): AWS substitutes the request's value before matching. */
export function hasPolicyVariable(value: string): boolean {
  return value.includes("${");
}

function compare(base: string, item: string, value: string): Tri {
  if (hasPolicyVariable(value)) return "unknown";
  switch (base) {
    case "stringequals":
    case "stringnotequals":
      return item === value;
    case "stringequalsignorecase":
    case "stringnotequalsignorecase":
      return item.toLowerCase() === value.toLowerCase();
    case "stringlike":
    case "stringnotlike":
      return globMatch(value, item);
    case "arnequals":
    case "arnnotequals":
    case "arnlike":
    case "arnnotlike":
      return arnMatches(value, item);
    case "bool":
      return item.toLowerCase() === value.toLowerCase();
    case "numericequals":
    case "numericnotequals":
      return Number(item) === Number(value);
    case "numericlessthan":
      return Number(item) < Number(value);
    case "numericlessthanequals":
      return Number(item) <= Number(value);
    case "numericgreaterthan":
      return Number(item) > Number(value);
    case "numericgreaterthanequals":
      return Number(item) >= Number(value);
    default:
      return "unknown";
  }
}

function lookup(context: RequestContext | undefined, key: string): ContextValue | undefined {
  if (!context) return undefined;
  if (key in context) return context[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function items(v: ContextValue): string[] {
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** One item against the values of one operator: OR over values; negated operators are NOR. */
function itemMatches(base: string, item: string, values: readonly string[]): Tri {
  let unknown = false;
  let any = false;
  for (const v of values) {
    const r = compare(base, item, v);
    if (r === "unknown") unknown = true;
    else if (r) any = true;
  }
  if (unknown && !any) return "unknown";
  return NEGATED.has(base) ? !any : any;
}

/** Evaluates one `Condition` block; operator and key names are matched without regard to case. */
export function conditionHolds(condition: unknown, context: RequestContext | undefined): Tri {
  if (condition === undefined || condition === null) return true;
  if (typeof condition !== "object" || Array.isArray(condition)) return "unknown";
  let result: Tri = true;
  for (const [rawOp, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!block || typeof block !== "object" || Array.isArray(block)) return "unknown";
    let op = rawOp.toLowerCase();
    let set: "any" | "all" | undefined;
    if (op.startsWith("foranyvalue:")) [set, op] = ["any", op.slice("foranyvalue:".length)];
    else if (op.startsWith("forallvalues:")) [set, op] = ["all", op.slice("forallvalues:".length)];
    const ifExists = op.endsWith("ifexists");
    const base = ifExists ? op.slice(0, -"ifexists".length) : op;
    for (const [key, rawValues] of Object.entries(block as Record<string, unknown>)) {
      const values = asList(rawValues).map(String);
      const present = lookup(context, key);
      let holds: Tri;
      if (base === "null") {
        holds = values.some((v) => v.toLowerCase() === "true") ? present === undefined : present !== undefined;
      } else if (present === undefined || (Array.isArray(present) && present.length === 0 && set !== undefined)) {
        // AWS: a missing key fails positive operators and satisfies negated ones,
        // IfExists and ForAllValues; ForAnyValue fails.
        holds = ifExists || set === "all" ? true : set === "any" ? false : compare(base, "", "") === "unknown" ? "unknown" : NEGATED.has(base);
      } else {
        const list = items(present);
        const results = list.map((i) => itemMatches(base, i, values));
        if (set === "all" || (set === undefined && NEGATED.has(base)))
          holds = results.every((r) => r === true) ? true : results.some((r) => r === false) ? false : "unknown";
        else holds = results.some((r) => r === true) ? true : results.every((r) => r === false) ? false : "unknown";
      }
      if (holds === false) return false;
      if (holds === "unknown") result = "unknown";
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Statements

/** How a resource policy's principal names the caller: directly, through its account, or not at all. */
export type PrincipalMatch = "direct" | "account" | false;

/** How a statement applies: the principal match, and whether anything in it was undecidable. */
export interface Applies {
  readonly match: Exclude<PrincipalMatch, false>;
  /** False when the statement may apply, but something in it could not be decided (it may not). */
  readonly certain: boolean;
}

function principalEntries(p: unknown): { kind: string; value: string }[] {
  if (p === "*") return [{ kind: "*", value: "*" }];
  if (!p || typeof p !== "object") return [];
  return Object.entries(p as Record<string, unknown>).flatMap(([kind, v]) => asList(v).map((value) => ({ kind: kind.toLowerCase(), value: String(value) })));
}

function entryMatches(e: { kind: string; value: string }, principal: Principal): PrincipalMatch | "unknown" {
  if (e.kind === "*" || (e.kind === "aws" && e.value === "*")) return "direct";
  switch (principal.kind) {
    case "aws": {
      // A canonical user ID is an account the evaluator cannot name: it may be the caller's.
      if (e.kind === "canonicaluser") return "unknown";
      if (e.kind !== "aws") return false;
      if (e.value === principal.arn) return "direct";
      const account = accountOf(principal.arn);
      const named = /^\d{12}$/.test(e.value) ? e.value : /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(e.value) ? accountOf(e.value) : undefined;
      return account !== undefined && named === account ? "account" : false;
    }
    case "federated":
      return e.kind === "federated" && e.value === principal.provider ? "direct" : false;
    case "service":
      return e.kind === "service" && e.value === principal.service ? "direct" : false;
    case "anonymous":
      return false;
  }
}

/**
 * Whether the statement's Principal or NotPrincipal names the caller. NotPrincipal that
 * names the caller excludes it from a Deny (towards access); from an Allow it may not:
 * AWS matches a role's callers by their session ARN, which the list does not name.
 */
export function principalMatches(statement: Statement, principal: Principal): PrincipalMatch | "unknown" {
  if (statement.NotPrincipal !== undefined) {
    const named = principalEntries(statement.NotPrincipal).some((e) => entryMatches(e, principal) === "direct");
    if (!named) return "direct";
    return statement.Effect === "Allow" ? "unknown" : false;
  }
  let best: PrincipalMatch | "unknown" = false;
  for (const e of principalEntries(statement.Principal)) {
    const m = entryMatches(e, principal);
    if (m === "direct") return "direct";
    if (m === "account" || (m === "unknown" && best === false)) best = m;
  }
  return best;
}

export function actionApplies(s: Statement, action: string): boolean {
  if (s.NotAction !== undefined) return !asList(s.NotAction).some((a) => actionMatches(String(a), action));
  return asList(s.Action).some((a) => actionMatches(String(a), action));
}

/** One Resource pattern against the resource; a policy variable in it cannot be decided. */
function resourceMatches(pattern: string, resource: string): Tri {
  if (hasPolicyVariable(pattern)) return "unknown";
  return arnMatches(pattern, resource);
}

function anyOf(results: readonly Tri[]): Tri {
  return results.includes(true) ? true : results.includes("unknown") ? "unknown" : false;
}

function resourceApplies(s: Statement, resource: string, place: PolicyPlace): Tri {
  if (s.NotResource !== undefined) {
    const listed = anyOf(asList(s.NotResource).map((r) => resourceMatches(String(r), resource)));
    return listed === "unknown" ? "unknown" : !listed;
  }
  // A trust policy has no Resource: it applies to the role it is attached to.
  if (s.Resource === undefined) return place === "resource";
  return anyOf(asList(s.Resource).map((r) => resourceMatches(String(r), resource)));
}

/**
 * Whether a statement applies to a request, for resource policies how the principal
 * matched, and whether that is certain. What cannot be decided (an unknown condition
 * operator, a policy variable, NotPrincipal with Allow, a canonical user) makes the
 * statement apply uncertainly: an Allow counts as possible access, a Deny as no proof.
 */
export function statementApplies(s: Statement, req: Request, place: PolicyPlace): Applies | false {
  const effect = s.Effect;
  if (effect !== "Allow" && effect !== "Deny") return false;
  let match: PrincipalMatch | "unknown" = "direct";
  if (place === "resource") {
    match = principalMatches(s, req.principal);
    if (!match) return false;
  }
  if (!actionApplies(s, req.action)) return false;
  const resource = resourceApplies(s, req.resource, place);
  if (!resource) return false;
  const holds = conditionHolds(s.Condition, req.context);
  if (!holds) return false;
  const certain = match !== "unknown" && resource === true && holds === true;
  return { match: match === "unknown" ? "direct" : match, certain };
}

interface DocumentVerdict {
  /** A Deny surely applies. */
  readonly deny: boolean;
  /** A Deny may apply (something in it could not be decided). */
  readonly mayDeny: boolean;
  readonly allow: PrincipalMatch;
}

/**
 * One document's verdict. `possible` counts the Allows that may apply (the most access
 * the document can give); otherwise only those that surely apply. Denies count only when
 * they surely apply; `mayDeny` reports the others.
 */
export function judgeDocument(doc: PolicyLike | undefined, req: Request, place: PolicyPlace, possible = true): DocumentVerdict {
  let deny = false;
  let mayDeny = false;
  let allow: PrincipalMatch = false;
  for (const s of statementsOf(doc)) {
    const a = statementApplies(s, req, place);
    if (!a) continue;
    if (s.Effect === "Deny") {
      if (a.certain) deny = true;
      else mayDeny = true;
    } else if (a.certain || possible) {
      if (a.match === "direct") allow = "direct";
      else if (!allow) allow = "account";
    }
  }
  return { deny, mayDeny, allow };
}

// ---------------------------------------------------------------------------------------
// Requests

export interface Target {
  /** How the service decides: S3-like (either policy), KMS (key policy first) or a role trust. */
  readonly service: "default" | "kms" | "trust";
  /** The account that owns the resource. */
  readonly account: string;
  /** The resource's own policy (bucket policy, key policy, trust policy). */
  readonly resourcePolicy?: PolicyLike;
}

/** AWS's evaluation order over verdicts that are each taken as certain. */
function decide(req: Request, target: Target, resource: DocumentVerdict, ids: readonly DocumentVerdict[]): Exclude<Decision, "unknown"> {
  if (resource.deny || ids.some((v) => v.deny)) return "explicit-deny";
  const identityAllows = ids.some((v) => v.allow === "direct");
  const callerAccount = req.principal.kind === "aws" ? accountOf(req.principal.arn) : undefined;
  const sameAccount = callerAccount !== undefined && callerAccount === target.account;

  // Web identities, services and anonymous callers have no identity policies here.
  if (req.principal.kind !== "aws") return resource.allow === "direct" ? "allow" : "implicit-deny";
  if (target.service === "trust") {
    // Assuming a role: the trust must name the caller, or its account with the caller's own
    // permission; across accounts the caller's permission is needed either way.
    if (!sameAccount) return resource.allow && identityAllows ? "allow" : "implicit-deny";
    return resource.allow === "direct" || (resource.allow === "account" && identityAllows) ? "allow" : "implicit-deny";
  }
  if (target.service === "kms") {
    if (resource.allow === "direct") return "allow";
    return resource.allow === "account" && identityAllows ? "allow" : "implicit-deny";
  }
  if (sameAccount) return resource.allow === "direct" || identityAllows ? "allow" : "implicit-deny";
  return resource.allow && identityAllows ? "allow" : "implicit-deny";
}

/**
 * The decision for one request. `identity` holds the caller's identity policies; for a
 * caller in another account whose policies are not known, pass a policy that allows
 * everything to ask "could any principal of that account do this?". "unknown" when the
 * answer depends on something the evaluator cannot decide and access is possible.
 */
export function evaluate(req: Request, target: Target, identity: readonly PolicyLike[] = []): Decision {
  const judge = (possible: boolean) => ({
    resource: judgeDocument(target.resourcePolicy, req, "resource", possible),
    ids: identity.map((d) => judgeDocument(d, req, "identity", possible)),
  });
  const most = judge(true);
  const atMost = decide(req, target, most.resource, most.ids);
  if (atMost !== "allow") return atMost;
  const least = judge(false);
  const mayDeny = least.resource.mayDeny || least.ids.some((v) => v.mayDeny);
  return decide(req, target, least.resource, least.ids) === "allow" && !mayDeny ? "allow" : "unknown";
}

/** Whether any Allow statement of a document covers the action, whatever its resources and conditions. */
export function mayAllowAction(doc: PolicyLike | undefined, action: string): boolean {
  return statementsOf(doc).some((s) => s.Effect === "Allow" && actionApplies(s, action));
}

/** A policy that allows everything: stands in for identity policies nobody here can see. */
export const ALLOW_EVERYTHING: PolicyLike = Object.freeze({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
