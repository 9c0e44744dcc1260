/**
 * What the commands read of Neon's API about a project (GET /projects,
 * https://api-docs.neon.tech/reference/listprojects): the Neon API client (src/operations/neonApi.ts)
 * returns it, and the orphan check (src/review/orphans.ts) and the tenant operations judge it.
 */

/** A project as GET /projects lists it. */
export interface ListedProject {
  readonly id: string;
  readonly name: string;
  readonly region_id: string;
  readonly created_at: string;
}

/** A Neon project a stack declares. */
export interface DeclaredProject {
  readonly stack: string;
  /** `tenant <id>` or `dev/test project`. */
  readonly owner: string;
  readonly name: string;
  readonly regionId: string;
  /** The tenant's id, for a tenant's project. */
  readonly tenantId?: string;
  /** The existing project it is bound to (an adopted tenant, tenants/binding.ts). */
  readonly projectId?: string;
}
