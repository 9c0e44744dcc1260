/**
 * Project and backup key names derived from a tenant id. Pure and stable: the same id always yields
 * the same names, whatever the order of the tenants file. The names a tenant gets in
 * GitHub are in src/core/repositoryContract.ts.
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

/** What a top-level prefix of the vault layout holds, for messages: `retain-14d/` → "the retention class of 14 days". */
export interface LayoutPrefix {
  /** The prefix as the layout writes it, with its slash: `retain-14d/`, `exports/`. */
  readonly prefix: string;
  readonly holds: string;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The retention class prefixes for ANY number of days, not only the stack's classes: retentionClassPrefix with digits for the days. */
const RETENTION_CLASS_PATTERN = new RegExp(`^${retentionClassPrefix("\u0000").split("\u0000").map(escaped).join("(\\d+)")}`);

/**
 * The stack-owned top-level prefix of the vault layout that `path` lies in (retention
 * classes of any number of days, exports), else undefined. A tenant's own prefixes lie
 * inside one (`retain-14d/acme/`) or, before retention classes, are top-level themselves
 * (`acme/`): a tenant id equal to a layout segment would make its old-layout prefix the
 * whole class, so the tenants file refuses such ids (tenants/rules/reservedIds.ts) and
 * erasure refuses a prefix that is or holds one (src/operations/erase.ts).
 */
export function layoutPrefixOf(path: string): LayoutPrefix | undefined {
  const retention = RETENTION_CLASS_PATTERN.exec(path);
  if (retention) return { prefix: retention[0], holds: `every tenant's backups kept ${retention[1]} days (a retention class)` };
  if (path.startsWith(EXPORTS_PREFIX)) return { prefix: EXPORTS_PREFIX, holds: "every tenant's exports" };
  return undefined;
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
