/**
 * Where a setting sits in a stack file, for messages that name file:line:col.
 * (settings.ts re-exports the public names: import them from there.)
 */
import { Positions, type Position } from "../diagnostics/positions";

import { NAMESPACE } from "./settingSchemas";

/** Finds `tenant-fleet:key` in a stack file's `config:` mapping. */
export function locateKey(text: string | undefined, key: string, atKey = false): Position {
  return locateConfigKey(text, `${NAMESPACE}:${key}`, atKey) ?? configStart(text);
}

function configStart(text: string | undefined): Position {
  return text ? (Positions.of(text, "").find(["config"]) ?? { line: 1, col: 1 }) : { line: 1, col: 1 };
}

/** Where a full config key (`neon:apiKey`) sits in a stack file, or undefined when it is not there. */
export function locateConfigKey(text: string | undefined, fullKey: string, atKey = false): Position | undefined {
  return text ? Positions.of(text, "").find(["config", fullKey], atKey) : undefined;
}
