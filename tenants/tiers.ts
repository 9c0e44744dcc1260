/**
 * Tiers: named presets of the per-tenant settings, declared once in the tenants file's
 * `tiers:` map. A tenant that says `tier: <name>` takes its settings from, in order: its own
 * fields, its tier's, the file's `defaults`, the code defaults (model.ts). The loader resolves
 * them, so the program, the review and every report see the effective values; a tier's
 * preset is data of the file, shown in the tenant diff as the tenants it changes.
 */
import type { DefaultsInput } from "./schema";
import type { DocPath } from "../src/core/diagnostics/positions";

export type Layer = Partial<DefaultsInput>;

/** The settings that are maps, merged field by field (a tier's `compute.maxCu` keeps the defaults' `minCu`). */
const NESTED = ["compute", "quota", "backup", "database"] as const;

/** The defaults a tenant of `preset` inherits: the preset over the file's defaults, map settings field by field. */
export function layered(defaults: Layer | undefined, preset: Layer | undefined): Layer {
  if (!preset) return defaults ?? {};
  const out: Record<string, unknown> = { ...defaults, ...preset };
  for (const key of NESTED) {
    if (defaults?.[key] !== undefined || preset[key] !== undefined) out[key] = { ...defaults?.[key], ...preset[key] };
  }
  return out as Layer;
}

/** Where an inherited setting is written: the tier's preset, else the defaults block (undefined: neither sets it). */
export function layerPath(
  tier: string | undefined,
  preset: Layer | undefined,
  defaults: Layer | undefined,
  path: readonly (string | number)[],
): DocPath | undefined {
  const has = (layer: Layer | undefined) =>
    path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), layer) !== undefined;
  if (tier !== undefined && has(preset)) return ["tiers", tier, ...path];
  if (has(defaults)) return ["defaults", ...path];
  return undefined;
}

/** A tier's preset by name, own keys only (`constructor` names no tier). */
export function presetOf<T>(tiers: Readonly<Record<string, T>> | undefined, name: string | undefined): T | undefined {
  return tiers && name !== undefined && Object.hasOwn(tiers, name) ? tiers[name] : undefined;
}
