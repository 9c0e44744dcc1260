/** Where a tenant's jobs run: the runner labels its residency maps to (runnerLabels), if any. */
import type { Tenant } from "../../../tenants/model";

/** The runner labels a tenant's data may be processed on, from runnerLabels; undefined: none mapped (GitHub-hosted). */
export function runnerOf(t: Pick<Tenant, "residency">, runners: Readonly<Record<string, readonly string[]>> = {}): readonly string[] | undefined {
  return runners[t.residency];
}
