/**
 * The AWS tags the stack writes on what it creates, stated once: the components set them and
 * the policy pack finds the vaults' buckets and keys by them (policies/rules/types.ts).
 */

/** The stack that created the resource. */
export const STACK_TAG = "tenant-fleet:stack";
/** What the resource is for: BACKUP_PURPOSE on a vault's bucket and key, a role's purpose on a role. */
export const PURPOSE_TAG = "tenant-fleet:purpose";
/** The purpose of a backup vault's bucket and key. */
export const BACKUP_PURPOSE = "tenant-backups";
/** The purpose of the tenant credentials' key and parameters. */
export const CREDENTIALS_PURPOSE = "tenant-credentials";
/** The operations role's purpose. */
export const OPERATOR_PURPOSE = "operator";
/** A vault's residencies, space-separated. */
export const RESIDENCIES_TAG = "tenant-fleet:residencies";
/** A vault the stack keeps after its last tenant left (it serves no residency any more): "true". */
export const KEPT_TAG = "tenant-fleet:kept";
