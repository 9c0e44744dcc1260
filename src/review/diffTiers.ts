/**
 * A tier's preset changing, as a stack change of the tenant diff (./diffStack.ts): the tenants
 * of the tier are compared with their effective settings (the loader resolves tiers), so each
 * affected tenant is listed with what changes for it; this line says which preset caused it.
 * A preset is data a person reviews: the line is `review`, and it keeps the signup verdict
 * from calling the change "tenants added, nothing else" (src/review/signupVerdict.ts).
 */
import type { Fleet } from "../../tenants/model";
import type { FieldChange } from "./diffTypes";

/** The field of a tier's change: `tier <name>`. */
export const tierField = (name: string) => `tier ${name}`;

/** A preset as one comparable line: keys sorted at every level, so reordering them is no change. */
function canonical(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const sort = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
        )
      : v;
  return JSON.stringify(sort(value));
}

const usersOf = (fleet: Fleet, name: string) => fleet.tenants.filter((t) => t.tier === name).map((t) => t.id);

/**
 * The file's `defaults:` changing, as a stack change like a tier's: its effect on today's
 * tenants shows through their effective settings, but a default every tenant overrides still
 * reaches every tenant added later, so the change itself is data a person reviews (and never
 * "tenants added, nothing else").
 */
export function defaultsChanges(before: Fleet, after: Fleet): FieldChange[] {
  const was = canonical(before.defaults);
  const now = canonical(after.defaults);
  if (was === now) return [];
  return [
    {
      field: "defaults",
      before: was,
      after: now,
      class: "review",
      why: "the tenants file's defaults change: every tenant that sets none of these fields, and every tenant added later, takes them",
    },
  ];
}

export function tierChanges(before: Fleet, after: Fleet): FieldChange[] {
  const names = [...new Set([...Object.keys(before.tiers ?? {}), ...Object.keys(after.tiers ?? {})])].sort();
  const out: FieldChange[] = [];
  for (const name of names) {
    const was = canonical(before.tiers?.[name]);
    const now = canonical(after.tiers?.[name]);
    if (was === now) continue;
    const users = usersOf(after, name);
    const affects = users.length ? `its tenants (${users.join(", ")}) change with it, each listed with its effective settings` : "no tenant names it";
    const what = was === undefined ? "declared" : now === undefined ? "removed" : "preset changes";
    out.push({ field: tierField(name), before: was, after: now, class: "review", why: `tier ${name} ${what}: ${affects}` });
  }
  return out;
}
