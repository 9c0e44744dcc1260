/**
 * Stack settings: every `tenant-fleet:*` key read into one typed, validated object with
 * its default in code (the mock runtime does not apply `Pulumi.yaml` defaults, and the
 * program must not depend on them). A bad setting is a problem naming the stack file
 * and the key.
 */
import { z } from "zod";
import { Positions, type Position } from "../diagnostics/positions";
import { ACTIVE_REGION_IDS, ALL_REGION_IDS, KNOWN_JURISDICTIONS, VAULT_REGIONS, isResidency } from "../../../tenants/regions";
import { RETENTION_DAYS_MAX } from "../../../tenants/schema";
import { TRUST_POLICY_LIMIT_DEFAULT, TRUST_POLICY_LIMIT_MAX } from "../iam/limits";
import { closest, InputError, sortProblems, type Problem } from "../diagnostics/problems";
import { cronProblem } from "../../../tenants/schema";
import { installSteps } from "./commands";
import { SECRET_SCOPES } from "../repositoryContract";
import { normaliseCron } from "../cronGrammar";
import type { AcknowledgedChange } from "../../../tenants/changeKinds";

export function shorten(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** AWS regions that can hold a backup vault: the backup regions of the region catalog. */

export const NAMESPACE = "tenant-fleet";

/** A stack's protection from its raw config (any value but "false" protects, as the setting's default does). */
export function protectFromConfig(config: Readonly<Record<string, string>>): boolean {
  return (config[`${NAMESPACE}:protect`] ?? String(SETTINGS.protect.default)) !== "false";
}

/** The `tenant-fleet:*` entries of a stack's config, keyed without the namespace (other namespaces dropped). */
export function projectSettings(config: Readonly<Record<string, string>>): Record<string, string> {
  const prefix = `${NAMESPACE}:`;
  return Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
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
  /** The dev/test Neon project and its preview branches; undefined when `devProject` is off. */
  readonly devProject?: DevProjectSettings;
  /** The fleet catalog's project; undefined when `catalog` is off. */
  readonly catalog?: { readonly region: NonNullable<Setting<"catalogRegion">> };
  readonly backup: {
    readonly encryption: Setting<"backupEncryption">;
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

const GITHUB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;
const NEON_ORG = /^org-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const OIDC_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
const GIT_BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$)[A-Za-z0-9._\/-]{1,200}$/;
/** An IAM role or user, by exact ARN (no wildcard: a key policy must name principals). */
const IAM_PRINCIPAL_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:(?:role|user)\/[A-Za-z0-9+=,.@_\/-]{1,512}$/;
const IAM_PRINCIPAL_RULE = "an IAM role or user ARN such as arn:aws:iam::123456789012:role/tenant-fleet-deploy (no wildcard)";

/** A Neon region a new project may be created in (the dev/test project's, the catalog's). */
function activeNeonRegion() {
  return z.enum(ACTIVE_REGION_IDS as [string, ...string[]], { error: (iss) => `${JSON.stringify(iss.input)} is not an active Neon region; use one of ${ACTIVE_REGION_IDS.join(", ")}` });
}

/** One entry per setting: key, schema over the raw string, default, documentation. */
interface SettingSpec {
  readonly schema: z.ZodType;
  readonly description: string;
  readonly default?: unknown;
  readonly required?: string;
  /** Raw values that mean "unset" (the Pulumi.yaml defaults of optional lists and limits). */
  readonly unset?: readonly string[];
  /** The element type of a list whose elements are not strings (Pulumi.yaml `items`). */
  readonly itemType?: "integer";
  /** Set with `pulumi config set --secret` only, so not declared in Pulumi.yaml (a declared key needs a default). */
  readonly secretOnly?: true;
  /** Where the docs list it: the main settings table (docs/settings.md), or the dev/test project's (docs/dev.md). */
  readonly group?: "dev" | "migrations" | "operations";
}

/** A default as the generated tables show it. */
function defaultCell(spec: SettingSpec): string {
  if (spec.required) return "required";
  const d = spec.default;
  if (d === undefined) return "unset";
  if (typeof d === "string") return /\s/.test(d) ? `\`"${d}"\`` : `\`${d}\``;
  return `\`${JSON.stringify(d)}\``;
}

/** The full settings table of one group (docs/settings.md, docs/dev.md), generated from SETTINGS (`npm run schema` writes it). */
export function settingsTable(group?: SettingSpec["group"]): string {
  const rows = Object.entries(SETTINGS)
    .filter(([, spec]) => spec.group === group)
    .map(([key, spec]) => `| \`${key}\`${spec.secretOnly ? " (secret)" : ""} | ${defaultCell(spec)} | ${spec.description.replace(/\|/g, "\\|")} |`);
  return ["| key (`tenant-fleet:`) | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

/** The first sentence of a description, shortened at a word to about `max` characters. */
function firstSentence(text: string, max = 72): string {
  const end = text.search(/(?<!\be\.g|\bi\.e)[.:;](\s|$)/);
  const sentence = end < 0 ? text : text.slice(0, end);
  if (sentence.length <= max) return sentence;
  return `${sentence.slice(0, sentence.lastIndexOf(" ", max - 1))} …`;
}

/** The README's short table: every setting but the dev ones, its default and what it is, in a line. */
export function settingsSummary(): string {
  const rows = Object.entries(SETTINGS)
    .filter(([, spec]) => spec.group === undefined)
    .map(([key, spec]) => `| \`${key}\` | ${defaultCell(spec)} | ${firstSentence(spec.description).replace(/\|/g, "\\|")} |`);
  return ["| key (`tenant-fleet:`) | default | what it is |", "|---|---|---|", ...rows].join("\n");
}

/** A setting as Pulumi.yaml's `config:` block declares it. */
export interface PulumiConfigDeclaration {
  readonly type: "string" | "boolean" | "integer" | "array";
  readonly items?: { readonly type: "string" | "integer" };
  readonly description: string;
  readonly default?: unknown;
}

/**
 * The `config:` block of Pulumi.yaml, derived from SETTINGS (the one declaration of each
 * setting): the type from the default (or from what "unset" looks like), optional settings
 * defaulting to their unset value, required ones to none, secret-only ones left out.
 * `npm run schema` writes it; a test fails when the file is stale.
 */
export function pulumiConfigBlock(): Record<string, PulumiConfigDeclaration> {
  const out: Record<string, PulumiConfigDeclaration> = {};
  for (const [key, spec] of Object.entries(SETTINGS)) {
    if (spec.secretOnly) continue;
    const d = spec.default;
    const unset = spec.unset?.[0];
    const type = typeof d === "boolean" ? "boolean" : typeof d === "number" || unset === "0" ? "integer" : Array.isArray(d) || unset === "[]" ? "array" : "string";
    const fallback = type === "array" ? [] : type === "integer" ? 0 : "";
    out[key] = {
      type,
      ...(type === "array" ? { items: { type: spec.itemType ?? "string" } } : {}),
      description: spec.description,
      ...(spec.required ? {} : { default: d ?? fallback }),
    };
  }
  return out;
}

const bool = z.preprocess(
  (v) => (v === "true" || v === true ? true : v === "false" || v === false ? false : v),
  z.boolean({ error: (iss) => `${JSON.stringify(iss.input)} is not true or false` }),
);

const stringList = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return v.split(",").map((s) => s.trim()).filter(Boolean);
    }
  },
  z.array(z.string({ error: (iss) => `${JSON.stringify(iss.input)} is not a string` }), { error: (iss) => `${JSON.stringify(iss.input)} is not a list` }),
);

/** A number given as text or number, within [min, max]; every message ends with `rule`. */
function numberSetting(min: number, max: number, rule: string, integer = true) {
  const number = z.number({ error: (iss) => `${JSON.stringify(iss.input)} is not a ${integer ? "whole " : ""}number; ${rule}` });
  return z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v),
    (integer ? number.int({ error: (iss) => `${iss.input} is not a whole number; ${rule}` }) : number)
      .min(min, { error: (iss) => `${iss.input} is below ${min}; ${rule}` })
      .max(max, { error: (iss) => `${iss.input} is above ${max}; ${rule}` }),
  );
}

/** A five-field cron expression (UTC). */
function cronSetting() {
  return z.string().superRefine((v, ctx) => {
    const problem = cronProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** A one-line shell command from the stack settings: no newline, no GitHub expression. */
/** Line breaks as Unicode knows them: a command or path holding one could start a second line in a generated file. */
export const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]/;

function commandSetting(what: string) {
  return z
    .string()
    .min(1)
    .refine((v) => !v.includes("${{") && !LINE_BREAKS.test(v), { error: `${what} is one line (no line break of any kind, U+2028 and U+0085 included) and contains no \${{ }} expression; put longer logic in a script in the repository` });
}

/** A path or path filter: one line, no control character, no expression. */
function pathSetting(what: string) {
  return z
    .string()
    .min(1, { error: `the ${what} is empty` })
    .refine((v) => !v.includes("${{"), { error: `a ${what} contains no \${{ }} expression` })
    .refine((v) => !LINE_BREAKS.test(v) && !/[\p{Cc}\p{Cf}]/u.test(v), { error: (iss) => `${JSON.stringify(String(iss.input).slice(0, 80))} holds a line break or control character; a ${what} is one line of printable characters` });
}

function pattern(re: RegExp, rule: string) {
  return z.string().regex(re, { error: (iss) => `${JSON.stringify(iss.input)} is not valid; ${rule}` });
}

const DECLARED = {
  tenantsFile: {
    schema: pathSetting("tenants file path"),
    default: "tenants/tenants.yaml",
    description: "Path of the tenants file, relative to the project root.",
  },
  secretScope: {
    schema: z.enum(SECRET_SCOPES, { error: (iss) => `${JSON.stringify(iss.input)} is not a secret scope; use repository, environment or region` }),
    default: "repository",
    description: "Where tenant connection strings go: repository (one Actions secret per tenant, up to ~90 tenants; any workflow run on any branch can read them all), environment (one GitHub environment per tenant, readable only by default-branch jobs that name it; one job per tenant) or region (SSM SecureString parameters in the tenant's backup AWS region under a customer-managed key; GitHub holds nothing per tenant; only the roles of the generated workflows and the applicationRoleArns can read them; batched jobs; use it for large fleets).",
  },
  protect: {
    schema: bool,
    default: true,
    description: "Protect data-bearing resources (Neon projects, backup buckets, KMS keys) and retain them on delete. false only in dev.",
  },
  neonOrgId: {
    schema: pattern(NEON_ORG, "a Neon organisation id looks like org-cool-breeze-12345678 (Neon console, Organization settings)"),
    description: "Neon organisation id that owns the tenant projects. Required for organisation accounts; fixed once projects exist.",
  },
  githubOwner: {
    schema: pattern(GITHUB_NAME, "a GitHub owner is the user or organisation name, letters, digits and hyphens"),
    required: "set the owner of the application repository that receives secrets and workflows",
    description: "Owner (user or organisation) of the application repository that receives secrets and workflows.",
  },
  githubRepository: {
    schema: pattern(GITHUB_REPO, "a repository name is letters, digits, '.', '_' and '-'"),
    required: "set the name of the application repository that receives secrets and workflows",
    description: "Name of the application repository that receives secrets and workflows.",
  },
  githubBranch: {
    schema: pattern(GIT_BRANCH, "a branch name such as main"),
    default: "main",
    description: "Default branch of the application repository: generated workflows are committed there, and only its runs may read tenant secrets.",
  },
  allowedResidencies: {
    schema: stringList,
    default: KNOWN_JURISDICTIONS,
    description: "Residencies (EU or ISO 3166-1 alpha-2 codes) that tenants of this stack may declare.",
  },
  githubOwnerId: {
    schema: pattern(/^[0-9]{1,20}$/, "the numeric id of the owner (gh api users/OWNER --jq .id)"),
    description: "Numeric id of the repository owner. Set it, with githubRepositoryId, when the repository's OIDC subjects carry ids (repositories created after 2026-07-15).",
  },
  githubRepositoryId: {
    schema: pattern(/^[0-9]{1,20}$/, "the numeric id of the repository (gh api repos/OWNER/REPO --jq .id)"),
    description: "Numeric id of the application repository; see githubOwnerId.",
  },
  backupEncryption: {
    schema: z.enum(["kms", "s3"], { error: (iss) => `${JSON.stringify(iss.input)} is not a backup encryption; use kms (a customer-managed key per vault) or s3 (SSE-S3)` }),
    default: "kms",
    description: "Default encryption of the backup vaults: kms (customer-managed key per region, bucket keys on) or s3 (SSE-S3).",
  },
  backupObjectLock: {
    schema: z.enum(["off", "governance", "compliance"], { error: (iss) => `${JSON.stringify(iss.input)} is not an Object Lock mode; use off, governance or compliance` }),
    default: "off",
    description: "S3 Object Lock on new backup vaults: off, governance or compliance. Irreversible: a bucket can never turn it off.",
  },
  migrationsCommand: {
    group: "migrations",
    schema: commandSetting("a migrations command"),
    description: "Command the migrations workflow runs for each tenant, with DATABASE_URL set (e.g. npm run migrate). It may not install or download code: that goes in migrationsSetupCommand. Unset: no migrations workflow.",
  },
  migrationsSetupCommand: {
    group: "migrations",
    schema: commandSetting("a setup command"),
    description: "Command the migrations workflow runs before the migrations, in a step that holds no secret: installing dependencies (e.g. npm ci). Unset: nothing is installed.",
  },
  migrationsPaths: {
    group: "migrations",
    schema: stringList.pipe(z.array(pathSetting("path filter")).min(1, { error: "the list is empty; list the paths whose change runs migrations, e.g. [\"migrations/**\"]" })),
    default: ["migrations/**"],
    description: "Paths on the default branch whose change runs the migrations workflow.",
  },
  migrationWaves: {
    group: "migrations",
    schema: stringList.pipe(
      z
        .array(pattern(/^[a-z][a-z0-9-]{0,29}$/, "a wave is lowercase letters, digits and hyphens, e.g. canary"))
        .min(1, { error: 'the list is empty; name the waves in order, e.g. ["canary","early","general"]' })
        .max(10, { error: "more than 10 waves; a rollout needs a few" })
        .refine((w) => new Set(w).size === w.length, { error: "a wave is named twice" }),
    ),
    default: ["canary", "early", "general"],
    description: "The migration waves, in the order they run; a tenant's rollout names one (unset: the last). Each wave starts only when the one before stayed within migrationFailureBudget.",
  },
  migrationFailureBudget: {
    group: "migrations",
    schema: pattern(/^(?:[0-9]{1,5}|(?:100|[1-9]?[0-9])%)$/, "a count of tenants (e.g. 2) or a percentage of the wave (e.g. 5%)"),
    default: "0",
    description: "Failed tenants a wave may have and the rollout still go on to the next wave: a count (2) or a percentage of the wave's tenants (5%, rounded down). Every failure still fails the run and opens the alert.",
  },
  migrationVersionQuery: {
    group: "migrations",
    schema: commandSetting("a version query"),
    description: "SQL that returns a tenant's schema version as one value (the migrations record it before and after, and skip a tenant already at the target), e.g. select coalesce(max(created_at), 0) from drizzle.__drizzle_migrations (docs/migrations.md: Drizzle, Prisma, Atlas, plain SQL). Unset: versions are not read.",
  },
  migrationsTargetCommand: {
    group: "migrations",
    schema: commandSetting("a target version command"),
    description: "Command that prints the version the migrations bring a tenant to (run in the repository, with no secret), compared with migrationVersionQuery to skip tenants already there. Unset: every tenant runs the migrations command (which must then be idempotent, as migration tools are).",
  },
  catalog: {
    group: "migrations",
    schema: bool,
    default: false,
    description: "Create the fleet catalog: a small Neon project (catalogRegion) of metadata only (tenants, migration runs, backups, drills), whose insert-only writer string the stack keeps for the generated jobs like a tenant's (docs/migrations.md).",
  },
  catalogRegion: {
    group: "migrations",
    schema: activeNeonRegion(),
    description: "Neon region of the fleet catalog (required with catalog): it holds every tenant's id, name, region and history, so choose a region your auditors accept for that metadata.",
  },
  restoreDrillSchedule: {
    schema: cronSetting(),
    default: "41 4 * * 1",
    description: "Cron (UTC) of the weekly restore drill.",
  },
  alertLabel: {
    schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,49}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a label this stack writes; use up to 50 letters, digits, spaces and . _ : -, e.g. tenant-fleet-alert` }),
    default: "tenant-fleet-alert",
    description: "Label of the one issue per scheduled workflow (backups, restore drill) that opens when a run fails and closes on the next green run.",
  },
  alertAssignees: {
    unset: ["[]"],
    schema: stringList.pipe(z.array(z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a GitHub login` })).max(10, { error: "GitHub assigns at most 10 people to an issue" })),
    default: [],
    description: "GitHub logins assigned to a failure issue (they get GitHub's notification); they need access to the application repository.",
  },
  batchSize: {
    schema: numberSetting(1, 100, "a batch holds 1 to 100 tenants"),
    default: 50,
    description: "Tenants per backup, restore-drill or migrations job in the repository and region scopes (tenants of one AWS region and Postgres major). Raised automatically, with a warning, when a schedule would need more than 256 jobs. The environment scope runs one tenant per job (a job reads one environment).",
  },
  batchParallelism: {
    schema: numberSetting(1, 16, "run 1 to 16 tenants at once in a job"),
    default: 8,
    description: "How many tenants of a batch one backup or restore-drill job works on at once (migrations run one tenant at a time).",
  },
  applicationRoleArns: {
    unset: ["[]"],
    schema: stringList.pipe(z.array(pattern(IAM_PRINCIPAL_ARN, IAM_PRINCIPAL_RULE))),
    description: "With secretScope region: the application's runtime IAM roles, which the credentials keys let decrypt the tenants' pooled connection strings through SSM (attach the stack output applicationCredentialsPolicy to them).",
  },
  repositorySecretHeadroom: {
    schema: numberSetting(0, 99, "keep 0 to 99 repository secrets free"),
    default: 10,
    description: "Repository secrets left free for the repository's own use; with secretScope repository the fleet may hold 100 minus this many active tenants.",
  },
  shardResidencies: {
    unset: ["[]"],
    schema: stringList,
    description: "Shard by jurisdiction: this stack owns the tenants whose residency is listed (with shardRegions, both must match). Unset: every tenant of the file.",
  },
  shardRegions: {
    unset: ["[]"],
    schema: stringList,
    description: "Shard by Neon region: this stack owns the tenants in these regions (with shardResidencies, both must match).",
  },
  neonProjectLimit: {
    unset: ["0"],
    schema: numberSetting(1, 1_000_000, "the number of projects the Neon plan allows"),
    description: "Projects your Neon plan allows in the organisation (tenants of this stack, retired ones included, plus the dev/test project and the fleet catalog). Unset: not checked.",
  },
  neonMaxHistoryRetentionHours: {
    unset: ["0"],
    schema: numberSetting(0, 720, "the PITR window the Neon plan allows, in hours", false),
    description: "Longest point-in-time restore window your Neon plan allows, in hours (Free 6, Launch 168, Scale 720). Unset: not checked.",
  },
  devProject: {
    group: "dev",
    schema: bool,
    default: false,
    description: "Create the dev/test Neon project (seeded main branch, one child branch per pull request). On in dev, off in prod.",
  },
  devProjectRegion: {
    group: "dev",
    schema: activeNeonRegion(),
    default: "aws-us-east-2",
    description: "Neon region of the dev/test project.",
  },
  devPgVersion: {
    group: "dev",
    schema: numberSetting(14, 18, "Neon offers Postgres 14 to 18"),
    default: 17,
    description: "Postgres major of the dev/test project (match the tenants').",
  },
  devSeedFile: {
    group: "dev",
    schema: pattern(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]+\.sql$/, "a path of a .sql file in the application repository, e.g. db/seed.sql"),
    default: "db/seed.sql",
    description: "SQL file in the application repository that seeds the dev/test main branch with test data.",
  },
  devSeedCommand: {
    group: "dev",
    schema: commandSetting("a seed command"),
    description: "Command that seeds the dev/test main branch instead of devSeedFile (DATABASE_URL set). Never a copy of a tenant's data.",
  },
  devSeedPaths: {
    group: "dev",
    unset: ["[]"],
    schema: stringList.pipe(z.array(pathSetting("path filter"))),
    description: "Paths whose change on the default branch re-runs the seed (default: the seed file).",
  },
  devSetupCommand: {
    group: "dev",
    schema: commandSetting("a setup command"),
    description: "Command the dev/test seed and preview jobs run first, in a step that holds no secret: installing dependencies (e.g. npm ci).",
  },
  devPreviewCommand: {
    group: "dev",
    schema: commandSetting("a preview command"),
    description: "Command run for each pull request against its own Neon branch (DATABASE_URL set, never the Neon API key), e.g. npm test. Installs go in devSetupCommand.",
  },
  devBranchMaxAgeHours: {
    group: "dev",
    schema: numberSetting(1, 720, "keep preview branches 1 to 720 hours"),
    default: 72,
    description: "Preview branches older than this many hours are deleted by the scheduled cleanup.",
  },
  devBranchCleanupSchedule: {
    group: "dev",
    schema: cronSetting(),
    default: "23 */6 * * *",
    description: "Cron (UTC) of the cleanup of preview branches left behind.",
  },
  devNeonApiKey: {
    group: "dev",
    secretOnly: true,
    schema: z.string().min(1),
    description: "Secret: a Neon API key scoped to the dev/test project, for the preview-branch workflows only (pulumi config set --secret).",
  },
  keyAdministrators: {
    unset: ["[]"],
    schema: stringList.pipe(z.array(pattern(IAM_PRINCIPAL_ARN, IAM_PRINCIPAL_RULE))),
    description: "IAM roles or users that administer the vault keys; required with backupEncryption kms: every identity that runs pulumi up for this stack (KMS refuses a key policy that would lock its caller out). They manage the keys (and, without a breakGlassPrincipal, their policies); they cannot use them, disable them or schedule their deletion. List one deploy role per tier: each stack only its own.",
  },
  breakGlassPrincipal: {
    schema: pattern(IAM_PRINCIPAL_ARN, IAM_PRINCIPAL_RULE),
    description: "The one IAM role or user that may delete backups, change their tags and disable or schedule the deletion of the vault keys (erasure, decommissioning), and the only one that may change an existing vault's lifecycle, bucket policy, versioning, public access block, Object Lock, ownership, encryption or replication, or rewrite its key policy (docs/deploying.md, vault custody). Unset: nobody can delete or destroy, and the vaults' configuration and key policies stay with the keyAdministrators.",
  },
  runnerLabels: {
    unset: ["[]"],
    group: "operations",
    schema: stringList.pipe(
      z
        .array(pattern(/^[A-Z]{2}=[A-Za-z0-9._-]{1,100}(,[A-Za-z0-9._-]{1,100}){0,9}$/, "RESIDENCY=LABEL[,LABEL...], e.g. EU=self-hosted,linux,eu-central-1 (a residency as tenants declare it, then the runner labels of machines inside it)"))
        .refine((items) => new Set(items.map((i) => i.split("=")[0])).size === items.length, { error: "a residency is mapped twice; give each residency one list of labels" })
        .transform((items) => Object.freeze(Object.fromEntries(items.map((i) => [i.slice(0, 2), Object.freeze(i.slice(3).split(","))])) as Readonly<Record<string, readonly string[]>>)),
    ),
    description: "Where jobs that hold a tenant's data run, per residency: RESIDENCY=LABEL[,LABEL...] (runner labels of self-hosted or larger runners inside that jurisdiction). Backups, drills and migrations of a batch whose tenants share a mapping run there, and so do restores and exports; GitHub-hosted runners are not in any tenant's jurisdiction, so an active tenant without a mapping is a warning and the regions report says where its data is processed.",
  },
  operationsRepository: {
    schema: pattern(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\/[A-Za-z0-9._-]{1,100}$/, "OWNER/REPOSITORY of the repository that holds this stack, e.g. example-saas/tenant-fleet"),
    group: "operations",
    description: "The repository that holds this stack (OWNER/REPOSITORY): the stack creates the operations role that its tenant-restore and tenant-export workflows assume, trusted only for jobs in its tenant-operations environment. Unset: no operations role (restores inside the PITR window still work; restores from dumps and exports need the role).",
  },
  exportLinkHours: {
    schema: numberSetting(1, 168, "a link lives 1 to 168 hours (S3 signs for at most 7 days)"),
    default: 24,
    group: "operations",
    description: "How long the presigned link to a tenant's export (npm run tenant -- share) works, hours. Whoever holds the link can download the export until then.",
  },
  exportRetentionDays: {
    schema: numberSetting(1, 365, "keep exports 1 to 365 days"),
    default: 7,
    group: "operations",
    description: "Days an export stays in the tenant's vault under exports/<id>/ before the lifecycle deletes it (its own rule, apart from the backups' retention classes).",
  },
  moveGraceDays: {
    schema: numberSetting(1, 365, "wait 1 to 365 days after a move's cutover"),
    default: 7,
    group: "operations",
    description: "Days a moved tenant's target project serves (counted from the catalog's record of the cutover) before npm run tenant -- move ID --finish may delete the source project; a backup and a restore drill of the target since the cutover are required too.",
  },
  keepVaultRegions: {
    unset: ["[]"],
    schema: stringList.pipe(z.array(z.enum(VAULT_REGIONS as [string, ...string[]], { error: (iss) => `${JSON.stringify(iss.input)} is not an AWS region that holds backup vaults; use one of ${VAULT_REGIONS.join(", ")}` }))),
    description: "AWS regions whose backup vault the stack keeps although no tenant of the tenants file backs up there any more (after erasing a region's last tenant, until its backups have expired).",
  },
  keepRetentionDays: {
    unset: ["[]"],
    itemType: "integer",
    schema: z.preprocess(
      (v) => {
        if (typeof v !== "string") return v;
        try {
          return JSON.parse(v);
        } catch {
          return v.split(",").map((s) => s.trim()).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
        }
      },
      z.array(
        z.number({ error: (iss) => `${JSON.stringify(iss.input)} is not a whole number of days` }).int({ error: (iss) => `${iss.input} is not a whole number of days` }).min(1, { error: `a retention is 1 to ${RETENTION_DAYS_MAX} days` }).max(RETENTION_DAYS_MAX, { error: `a retention is 1 to ${RETENTION_DAYS_MAX} days` }),
        { error: (iss) => `${JSON.stringify(iss.input)} is not a list of days, e.g. [14, 30]` },
      ),
    ),
    description: "Retention classes (days) whose lifecycle rule every vault keeps although no tenant uses them any more, so the backups already in them still expire.",
  },
  trustPolicyLengthLimit: {
    schema: numberSetting(TRUST_POLICY_LIMIT_DEFAULT, TRUST_POLICY_LIMIT_MAX, `IAM allows ${TRUST_POLICY_LIMIT_DEFAULT} characters by default and up to ${TRUST_POLICY_LIMIT_MAX} after a quota increase (Service Quotas, IAM, "Role trust policy length")`),
    default: TRUST_POLICY_LIMIT_DEFAULT,
    description: "The role trust policy length IAM allows in this AWS account (2048 by default); raise it, up to 8192, only after the Service Quotas increase is granted.",
  },
  oidcProviderArn: {
    schema: pattern(OIDC_ARN, "the ARN of an IAM OIDC provider for token.actions.githubusercontent.com, e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"),
    description: "ARN of an existing GitHub OIDC provider in the AWS account to reuse (an account holds one per URL). Empty: the stack creates it.",
  },
} satisfies Record<string, SettingSpec>;

/** Every setting, declared once: key, schema, default, description, group (see SettingSpec). */
export const SETTINGS: Readonly<Record<string, SettingSpec>> = Object.freeze(DECLARED);

export type SettingKey = keyof typeof DECLARED;

/**
 * How the pull request's diff classes a change of each setting (src/review/diff.ts): safe,
 * review (shown, does not fail), destructive (fails unless the tenants file acknowledges the
 * kind), or compared by the diff's own rules. Every setting has a line: the type makes a new
 * setting without one a compile error.
 */
export type SettingReview =
  | { readonly class: "safe" | "review"; readonly why: string }
  | { readonly class: "destructive"; readonly kind: AcknowledgedChange; readonly why: string; /** Destructive only in this direction; otherwise review. */ readonly when?: (before: unknown, after: unknown) => boolean }
  | { readonly class: "elsewhere"; readonly why: string };

const REVIEW_IAM = "changes who the stack's keys, roles or trusts name";
const REVIEW_RUNS = "changes what runs with tenants' connection strings";
export const SETTING_REVIEW = {
  tenantsFile: { class: "review", why: "the stack reads another tenants file: the diff compares the fleets it names" },
  secretScope: { class: "destructive", kind: "secretScope", why: "where every tenant's connection string lives, and who can read it, changes" },
  protect: { class: "elsewhere", why: "compared by the diff's protection rule" },
  neonOrgId: { class: "elsewhere", why: "compared by the diff's organisation rule" },
  githubOwner: { class: "destructive", kind: "repository", why: "connection strings, workflows and role trusts move to another owner's repository" },
  githubRepository: { class: "destructive", kind: "repository", why: "connection strings, workflows and role trusts move to another repository" },
  githubBranch: { class: "review", why: "the roles and environments trust another branch" },
  allowedResidencies: { class: "review", why: "the residencies tenants may declare change (the loader refuses a tenant outside them)" },
  githubOwnerId: { class: "review", why: "the roles' OIDC subjects change" },
  githubRepositoryId: { class: "review", why: "the roles' OIDC subjects change" },
  backupEncryption: {
    class: "destructive",
    kind: "encryption",
    why: "the vault keys that decrypt the backups already taken leave the program",
    when: (before, after) => before === "kms" && after !== "kms",
  },
  backupObjectLock: { class: "review", why: "new vaults are locked differently (a bucket can never turn it off)" },
  migrationsCommand: { class: "review", why: REVIEW_RUNS },
  migrationsSetupCommand: { class: "review", why: "changes what installs before the migrations" },
  migrationsPaths: { class: "safe", why: "changes which pushes run the migrations" },
  migrationWaves: { class: "review", why: "changes the order tenants are migrated in, and which go first" },
  migrationFailureBudget: { class: "review", why: "changes how many tenants may fail before a rollout stops" },
  migrationVersionQuery: { class: "review", why: "changes what runs against every tenant's database before and after its migration" },
  migrationsTargetCommand: { class: "review", why: REVIEW_RUNS },
  catalog: { class: "review", why: "the fleet catalog's project and its writer secret come or go (its history goes with a deleted project)" },
  catalogRegion: { class: "review", why: "the fleet catalog's project would be replaced, and its history with it" },
  restoreDrillSchedule: { class: "safe", why: "the weekly drill runs at another time" },
  alertLabel: { class: "safe", why: "failure issues carry another label" },
  alertAssignees: { class: "safe", why: "failure issues go to other people" },
  batchSize: { class: "safe", why: "jobs serve more or fewer tenants each" },
  batchParallelism: { class: "safe", why: "jobs work on more or fewer tenants at once" },
  applicationRoleArns: { class: "review", why: REVIEW_IAM },
  repositorySecretHeadroom: { class: "safe", why: "the repository-secret limit moves" },
  shardResidencies: { class: "review", why: "the tenants this stack owns change (a tenant that leaves shows as removed)" },
  shardRegions: { class: "review", why: "the tenants this stack owns change (a tenant that leaves shows as removed)" },
  neonProjectLimit: { class: "safe", why: "the plan's project limit check moves" },
  neonMaxHistoryRetentionHours: { class: "safe", why: "the plan's PITR limit check moves" },
  devProject: { class: "review", why: "the dev/test project and its workflows come or go (never a tenant)" },
  devProjectRegion: { class: "review", why: "the dev/test project would be replaced (never a tenant's)" },
  devPgVersion: { class: "review", why: "the dev/test project would be replaced (never a tenant's)" },
  devSeedFile: { class: "safe", why: "the dev/test seed changes" },
  devSeedCommand: { class: "review", why: "changes what runs with the dev/test project's string" },
  devSeedPaths: { class: "safe", why: "changes which pushes re-seed the dev/test project" },
  devSetupCommand: { class: "review", why: "changes what installs before the dev/test commands" },
  devPreviewCommand: { class: "review", why: "changes what runs with a preview branch's string" },
  devBranchMaxAgeHours: { class: "safe", why: "preview branches live longer or shorter" },
  devBranchCleanupSchedule: { class: "safe", why: "preview cleanup runs at another time" },
  devNeonApiKey: { class: "review", why: "the dev/test workflows' Neon key changes (its value is never shown)" },
  keyAdministrators: {
    class: "destructive",
    kind: "custody",
    why: "who administers the vault keys (and, without break-glass, their policies and the vaults' configuration) changes",
    // The same principals in another order are the same administrators.
    when: (before, after) => JSON.stringify([before].flat().sort()) !== JSON.stringify([after].flat().sort()),
  },
  breakGlassPrincipal: { class: "destructive", kind: "custody", why: "the one principal that may delete backups and keys, and change the vaults' configuration, changes" },
  runnerLabels: { class: "review", why: "tenants' data is processed on other machines" },
  operationsRepository: { class: "review", why: "another repository's tenant-operations environment may read every backup and write exports" },
  exportLinkHours: { class: "review", why: "export links work for longer or shorter" },
  exportRetentionDays: { class: "review", why: "exports are kept longer or deleted sooner" },
  moveGraceDays: { class: "review", why: "a moved tenant's source project may be deleted sooner or later after the cutover" },
  keepVaultRegions: { class: "elsewhere", why: "compared by the diff's vault rule" },
  keepRetentionDays: { class: "elsewhere", why: "compared by the diff's retention rule" },
  trustPolicyLengthLimit: { class: "safe", why: "the plan's trust-size check moves" },
  oidcProviderArn: { class: "review", why: "the roles trust another OIDC provider" },
} as const satisfies Record<SettingKey, SettingReview>;

/** A setting's declared default, typed as the setting (for code that builds settings by hand). */
export function defaultOf<K extends SettingKey>(key: K): Setting<K> {
  return (DECLARED[key] as SettingSpec).default as Setting<K>;
}

/** A setting's value once parsed: its schema's output, or undefined for an optional setting without a default. */
export type Setting<K extends SettingKey> = z.output<(typeof DECLARED)[K]["schema"]> | ((typeof DECLARED)[K] extends { default: unknown } | { required: string } ? never : undefined);

/** Where the raw values came from, for messages. */
export interface SettingsSource {
  readonly stack: string;
  /** Stack file name as shown to the user, e.g. `Pulumi.prod.yaml`. */
  readonly file: string;
  /** Its text, to point at the line of a bad key; optional. */
  readonly text?: string;
  /** Keys given on the command line (`--config`), reported as such rather than in the file. */
  readonly overridden?: ReadonlySet<string>;
}

/** Finds `tenant-fleet:key` in a stack file's `config:` mapping. */
export function locateKey(text: string | undefined, key: string, atKey = false): Position {
  return locateConfigKey(text, `${NAMESPACE}:${key}`, atKey) ?? configStart(text);
}

function configStart(text: string | undefined): Position {
  return text ? Positions.of(text, "").find(["config"]) ?? { line: 1, col: 1 } : { line: 1, col: 1 };
}

/** Where a full config key (`neon:apiKey`) sits in a stack file, or undefined when it is not there. */
export function locateConfigKey(text: string | undefined, fullKey: string, atKey = false): Position | undefined {
  return text ? Positions.of(text, "").find(["config", fullKey], atKey) : undefined;
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

/**
 * Reads settings from raw config values (`key` without namespace → string, as Pulumi
 * hands them over; lists and booleans may also arrive as JSON text).
 */
export function parseStackSettings(raw: Readonly<Record<string, string | undefined>>, source: SettingsSource): { settings?: StackSettings; problems: Problem[] } {
  const problems: Problem[] = [];
  const values: Record<string, unknown> = {};
  const at = (key: string, message: string, atKey = false): Problem => ({
    severity: "error",
    ...(source.overridden?.has(key) ? { file: "--config", line: 1, col: 1 } : { file: source.file, ...locateKey(source.text, key, atKey) }),
    path: `${NAMESPACE}:${key}`,
    message,
  });

  for (const key of Object.keys(raw)) {
    if (!(key in SETTINGS)) {
      const guess = closest(key, Object.keys(SETTINGS));
      problems.push(at(key, `unknown setting; ${guess ? `did you mean ${NAMESPACE}:${guess}?` : `known settings are ${Object.keys(SETTINGS).join(", ")}`}`, true));
    }
  }
  for (const [key, spec] of Object.entries(SETTINGS)) {
    const read = readSetting(key as SettingKey, raw[key]);
    if (read.unset && spec.required) problems.push(at(key, `missing; ${spec.required}: pulumi config set ${NAMESPACE}:${key} <value> --stack ${source.stack}`));
    if ("problem" in read) problems.push(at(key, read.problem));
    else values[key] = read.value;
  }

  const residencies = values.allowedResidencies as string[] | undefined;
  if (Array.isArray(residencies)) {
    const bad = residencies.filter((r) => !isResidency(r));
    if (bad.length) problems.push(at("allowedResidencies", `${bad.map((b) => JSON.stringify(b)).join(", ")} ${bad.length === 1 ? "is" : "are"} not EU or an ISO 3166-1 alpha-2 country code; Neon regions serve ${KNOWN_JURISDICTIONS.join(", ")}`));
    else if (residencies.length === 0) problems.push(at("allowedResidencies", `the list is empty; list the residencies this stack may serve, e.g. ["EU", "GB"]`));
  }
  for (const r of (values.shardResidencies as string[] | undefined) ?? []) {
    if (!isResidency(r)) problems.push(at("shardResidencies", `${JSON.stringify(r)} is not EU or an ISO 3166-1 alpha-2 country code`));
  }
  for (const r of (values.shardRegions as string[] | undefined) ?? []) {
    if (!(ALL_REGION_IDS as readonly string[]).includes(r)) problems.push(at("shardRegions", `${JSON.stringify(r)} is not a Neon region; use one of ${ACTIVE_REGION_IDS.join(", ")}`));
  }
  for (const [key, setup] of [["migrationsCommand", "migrationsSetupCommand"], ["devSeedCommand", "devSetupCommand"], ["devPreviewCommand", "devSetupCommand"]] as const) {
    const command = values[key] as string | undefined;
    const installs = command ? installSteps(command) : [];
    if (installs.length) {
      problems.push(at(key, `${JSON.stringify(shorten(command!))} installs or downloads code (${installs.join(", ")}) in the step that holds DATABASE_URL; move that to ${NAMESPACE}:${setup}, which runs before it without any secret`));
    }
  }
  const admins = (values.keyAdministrators as string[] | undefined) ?? [];
  const adminsGiven = (raw.keyAdministrators ?? "").replace(/\s+/g, "") !== "" && raw.keyAdministrators?.replace(/\s+/g, "") !== "[]";
  if ((values.backupEncryption === "kms" || values.secretScope === "region") && !adminsGiven) {
    problems.push(
      at(
        "keyAdministrators",
        `missing; the ${values.backupEncryption === "kms" ? "vault keys" : "credentials keys"} need named administrators (${values.backupEncryption === "kms" ? "backupEncryption kms" : "secretScope region"}): list the IAM roles that run pulumi up for this stack, e.g. pulumi config set --path '${NAMESPACE}:keyAdministrators[0]' arn:aws:iam::123456789012:role/tenant-fleet-deploy --stack ${source.stack}`,
      ),
    );
  }
  const breakGlass = values.breakGlassPrincipal as string | undefined;
  if (breakGlass !== undefined && admins.includes(breakGlass)) {
    // Custody is split on purpose: the deploy identities run pulumi up, break-glass alone may destroy (docs/deploying.md, vault custody).
    problems.push(at("breakGlassPrincipal", `${breakGlass} is also one of ${NAMESPACE}:keyAdministrators (the identities that run pulumi up): the deploy role would then be the one principal that may delete every backup and rewrite the vaults' policies; name a separate break-glass role, held outside CI`));
  } else if (breakGlass !== undefined && ((values.applicationRoleArns as string[] | undefined) ?? []).includes(breakGlass)) {
    problems.push(at("breakGlassPrincipal", `${breakGlass} is also one of ${NAMESPACE}:applicationRoleArns: the application would then be the one principal that may delete every backup; name a separate break-glass role, held outside CI`));
  }
  const accounts = new Map<string, string>();
  if (values.secretScope !== "region" && ((values.applicationRoleArns as string[] | undefined) ?? []).length) {
    problems.push(at("applicationRoleArns", `is set while secretScope is ${values.secretScope}; only the region scope keeps credentials in AWS for the application to read: set secretScope region, or remove applicationRoleArns`));
  }
  for (const key of ["keyAdministrators", "breakGlassPrincipal", "oidcProviderArn", "applicationRoleArns"]) {
    for (const arn of [values[key]].flat().filter((v): v is string => typeof v === "string")) accounts.set(arn.split(":")[4], key);
  }
  if (accounts.size > 1) {
    const [first, second] = [...accounts.entries()];
    problems.push(at(second[1], `names AWS account ${second[0]} while ${NAMESPACE}:${first[1]} names ${first[0]}; the vaults, roles and keys of a stack live in one account: use its principals`));
  }
  if (values.catalog === true && values.catalogRegion === undefined) {
    // At the catalog key, which is where the user said it (catalogRegion is not in the file).
    problems.push(at("catalog", `is true, but ${NAMESPACE}:catalogRegion is unset: the fleet catalog's project holds every tenant's id, name and history, so name a Neon region your auditors accept: pulumi config set ${NAMESPACE}:catalogRegion aws-eu-central-1 --stack ${source.stack}`));
  }
  if ((values.githubOwnerId === undefined) !== (values.githubRepositoryId === undefined)) {
    const missing = values.githubOwnerId === undefined ? "githubOwnerId" : "githubRepositoryId";
    problems.push(at(missing, `missing; githubOwnerId and githubRepositoryId go together: set both or neither`));
  }
  if (problems.length) return { problems: sortProblems(problems) };

  // The one place the parsed values meet their declared types.
  const v = <K extends SettingKey>(key: K): Setting<K> => values[key] as Setting<K>;
  const settings: StackSettings = {
    stack: source.stack,
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
    workflows: {
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
    },
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
    devProject: v("devProject")
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
      : undefined,
    catalog: v("catalog") ? { region: v("catalogRegion")! } : undefined,
    backup: {
      encryption: v("backupEncryption"),
      objectLock: v("backupObjectLock"),
      keyAdministrators: Object.freeze([...new Set(admins)].sort()),
      breakGlassPrincipal: v("breakGlassPrincipal"),
      keep: {
        regions: Object.freeze([...new Set(v("keepVaultRegions") ?? [])].sort()),
        retentionDays: Object.freeze([...new Set(v("keepRetentionDays") ?? [])].sort((a, b) => a - b)),
      },
      trustPolicyLengthLimit: v("trustPolicyLengthLimit"),
      exports: { linkHours: v("exportLinkHours"), retentionDays: v("exportRetentionDays") },
      moveGraceDays: v("moveGraceDays"),
      operationsRepository: v("operationsRepository"),
    },
  };
  return { settings: Object.freeze(settings), problems: [] };
}

export function parseStackSettingsOrThrow(raw: Readonly<Record<string, string | undefined>>, source: SettingsSource): StackSettings {
  const { settings, problems } = parseStackSettings(raw, source);
  if (!settings) throw new InputError(problems);
  return settings;
}
