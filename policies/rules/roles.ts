/**
 * Every way a permission reaches an IAM role in a stack, and which roles GitHub workflows
 * can assume: the inventory the trust and permission rules judge.
 */
import { asList, statementsOf, type PolicyLike } from "../../src/core/iam/evaluate";
import { dependsOn, policyDocument, TYPES, type RuleResource } from "./types";

/** One source of a role's permissions: a document to judge, or an ARN whose document the stack does not hold. */
export interface PermissionSource {
  /** What grants it, for messages: `role policy x`, `inline policy y`, `policy attachment z`. */
  readonly from: string;
  readonly document?: PolicyLike;
  /** A managed policy the stack does not declare (an AWS managed policy such as AmazonS3FullAccess). */
  readonly opaqueArn?: string;
  /** The document is not known yet (a preview before creation). */
  readonly unknown?: boolean;
}

function roleIds(role: RuleResource): unknown[] {
  return [role.props.name, role.props.id, role.props.arn].filter((v) => v !== undefined);
}

function namesRole(r: RuleResource, property: string, role: RuleResource): boolean {
  if (dependsOn(r, property, role)) return true;
  const ids = roleIds(role);
  return asList(r.props[property]).some((v) => ids.includes(v));
}

function resolveManaged(arn: unknown, holder: RuleResource, property: string, resources: readonly RuleResource[], from: string): PermissionSource {
  const declared = resources.find((p) => p.type === TYPES.managedPolicy && (dependsOn(holder, property, p) || (arn !== undefined && p.props.arn === arn)));
  if (declared) {
    const document = policyDocument(declared.props.policy);
    return document ? { from: `${from} of policy ${declared.name}`, document } : { from: `${from} of policy ${declared.name}`, unknown: true };
  }
  if (typeof arn === "string") return { from, opaqueArn: arn };
  return { from, unknown: true };
}

/** Every permission source of a role: role policies, inline policies, managed policy ARNs and attachments. */
export function permissionsOf(role: RuleResource, resources: readonly RuleResource[]): PermissionSource[] {
  const out: PermissionSource[] = [];
  for (const p of resources.filter((r) => r.type === TYPES.rolePolicy && namesRole(r, "role", role))) {
    const document = policyDocument(p.props.policy);
    out.push(document ? { from: `role policy ${p.name}`, document } : { from: `role policy ${p.name}`, unknown: true });
  }
  for (const inline of asList(role.props.inlinePolicies)) {
    const entry = inline as { name?: string; policy?: unknown };
    const document = policyDocument(entry?.policy);
    if (document) out.push({ from: `inline policy ${entry.name ?? "(unnamed)"} of role ${role.name}`, document });
  }
  for (const arn of asList(role.props.managedPolicyArns))
    out.push(resolveManaged(arn, role, "managedPolicyArns", resources, `managed policy ${String(arn)} of role ${role.name}`));
  for (const a of resources.filter((r) => r.type === TYPES.rolePolicyAttachment && namesRole(r, "role", role))) {
    out.push(resolveManaged(a.props.policyArn, a, "policyArn", resources, `policy attachment ${a.name}`));
  }
  for (const a of resources.filter((r) => r.type === TYPES.policyAttachment && namesRole(r, "roles", role))) {
    out.push(resolveManaged(a.props.policyArn, a, "policyArn", resources, `policy attachment ${a.name}`));
  }
  return out;
}

/** Whether any statement of a role's trust names a web identity provider, or anyone at all. */
export function trustsWebIdentity(trust: PolicyLike | undefined): boolean {
  return statementsOf(trust).some((s) => {
    if (s.Principal === "*") return true;
    const p = s.Principal as Record<string, unknown> | undefined;
    return !!p && typeof p === "object" && (asList(p.Federated).length > 0 || asList(p.AWS).includes("*"));
  });
}

export function trustOf(role: RuleResource): PolicyLike | undefined {
  return policyDocument(role.props.assumeRolePolicy);
}
