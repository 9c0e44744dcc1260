/**
 * What a newer Neon provider makes of a state an older one wrote, and what it then plans:
 * a pure model, read from the provider's and Terraform plugin SDKv2's source and driven by the
 * schema facts (src/tools/neon/facts/), so that a test can show that moving the stack from
 * kislerdm/neon 0.15.0 to 0.18.0 updates every project in place (docs/neon-provider.md,
 * "0.15 → 0.18 in place").
 *
 * 1. Upgrade (terraform-plugin-sdk v2, helper/schema/grpc_provider.go, UpgradeResourceState):
 *    the state's JSON goes through `upgradeJSONState`, which runs only the StateUpgraders whose
 *    Version is the state's version (none when the state was written at the resource's current
 *    SchemaVersion), then `removeAttributes(jsonMap, schemaBlock.ImpliedType())` deletes every
 *    attribute, at any depth, that the current schema no longer has ("The provider isn't
 *    required to clean out removed fields"). Nothing else changes; attributes the new schema
 *    adds are null until the provider's read sets them.
 * 2. Refresh: the provider's read (`updateStateProject` in 0.18) sets them from Neon.
 * 3. Plan: an attribute the configuration sets and the state holds differently changes; it
 *    forces a replacement when it (or its enclosing block) is ForceNew. An Optional+Computed
 *    attribute the configuration leaves unset keeps the state's value.
 */
import type { TfAttribute, TfResource } from "./goFacts";

/** A resource's state or configuration by Terraform attribute names; a block is a list of objects. */
export type TfValues = Record<string, unknown>;

const isBlock = (a: TfAttribute) => a.elem !== undefined && "block" in a.elem;
const blockOf = (a: TfAttribute) => (a.elem && "block" in a.elem ? a.elem.block : {});

/** Every ForceNew attribute of a resource, nested ones dotted under their block (`branch.name`). */
export function forceNewPaths(r: TfResource): string[] {
  const out: string[] = [];
  const walk = (attrs: Record<string, TfAttribute>, prefix: string) => {
    for (const [k, a] of Object.entries(attrs)) {
      if (a.forceNew) out.push(prefix + k);
      if (isBlock(a)) walk(blockOf(a), `${prefix}${k}.`);
    }
  };
  walk(r.attributes, "");
  return out.sort();
}

/**
 * UpgradeResourceState from `from`'s schema to `to`'s: at the same SchemaVersion, with no
 * StateUpgraders, the state minus what `to` no longer has. A version step this model does not
 * cover (an upgrader would run, or the state is newer than the provider) is refused.
 */
export function upgradeState(state: TfValues, from: TfResource, to: TfResource, where: string): { state: TfValues; removed: string[] } {
  const [v0, v1] = [from.schemaVersion ?? 0, to.schemaVersion ?? 0];
  if (v0 > v1) throw new Error(`${where}: the state is at SchemaVersion ${v0}, newer than the provider's ${v1}; Terraform refuses it`);
  if (v0 !== v1) throw new Error(`${where}: SchemaVersion ${v0} → ${v1} runs the provider's StateUpgraders, which this model does not read`);
  const removed: string[] = [];
  const prune = (values: TfValues, attrs: Record<string, TfAttribute>, prefix: string): TfValues =>
    Object.fromEntries(
      Object.entries(values).flatMap(([k, v]) => {
        const a = attrs[k];
        if (!a) {
          removed.push(prefix + k);
          return [];
        }
        if (isBlock(a) && Array.isArray(v)) return [[k, v.map((item) => prune(item as TfValues, blockOf(a), `${prefix}${k}.`))]];
        return [[k, v]];
      }),
    );
  return { state: prune(state, to.attributes, ""), removed: removed.sort() };
}

export interface Change {
  /** The attribute, dotted under its block (`primary_compute.autoscaling_limit_max_cu`). */
  readonly path: string;
  readonly state: unknown;
  readonly config: unknown;
  /** The attribute or its block is ForceNew: the plan replaces the resource. */
  readonly forceNew: boolean;
}

const same = (a: unknown, b: unknown) => (typeof a === "number" || typeof b === "number" ? Number(a) === Number(b) : JSON.stringify(a) === JSON.stringify(b));

/** The plan of `config` against `state` (after upgrade and refresh): every attribute the configuration sets that the state holds differently. */
export function planChanges(config: TfValues, state: TfValues, r: TfResource): Change[] {
  const out: Change[] = [];
  const walk = (cfg: TfValues, held: TfValues, attrs: Record<string, TfAttribute>, prefix: string, parentForceNew: boolean) => {
    for (const [k, v] of Object.entries(cfg)) {
      const a = attrs[k];
      if (!a) throw new Error(`${prefix}${k}: not an attribute of the resource's schema (the configuration would not validate)`);
      if (v === undefined || v === null) continue;
      const forceNew = parentForceNew || Boolean(a.forceNew);
      if (isBlock(a) && a.maxItems === 1 && Array.isArray(v)) {
        const heldItem = (Array.isArray(held[k]) ? (held[k] as TfValues[])[0] : undefined) ?? {};
        walk((v[0] ?? {}) as TfValues, heldItem, blockOf(a), `${prefix}${k}.`, forceNew);
      } else if (!same(v, held[k])) out.push({ path: prefix + k, state: held[k], config: v, forceNew });
    }
  };
  walk(config, state, r.attributes, "", false);
  return out;
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Pulumi inputs (the SDK's camelCase, a MaxItems-1 block as one object) as Terraform configuration. */
export function toTerraform(inputs: Readonly<Record<string, unknown>>, attrs: Record<string, TfAttribute>): TfValues {
  const out: TfValues = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (v === undefined) continue;
    const tf = snake(k);
    const a = attrs[tf];
    if (!a) throw new Error(`input ${k} (${tf}) is not an attribute of the resource's schema`);
    if (isBlock(a) && a.maxItems === 1 && v && typeof v === "object" && !Array.isArray(v)) out[tf] = [toTerraform(v as Record<string, unknown>, blockOf(a))];
    else out[tf] = v;
  }
  return out;
}

/** A compute as Neon reports it: the project's default endpoint settings, or its primary (default) compute. */
export interface NeonCompute {
  readonly autoscaling_limit_min_cu?: number;
  readonly autoscaling_limit_max_cu?: number;
  readonly suspend_timeout_seconds?: number;
}

/**
 * What kislerdm/neon 0.18.0's read (updateStateProject, neondatabase/terraform-provider-neon@da3c1cf
 * provider/resource_project.go) sets of the compute attributes: each top-level default from
 * Neon's `default_endpoint_settings` when Neon reports it; `primary_compute` from the default
 * endpoint (findDefaultEndpoint: the default branch's earliest enabled read_write one) when
 * there is one, its name "" when unnamed.
 */
export function readCompute018(neon: { defaults?: NeonCompute; endpoint?: NeonCompute & { id: string; name?: string } }): TfValues {
  const d = neon.defaults;
  const e = neon.endpoint;
  return {
    ...(d?.autoscaling_limit_min_cu !== undefined ? { autoscaling_limit_min_cu: d.autoscaling_limit_min_cu } : {}),
    ...(d?.autoscaling_limit_max_cu !== undefined ? { autoscaling_limit_max_cu: d.autoscaling_limit_max_cu } : {}),
    ...(d?.suspend_timeout_seconds !== undefined ? { suspend_timeout_seconds: d.suspend_timeout_seconds } : {}),
    ...(e
      ? {
          primary_compute: [
            {
              id: e.id,
              autoscaling_limit_min_cu: e.autoscaling_limit_min_cu,
              autoscaling_limit_max_cu: e.autoscaling_limit_max_cu,
              suspend_timeout_seconds: e.suspend_timeout_seconds,
              name: e.name ?? "",
            },
          ],
        }
      : {}),
  };
}

/**
 * The compute 0.18's update would change for this plan, and on which endpoint id: its
 * `resourceProjectUpdate` (neondatabase/terraform-provider-neon@da3c1cf provider/resource_project.go)
 * sends a `primary_compute` change to `UpdateProjectEndpoint(project, primary_compute.0.id)`, the id
 * the state holds. Only the read sets that id: a state that was upgraded but not refreshed has no
 * `primary_compute`, so the update would name the empty endpoint id and Neon would refuse it (the
 * `up` fails; nothing is replaced). Hence the migration's `pulumi refresh` first (docs/neon-provider.md).
 */
export function primaryComputeUpdate(changes: readonly Change[], state: TfValues): { endpointId: string } | undefined {
  if (!changes.some((c) => c.path.startsWith("primary_compute."))) return undefined;
  const held = Array.isArray(state.primary_compute) ? (state.primary_compute as TfValues[])[0] : undefined;
  return { endpointId: typeof held?.id === "string" ? held.id : "" };
}
