/**
 * The tenant-level diff of a pull request: what changes per tenant and for the stack,
 * which changes are destructive (the Neon project would be replaced or deleted, or
 * protection dropped), and which of those the tenants file acknowledges. Pure. The
 * stack-wide changes are compared in ./diffStack.ts; the shapes are in ./diffTypes.ts.
 */
import { isActive, type Acknowledgement, type AcknowledgedChange, type Tenant } from "../../tenants/model";
import { CHANGE_KINDS, kindOfTenantField } from "../../tenants/changeKinds";
import { finishedTenant } from "../../tenants/serving";
import { longestGapHours } from "../core/cronGap";
import type { SettingKey } from "../core/config/settings";
import { AWS_TYPES, type ChangeClass, type ResourceFinding } from "./findings";
import { adoptedWhy, BINDING_FIELD, bindingChange } from "../../tenants/binding";
import { bindingConflict } from "./bindingConflicts";
import { residencyContains, residencyLoosened } from "../../tenants/residency";
import { DiffLocator, type SourcePosition } from "./diffPositions";
import { insteadOf } from "./diffWayOut";
import { retentionField, settingValue, stackFieldChanges } from "./diffStack";
import { snapshotText, snapshotWeakening, type SnapshotSetting } from "../../tenants/snapshots";
import type { ExplainedFinding, FieldChange, FleetDiff, Side, TenantChange, TenantDiff } from "./diffTypes";

export type { ExplainedFinding, FieldChange, FleetDiff, Side, StackView, TenantChange, TenantDiff } from "./diffTypes";

interface FieldRule {
  readonly class: ChangeClass;
  readonly kind?: AcknowledgedChange;
  readonly why: string;
}

/**
 * How a protection field moved: lower retention, backups off, a longer gap between backups,
 * a shorter PITR window weaken it (why), anything else does not (undefined).
 */
export function weakening(field: string, before: unknown, after: unknown): string | undefined {
  switch (field) {
    case "backup.enabled":
      return before === true && after === false ? "weakens protection: nightly backups stop (the drill stops too)" : undefined;
    case "backup.retentionDays":
      return Number(after) < Number(before) ? `weakens protection: backups are kept ${String(after)} days instead of ${String(before)}` : undefined;
    case "historyRetentionHours":
      return Number(after) < Number(before)
        ? `weakens protection: the point-in-time restore window shrinks from ${String(before)} h to ${String(after)} h`
        : undefined;
    case "backup.rpoHours":
      return after === undefined
        ? `weakens protection: the stated RPO of ${String(before)} h is dropped`
        : before !== undefined && Number(after) > Number(before)
          ? `weakens protection: the stated RPO grows from ${String(before)} h to ${String(after)} h`
          : undefined;
    case "backup.snapshots":
      return snapshotWeakening(before, after);
    case "backup.schedule": {
      const [a, b] = [longestGapHours(String(before)), longestGapHours(String(after))];
      return b > a ? `weakens protection: the longest gap between backups grows from ${a} h to ${b} h` : undefined;
    }
    default:
      return undefined;
  }
}

function ruleFor(field: string, before: unknown, after: unknown): FieldRule {
  if (field === BINDING_FIELD) {
    const binding = bindingChange(before, after);
    return binding.class === "destructive" ? { ...binding, kind: "binding" } : binding;
  }
  const kind = kindOfTenantField(field);
  if (kind === "weakening" || kind === "residency") {
    const why = kind === "weakening" ? weakening(field, before, after) : residencyWidening(before, after);
    if (why) return { class: "destructive", kind, why };
  } else if (kind) return { class: "destructive", kind, why: CHANGE_KINDS[kind].why };
  if (field === "tier")
    return {
      class: "safe",
      why: `${before === undefined ? "takes" : after === undefined ? "leaves its tier for" : "changes to"} ${after === undefined ? "the file's defaults" : `tier ${String(after)}`}: each setting that changes with it is listed here`,
    };
  if (field === "status") {
    return after === "retired"
      ? { class: "safe", why: "keeps the database and its backups; removes its secret and stops its backups and migrations" }
      : { class: "safe", why: "wires the tenant's secret, backups and migrations again" };
  }
  if (field === "residency")
    return { class: "safe", why: `declared jurisdiction changes from ${String(before)} to ${String(after)}; the region must still lie inside it` };
  if (field === "backup.snapshots")
    return {
      class: "safe",
      why: "changes the tenant's Neon snapshot schedule (its BranchBackupSchedule, updated in place; snapshots taken stay until they expire)",
    };
  if (field.startsWith("backup.")) return { class: "safe", why: "changes the generated backup workflows" };
  if (field === "move.finish" && after === true)
    return {
      class: "safe",
      why: "move finish: the source project is released (no longer protected, still retained on delete: Pulumi never deletes it); npm run tenant -- move --finish deletes it once the target has served through the grace period, backed up and drilled",
    };
  if (field === "move.finish" && before === true) return { class: "safe", why: "move finish undone: the source project is protected again" };
  if (field === "move.cutover" && after === true)
    return { class: "safe", why: "move cutover: routes, secrets, backups and migrations switch to the target project; the current one stays, protected" };
  if (field === "move.cutover" && before === true)
    return {
      class: "safe",
      why: "move cutover undone: routes, secrets, backups and migrations return to the current project (writes made on the target since stay there)",
    };
  if (field === "move.method" && after === "logical")
    return {
      class: "review",
      why: "move by logical replication: the source project is switched to wal_level=logical (Neon restarts its computes once, and it cannot be turned off); every table needs a primary key or REPLICA IDENTITY FULL",
    };
  if (field.startsWith("move.")) {
    return before === undefined
      ? {
          class: "safe",
          why: "move: the target project is created beside the current one, which keeps serving; npm run tenant -- move copies and compares the data",
        }
      : after === undefined
        ? { class: "safe", why: "move withdrawn: the target project leaves the program (a protected stack refuses to delete it; the resource review says so)" }
        : { class: "safe", why: "move: the target changes before any cutover (the resource review shows a replaced target)" };
  }
  return { class: "safe", why: "updated in place" };
}

/** A residency that does not contain the old one (DE → EU) loosens the tenant's jurisdiction (why); a tightening does not (undefined). */
function residencyWidening(before: unknown, after: unknown): string | undefined {
  const [b, a] = [String(before), String(after)];
  if (!residencyLoosened(b, a)) return undefined;
  const how = residencyContains(a, b) ? `widens from ${b} to ${a}` : `changes from ${b} to ${a}, which does not contain it`;
  return `the declared residency ${how}: ${CHANGE_KINDS.residency.why.replace(/^[^:]*: /, "")}`;
}

/** The field change of a finished move: the name `move` with `finished` after is what explains the source's resource leaving (explain). */
function finishedChange(prev: Tenant): FieldChange {
  return {
    field: "move",
    before: "finish",
    after: "finished",
    class: "safe",
    why: `move finished: the tenant is its generation ${prev.generation + 1} project (${prev.move!.region}, Postgres ${prev.move!.pgVersion}; same resource, nothing created or replaced); the released source leaves the program and Pulumi forgets it (retained on delete): npm run tenant -- move ${prev.id} --finish deletes it in Neon`,
  };
}

/** A tenant as flat `field → value` pairs, for comparison. */
export function flattenTenant(t: Tenant): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (prefix: string, v: unknown) => {
    // A snapshot schedule is one value (its one-line spelling): its parts only mean something together.
    if (prefix === "backup.snapshots") out.set(prefix, snapshotText(v as SnapshotSetting));
    else if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    else out.set(prefix, v);
  };
  walk("", t);
  out.delete("id");
  return out;
}

function compareTenant(before: Tenant, after: Tenant): FieldChange[] {
  const a = flattenTenant(before);
  const b = flattenTenant(after);
  const fields = [...new Set([...a.keys(), ...b.keys()])];
  return fields
    .filter((f) => JSON.stringify(a.get(f)) !== JSON.stringify(b.get(f)))
    .map((field) => {
      const rule = ruleFor(field, a.get(field), b.get(field));
      return { field, before: a.get(field), after: b.get(field), ...rule, ...(rule.kind ? { instead: insteadOf(rule.kind, before, after) } : {}) };
    });
}

function acknowledge(changes: FieldChange[], acks: readonly Acknowledgement[], tenant: string | undefined, used: Set<Acknowledgement>): FieldChange[] {
  return changes.map((c) => {
    if (c.class !== "destructive") return c;
    const ack = acks.find((a) => a.change === c.kind && a.tenant === tenant);
    if (!ack) return c;
    used.add(ack);
    return { ...c, acknowledgement: ack };
  });
}

/**
 * The tenant-level diff of two sides; with `resources` (the findings of both programs'
 * registrations), every destructive finding that no destructive tenant or stack change
 * accounts for becomes a stack change of its own (`change: code`).
 */
export function diffFleets(before: Side | undefined, after: Side, resources?: readonly ResourceFinding[]): FleetDiff {
  const acks = after.fleet.acknowledgements;
  const used = new Set<Acknowledgement>();
  const tenants = tenantDiffs(before, after, acks, used);
  const stackChanges = before ? stackFieldChanges(before, after) : [];
  const principals = configuredPrincipals(after.stack.settings, new Set(stackChanges.map((c) => c.field)), resources ?? []);
  const explained = resources?.map((f) => explain(f, tenants, stackChanges, principals));
  stackChanges.push(...unexplainedCodeChanges(explained ?? []));
  const stack = acknowledge(stackChanges, acks, undefined, used);

  const all = [...tenants.flatMap((t) => t.changes), ...stack];
  const located = locate(before, after, tenants, stack);
  const destructive = all.filter((c) => c.class === "destructive");
  const count = (change: TenantChange) => tenants.filter((t) => t.change === change).length;
  return {
    tenants: located.tenants,
    stack: located.stack,
    unusedAcknowledgements: acks.filter((a) => !used.has(a)),
    ...(explained ? { resources: explained } : {}),
    summary: {
      added: count("added"),
      adopted: count("adopted"),
      removed: count("removed"),
      retired: count("retired"),
      reactivated: count("reactivated"),
      changed: count("changed"),
      destructive: destructive.length,
      unacknowledged: destructive.filter((c) => !c.acknowledgement).length,
      review: all.filter((c) => c.class === "review").length,
    },
  };
}

/** Each change with its position (diffPositions.ts) and, when destructive, the catalogue's way out if it has none of its own. */
function locate(before: Side | undefined, after: Side, tenants: readonly TenantDiff[], stack: readonly FieldChange[]) {
  const at = new DiffLocator(before && { file: before.fleet.file, source: before.source }, { file: after.fleet.file, source: after.source });
  const finish = (c: FieldChange, where: SourcePosition | undefined): FieldChange => ({
    ...c,
    ...(c.kind && !c.instead ? { instead: insteadOf(c.kind, undefined, undefined) } : {}),
    ...(where ? { at: where } : {}),
  });
  return {
    tenants: tenants.map((t) => ({ ...t, changes: t.changes.map((c) => finish(c, at.tenantChange(t.id, c.field, t.change === "removed"))) })),
    stack: stack.map((c) => finish(c, at.stackChange(c.field))),
  };
}

/** Each tenant's line compared, added and removed lines included, sorted by id; `used` collects the acknowledgements that matched. */
function tenantDiffs(before: Side | undefined, after: Side, acks: readonly Acknowledgement[], used: Set<Acknowledgement>): TenantDiff[] {
  const old = new Map((before?.fleet.tenants ?? []).map((t) => [t.id, t]));
  const now = new Map(after.fleet.tenants.map((t) => [t.id, t]));
  const tenants: TenantDiff[] = [];
  for (const t of after.fleet.tenants) {
    const prev = old.get(t.id);
    if (!prev) {
      const conflict = bindingConflict(t, after.otherStacks ?? []);
      if (conflict) {
        const changes = acknowledge(
          [{ field: BINDING_FIELD, before: undefined, after: t.neonProjectId, class: "destructive", kind: "binding", why: conflict }],
          acks,
          t.id,
          used,
        );
        tenants.push({ id: t.id, name: t.name, change: "adopted", changes });
        continue;
      }
      tenants.push({
        id: t.id,
        name: t.name,
        change: t.neonProjectId ? "adopted" : "added",
        changes: [
          {
            field: "tenant",
            before: undefined,
            after: t.status,
            class: "safe",
            why: t.neonProjectId
              ? adoptedWhy(t.neonProjectId, isActive(t))
              : isActive(t)
                ? "creates its Neon project, secret, backups and migrations"
                : "creates its Neon project (retired: not wired)",
          },
        ],
      });
      continue;
    }
    // A finished move's line becomes its target's: compared with the target, the move itself is one safe change.
    const finished = finishedTenant(prev);
    const done = finished !== undefined && !t.move && t.generation === finished.generation;
    const changes = acknowledge(done ? [finishedChange(prev), ...compareTenant(finished, t)] : compareTenant(prev, t), acks, t.id, used);
    if (!changes.length) continue;
    const statusChange = changes.find((c) => c.field === "status");
    const change: TenantChange = statusChange ? (statusChange.after === "retired" ? "retired" : "reactivated") : "changed";
    tenants.push({ id: t.id, name: t.name, change, changes });
  }
  for (const t of before?.fleet.tenants ?? []) {
    if (now.has(t.id)) continue;
    const why = isActive(t)
      ? "an active tenant's line is gone: its secret and backups stop and Pulumi would delete its Neon project (a protected stack refuses; retire it instead)"
      : "the retired tenant's line is gone: Pulumi forgets its Neon project (retained on delete in protected stacks) — the last step of the erasure path";
    const changes = acknowledge([{ field: "tenant", before: t.status, after: undefined, class: "destructive", kind: "removal", why }], acks, t.id, used);
    tenants.push({ id: t.id, name: t.name, change: "removed", changes });
  }
  tenants.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return tenants;
}

/** A destructive resource finding that no tenant or stack change accounts for is a change of the code: a stack change of its own. */
function unexplainedCodeChanges(explained: readonly ExplainedFinding[]): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const f of explained) {
    if (f.class !== "destructive" || f.explainedBy) continue;
    // What a weakening or a grant would let whom do is the reason itself: say it here, not only under "resources".
    const what = f.change === "weakened" || f.change === "iam-widened" ? `: ${f.detail}` : "";
    changes.push({
      field: `resource ${f.type} ${f.name}`,
      before: "deployed",
      after: f.change,
      class: "destructive",
      kind: "code",
      why: `${f.change} by a change of the code${what}: neither the tenants file nor the stack settings account for it (the proof is under "resources")`,
    });
  }
  return changes;
}

/** Which stack-wide kinds account for which resource findings. */
const EXPLAINS: Partial<Record<AcknowledgedChange, (f: ResourceFinding, c: FieldChange) => boolean>> = {
  protection: (f) => f.change === "unprotected",
  repository: (f) => f.change === "secret-moved",
  secretScope: (f) => f.change === "secret-moved" || f.change === "deleted",
  // The vault keys leave: the key, the default encryption that named it and the bucket policy's key statements.
  encryption: (f) => f.vault !== undefined && [AWS_TYPES.key, AWS_TYPES.encryption, AWS_TYPES.bucketPolicy].includes(f.type as never),
  orgId: (f) => f.change === "replaced" && f.type === "neon:index/project:Project",
  vault: (f, c) => f.vault !== undefined && c.field === `backup vault ${f.vault}`,
};

/**
 * The settings that name the principals the stack's own key, bucket and trust policies grant
 * their privileges to by design: the deploy identities (key administrators), break-glass,
 * and the OIDC provider the roles trust. The application roles are not among them: a
 * privilege granted to one is never by design.
 */
const PRINCIPAL_SETTINGS = ["keyAdministrators", "breakGlassPrincipal", "oidcProviderArn"] as const satisfies readonly SettingKey[];

/** The principals each of those settings names, and where a setting may account for a grant to them. */
interface ConfiguredPrincipals {
  /** Every setting's principals, in the head's settings. */
  readonly all: ReadonlyMap<string, ReadonlySet<string>>;
  /** Those of the settings this diff changes: the only ones that account for a grant on a vault or role that already exists. */
  readonly changed: ReadonlyMap<string, ReadonlySet<string>>;
  /** Vaults whose bucket or key this diff creates: their new documents name the configured principals by design. */
  readonly fresh: ReadonlySet<string>;
}

/** The principals each of those settings names in the head's stack settings. */
function configuredPrincipals(
  settings: Readonly<Record<string, string | undefined>> | undefined,
  changed: ReadonlySet<string>,
  resources: readonly ResourceFinding[],
): ConfiguredPrincipals {
  const all = new Map(
    settings
      ? PRINCIPAL_SETTINGS.map(
          (key) => [`tenant-fleet:${key}`, new Set([settingValue(settings, key)].flat().filter((v): v is string => typeof v === "string"))] as const,
        )
      : [],
  );
  const fresh = new Set(
    resources.filter((f) => f.change === "created" && f.vault !== undefined && (f.type === AWS_TYPES.key || f.type === AWS_TYPES.bucket)).map((f) => f.vault!),
  );
  return { all, changed: new Map([...all].filter(([field]) => changed.has(field))), fresh };
}

/** The destructive change of the tenants file or the settings a finding follows from, if any. */
function explain(f: ResourceFinding, tenants: readonly TenantDiff[], stack: readonly FieldChange[], principals: ConfiguredPrincipals): ExplainedFinding {
  if (f.class !== "destructive") return f;
  // A lifecycle rule of a retention class that leaves the stack (itself failing until acknowledged).
  if (f.classes?.length && f.classes.every((d) => stack.some((c) => c.kind === "retention" && c.field === retentionField(d))))
    return { ...f, explainedBy: f.classes.map(retentionField).join(", ") };
  // A grant to the deploy identities, break-glass or the OIDC provider a setting names, which this diff changes (or on a vault
  // it creates): the stack's design, reviewed with the setting. A Deny's new exception: only break-glass changing accounts for it.
  const usable = f.vault !== undefined && principals.fresh.has(f.vault) ? principals.all : principals.changed;
  const naming = (f.principals ?? []).map((p) => [...usable].find(([, named]) => named.has(p))?.[0]);
  const glass = "tenant-fleet:breakGlassPrincipal";
  const excepted = (f.exceptions ?? []).map((p) => (principals.changed.get(glass)?.has(p) ? glass : undefined));
  const by = [...naming, ...excepted];
  if (f.principals !== undefined && by.length && by.every((s) => s !== undefined)) return { ...f, explainedBy: [...new Set(by)].join(", ") };
  const mine = f.tenant === undefined ? [] : (tenants.find((t) => t.id === f.tenant)?.changes ?? []);
  const own = mine.find((c) => c.class === "destructive");
  if (own) return { ...f, explainedBy: `${f.tenant}: ${own.field}` };
  // A finished move's source: released (unprotected, still retained), then forgotten by Pulumi; deleting it is the finish operation's.
  if (
    f.change === "unprotected" &&
    f.lowered?.join() === "protect" &&
    f.type === "neon:index/project:Project" &&
    mine.some((c) => c.field === "move.finish" && c.after === true)
  )
    return { ...f, explainedBy: `${f.tenant}: move.finish` };
  if (f.change === "deleted" && f.retained && mine.some((c) => c.field === "move" && c.after === "finished"))
    return { ...f, explainedBy: `${f.tenant}: move finished` };
  const change = stack.find((c) => c.class === "destructive" && c.kind !== undefined && EXPLAINS[c.kind]?.(f, c));
  return change ? { ...f, explainedBy: change.field } : f;
}

/** True when the diff may merge: every destructive change is acknowledged. */
export function diffPasses(diff: FleetDiff): boolean {
  return diff.summary.unacknowledged === 0;
}
