/**
 * Who an IAM document or attachment of the plan reaches: the role, user or group a reference
 * names (by name, id or ARN as the offline plan resolves it), and who gets what it holds,
 * said as the start of a finding's sentence. Shared by the IAM half of the weakening rules
 * (weakening.ts) and its managed-policy readers (attachmentWeakening.ts). Pure.
 */
import { AWS_TYPES, type PlannedResource } from "./findings";
import { grantsOf, list } from "./grants";

const T = AWS_TYPES;

export const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
const KIND_TYPE = { role: T.role, user: "aws:iam/user:User", group: "aws:iam/group:Group" } as const;

/** The resource an identity reference (name, id, ARN as the plan resolves it) points to, in one plan. */
export function identity(kind: "role" | "user" | "group", ref: unknown, plan: readonly PlannedResource[]): PlannedResource | undefined {
  if (typeof ref !== "string") return undefined;
  const last = ref.split("/").pop();
  return plan.find((r) => r.type === KIND_TYPE[kind] && [r.name, `${r.name}-id`, slug(r.name), r.inputs.name].some((n) => n === ref || n === last));
}

export const nameOf = (r: PlannedResource) => String(r.inputs.name ?? r.name);

/** A role's trust, short: who may assume it, and for web identities the subjects. */
export function trustOf(role: PlannedResource | undefined): string {
  if (!role) return "a role this program does not declare";
  const allows = grantsOf(role.inputs.assumeRolePolicy).filter((g) => g.effect === "Allow");
  if (!allows.length) return "nobody";
  const parts = [
    ...new Set(
      allows.map((g) => {
        const subjects = Object.values((g.condition ? JSON.parse(g.condition) : {}) as Record<string, Record<string, unknown>>).flatMap((op) =>
          Object.entries(op)
            .filter(([k]) => k.endsWith(":sub"))
            .flatMap(([, v]) => (Array.isArray(v) ? v : [v]).map(String)),
        );
        return `${g.principal}${subjects.length ? ` for ${subjects.length > 2 ? `${subjects.slice(0, 2).join(", ")} and ${subjects.length - 2} more` : subjects.join(", ")}` : ""}`;
      }),
    ),
  ];
  return list(parts);
}

/** Who gets what an identity document or attachment grants, as the start of a sentence. */
export function whoHolds(kind: "role" | "user" | "group", ref: unknown, plan: readonly PlannedResource[]): { name: string; who: string } {
  const found = identity(kind, ref, plan);
  const name = found ? nameOf(found) : String(ref ?? "(unknown until deployed)");
  if (kind === "role") return { name: `role ${name}`, who: `anyone who can assume ${name} (its trust: ${trustOf(found)})` };
  if (kind === "user") return { name: `user ${name}`, who: `whoever holds ${name}'s credentials` };
  return { name: `group ${name}`, who: `every member of ${name}` };
}
