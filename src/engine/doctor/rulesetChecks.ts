/**
 * The rules the signup path relies on (docs/signup.md, "Setting it up"), read from GitHub: the
 * rules on this repository's default branch and its CODEOWNERS. GET requests only; what they
 * must say is ./rulesetRequirements.ts.
 */
import { githubGet, type GithubAnswer } from "./githubChecks";
import { fail, ok, quoted, skip, type Check } from "./report";
import { CODEOWNERS_LOCATIONS, ownedPaths, rulesetProblems, unownedPaths, type BranchRule } from "./rulesetRequirements";

export interface RulesetTarget {
  readonly base: string;
  readonly token: string;
  /** OWNER/REPOSITORY of this stack's own repository (where tenant-signup.yml runs). */
  readonly repository: string;
}

export interface SignupUse {
  /** Why the signup path is in use, or undefined when it is off. */
  readonly inUse?: string;
  /** Why it is off, when it is. */
  readonly off?: string;
}

const RULES_DOC = "https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch";

const whyNot = (a: GithubAnswer) => {
  const message = typeof a.body === "object" && a.body && "message" in a.body ? String((a.body as { message: unknown }).message) : String(a.body ?? "");
  return a.status === 0 ? `no answer from GitHub (${quoted(message)})` : `HTTP ${a.status}: ${quoted(message)}`;
};

/** Every page of the branch's rules (an array, up to 100 a page). */
async function branchRules(t: RulesetTarget, branch: string): Promise<{ rules: BranchRule[] } | { error: GithubAnswer }> {
  const rules: BranchRule[] = [];
  for (let page = 1; page <= 20; page++) {
    const a = await githubGet(t.base, t.token, `/repos/${t.repository}/rules/branches/${encodeURIComponent(branch)}?per_page=100&page=${page}`);
    if (a.status !== 200 || !Array.isArray(a.body)) return { error: a };
    rules.push(...(a.body as BranchRule[]));
    if (a.body.length < 100) break;
  }
  return { rules };
}

/** The first CODEOWNERS file GitHub would use on the branch, or where none is. */
async function codeowners(t: RulesetTarget, branch: string): Promise<{ file?: string; text?: string } | { error: GithubAnswer; file: string }> {
  for (const file of CODEOWNERS_LOCATIONS) {
    const a = await githubGet(t.base, t.token, `/repos/${t.repository}/contents/${file}?ref=${encodeURIComponent(branch)}`);
    if (a.status === 404) continue;
    const body = a.body as { content?: unknown; encoding?: unknown } | undefined;
    if (a.status !== 200 || typeof body?.content !== "string") return { error: a, file };
    return { file, text: Buffer.from(body.content, "base64").toString("utf8") };
  }
  return {};
}

/** The ruleset line and the CODEOWNERS line; a skip when the signup path is off. */
/** What the CODEOWNERS must say: these paths owned (the workflows), those not (the tenants files signups edit). */
export interface OwnerWants {
  readonly guarded: readonly string[];
  readonly unowned: readonly string[];
}

export async function checkSignupRuleset(t: RulesetTarget, use: SignupUse, requiredChecks: readonly string[], owners: OwnerWants): Promise<Check[]> {
  const name = `signup ruleset of ${t.repository}`;
  if (!use.inUse) return [skip(name, `not needed: ${use.off}`)];
  const repo = await githubGet(t.base, t.token, `/repos/${t.repository}`);
  const branch = (repo.body as { default_branch?: unknown } | undefined)?.default_branch;
  if (repo.status !== 200 || typeof branch !== "string")
    return [
      fail(
        name,
        `cannot check: GET /repos/${t.repository} did not answer with its default branch (${whyNot(repo)})`,
        `give the token read access to ${t.repository}`,
      ),
    ];
  const got = await branchRules(t, branch);
  const checks: Check[] = [];
  if ("error" in got)
    checks.push(
      fail(
        `${name} (${branch})`,
        `cannot check: GET /repos/${t.repository}/rules/branches/${branch} (${whyNot(got.error)})`,
        `give the token Metadata: Read-only on ${t.repository} (${RULES_DOC}), or check the ruleset by hand (docs/signup.md, "Setting it up")`,
      ),
    );
  else {
    const problems = rulesetProblems(got.rules, requiredChecks);
    checks.push(
      problems.length
        ? fail(
            `${name} (${branch})`,
            `${use.inUse}, but ${problems.map((p) => p.split(": ")[0]).join("; ")}`,
            problems.map((p) => p.split(": ").slice(1).join(": ")).join("; "),
          )
        : ok(
            `${name} (${branch})`,
            `a pull request with an approval, stale approvals dismissed, the last push approved, code owners' review, and the checks ${requiredChecks.join(", ")}`,
          ),
    );
  }
  checks.push(await codeownersCheck(t, branch, owners));
  return checks;
}

async function codeownersCheck(t: RulesetTarget, branch: string, want: OwnerWants): Promise<Check> {
  const name = `signup codeowners of ${t.repository} (${branch})`;
  const found = await codeowners(t, branch);
  if ("error" in found)
    return fail(name, `cannot check: GET …/contents/${found.file} (${whyNot(found.error)})`, `give the token Contents: Read-only on ${t.repository}`);
  if (found.text === undefined)
    return fail(
      name,
      `no CODEOWNERS on ${branch} (${CODEOWNERS_LOCATIONS.join(", ")})`,
      "add .github/CODEOWNERS with a line such as `/.github/ @OWNER/TEAM`, so a change to a workflow needs a person's review",
    );
  const unowned = unownedPaths(found.text, want.guarded);
  if (unowned.length)
    return fail(
      name,
      `${found.file} leaves ${unowned.map((p) => quoted(p)).join(", ")} without an owner`,
      `add a line \`/.github/ @OWNER/TEAM\` at the end of ${found.file} (the last matching line decides)`,
    );
  // A code owner is a person or a team; the approver App is neither, so an owned tenants file would make every signup wait for its owner.
  const owned = ownedPaths(found.text, want.unowned);
  if (owned.length)
    return fail(
      name,
      `${found.file} gives ${owned.map((o) => `${quoted(o.path)} to ${o.owners.join(" ")}`).join(", ")}: with code owners' review required, every signup pull request would wait for them (the approver App cannot be a code owner)`,
      `end ${found.file} with a line naming the file and no owner (\`/${owned[0].path}\`), so an approval of the tenants file is enough`,
    );
  return ok(
    name,
    `${found.file} gives every path under .github/ and the deploy's scripts an owner and leaves ${want.unowned.join(", ")} to the required approval`,
  );
}
