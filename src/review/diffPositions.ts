/**
 * Where each finding of the tenant diff is written: a tenant field at its value in the head
 * tenants file (or at the `defaults:` value it inherits, or at the tenant's entry when it
 * falls back to the code default), a removed tenant at its entry in the base file (the head
 * has no line for it, and the position says which side it is), and a stack setting at its
 * key in the head stack file (the base's when the head dropped it). Positions come from the
 * same YAML walk as the loader's errors (src/core/diagnostics/positions.ts). Pure.
 */
import { isMap, isScalar, isSeq } from "yaml";
import { Positions, type DocPath } from "../core/diagnostics/positions";

/** A finding's place: file, 1-based line and column, which side's file, and what is there. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** `head`: the file the pull request proposes; `base`: the file as it was (a removal). */
  readonly side: "head" | "base";
  /** `field`: the changed value; `tier`: its tier's preset value (tenants/tiers.ts); `defaults`: the `defaults:` value the tenant inherits; `entry`: the tenant's entry; `setting`: the stack file's key. */
  readonly of: "field" | "tier" | "defaults" | "entry" | "setting";
}

/** The text behind a side of the diff, when the caller read it (positions are left out otherwise). */
export interface SideSource {
  /** The tenants file's text, as the side's fleet (its `file`) was loaded from. */
  readonly tenantsText?: string;
  /** The stack file as it is named in messages, and its text. */
  readonly stackFile?: string;
  readonly stackText?: string;
  /** Settings given on the command line (`--config`, `--tenants`), without the namespace: the stack file's line is not where they come from. */
  readonly overridden?: ReadonlySet<string>;
}

/** One side's files, parsed once, with each tenant's index in `tenants:`. */
class SideFiles {
  private readonly tenants?: Positions;
  private readonly index = new Map<string, number>();
  private readonly stack?: Positions;
  private readonly overridden: ReadonlySet<string>;

  constructor(
    private readonly side: "head" | "base",
    file: string,
    source: SideSource | undefined,
  ) {
    if (source?.tenantsText !== undefined) {
      this.tenants = Positions.of(source.tenantsText, file);
      const list = this.tenants.nodeAt(["tenants"]);
      if (isSeq(list))
        list.items.forEach((item, i) => {
          const id = isMap(item) ? item.get("id", true) : undefined;
          if (isScalar(id) && !this.index.has(String(id.value))) this.index.set(String(id.value), i);
        });
    }
    if (source?.stackText !== undefined && source.stackFile) this.stack = Positions.of(source.stackText, source.stackFile);
    this.overridden = source?.overridden ?? new Set();
  }

  private place(at: Positions, path: DocPath, of: SourcePosition["of"]): SourcePosition | undefined {
    if (of !== "entry" && !at.nodeAt(path)) return undefined;
    return { file: at.file, ...at.at(path), side: this.side, of };
  }

  /** A tenant field (`backup.retentionDays`) or, for `entry`, the tenant's entry. */
  tenantField(id: string, field: string | undefined): SourcePosition | undefined {
    const i = this.index.get(id);
    if (!this.tenants || i === undefined) return undefined;
    const keys = field === undefined ? [] : field.split(".");
    if (!keys.length) return this.place(this.tenants, ["tenants", i], "entry");
    const tier = this.tenants.nodeAt(["tenants", i, "tier"]);
    const inTier = isScalar(tier) && keys[0] !== "tier" ? this.place(this.tenants, ["tiers", String(tier.value), ...keys], "tier") : undefined;
    return (
      this.place(this.tenants, ["tenants", i, ...keys], "field") ??
      inTier ??
      this.place(this.tenants, ["defaults", ...keys], "defaults") ??
      this.place(this.tenants, ["tenants", i], "entry")
    );
  }

  /** Whether the command line gives this setting (`tenant-fleet:tenantsFile`) rather than the stack file. */
  overrides(key: string): boolean {
    return this.overridden.has(key.slice(key.indexOf(":") + 1));
  }

  /** The stack file's shard setting (shardRegions, else shardResidencies), else the start of its config: where a stack is narrowed. */
  shardSetting(): SourcePosition | undefined {
    if (!this.stack) return undefined;
    return this.setting("tenant-fleet:shardRegions") ?? this.setting("tenant-fleet:shardResidencies") ?? this.place(this.stack, ["config"], "setting");
  }

  /** A stack setting's key (`tenant-fleet:secretScope`) in the stack file. */
  setting(key: string): SourcePosition | undefined {
    if (!this.stack || this.overrides(key)) return undefined;
    return this.place(this.stack, ["config", key], "setting");
  }
}

/** Finds the position of each tenant change and stack change of one diff. */
export class DiffLocator {
  private readonly head: SideFiles;
  private readonly base: SideFiles;

  constructor(before: { file: string; source?: SideSource } | undefined, after: { file: string; source?: SideSource }) {
    this.head = new SideFiles("head", after.file, after.source);
    this.base = new SideFiles("base", before?.file ?? "", before?.source);
  }

  /**
   * A tenant change: a removal at the tenant's entry in the base file; the field `tenant`
   * (added) and `move` (a finished move, the block gone) at the entry in the head file;
   * any other field at its value.
   */
  tenantChange(id: string, field: string, removed: boolean): SourcePosition | undefined {
    if (removed) return this.base.tenantField(id, undefined);
    return this.head.tenantField(id, field === "tenant" || field === "move" ? undefined : field);
  }

  /** A stack change named after a setting (`tenant-fleet:protect`): in the head stack file, else in the base's. */
  stackChange(field: string): SourcePosition | undefined {
    if (/^role .*: grant scope$/.test(field)) return this.head.shardSetting();
    if (!/^[a-z][a-z0-9-]*:[A-Za-z]/.test(field)) return undefined;
    if (this.head.overrides(field)) return undefined;
    return this.head.setting(field) ?? this.base.setting(field);
  }
}
