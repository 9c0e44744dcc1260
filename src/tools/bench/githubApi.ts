/**
 * The GitHub API budget of a stack: how many REST calls the GitHub provider makes for the
 * resources a plan registers, on a fresh `pulumi up`, on a change, and on a refresh, and the
 * least wall-clock GitHub's limits allow for them. Pure: it reads plans (`npm run plan --
 * --json`), never GitHub.
 *
 * The calls per operation are read from the provider's source, terraform-provider-github
 * v6.13.0 (which @pulumi/github 6.x bridges), file github/resource_github_<type>.go:
 * creates look the repository up and, for secrets, fetch the public key, then write, then
 * read back; a RepositoryFile also checks the branch and the existing file and reads the
 * commit it made. Provider start-up (one or two calls per run) is not counted. A refresh's reads
 * are the drift cost model's (READS in src/review/drift/cost.ts, each cited to its Read): stated
 * there once, so the bench and the nightly drift count the same calls.
 */
import { READS } from "../../review/drift/cost";

export interface Calls {
  readonly reads: number;
  readonly writes: number;
}

interface TypeCalls {
  readonly create: Calls;
  readonly update: Calls;
  readonly refresh: Calls;
  /** Where the create and update counts come from (the refresh's: READS' source). */
  readonly source: string;
}

const r = (reads: number, writes = 0): Calls => ({ reads, writes });

/** A GitHub type's refresh: the reads READS states for it (a type it does not know is an internal error). */
function refreshOf(type: string): Calls {
  const read = READS[type];
  if (read?.service !== "github") throw new Error(`internal: READS (src/review/drift/cost.ts) has no GitHub read for ${type}`);
  return r(read.calls);
}

/** Calls per resource on create and update, by Pulumi type, from the provider's Create and Update. */
const CHANGE_CALLS: Readonly<Record<string, Omit<TypeCalls, "refresh">>> = {
  "github:index/actionsSecret:ActionsSecret": {
    create: r(3, 1), // Repositories.Get, GetRepoPublicKey, CreateOrUpdateRepoSecret, GetRepoSecret
    update: r(2, 1), // GetRepoPublicKey, CreateOrUpdateRepoSecret, GetRepoSecret
    source: "resource_github_actions_secret.go: Create L131-208, Update L257-330",
  },
  "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": {
    create: r(3, 1), // Repositories.Get, GetEnvPublicKey, CreateOrUpdateEnvSecret, GetEnvSecret
    update: r(2, 1),
    source: "resource_github_actions_environment_secret.go: Create L126-206, Update L256-332",
  },
  "github:index/repositoryEnvironment:RepositoryEnvironment": {
    create: r(1, 1), // CreateUpdateEnvironment, Repositories.Get
    update: r(0, 1),
    source: "resource_github_repository_environment.go: Create L173-203, Update L291",
  },
  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": {
    create: r(1, 1), // CreateDeploymentBranchPolicy, Repositories.Get
    update: r(0, 1),
    source: "resource_github_repository_environment_deployment_policy.go: Create L102-148, Update L189",
  },
  "github:index/actionsVariable:ActionsVariable": {
    create: r(2, 1), // CreateRepoVariable, Repositories.Get, GetRepoVariable
    update: r(1, 1), // UpdateRepoVariable, GetRepoVariable
    source: "resource_github_actions_variable.go: Create L73-121, Update L157-197",
  },
  "github:index/repositoryFile:RepositoryFile": {
    create: r(5, 1), // Repositories.Get, GetBranch, GetContents (exists?), CreateFile (a commit), then Read: GetContents, GetCommit
    update: r(2, 1), // UpdateFile (a commit), then Read
    source: "resource_github_repository_file.go: Create L168-265, Update L366-402; util_repo.go L16",
  },
  "github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate": {
    create: r(1, 1), // SetRepoOIDCSubjectClaimCustomTemplate, then Read
    update: r(1, 1),
    source: "resource_github_actions_repository_oidc_subject_claim_customization_template.go: Create L77-83",
  },
};

/** Calls per resource and operation, by Pulumi type: the change calls above, the refresh's from READS. */
export const GITHUB_CALLS: Readonly<Record<string, TypeCalls>> = Object.fromEntries(
  Object.entries(CHANGE_CALLS).map(([type, calls]) => [type, { ...calls, refresh: refreshOf(type) }]),
);

/** A resource as `npm run plan -- --json` lists it. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly parent?: string | null;
  readonly inputs?: unknown;
}

export interface Budget {
  /** Per type: how many resources, and the calls. */
  readonly byType: Readonly<Record<string, { resources: number; reads: number; writes: number }>>;
  readonly reads: number;
  readonly writes: number;
}

/** GitHub types a plan registers that the table does not know: a test keeps this empty. */
export function unknownTypes(resources: readonly PlannedResource[]): string[] {
  return [...new Set(resources.filter((x) => x.type.startsWith("github:index/") && !GITHUB_CALLS[x.type]).map((x) => x.type))].sort();
}

function add(byType: Record<string, { resources: number; reads: number; writes: number }>, type: string, calls: Calls): void {
  const row = (byType[type] ??= { resources: 0, reads: 0, writes: 0 });
  row.resources += 1;
  row.reads += calls.reads;
  row.writes += calls.writes;
}

function total(byType: Record<string, { resources: number; reads: number; writes: number }>): Budget {
  const rows = Object.values(byType);
  return { byType, reads: rows.reduce((s, x) => s + x.reads, 0), writes: rows.reduce((s, x) => s + x.writes, 0) };
}

const key = (x: PlannedResource) => `${x.type}::${x.parent ?? ""}::${x.name}`;

/** A fresh `pulumi up` (every resource created) or a refresh (every resource read). */
export function budgetOf(resources: readonly PlannedResource[], operation: "create" | "refresh"): Budget {
  const byType: Record<string, { resources: number; reads: number; writes: number }> = {};
  for (const x of resources) if (GITHUB_CALLS[x.type]) add(byType, x.type, GITHUB_CALLS[x.type][operation]);
  return total(byType);
}

/** The calls of going from one plan to the next: created, updated (inputs differ) and deleted resources. */
export function changeBudget(before: readonly PlannedResource[], after: readonly PlannedResource[]): Budget & { readonly filesWritten: number } {
  const old = new Map(before.map((x) => [key(x), x]));
  const now = new Set(after.map(key));
  const byType: Record<string, { resources: number; reads: number; writes: number }> = {};
  let filesWritten = 0;
  for (const x of after) {
    const calls = GITHUB_CALLS[x.type];
    if (!calls) continue;
    const prev = old.get(key(x));
    if (!prev) add(byType, x.type, calls.create);
    else if (JSON.stringify(prev.inputs) !== JSON.stringify(x.inputs)) add(byType, x.type, calls.update);
    else continue;
    if (x.type === "github:index/repositoryFile:RepositoryFile") filesWritten++;
  }
  for (const x of before) if (GITHUB_CALLS[x.type] && !now.has(key(x))) add(byType, x.type, r(0, 1));
  return { ...total(byType), filesWritten };
}

/**
 * GitHub's limits that bound a run (docs.github.com, "Rate limits for the REST API"):
 * primary: 5,000 requests an hour for a personal token, 15,000 for a GitHub App on
 * Enterprise Cloud; secondary: 900 points a minute (a read costs 1, a write 5) and 500
 * content-creating requests an hour (80 a minute). Which writes GitHub counts as content
 * creation is not published, so every write is counted as one: an upper bound.
 */
export const GITHUB_LIMITS = Object.freeze({ personalPerHour: 5000, appPerHour: 15000, pointsPerMinute: 900, contentPerHour: 500, contentPerMinute: 80 });

/** The least wall-clock, in minutes, the limits allow for a budget. */
export function minimumMinutes(b: Pick<Budget, "reads" | "writes">, perHour: number): { minutes: number; bound: string } {
  const calls = b.reads + b.writes;
  const candidates: [number, string][] = [
    [(calls / perHour) * 60, `${perHour.toLocaleString("en")} requests/hour`],
    [(b.reads + 5 * b.writes) / GITHUB_LIMITS.pointsPerMinute, "900 points/minute"],
    [(b.writes / GITHUB_LIMITS.contentPerHour) * 60, "500 writes/hour (if all count as content)"],
  ];
  const [minutes, bound] = candidates.reduce((a, c) => (c[0] > a[0] ? c : a));
  return { minutes, bound };
}
