/**
 * The settings' documentation generated from their declarations: the docs tables, the
 * README's summary and Pulumi.yaml's `config:` block (`npm run schema` writes them).
 * (settings.ts re-exports the public names: import them from there.)
 */

import { SETTINGS } from "./settingDeclarations";
import type { SettingSpec } from "./settingSchemas";

/** A default as the generated tables show it. */
function defaultCell(spec: SettingSpec): string {
  if (spec.required) return "required";
  const d = spec.default;
  if (d === undefined) return "unset";
  if (typeof d === "string") return /\s/.test(d) ? `\`"${d}"\`` : `\`${d}\``;
  return `\`${JSON.stringify(d)}\``;
}

/** The full settings table of one group (docs/settings.md, docs/dev.md), generated from SETTINGS (`npm run schema` writes it). */
export function settingsTable(group?: SettingSpec["group"]): string {
  const rows = Object.entries(SETTINGS)
    .filter(([, spec]) => spec.group === group)
    .map(([key, spec]) => `| \`${key}\`${spec.secretOnly ? " (secret)" : ""} | ${defaultCell(spec)} | ${spec.description.replace(/\|/g, "\\|")} |`);
  return ["| key (`tenant-fleet:`) | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

/** The first sentence of a description, shortened at a word to about `max` characters. */
function firstSentence(text: string, max = 72): string {
  const end = text.search(/(?<!\be\.g|\bi\.e)[.:;](\s|$)/);
  const sentence = end < 0 ? text : text.slice(0, end);
  if (sentence.length <= max) return sentence;
  return `${sentence.slice(0, sentence.lastIndexOf(" ", max - 1))} …`;
}

/** The README's short table: every setting but the dev ones, its default and what it is, in a line. */
export function settingsSummary(): string {
  const rows = Object.entries(SETTINGS)
    .filter(([, spec]) => spec.group === undefined)
    .map(([key, spec]) => `| \`${key}\` | ${defaultCell(spec)} | ${firstSentence(spec.description, 56).replace(/\|/g, "\\|")} |`);
  return ["| key (`tenant-fleet:`) | default | what it is |", "|---|---|---|", ...rows].join("\n");
}

/** A setting as Pulumi.yaml's `config:` block declares it. */
export interface PulumiConfigDeclaration {
  readonly type: "string" | "boolean" | "integer" | "array";
  readonly items?: { readonly type: "string" | "integer" };
  readonly description: string;
  readonly default?: unknown;
}

/**
 * The `config:` block of Pulumi.yaml, derived from SETTINGS (the one declaration of each
 * setting): the type from the default (or from what "unset" looks like), optional settings
 * defaulting to their unset value, required ones to none, secret-only ones left out.
 * `npm run schema` writes it; a test fails when the file is stale.
 */
export function pulumiConfigBlock(): Record<string, PulumiConfigDeclaration> {
  const out: Record<string, PulumiConfigDeclaration> = {};
  for (const [key, spec] of Object.entries(SETTINGS)) {
    if (spec.secretOnly) continue;
    const d = spec.default;
    const unset = spec.unset?.[0];
    const type =
      typeof d === "boolean" ? "boolean" : typeof d === "number" || unset === "0" ? "integer" : Array.isArray(d) || unset === "[]" ? "array" : "string";
    const fallback = type === "array" ? [] : type === "integer" ? 0 : "";
    out[key] = {
      type,
      ...(type === "array" ? { items: { type: spec.itemType ?? "string" } } : {}),
      description: spec.description,
      ...(spec.required ? {} : { default: d ?? fallback }),
    };
  }
  return out;
}
