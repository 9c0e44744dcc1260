/**
 * Ids the stack's own names take: a tenant id becomes a path segment in the vaults (its
 * backups from before retention classes lie under `<id>/`, top-level) and part of a GitHub
 * environment's name (`tenant-<id>`). An id that is, or could become, one of the stack's own
 * segments would hand that tenant what belongs to the stack: erasing a tenant `retain-14d`
 * would erase every tenant's backups kept 14 days; a tenant `erasure` would make its
 * environment the one whose reviewers approve erasures.
 */
import { environmentName } from "../../src/core/repositoryContract";
import { ERASURE_ENVIRONMENT, OPERATIONS_ENVIRONMENT } from "../../src/core/repositoryContract";
import { layoutPrefixOf, legacyBackupPrefix } from "../naming";
import type { Problem } from "../../src/core/diagnostics/problems";
import type { Rule } from "./types";

/** The GitHub environments the stack's own workflows run in, whose names have a tenant environment's shape. */
const STACK_ENVIRONMENTS: Readonly<Record<string, string>> = Object.freeze({
  [OPERATIONS_ENVIRONMENT]: "restores and exports are approved in it, and its jobs may assume the operations role",
  [ERASURE_ENVIRONMENT]: "erasures are approved in it, and its jobs may use the break-glass role",
});

/**
 * Why `id` is reserved, or undefined when it is free: the reserved set, declared once and
 * derived from the naming functions (any retention class `retain-<days>d`, not only the
 * stack's; `exports`; the stack's own environments' names).
 */
export function reservedIdReason(id: string): string | undefined {
  const own = legacyBackupPrefix(id);
  const layout = layoutPrefixOf(own);
  if (layout) {
    return `the id is reserved: the vaults keep a tenant's backups from before retention classes under "${own}", and ${layout.prefix} holds ${layout.holds}, so erasing this tenant would erase them; choose another id (not retain-<days>d or exports)`;
  }
  const environment = environmentName(id);
  const stack = STACK_ENVIRONMENTS[environment];
  if (stack)
    return `the id is reserved: the tenant's GitHub environment would be ${environment}, the stack's own (${stack}); choose another id (not ${Object.keys(
      STACK_ENVIRONMENTS,
    )
      .map((e) => e.slice(environmentName("").length))
      .join(" or ")})`;
  return undefined;
}

export const reservedIds: Rule = ({ entries, at }) => {
  const out: Problem[] = [];
  for (const { index, raw } of entries) {
    const why = typeof raw.id === "string" ? reservedIdReason(raw.id) : undefined;
    if (why) out.push(at.error(["tenants", index, "id"], `"${raw.id}": ${why}`));
  }
  return out;
};
