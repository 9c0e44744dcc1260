/**
 * What importing a Neon project compares, modelled from the provider that does it
 * (kislerdm/neon 0.18.0: neondatabase/terraform-provider-neon@da3c1cf provider/resource_project.go,
 * which continues it; the schema facts are src/tools/neon/facts/tfschema-0.18.0.json), so that a
 * test can prove an adopted tenant's inputs equal the project's before any `pulumi up`:
 *
 * - `importedState` is what the provider's read (updateStateProject) writes into the state,
 *   from Neon's answers, under the Pulumi SDK's input names.
 * - `importDifferences` is Pulumi's import check (pulumi/pulumi developer-docs/architecture/
 *   import.md: Check applies the provider's defaults to the program's inputs, then Diff against
 *   the read state; any difference fails `pulumi up` with "inputs to import do not match the
 *   existing resource"), with the provider schema's rules: an Optional+Computed input the
 *   program leaves unset is taken from the state; an input with a schema Default (store_password
 *   "yes", history_retention_seconds 86400, default_branch_protected false) is compared at that
 *   default; a tristate the read sets to "yes" differs from an unset one; org_id left unset
 *   never differs (its DiffSuppressFunc).
 */
import { defaultBranch, providerDatabase, providerEndpoint, type ObservedProject } from "./observed";

/** The provider's schema defaults (newStoreProjectPasswordDefault, providerDefaultHistoryRetentionSeconds, default_branch_protected). */
export const PROVIDER_DEFAULTS = Object.freeze({ storePassword: "yes", historyRetentionSeconds: 86_400, defaultBranchProtected: false });

/** Inputs that are Optional and not Computed: a value the read sets and the program does not is a difference. */
const TRISTATES = ["allowedIpsProtectedBranchesOnly", "blockPublicConnections", "blockVpcConnections", "enableLogicalReplication", "hipaa"] as const;

const tristate = (v: boolean | undefined) => (v === undefined ? undefined : v ? "yes" : "no");

/** The project's state after the provider's read, as Pulumi input names (only the inputs; outputs are not compared). */
export function importedState(o: ObservedProject): Record<string, unknown> {
  const p = o.project;
  const branch = defaultBranch(o);
  const database = providerDatabase(o);
  const endpoint = providerEndpoint(o);
  const s = p.settings;
  const d = p.default_endpoint_settings;
  // updateStateProject (0.16+): the project-wide defaults from Neon's default_endpoint_settings, each only when Neon reports it.
  const defaults = {
    autoscalingLimitMinCu: d?.autoscaling_limit_min_cu,
    autoscalingLimitMaxCu: d?.autoscaling_limit_max_cu,
    suspendTimeoutSeconds: d?.suspend_timeout_seconds,
  };
  const quota = s?.quota;
  const state: Record<string, unknown> = {
    ...(p.org_id ? { orgId: p.org_id } : {}),
    name: p.name,
    regionId: p.region_id,
    pgVersion: p.pg_version,
    historyRetentionSeconds: p.history_retention_seconds,
    computeProvisioner: p.provisioner,
    storePassword: tristate(p.store_passwords),
    ...Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined)),
    // primary_compute: the default compute as it runs (findDefaultEndpoint), set only when there is one; its name "" when unnamed.
    ...(endpoint
      ? {
          primaryCompute: {
            id: endpoint.id,
            autoscalingLimitMinCu: endpoint.autoscaling_limit_min_cu,
            autoscalingLimitMaxCu: endpoint.autoscaling_limit_max_cu,
            suspendTimeoutSeconds: endpoint.suspend_timeout_seconds,
            name: endpoint.name ?? "",
          },
        }
      : {}),
    branch: { id: branch?.id ?? "", name: branch?.name ?? "", roleName: database?.owner_name ?? "", databaseName: database?.name ?? "" },
    quota: quota
      ? {
          activeTimeSeconds: quota.active_time_seconds ?? 0,
          computeTimeSeconds: quota.compute_time_seconds ?? 0,
          writtenDataBytes: quota.written_data_bytes ?? 0,
          dataTransferBytes: quota.data_transfer_bytes ?? 0,
          logicalSizeBytes: quota.logical_size_bytes ?? 0,
        }
      : {},
    allowedIps: s?.allowed_ips?.ips ?? [],
    defaultBranchProtected: branch?.protected ?? false,
  };
  // The read sets each of these only when Neon reports it true (or the program sets it).
  const reported: Record<(typeof TRISTATES)[number], boolean | undefined> = {
    allowedIpsProtectedBranchesOnly: s?.allowed_ips?.protected_branches_only,
    blockPublicConnections: s?.block_public_connections,
    blockVpcConnections: s?.block_vpc_connections,
    enableLogicalReplication: s?.enable_logical_replication,
    hipaa: s?.hipaa,
  };
  for (const k of TRISTATES) if (reported[k]) state[k] = "yes";
  return state;
}

export interface InputDifference {
  /** The input, dotted for a nested one (`branch.databaseName`). */
  readonly input: string;
  /** What the program sets (after the provider's defaults). */
  readonly program: unknown;
  /** What the imported state holds. */
  readonly neon: unknown;
}

const same = (a: unknown, b: unknown) => (typeof a === "number" || typeof b === "number" ? Number(a) === Number(b) : JSON.stringify(a) === JSON.stringify(b));

/** Nested blocks (a TF list of one object whose fields are Optional+Computed): each field the program sets is compared. */
const BLOCKS = new Set(["primaryCompute", "branch", "quota"]);

/** Every input on which the program's declaration and the imported project differ; empty when the import changes nothing. */
export function importDifferences(program: Readonly<Record<string, unknown>>, state: Readonly<Record<string, unknown>>): InputDifference[] {
  const out: InputDifference[] = [];
  const desired: Record<string, unknown> = { ...PROVIDER_DEFAULTS, ...program };
  for (const [input, value] of Object.entries(desired)) {
    if (value === undefined) continue;
    if (BLOCKS.has(input) && value && typeof value === "object") {
      const held = (state[input] ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        if (v !== undefined && !same(v, held[k])) out.push({ input: `${input}.${k}`, program: v, neon: held[k] });
      continue;
    }
    if (Array.isArray(value) && !value.length && state[input] === undefined) continue;
    if (!same(value, state[input])) out.push({ input, program: value, neon: state[input] });
  }
  // What the read holds and the program leaves unset: a non-empty allow list, a tristate set to "yes".
  for (const input of [...TRISTATES, "allowedIps"]) {
    const held = state[input];
    if (desired[input] === undefined && held !== undefined && !(Array.isArray(held) && !held.length)) out.push({ input, program: undefined, neon: held });
  }
  return out;
}
