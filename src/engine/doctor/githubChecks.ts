/**
 * The GitHub checks: the token reaches the application repository, each permission the stack
 * uses answers its read, and this repository's CI environments are protected as its
 * workflows need. GET requests only.
 */
import type { GithubPermission } from "../../core/config/credentials";
import { fail, ok, quoted, skip, type Check } from "./report";
import { environmentProblems, PERMISSION_PROBES, type BranchPolicy, type CiEnvironment, type ListedEnvironment } from "./githubRequirements";

/** Where the GitHub provider sends its calls unless told otherwise (GITHUB_BASE_URL, as it reads). */
export const GITHUB_API = "https://api.github.com";

export interface GithubAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** One GET; a network failure is an answer of status 0 with the reason. */
export async function githubGet(base: string, token: string, path: string): Promise<GithubAnswer> {
  try {
    const res = await fetch(`${base.replace(/\/+$/, "")}${path}`, {
      method: "GET",
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "tenant-fleet-doctor",
      },
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the message
    }
    return { status: res.status, headers: res.headers, body };
  } catch (err) {
    return { status: 0, headers: new Headers(), body: { message: (err as Error).message } };
  }
}

const messageOf = (a: GithubAnswer) =>
  quoted(typeof a.body === "object" && a.body && "message" in a.body ? String((a.body as { message: unknown }).message) : String(a.body ?? ""));

export interface GithubTarget {
  readonly base: string;
  readonly token: string;
  readonly owner: string;
  readonly repository: string;
  readonly branch: string;
}

/** The repository, then one line per permission the stack needs. */
export async function checkRepositoryAccess(t: GithubTarget, needed: readonly GithubPermission[]): Promise<Check[]> {
  const full = `${t.owner}/${t.repository}`;
  const name = `github repository ${full}`;
  const repo = await githubGet(t.base, t.token, `/repos/${full}`);
  if (repo.status !== 200) return [repositoryFailure(name, repo, full)];
  const scopes = repo.headers.get("x-oauth-scopes");
  const isPrivate = (repo.body as { private?: boolean }).private !== false;
  const kind = scopes === null ? "a fine-grained or GitHub App token" : `a classic token (scopes: ${scopes || "none"})`;
  const checks: Check[] = [ok(name, `reachable with ${kind}`)];
  for (const p of needed) {
    checks.push(scopes === null ? await probePermission(t, p) : classicScopeCheck(p, scopes, isPrivate));
  }
  return checks;
}

function repositoryFailure(name: string, a: GithubAnswer, full: string): Check {
  if (a.status === 0) return fail(name, `no answer from GitHub (${messageOf(a)})`, "check the network, or GITHUB_BASE_URL if set");
  if (a.status === 401) return fail(name, "GitHub rejects the token (401: expired, revoked or mistyped)", "make a new token and export GITHUB_TOKEN again");
  if (a.status === 404)
    return fail(
      name,
      "not found with this token (404: it does not exist, or the token cannot see it)",
      `check tenant-fleet:githubOwner/githubRepository, and give the token ${full} (fine-grained: Repository access → Only select repositories; App: install it on ${full})`,
    );
  return fail(name, `HTTP ${a.status}: ${messageOf(a)}`, "check the token's access to the repository");
}

const label = (p: GithubPermission) => `github permission ${p.permission} (${p.access})`;

function classicScopeCheck(p: GithubPermission, scopes: string, isPrivate: boolean): Check {
  const probe = PERMISSION_PROBES[p.permission];
  const have = new Set(scopes.split(",").map((s) => s.trim()));
  const scope = probe.classicScope;
  const granted = have.has(scope) || (scope === "repo" && !isPrivate && have.has("public_repo"));
  return granted
    ? ok(label(p), `the classic token has the ${scope} scope`)
    : fail(
        label(p),
        `the classic token lacks the ${scope} scope (${p.why})`,
        `add ${scope} to the token, or use a fine-grained token with ${p.permission}: ${p.access}`,
      );
}

async function probePermission(t: GithubTarget, p: GithubPermission): Promise<Check> {
  const probe = PERMISSION_PROBES[p.permission];
  if (!probe.path) return skip(label(p), `not provable read-only: ${probe.unprovable}`);
  const path = `/repos/${t.owner}/${t.repository}${probe.path(t.branch)}`;
  const a = await githubGet(t.base, t.token, path);
  const write = p.access === "write" ? " (the write half shows only on a write)" : "";
  if (a.status === 200) return ok(label(p), `GET ${path} answered${write}`);
  const accepted = a.headers.get("x-accepted-github-permissions");
  if (a.status === 403 || a.status === 404) {
    const wants = accepted ? `GitHub accepts ${accepted} for it` : `HTTP ${a.status}: ${messageOf(a)}`;
    return fail(
      label(p),
      `GET ${path} refused (${wants})`,
      `grant the token ${p.permission}: ${p.access === "write" ? "Read and write" : "Read-only"} on ${t.owner}/${t.repository} (${p.why})`,
    );
  }
  return fail(label(p), `GET ${path}: HTTP ${a.status}: ${messageOf(a)}`, "run the doctor again; if it persists, check GitHub's status");
}

/** Every page of a listing GitHub pages with `page` and `per_page` (at most 100 a page). */
async function allPages<T>(t: { base: string; token: string }, path: string, field: string): Promise<{ items: T[] } | { error: GithubAnswer }> {
  const items: T[] = [];
  for (let page = 1; page <= 50; page++) {
    const a = await githubGet(t.base, t.token, `${path}${path.includes("?") ? "&" : "?"}per_page=100&page=${page}`);
    if (a.status !== 200) return { error: a };
    const got = ((a.body as Record<string, unknown>)[field] ?? []) as T[];
    items.push(...got);
    if (got.length < 100) break;
  }
  return { items };
}

/** One line per environment this repository's workflows need, judged against GitHub's settings. */
export async function checkCiEnvironments(t: { base: string; token: string }, ciRepository: string, wanted: readonly CiEnvironment[]): Promise<Check[]> {
  const listing = await allPages<ListedEnvironment>(t, `/repos/${ciRepository}/environments`, "environments");
  if ("error" in listing) {
    const a = listing.error;
    const why = a.status === 0 ? `no answer (${messageOf(a)})` : `HTTP ${a.status}: ${messageOf(a)}`;
    return [
      fail(
        `ci environments of ${ciRepository}`,
        `cannot list them (${why})`,
        `give the token read access to ${ciRepository} (fine-grained: Actions: Read-only), or run the doctor with a token that has it`,
      ),
    ];
  }
  const listed = new Map(listing.items.map((e) => [e.name, e]));
  const checks: Check[] = [];
  for (const want of wanted) {
    const name = `ci environment ${want.name} (${want.workflows.join(", ")})`;
    let policies: BranchPolicy[] | undefined;
    if (want.mainOnly && listed.get(want.name)?.deployment_branch_policy?.custom_branch_policies) {
      const got = await allPages<BranchPolicy>(
        t,
        `/repos/${ciRepository}/environments/${encodeURIComponent(want.name)}/deployment-branch-policies`,
        "branch_policies",
      );
      if ("error" in got) {
        checks.push(fail(name, `cannot read its deployment branch policies (HTTP ${got.error.status})`, "give the token Actions: Read-only on the repository"));
        continue;
      }
      policies = got.items;
    }
    const problems = environmentProblems(want, listed, policies);
    checks.push(
      problems.length
        ? fail(name, problems.map((p) => p.split(": ")[0]).join(", "), problems.map((p) => p.split(": ").slice(1).join(": ")).join("; "))
        : ok(name, describeWanted(want)),
    );
  }
  return checks;
}

function describeWanted(w: CiEnvironment): string {
  const parts = [w.reviewers ? `required reviewers${w.preventSelfReview ? ", no self-review" : ""}` : "no reviewers required"];
  if (w.reviewersOtherThan) parts.push(`reviewers apart from ${w.reviewersOtherThan}'s`);
  parts.push(w.mainOnly ? "main only" : "any branch");
  return parts.join(", ");
}
