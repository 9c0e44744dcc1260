/** A move's target lies inside the tenant's residency, moves somewhere, never to an older major, and only for an active tenant. */
import { findRegion, activeRegionsFor } from "../regions";
import { liesIn } from "../placement";
import { CODE_DEFAULTS } from "../model";
import type { Problem } from "../../diagnostics/problems";
import type { Rule } from "./types";

export const moveTarget: Rule = ({ entries, defaults, at }) => {
  const out: Problem[] = [];
  for (const { index, raw } of entries) {
    if (!raw.move) continue;
    const base = ["tenants", index, "move"];
    const region = findRegion(raw.move.region);
    const current = raw.pgVersion ?? defaults?.pgVersion ?? CODE_DEFAULTS.pgVersion;
    const target = raw.move.pgVersion ?? current;
    if (raw.status === "retired") out.push(at.error(base, "a retired tenant is not moved; remove move, or reactivate the tenant first"));
    if (region && region.status.state !== "active") out.push(at.error([...base, "region"], `"${region.id}" takes no new projects (${region.status.state}); use an active region`));
    if (region && raw.residency && !liesIn(region, raw.residency)) {
      const ok = activeRegionsFor(raw.residency);
      out.push(at.error([...base, "region"], `"${region.id}" is in ${region.city}, ${region.country}, outside the declared residency ${raw.residency}; a move stays inside it: ${ok.length ? `use ${ok.map((r) => r.id).join(" or ")}` : "no active region serves it"}`));
    }
    if (target < current) out.push(at.error([...base, "pgVersion"], `Postgres ${target} is older than the tenant's ${current}; a dump does not restore into an older major; move to ${current} or later`));
    if (raw.name && [...raw.name].length > 251) out.push(at.error(["tenants", index, "name"], "the name is longer than 251 characters: the move's target project is named '<name> [g2]' and Neon allows 256; shorten it"));
    if (raw.move.region === raw.region && target === current) out.push(at.error(base, `the target is the tenant's own region and major (${raw.region}, Postgres ${current}); change move.region or move.pgVersion, or remove move`));
  }
  return out;
};
