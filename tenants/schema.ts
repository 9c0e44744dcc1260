/**
 * The tenants file contract, written once with zod. The same schema validates the file
 * at run time and produces the committed `tenants.schema.json` that editors use
 * (`npm run schema` rewrites it; a test fails when it is stale).
 *
 * The schema checks shape, types and ranges. Rules that need the region catalog, the
 * stack settings or several tenants at once live in `load.ts`.
 */
import { z } from "zod";
import { CronExpressionParser } from "cron-parser";
import { githubCronProblem, normaliseCron } from "../src/core/cronGrammar";
import { ALL_REGION_IDS, ACTIVE_REGION_IDS, type RegionId } from "./regions";
import { ACKNOWLEDGEABLE_CHANGES, STACK_WIDE_CHANGES } from "./changeKinds";
import { NEON_PROJECT_ID_MAX, NEON_PROJECT_ID_PATTERN, NEON_PROJECT_ID_RULE } from "./binding";
import { SnapshotsSchema } from "./snapshots";

export const SCHEMA_VERSION = 1;

/** Lowercase slug: starts with a letter, single hyphens between letters and digits. */
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const TENANT_ID_MAX = 40;
/**
 * Display names are data: any printable Unicode (`Café & Co — Zürich`, `Toys"R"Us`,
 * `AT&T Inc.®`), up to Neon's limit for a project name. Refused are only the characters
 * text can hide or reorder: controls, format characters (zero-width, bidi overrides),
 * line and paragraph separators, private-use and unassigned code points, lone surrogates.
 * A name never reaches a workflow or a script; every output escapes it for its format.
 */
export const DISPLAY_NAME_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
/** Neon's limit for a project name (ProjectCreateRequest.name, maxLength 256), in characters. */
export const DISPLAY_NAME_MAX = 256;
/** How a move copies the data (src/operations/move.ts): one dump and restore, or logical replication. */
export const MOVE_METHODS = ["dump", "logical"] as const;
export type MoveMethod = (typeof MOVE_METHODS)[number];
/** A tenant's generations (tenants/serving.ts): its first project and each finished move's target. */
export const MAX_GENERATION = 99;

/** A code point as U+XXXX. */
export function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}
/** Postgres role and database names we accept: plain lowercase identifiers. */
export const PG_IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
export const BRANCH_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Residency as written: two capital letters (validation checks it is a real code or EU). */
export const RESIDENCY_PATTERN = /^[A-Z]{2}$/;

export const PG_VERSIONS = [14, 15, 16, 17, 18] as const;
export const MAX_PITR_HOURS = 720;
export const MAX_SUSPEND_SECONDS = 604_800;
export const MIN_SUSPEND_SECONDS = 60;
export const CU_MIN = 0.25;
export const CU_MAX = 16;
export const CU_MAX_SPREAD = 8;
export const RETENTION_DAYS_MAX = 3650;

/** A value as an error quotes it: strings escaped (no character that could hide or reorder the message) and cut at 80. */
export function describe(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") {
    const chars = [...input];
    const shown = chars.length > 80 ? `${chars.slice(0, 77).join("")}…` : input;
    return JSON.stringify(shown).replace(/[\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  }
  return String(input);
}

const displayName = z.string({ error: (iss) => `${describe(iss.input)} is not a string; a name is text, e.g. name: ACME Corp` }).superRefine((name, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: "custom", message, input: name });
  const bad = DISPLAY_NAME_FORBIDDEN.exec(name);
  if (name.trim() === "") fail("the name is empty; write the customer's display name, e.g. name: ACME Corp");
  else if (bad)
    fail(
      `${describe(name)} contains ${codePoint(bad[0])}, a control, format or unassigned character that can hide or reorder text; write the name with printable characters only`,
    );
  else if (name !== name.trim()) fail(`${describe(name)} starts or ends with a space; remove it`);
  else if ([...name].length > DISPLAY_NAME_MAX)
    fail(`${describe(name)} is longer than ${DISPLAY_NAME_MAX} characters (Neon's limit for a project name); shorten it`);
});

/** An integer within [min, max] whose errors name the value, the range and the fix. */
function intIn(min: number, max: number, what: string) {
  return z
    .number({ error: (iss) => `${describe(iss.input)} is not a number; ${what} is a whole number from ${min} to ${max}` })
    .int({ error: (iss) => `${describe(iss.input)} is not a whole number; ${what} is a whole number from ${min} to ${max}` })
    .min(min, { error: (iss) => `${describe(iss.input)} is below ${min}; ${what} is a whole number from ${min} to ${max}` })
    .max(max, { error: (iss) => `${describe(iss.input)} is above ${max}; ${what} is a whole number from ${min} to ${max}` });
}

function numberIn(min: number, max: number, what: string) {
  return z
    .number({ error: (iss) => `${describe(iss.input)} is not a number; ${what} is a number from ${min} to ${max}` })
    .min(min, { error: (iss) => `${describe(iss.input)} is below ${min}; ${what} is a number from ${min} to ${max}` })
    .max(max, { error: (iss) => `${describe(iss.input)} is above ${max}; ${what} is a number from ${min} to ${max}` });
}

function text(pattern: RegExp, max: number, rule: string) {
  return z
    .string({ error: (iss) => `${describe(iss.input)} is not a string; ${rule}` })
    .min(1, { error: () => `the value is empty; ${rule}` })
    .max(max, { error: (iss) => `${describe(iss.input)} is longer than ${max} characters; ${rule}` })
    .regex(pattern, { error: (iss) => `${describe(iss.input)} is not allowed; ${rule}` });
}

const cronCache = new Map<string, string | undefined>();

/**
 * A five-field cron expression as GitHub's scheduler accepts it (UTC; grammar in
 * src/core/cronGrammar.ts), normalised first (spaces, case); memoised per expression.
 */
export function cronProblem(expr: string): string | undefined {
  if (cronCache.has(expr)) return cronCache.get(expr);
  const problem = checkCron(expr);
  if (cronCache.size < 10_000) cronCache.set(expr, problem);
  return problem;
}

function checkCron(expr: string): string | undefined {
  const problem = githubCronProblem(expr);
  if (problem) return `${describe(expr)} is not a schedule GitHub runs: ${problem}; e.g. "17 3 * * *" (03:17 UTC daily)`;
  try {
    CronExpressionParser.parse(normaliseCron(expr), { tz: "UTC" });
    return undefined;
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return `${describe(expr)} is not a valid cron expression (${describe(why)}); write five fields, e.g. "17 3 * * *"`;
  }
}

const cron = z
  .string({ error: (iss) => `${describe(iss.input)} is not a string; a schedule is a quoted five-field cron expression such as "17 3 * * *"` })
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
  })
  .meta({ description: 'Five-field cron expression in UTC, e.g. "17 3 * * *". Avoid minute 0: GitHub delays top-of-the-hour runs.' });

const cu = numberIn(CU_MIN, CU_MAX, "a compute size").meta({
  description: "Compute units: 0.25, 0.5 or a whole number up to 16.",
});

export const ComputeSchema = z
  .strictObject({
    minCu: cu.optional(),
    maxCu: cu.optional(),
    suspendAfterSeconds: z
      .number({
        error: (iss) =>
          `${describe(iss.input)} is not a number; suspendAfterSeconds is -1 (never), 0 (Neon's default) or ${MIN_SUSPEND_SECONDS} to ${MAX_SUSPEND_SECONDS}`,
      })
      .int({
        error: (iss) =>
          `${describe(iss.input)} is not a whole number of seconds; use -1 (never), 0 (Neon's default) or ${MIN_SUSPEND_SECONDS} to ${MAX_SUSPEND_SECONDS}`,
      })
      .min(-1, {
        error: (iss) =>
          `${describe(iss.input)} is not accepted by Neon; use -1 (never), 0 (Neon's default) or ${MIN_SUSPEND_SECONDS} to ${MAX_SUSPEND_SECONDS}`,
      })
      .max(MAX_SUSPEND_SECONDS, {
        error: (iss) =>
          `${describe(iss.input)} is above Neon's maximum; use -1 (never), 0 (Neon's default) or ${MIN_SUSPEND_SECONDS} to ${MAX_SUSPEND_SECONDS}`,
      })
      .optional()
      .meta({ description: "-1 never suspends, 0 uses Neon's default (300 s), otherwise 60 to 604800 seconds." }),
  })
  .meta({ description: "Autoscaling range and scale-to-zero of the tenant's default compute." });

/** Seconds per hour and bytes per GiB: the units the provider takes (src/plan/projects/args.ts converts). */
const UNITS = { hours: { factor: 3600, unit: "second", exact: true }, GiB: { factor: 2 ** 30, unit: "byte", exact: false } } as const;

/**
 * A number that survives conversion to the provider's whole units: a positive value is at
 * least one unit (1e-300 hours would become 0 seconds, which Neon reads as `zero`), and
 * hours are a whole number of seconds.
 */
function convertible(schema: z.ZodNumber, unit: keyof typeof UNITS, zero: string) {
  const { factor, unit: base, exact } = UNITS[unit];
  return schema.superRefine((v, ctx) => {
    const converted = v * factor;
    if (v > 0 && converted < 1) {
      ctx.addIssue({
        code: "custom",
        input: v,
        message: `${describe(v)} ${unit} is less than one ${base}, which Neon would read as 0 (${zero}); write 0 for ${zero}, or at least ${(1 / factor).toPrecision(3)}`,
      });
    } else if (exact && Math.abs(converted - Math.round(converted)) > 1e-6) {
      ctx.addIssue({
        code: "custom",
        input: v,
        message: `${describe(v)} ${unit} is ${converted.toFixed(2)} ${base}s, not a whole number of them; write a value Neon can keep as it is, e.g. ${(Math.round(converted) / factor).toString()}`,
      });
    }
  });
}

const quotaField = (what: string, unit: "hours" | "GiB") =>
  convertible(numberIn(0, 1_000_000, what), unit, "unlimited")
    .optional()
    .meta({ description: `${what} per billing period, in ${unit} (0 = unlimited).` });

export const QuotaSchema = z
  .strictObject({
    activeTimeHours: quotaField("active compute time", "hours"),
    computeTimeHours: quotaField("CPU time", "hours"),
    writtenDataGiB: quotaField("data written", "GiB"),
    dataTransferGiB: quotaField("data transfer", "GiB"),
    logicalSizeGiB: quotaField("logical size", "GiB").meta({ description: "Per-branch logical size limit in GiB (0 = unlimited)." }),
  })
  .meta({ description: "Neon project quotas in hours and GiB; converted to seconds and bytes for the provider." });

/** A calendar date, YYYY-MM-DD. */
export const ISO_DATE_PATTERN = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
/** GitHub-hosted runners stop any job after 6 hours. */
export const BACKUP_TIMEOUT_MINUTES_MIN = 10;
export const BACKUP_TIMEOUT_MINUTES_MAX = 360;

/** The longest RPO a tenant can state, hours (a week: the longest gap a schedule GitHub runs can leave). */
export const RPO_HOURS_MAX = 168;

export const BackupSchema = z
  .strictObject({
    schedule: cron.optional(),
    retentionDays: intIn(1, RETENTION_DAYS_MAX, "retentionDays").optional(),
    enabled: z.boolean({ error: (iss) => `${describe(iss.input)} is not true or false; write enabled: true or enabled: false` }).optional(),
    timeoutMinutes: intIn(BACKUP_TIMEOUT_MINUTES_MIN, BACKUP_TIMEOUT_MINUTES_MAX, "timeoutMinutes")
      .meta({
        description:
          "How long one backup (dump and upload) and one restore drill of this tenant may run; raise it for large databases (about 10 min per 10 GB of dump is a safe start).",
      })
      .optional(),
    rpoHours: intIn(1, RPO_HOURS_MAX, "rpoHours")
      .meta({
        description:
          "The recovery point objective promised for this tenant, hours: the schedule must never leave a longer gap between two backups (checked), and raising or removing it weakens protection in the tenant diff.",
      })
      .optional(),
    emptyAllowedUntil: text(ISO_DATE_PATTERN, 10, "a date is written YYYY-MM-DD, e.g. 2027-01-31")
      .meta({
        description:
          "A new tenant whose schema is not there yet: until this date (UTC, inclusive) a backup of a database without tables warns instead of failing. Remove it once the schema exists.",
      })
      .optional(),
    snapshots: SnapshotsSchema.optional(),
  })
  .meta({ description: "Nightly pg_dump to the tenant's regional S3 vault, and Neon's own snapshots (snapshots)." });

export const DatabaseSchema = z
  .strictObject({
    branch: text(BRANCH_NAME_PATTERN, 63, "a branch name is lowercase letters, digits and single hyphens, e.g. main").optional(),
    name: text(PG_IDENTIFIER_PATTERN, 63, "a database name is a lowercase identifier (letters, digits, _), e.g. app").optional(),
    role: text(PG_IDENTIFIER_PATTERN, 63, "a role name is a lowercase identifier (letters, digits, _), e.g. app_owner").optional(),
  })
  .meta({ description: "Names of the default branch, database and owner role. Fixed at creation: changing them replaces the Neon project." });

const pgVersion = z
  .number({ error: (iss) => `${describe(iss.input)} is not a number; pgVersion is one of ${PG_VERSIONS.join(", ")}` })
  .int({ error: (iss) => `${describe(iss.input)} is not a Postgres major version; use one of ${PG_VERSIONS.join(", ")}` })
  .min(14, { error: (iss) => `Postgres ${describe(iss.input)} is not offered by Neon; use one of ${PG_VERSIONS.join(", ")}` })
  .max(18, { error: (iss) => `Postgres ${describe(iss.input)} is not offered by Neon; use one of ${PG_VERSIONS.join(", ")}` })
  .meta({ description: "Postgres major version (14–18). Fixed at creation: changing it replaces the Neon project." });

const historyRetentionHours = convertible(
  numberIn(0, MAX_PITR_HOURS, "historyRetentionHours (the point-in-time restore window)"),
  "hours",
  "no point-in-time restore",
).meta({
  description: "Point-in-time restore window in hours (0–720; your Neon plan may allow less).",
});

/** A migration wave's name: lowercase letters, digits and hyphens. */
export const WAVE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,29}$/;

/** Every per-tenant setting that the `defaults` block may also carry. */
const tenantSettings = {
  rollout: text(WAVE_NAME_PATTERN, 30, "a wave is lowercase letters, digits and hyphens, e.g. canary")
    .meta({ description: "The migration wave the tenant is migrated in (one of the stack's migrationWaves; unset: the last, the general population)." })
    .optional(),
  pgVersion: pgVersion.optional(),
  historyRetentionHours: historyRetentionHours.optional(),
  compute: ComputeSchema.optional(),
  quota: QuotaSchema.optional(),
  backup: BackupSchema.optional(),
  database: DatabaseSchema.optional(),
};

export const DefaultsSchema = z.strictObject(tenantSettings).meta({
  description: "Settings every tenant inherits unless it sets its own.",
});

/** A tier's name: lowercase letters, digits and hyphens (it is written in every tenant of the tier). */
export const TIER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,29}$/;
const TIER_NAME_RULE = "a tier's name is lowercase letters, digits and hyphens, a letter first, at most 30 characters, e.g. scale";

/** A tier's preset: the same settings as `defaults`, with their own types (tenants/tiers.ts resolves them). */
export const TierSchema = z.strictObject(tenantSettings).meta({
  description:
    "A preset of per-tenant settings (compute, quota, backup, ...): a tenant with tier: <name> takes these unless it sets its own, and they win over defaults.",
});

/** The shortest reason, ticket or hold a reviewer accepts. */
export const REASON_MIN_LENGTH = 10;

/**
 * Free text a reviewer reads (an acknowledgement's reason, a legal hold): 10 to 500
 * printable characters, so it can neither hide nor rewrite the review's output.
 */
function reasonText(noun: string, ask: string) {
  return z
    .string({ error: (iss) => `${describe(iss.input)} is not a string; ${ask}` })
    .min(REASON_MIN_LENGTH, { error: () => `the ${noun} is too short; ${ask}` })
    .max(500, { error: () => `the ${noun} is longer than 500 characters; link a ticket instead` })
    .refine((r) => !DISPLAY_NAME_FORBIDDEN.test(r), {
      error: (iss) =>
        `${describe(iss.input)} contains ${codePoint(DISPLAY_NAME_FORBIDDEN.exec(String(iss.input))![0])}, a control, format or unassigned character that could hide or rewrite the review's output; write the ${noun} in printable characters`,
    });
}

/** An example ticket for messages and hints: the move's ticket rule accepts it (checked when this module loads). */
export const EXAMPLE_TICKET = accepted("ticket", "CHG-2026-0042");

/** An example acknowledgement reason for hints: the reason rule accepts it (checked when this module loads). */
export const EXAMPLE_REASON = accepted("reason", `approved in ${EXAMPLE_TICKET}`);

/** The example itself, once the reason rule has accepted it: an example a user copies must never be refused. */
function accepted(noun: string, example: string): string {
  if (!reasonText(noun, "").safeParse(example).success) throw new Error(`internal: the example ${noun} ${JSON.stringify(example)} breaks the ${noun} rule`);
  return example;
}

/** A tenant's move to another region or Postgres major (issue: tenant operations): the target beside the current project, the cutover, then the finish. */
export const MoveSchema = z
  .strictObject({
    region: z
      .enum(ALL_REGION_IDS as [RegionId, ...RegionId[]], {
        error: (iss) => `${describe(iss.input)} is not a Neon region; use one of ${ACTIVE_REGION_IDS.join(", ")}`,
      })
      .meta({ description: "The Neon region of the target project; it must lie inside the tenant's residency." }),
    pgVersion: pgVersion.optional().meta({ description: "The target's Postgres major (default: the tenant's); not lower than the current one." }),
    ticket: reasonText("ticket", `name the change that approves the move, at least ${REASON_MIN_LENGTH} characters, e.g. ${EXAMPLE_TICKET}`).meta({
      description: "The change or request approving the move.",
    }),
    method: z
      .enum(MOVE_METHODS, {
        error: (iss) =>
          `${describe(iss.input)} is not a move method; use dump (copy once, writes paused) or logical (replicate, then catch up and pause writes only for the cutover)`,
      })
      .optional()
      .meta({
        description:
          "How the data reaches the target: dump (default: one dump and restore while writes are paused) or logical (Postgres logical replication from the source, which the stack switches to wal_level=logical; every table needs a primary key or REPLICA IDENTITY FULL).",
      }),
    cutover: z
      .boolean({ error: (iss) => `${describe(iss.input)} is not true or false; write cutover: true once the copy is checked` })
      .optional()
      .meta({
        description: "Once the copy is checked: routes, secrets, backups and migrations switch to the target project; the current one stays, protected.",
      }),
    finish: z
      .boolean({ error: (iss) => `${describe(iss.input)} is not true or false; write finish: true once the target has served through the grace period` })
      .optional()
      .meta({
        description:
          "After the cutover and its grace period: the current (source) project is released (unprotected, retained on delete) so that npm run tenant -- move ID --finish can delete it and the tenant's line can become the target's (region, pgVersion, generation).",
      }),
  })
  .meta({
    description:
      "Moves the tenant without changing its id: the stack creates the target project beside the current one (its next generation: resource <id>-g2, project name '<name> [g2]'), npm run tenant -- move copies the data and compares every table's rows; cutover: true then switches routes, secrets, backups and migrations to it; finish: true releases the source, which npm run tenant -- move ID --finish deletes.",
  });

export const TenantSchema = z
  .strictObject({
    id: text(
      TENANT_ID_PATTERN,
      TENANT_ID_MAX,
      `an id is a lowercase slug of at most ${TENANT_ID_MAX} characters: a letter first, then letters, digits and single hyphens, e.g. acme-corp`,
    ).meta({
      description: "Stable key: lowercase slug, unique, never renamed (it names the Neon project resource, secrets and backup prefix).",
    }),
    name: displayName.meta({
      description: `Display name; becomes the Neon project name. Any printable text up to ${DISPLAY_NAME_MAX} characters; no control, format (zero-width, bidi) or unassigned characters, no leading or trailing space.`,
      minLength: 1,
      maxLength: DISPLAY_NAME_MAX,
    }),
    region: z
      .enum(ALL_REGION_IDS as [RegionId, ...RegionId[]], {
        error: (iss) => `${describe(iss.input)} is not a Neon region; use one of ${ACTIVE_REGION_IDS.join(", ")}`,
      })
      .meta({ description: "Neon region id. Fixed at creation: Neon cannot move a project between regions." }),
    residency: z
      .string({ error: (iss) => `${describe(iss.input)} is not a string; residency is an ISO 3166-1 alpha-2 country code (DE, GB, US, ...) or EU` })
      .regex(RESIDENCY_PATTERN, {
        error: (iss) => `${describe(iss.input)} is not a residency; write an ISO 3166-1 alpha-2 country code in capitals (DE, GB, US, ...) or EU`,
      })
      .meta({ description: "Declared jurisdiction of the tenant's data: ISO 3166-1 alpha-2 country code or EU." }),
    status: z
      .enum(["active", "retired"], {
        error: (iss) => `${describe(iss.input)} is not a status; use active or retired`,
      })
      .meta({ description: "active, or retired: the database is kept, secrets, backups and migrations stop." }),
    move: MoveSchema.optional(),
    generation: z
      .number({ error: (iss) => `${describe(iss.input)} is not a number; generation counts the tenant's finished moves plus one (1, 2, ...)` })
      .int({ error: (iss) => `${describe(iss.input)} is not a whole number; generation counts the tenant's finished moves plus one (1, 2, ...)` })
      .min(1, { error: () => "generation starts at 1 (the project the tenant was created with); use 1 or more" })
      .max(MAX_GENERATION, { error: () => `generation is at most ${MAX_GENERATION}` })
      .optional()
      .meta({
        description:
          "Which of the tenant's projects is its own: 1 (default, resource <id>) or, after a finished move, the move's target (resource <id>-g<generation>, project name '<name> [g<generation>]'). Set only when finishing a move; any other change would create a new, empty project.",
      }),
    neonProjectId: text(NEON_PROJECT_ID_PATTERN, NEON_PROJECT_ID_MAX, NEON_PROJECT_ID_RULE)
      .meta({
        description:
          "Binds the tenant to an existing Neon project (npm run fleet -- adopt writes it): the next pulumi up imports that project instead of creating one, and every setting above must be what Neon reports for it. Unique in the file; generation 1 only. Changing it later replaces the project (destructive); removing it only stops a fresh stack from importing.",
      })
      .optional(),
    tier: text(TIER_NAME_PATTERN, 30, TIER_NAME_RULE)
      .meta({ description: "One of the file's tiers: its preset's settings apply where the tenant sets none (own fields > tier > defaults)." })
      .optional(),
    legalHold: reasonText("hold", "say why the tenant's data must be kept, with the case or ticket reference")
      .meta({ description: "Why this tenant's data must be kept (a case or ticket reference): while it is set, npm run tenant -- erase refuses." })
      .optional(),
    ...tenantSettings,
  })
  .meta({ description: "One customer: one Neon project." });

const stackWide = STACK_WIDE_CHANGES.join(", ");

export const AcknowledgementSchema = z
  .strictObject({
    tenant: text(TENANT_ID_PATTERN, TENANT_ID_MAX, `the id of the tenant whose destructive change is accepted; omit it for stack-wide changes (${stackWide})`)
      .optional()
      .meta({ description: `Tenant id; omitted for stack-wide changes (${stackWide}).` }),
    change: z
      .enum(ACKNOWLEDGEABLE_CHANGES, {
        error: (iss) => `${describe(iss.input)} is not a change that needs acknowledging; use one of ${ACKNOWLEDGEABLE_CHANGES.join(", ")}`,
      })
      .meta({ description: "The destructive change accepted (the kinds are listed in tenants/changeKinds.ts)." }),
    reason: reasonText("reason", "say why the change is safe (data migrated, erasure approved, ...) with a ticket reference").meta({
      description: "Why this destructive change is intended and safe: data migrated, erasure request approved, ticket. Printable characters only.",
    }),
  })
  .meta({ description: "A reviewed acceptance of one destructive change, visible in the pull request's diff." });

export const TenantsFileSchema = z
  .strictObject({
    version: z.literal(SCHEMA_VERSION, {
      error: (iss) => `version ${describe(iss.input)} is not supported by this tenant-fleet; write version: ${SCHEMA_VERSION}`,
    }),
    example: z
      .literal(true, { error: (iss) => `${describe(iss.input)} is not true; write example: true on a sample fleet, or remove the line for your own` })
      .optional()
      .meta({ description: "A sample fleet: npm run plan shows it, pulumi up refuses to create it. Remove the line once the tenants are your own." }),
    defaults: DefaultsSchema.optional(),
    tiers: z
      .record(text(TIER_NAME_PATTERN, 30, TIER_NAME_RULE), TierSchema, {
        error: (iss) =>
          iss.code === "invalid_key"
            ? `${describe(iss.input)} is not allowed; ${TIER_NAME_RULE}`
            : `${describe(iss.input)} is not a mapping; tiers maps a tier's name to its settings, e.g. tiers: { scale: { compute: { maxCu: 8 } } }`,
      })
      .optional()
      .meta({ description: "Named presets of per-tenant settings; a tenant names one with tier: <name>." }),
    acknowledgements: z
      .array(AcknowledgementSchema, { error: (iss) => `${describe(iss.input)} is not a list; acknowledgements is a list of { tenant, change, reason }` })
      .optional()
      .meta({ description: "Reviewed acceptances of destructive changes in this pull request; remove them once merged." }),
    tenants: z
      .array(TenantSchema, { error: (iss) => `${describe(iss.input)} is not a list; tenants is a list of tenant entries (- id: ...)` })
      .min(1, { error: () => "the fleet is empty; add at least one tenant (a fleet whose customers have all left keeps them as status: retired)" }),
  })
  .meta({
    title: "tenant-fleet tenants file",
    description: "The fleet of tenants: one Neon project per tenant, backups and GitHub wiring derived from it.",
  });

export type TenantsFileInput = z.infer<typeof TenantsFileSchema>;
export type TenantInput = z.infer<typeof TenantSchema>;
export type DefaultsInput = z.infer<typeof DefaultsSchema>;
export type TierInput = z.infer<typeof TierSchema>;
export type AcknowledgementInput = z.infer<typeof AcknowledgementSchema>;

/** The JSON Schema committed as `tenants/tenants.schema.json`. */
export function tenantsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(TenantsFileSchema, { target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
  return { $id: "https://tenant-fleet.invalid/tenants.schema.json", ...schema };
}
