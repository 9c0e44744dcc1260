/**
 * The AWS checks: who the caller is (STS GetCallerIdentity) and, with IAM's policy simulator
 * (SimulatePrincipalPolicy), whether its identity policies allow what the deploy does
 * (awsActions.ts). Reads only: GetCallerIdentity, GetRole (an assumed role's path) and the
 * simulator, which evaluates policies and changes nothing
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html).
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand, type EvaluationResult } from "@aws-sdk/client-iam";
import { fail, ok, quoted, skip, type Check } from "./report";
import type { AwsSimulation } from "./awsActions";

export interface Caller {
  readonly account: string;
  readonly arn: string;
}

const NO_CREDENTIALS = "no AWS credentials found (environment, shared config or SSO, as the AWS provider looks for them)";
const CREDENTIALS_FIX = "export AWS_PROFILE=<profile> (after aws sso login) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY of the identity that runs pulumi up";

/** True for the SDK's "no credential anywhere" error, as opposed to a credential AWS refused. */
export function isMissingCredentials(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === "CredentialsProviderError" || /Could not load credentials/i.test(e?.message ?? "");
}

const errorText = (err: unknown) => {
  const e = err as { name?: string; message?: string };
  return `${e?.name ?? "Error"}: ${quoted(e?.message ?? String(err))}`;
};

export async function callerIdentity(region: string): Promise<{ caller: Caller; check: Check } | { check: Check }> {
  const name = "aws caller";
  try {
    const got = await new STSClient({ region }).send(new GetCallerIdentityCommand({}));
    const caller = { account: got.Account ?? "", arn: got.Arn ?? "" };
    return { caller, check: ok(name, `${caller.arn} (account ${caller.account})`) };
  } catch (err) {
    if (isMissingCredentials(err)) return { check: skip(name, NO_CREDENTIALS, CREDENTIALS_FIX) };
    return { check: fail(name, `STS refuses the credentials (${errorText(err)})`, `renew them (${CREDENTIALS_FIX})`) };
  }
}

/**
 * The IAM principal whose policies the simulator evaluates: a user as it is; an assumed role's
 * session (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`) is the role, whose ARN carries a
 * path only GetRole knows; the root user is not simulated.
 */
export async function principalOf(iam: IAMClient, caller: Caller): Promise<string | undefined> {
  const assumed = /^arn:(aws[\w-]*):sts::(\d+):assumed-role\/([^/]+)\//.exec(caller.arn);
  if (!assumed) return /:root$/.test(caller.arn) ? undefined : caller.arn;
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: assumed[3] }))).Role?.Arn ?? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  } catch {
    return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  }
}

const serviceOf = (action: string) => action.split(":")[0];

/** One line per service (kms, s3, iam, ssm): allowed, or the denied actions and where. */
export async function checkDeployPermissions(region: string, caller: Caller, simulations: readonly AwsSimulation[]): Promise<Check[]> {
  const iam = new IAMClient({ region });
  if (/:root$/.test(caller.arn))
    return [skip("aws permissions", "the caller is the account's root user, which IAM does not limit", "deploy with a role, not the root user")];
  const principal = await principalOf(iam, caller);
  /** service → action → decision → resources. */
  const denied = new Map<string, Map<string, Map<string, string[]>>>();
  const allowed = new Map<string, Set<string>>();
  for (const sim of simulations) {
    let results: EvaluationResult[];
    try {
      results = await simulate(iam, principal!, sim);
    } catch (err) {
      return [
        skip(
          "aws permissions",
          `IAM's policy simulator cannot be asked as ${caller.arn} (${errorText(err)})`,
          `grant it iam:SimulatePrincipalPolicy and iam:GetRole (read-only) on ${principal}, or check the deploy by hand against docs/deploying.md`,
        ),
      ];
    }
    for (const r of results) {
      const action = r.EvalActionName ?? "?";
      const service = serviceOf(action);
      if (!allowed.has(service)) allowed.set(service, new Set());
      if (r.EvalDecision === "allowed") {
        allowed.get(service)!.add(action);
        continue;
      }
      const byAction = denied.get(service) ?? new Map<string, Map<string, string[]>>();
      const byDecision = byAction.get(action) ?? new Map<string, string[]>();
      byDecision.set(r.EvalDecision ?? "denied", [...(byDecision.get(r.EvalDecision ?? "denied") ?? []), r.EvalResourceName ?? sim.resource]);
      byAction.set(action, byDecision);
      denied.set(service, byAction);
    }
  }
  return [...allowed.keys()].sort().map((service) => {
    const name = `aws permissions: ${service}`;
    const no = denied.get(service);
    if (!no) return ok(name, `${principal} may do the ${allowed.get(service)!.size} action(s) the deploy needs`);
    const what = [...no.entries()].flatMap(([action, byDecision]) =>
      [...byDecision.entries()].map(
        ([decision, where]) => `${action} (${decision}) on ${where.length === 1 ? where[0] : `${where.length} resources, e.g. ${where[0]}`}`,
      ),
    );
    return fail(
      name,
      `${principal} may not: ${what.join(", ")}`,
      `allow these in ${principal}'s identity policy (an explicitDeny comes from a deny statement, a permissions boundary or an SCP: lift it there)`,
    );
  });
}

async function simulate(iam: IAMClient, principal: string, sim: AwsSimulation): Promise<EvaluationResult[]> {
  const results: EvaluationResult[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const got = await iam.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: principal, ActionNames: [...sim.actions], ResourceArns: [sim.resource], Marker: marker }),
    );
    results.push(...(got.EvaluationResults ?? []));
    if (!got.IsTruncated || !got.Marker) break;
    marker = got.Marker;
  }
  return results;
}
