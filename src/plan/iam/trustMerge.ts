/**
 * A printed trust merged with the statements a role's owner keeps (a workstation's or an SSO
 * role's path for when GitHub is down). `aws iam update-assume-role-policy` replaces the whole
 * trust document ("Updates the policy that grants an IAM entity permission to assume a role":
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html takes the
 * complete `PolicyDocument`), so a printed document applied alone drops every other statement.
 * Here: the printed statements, then every kept statement that does not trust GitHub's OIDC
 * provider (those are what the printed statement replaces: one GitHub path, the printed one);
 * a kept statement letting anyone in is refused, whatever else it says.
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
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The statements of what the owner gave: a trust document (as `aws iam get-role` prints it), a statement list, or one statement. */
function statementsOf(given: unknown): unknown[] {
  if (Array.isArray(given)) return given;
  if (isObject(given) && "Statement" in given) return Array.isArray(given.Statement) ? given.Statement : [given.Statement];
  if (isObject(given) && "Effect" in given) return [given];
  throw new Error(
    "holds no trust policy: give the role's trust document (aws iam get-role --role-name ROLE --query Role.AssumeRolePolicyDocument), a list of statements, or one statement",
  );
}

/** Whether a statement's principal is GitHub's OIDC provider (any account). */
function trustsGithub(st: Record<string, unknown>): boolean {
  const principal = st.Principal;
  if (!isObject(principal)) return false;
  const federated = Object.entries(principal).find(([k]) => k.toLowerCase() === "federated")?.[1];
  const values = Array.isArray(federated) ? federated : federated === undefined ? [] : [federated];
  return values.some((v) => typeof v === "string" && v.endsWith(`:oidc-provider/${GITHUB_OIDC_HOST}`));
}

/** Whether a Principal element admits anyone ("*", or "*" among the AWS principals). */
function anyone(principal: unknown): boolean {
  if (principal === "*") return true;
  if (!isObject(principal)) return false;
  return Object.entries(principal).some(([k, v]) => k.toLowerCase() === "aws" && (Array.isArray(v) ? v : [v]).includes("*"));
}

/** `printed` with the statements of `given` kept; throws, naming the statement, on one that is not a statement or reuses a printed Sid. */
export function mergeKeptStatements(printed: PolicyDocument, given: unknown): MergedTrust {
  const own = new Set(printed.Statement.map((s) => s.Sid).filter((s) => s !== undefined));
  const kept: PolicyStatement[] = [];
  const replaced: string[] = [];
  for (const [i, st] of statementsOf(given).entries()) {
    const name = isObject(st) && typeof st.Sid === "string" ? `statement ${JSON.stringify(st.Sid.slice(0, 80))}` : `statement #${i + 1}`;
    if (!isObject(st) || (st.Effect !== "Allow" && st.Effect !== "Deny"))
      throw new Error(`${name} is not an IAM policy statement (an object whose Effect is "Allow" or "Deny")`);
    if (trustsGithub(st)) {
      replaced.push(name);
      continue;
    }
    if (st.Effect === "Allow" && anyone(st.Principal))
      throw new Error(`${name} lets any principal of any account assume the role: name the workstation's or SSO role's ARN (with an MFA condition)`);
    if (typeof st.Sid === "string" && own.has(st.Sid))
      throw new Error(`${name} has the printed statement's Sid: rename it, or leave it out if it is an older copy`);
    kept.push(st as unknown as PolicyStatement);
  }
  return { document: policy([...printed.Statement, ...kept]), kept: kept.length, replaced };
}
