/**
 * Names derived from a tenant id. Pure and stable: the same id always yields the same
 * names, whatever the order of the tenants file.
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

/**
 * `14` → `retain-14d/`: the key prefix of one retention class. The lifecycle expires each
 * class by prefix, so a backup's retention is part of its key and nobody can shorten it
 * after upload (a tag could be rewritten). Strings let scripts pass shell variables.
 */
export function retentionClassPrefix(retentionDays: number | string): string {
  return `retain-${retentionDays}d/`;
}

/** S3 key prefix of a tenant's backups in its retention class: `retain-14d/acme-corp/`. */
export function backupPrefix(tenantId: string, retentionDays: number | string): string {
  return `${retentionClassPrefix(retentionDays)}${tenantId}/`;
}

/** Where backups went before retention classes (`acme-corp/…`, retained by a `retention-days` tag). */
export function legacyBackupPrefix(tenantId: string): string {
  return `${tenantId}/`;
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
