/**
 * tenant-fleet: one Neon project per tenant, regional backup vaults, one GitHub OIDC
 * role and the application repository's wiring, all derived from tenants/tenants.yaml.
 */
import { loadStackInputs } from "./config/stack";
import { activeTenants } from "./tenants/model";

const { settings, fleet } = loadStackInputs();

/** The fleet as declared: one row per tenant (the auditors' view). */
export const tenants = fleet.tenants.map((t) => ({
  id: t.id,
  name: t.name,
  status: t.status,
  residency: t.residency,
  region: t.region,
}));
export const activeTenantCount = activeTenants(fleet).length;
export const secretScope = settings.secretScope;
