import { FORBIDDEN_BACKUP_ROLE_ACTIONS } from "../../components/backupPolicy";
import { asArray, policyDocument, TYPES, type Rule } from "./types";

/** Actions the backup role must not be able to perform, written out (no wildcard). */
const PROTECTED_ACTIONS = FORBIDDEN_BACKUP_ROLE_ACTIONS.filter((a) => !a.includes("*"));

/** Allowed actions of a document that reach a protected action (wildcards expanded). */
export function dangerousActions(doc: { Statement?: any[] }): string[] {
  const found = new Set<string>();
  for (const s of asArray(doc.Statement).filter((x: any) => x?.Effect === "Allow")) {
    if (s.NotAction) found.add("NotAction (allows everything but a list)");
    for (const action of asArray(s.Action).map(String)) {
      const re = new RegExp(`^${action.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
      if (action === "*" || PROTECTED_ACTIONS.some((p) => re.test(p))) found.add(action);
    }
  }
  return [...found];
}

/** No inline policy of the stack's roles allows deleting backups or changing their retention. */
export const backupRoleNoDelete: Rule = {
  name: "backup-role-no-delete",
  description: "The backup role's permissions allow no delete of objects, versions or buckets, and no change of lifecycle, policy, versioning, retention or keys.",
  enforcementLevel: "mandatory",
  validate(resources) {
    return resources
      .filter((r) => r.type === TYPES.rolePolicy)
      .flatMap((p) => {
        const doc = policyDocument(p.props.policy);
        if (!doc) return [];
        const bad = dangerousActions(doc);
        return bad.length ? [{ urn: p.urn, message: `role policy ${p.name} allows ${bad.join(", ")}, which could erase backups or their retention; grant only s3:PutObject, s3:PutObjectTagging, s3:GetObject, s3:GetObjectTagging, s3:ListBucket and kms:GenerateDataKey, kms:Decrypt` }] : [];
      });
  },
};
