/**
 * An organisation of existing Neon projects, as signup scripts leave them: Neon's own objects
 * (Project, Branch, Database, Endpoint of @neondatabase/api-client) with the variety a real
 * fleet has (regions, majors, PITR windows, compute ranges, quotas, names in many scripts),
 * and the projects the tenants file cannot state, each for one reason.
 */
import type { StandInProject } from "./neonOrgStandIn";

export const ORG = "org-quiet-river-40213377";

export interface ProjectShape {
  name: string;
  region?: string;
  pg?: number;
  retention?: number;
  compute?: [number, number, number];
  quota?: Partial<Record<"active_time_seconds" | "compute_time_seconds" | "written_data_bytes" | "data_transfer_bytes" | "logical_size_bytes", number>>;
  databases?: [string, string][];
  branch?: string;
  /** Tweaks applied to the finished objects (for the projects that cannot be adopted). */
  tweak?: (p: StandInProject) => void;
}

/** One project with its default branch, database(s) and read-write compute, created at `minute` past a fixed hour. */
export function projectOf(index: number, shape: ProjectShape): StandInProject {
  const id = `${["quiet", "bold", "misty", "sunny"][index % 4]}-${["cell", "leaf", "dawn"][index % 3]}-${String(10_000_000 + index * 7919).slice(0, 8)}`;
  const created = new Date(Date.UTC(2025, 0, 1, 0, index)).toISOString();
  const region = shape.region ?? "aws-eu-central-1";
  const [min, max, suspend] = shape.compute ?? [0.25, 2, 300];
  const branchId = `br-${id}`;
  const project = {
    id,
    platform_id: "aws",
    region_id: region,
    name: shape.name,
    provisioner: "k8s-neonvm",
    default_endpoint_settings: { autoscaling_limit_min_cu: min, autoscaling_limit_max_cu: max, suspend_timeout_seconds: suspend },
    settings: { allowed_ips: { ips: [], protected_branches_only: false }, enable_logical_replication: false, ...(shape.quota ? { quota: shape.quota } : {}) },
    pg_version: shape.pg ?? 17,
    proxy_host: `${region.replace(/^aws-/, "")}.aws.neon.tech`,
    branch_logical_size_limit: 0,
    branch_logical_size_limit_bytes: 0,
    store_passwords: true,
    active_time_seconds: 0,
    compute_time_seconds: 0,
    written_data_bytes: 0,
    data_transfer_bytes: 0,
    data_storage_bytes_hour: 0,
    cpu_used_sec: 0,
    consumption_period_start: "2026-12-01T00:00:00Z",
    consumption_period_end: "2027-01-01T00:00:00Z",
    creation_source: "console",
    history_retention_seconds: shape.retention ?? 86_400,
    created_at: created,
    updated_at: created,
    owner_id: "owner-1",
    org_id: ORG,
  };
  const branch = {
    id: branchId,
    project_id: id,
    name: shape.branch ?? "main",
    current_state: "ready",
    state_changed_at: created,
    creation_source: "console",
    default: true,
    protected: false,
    cpu_used_sec: 0,
    compute_time_seconds: 0,
    active_time_seconds: 0,
    written_data_bytes: 0,
    data_transfer_bytes: 0,
    created_at: created,
    updated_at: created,
    init_source: "parent-data",
  };
  const databases = (shape.databases ?? [["neondb", "neondb_owner"]]).map(([name, owner], i) => ({
    id: index * 10 + i,
    branch_id: branchId,
    name,
    owner_name: owner,
    created_at: new Date(Date.UTC(2025, 0, 1, 0, index, i)).toISOString(),
    updated_at: created,
  }));
  const endpoints = [
    {
      host: `ep-${id}.${project.proxy_host}`,
      id: `ep-${id}`,
      project_id: id,
      branch_id: branchId,
      autoscaling_limit_min_cu: min,
      autoscaling_limit_max_cu: max,
      region_id: region,
      type: "read_write",
      current_state: "idle",
      settings: {},
      pooler_enabled: false,
      pooler_mode: "transaction",
      disabled: false,
      passwordless_access: true,
      creation_source: "console",
      created_at: created,
      updated_at: created,
      proxy_host: project.proxy_host,
      suspend_timeout_seconds: suspend,
      provisioner: "k8s-neonvm",
    },
  ];
  const p = { project, branches: [branch], databases, endpoints } as unknown as StandInProject;
  shape.tweak?.(p);
  return p;
}

const REGIONS = ["aws-eu-central-1", "aws-eu-west-2", "aws-us-east-1", "aws-us-east-2", "aws-us-west-2"];
const COMPUTE: [number, number, number][] = [
  [0.25, 2, 300],
  [0.25, 1, 0],
  [0.5, 4, 300],
  [1, 8, -1],
  [2, 10, 3600],
];
const LEGAL = ["GmbH", "Ltd", "Inc.", "S.A.", "B.V.", "AG", "LLC", "& Co"];
const WORDS = ["Acme", "Zürich", "Œuvre", "Café", "Nordwind", "Blue Harbor", "São Jorge", "Kraków", "Åland", "Łódź", "Peak", "Orchid"];

/** A project the tenants file can state: the i-th of the fleet. */
export function adoptableShape(i: number): ProjectShape {
  return {
    name: `${WORDS[i % WORDS.length]} ${LEGAL[i % LEGAL.length]} ${i}`,
    region: REGIONS[i % REGIONS.length],
    pg: 15 + (i % 3),
    retention: [21_600, 86_400, 604_800, 3700][i % 4],
    compute: COMPUTE[i % COMPUTE.length],
    ...(i % 7 === 0 ? { quota: { active_time_seconds: 360_000, logical_size_bytes: 10 * 2 ** 30 } } : {}),
    ...(i % 5 === 0 ? { databases: [["app", "app_owner"]] as [string, string][] } : {}),
  };
}

/** The projects the tenants file cannot state, each with the words its reason contains. */
export const NOT_ADOPTABLE: readonly (ProjectShape & { expect: RegExp })[] = [
  {
    name: "Two Databases Ltd",
    databases: [
      ["neondb", "neondb_owner"],
      ["analytics", "neondb_owner"],
    ],
    expect: /holds 2 databases/,
  },
  { name: "Singapore Pte", region: "aws-ap-southeast-1", expect: /none of which the stack allows/ },
  { name: "Azure Legacy", region: "azure-gwc", expect: /is retired/ },
  { name: "Replicating Inc", tweak: (p) => void (p.project.settings!.enable_logical_replication = true), expect: /enable_logical_replication is on/ },
  { name: "Allow List AG", tweak: (p) => void (p.project.settings!.allowed_ips = { ips: ["203.0.113.7"] }), expect: /IP allow list/ },
  { name: "Protected Branch SA", tweak: (p) => void (p.branches[0].protected = true), expect: /is protected/ },
  { name: "No Passwords BV", tweak: (p) => void (p.project.store_passwords = false), expect: /store_passwords: false/ },
  { name: "Upper Case Ltd", databases: [["AppDB", "neondb_owner"]], expect: /not a lowercase identifier/ },
  { name: "No Defaults GmbH", tweak: (p) => void (p.project.default_endpoint_settings = {}), expect: /no autoscaling_limit_min_cu/ },
  {
    name: "Resized Compute Ltd",
    tweak: (p) => void (p.endpoints[0].autoscaling_limit_max_cu = 8),
    expect: /make them agree in Neon/,
  },
  { name: "Odd Size Inc", compute: [0.25, 3.5, 300], expect: /compute range/ },
  // Named like the sample prod stack's tenant acme-corp in its region: a stack already declares it.
  { name: "ACME Corp", region: "aws-eu-central-1", expect: /already in stack prod/ },
  // A second project of a name an adoptable one has.
  { name: "Acme GmbH 0", expect: /its name is also project/ },
  // A display name the tenants file refuses (a zero-width space): the loader's own message.
  { name: "Zero\u200bWidth Ltd", expect: /the tenants file refuses it: name: .*U\+200B/ },
];

/** Names whose ids the tenants file's rules change: reserved, GitHub's prefix, a digit first, too long, a twin slug. */
export const ODD_NAMES: readonly { name: string; id: string }[] = [
  { name: "Exports", id: "exports-2" },
  { name: "GitHub Tools", id: "t-github-tools" },
  { name: "3M Deutschland", id: "t-3m-deutschland" },
  { name: "Retain 14d", id: "retain-14d-2" },
  { name: "Operations", id: "operations-2" },
  { name: "Très Long Name Of A Company That Goes On And On Forever", id: "tres-long-name-of-a-company-that-goes-on" },
  { name: "Acme  GmbH--0!", id: "acme-gmbh-0-2" },
  { name: "東京商事", id: "(project id)" },
];

/** The organisation: `adoptable` projects that can be adopted, the odd names, then those that cannot. */
export function organisation(adoptable: number): StandInProject[] {
  const out: StandInProject[] = [];
  for (let i = 0; i < adoptable; i++) out.push(projectOf(i, adoptableShape(i)));
  ODD_NAMES.forEach((o, k) => out.push(projectOf(adoptable + k, { name: o.name })));
  NOT_ADOPTABLE.forEach((s, k) => out.push(projectOf(adoptable + ODD_NAMES.length + k, s)));
  return out;
}
