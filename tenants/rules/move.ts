/**
 * A move's target lies inside the tenant's residency, moves somewhere, never to an older
 * major, and only for an active tenant; it finishes only after its cutover; and no two
 * projects of the file (each tenant's own generation and its move's target) share a
 * resource name or a project name.
 */
import { findRegion, activeRegionsFor } from "../regions";
import { DISPLAY_NAME_MAX, MAX_GENERATION } from "../schema";
import { projectName, projectResourceName } from "../naming";
import { liesIn } from "../placement";
import { CODE_DEFAULTS, isActive } from "../model";
import type { Problem } from "../../src/core/diagnostics/problems";
import type { Rule } from "./types";

export const moveTarget: Rule = ({ entries, at }) => {
  const out: Problem[] = [];
  for (const { index, raw, layer } of entries) {
    if (!raw.move) continue;
    const base = ["tenants", index, "move"];
    const region = findRegion(raw.move.region);
    const current = raw.pgVersion ?? layer.pgVersion ?? CODE_DEFAULTS.pgVersion;
    const target = raw.move.pgVersion ?? current;
    if (raw.status === "retired") out.push(at.error(base, "a retired tenant is not moved; remove move, or reactivate the tenant first"));
    if (region && region.status.state !== "active")
      out.push(at.error([...base, "region"], `"${region.id}" takes no new projects (${region.status.state}); use an active region`));
    if (region && raw.residency && !liesIn(region, raw.residency)) {
      const ok = activeRegionsFor(raw.residency);
      out.push(
        at.error(
          [...base, "region"],
          `"${region.id}" is in ${region.city}, ${region.country}, outside the declared residency ${raw.residency}; a move stays inside it: ${ok.length ? `use ${ok.map((r) => r.id).join(" or ")}` : "no active region serves it"}`,
        ),
      );
    }
    if (target < current)
      out.push(
        at.error(
          [...base, "pgVersion"],
          `Postgres ${target} is older than the tenant's ${current}; a dump does not restore into an older major; move to ${current} or later`,
        ),
      );
    const next = (raw.generation ?? 1) + 1;
    if (next > MAX_GENERATION) out.push(at.error(base, `the tenant is at generation ${raw.generation}, the last; it is not moved again`));
    if (raw.name && [...projectName({ name: raw.name, generation: next })].length > DISPLAY_NAME_MAX)
      out.push(
        at.error(
          ["tenants", index, "name"],
          `the name is too long for a move: the target project is named '<name> [g${next}]' and Neon allows ${DISPLAY_NAME_MAX} characters; shorten it`,
        ),
      );
    if (raw.move.method === "logical" && !raw.move.cutover && isActive(raw))
      out.push(
        at.error(
          [...base, "method"],
          "while the tenant replicates into its move target, the fleet's migrations skip it (DDL is not replicated and would stop the replication); the cutover's deploy migrates the target",
          "warning",
        ),
      );
    if (raw.move.finish && !raw.move.cutover)
      out.push(
        at.error(
          [...base, "finish"],
          "a move finishes after its cutover: set cutover: true first, deploy, and let the target serve through the grace period (moveGraceDays)",
        ),
      );
    if (raw.move.region === raw.region && target === current)
      out.push(
        at.error(
          base,
          `the target is the tenant's own region and major (${raw.region}, Postgres ${current}); change move.region or move.pgVersion, or remove move`,
        ),
      );
  }
  return out;
};

/** Each project's resource name and Neon project name is its own: `acme` moving to `acme-g2` would take the resource of a tenant with that id. */
export const projectNames: Rule = ({ entries, at }) => {
  const out: Problem[] = [];
  const resources = new Map<string, number>();
  const names = new Map<string, number>();
  const claim = (index: number, path: (string | number)[], resource: string, name: string | undefined, what: string) => {
    const [r, n] = [resources.get(resource), name === undefined ? undefined : names.get(name)];
    if (r !== undefined && r !== index)
      out.push(at.error(path, `${what} is resource ${resource}, which tenants[${r}] already declares; change this tenant's id or generation`));
    else if (n !== undefined && n !== index)
      out.push(at.error(path, `${what} is named ${JSON.stringify(name)}, like a project of tenants[${n}]; rename one of them`));
    if (r === undefined) resources.set(resource, index);
    if (name !== undefined && n === undefined) names.set(name, index);
  };
  // First generations clash only with each other, which the id and name rules report.
  for (const { index, raw } of entries) {
    if (typeof raw.id !== "string" || (raw.generation ?? 1) !== 1) continue;
    if (!resources.has(raw.id)) resources.set(raw.id, index);
    if (raw.name !== undefined && !names.has(raw.name)) names.set(raw.name, index);
  }
  for (const { index, raw } of entries) {
    if (typeof raw.id !== "string" || (raw.generation ?? 1) === 1) continue;
    claim(
      index,
      ["tenants", index, "generation"],
      projectResourceName({ id: raw.id, generation: raw.generation! }),
      raw.name === undefined ? undefined : projectName({ name: raw.name, generation: raw.generation! }),
      "its project",
    );
  }
  for (const { index, raw } of entries) {
    if (typeof raw.id !== "string" || !raw.move) continue;
    const generation = (raw.generation ?? 1) + 1;
    claim(
      index,
      ["tenants", index, "move"],
      projectResourceName({ id: raw.id, generation }),
      raw.name === undefined ? undefined : projectName({ name: raw.name, generation }),
      "the move's target project",
    );
  }
  return out;
};
