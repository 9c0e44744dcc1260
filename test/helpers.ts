import { parseTenants, type LoadContext } from "../tenants/load";
import { formatProblem } from "../src/core/diagnostics/problems";

/** A tenant entry as YAML lines (two-space list indent), keys in the order given. */
export function tenantYaml(fields: Record<string, string>): string {
  const entries = Object.entries(fields);
  return entries.map(([k, v], i) => `${i === 0 ? "  - " : "    "}${k}: ${v}`).join("\n");
}

export const ACME = { id: "acme-corp", name: "ACME Corp", region: "aws-eu-central-1", residency: "EU", status: "active" };
export const NORTHWIND = { id: "northwind", name: "Northwind", region: "aws-us-east-2", residency: "US", status: "active" };

/** A tenants file: `version: 1`, optional extra top-level text, then the tenants. */
export function fleetYaml(tenants: Record<string, string>[], top = ""): string {
  return `version: 1\n${top}tenants:\n${tenants.map(tenantYaml).join("\n")}\n`;
}

/** Problems of a document as the formatted lines a user sees. */
export function problemLines(text: string, ctx: LoadContext = {}, file = "tenants.yaml"): string[] {
  return parseTenants(text, file, ctx).problems.map(formatProblem);
}
