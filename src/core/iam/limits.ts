/**
 * IAM's quotas the stack checks before AWS would refuse a policy
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): declared once for
 * the stack setting (trustPolicyLengthLimit) and the planners of the workflow roles.
 */

/** IAM's default limit on a role's trust policy (characters, whitespace not counted). */
export const TRUST_POLICY_LIMIT_DEFAULT = 2048;
/** The most a quota increase allows. */
export const TRUST_POLICY_LIMIT_MAX = 8192;
