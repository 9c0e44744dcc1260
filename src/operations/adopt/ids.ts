/**
 * Tenant ids for adopted projects: from the project's name, made a valid id by the tenants
 * file's own rules (tenants/schema.ts TENANT_ID_PATTERN and TENANT_ID_MAX, the reserved ids of
 * tenants/rules/reservedIds.ts, the GitHub names of src/core/repositoryContract.ts) and unique
 * against every id already taken. Pure; the same names in the same order give the same ids.
 */
import { TENANT_ID_MAX, TENANT_ID_PATTERN } from "../../../tenants/schema";
import { reservedIdReason } from "../../../tenants/rules/reservedIds";
import { githubNameProblems } from "../../core/repositoryContract";

/** `Café & Co — Zürich` → `cafe-co-zurich`: letters without their accents, every other run of characters one hyphen. */
export function slugOf(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Cut to `max` characters without leaving a hyphen at the end. */
function cut(slug: string, max: number): string {
  return slug.slice(0, max).replace(/-+$/, "");
}

/** Why a candidate id cannot be used, or undefined. */
function unusable(id: string, taken: ReadonlySet<string>): string | undefined {
  if (!TENANT_ID_PATTERN.test(id) || id.length > TENANT_ID_MAX) return "not a tenant id";
  if (taken.has(id)) return "already taken";
  return reservedIdReason(id) ?? githubNameProblems([id]).get(id);
}

export interface ChosenId {
  readonly id: string;
  /** Why the id is not simply the name's slug (shown in the mapping), when it is not. */
  readonly note?: string;
}

/**
 * An id for a project: its name's slug (a letter first: `3M` → `t-3m`; the project id's slug
 * when the name has no letter or digit), cut to the limit, with `-2`, `-3`, ... until it is free.
 * `taken` gains the id.
 */
export function chooseId(name: string, projectId: string, taken: Set<string>): ChosenId {
  let base = slugOf(name) || slugOf(projectId);
  if (!/^[a-z]/.test(base)) base = `t-${base}`;
  base = cut(base, TENANT_ID_MAX);
  // A problem of the id's start (GitHub's reserved GITHUB_ prefix) is not cured by a suffix.
  const github = githubNameProblems([base]).has(base);
  if (github) base = cut(`t-${base}`, TENANT_ID_MAX);
  const first = slugOf(name);
  let id = base;
  let why = unusable(id, taken);
  const firstWhy = why;
  for (let n = 2; why !== undefined; n++) {
    if (n > 10_000) throw new Error(`no free tenant id for ${JSON.stringify(name)} after ${n} tries`);
    const suffix = `-${n}`;
    id = `${cut(base, TENANT_ID_MAX - suffix.length)}${suffix}`;
    why = unusable(id, taken);
  }
  taken.add(id);
  if (id === first) return { id };
  const reasons = [
    first === "" ? "the name has no letter or digit" : undefined,
    first !== "" && !/^[a-z]/.test(first) ? "an id starts with a letter" : undefined,
    github ? "GitHub reserves secret names starting GITHUB_" : undefined,
    slugOf(name).length > TENANT_ID_MAX ? `an id has at most ${TENANT_ID_MAX} characters` : undefined,
    firstWhy && firstWhy !== "not a tenant id" ? `${base} is ${firstWhy === "already taken" ? "already taken" : "reserved"}` : undefined,
  ].filter((r) => r !== undefined);
  return { id, note: reasons.join("; ") || undefined };
}
