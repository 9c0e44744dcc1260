/** Each tenant's region is current and lies inside a residency the stack allows. */
import { findRegion, activeRegionsFor, isResidency, canonicalResidency, KNOWN_JURISDICTIONS, type NeonRegion } from "../regions";
import { liesIn } from "../placement";
import type { Problem } from "../../src/core/diagnostics/problems";
import type { Rule } from "./types";

function regionLabel(r: NeonRegion): string {
  return `${r.id} (${r.city}, ${r.country})`;
}

function alternatives(residency: string): string {
  const regions = activeRegionsFor(residency);
  return regions.length ? `use ${regions.map(regionLabel).join(" or ")}` : `no active Neon region serves ${residency}`;
}

export const regionAndResidency: Rule = ({ entries, ctx, at }) => {
  const out: Problem[] = [];
  for (const { index, raw } of entries) {
    const base = ["tenants", index];
    const region = raw.region === undefined ? undefined : findRegion(raw.region);
    if (region && region.status.state === "retired") {
      const fix = alternatives(raw.residency && isResidency(raw.residency) ? raw.residency : region.country);
      out.push(at.error([...base, "region"], `"${region.id}" is retired: ${region.status.reason}; ${fix}`));
    }
    if (raw.residency === undefined) continue; // reported by the schema
    const canonical = canonicalResidency(raw.residency);
    if (canonical) {
      out.push(at.error([...base, "residency"], `"${raw.residency}" is a deprecated code; write ${canonical}`));
    } else if (!isResidency(raw.residency)) {
      out.push(
        at.error(
          [...base, "residency"],
          `"${raw.residency}" is not an ISO 3166-1 alpha-2 country code or EU; Neon regions serve ${KNOWN_JURISDICTIONS.join(", ")}`,
        ),
      );
    } else {
      const allowed = ctx.residencies;
      if (allowed && !allowed.allowed.includes(raw.residency)) {
        out.push(
          at.error(
            [...base, "residency"],
            `residency "${raw.residency}" is not allowed by this stack (${allowed.source} is ${allowed.allowed.join(", ") || "empty"}); add it there after review, or correct the tenant`,
          ),
        );
      }
      if (region && region.status.state === "active" && !liesIn(region, raw.residency)) {
        out.push(
          at.error(
            [...base, "region"],
            `"${raw.region}" is in ${region.city}, ${region.country}, outside the declared residency ${raw.residency}; ${alternatives(raw.residency)}`,
          ),
        );
      }
    }
  }
  return out;
};
