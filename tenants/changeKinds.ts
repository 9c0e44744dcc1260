/**
 * The catalogue of destructive changes: every kind of change that can lose a tenant's
 * data or the protection around it, which fields it concerns, whether it is one tenant's
 * or the stack's, whether the Neon provider replaces the project for it, and why it is
 * dangerous. The schema's acknowledgeable kinds, the model's type, the tenant diff's rules
 * and the catalogue in docs/tenants-file.md are all derived from this one table.
 */
import { mdText } from "../src/core/escape";

export interface ChangeKind {
  /** One tenant's change (the acknowledgement names the tenant) or the whole stack's. */
  readonly scope: "tenant" | "stack";
  /** What changes, as the diff names it: tenant fields (`database.*` for a group), stack settings, or what leaves. */
  readonly fields: readonly string[];
  /**
   * The `neon:Project` inputs this change moves, when the provider replaces the project for
   * them (ForceNew in the provider's schema, checked by a test against the provider's facts).
   */
  readonly projectInputs: readonly string[];
  /** Why it is destructive: what is lost. */
  readonly why: string;
  /** The way to make the change without losing anything, for people. */
  readonly instead: string;
}

const REPLACES = "Neon cannot change this in place: the provider replaces the project and the tenant's data is lost";

export const CHANGE_KINDS = {
  region: {
    scope: "tenant",
    fields: ["region"],
    projectInputs: ["regionId"],
    why: REPLACES,
    instead:
      'keep region as it is and move the tenant: move: { region: <new region>, ticket: <change> } creates the target beside it (docs/operations.md, "Move a tenant")',
  },
  pgVersion: {
    scope: "tenant",
    fields: ["pgVersion"],
    projectInputs: ["pgVersion"],
    why: REPLACES,
    instead:
      'keep pgVersion as it is and move the tenant: move: { region: <its region>, pgVersion: <new major>, ticket: <change> } (docs/operations.md, "Move a tenant"); a move never goes to an older major: dump and restore into a new tenant for that',
  },
  database: {
    scope: "tenant",
    fields: ["database.*"],
    projectInputs: ["branch"],
    why: REPLACES,
    instead: "keep the names; rename inside Postgres if needed",
  },
  weakening: {
    scope: "tenant",
    fields: ["backup.enabled", "backup.retentionDays", "backup.schedule", "backup.rpoHours", "backup.snapshots", "historyRetentionHours"],
    projectInputs: [],
    why: "weakens the tenant's protection: backups or Neon snapshots stop, are kept a shorter time or taken less often, or the point-in-time restore window shrinks",
    instead: "keep the protection; when lowering it is intended (a contract change), acknowledge it with the approval",
  },
  residency: {
    scope: "tenant",
    fields: ["residency"],
    projectInputs: [],
    why: "the tenant's declared residency widens (DE to EU, or to a jurisdiction that does not contain the old one): every check that keeps its data, backups, moves and jobs inside the jurisdiction then accepts places the customer did not agree to",
    instead:
      "keep the residency; widen it only with the customer's written agreement, acknowledged with its reference (a tightening the region still lies in is safe)",
  },
  generation: {
    scope: "tenant",
    fields: ["generation"],
    projectInputs: [],
    why: "the tenant's project becomes another resource (<id>-g<generation>): a new, empty project is created and the current one leaves the program",
    instead: "change generation only to finish a move: the line becomes the move's target (region, pgVersion, generation) once finish: true is deployed",
  },
  binding: {
    scope: "tenant",
    fields: ["neonProjectId"],
    projectInputs: [],
    why: "the tenant's project resource is bound to another Neon project than the one the stack manages: Pulumi deletes (a protected stack refuses; retained on delete: forgets) the one in its state and imports the other",
    instead:
      "keep the binding an adopted tenant was imported with; to serve the tenant from another project, move it (move:) or add a new tenant bound to that project",
  },
  removal: {
    scope: "tenant",
    fields: ["the tenant's line"],
    projectInputs: [],
    why: "an active tenant's project would be deleted (a protected stack refuses); a retired tenant's project is forgotten by Pulumi, the last step of erasure",
    instead: "retire the tenant (status: retired); remove the line only after its data is erased",
  },
  orgId: {
    scope: "stack",
    fields: ["tenant-fleet:neonOrgId"],
    projectInputs: ["orgId"],
    why: `${REPLACES}, for every tenant`,
    instead: "keep the organisation; move projects with Neon's transfer API outside the stack",
  },
  repository: {
    scope: "stack",
    fields: ["tenant-fleet:githubOwner", "tenant-fleet:githubRepository"],
    projectInputs: [],
    why: "every connection string (repository and environment scopes), workflow and role trust moves to another repository: whoever controls it can read the tenants' databases",
    instead: "keep the repository; to move, create the new repository's wiring first and acknowledge with the approval",
  },
  secretScope: {
    scope: "stack",
    fields: ["tenant-fleet:secretScope"],
    projectInputs: [],
    why: "where every tenant's connection string lives and who can read it changes (to repository scope: every workflow on every branch)",
    instead: "change scope on purpose, acknowledged with the review of who can read the strings afterwards",
  },
  encryption: {
    scope: "stack",
    fields: ["tenant-fleet:backupEncryption"],
    projectInputs: [],
    why: "the vault keys that decrypt the backups already taken leave the program (kms to s3); their deletion is then one step away",
    instead: "keep kms while backups under the keys exist",
  },
  protection: {
    scope: "stack",
    fields: ["tenant-fleet:protect"],
    projectInputs: [],
    why: "tenant projects, buckets and keys lose their protection: a later change could delete them",
    instead: "keep protect: true on stacks with customer data",
  },
  vault: {
    scope: "stack",
    fields: ["backup vault <region>"],
    projectInputs: [],
    why: "a vault whose region has no tenant left would lose its versioning, lifecycle, policy and public access block while backups are still in it",
    instead: "keep it with tenant-fleet:keepVaultRegions until the last backup has expired",
  },
  retention: {
    scope: "stack",
    fields: ["retention class <days>d"],
    projectInputs: [],
    why: "backups already under a retention class whose lifecycle rule goes would never expire (an erased tenant's included)",
    instead: "keep it with tenant-fleet:keepRetentionDays until those backups have expired",
  },
  custody: {
    scope: "stack",
    fields: ["tenant-fleet:breakGlassPrincipal", "tenant-fleet:keyAdministrators"],
    projectInputs: [],
    why: "who holds the vaults changes: the break-glass principal may delete every backup and schedule the keys' deletion, and the key administrators manage the keys (and, without break-glass, their policies and the vaults' configuration)",
    instead:
      "change custody only through the documented break-glass path (docs/deploying.md, vault custody), acknowledged with the approval of who holds the vaults afterwards",
  },
  esc: {
    scope: "stack",
    fields: ["environment", "tenant-fleet:<setting> (removed while ESC environments are imported)"],
    projectInputs: [],
    why: "the stack's settings come from Pulumi ESC environments the review cannot read: whoever may write those environments sets any value at deploy (protection, the tenants file, custody), and the stack file wins over ESC only for keys it still sets",
    instead:
      "keep the settings the review must see in the stack file; import an ESC environment only for secrets, acknowledged with who may write that environment",
  },
  code: {
    scope: "stack",
    fields: ["resource <type> <name>"],
    projectInputs: [],
    why: "the program itself (its code, not the tenants file or the stack settings) deletes or replaces a resource holding tenant data or its key, lowers a protection, or sends a secret somewhere new",
    instead: "change the code so that it keeps the resource (an alias keeps a renamed one); when the change is intended, acknowledge it with the approval",
  },
} as const satisfies Record<string, ChangeKind>;

/** A kind of destructive change a reviewed acknowledgement can accept. */
export type AcknowledgedChange = keyof typeof CHANGE_KINDS;

export const ACKNOWLEDGEABLE_CHANGES = Object.keys(CHANGE_KINDS) as [AcknowledgedChange, ...AcknowledgedChange[]];

/** The kinds that concern the whole stack, not one tenant. */
export const STACK_WIDE_CHANGES: readonly AcknowledgedChange[] = ACKNOWLEDGEABLE_CHANGES.filter((k) => CHANGE_KINDS[k].scope === "stack");

/**
 * The destructive kind a change to one tenant field (`region`, `database.name`) can be, if
 * any. A `weakening` field is destructive only in one direction (the diff decides).
 */
export function kindOfTenantField(field: string): AcknowledgedChange | undefined {
  return ACKNOWLEDGEABLE_CHANGES.find(
    (k) =>
      CHANGE_KINDS[k].scope === "tenant" && CHANGE_KINDS[k].fields.some((f: string) => f === field || (f.endsWith(".*") && field.startsWith(f.slice(0, -1)))),
  );
}

/** The catalogue of destructive changes in docs/tenants-file.md (generated by `npm run schema`). */
export function changeKindsTable(): string {
  const rows = ACKNOWLEDGEABLE_CHANGES.map((k) => {
    const c: ChangeKind = CHANGE_KINDS[k];
    const fields = c.fields.map((f) => (f.includes(" ") && !f.includes(":") ? mdText(f) : `\`${f}\``)).join(", ");
    const replaces = c.projectInputs.length ? `yes (${c.projectInputs.map((p) => `\`${p}\``).join(", ")})` : "no";
    return `| \`${k}\` | ${c.scope} | ${fields} | ${replaces} | ${mdText(c.why)} | ${mdText(c.instead)} |`;
  });
  return ["| `change:` | scope | what changes | provider replaces the project | why it is destructive | instead |", "|---|---|---|---|---|---|", ...rows].join(
    "\n",
  );
}
