/**
 * A printed trust merged with the statements a role's owner keeps (a workstation's or an SSO
 * role's path for when GitHub is down). `aws iam update-assume-role-policy` replaces the whole
 * trust document ("Updates the policy that grants an IAM entity permission to assume a role":
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html takes the
 * complete `PolicyDocument`), so a printed document applied alone drops every other statement.
 *
 * The merge keeps only what it can vouch for (an allow-list, not a list of known dangers):
 * - a statement whose Federated principal names GitHub's OIDC host in any spelling (any case,
 *   any issuer path: GitHub Enterprise Cloud's unique issuer is
 *   `https://token.actions.githubusercontent.com/<enterprise>`, its provider ARN ends
 *   `oidc-provider/token.actions.githubusercontent.com/<enterprise>`) is GitHub's, and replaced
 *   by the printed statement: one GitHub path, the printed one;
 * - a Deny statement is kept as it is: it only takes away;
 * - an Allow statement is kept only when its Principal is `{AWS: ...}` naming IAM roles or users
 *   (any account) or this account's root by ARN, no "*" anywhere, and its Action is among
 *   sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity (the actions of a role session,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_control-access_passing-tags.html
 *   and .../id_credentials_temp_control-access_monitor.html), with no other element but Sid and
 *   Condition (a condition only narrows it);
 * - anything else (another identity provider, a service, NotPrincipal, NotAction, another
 *   account's root, a wildcard) is refused, naming the statement, why, and the fix: review it and
 *   add it by hand.
 * A caller may vet the merged document too (scripts/stacks.ts runs the policy pack's
 * oidc-role-trust checks over it) and nothing is printed when that finds a problem.
 * Pure; tested in test/operationsTrust.test.ts.
 */
import { policy, type PolicyDocument, type PolicyStatement } from "../vaults/plan";
import { GITHUB_OIDC_HOST } from "./workflowAccess";

export interface MergedTrust {
  readonly document: PolicyDocument;
  /** How many statements were kept as they were. */
  readonly kept: number;
  /** The statements (Sid, or #position) replaced because they trust GitHub's OIDC provider. */
  readonly replaced: readonly string[];
  /** The AWS principals (ARNs) the kept Allow statements let assume the role. */
  readonly awsPrincipals: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The actions of assuming a role with AWS credentials, and of the session's tags and source identity. */
const KEPT_ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];
/** The elements a kept Allow statement may have. */
const KEPT_ELEMENTS = new Set(["Sid", "Effect", "Principal", "Action", "Condition"]);
/** An IAM role or user (with a path or not), or an account root: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts */
const AWS_PRINCIPAL = /^arn:aws[a-z-]*:iam::(\d{12}):(root|(role|user)\/[\w+=,.@/-]+)$/;
const FIX = "leave it out of the file given here, and once you have reviewed it, add it to the printed document by hand";

/** The statements of what the owner gave: a trust document (as `aws iam get-role` prints it), a statement list, or one statement. */
function statementsOf(given: unknown): unknown[] {
  if (Array.isArray(given)) return given;
  if (isObject(given) && "Statement" in given) return Array.isArray(given.Statement) ? given.Statement : [given.Statement];
  if (isObject(given) && "Effect" in given) return [given];
  throw new Error(
    "holds no trust policy: give the role's trust document (aws iam get-role --role-name ROLE --query Role.AssumeRolePolicyDocument), a list of statements, or one statement",
  );
}

/** Whether a statement's principal is GitHub's OIDC provider, in any account, spelling or issuer path. */
function trustsGithub(st: Record<string, unknown>): boolean {
  const principal = st.Principal;
  if (!isObject(principal)) return false;
  const federated = Object.entries(principal).filter(([k]) => k.toLowerCase() === "federated");
  return federated.some(([, v]) => listOf(v).some((x) => typeof x === "string" && x.toLowerCase().includes(GITHUB_OIDC_HOST)));
}

/** Why an Allow statement is not one the merge keeps, or its AWS principals when it is. */
function allowProblem(st: Record<string, unknown>, account: string | undefined): string | string[] {
  const extra = Object.keys(st).filter((k) => !KEPT_ELEMENTS.has(k));
  if (extra.includes("NotPrincipal")) return "lets every principal but a list assume the role (NotPrincipal)";
  if (extra.length)
    return `has ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(", ")}, which a kept statement may not have (only Sid, Effect, Principal, Action, Condition)`;
  const principal = st.Principal;
  if (principal === "*" || (isObject(principal) && JSON.stringify(principal).includes("*"))) return "lets any principal of any account assume the role";
  const kinds = isObject(principal) ? Object.keys(principal) : [];
  if (!isObject(principal) || kinds.length !== 1 || kinds[0] !== "AWS")
    return `trusts ${kinds.length ? kinds.map((k) => JSON.stringify(k.slice(0, 40))).join(", ") : "no principal"}; a kept statement trusts AWS principals only (Principal: {"AWS": [role or user ARNs]})`;
  const arns = listOf(principal.AWS);
  const bad = arns.find((a) => typeof a !== "string" || !AWS_PRINCIPAL.test(a));
  if (bad !== undefined || !arns.length)
    return `trusts the AWS principal ${JSON.stringify(String(bad).slice(0, 120))}, which is not the ARN of an IAM role or user (arn:aws:iam::ACCOUNT:role/NAME) or of an account root`;
  const foreign = (arns as string[]).find((a) => a.endsWith(":root") && AWS_PRINCIPAL.exec(a)![1] !== account);
  if (foreign) return `trusts every principal another account allows (${foreign}); name that account's role or user ARN instead`;
  const actions = listOf(st.Action);
  const other = actions.find((a) => typeof a !== "string" || !KEPT_ACTIONS.some((k) => k.toLowerCase() === a.toLowerCase()));
  if (other !== undefined || !actions.length)
    return `allows ${other === undefined ? "no Action" : JSON.stringify(String(other).slice(0, 80))}; a kept statement allows ${KEPT_ACTIONS.join(", ")} only`;
  return arns as string[];
}

/**
 * `printed` with the statements of `given` kept; throws, naming the statement, on one that is not
 * a statement, reuses a printed Sid or is not one the merge keeps (see the header), and with the
 * problems `vet` finds in the merged document. `account`: the role's account (its root may be kept).
 */
export function mergeKeptStatements(
  printed: PolicyDocument,
  given: unknown,
  options: { readonly account?: string; readonly vet?: (merged: PolicyDocument, awsPrincipals: readonly string[]) => readonly string[] } = {},
): MergedTrust {
  const own = new Set(printed.Statement.map((s) => s.Sid).filter((s) => s !== undefined));
  const kept: PolicyStatement[] = [];
  const replaced: string[] = [];
  const awsPrincipals: string[] = [];
  for (const [i, st] of statementsOf(given).entries()) {
    const name = isObject(st) && typeof st.Sid === "string" ? `statement ${JSON.stringify(st.Sid.slice(0, 80))}` : `statement #${i + 1}`;
    if (!isObject(st) || (st.Effect !== "Allow" && st.Effect !== "Deny"))
      throw new Error(`${name} is not an IAM policy statement (an object whose Effect is "Allow" or "Deny")`);
    if (trustsGithub(st)) {
      replaced.push(name);
      continue;
    }
    if (st.Effect === "Allow") {
      const problem = allowProblem(st, options.account);
      if (typeof problem === "string") throw new Error(`${name} ${problem}: ${FIX}`);
      awsPrincipals.push(...problem);
    }
    if (typeof st.Sid === "string" && own.has(st.Sid))
      throw new Error(`${name} has the printed statement's Sid: rename it, or leave it out if it is an older copy`);
    kept.push(st as unknown as PolicyStatement);
  }
  const document = policy([...printed.Statement, ...kept]);
  const problems = options.vet?.(document, awsPrincipals) ?? [];
  if (problems.length) throw new Error(`the merged trust fails the policy pack's oidc-role-trust rule, so it is not printed: ${problems.join("; ")}`);
  return { document, kept: kept.length, replaced, awsPrincipals: [...new Set(awsPrincipals)] };
}
