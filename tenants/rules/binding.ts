/** A binding to an existing Neon project (tenants/binding.ts): one tenant per project, and only for the tenant's first project. */
import type { Problem } from "../../src/core/diagnostics/problems";
import type { Rule } from "./types";

export const bindings: Rule = ({ entries, at }) => {
  const out: Problem[] = [];
  const first = new Map<string, number>();
  for (const { index, raw } of entries) {
    const id = raw.neonProjectId;
    if (id === undefined) continue;
    const path = ["tenants", index, "neonProjectId"];
    const seen = first.get(id);
    if (seen !== undefined)
      out.push(at.error(path, `the Neon project ${id} is already bound to tenants[${seen}]; a project belongs to one tenant, remove one of the bindings`));
    else first.set(id, index);
    if ((raw.generation ?? 1) !== 1)
      out.push(
        at.error(
          path,
          `the binding names the project the tenant was adopted with (generation 1), but the tenant is at generation ${raw.generation}: a finished move's project was created by the stack; remove neonProjectId when finishing the move`,
        ),
      );
  }
  return out;
};
