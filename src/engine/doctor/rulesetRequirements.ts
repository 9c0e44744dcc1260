/**
 * What the signup path asks of the rules on the default branch of this stack's own repository,
 * judged from what GitHub answers. Pure.
 *
 * - The rules: `GET /repos/{owner}/{repo}/rules/branches/{branch}` returns every active rule
 *   that applies to the branch, whatever ruleset (repository or organisation) it comes from,
 *   as `[{ type, parameters, ruleset_source_type, ruleset_source, ruleset_id }]`; rules of
 *   rulesets in "evaluate" or "disabled" enforcement are not returned
 *   (https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch). Several rulesets can
 *   apply at once and the most restrictive version of each rule wins
 *   (https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets#about-rule-layering),
 *   so the `pull_request` parameters are combined (the highest count, any `true`) and the
 *   required status checks are the union of every `required_status_checks` rule's.
 * - CODEOWNERS: GitHub reads the first of `.github/CODEOWNERS`, `CODEOWNERS`,
 *   `docs/CODEOWNERS` on the base branch; patterns follow gitignore's rules except that `!`,
 *   `[ ]` and `\#` do not work as there, the last matching line wins, and a line without
 *   owners leaves its paths unowned
 *   (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners).
 */

/** A rule as "Get rules for a branch" lists it (the fields the doctor reads). */
import { DEPLOY_SCRIPTS, OPERATION_SCRIPT_PATH } from "../../operations/scripts";
export interface BranchRule {
  readonly type: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly ruleset_id?: number;
}

/** Where GitHub looks for CODEOWNERS, in its order (about-code-owners, "CODEOWNERS file location"). */
export const CODEOWNERS_LOCATIONS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/**
 * Paths whose changes must get a code owner's review: this repository's workflow files, one
 * that does not exist yet (a pattern naming today's files only would leave a new workflow
 * unowned), and the scripts deploy.yml runs from the merged commit to choose prod-additions
 * (DEPLOY_SCRIPTS, and a new one beside them): a change to either could send a deploy past the
 * prod reviewers (docs/deploying.md, "Who can reach prod-additions' secrets").
 */
export function guardedPaths(workflowFiles: readonly string[]): string[] {
  const deployScripts = [...Object.values(DEPLOY_SCRIPTS), "deploy-a-new-step.sh"].map((f) => `${OPERATION_SCRIPT_PATH}/${f}`);
  return [...workflowFiles.map((f) => `.github/workflows/${f}`), ".github/workflows/a-new-workflow.yml", ".github/a-new-file", ...deployScripts];
}

/** What the signup path needs of the branch's rules: one line per shortfall, each with its fix. */
export function rulesetProblems(rules: readonly BranchRule[], requiredChecks: readonly string[]): string[] {
  const prRules = rules.filter((r) => r.type === "pull_request").map((r) => r.parameters ?? {});
  const problems: string[] = [];
  const where = "(Settings → Rules → Rulesets → the ruleset on the default branch → Require a pull request before merging)";
  if (!prRules.length) return [`no pull_request rule applies: add "Require a pull request before merging" with the settings below ${where}`];
  const count = Math.max(...prRules.map((p) => (typeof p.required_approving_review_count === "number" ? p.required_approving_review_count : 0)));
  const any = (key: string) => prRules.some((p) => p[key] === true);
  if (count < 1) problems.push(`required_approving_review_count is ${count}: require at least 1 approval ${where}`);
  if (!any("dismiss_stale_reviews_on_push"))
    problems.push(`dismiss_stale_reviews_on_push is off: tick "Dismiss stale pull request approvals when new commits are pushed" ${where}`);
  if (!any("require_last_push_approval"))
    problems.push(`require_last_push_approval is off: tick "Require approval of the most recent reviewable push" ${where}`);
  if (!any("require_code_owner_review"))
    problems.push(`require_code_owner_review is off: tick "Require review from Code Owners" ${where}, so a workflow change needs a person`);
  const listed = new Set(
    rules
      .filter((r) => r.type === "required_status_checks")
      .flatMap((r) => (Array.isArray(r.parameters?.required_status_checks) ? (r.parameters.required_status_checks as { context?: unknown }[]) : []))
      .map((c) => String(c.context)),
  );
  const missing = requiredChecks.filter((c) => !listed.has(c));
  if (missing.length)
    problems.push(
      `required status checks lack ${missing.map((c) => JSON.stringify(c)).join(", ")}: add them (the ruleset → Require status checks to pass → Add checks)`,
    );
  return problems;
}

interface OwnerLine {
  readonly pattern: RegExp;
  /** A pattern ending in `/` matches directories only. */
  readonly dirOnly: boolean;
  /** Whether a match of a directory owns everything under it. */
  readonly coversDescendants: boolean;
  readonly owners: readonly string[];
}

const escapeRegex = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&");

/** One gitignore-style pattern as a regular expression over a path without leading slash. */
function patternRegex(raw: string): { pattern: RegExp; dirOnly: boolean; coversDescendants: boolean } {
  const dirOnly = raw.endsWith("/");
  let body = raw.replace(/\/+$/, "");
  // A separator at the start or in the middle anchors the pattern at the root; otherwise it matches at any depth.
  const anchored = body.startsWith("/") || body.includes("/");
  body = body.replace(/^\/+/, "");
  const parts: string[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body.startsWith("**/", i)) {
      parts.push("(?:.*/)?");
      i += 2;
    } else if (body.startsWith("**", i)) {
      parts.push(".*");
      i += 1;
    } else if (body[i] === "*") parts.push("[^/]*");
    else if (body[i] === "?") parts.push("[^/]");
    else parts.push(escapeRegex(body[i]));
  }
  const last = body.split("/").at(-1) ?? "";
  // GitHub's examples: `docs/*` owns docs/a.md but not docs/b/c.md; `apps/`, `/docs/` and `**/logs` own everything under.
  const coversDescendants = dirOnly || last === "**" || !/[*?]/.test(last);
  return { pattern: new RegExp(`^${anchored ? "" : "(?:.*/)?"}${parts.join("")}$`), dirOnly, coversDescendants: coversDescendants || body === "*" };
}

/** The lines of a CODEOWNERS file that name a pattern (comments and blank lines left out). */
export function parseCodeowners(text: string): OwnerLine[] {
  const lines: OwnerLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const [raw, ...rest] = trimmed.split(/\s+/);
    const comment = rest.findIndex((o) => o.startsWith("#"));
    lines.push({ ...patternRegex(raw), owners: comment === -1 ? rest : rest.slice(0, comment) });
  }
  return lines;
}

/** The owners of a path: the last line whose pattern matches it (or a directory above it, where the pattern owns what is under it). */
export function ownersOf(lines: readonly OwnerLine[], file: string): readonly string[] {
  const segments = file.split("/");
  const ancestors = segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join("/"));
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if ((!l.dirOnly && l.pattern.test(file)) || (l.coversDescendants && ancestors.some((a) => l.pattern.test(a)))) return l.owners;
  }
  return [];
}

/** Each path that CODEOWNERS gives an owner, with its owners. */
export function ownedPaths(codeowners: string, paths: readonly string[]): { path: string; owners: readonly string[] }[] {
  const lines = parseCodeowners(codeowners);
  return paths.map((p) => ({ path: p, owners: ownersOf(lines, p) })).filter((p) => p.owners.length > 0);
}

/** The guarded paths CODEOWNERS leaves without an owner. */
export function unownedPaths(codeowners: string, paths: readonly string[]): string[] {
  const lines = parseCodeowners(codeowners);
  return paths.filter((p) => ownersOf(lines, p).length === 0);
}
