/** Every tier a tenant names is declared in the file's `tiers:` map (tenants/tiers.ts). */
import { describe as quote } from "../schema";
import { closest, type Problem } from "../../src/core/diagnostics/problems";
import type { Rule } from "./types";
import { presetOf } from "../tiers";

/** How many users of a missing tier a message names before counting the rest. */
const USERS_SHOWN = 10;

export const tierReferences: Rule = ({ tiers, entries, at }) => {
  const declared = Object.keys(tiers);
  const users = new Map<string, string[]>();
  for (const { raw } of entries) {
    if (raw.tier !== undefined && !presetOf(tiers, raw.tier)) users.set(raw.tier, [...(users.get(raw.tier) ?? []), raw.id ?? "(no id)"]);
  }
  const out: Problem[] = [];
  for (const { index, raw } of entries) {
    if (raw.tier === undefined || presetOf(tiers, raw.tier)) continue;
    const ids = users.get(raw.tier)!;
    const named = ids.length > USERS_SHOWN ? `${ids.slice(0, USERS_SHOWN).join(", ")} and ${ids.length - USERS_SHOWN} more` : ids.join(", ");
    const guess = closest(raw.tier, declared);
    const known = declared.length ? `the tiers are ${declared.join(", ")}` : "the file declares no tiers";
    out.push(
      at.error(
        ["tenants", index, "tier"],
        `${quote(raw.tier)} is not a tier of this file (${known}); it is named by ${ids.length} tenant(s): ${named}; ${guess ? `did you mean ${quote(guess)}? ` : ""}declare it under tiers: (a tier stays while any tenant names it), or change these tenants' tier`,
      ),
    );
  }
  return out;
};
