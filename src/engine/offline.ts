/**
 * Runs the Pulumi program under Pulumi's mock runtime and records every registration:
 * type, name, parent, inputs (secrets replaced by "[secret]") and the resource options
 * that only the monitor sees (protect, retainOnDelete, deleteBeforeReplace,
 * ignoreChanges, import). Used by the offline plan, the benchmark and the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceOutputsRequest, RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { fakeOutputs } from "./fakeOutputs";
import type { RuleResource } from "../../policies/rules/types";

export const SECRET = "[secret]";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface RecordedOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  /** The id of an existing resource the engine imports (the `import` option); absent when it creates the resource. */
  readonly import?: string;
}

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Name of the parent resource (the stack for top-level resources). */
  readonly parent: string;
  /** URN of the parent resource. */
  readonly parentUrn: string;
  readonly custom: boolean;
  /** Inputs with secrets as "[secret]" and resource references as their URN. */
  readonly inputs: Record<string, unknown>;
  /** Inputs as the monitor received them, secret markers included (tests assert on them). */
  readonly wireInputs: Record<string, unknown>;
  readonly options: RecordedOptions;
  readonly provider?: string;
  readonly packageRef?: string;
  readonly version?: string;
  readonly additionalSecretOutputs: readonly string[];
  /** Per input property, the URNs of the resources it was computed from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Every URN the engine waits for before this resource (its inputs' resources and `dependsOn`). */
  readonly dependencies: readonly string[];
  /** Aliases as the monitor received them (old names, types or parents the resource answers to). */
  readonly aliases: readonly unknown[];
  /** Outputs a component registered (registerOutputs), secrets as "[secret]". */
  outputs?: Record<string, unknown>;
  /** A custom resource's state as the mock provider returned it (inputs and outputs), secrets as "[secret]". */
  state?: Record<string, unknown>;
}

export interface OfflineRun {
  readonly resources: readonly RecordedResource[];
  /** Stack outputs as plain values; secret outputs appear as "[secret]". */
  readonly outputs: Record<string, unknown>;
  /** Stack outputs as Pulumi reported them, to check which are secret. */
  readonly secretOutputs: readonly string[];
  /** Messages the program logged through pulumi.log. */
  readonly logs: readonly string[];
}

export interface OfflineOptions {
  readonly project: string;
  readonly stack: string;
  /** Full keys (`tenant-fleet:tenantsFile`) to string values, as Pulumi hands them to a program. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys?: readonly string[];
  /** Loads the program; its module exports are the stack outputs. */
  readonly program: () => Promise<Record<string, unknown>>;
  /** Run as a preview (default) or as an update, where credentials are required. */
  readonly preview?: boolean;
  /** Called with the running count after each registration (progress on a terminal). */
  readonly onRegister?: (count: number) => void;
}

/** Replaces secret markers and resource references in wire values. */
export function redact(value: unknown): unknown {
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (v[SIG_KEY] === SECRET_SIG) return SECRET;
    if (v[SIG_KEY] === RESOURCE_SIG) return v.urn;
    if (SIG_KEY in v) return "[asset]";
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
  }
  return value;
}

/** True when the wire value is marked secret. */
export function isWireSecret(value: unknown): boolean {
  return !!value && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

function nameFromUrn(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** The mock monitor's two calls the plan listens to (proto/resource_pb messages). */
interface MockMonitor {
  registerResource(req: RegisterResourceRequest, cb: (err: unknown, res: RegisterResourceResponse | undefined) => void): void;
  registerResourceOutputs(req: RegisterResourceOutputsRequest, cb: (err: unknown, res: unknown) => void): void;
}

/** One registration as the engine receives it; `inputs` (redacted) is added by the caller. Optional getters are called with ?. because older SDKs lack some of them. */
function entryOf(req: RegisterResourceRequest, wire: Record<string, unknown>): { -readonly [K in keyof RecordedResource]: RecordedResource[K] } {
  const parentUrn: string = req.getParent();
  return {
    type: req.getType(),
    name: req.getName(),
    urn: "",
    parent: parentUrn ? nameFromUrn(parentUrn) : "",
    parentUrn: parentUrn ?? "",
    custom: req.getCustom(),
    inputs: {},
    wireInputs: wire,
    options: {
      // Unset (an optional field the SDK did not send) is false, as for the engine.
      protect: !!req.getProtect?.(),
      retainOnDelete: !!req.getRetainondelete?.(),
      deleteBeforeReplace: !!req.getDeletebeforereplace(),
      ignoreChanges: req.getIgnorechangesList(),
      ...(req.getImportid?.() ? { import: req.getImportid() } : {}),
    },
    provider: req.getProvider() || undefined,
    packageRef: req.getPackageref?.() || undefined,
    version: req.getVersion() || undefined,
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    propertyDependencies: Object.fromEntries(
      (req.getPropertydependenciesMap?.()?.entries?.() ? [...req.getPropertydependenciesMap().entries()] : []).map(([k, v]) => [k, v.getUrnsList()]),
    ),
    aliases: (req.getAliasesList?.() ?? []).map((a) => a.toObject()),
    dependencies: req.getDependenciesList?.() ?? [],
  };
}

/**
 * Defines `key` on `entry` as a value computed when first read, from `source` only: the getter
 * is made here, away from the monitor's callback, so what it keeps alive is `source` and not
 * the SDK's registration state that the callback's scope holds (kept once per resource, it
 * was more than half of what a run leaves on the heap: 822 MiB at 2,000 tenants, 352 without).
 */
function defineLazy<T>(entry: object, key: string, source: T, compute: (source: T) => Record<string, unknown>): void {
  let value: Record<string, unknown> | undefined;
  Object.defineProperty(entry, key, { enumerable: true, get: () => (value ??= compute(source)) });
}

// Module-level, like the getters' sources: a function made inside the monitor's callback would keep its scope alive.
const redactedWire = (wire: Record<string, unknown>) => redact(wire) as Record<string, unknown>;
const redactedStruct = (struct: { toJavaScript(): unknown } | undefined) => redact(struct?.toJavaScript() ?? {}) as Record<string, unknown>;

/** Records every registration (and a component's registered outputs) into `recorded`; returns the URNs registered twice. */
function recordRegistrations(monitor: MockMonitor, opts: OfflineOptions, recorded: RecordedResource[]): string[] {
  const byUrn = new Map<string, RecordedResource>();
  const duplicates: string[] = [];
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const entry = entryOf(req, req.getObject()?.toJavaScript() ?? {});
    // The redacted copy is made when first read: the benchmark never reads it.
    defineLazy(entry, "inputs", entry.wireInputs, redactedWire);
    recorded.push(entry);
    opts.onRegister?.(recorded.length);
    register(req, (err, res) => {
      if (res?.getUrn) {
        entry.urn = res.getUrn();
        // The engine refuses a second resource with the same URN; so does the offline plan.
        if (byUrn.has(entry.urn)) duplicates.push(entry.urn);
        byUrn.set(entry.urn, entry);
        // The state's Struct only, not the whole response.
        if (entry.custom) defineLazy(entry, "state", res.getObject(), redactedStruct);
      }
      cb(err, res);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const entry = byUrn.get(req.getUrn());
    if (entry) entry.outputs = redactedStruct(req.getOutputs());
    registerOutputs(req, cb);
  };
  return duplicates;
}

/** Sends the engine log's info, warn and error lines into `logs`; returns what puts them back. */
function captureLogs(logs: string[]): () => void {
  const engine = pulumi.log as unknown as Record<string, (msg: string) => void>;
  const originals = { info: engine.info, warn: engine.warn, error: engine.error };
  for (const level of ["info", "warn", "error"] as const) {
    engine[level] = (msg: string) => {
      logs.push(`${level}: ${msg}`);
    };
  }
  return () => Object.assign(engine, originals);
}

/** Runs the program in a Stack and waits for every registration; its outputs, secrets marked. */
async function runProgram(
  opts: OfflineOptions,
  recorded: readonly RecordedResource[],
  duplicates: readonly string[],
): Promise<{ outputs: Record<string, unknown>; secretOutputs: string[] }> {
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  // A program that throws (a missing credential, bad input) must reject this call only:
  // left to the Stack resource, its rejection also escapes as an unhandled one.
  let failure: { error: unknown } | undefined;
  const program = async () => {
    try {
      return await opts.program();
    } catch (error) {
      failure = { error };
      return {};
    }
  };
  const stackOutputs = (await pulumi.runtime.runInPulumiStack(program)) ?? {};
  if (failure) throw failure.error;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module of the SDK, loaded only once the program has run
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
  if (duplicates.length)
    throw new Error(
      `duplicate resource URN ${duplicates[0]}${duplicates.length > 1 ? ` (and ${duplicates.length - 1} more)` : ""}: pulumi up would refuse it; two resources of the program have the same type, parent and name`,
    );
  // runInPulumiStack gives the outputs resolved (their secrecy gone); the Stack's own
  // registration carries them as the engine receives them, secrets marked.
  const registered = recorded.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
  for (const [key, value] of Object.entries(stackOutputs)) {
    // An Output's resolved value and secrecy, as the SDK's OutputImpl keeps them.
    const out = pulumi.output(value) as unknown as { promise(): Promise<unknown>; isSecret: Promise<boolean> };
    const resolved = await out.promise();
    const secret = (await out.isSecret) || registered[key] === SECRET;
    if (secret) secretOutputs.push(key);
    outputs[key] = secret ? SECRET : resolved;
  }
  return { outputs, secretOutputs };
}

export async function runOffline(opts: OfflineOptions): Promise<OfflineRun> {
  const recorded: RecordedResource[] = [];
  const logs: string[] = [];
  pulumi.runtime.setAllConfig({ ...opts.config }, [...(opts.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        // An imported resource keeps the id it is imported with, as in the engine.
        id: args.custom ? args.id || `${args.name}-id` : undefined,
        state: { ...args.inputs, ...fakeOutputs(args.type, args.name, args.inputs) },
      }),
      call: (args) => args.inputs,
    },
    opts.project,
    opts.stack,
    opts.preview ?? true,
  );
  const runtime = pulumi.runtime as unknown as { getMonitor(): Record<string, unknown> };
  const duplicates = recordRegistrations(runtime.getMonitor() as unknown as MockMonitor, opts, recorded);
  const restoreLogs = captureLogs(logs);
  let run: { outputs: Record<string, unknown>; secretOutputs: string[] };
  try {
    run = await runProgram(opts, recorded, duplicates);
  } finally {
    restoreLogs();
  }
  const outputs = Object.fromEntries(Object.entries(run.outputs).filter(([, v]) => v !== undefined));
  return { resources: recorded.filter((r) => r.type !== "pulumi:pulumi:Stack"), outputs, secretOutputs: run.secretOutputs, logs };
}

/**
 * The run as the policy pack sees a stack: custom resources with their state (inputs and
 * provider outputs, as CrossGuard's `props`), components with their registered outputs,
 * resource options and property dependencies.
 */
export function toRuleResources(run: OfflineRun): RuleResource[] {
  return run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.custom ? (r.state ?? r.inputs) : (r.outputs ?? {}),
    protect: r.options.protect,
    retainOnDelete: r.options.retainOnDelete,
    parentUrn: r.parentUrn,
    propertyDependencies: r.propertyDependencies,
  }));
}
