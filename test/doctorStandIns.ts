/**
 * Stand-ins on loopback for the APIs `npm run doctor` reads: GitHub's REST API, Neon's API v2,
 * AWS's STS and IAM query APIs (and S3's HeadBucket), and Pulumi Cloud's REST API. Each keeps
 * the rules of its service that the doctor depends on, written from the service's
 * documentation (the page is cited next to each rule). Each records every request, and any
 * request that would change something (a method other than GET/HEAD, or an AWS action that is
 * not a read) is answered with an error and kept in `writes`: the tests assert it stays empty.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandIn {
  readonly url: string;
  /** Every request, as "METHOD path" (AWS: "POST Action"). */
  readonly calls: string[];
  /** Requests that would have changed something. */
  readonly writes: string[];
  stop(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString();
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = createServer((req, res) => {
    bodyOf(req).then((body) => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------------------------
// GitHub REST API

/** A classic token has scopes; a fine-grained token selected repositories and permissions. */
export type GithubToken =
  | { readonly kind: "classic"; readonly scopes: readonly string[] }
  | { readonly kind: "fine-grained"; readonly repositories: readonly string[]; readonly permissions: Readonly<Record<string, "read" | "write">> };

export interface GithubRepo {
  readonly private: boolean;
  readonly environments: readonly Record<string, unknown>[];
  readonly branchPolicies?: Readonly<Record<string, readonly { name: string; type: string }[]>>;
  /** The active rules on the default branch, as "Get rules for a branch" lists them. */
  readonly rules?: readonly Record<string, unknown>[];
  /** Files of the default branch (path → text), for "Get repository content". */
  readonly files?: Readonly<Record<string, string>>;
  /** An answer other than 200 for the rules route (a stand-in GitHub failing). */
  readonly rulesStatus?: number;
}

export interface GithubWorld {
  readonly tokens: Readonly<Record<string, GithubToken>>;
  readonly repos: Readonly<Record<string, GithubRepo>>;
}

/**
 * The fine-grained permission each route needs, as "Permissions required for fine-grained
 * personal access tokens" lists them
 * (https://docs.github.com/en/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens),
 * checked against each route's own page: "Get a repository" metadata:read
 * (https://docs.github.com/en/rest/repos/repos#get-a-repository), "Get repository content"
 * contents:read (https://docs.github.com/en/rest/repos/contents#get-repository-content), "Get a
 * repository public key" secrets:read (https://docs.github.com/en/rest/actions/secrets#get-a-repository-public-key),
 * "List repository variables" variables:read (https://docs.github.com/en/rest/actions/variables#list-repository-variables),
 * "Get GitHub Actions permissions for a repository" administration:read
 * (https://docs.github.com/en/rest/actions/permissions#get-github-actions-permissions-for-a-repository),
 * "Get the customization template for an OIDC subject claim for a repository" actions:read
 * (https://docs.github.com/en/rest/actions/oidc#get-the-customization-template-for-an-oidc-subject-claim-for-a-repository),
 * "List environments" and "List deployment branch policies" actions:read
 * (https://docs.github.com/en/rest/deployments/environments#list-environments,
 * https://docs.github.com/en/rest/deployments/branch-policies#list-deployment-branch-policies),
 * "Get rules for a branch" metadata:read (https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch).
 */
const GITHUB_ROUTES: readonly { pattern: RegExp; permission: string }[] = [
  { pattern: /^$/, permission: "metadata" },
  { pattern: /^\/contents\//, permission: "contents" },
  { pattern: /^\/actions\/secrets\/public-key$/, permission: "secrets" },
  { pattern: /^\/actions\/variables$/, permission: "variables" },
  { pattern: /^\/actions\/permissions$/, permission: "administration" },
  { pattern: /^\/actions\/oidc\/customization\/sub$/, permission: "actions" },
  { pattern: /^\/environments$/, permission: "actions" },
  { pattern: /^\/environments\/[^/]+\/deployment-branch-policies$/, permission: "actions" },
  { pattern: /^\/rules\/branches\/[^/]+$/, permission: "metadata" },
];

export async function startGithub(world: GithubWorld): Promise<StandIn> {
  const calls: string[] = [];
  const writes: string[] = [];
  const server = await serve((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    calls.push(`${req.method} ${url.pathname}`);
    // Rule: only reads here; the doctor never writes.
    if (req.method !== "GET") {
      writes.push(`${req.method} ${url.pathname}`);
      return json(res, 405, { message: "the doctor must not write" });
    }
    // Rule: a missing or unknown token gets 401 "Bad credentials"
    // (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#401-unauthorized).
    const token = world.tokens[(req.headers.authorization ?? "").replace(/^(Bearer|token) /, "")];
    if (!token) return json(res, 401, { message: "Bad credentials" });
    // Rule: a classic token's response lists its scopes in X-OAuth-Scopes and the route's in
    // X-Accepted-OAuth-Scopes (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
    const headers: Record<string, string> = token.kind === "classic" ? { "x-oauth-scopes": token.scopes.join(", "), "x-accepted-oauth-scopes": "repo" } : {};
    const m = /^\/repos\/([^/]+\/[^/]+)(.*)$/.exec(url.pathname);
    const repo = m && world.repos[m[1]];
    const visible = repo && (token.kind === "classic" ? token.scopes.includes("repo") || !repo.private : token.repositories.includes(m[1]));
    // Rule: a repository the token cannot see is 404, not 403, so its existence does not leak
    // (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#404-not-found-for-an-existing-resource).
    if (!m || !repo || !visible) return json(res, 404, { message: "Not Found" }, headers);
    const route = GITHUB_ROUTES.find((r) => r.pattern.test(m[2]));
    if (!route) return json(res, 404, { message: "Not Found" }, headers);
    if (token.kind === "fine-grained") {
      // Rule: a fine-grained token's answer names the permission the route accepts in
      // X-Accepted-GitHub-Permissions, and one without it is refused with 403
      // (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#insufficient-permission-errors).
      headers["x-accepted-github-permissions"] = `${route.permission}=read`;
      if (route.permission !== "metadata" && !token.permissions[route.permission])
        return json(res, 403, { message: "Resource not accessible by personal access token" }, headers);
    }
    if (m[2].startsWith("/rules/branches/")) return rulesAnswer(res, url, repo, headers);
    const file = /^\/contents\/(.+)$/.exec(m[2]);
    if (file) {
      // Rule: a file is answered with its text base64-encoded in `content` (`encoding: "base64"`);
      // a path that is not there is 404 (https://docs.github.com/en/rest/repos/contents#get-repository-content).
      const text = repo.files?.[file[1]];
      if (text === undefined) return json(res, 404, { message: "Not Found" }, headers);
      return json(res, 200, { type: "file", path: file[1], encoding: "base64", content: Buffer.from(text).toString("base64") }, headers);
    }
    return json(res, 200, githubBody(m[2], repo), headers);
  });
  return { ...server, calls, writes };
}

/**
 * "Get rules for a branch" (https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch):
 * an array of the active rules, paged by `per_page` (default 30, at most 100) and `page`
 * ("Using pagination in the REST API": https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api).
 * The branch need not exist, so any name answers with the rules (here: every rule of the repository).
 */
function rulesAnswer(res: ServerResponse, url: URL, repo: GithubRepo, headers: Record<string, string>): void {
  if (repo.rulesStatus) return json(res, repo.rulesStatus, { message: "Server Error" }, headers);
  const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
  const page = Number(url.searchParams.get("page") ?? 1);
  const rules = repo.rules ?? [];
  return json(res, 200, rules.slice((page - 1) * perPage, page * perPage), headers);
}

function githubBody(rest: string, repo: GithubRepo): unknown {
  if (rest === "") return { private: repo.private, default_branch: "main" };
  if (rest === "/environments") return { total_count: repo.environments.length, environments: repo.environments };
  const policies = /^\/environments\/([^/]+)\/deployment-branch-policies$/.exec(rest);
  if (policies) {
    const list = repo.branchPolicies?.[decodeURIComponent(policies[1])] ?? [];
    return { total_count: list.length, branch_policies: list };
  }
  if (rest.startsWith("/actions/variables")) return { total_count: 0, variables: [] };
  if (rest.endsWith("public-key")) return { key_id: "012345678912345678", key: "2Sg8iYjAxxmI2LvUXpJjkYrMxURPc8r+dB7TJyvv1234" };
  if (rest.endsWith("/sub")) return { use_default: true };
  if (rest.endsWith("/permissions")) return { enabled: true, allowed_actions: "all" };
  return [];
}

/** An environment as "List environments" answers it, protected as docs/deploying.md asks. */
export function environment(
  name: string,
  opts: { reviewers?: number[]; preventSelfReview?: boolean; branches?: "all" | "custom" | "protected" } = {},
): Record<string, unknown> {
  const rules: Record<string, unknown>[] = [];
  if (opts.reviewers?.length)
    rules.push({
      id: 1,
      type: "required_reviewers",
      prevent_self_review: opts.preventSelfReview ?? false,
      reviewers: opts.reviewers.map((id) => ({ type: "User", reviewer: { id, login: `user${id}` } })),
    });
  const branches = opts.branches ?? "custom";
  return {
    id: name.length,
    name,
    protection_rules: rules,
    deployment_branch_policy: branches === "all" ? null : { protected_branches: branches === "protected", custom_branch_policies: branches === "custom" },
  };
}

// ---------------------------------------------------------------------------------------------
// Neon API v2

export interface NeonWorld {
  /** key → the organisations it reaches. */
  readonly keys: Readonly<Record<string, readonly string[]>>;
  readonly orgs: Readonly<Record<string, { name: string; plan: string; projects: readonly string[] }>>;
}

export async function startNeon(world: NeonWorld): Promise<StandIn> {
  const calls: string[] = [];
  const writes: string[] = [];
  const server = await serve((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.method !== "GET") {
      writes.push(`${req.method} ${url.pathname}`);
      return json(res, 405, { message: "the doctor must not write" });
    }
    // Rule: every call carries the key as a bearer token; a bad key is 401
    // (https://api-docs.neon.tech/reference/authentication).
    const orgs = world.keys[(req.headers.authorization ?? "").replace(/^Bearer /, "")];
    if (!orgs) return json(res, 401, { code: "", message: "authorization failed" });
    const org = /^\/api\/v2\/organizations\/([^/]+)$/.exec(url.pathname);
    if (org) {
      // Rule: "Retrieve organization details" answers the organisation's id, name and plan
      // (https://api-docs.neon.tech/reference/getorganization); another organisation's is not found.
      const o = world.orgs[org[1]];
      if (!o || !orgs.includes(org[1])) return json(res, 404, { code: "", message: "organization not found" });
      return json(res, 200, {
        id: org[1],
        name: o.name,
        handle: org[1],
        plan: o.plan,
        created_at: "2026-01-01T00:00:00Z",
        managed_by: "console",
        updated_at: "2026-01-01T00:00:00Z",
      });
    }
    if (url.pathname === "/api/v2/projects") {
      // Rule: "List projects" pages with `limit` (1 to 400) and an opaque `cursor` the previous
      // page returned in `pagination.cursor` (https://api-docs.neon.tech/reference/listprojects).
      const orgId = url.searchParams.get("org_id") ?? "";
      if (!orgs.includes(orgId)) return json(res, 404, { code: "", message: "organization not found" });
      const all = world.orgs[orgId].projects;
      const limit = Number(url.searchParams.get("limit") ?? 10);
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const page = all.slice(start, start + limit);
      return json(res, 200, {
        projects: page.map((name, i) => ({ id: `p-${start + i}`, name, region_id: "aws-eu-central-1", created_at: "2026-01-01T00:00:00Z" })),
        pagination: { cursor: String(start + page.length) },
      });
    }
    return json(res, 404, { code: "", message: "not found" });
  });
  return { ...server, calls, writes };
}

// ---------------------------------------------------------------------------------------------
// AWS: STS and IAM (the query API) and S3's HeadBucket

export interface AwsPrincipal {
  /** The ARN GetCallerIdentity answers (a user, or an assumed role's session). */
  readonly arn: string;
  readonly account: string;
  /** Actions (with `*` globs) the identity policies allow, and deny, on any resource. */
  readonly allow: readonly string[];
  readonly deny?: readonly string[];
}

export interface AwsWorld {
  /** access key id → principal. */
  readonly keys: Readonly<Record<string, AwsPrincipal>>;
  readonly buckets: readonly string[];
}

/** The read actions the doctor may call (every other Action would change something or is not its business). */
const AWS_READS = new Set(["GetCallerIdentity", "GetRole", "SimulatePrincipalPolicy"]);

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function awsError(res: ServerResponse, status: number, code: string, message: string): void {
  // Rule: query API errors are an ErrorResponse document with Type, Code and Message
  // (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
  res.writeHead(status, { "content-type": "text/xml" });
  res.end(
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
  );
}

function awsResult(res: ServerResponse, action: string, inner: string): void {
  res.writeHead(200, { "content-type": "text/xml" });
  res.end(`<${action}Response><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`);
}

export async function startAws(world: AwsWorld): Promise<StandIn> {
  const calls: string[] = [];
  const writes: string[] = [];
  const server = await serve((req, res, body) => {
    // Rule: S3's HeadBucket is HEAD /BUCKET: 200 if it exists and the caller may list it, 404 if not
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
    if (req.method === "HEAD" || req.method === "GET") {
      calls.push(`${req.method} ${req.url}`);
      if (req.method === "GET") return awsError(res, 400, "InvalidRequest", "the doctor only asks HeadBucket");
      const bucket = (req.url ?? "/").split("?")[0].split("/")[1];
      res.writeHead(world.buckets.includes(bucket) ? 200 : 404);
      return res.end();
    }
    const form = new URLSearchParams(body);
    const action = form.get("Action") ?? "";
    calls.push(`${req.method} ${action}`);
    if (!AWS_READS.has(action)) {
      writes.push(`${req.method} ${action || req.url}`);
      return awsError(res, 400, "InvalidAction", `the doctor must not call ${action}`);
    }
    // Rule: requests are SigV4-signed; the Credential names the access key id, and an unknown
    // key is InvalidClientTokenId (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
    const keyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const who = world.keys[keyId];
    if (!who) return awsError(res, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    if (action === "GetCallerIdentity")
      // Rule: GetCallerIdentity needs no permission and answers Arn, UserId and Account
      // (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
      return awsResult(res, action, `<Arn>${who.arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>${who.account}</Account>`);
    const allowed = (a: string) => !(who.deny ?? []).some((p) => glob(p).test(a)) && who.allow.some((p) => glob(p).test(a));
    if (action === "GetRole") {
      // Rule: GetRole needs iam:GetRole and answers the role with its path in the ARN
      // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html).
      if (!allowed("iam:GetRole")) return awsError(res, 403, "AccessDenied", "not authorized to perform: iam:GetRole");
      const name = form.get("RoleName") ?? "";
      return awsResult(
        res,
        action,
        `<Role><Path>/ci/</Path><RoleName>${name}</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>arn:aws:iam::${who.account}:role/ci/${name}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></Role>`,
      );
    }
    // Rule: SimulatePrincipalPolicy needs iam:SimulatePrincipalPolicy, evaluates each action on each
    // resource, and answers allowed, explicitDeny or implicitDeny for each
    // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html).
    if (!allowed("iam:SimulatePrincipalPolicy")) return awsError(res, 403, "AccessDenied", "not authorized to perform: iam:SimulatePrincipalPolicy");
    const members = (prefix: string) => [...form.entries()].filter(([k]) => k.startsWith(`${prefix}.member.`)).map(([, v]) => v);
    const resources = members("ResourceArns").length ? members("ResourceArns") : ["*"];
    const results = members("ActionNames").flatMap((a) =>
      resources.map((r) => {
        const decision = (who.deny ?? []).some((p) => glob(p).test(a)) ? "explicitDeny" : who.allow.some((p) => glob(p).test(a)) ? "allowed" : "implicitDeny";
        return `<member><EvalActionName>${a}</EvalActionName><EvalResourceName>${xmlEscape(r)}</EvalResourceName><EvalDecision>${decision}</EvalDecision></member>`;
      }),
    );
    return awsResult(res, action, `<EvaluationResults>${results.join("")}</EvaluationResults><IsTruncated>false</IsTruncated>`);
  });
  return { ...server, calls, writes };
}

// ---------------------------------------------------------------------------------------------
// Pulumi Cloud

export async function startPulumiCloud(tokens: Readonly<Record<string, string>>): Promise<StandIn> {
  const calls: string[] = [];
  const writes: string[] = [];
  const server = await serve((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    if (req.method !== "GET") {
      writes.push(`${req.method} ${req.url}`);
      return json(res, 405, { message: "the doctor must not write" });
    }
    // Rule: every request carries "Authorization: token <token>"; a missing or invalid token is 401
    // (https://www.pulumi.com/docs/reference/cloud-rest-api/api-basics/).
    const login = tokens[(req.headers.authorization ?? "").replace(/^token /, "")];
    if (!login) return json(res, 401, { code: 401, message: "Unauthorized: No credentials provided or are invalid." });
    // Rule: GET /api/user answers the token's user (https://www.pulumi.com/docs/reference/cloud-rest-api/users/).
    if (req.url === "/api/user") return json(res, 200, { id: "u-1", githubLogin: login, name: login, email: "", avatarUrl: "", organizations: [] });
    return json(res, 404, { code: 404, message: "Not found" });
  });
  return { ...server, calls, writes };
}
