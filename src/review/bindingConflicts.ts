/**
 * Whether a tenant's new binding (`neonProjectId`) may point at a project another stack of
 * this repository manages (hostile review of issue 34). A stack's state holds only its own
 * resources, so Pulumi's import does not stop a second stack from adopting a project the first
 * one created: it would then read that project's owner password into its own secrets, back up
 * and migrate another customer's database, and later edits of "its" tenant would change the
 * other stack's project. The review knows the other stacks only from their tenants files (read
 * from the trusted side), so a binding is refused as safe when another stack binds the same
 * project, or declares a tenant of the same name in the same Neon region (the name the project
 * was created with; its id lives only in that stack's state).
 */
import type { Tenant } from "../../tenants/model";

/** A tenant of another stack, as its tenants file on the trusted side declares it. */
export interface OtherStackTenant {
  readonly stack: string;
  readonly file: string;
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly neonProjectId?: string;
}

/** Why binding `tenant` to its project may take another stack's project, or undefined when nothing says so. */
export function bindingConflict(tenant: Pick<Tenant, "id" | "name" | "region" | "neonProjectId">, others: readonly OtherStackTenant[]): string | undefined {
  const project = tenant.neonProjectId;
  if (!project) return undefined;
  const bound = others.find((o) => o.neonProjectId === project);
  if (bound)
    return `project ${project} is bound in stack ${bound.stack} (${bound.file}) to tenant ${bound.id}: two stacks would manage one customer's database`;
  const named = others.find((o) => !o.neonProjectId && o.region === tenant.region && o.name.trim().toLowerCase() === tenant.name.trim().toLowerCase());
  if (named)
    return `stack ${named.stack} (${named.file}) declares tenant ${named.id} "${named.name}" in ${named.region}, whose project was created under that name: if ${project} is that project, two stacks would manage it; check in the Neon console that it belongs to no stack`;
  return undefined;
}
