/**
 * What `npm run fleet -- adopt` reads of one Neon project: the calls the Neon provider's own
 * read makes (kislerdm/neon 0.15.0 and 0.18.0 alike, provider/resource_project.go,
 * resourceProjectRead: GET /projects/{id}, GET /projects/{id}/branches, then the default
 * branch's endpoints and databases), as `@neondatabase/api-client` types them.
 */
import type { Branch, Database, Endpoint, Project } from "@neondatabase/api-client";

export interface ObservedProject {
  readonly project: Project;
  readonly branches: readonly Branch[];
  /** The default branch's databases (none when the project has no default branch). */
  readonly databases: readonly Database[];
  /** The default branch's endpoints (computes). */
  readonly endpoints: readonly Endpoint[];
}

/** The project's default branch, if Neon reports one. */
export function defaultBranch(o: ObservedProject): Branch | undefined {
  return o.branches.find((b) => b.default);
}

const byCreation = <T extends { created_at: string }>(a: T, b: T) => Date.parse(a.created_at) - Date.parse(b.created_at);

/** The database the provider takes as the project's (findDefaultDatabase: the default branch's earliest created). */
export function providerDatabase(o: ObservedProject): Database | undefined {
  const branch = defaultBranch(o);
  return [...o.databases.filter((d) => d.branch_id === branch?.id)].sort(byCreation)[0];
}

/** The compute the provider takes as the project's (findDefaultEndpoint: the default branch's earliest enabled read_write one). */
export function providerEndpoint(o: ObservedProject): Endpoint | undefined {
  const branch = defaultBranch(o);
  return [...o.endpoints.filter((e) => !e.disabled && e.type === "read_write" && e.branch_id === branch?.id)].sort(byCreation)[0];
}
