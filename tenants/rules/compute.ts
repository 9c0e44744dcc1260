/** Compute sizes Neon accepts, as written and as resolved (tenant, then defaults, then code). */
import { CU_MAX_SPREAD, MIN_SUSPEND_SECONDS, MAX_SUSPEND_SECONDS, type DefaultsInput } from "../schema";
import { CODE_DEFAULTS } from "../model";
import type { Problem } from "../../src/core/diagnostics/problems";
import type { DocPath, Positions } from "../../src/core/diagnostics/positions";
import type { Rule } from "./types";
import { layerPath, presetOf } from "../tiers";

const CU_STEPS = "0.25, 0.5 or a whole number from 1 to 16";
function isCuStep(v: number): boolean {
  return v === 0.25 || v === 0.5 || (Number.isInteger(v) && v >= 1 && v <= 16);
}

/** Field-level rules the schema cannot express, for one block as written. */
function fieldProblems(compute: DefaultsInput["compute"], path: DocPath, at: Positions): Problem[] {
  const out: Problem[] = [];
  if (!compute) return out;
  for (const key of ["minCu", "maxCu"] as const) {
    const v = compute[key];
    if (v !== undefined && !isCuStep(v)) out.push(at.error([...path, key], `${v} is not a Neon compute size; use ${CU_STEPS}`));
  }
  const s = compute.suspendAfterSeconds;
  if (s !== undefined && s > 0 && s < MIN_SUSPEND_SECONDS) {
    out.push(
      at.error(
        [...path, "suspendAfterSeconds"],
        `${s} is not accepted by Neon; use -1 (never), 0 (Neon's default) or ${MIN_SUSPEND_SECONDS} to ${MAX_SUSPEND_SECONDS}`,
      ),
    );
  }
  return out;
}

export const computeSizes: Rule = ({ defaults, tiers, entries, at }) => {
  const out = fieldProblems(defaults.compute, ["defaults", "compute"], at);
  for (const [name, preset] of Object.entries(tiers)) out.push(...fieldProblems(preset.compute, ["tiers", name, "compute"], at));
  for (const { index, raw, layer } of entries) {
    const base = ["tenants", index];
    out.push(...fieldProblems(raw.compute, [...base, "compute"], at));
    const compute = { ...CODE_DEFAULTS.compute, ...layer.compute, ...raw.compute };
    const where = raw.compute ? [...base, "compute"] : (layerPath(raw.tier, presetOf(tiers, raw.tier), defaults, ["compute"]) ?? base);
    if (compute.minCu > compute.maxCu) {
      out.push(at.error(where, `minCu ${compute.minCu} is above maxCu ${compute.maxCu}; lower minCu or raise maxCu`));
    } else if (compute.maxCu - compute.minCu > CU_MAX_SPREAD) {
      out.push(
        at.error(
          where,
          `maxCu ${compute.maxCu} − minCu ${compute.minCu} is ${compute.maxCu - compute.minCu} CU; Neon allows at most ${CU_MAX_SPREAD} CU between them, raise minCu or lower maxCu`,
        ),
      );
    }
  }
  return out;
};
