/**
 * What a stack file holds besides the settings' values: keys Pulumi would not read as this
 * project's (no namespace, or a namespace that is a slip of ours), and the Pulumi ESC
 * environments it imports, whose values an offline command cannot read.
 *
 * Pulumi's rules this follows:
 * - a stack file's config key is `<namespace>:<name>`; `pulumi config set batchSize 500`
 *   writes `tenant-fleet:batchSize` (the project's name), and a key written by hand without
 *   one is not this project's setting (https://www.pulumi.com/docs/iac/concepts/config/);
 * - `environment:` in Pulumi.<stack>.yaml lists the ESC environments the stack imports,
 *   merged in order, later ones winning; their `values.pulumiConfig` become stack config, a key
 *   without namespace taking the project's
 *   (https://www.pulumi.com/docs/esc/integrations/infrastructure/pulumi-iac/,
 *   https://www.pulumi.com/docs/esc/guides/integrate-with-pulumi-iac/).
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { closest, editDistance, type Problem } from "../diagnostics/problems";
import { Positions, type Position } from "../diagnostics/positions";
import { SETTINGS } from "./settingDeclarations";
import { NAMESPACE } from "./settingSchemas";

/** Namespaces of the packages this stack configures besides its own: their keys are theirs. */
export const OTHER_NAMESPACES = ["aws", "neon", "github", "pulumi"] as const;

/** Each key of the file's `config:` mapping with where it is. */
function configKeys(at: Positions): { key: string; position: Position }[] {
  const config = at.nodeAt(["config"]);
  if (!isMap(config)) return [];
  return config.items
    .filter((p) => isScalar(p.key))
    .map((p) => ({ key: String((p.key as { value: unknown }).value), position: at.lineCol((p.key as Node).range?.[0] ?? 0) }));
}

/** The fix for a key that is not `tenant-fleet:<setting>`, or undefined when it is fine as it is. */
function keyProblem(key: string): { severity: "error" | "warning"; message: string } | undefined {
  const colon = key.indexOf(":");
  const settings = Object.keys(SETTINGS);
  if (colon < 0) {
    const guess = key in SETTINGS ? key : closest(key, settings);
    return {
      severity: "error",
      message: guess
        ? `"${key}" has no namespace, so it is not this stack's setting (Pulumi reads <namespace>:<name>); write ${NAMESPACE}:${guess}`
        : `"${key}" has no namespace, so Pulumi does not read it as a setting; write ${NAMESPACE}:<setting> for this stack's settings (npm run plan lists them in docs/settings.md) or <package>:${key} for a provider's`,
    };
  }
  const namespace = key.slice(0, colon);
  const name = key.slice(colon + 1);
  if (namespace === NAMESPACE || (OTHER_NAMESPACES as readonly string[]).includes(namespace)) return undefined;
  const guess = name in SETTINGS ? name : closest(name, settings);
  if (editDistance(namespace, NAMESPACE) <= 3)
    return {
      severity: "error",
      message: `"${namespace}" is not this project's namespace, so the setting is not read; write ${NAMESPACE}:${guess ?? name}`,
    };
  if (guess)
    return {
      severity: "warning",
      message: `"${namespace}" is not a namespace this stack reads (${[NAMESPACE, ...OTHER_NAMESPACES].join(", ")}); if this is the setting, write ${NAMESPACE}:${guess}`,
    };
  return undefined;
}

/** Keys of the stack file's `config:` that are not read as meant, each at its line and column. */
export function stackFileKeyProblems(text: string, file: string): Problem[] {
  const at = Positions.of(text, file);
  if (at.doc.errors.length) return [];
  return configKeys(at).flatMap(({ key, position }) => {
    const p = keyProblem(key);
    return p ? [{ severity: p.severity, file, ...position, path: `config.${key}`, message: p.message }] : [];
  });
}

/** The ESC environments a stack file imports (`environment:` as a list, or as `imports:` under it), with where the list is. */
export interface EscImports {
  readonly environments: readonly string[];
  readonly position: Position;
}

export function escImports(text: string | undefined): EscImports | undefined {
  if (!text) return undefined;
  const at = Positions.of(text, "");
  if (at.doc.errors.length) return undefined;
  let node: unknown = at.nodeAt(["environment"]);
  if (isMap(node)) node = at.nodeAt(["environment", "imports"]);
  if (!isSeq(node)) return undefined;
  const environments = node.items.flatMap((item) => {
    if (isScalar(item)) return [String(item.value)];
    // `- name: {merge: false}` names the environment by its key.
    if (isMap(item)) return item.items.filter((p) => isScalar(p.key)).map((p) => String((p.key as { value: unknown }).value));
    return [];
  });
  return environments.length ? { environments, position: at.find(["environment"], true) ?? { line: 1, col: 1 } } : undefined;
}

/** How an unset setting reads when the stack imports ESC environments: it may be set there, which cannot be read offline. */
export function fromEsc(imports: EscImports, key: string): string {
  const names = imports.environments.join(", ");
  return `from ESC environment ${names} (not readable offline): pulumi up reads ${NAMESPACE}:${key} from its pulumiConfig; to plan offline give --config ${key}=<value> (esc env open ${imports.environments[0]} shows it), or set it in this file`;
}

/** The note a plan of such a stack carries: which settings ESC may set, and that the offline plan took the file's values and the defaults. */
export function escNote(imports: EscImports, file: string, unset: readonly string[]): Problem {
  const names = imports.environments.join(", ");
  const shown = unset.slice(0, 6).map((k) => `${NAMESPACE}:${k}`);
  const more = unset.length > shown.length ? ` and ${unset.length - shown.length} more` : "";
  return {
    severity: "warning",
    file,
    ...imports.position,
    path: "environment",
    message: `imports ESC environment ${names}, which this offline command cannot read: the ${unset.length} setting(s) this file does not set (${shown.join(", ")}${more}) take their defaults here, and a value under the environment's pulumiConfig would change them under pulumi up; give --config KEY=VALUE to plan with it`,
  };
}
