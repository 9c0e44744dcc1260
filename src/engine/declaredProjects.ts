/** The Neon projects every stack of a project declares (its tenants', its dev/test project and its fleet catalog), by organisation. */
import { CommandError } from "../cli/cli";
import { listStacks, readStackConfig } from "../core/config/stackFiles";
import { projectSettings } from "../core/config/settings";
import { resolveStackInputs } from "../plan/inputs";
import { projectArgs } from "../plan/projects/args";
import { catalogProjectArgs, devProjectArgs } from "../plan/projects/args";
import type { DeclaredProject } from "../review/orphans";
import { formatProblem } from "../core/diagnostics/problems";
import { projectsOf } from "../../tenants/serving";

/** A stack's settings or tenants file is invalid, so what it declares is unknown. */
export class DeclarationError extends CommandError {}

/** What every stack declares, by Neon organisation. */
export function declaredByOrg(root: string): Map<string, DeclaredProject[]> {
  const out = new Map<string, DeclaredProject[]>();
  const problems: string[] = [];
  for (const stack of listStacks(root)) {
    const cfg = readStackConfig(root, stack);
    const r = resolveStackInputs(projectSettings(cfg.config), { stack, file: cfg.stackFile, text: cfg.stackFileText }, root);
    if (!r.settings || !r.fleet) {
      problems.push(...r.problems.filter((p) => p.severity === "error").map(formatProblem));
      continue;
    }
    const org = r.settings.neonOrgId ?? "(no organisation)";
    const list = out.get(org) ?? [];
    // A tenant being moved owns its target too.
    for (const t of r.fleet.tenants.flatMap(projectsOf)) {
      const a = projectArgs(t, r.settings.neonOrgId);
      list.push({
        stack,
        owner: `tenant ${t.id}`,
        name: a.name,
        regionId: a.regionId,
        tenantId: t.id,
        ...(t.neonProjectId ? { projectId: t.neonProjectId } : {}),
      });
    }
    if (r.settings.devProject) {
      const a = devProjectArgs(r.settings.devProject, stack, r.settings.neonOrgId);
      list.push({ stack, owner: "dev/test project", name: a.name, regionId: a.regionId });
    }
    if (r.settings.catalog) {
      const a = catalogProjectArgs(r.settings.catalog.region, stack, r.settings.neonOrgId);
      list.push({ stack, owner: "fleet catalog", name: a.name, regionId: a.regionId });
    }
    out.set(org, list);
  }
  if (problems.length)
    throw new DeclarationError(`${problems.join("\n")}\nownership cannot be decided while a stack's settings or tenants file is invalid; fix them first`);
  return out;
}
