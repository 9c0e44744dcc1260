/**
 * The managed-policy half of the IAM weakening rules (weakening.ts has the documents): managed
 * policy ARNs on a role, the attachment resources of `@pulumi/aws` v7 (one policy to a role,
 * user or group, `PolicyAttachment`, and the exclusive attachment sets) and the exclusive sets
 * of inline policy names. The stack writes none of them, and no document behind an ARN can be
 * read offline, so every one the base does not have fails. Pure: the plans come in as data.
 */
import { AWS_TYPES, type PlannedResource } from "./findings";
import { asStrings } from "./grants";
import { nameOf, whoHolds } from "./identities";
import type { Known, Weakening } from "./weakeningTypes";

const T = AWS_TYPES;

/** Types that attach a managed policy: the policy ARN input and who gets it. */
const ATTACHMENTS: Readonly<
  Record<
    string,
    {
      readonly arns: string;
      readonly members: readonly { readonly kind: "role" | "user" | "group"; readonly input: string; readonly many?: boolean }[];
      readonly exclusive?: boolean;
    }
  >
> = {
  [T.rolePolicyAttachment]: { arns: "policyArn", members: [{ kind: "role", input: "role" }] },
  [T.userPolicyAttachment]: { arns: "policyArn", members: [{ kind: "user", input: "user" }] },
  [T.groupPolicyAttachment]: { arns: "policyArn", members: [{ kind: "group", input: "group" }] },
  [T.policyAttachment]: {
    arns: "policyArn",
    members: [
      { kind: "role", input: "roles", many: true },
      { kind: "user", input: "users", many: true },
      { kind: "group", input: "groups", many: true },
    ],
  },
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

/** Well-known AWS-managed policies and what they give; any other managed policy is unknown offline. */
const AWS_MANAGED: Readonly<Record<string, { readonly allows: string; readonly gets: string }>> = {
  AdministratorAccess: { allows: "* on *", gets: "gets full admin of the account" },
  PowerUserAccess: { allows: "every action but IAM's and Organizations'", gets: "can delete every backup and key" },
  IAMFullAccess: { allows: "iam:* on *", gets: "can make itself or anyone admin" },
  AmazonS3FullAccess: { allows: "s3:* on *", gets: "can delete every backup and strip the vaults' protection" },
  AWSKeyManagementServicePowerUser: { allows: "kms key management on *", gets: "can change key policies and grants" },
};

/** What a managed policy ARN gives, as far as the review can tell offline: what it allows, and what its holder gets. */
function managedPolicy(arn: string, plan: readonly PlannedResource[]): { allows: string; gets: string } {
  const unknown = "gets whatever it allows";
  const awsManaged = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (awsManaged)
    return AWS_MANAGED[awsManaged[1]]
      ? { allows: `${awsManaged[1]}: ${AWS_MANAGED[awsManaged[1]].allows}`, gets: AWS_MANAGED[awsManaged[1]].gets }
      : { allows: `${awsManaged[1]}, AWS-managed: its document cannot be read offline`, gets: unknown };
  const declared = plan.find((r) => r.type === T.policy && (arn.endsWith(`/${nameOf(r)}`) || arn === r.name));
  return {
    allows: declared ? `the managed policy ${nameOf(declared)} declared here, judged on its own` : "the account's own: its document cannot be read offline",
    gets: unknown,
  };
}

/** Managed policy ARNs on a role, attachments and the exclusive attachment sets. */
export function attachmentFindings(before: PlannedResource | undefined, after: PlannedResource, known: Known): Weakening[] {
  const out: Weakening[] = [];
  if (after.type === T.role) {
    const old = new Set(asStrings(before?.inputs.managedPolicyArns));
    const h = whoHolds("role", after.name, known.head);
    for (const arn of asStrings(after.inputs.managedPolicyArns).filter((a) => !old.has(a))) {
      const m = managedPolicy(arn, known.head);
      out.push({
        change: "iam-widened",
        class: "destructive",
        detail: `${h.name} gets the managed policy ${arn} (${m.allows}) by managedPolicyArns: ${h.who} ${m.gets}`,
      });
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
          const how = a.exclusive
            ? `keeps the managed policy ${arn} (${policy.allows}) attached, and any other detached, by ${after.name}`
            : `gets the managed policy ${arn} (${policy.allows}) by ${after.name}`;
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
      out.push({
        change: "iam-widened",
        class: "destructive",
        detail: `${h.name} keeps the inline policies ${added.join(", ")} (and loses any other) by ${after.name}: ${h.who} gets whatever they allow, which this resource does not show`,
      });
    }
  }
  return out;
}
