/**
 * Project and backup key names derived from a tenant id. Pure and stable: the same id always yields
 * the same names, whatever the order of the tenants file. The names a tenant gets in
 * GitHub are in repository/contract.ts.
 */

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

/** Where tenants' exports go in their vault, apart from the backups' retention classes; expired by its own lifecycle rule. */
export const EXPORTS_PREFIX = "exports/";

/** `exports/acme-corp/`: one tenant's exports. */
export function exportPrefix(tenantId: string): string {
  return `${EXPORTS_PREFIX}${tenantId}/`;
}

/**
 * The Pulumi resource name of a tenant's project at a generation: `acme-corp` for its
 * first, `acme-corp-g2` for the target of its first move. A finished move keeps the
 * target's name (the tenant's line says generation: 2), so its URN never changes.
 */
export function projectResourceName(t: { readonly id: string; readonly generation: number }): string {
  return t.generation === 1 ? t.id : `${t.id}-g${t.generation}`;
}

/** The Neon project name at a generation: the display name, then ` [g2]` from the second on (two projects of a move never share a name). */
export function projectName(t: { readonly name: string; readonly generation: number }): string {
  return t.generation === 1 ? t.name : `${t.name} [g${t.generation}]`;
}
