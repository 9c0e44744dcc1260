/**
 * The regions report beside what Neon reports (`npm run regions -- --observe`). Pure: the
 * fleet, the organisation's projects as Neon lists them and every project the stacks
 * declare in; per tenant, where its project really is and whether that lies inside its
 * residency, and every project of the organisation no stack declares.
 */
import { isActive, type Fleet } from "../../tenants/model";
import { findRegion } from "../../tenants/regions";
import { liesIn } from "../../tenants/placement";
import { findOrphans, type DeclaredProject } from "./orphans";
import type { ListedProject } from "../core/neonProject";
import { projectsOf } from "../../tenants/serving";
import { projectName } from "../../tenants/naming";

export type ObservedStatus =
  /** One project of the tenant's name, in the declared region. */
  | "as declared"
  /** Its project is in another region than the file says. */
  | "other region"
  /** No project of its name (not created yet, or deleted outside Pulumi). */
  | "missing"
  /** Several projects of its name: a retried create's duplicate. */
  | "duplicates";

export interface ObservedRow {
  readonly tenant: string;
  readonly residency: string;
  readonly declaredRegion: string;
  /** A move in progress: its target's region (the target project is expected too). */
  readonly moveRegion?: string;
  readonly status: ObservedStatus;
  /** Each project of the tenant's name: its id, the region Neon reports and whether that lies inside the residency. */
  readonly projects: readonly { readonly id: string; readonly region: string; readonly inResidency: boolean }[];
}

export interface Observation {
  readonly rows: readonly ObservedRow[];
  /** Projects of the organisation that no stack declares (and further copies of declared ones). */
  readonly unowned: readonly (ListedProject & { readonly why: string })[];
  /** Every tenant as declared, inside its residency, and nothing unowned. */
  readonly held: boolean;
}

export function observeRegions(fleet: Fleet, listed: readonly ListedProject[], declared: readonly DeclaredProject[]): Observation {
  const rows = fleet.tenants.map((t): ObservedRow => {
    // Its own project and, during a move, the target: each expected once, in its region.
    const expected = projectsOf(t).map((p) => ({ name: projectName(p), region: p.region }));
    const found = expected.map((e) => listed.filter((p) => p.name === e.name));
    const mine = found.flat().sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    const projects = mine.map((p) => {
      const region = findRegion(p.region_id);
      return { id: p.id, region: p.region_id, inResidency: region !== undefined && liesIn(region, t.residency) };
    });
    const status: ObservedStatus = found.some((f) => !f.length)
      ? "missing"
      : found.some((f) => f.length > 1)
        ? "duplicates"
        : found.every((f, i) => f[0].region_id === expected[i].region)
          ? "as declared"
          : "other region";
    return {
      tenant: t.id,
      residency: t.residency,
      declaredRegion: t.region,
      ...(t.move && isActive(t) ? { moveRegion: t.move.region } : {}),
      status,
      projects,
    };
  });
  const unowned = findOrphans(declared, listed)
    .verdicts.filter((v) => v.kind !== "owned")
    .map((v) => ({ ...v.project, why: v.why }));
  const held = rows.every((r) => r.status === "as declared" && r.projects.every((p) => p.inResidency)) && unowned.length === 0;
  return { rows, unowned, held };
}

/** The observation as Markdown, appended to the regions report. */
export function observationMarkdown(o: Observation, org: string): string {
  const lines = [
    "",
    `## Observed in Neon (${org})`,
    "",
    "| tenant | residency | declared region | observed | project | inside residency |",
    "|---|---|---|---|---|---|",
    ...o.rows.map(
      (r) =>
        `| ${r.tenant} | ${r.residency} | ${r.declaredRegion}${r.moveRegion ? ` (moving to ${r.moveRegion})` : ""} | ${r.status} | ${r.projects.map((p) => `${p.id} (${p.region})`).join(", ") || "none"} | ${r.projects.length ? r.projects.map((p) => (p.inResidency ? "yes" : "**no**")).join(", ") : "n/a"} |`,
    ),
    "",
    o.unowned.length ? `Projects no tenant owns (${o.unowned.length}):` : "Every project of the organisation is owned by a tenant or by a stack's own project.",
    ...o.unowned.map((p) => `- ${p.id} ${JSON.stringify(p.name)} in ${p.region_id}, created ${p.created_at}: ${p.why}`),
    "",
    o.held
      ? "Observed: every tenant's project is where the tenants file says, inside its residency."
      : "Observed: **differences** (above); the declared report alone does not hold for this organisation.",
    "",
  ];
  return lines.join("\n");
}
