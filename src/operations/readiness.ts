/**
 * Which commit statuses `tenant-fleet/ready/<stack>` a deploy owes (docs/signup.md, "The
 * application learns it is ready"; src/operations/sh/deploy-ready.sh runs it through
 * `npm run signup -- ready-commits` and `ready-plan`).
 *
 * The application polls the commit that added its tenant (the signup's merge commit). A deploy
 * may cover several such commits: GitHub keeps one pending run per concurrency group and
 * cancels the pending one when a newer run queues, so the newest run deploys every merge since
 * the last deploy. And a run whose ready step never ran (a failed step, a lost runner) leaves
 * tenants that exist but were never announced. So the owed statuses are derived, every run,
 * from two records, each counted only when a push run of deploy.yml on main wrote it:
 * - the range: main's first-parent commits since the newest commit whose run's ready step
 *   completed (its marker status `<READY_DONE_PREFIX>/<stack>`, see `boundIndex`), the ones
 *   that changed the stack's tenants file, each with the tenants it added;
 * - the ready statuses already on those commits (success, this context, posted by the
 *   workflow token with a verified deploy run as target, see `isDeployRun`): a tenant of the
 *   range that the stack has and that no such status names is announced now, on the commit
 *   that added it.
 * Any workflow of the repository (a same-repository pull request's) posts as the workflow
 * token too, so the creator alone proves nothing: the status's run is looked up.
 * A tenant this run created that no commit of the range added (a reactivation, or a range cut
 * at READY_MAX_COMMITS) is announced on the run's own commit, as before.
 */
import { execFileSync } from "node:child_process";
import { parse } from "yaml";
import { TENANT_ID_PATTERN } from "../../tenants/schema";

/** At most this many commits that changed the tenants file are examined per stack and run; older ones of the range keep only the dispatch and the manifest. */
export const READY_MAX_COMMITS = 30;
/** At most this many statuses are posted per stack and run; the dispatch still names every tenant, and the manifest lists them. */
export const READY_MAX_STATUSES = 60;
/** The first-parent commits walked looking for the last deployed one (the range's bound when none is found). */
export const READY_SCAN_COMMITS = 2000;
/** A commit status's description holds 140 characters (https://docs.github.com/en/rest/commits/statuses#create-a-commit-status, "description"). */
export const STATUS_DESCRIPTION_MAX = 140;
/** Who a status posted with GITHUB_TOKEN names as its creator (the `creator.login` of List commit statuses for a reference). */
export const WORKFLOW_TOKEN_LOGIN = "github-actions[bot]";
/** The text before the tenants' names in a ready status's description. */
const DESCRIPTION_LEAD = "ready: ";

/** A workflow run as Get a workflow run answers it (https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run). */
export interface ListedRun {
  readonly id?: unknown;
  readonly path?: unknown;
  readonly event?: unknown;
  readonly head_branch?: unknown;
  readonly head_sha?: unknown;
}

/** What a run must be for its statuses to count: deploy.yml's path, the default branch, and main's first-parent commits (newest first). */
export interface DeployRunRule {
  readonly workflowFile: string;
  readonly branch: string;
  readonly chain: ReadonlySet<string>;
}

/**
 * Whether `run` is a push run of deploy.yml on the default branch at a commit of main's
 * first-parent chain. `path` may carry `@<ref>` (the workflow file's ref); `head_branch` is the
 * pushed ref's short name, so a push of a tag called main reports it too: only the commit being
 * on main's chain tells such a run (with its own, edited deploy.yml) from a deploy.
 */
export function isDeployRun(run: ListedRun | undefined, rule: DeployRunRule): boolean {
  if (!run || typeof run.path !== "string" || typeof run.head_sha !== "string") return false;
  return run.path.split("@")[0] === rule.workflowFile && run.event === "push" && run.head_branch === rule.branch && rule.chain.has(run.head_sha);
}

/** The run id a success status of `context`, posted by the workflow token, points at (target_url `<runsUrl><id>`); undefined for any other status. */
export function statusRunId(s: ListedStatus, context: string, runsUrl: string): string | undefined {
  if (s.state !== "success" || s.context !== context || s.creator?.login !== WORKFLOW_TOKEN_LOGIN) return undefined;
  if (typeof s.target_url !== "string" || !s.target_url.startsWith(runsUrl)) return undefined;
  const id = s.target_url.slice(runsUrl.length);
  return /^\d+$/.test(id) ? id : undefined;
}

/** Whether a commit's statuses hold a ready-done marker (`context`) whose run is a deploy run of that very commit. */
export function hasDoneMarker(
  sha: string,
  statuses: readonly ListedStatus[],
  context: string,
  runsUrl: string,
  runOf: (id: string) => ListedRun | undefined,
  rule: DeployRunRule,
): boolean {
  return statuses.some((s) => {
    const id = statusRunId(s, context, runsUrl);
    const run = id === undefined ? undefined : runOf(id);
    return run !== undefined && run.head_sha === sha && isDeployRun(run, rule);
  });
}

/** How the range's bound was found: a completed ready step's marker, the oldest deploy checked for one, the newest successful deploy (no marker checked), or none. */
export type BoundKind = "ready-done" | "oldest-checked-deploy" | "deploy" | "none";

/**
 * Where the range stops in `chain` (newest first, chain[0] the run's own commit): the newest
 * deployed commit whose marker is verified. Without one among the deploys checked, nothing
 * proves any of their ready steps completed (one may have failed softly and still let its run
 * succeed), so the range reaches back to the oldest deploy checked: wider, never narrower.
 * Without `done` (no marker looked up), the newest deployed commit, as before markers.
 */
export function boundIndex(
  chain: readonly string[],
  deployed: ReadonlySet<string>,
  done?: { readonly checked: ReadonlySet<string>; readonly marked: ReadonlySet<string> },
): { stop: number; kind: BoundKind } {
  const at = chain.flatMap((sha, i) => (i > 0 && deployed.has(sha) ? [i] : []));
  if (done) {
    const marked = at.find((i) => done.marked.has(chain[i]));
    if (marked !== undefined) return { stop: marked, kind: "ready-done" };
    const checked = at.filter((i) => done.checked.has(chain[i]));
    if (checked.length > 0) return { stop: checked.at(-1)!, kind: "oldest-checked-deploy" };
  }
  return at.length > 0 ? { stop: at[0], kind: "deploy" } : { stop: -1, kind: "none" };
}

/** A first-parent commit of the range that changed the tenants file, and the tenants it added. */
export interface ReadyCommit {
  readonly sha: string;
  readonly added: readonly string[];
}

/** One status to post. */
export interface ReadyPost {
  readonly sha: string;
  readonly tenants: readonly string[];
  readonly description: string;
}

/** A commit status as List commit statuses for a reference answers it (https://docs.github.com/en/rest/commits/statuses#list-commit-statuses-for-a-reference). */
export interface ListedStatus {
  readonly state?: unknown;
  readonly context?: unknown;
  readonly description?: unknown;
  readonly target_url?: unknown;
  readonly creator?: { readonly login?: unknown } | null;
}

/** The ids a tenants file's text holds that are not retired; a text that is missing or not YAML holds none it can prove. */
export function activeIds(text: string | undefined): Set<string> {
  if (text === undefined) return new Set();
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return new Set();
  }
  const tenants = (data as { tenants?: unknown } | null)?.tenants;
  if (!Array.isArray(tenants)) return new Set();
  const ids = tenants
    .filter((t): t is { id: string; status?: unknown } => typeof (t as { id?: unknown } | null)?.id === "string")
    .filter((t) => t.status !== "retired")
    .map((t) => t.id);
  return new Set(ids);
}

/** The tenants a commit added (active in its file, not in its first parent's). A parent without the file proves no addition: a new or renamed file is not a signup. */
export function addedTenants(parentText: string | undefined, text: string | undefined): string[] {
  if (parentText === undefined) return [];
  const before = activeIds(parentText);
  return [...activeIds(text)].filter((id) => !before.has(id)).sort();
}

/**
 * The tenants a commit's statuses already announced: success statuses of `context` posted by
 * the workflow token whose target run (`runsUrl`, ending in `/actions/runs/`, and the id)
 * `trusted` accepts; without `trusted`, none counts. A name cut by an older, shortened
 * description counts as not announced.
 */
export function announcedTenants(
  statuses: readonly ListedStatus[],
  context: string,
  runsUrl: string,
  trusted: (runId: string) => boolean = () => false,
): Set<string> {
  const named = new Set<string>();
  for (const s of statuses) {
    const id = statusRunId(s, context, runsUrl);
    if (id === undefined || !trusted(id)) continue;
    if (typeof s.description !== "string" || !s.description.startsWith(DESCRIPTION_LEAD)) continue;
    const shortened = /… \(\d+ tenants\)$/.exec(s.description);
    const names = s.description.slice(DESCRIPTION_LEAD.length, shortened ? shortened.index : undefined).split(", ");
    if (shortened) names.pop();
    for (const name of names) if (TENANT_ID_PATTERN.test(name)) named.add(name);
  }
  return named;
}

/** Descriptions naming every tenant, each within the 140 characters a status holds (one status each). */
export function readyDescriptions(tenants: readonly string[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  const text = (names: string[]) => `${DESCRIPTION_LEAD}${names.join(", ")}`;
  for (const id of tenants) {
    if (current.length > 0 && text([...current, id]).length > STATUS_DESCRIPTION_MAX) {
      out.push(text(current));
      current = [];
    }
    current.push(id);
  }
  if (current.length > 0) out.push(text(current));
  return out.map((d) => d.slice(0, STATUS_DESCRIPTION_MAX));
}

export interface ReadyPlanInput {
  /** The range's commits that changed the tenants file, newest first. */
  readonly commits: readonly ReadyCommit[];
  /** Per commit (the range's and the head), the tenants its statuses already announce. */
  readonly announced: Readonly<Record<string, ReadonlySet<string>>>;
  /** The stack's tenants after the update (a credential written). */
  readonly active: readonly string[];
  /** The tenants this run's update created. */
  readonly created: readonly string[];
  /** This run's commit. */
  readonly head: string;
  readonly maxStatuses?: number;
}

export interface ReadyPlan {
  /** The statuses to post, oldest commit first, at most maxStatuses. */
  readonly posts: readonly ReadyPost[];
  /** Every tenant announced now (the dispatch), sorted. */
  readonly tenants: readonly string[];
  /** Each commit with the tenants announced on it now (the dispatch's `commits`). */
  readonly commits: readonly { readonly sha: string; readonly tenants: readonly string[] }[];
  /** Tenants owed a status past maxStatuses: the dispatch still names them. */
  readonly unposted: readonly string[];
}

/** The statuses a run owes, from the range, the statuses already there and the stack's tenants. */
export function readinessPlan(input: ReadyPlanInput): ReadyPlan {
  const active = new Set(input.active);
  const attributed = new Set<string>();
  const owed = new Map<string, string[]>();
  for (const c of [...input.commits].reverse()) {
    const announced = input.announced[c.sha] ?? new Set<string>();
    const due = c.added.filter((id) => active.has(id) && !attributed.has(id) && !announced.has(id));
    for (const id of c.added) attributed.add(id);
    if (due.length > 0) owed.set(c.sha, [...(owed.get(c.sha) ?? []), ...due].sort());
  }
  const headAnnounced = input.announced[input.head] ?? new Set<string>();
  const unattributed = input.created.filter((id) => active.has(id) && !attributed.has(id) && !headAnnounced.has(id));
  if (unattributed.length > 0) owed.set(input.head, [...new Set([...(owed.get(input.head) ?? []), ...unattributed])].sort());
  const max = input.maxStatuses ?? READY_MAX_STATUSES;
  const posts: ReadyPost[] = [];
  const unposted: string[] = [];
  for (const [sha, tenants] of owed) {
    const descriptions = readyDescriptions(tenants);
    let start = 0;
    for (const description of descriptions) {
      const count = description.slice(DESCRIPTION_LEAD.length).split(", ").length;
      const chunk = tenants.slice(start, start + count);
      start += count;
      if (posts.length < max) posts.push({ sha, tenants: chunk, description });
      else unposted.push(...chunk);
    }
  }
  const commits = [...owed].map(([sha, tenants]) => ({ sha, tenants }));
  return { posts, tenants: [...new Set(commits.flatMap((c) => c.tenants))].sort(), commits, unposted };
}

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
}

/** `head`'s first-parent chain, newest first, at most READY_SCAN_COMMITS. */
export function firstParentChain(cwd: string, head: string): string[] {
  return git(cwd, ["rev-list", "--first-parent", `--max-count=${READY_SCAN_COMMITS}`, head])
    .split("\n")
    .filter(Boolean);
}

/**
 * The range's commits that changed `file`, newest first: `head`'s first-parent chain down to
 * (not including) the bound `bound` picks (boundIndex), at most READY_SCAN_COMMITS walked and
 * READY_MAX_COMMITS kept (`more`: how many were left past it).
 */
export function readyCommits(
  cwd: string,
  head: string,
  file: string,
  bound: (chain: readonly string[]) => { stop: number; kind: BoundKind },
): { commits: ReadyCommit[]; more: number; bound?: string; boundKind: BoundKind } {
  const chain = firstParentChain(cwd, head);
  const { stop, kind } = bound(chain);
  const range = stop === -1 ? chain : chain.slice(0, stop);
  const found = { bound: stop === -1 ? undefined : chain[stop], boundKind: kind };
  if (range.length === 0) return { commits: [], more: 0, ...found };
  // One git call for every blob id: `<sha>:<file>` answers "<id> blob <size>" or "... missing".
  const refs = [...range.map((sha) => `${sha}:${file}`), `${range.at(-1)}^1:${file}`];
  const blobs = git(cwd, ["cat-file", "--batch-check=%(objectname)"], `${refs.join("\n")}\n`)
    .split("\n")
    .slice(0, refs.length)
    .map((l) => (/^[0-9a-f]{40,64}$/.test(l) ? l : undefined));
  const changed = range.map((sha, i) => ({ sha, blob: blobs[i], parentBlob: blobs[i + 1] })).filter((c) => c.blob !== c.parentBlob);
  const text = (blob: string | undefined) => (blob === undefined ? undefined : git(cwd, ["cat-file", "blob", blob]));
  const commits = changed.slice(0, READY_MAX_COMMITS).map((c) => ({ sha: c.sha, added: addedTenants(text(c.parentBlob), text(c.blob)) }));
  return { commits, more: Math.max(0, changed.length - READY_MAX_COMMITS), ...found };
}
