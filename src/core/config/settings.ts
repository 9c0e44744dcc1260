/**
 * Stack settings: every `tenant-fleet:*` key read into one typed, validated object with
 * its default in code (the mock runtime does not apply `Pulumi.yaml` defaults, and the
 * program must not depend on them). A bad setting is a problem naming the stack file
 * and the key.
 *
 * This module parses and assembles them (parseStackSettings); the rest lives beside it, one
 * module per job, and is re-exported here: settingSchemas.ts (the namespace, the patterns
 * and zod schemas), settingDeclarations.ts (every setting, declared once), settingReview.ts
 * (how a change of each is reviewed), settingDocs.ts (the generated tables and Pulumi.yaml
 * block), settingLocation.ts (where a key sits in a stack file) and settingRules.ts (the
 * cross-field rules).
 */
import { closest, InputError, sortProblems, type Problem } from "../diagnostics/problems";
import { normaliseCron } from "../cronGrammar";
import { SETTINGS, type Setting, type SettingKey } from "./settingDeclarations";
import { locateConfigKey, locateKey } from "./settingLocation";
import { escImports, escNote, fromEsc, stackFileKeyProblems } from "./stackFileChecks";
import { crossFieldProblems, type RuleInput } from "./settingRules";
import { NAMESPACE, type SettingSpec } from "./settingSchemas";

export { defaultOf, SETTINGS, type Setting, type SettingKey } from "./settingDeclarations";
export { pulumiConfigBlock, settingsSummary, settingsTable, type PulumiConfigDeclaration } from "./settingDocs";
export { locateConfigKey, locateKey } from "./settingLocation";
export { escImports, type EscImports } from "./stackFileChecks";
export { SETTING_REVIEW, type SettingReview } from "./settingReview";
export { LINE_BREAKS, NAMESPACE, shorten } from "./settingSchemas";

/** A stack's protection from its raw config (any value but "false" protects, as the setting's default does). */
export function protectFromConfig(config: Readonly<Record<string, string>>): boolean {
  return (config[`${NAMESPACE}:protect`] ?? String(SETTINGS.protect.default)) !== "false";
}

/** The `tenant-fleet:*` entries of a stack's config, keyed without the namespace (other namespaces dropped). */
export function projectSettings(config: Readonly<Record<string, string>>): Record<string, string> {
  const prefix = `${NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

export type { SecretScope } from "../repositoryContract";

/**
 * A stack's settings as the program reads them: the declared settings (SETTINGS, where each
 * is documented), grouped by what they configure. Every field's type is its setting's
 * parsed type, so the declaration is the one source; the fields not in SETTINGS are derived.
 */
export interface StackSettings {
  /** The stack's name (not a setting). */
  readonly stack: string;
  readonly tenantsFile: Setting<"tenantsFile">;
  readonly secretScope: Setting<"secretScope">;
  readonly protect: Setting<"protect">;
  readonly neonOrgId: Setting<"neonOrgId">;
  readonly github: {
    readonly owner: Setting<"githubOwner">;
    readonly repository: Setting<"githubRepository">;
    readonly branch: Setting<"githubBranch">;
    readonly ownerId: Setting<"githubOwnerId">;
    readonly repositoryId: Setting<"githubRepositoryId">;
  };
  readonly allowedResidencies: Readonly<Setting<"allowedResidencies">>;
  readonly oidcProviderArn: Setting<"oidcProviderArn">;
  /** Deduplicated and sorted. */
  readonly applicationRoleArns: readonly string[];
  readonly workflows: {
    readonly migrationsCommand: Setting<"migrationsCommand">;
    readonly migrationsSetupCommand: Setting<"migrationsSetupCommand">;
    readonly migrationsPaths: Readonly<Setting<"migrationsPaths">>;
    readonly migrationWaves: Readonly<Setting<"migrationWaves">>;
    readonly migrationFailureBudget: Setting<"migrationFailureBudget">;
    readonly migrationVersionQuery: Setting<"migrationVersionQuery">;
    readonly migrationsTargetCommand: Setting<"migrationsTargetCommand">;
    readonly restoreDrillSchedule: Setting<"restoreDrillSchedule">;
    readonly repositorySecretHeadroom: Setting<"repositorySecretHeadroom">;
    readonly batchSize: Setting<"batchSize">;
    readonly batchParallelism: Setting<"batchParallelism">;
    readonly alertLabel: Setting<"alertLabel">;
    readonly alertAssignees: Readonly<Setting<"alertAssignees">>;
    /** Runner labels per residency: where jobs that hold a tenant's data run. */
    readonly runnerLabels: NonNullable<Setting<"runnerLabels">>;
  };
  /** The part of the fleet this stack owns; undefined: every tenant of its tenants file. */
  readonly shard?: {
    readonly residencies?: Readonly<NonNullable<Setting<"shardResidencies">>>;
    readonly regions?: Readonly<NonNullable<Setting<"shardRegions">>>;
  };
  readonly neonLimits: {
    readonly projects: Setting<"neonProjectLimit">;
    readonly historyRetentionHours: Setting<"neonMaxHistoryRetentionHours">;
  };
  /** The usage report's per-unit prices (src/core/usagePrices.ts): a published plan's and overrides. */
  readonly usage: {
    readonly pricePlan: Setting<"usagePricePlan">;
    readonly prices: NonNullable<Setting<"usagePrices">>;
  };
  /** The dev/test Neon project and its preview branches; undefined when `devProject` is off. */
  readonly devProject?: DevProjectSettings;
  /** The fleet catalog's project; undefined when `catalog` is off. */
  readonly catalog?: { readonly region: NonNullable<Setting<"catalogRegion">> };
  /** Self-serve signups (the tenant-signup workflow, docs/signup.md): pull requests it may open per hour and per day. */
  readonly signups: { readonly perHour: Setting<"signupsPerHour">; readonly perDay: Setting<"signupsPerDay"> };
  readonly backup: {
    readonly encryption: Setting<"backupEncryption">;
    /** Days an idle tenant's dump may be skipped; 0: never skipped. */
    readonly maxSkipDays: Setting<"backupMaxSkipDays">;
    readonly objectLock: Setting<"backupObjectLock">;
    /** Deduplicated and sorted. */
    readonly keyAdministrators: readonly string[];
    readonly breakGlassPrincipal: Setting<"breakGlassPrincipal">;
    /** Deduplicated and sorted. */
    readonly keep: { readonly regions: readonly string[]; readonly retentionDays: readonly number[] };
    readonly trustPolicyLengthLimit: Setting<"trustPolicyLengthLimit">;
    /** Tenant exports: how long a shared link works, how long the export stays. */
    readonly exports: { readonly linkHours: Setting<"exportLinkHours">; readonly retentionDays: Setting<"exportRetentionDays"> };
    /** Days a moved tenant's target serves before its source may be deleted (npm run tenant -- move ID --finish). */
    readonly moveGraceDays: Setting<"moveGraceDays">;
    /** The stack's own repository, whose tenant-operations environment assumes the operations role. */
    readonly operationsRepository: Setting<"operationsRepository">;
    /** Neon snapshots of tenants that set none (tenants/snapshots.ts): off, or a schedule with its retention. */
    readonly snapshots: Setting<"snapshotSchedule">;
  };
}

export interface DevProjectSettings {
  readonly region: Setting<"devProjectRegion">;
  readonly pgVersion: Setting<"devPgVersion">;
  readonly seedFile: Setting<"devSeedFile">;
  readonly seedCommand: Setting<"devSeedCommand">;
  /** `devSeedPaths`, else the seed file itself. */
  readonly seedPaths: readonly string[];
  readonly previewCommand: Setting<"devPreviewCommand">;
  readonly setupCommand: Setting<"devSetupCommand">;
  readonly branchMaxAgeHours: Setting<"devBranchMaxAgeHours">;
  readonly cleanupSchedule: Setting<"devBranchCleanupSchedule">;
}

/** Where the raw values came from, for messages. */
export interface SettingsSource {
  readonly stack: string;
  /** Stack file name as shown to the user, e.g. `Pulumi.prod.yaml`. */
  readonly file: string;
  /** Its text, to point at the line of a bad key; optional. */
  readonly text?: string;
  /** Keys given on the command line (`--config`), reported as such rather than in the file. */
  readonly overridden?: ReadonlySet<string>;
  /**
   * The values are the running stack's config as Pulumi resolved it (Pulumi ESC imports
   * included), not read from the files: an `environment:` import is then no unknown.
   */
  readonly live?: boolean;
}

/**
 * One setting from its raw config value: its default when unset (absent, empty, or a value
 * Pulumi.yaml uses for "unset"), else the parsed value, or why it does not parse.
 */
export function readSetting(key: SettingKey, given: string | undefined): { value: unknown; unset: boolean } | { problem: string; unset: false } {
  const spec: SettingSpec = SETTINGS[key];
  if (given === undefined || given === "" || spec.unset?.includes(given.replace(/\s+/g, ""))) return { value: spec.default, unset: true };
  const parsed = spec.schema.safeParse(given);
  return parsed.success ? { value: parsed.data, unset: false } : { problem: parsed.error.issues[0].message, unset: false };
}

/** Every declared setting read from the raw values, and the problems of unknown, missing or malformed ones. */
function readSettings(
  raw: Readonly<Record<string, string | undefined>>,
  source: SettingsSource,
  at: RuleInput["at"],
): { values: Record<string, unknown>; problems: Problem[] } {
  const problems: Problem[] = [];
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in SETTINGS)) {
      const guess = closest(key, Object.keys(SETTINGS));
      problems.push(
        at(key, `unknown setting; ${guess ? `did you mean ${NAMESPACE}:${guess}?` : `known settings are ${Object.keys(SETTINGS).join(", ")}`}`, true),
      );
    }
  }
  for (const [key, spec] of Object.entries(SETTINGS)) {
    const read = readSetting(key as SettingKey, raw[key]);
    if (read.unset && spec.required) problems.push(at(key, `missing; ${spec.required}: pulumi config set ${NAMESPACE}:${key} <value> --stack ${source.stack}`));
    if ("problem" in read) problems.push(at(key, read.problem));
    else values[key] = read.value;
  }
  return { values, problems };
}

/** A parsed value, typed as its setting: the one place the parsed values meet their declared types. */
type ValueOf = <K extends SettingKey>(key: K) => Setting<K>;

/** The generated workflows' settings. */
function workflowsOf(v: ValueOf): StackSettings["workflows"] {
  return {
    migrationsCommand: v("migrationsCommand"),
    migrationsSetupCommand: v("migrationsSetupCommand"),
    migrationsPaths: Object.freeze([...v("migrationsPaths")]),
    migrationWaves: Object.freeze([...v("migrationWaves")]),
    migrationFailureBudget: v("migrationFailureBudget"),
    migrationVersionQuery: v("migrationVersionQuery"),
    migrationsTargetCommand: v("migrationsTargetCommand"),
    restoreDrillSchedule: normaliseCron(v("restoreDrillSchedule")),
    repositorySecretHeadroom: v("repositorySecretHeadroom"),
    batchSize: v("batchSize"),
    batchParallelism: v("batchParallelism"),
    alertLabel: v("alertLabel"),
    alertAssignees: Object.freeze([...v("alertAssignees")]),
    runnerLabels: v("runnerLabels") ?? {},
  };
}

/** The dev/test project's settings, when it is on. */
function devProjectOf(v: ValueOf): DevProjectSettings | undefined {
  return v("devProject")
    ? {
        region: v("devProjectRegion"),
        pgVersion: v("devPgVersion"),
        seedFile: v("devSeedFile"),
        seedCommand: v("devSeedCommand"),
        seedPaths: Object.freeze([...(v("devSeedPaths") ?? [v("devSeedFile")])]),
        previewCommand: v("devPreviewCommand"),
        setupCommand: v("devSetupCommand"),
        branchMaxAgeHours: v("devBranchMaxAgeHours"),
        cleanupSchedule: normaliseCron(v("devBranchCleanupSchedule")),
      }
    : undefined;
}

/** The backups' settings: encryption, custody, what is kept, exports and moves. */
function backupOf(v: ValueOf): StackSettings["backup"] {
  return {
    encryption: v("backupEncryption"),
    maxSkipDays: v("backupMaxSkipDays"),
    objectLock: v("backupObjectLock"),
    keyAdministrators: Object.freeze([...new Set(v("keyAdministrators") ?? [])].sort()),
    breakGlassPrincipal: v("breakGlassPrincipal"),
    keep: {
      regions: Object.freeze([...new Set(v("keepVaultRegions") ?? [])].sort()),
      retentionDays: Object.freeze([...new Set(v("keepRetentionDays") ?? [])].sort((a, b) => a - b)),
    },
    trustPolicyLengthLimit: v("trustPolicyLengthLimit"),
    exports: { linkHours: v("exportLinkHours"), retentionDays: v("exportRetentionDays") },
    moveGraceDays: v("moveGraceDays"),
    operationsRepository: v("operationsRepository"),
    snapshots: v("snapshotSchedule"),
  };
}

/** The typed settings from values that parsed and passed the cross-field rules. */
function assemble(values: Readonly<Record<string, unknown>>, stack: string): StackSettings {
  const v: ValueOf = (key) => values[key] as Setting<typeof key>;
  return {
    stack,
    tenantsFile: v("tenantsFile"),
    secretScope: v("secretScope"),
    protect: v("protect"),
    neonOrgId: v("neonOrgId"),
    github: {
      owner: v("githubOwner"),
      repository: v("githubRepository"),
      branch: v("githubBranch"),
      ownerId: v("githubOwnerId"),
      repositoryId: v("githubRepositoryId"),
    },
    allowedResidencies: Object.freeze([...v("allowedResidencies")]),
    oidcProviderArn: v("oidcProviderArn"),
    applicationRoleArns: Object.freeze([...new Set(v("applicationRoleArns"))].sort()),
    workflows: workflowsOf(v),
    shard:
      v("shardResidencies") || v("shardRegions")
        ? {
            ...(v("shardResidencies") ? { residencies: Object.freeze([...v("shardResidencies")!]) } : {}),
            ...(v("shardRegions") ? { regions: Object.freeze([...v("shardRegions")!]) } : {}),
          }
        : undefined,
    neonLimits: {
      projects: v("neonProjectLimit"),
      historyRetentionHours: v("neonMaxHistoryRetentionHours"),
    },
    usage: { pricePlan: v("usagePricePlan"), prices: v("usagePrices") ?? {} },
    devProject: devProjectOf(v),
    catalog: v("catalog") ? { region: v("catalogRegion")! } : undefined,
    signups: { perHour: v("signupsPerHour"), perDay: v("signupsPerDay") },
    backup: backupOf(v),
  };
}

/**
 * Reads settings from raw config values (`key` without namespace → string, as Pulumi
 * hands them over; lists and booleans may also arrive as JSON text).
 */
export function parseStackSettings(
  raw: Readonly<Record<string, string | undefined>>,
  source: SettingsSource,
): { settings?: StackSettings; problems: Problem[] } {
  const esc = source.live ? undefined : escImports(source.text);
  // Unset in the file but imported from ESC: it may be set there, so it is never "missing", only unreadable offline.
  const fromEnvironment = (key: string, message: string) =>
    esc !== undefined && message.startsWith("missing") && !source.overridden?.has(key) && !locateConfigKey(source.text, `${NAMESPACE}:${key}`);
  const at = (key: string, message: string, atKey = false): Problem => ({
    severity: "error",
    ...(source.overridden?.has(key)
      ? { file: "--config", line: 1, col: 1 }
      : fromEnvironment(key, message)
        ? { file: source.file, ...esc!.position }
        : { file: source.file, ...locateKey(source.text, key, atKey) }),
    path: `${NAMESPACE}:${key}`,
    message: fromEnvironment(key, message) ? fromEsc(esc!, key) : message,
  });
  const { values, problems } = readSettings(raw, source, at);
  problems.push(...crossFieldProblems({ values, raw, stack: source.stack, at }));
  const fileProblems = source.text ? stackFileKeyProblems(source.text, source.file) : [];
  problems.push(...fileProblems.filter((p) => p.severity === "error"));
  const warnings = fileProblems.filter((p) => p.severity !== "error");
  if (esc)
    warnings.push(
      escNote(
        esc,
        source.file,
        Object.keys(SETTINGS).filter((k) => !locateConfigKey(source.text, `${NAMESPACE}:${k}`)),
      ),
    );
  if (problems.length) return { problems: sortProblems([...problems, ...warnings]) };
  return { settings: Object.freeze(assemble(values, source.stack)), problems: sortProblems(warnings) };
}

export function parseStackSettingsOrThrow(raw: Readonly<Record<string, string | undefined>>, source: SettingsSource): StackSettings {
  const { settings, problems } = parseStackSettings(raw, source);
  if (!settings) throw new InputError(problems);
  return settings;
}
