/**
 * The SDK floor of the benchmark: replays, flat and in order, the registrations our program
 * made (same resource classes of the same SDKs, same names, parents, providers, options and
 * input values; components as bare ComponentResources with the outputs ours registered) and
 * does nothing else: no tenants file, no validation, no rendering, no Output plumbing.
 * What the program costs above this floor is ours; what this floor costs above the plain
 * floor is the SDKs' own price for the resources we declare (declared properties, secrets).
 *
 * The recording is handed over through `replayInput` (bench-child parses it before the
 * clock starts); the SDK modules load inside the timed run, as ours do.
 */
import * as pulumi from "@pulumi/pulumi";
import { SECRET } from "../../engine/offline";
import { replayInput, type Replayed } from "./replayInput";

type ResourceClass = new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/* eslint-disable @typescript-eslint/no-require-imports -- each SDK is loaded when measured, not at import */
const SDK_MODULES: Record<string, () => Record<string, unknown>> = {
  aws: () => require("@pulumi/aws"),
  github: () => require("@pulumi/github"),
  neon: () => require("@pulumi/neon"),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The SDK class behind a type token: `aws:s3/bucket:Bucket` is `aws.s3.Bucket`,
 * `github:index/actionsSecret:ActionsSecret` is `github.ActionsSecret`, and
 * `pulumi:providers:neon` is `neon.Provider`.
 */
export function sdkClass(type: string): ResourceClass {
  const [pkg, mod, member] = type.split(":");
  if (pkg === "pulumi" && mod === "providers") return load(member).Provider as ResourceClass;
  const sdk = load(pkg);
  const namespace = mod.split("/")[0];
  const scope = (namespace === "index" ? sdk : sdk[namespace]) as Record<string, unknown> | undefined;
  const cls = scope?.[member];
  if (typeof cls !== "function") throw new Error(`sdk floor: no class for ${type}`);
  return cls as ResourceClass;
}

function load(pkg: string): Record<string, unknown> {
  const loader = SDK_MODULES[pkg];
  if (!loader) throw new Error(`sdk floor: no SDK for package ${pkg}`);
  return loader();
}

/** Recorded values back to program values: "[secret]" becomes a secret again. */
function revive(value: unknown): unknown {
  if (value === SECRET) return pulumi.secret(SECRET);
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  return value;
}

/**
 * A provider's inputs arrive as the engine passes provider config: every value that is not a
 * string JSON-encoded (`"true"`, `"1000"`). The program gave booleans and numbers; give them back.
 */
function providerValues(inputs: Record<string, unknown>): Record<string, unknown> {
  const decode = (v: unknown) => {
    if (typeof v !== "string") return v;
    try {
      const parsed: unknown = JSON.parse(v);
      return typeof parsed === "string" ? v : parsed;
    } catch {
      return v;
    }
  };
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, decode(v)]));
}

class Bare extends pulumi.ComponentResource {
  constructor(type: string, name: string, outputs: pulumi.Inputs, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs(outputs);
  }
}

/** Registers every recorded resource again, in the recorded order. */
export function replay(recorded: readonly Replayed[]): number {
  const byUrn = new Map<string, pulumi.Resource>();
  for (const r of recorded) {
    const parent = byUrn.get(r.parentUrn);
    const provider = r.provider ? byUrn.get(r.provider.split("::").slice(0, -1).join("::")) : undefined;
    const opts: pulumi.CustomResourceOptions = {
      parent,
      protect: r.options.protect,
      retainOnDelete: r.options.retainOnDelete,
      deleteBeforeReplace: r.options.deleteBeforeReplace,
      ignoreChanges: [...r.options.ignoreChanges],
      ...(provider ? { provider: provider as pulumi.ProviderResource } : {}),
    };
    let resource: pulumi.Resource;
    if (r.custom) {
      const inputs = revive(r.inputs) as Record<string, unknown>;
      resource = new (sdkClass(r.type))(r.name, r.type.startsWith("pulumi:providers:") ? providerValues(inputs) : inputs, opts);
    } else {
      resource = new Bare(r.type, r.name, revive(r.outputs ?? {}) as pulumi.Inputs, opts);
    }
    byUrn.set(r.urn, resource);
  }
  return recorded.length;
}

// Registers at module evaluation, like a real program (and like the plain floor).
export const count = replay(replayInput.recorded);
