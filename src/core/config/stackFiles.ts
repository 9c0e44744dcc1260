/**
 * Reads a stack's configuration the way `pulumi up` would hand it to the program:
 * `Pulumi.yaml` defaults, then `Pulumi.<stack>.yaml`, then `--config` overrides. Secure
 * values cannot be decrypted offline; they become placeholders marked secret.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { Positions } from "../diagnostics/positions";
import { explainYamlError } from "../diagnostics/yamlSyntax";
import { NAMESPACE } from "./settings";

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  readonly stackFile: string;
  readonly stackFileText: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  /** Keys (without namespace) set by --config. */
  readonly overridden: Set<string>;
}

export class UsageError extends Error {}

/** YAML of a project or stack file; a syntax error names the file, line and column. */
function parseYaml(text: string, file: string): unknown {
  const positions = Positions.of(text, file);
  const [e] = positions.syntaxErrors();
  if (e) throw new UsageError(`${file}:${e.position.line}:${e.position.col}: ${explainYamlError(text, e.code, e.message, e.position.line, e.position.col)}`);
  return positions.doc.toJS();
}

function asConfigString(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

export function listStacks(root: string): string[] {
  return readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

export function readStackConfig(root: string, stack: string, overrides: readonly string[] = []): StackConfig {
  const stackFile = `Pulumi.${stack}.yaml`;
  let stackFileText: string;
  try {
    stackFileText = readFileSync(path.join(root, stackFile), "utf8");
  } catch {
    throw new UsageError(`${stackFile}: no such stack; stacks here: ${listStacks(root).join(", ")}`);
  }
  return stackConfigFromText(readFileSync(path.join(root, "Pulumi.yaml"), "utf8"), stack, stackFileText, overrides);
}

/** The same from file contents (for example as they were at a git ref). */
export function stackConfigFromText(projectText: string, stack: string, stackFileText: string, overrides: readonly string[] = []): StackConfig {
  const stackFile = `Pulumi.${stack}.yaml`;
  const project = parseYaml(projectText, "Pulumi.yaml") as {
    name: string;
    config?: Record<string, { default?: unknown }>;
  };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, decl] of Object.entries(project.config ?? {})) {
    const full = key.includes(":") ? key : `${NAMESPACE}:${key}`;
    if (decl && typeof decl === "object" && decl.default !== undefined && decl.default !== "") {
      config[full] = asConfigString(decl.default);
    }
  }
  const stackDoc = (parseYaml(stackFileText, stackFile) ?? {}) as { config?: Record<string, unknown> };
  for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
    if (value && typeof value === "object" && "secure" in (value as object)) {
      config[key] = "[secret]";
      secretKeys.push(key);
    } else {
      config[key] = asConfigString(value);
    }
  }
  const overridden = new Set<string>();
  for (const o of overrides) {
    const eq = o.indexOf("=");
    if (eq <= 0) throw new UsageError(`--config ${o}: write --config KEY=VALUE, e.g. --config secretScope=environment`);
    const key = o.slice(0, eq);
    const full = key.includes(":") ? key : `${NAMESPACE}:${key}`;
    config[full] = o.slice(eq + 1);
    if (full.startsWith(`${NAMESPACE}:`)) overridden.add(full.slice(NAMESPACE.length + 1));
  }
  return { project: project.name, stack, stackFile, stackFileText, config, secretKeys, overridden };
}
