/**
 * A tenant bound to an existing Neon project (`neonProjectId:`): the stack imports that project
 * instead of creating one (Pulumi's `import` resource option, components/tenantDatabase.ts).
 * The facts about the binding are declared here once: the id's format, and how the review
 * classes a change of it.
 *
 * Pulumi's `import` option (pulumi/pulumi developer-docs/architecture/import.md): a resource
 * not yet in the stack's state is imported; one in the state with the same id is treated like
 * any other resource (so the binding may stay in the file after the import); one in the state
 * with another id is deleted and replaced by importing the new id.
 */

/** A Neon project id as Neon's API takes it in a path (`project_id`, pattern `^[a-z0-9-]{1,60}$`, public-v2 OpenAPI of @neondatabase/api-client 2.7.3). */
export const NEON_PROJECT_ID_PATTERN = /^[a-z0-9-]{1,60}$/;
export const NEON_PROJECT_ID_MAX = 60;
export const NEON_PROJECT_ID_RULE = "a Neon project id is lowercase letters, digits and hyphens (at most 60), e.g. shiny-cell-31746257";

/** The tenant field that holds the binding. */
export const BINDING_FIELD = "neonProjectId";

/** What a tenant added with a binding does (its own change kind in the tenant diff: `adopted`). */
export function adoptedWhy(projectId: string, active: boolean): string {
  return `imports the existing Neon project ${projectId} (nothing is created, replaced or reset in Neon)${active ? "; its secret, backups and migrations are wired as for any tenant" : " (retired: not wired)"}`;
}

/**
 * How a change of an existing tenant's binding is classed: `destructive` when a project already
 * in the stack's state would be replaced by another (bound later, or bound elsewhere), `review`
 * when the binding is dropped (a deployed stack keeps the project; a stack deployed afresh from
 * this file would create a new, empty one).
 */
export function bindingChange(before: unknown, after: unknown): { class: "destructive" | "review"; why: string } {
  if (after === undefined)
    return {
      class: "review",
      why: `the binding to ${String(before)} is dropped: a stack that has imported it keeps managing it, but a stack deployed afresh from this file (a new stack or shard) would create a new, empty project instead of importing it`,
    };
  return {
    class: "destructive",
    why:
      before === undefined
        ? `an existing tenant is bound to ${String(after)}: Pulumi would delete the project it manages for this tenant (a protected stack refuses; retained on delete it is forgotten) and import ${String(after)} in its place`
        : `the binding moves from ${String(before)} to ${String(after)}: Pulumi would delete ${String(before)} from the stack (a protected stack refuses; retained on delete it is forgotten) and import ${String(after)} in its place`,
  };
}
