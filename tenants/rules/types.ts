/** What every rule of the tenants loader reads, and what it returns. */
import type { AcknowledgementInput, DefaultsInput, TenantInput } from "../schema";
import type { SnapshotSetting } from "../snapshots";
import type { Problem } from "../../src/core/diagnostics/problems";
import type { Positions } from "../../src/core/diagnostics/positions";

/** The fields a shard decision reads. */
export type Placeable = { readonly residency?: string; readonly region?: string };

/** What validating a tenants file needs to know about the stack; every part optional. */
export interface LoadContext {
  /** The residencies the stack allows, and where that list is set (for messages). Absent: every residency. */
  readonly residencies?: { readonly allowed: readonly string[]; readonly source: string };
  /** The accounts' limits; each is checked when set. */
  readonly limits?: {
    /** Projects the Neon plan allows in the organisation. */
    readonly neonProjects?: number;
    /** Longest PITR window the Neon plan allows, hours. */
    readonly neonHistoryRetentionHours?: number;
    /** With repository-scoped secrets: how many tenant secrets the repository can hold. */
    readonly repositorySecrets?: number;
    /** With region-scoped credentials: SSM parameters one AWS region of the account holds (two per active tenant). */
    readonly parametersPerRegion?: number;
    /** Above this many tenants in one stack the loader warns (see npm run bench). */
    readonly recommendedTenants?: number;
    /** Memory one plan of the stack may take, MiB (src/core/planMemory.ts); more tenants than fit are refused. */
    readonly planMemoryMiB?: number;
    /** Projects beyond the tenants' (the dev/test project). */
    readonly extraProjects?: number;
  };
  /** The stack's default Neon snapshots (tenant-fleet:snapshotSchedule) for tenants that set none. Absent: off. */
  readonly snapshots?: { readonly default: SnapshotSetting };
  /** The stack's migration waves in order, and where they are set (for messages). Absent: any wave name. */
  readonly waves?: { readonly names: readonly string[]; readonly source: string };
  /** Stacks sharing this tenants file, each owning part of it. */
  readonly shards?: {
    /** This stack: it checks only the tenants it owns against its limits. */
    readonly stack: string;
    /** The stacks that own a tenant (exactly one must). */
    readonly owners: (t: Placeable) => string[];
    /** How the stacks divide the fleet, for messages. */
    readonly summary: string;
    /** Does a tenant take one of this repository's secrets (its stack writes repository secrets there)? */
    readonly countsForSecretLimit: (t: Placeable) => boolean;
  };
}

export interface Entry {
  readonly index: number;
  /** The fields of the entry that passed their own schema (all of them when the file is valid). */
  readonly raw: Partial<TenantInput>;
  /** What it inherits: its tier's preset over the file's defaults (tenants/tiers.ts); the defaults alone without a tier. */
  readonly layer: Partial<DefaultsInput>;
}

export interface RuleInput {
  readonly defaults: Partial<DefaultsInput>;
  /** The file's tiers (name → preset): the fields of each that passed their schema. */
  readonly tiers: Readonly<Record<string, Partial<DefaultsInput>>>;
  readonly entries: readonly Entry[];
  /** The entries this stack owns: all of them unless the file is shared by shards. */
  readonly owned: readonly Entry[];
  readonly acknowledgements: readonly Partial<AcknowledgementInput>[];
  readonly ctx: LoadContext;
  readonly at: Positions;
}

/** One named check over the whole file; returns its problems (errors and warnings). */
export type Rule = (input: RuleInput) => Problem[];
