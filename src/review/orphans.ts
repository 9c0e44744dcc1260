/**
 * Which of an organisation's Neon projects no tenant owns. Pure: the projects the stacks
 * declare and the projects Neon lists in, a verdict per listed project out.
 *
 * Why projects go astray: the Neon provider retries a whole Create on HTTP 429, 423 or 500.
 * When the first POST succeeded but its answer was lost or refused, the retry creates a
 * second project with the same name, and Pulumi tracks only the one it heard back about.
 * Such a duplicate costs money and may hold data nobody backs up.
 *
 * A project is owned when its name and region are those a stack declares for a tenant (or
 * for the dev/test project). Names alone cannot say which of two same-named projects Pulumi
 * tracks; the ids in `pulumi stack export` can, so given them the verdict is exact.
 */
import type { DeclaredProject, ListedProject } from "../core/neonProject";
export type { DeclaredProject } from "../core/neonProject";

export type Verdict =
  | { readonly kind: "owned"; readonly project: ListedProject; readonly owner: DeclaredProject; readonly tracked?: boolean }
  | { readonly kind: "duplicate"; readonly project: ListedProject; readonly owner: DeclaredProject; readonly why: string }
  | { readonly kind: "unowned"; readonly project: ListedProject; readonly why: string };

export interface OrphanReport {
  readonly verdicts: readonly Verdict[];
  /** Declared projects Neon does not list (not created yet, or deleted outside Pulumi). */
  readonly missing: readonly DeclaredProject[];
  readonly orphans: number;
}

const key = (name: string, region: string) => `${region}\u0000${name}`;

/**
 * @param tracked ids of the projects in the stacks' state (`pulumi stack export`), when known.
 */
export function findOrphans(declared: readonly DeclaredProject[], listed: readonly ListedProject[], tracked?: ReadonlySet<string>): OrphanReport {
  const owners = new Map<string, DeclaredProject[]>();
  for (const d of declared) owners.set(key(d.name, d.regionId), [...(owners.get(key(d.name, d.regionId)) ?? []), d]);
  const byKey = new Map<string, ListedProject[]>();
  for (const p of listed) byKey.set(key(p.name, p.region_id), [...(byKey.get(key(p.name, p.region_id)) ?? []), p]);

  const verdicts: Verdict[] = [];
  const missing: DeclaredProject[] = [];
  for (const [k, ds] of owners) {
    // Oldest first: a retried create is the later one.
    const ps = [...(byKey.get(k) ?? [])].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    let claim: ListedProject[];
    if (tracked) {
      claim = ps.filter((p) => tracked.has(p.id));
      for (const p of ps.filter((x) => !tracked.has(x.id))) {
        verdicts.push({ kind: "duplicate", project: p, owner: ds[0], why: `named like ${ds[0].owner} (${ds[0].stack}) but not in any stack's state` });
      }
    } else {
      claim = ps.slice(0, ds.length);
      for (const p of ps.slice(ds.length)) {
        verdicts.push({
          kind: "duplicate",
          project: p,
          owner: ds[0],
          why: `a further project named like ${ds[0].owner} (${ds[0].stack}), created after ${claim.map((c) => c.id).join(", ")}; pass --state to say which one Pulumi tracks`,
        });
      }
    }
    claim.forEach((p, i) => verdicts.push({ kind: "owned", project: p, owner: ds[Math.min(i, ds.length - 1)], ...(tracked ? { tracked: true } : {}) }));
    missing.push(...ds.slice(claim.length));
  }
  for (const [k, ps] of byKey) {
    if (owners.has(k)) continue;
    for (const p of ps) {
      const sameName = declared.find((d) => d.name === p.name);
      verdicts.push({
        kind: "unowned",
        project: p,
        why: sameName
          ? `named like ${sameName.owner} (${sameName.stack}) but in ${p.region_id}, not ${sameName.regionId}`
          : "no tenant of any stack sharing the tenants file declares it",
      });
    }
  }
  const order = { duplicate: 0, unowned: 1, owned: 2 } as const;
  verdicts.sort(
    (a, b) => order[a.kind] - order[b.kind] || a.project.name.localeCompare(b.project.name) || a.project.created_at.localeCompare(b.project.created_at),
  );
  return { verdicts, missing, orphans: verdicts.filter((v) => v.kind !== "owned").length };
}

/** Ids of the Neon projects in a `pulumi stack export` document. */
export function trackedProjectIds(exported: unknown): string[] {
  const resources = (exported as { deployment?: { resources?: { type?: string; id?: string }[] } })?.deployment?.resources;
  if (!Array.isArray(resources)) throw new Error("not a `pulumi stack export` document (no deployment.resources)");
  return resources.filter((r) => r.type === "neon:index/project:Project" && typeof r.id === "string" && r.id !== "").map((r) => r.id!);
}

/**
 * Each declared project's own listed project, as findOrphans decides ownership (name and
 * region; with `tracked`, the ids in the stacks' state): what `npm run fleet -- usage` reports on.
 */
export function ownedProjects(
  declared: readonly DeclaredProject[],
  listed: readonly ListedProject[],
  tracked?: ReadonlySet<string>,
): Map<DeclaredProject, ListedProject> {
  const out = new Map<DeclaredProject, ListedProject>();
  for (const v of findOrphans(declared, listed, tracked).verdicts) if (v.kind === "owned" && !out.has(v.owner)) out.set(v.owner, v.project);
  return out;
}
