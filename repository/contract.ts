/**
 * The repository contract: every name the stack writes into the application repository
 * (secrets, environments, variables, workflow files) and that the generated workflows and
 * the application read. Pure and stable, derived from tenant ids and the stack's shard;
 * changing one renames something a deployed repository relies on.
 */

/** `acme-corp` → `ACME_CORP_DATABASE_URL` (repository-scoped Actions secret). */
export function repositorySecretName(tenantId: string): string {
  return `${tenantId.toUpperCase().replace(/-/g, "_")}_DATABASE_URL`;
}

/** `acme-corp` → `tenant-acme-corp` (GitHub environment, environment-scoped secrets). */
export function environmentName(tenantId: string): string {
  return `tenant-${tenantId}`;
}

/** Secret name inside a tenant environment. */
export const ENVIRONMENT_SECRET_NAME = "DATABASE_URL";

/** Where an active tenant's connection string lives in the application repository, by secret scope. */
export type CredentialLocation =
  | { readonly scope: "repository"; readonly secret: string }
  | { readonly scope: "environment"; readonly environment: string; readonly secret: string };

export function credentialLocation(tenantId: string, scope: "repository" | "environment"): CredentialLocation {
  return scope === "repository" ? { scope, secret: repositorySecretName(tenantId) } : { scope, environment: environmentName(tenantId), secret: ENVIRONMENT_SECRET_NAME };
}

export const WORKFLOW_DIR = ".github/workflows";
/** Variables the stack sets in the repository (values are not secret). */
export const VARIABLES = Object.freeze({
  /** The backup writer role (the name predates the drill's own role). */
  roleArn: "TENANT_FLEET_AWS_ROLE_ARN",
  drillRoleArn: "TENANT_FLEET_DRILL_ROLE_ARN",
  vaults: "TENANT_FLEET_BACKUP_VAULTS",
});

/**
 * The names a stack writes into the application repository. Shards sharing a repository
 * get their own (`tenant-fleet-prod-eu-backup-….yml`, `TENANT_FLEET_AWS_ROLE_ARN_PROD_EU`),
 * so they never overwrite each other's files or variables.
 */
export interface FleetNames {
  /** File and concurrency-group prefix, e.g. `tenant-fleet` or `tenant-fleet-prod-eu`. */
  readonly prefix: string;
  /** The backup writer role's ARN. */
  readonly roleArnVariable: string;
  /** The restore-drill reader role's ARN. */
  readonly drillRoleArnVariable: string;
  readonly vaultsVariable: string;
}

export function fleetNames(shardKey = ""): FleetNames {
  const suffix = shardKey ? `_${shardKey.toUpperCase().replace(/-/g, "_")}` : "";
  return {
    prefix: shardKey ? `tenant-fleet-${shardKey}` : "tenant-fleet",
    roleArnVariable: `${VARIABLES.roleArn}${suffix}`,
    drillRoleArnVariable: `${VARIABLES.drillRoleArn}${suffix}`,
    vaultsVariable: `${VARIABLES.vaults}${suffix}`,
  };
}
/** A workflow file's concurrency group prefix: its file name without the extension. */
export function concurrencyGroup(path: string): string {
  return path.split("/").pop()!.replace(/\.ya?ml$/, "");
}

/**
 * The repository variable holding, for the tenants of one backup file, the database host
 * the stack created for each (JSON: tenant id → host): `TENANT_FLEET_BACKUP_17_3_X_X_X_DB_HOSTS`.
 * One per file keeps each under GitHub's 48 KB variable limit (256 tenants per file).
 */
export function hostsVariable(path: string): string {
  return `${concurrencyGroup(path).toUpperCase().replace(/[^A-Z0-9]/g, "_")}_DB_HOSTS`;
}

/**
 * Problems that would make a tenant id unusable as a GitHub name, or ids whose derived
 * names collide (GitHub compares secret and environment names case-insensitively).
 * Returns, per id that cannot be used, the reason.
 */
export function githubNameProblems(ids: readonly string[]): Map<string, string> {
  const problems = new Map<string, string>();
  const bySecret = new Map<string, string>();
  const byEnvironment = new Map<string, string>();
  for (const id of ids) {
    const secret = repositorySecretName(id);
    if (secret.startsWith("GITHUB_")) {
      problems.set(id, `the id would become the secret name ${secret}, and GitHub reserves the GITHUB_ prefix; choose an id that does not start with "github-"`);
      continue;
    }
    const env = environmentName(id).toLowerCase();
    const other = bySecret.get(secret.toUpperCase()) ?? byEnvironment.get(env);
    if (other !== undefined && other !== id) {
      problems.set(id, `the id collides with tenant ${other} once turned into the GitHub names ${secret} / ${environmentName(id)}; choose a distinct id`);
      continue;
    }
    bySecret.set(secret.toUpperCase(), id);
    byEnvironment.set(env, id);
  }
  return problems;
}
