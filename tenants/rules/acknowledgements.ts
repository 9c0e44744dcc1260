/** An acknowledgement names a tenant exactly when its kind of change is one tenant's (tenants/changeKinds.ts). */
import { STACK_WIDE_CHANGES } from "../changeKinds";
import type { Problem } from "../../src/core/diagnostics/problems";
import type { Rule } from "./types";

export const acknowledgementScope: Rule = ({ acknowledgements, at }) => {
  const out: Problem[] = [];
  acknowledgements.forEach((a, index) => {
    if (!a.change) return;
    const stackWide = STACK_WIDE_CHANGES.includes(a.change);
    if (stackWide && a.tenant !== undefined)
      out.push(at.error(["acknowledgements", index, "tenant"], `a ${a.change} change is stack-wide; remove tenant from this acknowledgement`));
    if (!stackWide && a.tenant === undefined) out.push(at.error(["acknowledgements", index], `a ${a.change} change belongs to one tenant; add tenant: <id>`));
  });
  return out;
};
