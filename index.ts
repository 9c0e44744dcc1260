/**
 * tenant-fleet: one Neon project per tenant, regional backup vaults, one GitHub OIDC
 * role and the application repository's wiring, all derived from tenants/tenants.yaml.
 */
import { loadStackInputs } from "./config/stack";
import { createNeonProvider } from "./components/neonProvider";
import { TenantDatabase } from "./components/tenantDatabase";
import { activeTenants } from "./tenants/model";
import { getRegion } from "./tenants/regions";

const { settings, fleet } = loadStackInputs();

// Every tenant keeps its database, retired ones included: retiring stops secrets,
// backups and migrations, never the data.
const neonProvider = createNeonProvider();
const databases = fleet.tenants.map(
  (tenant) => new TenantDatabase({ tenant, orgId: settings.neonOrgId, provider: neonProvider, protect: settings.protect }),
);

/** The fleet as declared: one row per tenant (the auditors' view). */
export const tenants = fleet.tenants.map((t) => ({
  id: t.id,
  name: t.name,
  status: t.status,
  residency: t.residency,
  region: t.region,
  city: getRegion(t.region).city,
  country: getRegion(t.region).country,
}));
/** Per tenant: Neon project id, region and host. Connection strings are never exported. */
export const databasesByTenant = Object.fromEntries(
  databases.map((db, i) => [db.tenantId, { projectId: db.projectId, region: fleet.tenants[i].region, host: db.host }]),
);
export const activeTenantCount = activeTenants(fleet).length;
export const secretScope = settings.secretScope;
