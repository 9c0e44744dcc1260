/**
 * Which of an organisation's Neon projects become tenants, and as what: pure. A project is
 * adopted only when the tenants file can state it exactly as Neon reports it, so that the
 * import changes nothing (providerState.ts says what the import compares); any other project
 * is left out with the reason and what to do, never changed to fit.
 */
import type { DeclaredProject, ListedProject } from "../../core/neonProject";
import { findRegion } from "../../../tenants/regions";
import { BRANCH_NAME_PATTERN, PG_IDENTIFIER_PATTERN } from "../../../tenants/schema";
import { BYTES_PER_GIB, SECONDS_PER_HOUR } from "../../plan/projects/args";
import { defaultBranch, providerDatabase, providerEndpoint, type ObservedProject } from "./observed";
import { chooseId } from "./ids";

/** A project left out, and why. */
export interface Skipped {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly why: string;
}

/** One tenant entry as the tenants file holds it (tenants/schema.ts TenantSchema), every setting stated. */
export interface AdoptedEntry {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly residency: string;
  readonly status: "active";
  readonly neonProjectId: string;
  readonly pgVersion: number;
  readonly historyRetentionHours: number;
  readonly compute: { readonly minCu: number; readonly maxCu: number; readonly suspendAfterSeconds: number };
  readonly quota?: Readonly<Record<string, number>>;
  readonly database: { readonly branch: string; readonly name: string; readonly role: string };
}

export interface Adopted {
  readonly entry: AdoptedEntry;
  /** Why the id is not the name's plain slug, when it is not. */
  readonly idNote?: string;
}

/**
 * The listed projects worth reading: those no stack declares, by binding or, as the orphan check
 * (src/review/orphans.ts) owns projects, by name and region (a project named like a declared
 * tenant is that tenant's, or a duplicate of it: npm run fleet -- orphans tells them apart).
 */
export function candidates(listed: readonly ListedProject[], declared: readonly DeclaredProject[]): { read: ListedProject[]; skipped: Skipped[] } {
  const bound = new Map(declared.filter((d) => d.projectId).map((d) => [d.projectId!, d]));
  const named = new Map(declared.map((d) => [`${d.regionId}\u0000${d.name}`, d]));
  const skipped: Skipped[] = [];
  const read: ListedProject[] = [];
  for (const p of listed) {
    const b = bound.get(p.id);
    const n = named.get(`${p.region_id}\u0000${p.name}`);
    if (b) skipped.push({ id: p.id, name: p.name, region: p.region_id, why: `already in stack ${b.stack}: ${b.owner} is bound to it` });
    else if (n)
      skipped.push({
        id: p.id,
        name: p.name,
        region: p.region_id,
        why: `already in stack ${n.stack}: ${n.owner} declares a project of this name and region (a duplicate? npm run fleet -- orphans says)`,
      });
    else read.push(p);
  }
  return { read, skipped };
}

const CU_STEPS = (v: number | undefined) => v === 0.25 || v === 0.5 || (Number.isInteger(v) && v! >= 1 && v! <= 16);

/** What of the project's configuration the tenants file cannot state (each with the way out), in Neon's terms. */
function settingsProblems(o: ObservedProject): string[] {
  const p = o.project;
  const s = p.settings;
  const out: string[] = [];
  if (!p.store_passwords)
    out.push("Neon does not store its role passwords (store_passwords: false), which the stack's connection strings need; turn it on in Neon first");
  if (s?.allowed_ips?.ips?.length) out.push(`it has an IP allow list (${s.allowed_ips.ips.length} entries), which the tenants file does not state`);
  const flags: [boolean | undefined, string][] = [
    [s?.allowed_ips?.protected_branches_only, "allowed_ips.protected_branches_only"],
    [s?.block_public_connections, "block_public_connections"],
    [s?.block_vpc_connections, "block_vpc_connections"],
    [s?.enable_logical_replication, "enable_logical_replication"],
    [s?.hipaa, "hipaa"],
  ];
  for (const [on, name] of flags) if (on) out.push(`${name} is on, which the tenants file does not state (the stack would turn it off)`);
  const d = p.default_endpoint_settings;
  const unset = (["autoscaling_limit_min_cu", "autoscaling_limit_max_cu", "suspend_timeout_seconds"] as const).filter((k) => d?.[k] === undefined);
  if (unset.length)
    out.push(`Neon reports no ${unset.join(", ")} in its default endpoint settings, and the stack would set them; set them on the project in Neon first`);
  else {
    const [min, max] = [d!.autoscaling_limit_min_cu!, d!.autoscaling_limit_max_cu!];
    if (!CU_STEPS(min) || !CU_STEPS(max) || min > max || max - min > 8)
      out.push(`its compute range ${min}–${max} CU is not one the tenants file takes (0.25, 0.5 or whole CU to 16, at most 8 apart)`);
    const suspend = d!.suspend_timeout_seconds!;
    if (suspend !== -1 && suspend !== 0 && (suspend < 60 || suspend > 604_800)) out.push(`its suspend timeout ${suspend} s is not one the tenants file takes`);
  }
  return out;
}

/** What of the default branch, its database and compute the tenants file cannot state. */
function branchProblems(o: ObservedProject): string[] {
  const out: string[] = [];
  const branch = defaultBranch(o);
  if (!branch) return ["Neon reports no default branch"];
  if (branch.protected)
    out.push(`its default branch ${JSON.stringify(branch.name)} is protected, which the tenants file does not state (the stack would unprotect it)`);
  if (!BRANCH_NAME_PATTERN.test(branch.name)) out.push(`its default branch's name ${JSON.stringify(branch.name)} is not one the tenants file takes`);
  const dbs = o.databases.filter((d) => d.branch_id === branch.id);
  if (dbs.length !== 1)
    out.push(
      dbs.length
        ? `its default branch holds ${dbs.length} databases (${dbs.map((d) => d.name).join(", ")}); a tenant is one database, which backups, restores and migrations work on`
        : "its default branch holds no database",
    );
  const db = providerDatabase(o);
  if (db && !PG_IDENTIFIER_PATTERN.test(db.name)) out.push(`its database name ${JSON.stringify(db.name)} is not a lowercase identifier the tenants file takes`);
  if (db && !PG_IDENTIFIER_PATTERN.test(db.owner_name))
    out.push(`its owner role ${JSON.stringify(db.owner_name)} is not a lowercase identifier the tenants file takes`);
  const endpoint = providerEndpoint(o);
  const d = o.project.default_endpoint_settings;
  if (!endpoint) out.push("its default branch has no enabled read-write compute");
  else if (
    d &&
    (endpoint.autoscaling_limit_min_cu !== d.autoscaling_limit_min_cu ||
      endpoint.autoscaling_limit_max_cu !== d.autoscaling_limit_max_cu ||
      endpoint.suspend_timeout_seconds !== d.suspend_timeout_seconds)
  )
    out.push(
      `its compute ${endpoint.id} runs ${endpoint.autoscaling_limit_min_cu}–${endpoint.autoscaling_limit_max_cu} CU, suspend ${endpoint.suspend_timeout_seconds} s, but the project's default endpoint settings say ${d.autoscaling_limit_min_cu}–${d.autoscaling_limit_max_cu} CU, suspend ${d.suspend_timeout_seconds} s; the tenants file states one compute: make them agree in Neon first`,
    );
  return out;
}

/** Why the project cannot be adopted as it is, or undefined when the tenants file can state it exactly. */
export function notExpressible(o: ObservedProject, org: string, residencies: readonly string[] | undefined): string | undefined {
  const p = o.project;
  const region = findRegion(p.region_id);
  const problems: string[] = [];
  if (p.org_id && p.org_id !== org) problems.push(`it belongs to ${p.org_id}, not ${org}`);
  if (!region) problems.push(`its region ${p.region_id} is not in the region catalog (tenants/regions.ts)`);
  else if (region.status.state !== "active") problems.push(`its region ${p.region_id} is retired (${region.status.reason}); move its data with Neon first`);
  else if (!residencyOf(region.jurisdictions, residencies))
    problems.push(`its region ${p.region_id} serves ${region.jurisdictions.join(", ")}, none of which the stack allows (${residencies!.join(", ")})`);
  if (!Number.isInteger(p.pg_version) || p.pg_version < 14 || p.pg_version > 18)
    problems.push(`Postgres ${p.pg_version} is not one the tenants file takes (14–18)`);
  if (p.history_retention_seconds > 720 * SECONDS_PER_HOUR) problems.push(`its history retention of ${p.history_retention_seconds} s is above 720 hours`);
  problems.push(...settingsProblems(o), ...branchProblems(o));
  return problems.length ? problems.join("; ") : undefined;
}

/** The narrowest residency the region lies in that the stack allows (its country before EU). */
function residencyOf(jurisdictions: readonly string[], allowed: readonly string[] | undefined): string | undefined {
  return jurisdictions.find((j) => !allowed || allowed.includes(j));
}

/** The project's quota in the tenants file's units (hours, GiB), its non-zero fields only (0 is unlimited). */
function quotaOf(o: ObservedProject): Record<string, number> | undefined {
  const q = o.project.settings?.quota;
  if (!q) return undefined;
  const fields: [string, number | undefined, number][] = [
    ["activeTimeHours", q.active_time_seconds, SECONDS_PER_HOUR],
    ["computeTimeHours", q.compute_time_seconds, SECONDS_PER_HOUR],
    ["writtenDataGiB", q.written_data_bytes, BYTES_PER_GIB],
    ["dataTransferGiB", q.data_transfer_bytes, BYTES_PER_GIB],
    ["logicalSizeGiB", q.logical_size_bytes, BYTES_PER_GIB],
  ];
  const set = fields.filter(([, v]) => v !== undefined && v > 0).map(([k, v, unit]) => [k, v! / unit] as const);
  return set.length ? Object.fromEntries(set) : undefined;
}

/** The tenant entry of an expressible project (notExpressible returned undefined). */
export function entryOf(o: ObservedProject, id: string, residencies: readonly string[] | undefined): AdoptedEntry {
  const p = o.project;
  const d = p.default_endpoint_settings!;
  const db = providerDatabase(o)!;
  const quota = quotaOf(o);
  return {
    id,
    name: p.name,
    region: p.region_id,
    residency: residencyOf(findRegion(p.region_id)!.jurisdictions, residencies)!,
    status: "active",
    neonProjectId: p.id,
    pgVersion: p.pg_version,
    historyRetentionHours: p.history_retention_seconds / SECONDS_PER_HOUR,
    compute: { minCu: d.autoscaling_limit_min_cu!, maxCu: d.autoscaling_limit_max_cu!, suspendAfterSeconds: d.suspend_timeout_seconds! },
    ...(quota ? { quota } : {}),
    database: { branch: defaultBranch(o)!.name, name: db.name, role: db.owner_name },
  };
}

export interface AdoptionPlan {
  readonly adopted: readonly Adopted[];
  readonly skipped: readonly Skipped[];
}

/**
 * The tenants of the observed projects (oldest first, so ids are stable as projects are added)
 * and the projects left out. `takenIds`: ids every stack's tenants already use.
 */
export function planAdoption(
  observed: readonly ObservedProject[],
  org: string,
  residencies: readonly string[] | undefined,
  takenIds: ReadonlySet<string>,
): AdoptionPlan {
  const taken = new Set(takenIds);
  const adopted: Adopted[] = [];
  const skipped: Skipped[] = [];
  const names = new Map<string, string>();
  const ordered = [...observed].sort((a, b) => a.project.created_at.localeCompare(b.project.created_at) || a.project.id.localeCompare(b.project.id));
  for (const o of ordered) {
    const p = o.project;
    const skip = (why: string) => skipped.push({ id: p.id, name: p.name, region: p.region_id, why });
    const why = notExpressible(o, org, residencies);
    if (why) {
      skip(why);
      continue;
    }
    // The tenants file keeps display names distinct (tenants/rules/identity.ts): the older project keeps its name.
    const key = p.name.toLowerCase().replace(/\s+/g, " ");
    const twin = names.get(key);
    if (twin) {
      skip(`its name is also project ${twin}'s, and tenants' names are distinct; rename one of them in Neon and run adopt again`);
      continue;
    }
    names.set(key, p.id);
    const chosen = chooseId(p.name, p.id, taken);
    adopted.push({ entry: entryOf(o, chosen.id, residencies), ...(chosen.note ? { idNote: chosen.note } : {}) });
  }
  return { adopted, skipped };
}
