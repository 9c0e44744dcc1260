/**
 * The IAM evaluator (src/core/iam/evaluate.ts) against the evaluation rules AWS documents:
 * the policy evaluation logic (explicit deny, same-account and cross-account requests), KMS
 * key policies, the Principal, NotAction and NotResource elements, and the condition
 * operators with their missing-key semantics. Each case names the rule it encodes.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ALLOW_EVERYTHING,
  arnMatches,
  conditionHolds,
  evaluate,
  globMatch,
  mayAllow,
  type Decision,
  type PolicyLike,
  type Request,
} from "../src/core/iam/evaluate";

const A = "111122223333";
const B = "444455556666";
const alice: Request["principal"] = { kind: "aws", arn: `arn:aws:iam::${A}:role/alice` };
const bob: Request["principal"] = { kind: "aws", arn: `arn:aws:iam::${B}:role/bob` };
const BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket";
const get = (principal: Request["principal"], resource = `${BUCKET}/report.csv`, context = {}): Request => ({
  principal,
  action: "s3:GetObject",
  resource,
  context,
});
const allow = (Action: unknown, Resource: unknown = "*", Condition?: unknown): PolicyLike => ({
  Statement: [{ Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) }],
});
const s3 = (resourcePolicy?: PolicyLike) => ({ service: "default" as const, account: A, resourcePolicy });

describe("policy evaluation logic (AWS: 'Policy evaluation logic')", () => {
  it("denies by default when nothing allows", () => {
    expect(evaluate(get(alice), s3())).toBe("implicit-deny");
  });

  it("lets an explicit Deny win over any Allow, wherever each is written", () => {
    const deny: PolicyLike = { Statement: [{ Effect: "Deny", Action: "s3:*", Resource: `${BUCKET}/*` }] };
    expect(evaluate(get(alice), s3(), [allow("s3:GetObject"), deny])).toBe("explicit-deny");
    const bucketDeny: PolicyLike = { Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/*` }] };
    expect(evaluate(get(alice), s3(bucketDeny), [ALLOW_EVERYTHING])).toBe("explicit-deny");
  });

  it("within one account, an identity policy or a resource policy alone allows", () => {
    expect(evaluate(get(alice), s3(), [allow("s3:GetObject", `${BUCKET}/*`)])).toBe("allow");
    const bucketAllow: PolicyLike = {
      Statement: [{ Effect: "Allow", Principal: { AWS: alice.kind === "aws" ? alice.arn : "" }, Action: "s3:GetObject", Resource: `${BUCKET}/*` }],
    };
    expect(evaluate(get(alice), s3(bucketAllow))).toBe("allow");
  });

  it("across accounts, needs both the resource policy and the caller's identity policy ('Cross-account policy evaluation logic')", () => {
    const toAccountB: PolicyLike = {
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: "s3:GetObject", Resource: `${BUCKET}/*` }],
    };
    expect(evaluate(get(bob), s3(toAccountB))).toBe("implicit-deny");
    expect(evaluate(get(bob), s3(toAccountB), [allow("s3:GetObject")])).toBe("allow");
    expect(evaluate(get(bob), s3(), [ALLOW_EVERYTHING])).toBe("implicit-deny");
  });

  it("treats an account id and its root ARN as the same principal, and the account as a delegation only", () => {
    const byId: PolicyLike = { Statement: [{ Effect: "Allow", Principal: { AWS: B }, Action: "s3:GetObject", Resource: `${BUCKET}/*` }] };
    expect(evaluate(get(bob), s3(byId), [allow("s3:*")])).toBe("allow");
    expect(evaluate(get(bob), s3(byId))).toBe("implicit-deny");
  });

  it('matches Principal "*" and {"AWS": "*"} alike (\'AWS JSON policy elements: Principal\')', () => {
    for (const Principal of ["*", { AWS: "*" }, { AWS: ["*"] }]) {
      const open: PolicyLike = { Statement: [{ Effect: "Allow", Principal, Action: "s3:GetObject", Resource: `${BUCKET}/*` }] };
      expect(evaluate(get(bob), s3(open), [ALLOW_EVERYTHING])).toBe("allow");
    }
  });
});

describe("KMS key policies ('Key policies in AWS KMS')", () => {
  const KEY = `arn:aws:kms:eu-central-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const decrypt = (principal: Request["principal"]): Request => ({ principal, action: "kms:Decrypt", resource: KEY });
  const rootDelegation: PolicyLike = { Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: "kms:*", Resource: "*" }] };

  it("ignores IAM policies unless the key policy allows the account", () => {
    const adminsOnly: PolicyLike = {
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:role/key-admin` }, Action: "kms:Describe*", Resource: "*" }],
    };
    expect(evaluate(decrypt(alice), { service: "kms", account: A, resourcePolicy: adminsOnly }, [ALLOW_EVERYTHING])).toBe("implicit-deny");
  });

  it("with the default key policy, lets IAM policies grant use, and only them", () => {
    expect(evaluate(decrypt(alice), { service: "kms", account: A, resourcePolicy: rootDelegation }, [allow("kms:Decrypt", KEY)])).toBe("allow");
    expect(evaluate(decrypt(alice), { service: "kms", account: A, resourcePolicy: rootDelegation })).toBe("implicit-deny");
  });

  it("lets a key policy that names the principal allow on its own", () => {
    const direct: PolicyLike = {
      Statement: [{ Effect: "Allow", Principal: { AWS: alice.kind === "aws" ? alice.arn : "" }, Action: "kms:Decrypt", Resource: "*" }],
    };
    expect(evaluate(decrypt(alice), { service: "kms", account: A, resourcePolicy: direct })).toBe("allow");
  });
});

describe("Action, NotAction, Resource and NotResource", () => {
  it("matches actions without regard to case, with * and ?", () => {
    expect(evaluate(get(alice), s3(), [allow("S3:getobject")])).toBe("allow");
    expect(evaluate(get(alice), s3(), [allow("s3:?etObject")])).toBe("allow");
    expect(evaluate(get(alice), s3(), [allow("s3:Get*")])).toBe("allow");
    expect(evaluate(get(alice), s3(), [allow("s3:Put*")])).toBe("implicit-deny");
  });

  it("NotAction with Allow allows everything but the listed actions ('NotAction': allow all but IAM)", () => {
    const allButIam: PolicyLike = { Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] };
    expect(evaluate(get(alice), s3(), [allButIam])).toBe("allow");
    expect(evaluate({ principal: alice, action: "iam:CreateUser", resource: `arn:aws:iam::${A}:user/x` }, s3(), [allButIam])).toBe("implicit-deny");
  });

  it("NotResource applies to every resource but the listed ones", () => {
    const denyElsewhere: PolicyLike = { Statement: [{ Effect: "Deny", Action: "s3:*", NotResource: [`${BUCKET}/*`] }] };
    expect(evaluate(get(alice), s3(), [ALLOW_EVERYTHING, denyElsewhere])).toBe("allow");
    expect(evaluate(get(alice, "arn:aws:s3:::other/x"), s3(), [ALLOW_EVERYTHING, denyElsewhere])).toBe("explicit-deny");
  });

  it("matches ARNs part by part: a wildcard in the resource part spans slashes, not the parts before it", () => {
    expect(arnMatches(`${BUCKET}/*`, `${BUCKET}/a/b/c.dump`)).toBe(true);
    expect(arnMatches(`arn:aws:kms:*:${A}:key/*`, `arn:aws:kms:eu-west-2:${A}:key/k`)).toBe(true);
    expect(arnMatches(`arn:aws:kms:*:${A}:key/*`, `arn:aws:kms:eu-west-2:${B}:key/k`)).toBe(false);
    expect(arnMatches(`arn:aws:iam::${A}:role/ab?`, `arn:aws:iam::${A}:role/abc`)).toBe(true);
    expect(arnMatches(`arn:aws:iam::${A}:role/ab?`, `arn:aws:iam::${A}:role/abcd`)).toBe(false);
  });

  it("treats * and ? as the only wildcards, everything else literally", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        expect(globMatch(s.replace(/[*?]/g, ""), s.replace(/[*?]/g, ""))).toBe(true);
        expect(globMatch("*", s)).toBe(true);
      }),
    );
    expect(globMatch("a.c", "abc")).toBe(false);
    expect(globMatch("(x)+", "(x)+")).toBe(true);
  });
});

describe("condition operators ('IAM JSON policy elements: Condition operators')", () => {
  it("ORs the values of one key, ANDs the keys and the operators", () => {
    const c = {
      StringEquals: { "aws:PrincipalTag/department": ["finance", "hr", "legal"], "aws:PrincipalTag/role": "audit" },
      Bool: { "aws:SecureTransport": "true" },
    };
    expect(conditionHolds(c, { "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit", "aws:SecureTransport": true })).toBe(true);
    expect(conditionHolds(c, { "aws:PrincipalTag/department": "it", "aws:PrincipalTag/role": "audit", "aws:SecureTransport": true })).toBe(false);
    expect(conditionHolds(c, { "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit", "aws:SecureTransport": false })).toBe(false);
  });

  it("fails positive operators and satisfies negated ones when the key is missing", () => {
    expect(conditionHolds({ StringEquals: { "aws:PrincipalTag/team": "a" } }, {})).toBe(false);
    expect(conditionHolds({ StringNotEquals: { "aws:PrincipalTag/team": "a" } }, {})).toBe(true);
    expect(conditionHolds({ StringNotLike: { "aws:PrincipalTag/team": "a*" } }, {})).toBe(true);
    expect(conditionHolds({ ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::1:role/x" } }, {})).toBe(true);
  });

  it("evaluates a negated operator with several values as none-of", () => {
    const c = { StringNotEquals: { "s3:x-amz-server-side-encryption": ["aws:kms", "AES256"] } };
    expect(conditionHolds(c, { "s3:x-amz-server-side-encryption": "AES256" })).toBe(false);
    expect(conditionHolds(c, { "s3:x-amz-server-side-encryption": "aws:kms:dsse" })).toBe(true);
  });

  it("lets ...IfExists pass when the key is missing and check it when present", () => {
    const c = { StringLikeIfExists: { "ec2:InstanceType": ["t1.*", "t2.*"] } };
    expect(conditionHolds(c, {})).toBe(true);
    expect(conditionHolds(c, { "ec2:InstanceType": "t2.micro" })).toBe(true);
    expect(conditionHolds(c, { "ec2:InstanceType": "m5.large" })).toBe(false);
    expect(conditionHolds({ StringNotEqualsIfExists: { k: "a" } }, {})).toBe(true);
  });

  it("tests presence with Null ('Condition operator to check existence')", () => {
    expect(conditionHolds({ Null: { "aws:TokenIssueTime": "true" } }, {})).toBe(true);
    expect(conditionHolds({ Null: { "aws:TokenIssueTime": "true" } }, { "aws:TokenIssueTime": "2026-01-01T00:00:00Z" })).toBe(false);
    expect(conditionHolds({ Null: { "s3:if-none-match": "false" } }, { "s3:if-none-match": "*" })).toBe(true);
  });

  it("qualifies multivalued keys with ForAllValues (missing key: true) and ForAnyValue (missing key: false)", () => {
    const all = { "ForAllValues:StringEquals": { "aws:TagKeys": ["environment", "cost-center"] } };
    const any = { "ForAnyValue:StringEquals": { "aws:TagKeys": ["environment", "cost-center"] } };
    expect(conditionHolds(all, {})).toBe(true);
    expect(conditionHolds(any, {})).toBe(false);
    expect(conditionHolds(all, { "aws:TagKeys": ["environment"] })).toBe(true);
    expect(conditionHolds(all, { "aws:TagKeys": ["environment", "owner"] })).toBe(false);
    expect(conditionHolds(any, { "aws:TagKeys": ["environment", "owner"] })).toBe(true);
  });

  it("compares strings exactly or without case, and patterns with * and ?", () => {
    expect(conditionHolds({ StringEquals: { k: "Main" } }, { k: "main" })).toBe(false);
    expect(conditionHolds({ StringEqualsIgnoreCase: { k: "Main" } }, { k: "main" })).toBe(true);
    expect(conditionHolds({ StringLike: { k: "repo:o/r:ref:refs/heads/*" } }, { k: "repo:o/r:ref:refs/heads/feature" })).toBe(true);
    expect(conditionHolds({ StringEquals: { k: "repo:o/r:*" } }, { k: "repo:o/r:ref:refs/heads/main" })).toBe(false);
    expect(conditionHolds({ StringLike: { k: "ma?n" } }, { k: "main" })).toBe(true);
  });

  it("reads condition keys and operator names without regard to case", () => {
    expect(conditionHolds({ stringequals: { "AWS:SecureTransport": "true" } }, { "aws:securetransport": "true" })).toBe(true);
    expect(conditionHolds({ bool: { "aws:SecureTransport": "false" } }, { "aws:SecureTransport": false })).toBe(true);
  });

  it("compares numbers as numbers", () => {
    expect(conditionHolds({ NumericLessThanEquals: { "s3:max-keys": "10" } }, { "s3:max-keys": "9" })).toBe(true);
    expect(conditionHolds({ NumericLessThanEquals: { "s3:max-keys": "10" } }, { "s3:max-keys": "11" })).toBe(false);
  });

  it("errs towards access on an operator it does not know: an Allow may apply, a Deny proves nothing; the answer says unknown", () => {
    const odd = { DateLessThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } };
    expect(conditionHolds(odd, { "aws:CurrentTime": "2026-01-01T00:00:00Z" })).toBe("unknown");
    expect(evaluate(get(alice), s3(), [allow("s3:GetObject", "*", odd)])).toBe("unknown");
    const deny: PolicyLike = { Statement: [{ Effect: "Deny", Action: "*", Resource: "*", Condition: odd }] };
    expect(evaluate(get(alice), s3(), [ALLOW_EVERYTHING, deny])).toBe("unknown");
    expect(evaluate(get(alice), s3(), [deny])).toBe("implicit-deny");
  });
});

describe("S3 conditional writes ('Enforce conditional writes on Amazon S3 buckets')", () => {
  const policy: PolicyLike = {
    Statement: [
      {
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${BUCKET}/*`,
        Condition: { Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } },
      },
    ],
  };
  const put = (context: Record<string, string | boolean>): Request => ({ principal: alice, action: "s3:PutObject", resource: `${BUCKET}/k`, context });

  it("refuses an unconditional PutObject or CompleteMultipartUpload, admits the multipart steps that carry no header", () => {
    expect(evaluate(put({ "s3:ObjectCreationOperation": true }), s3(policy), [ALLOW_EVERYTHING])).toBe("explicit-deny");
    expect(evaluate(put({ "s3:ObjectCreationOperation": true, "s3:if-none-match": "*" }), s3(policy), [ALLOW_EVERYTHING])).toBe("allow");
    expect(evaluate(put({ "s3:ObjectCreationOperation": false }), s3(policy), [ALLOW_EVERYTHING])).toBe("allow");
  });
});

describe("web identity trust ('Creating a role for OIDC federation')", () => {
  const provider = `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com`;
  const trust: PolicyLike = {
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: provider },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main",
          },
        },
      },
    ],
  };
  const assume = (sub: string, p = provider): Request => ({
    principal: { kind: "federated", provider: p },
    action: "sts:AssumeRoleWithWebIdentity",
    resource: `arn:aws:iam::${A}:role/ci`,
    context: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": sub },
  });

  it("allows only the tokens whose claims satisfy the conditions, from the named provider", () => {
    const target = { service: "trust" as const, account: A, resourcePolicy: trust };
    expect(evaluate(assume("repo:o/r:ref:refs/heads/main"), target)).toBe("allow");
    expect(evaluate(assume("repo:o/r:ref:refs/heads/dev"), target)).toBe("implicit-deny");
    expect(evaluate(assume("repo:o/r:ref:refs/heads/main", `arn:aws:iam::${A}:oidc-provider/ghes.example.com/_services/token`), target)).toBe("implicit-deny");
  });

  it("does not let IAM users assume a role their account is not trusted for", () => {
    const target = { service: "trust" as const, account: A, resourcePolicy: trust };
    expect(evaluate({ principal: alice, action: "sts:AssumeRole", resource: `arn:aws:iam::${A}:role/ci` }, target, [ALLOW_EVERYTHING])).toBe("implicit-deny");
  });
});

describe('what the evaluator cannot decide is "unknown", never a deny (its rule: err towards access)', () => {
  const KEY = `arn:aws:kms:eu-central-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const session: Request["principal"] = { kind: "aws", arn: `arn:aws:iam::${A}:role/alice` };

  // AWS JSON policy elements: NotPrincipal (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html):
  // NotPrincipal is meant for Deny; with Allow it grants everyone but the listed principals, and
  // a role's callers are its sessions (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), which a
  // list naming the role's ARN does not name. A caller the list names may therefore be allowed.
  it("an Allow with NotPrincipal naming the caller's role is unknown; a caller it does not name is allowed", () => {
    const everyoneBut: PolicyLike = {
      Statement: [{ Effect: "Allow", NotPrincipal: { AWS: alice.kind === "aws" ? alice.arn : "" }, Action: "s3:GetObject", Resource: `${BUCKET}/*` }],
    };
    expect(evaluate(get(session), s3(everyoneBut))).toBe("unknown");
    expect(evaluate(get(bob), s3(everyoneBut), [ALLOW_EVERYTHING])).toBe("allow");
    const keyEveryoneBut: PolicyLike = {
      Statement: [{ Effect: "Allow", NotPrincipal: { AWS: [`arn:aws:iam::${A}:role/alice`, `arn:aws:iam::${A}:root`] }, Action: "kms:Decrypt", Resource: "*" }],
    };
    expect(evaluate({ principal: session, action: "kms:Decrypt", resource: KEY }, { service: "kms", account: A, resourcePolicy: keyEveryoneBut })).toBe(
      "unknown",
    );
  });

  // IAM policy elements: Variables and tags (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
  // `${aws:PrincipalTag/team}`, `${aws:username}` and the like are replaced by the request's
  // values before matching; the evaluator does not resolve them, so it cannot compare them as text.
  it("a policy variable in a Resource or a Condition value is unknown, in an Allow and in a Deny", () => {
    const tagged = allow("s3:GetObject", `${BUCKET}/\${aws:PrincipalTag/team}/*`);
    expect(evaluate(get(alice, `${BUCKET}/search/report.csv`), s3(), [tagged])).toBe("unknown");
    const byCondition = allow("s3:GetObject", "*", { StringEquals: { "s3:ExistingObjectTag/team": "${aws:PrincipalTag/team}" } });
    expect(evaluate(get(alice, `${BUCKET}/x`, { "s3:ExistingObjectTag/team": "search", "aws:PrincipalTag/team": "search" }), s3(), [byCondition])).toBe(
      "unknown",
    );
    expect(conditionHolds({ StringEquals: { "s3:ExistingObjectTag/team": "${aws:PrincipalTag/team}" } }, { "s3:ExistingObjectTag/team": "search" })).toBe(
      "unknown",
    );
    // A Deny that may not apply does not prove a denial; one that surely applies still does.
    const denyOthers: PolicyLike = { Statement: [{ Effect: "Deny", Action: "s3:*", NotResource: `${BUCKET}/\${aws:PrincipalTag/team}/*` }] };
    expect(evaluate(get(alice, `${BUCKET}/search/report.csv`), s3(), [ALLOW_EVERYTHING, denyOthers])).toBe("unknown");
    const denyAll: PolicyLike = { Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }] };
    expect(evaluate(get(alice), s3(), [tagged, denyAll])).toBe("explicit-deny");
    // Where a variable cannot matter (no statement could allow), the answer stays a deny.
    expect(evaluate({ principal: alice, action: "s3:PutObject", resource: `${BUCKET}/x` }, s3(), [tagged])).toBe("implicit-deny");
  });

  // AWS JSON policy elements: Principal, "Canonical user principals"
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-canonical-users):
  // a canonical user ID stands for an AWS account, which the evaluator cannot map to an account id.
  it("a CanonicalUser principal may be the caller's account: unknown", () => {
    const canonical: PolicyLike = {
      Statement: [
        {
          Effect: "Allow",
          Principal: { CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" },
          Action: "s3:GetObject",
          Resource: `${BUCKET}/*`,
        },
      ],
    };
    expect(evaluate(get(bob), s3(canonical), [ALLOW_EVERYTHING])).toBe("unknown");
    expect(evaluate(get({ kind: "anonymous" }), s3(canonical))).toBe("implicit-deny");
    const denyCanonical: PolicyLike = {
      Statement: [
        { Effect: "Deny", Principal: { CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" }, Action: "s3:*", Resource: "*" },
      ],
    };
    expect(evaluate(get(alice), s3(denyCanonical), [ALLOW_EVERYTHING])).toBe("unknown");
  });

  it("mayAllow counts unknown as access, so no caller reads it as a proof of denial", () => {
    expect(["allow", "unknown", "implicit-deny", "explicit-deny"].map((d) => mayAllow(d as Decision))).toEqual([true, true, false, false]);
  });
});
