/**
 * Every stack setting, declared once (DECLARED: schema, default, description, group), and
 * the typed access to a setting's default and parsed value.
 * (settings.ts re-exports the public names: import them from there.)
 */
import { z } from "zod";
import { KNOWN_JURISDICTIONS, VAULT_REGIONS } from "../../../tenants/regions";
import { RETENTION_DAYS_MAX } from "../../../tenants/schema";
import { NEON_SNAPSHOT_LIMIT, parseSnapshotText } from "../../../tenants/snapshots";
import { TRUST_POLICY_LIMIT_DEFAULT, TRUST_POLICY_LIMIT_MAX } from "../iam/limits";
import { SECRET_SCOPES } from "../repositoryContract";
import { PRICE_MAX, PRICE_PLANS, PRICE_UNITS, PUBLISHED_PRICES_SOURCE, type PriceUnit } from "../usagePrices";

import {
  GITHUB_NAME,
  GITHUB_REPO,
  GIT_BRANCH,
  IAM_PRINCIPAL_ARN,
  IAM_PRINCIPAL_RULE,
  NEON_ORG,
  OIDC_ARN,
  type SettingSpec,
  activeNeonRegion,
  bool,
  commandSetting,
  cronSetting,
  numberSetting,
  pathSetting,
  pattern,
  stringList,
} from "./settingSchemas";

const DECLARED = {
  tenantsFile: {
    schema: pathSetting("tenants file path"),
    default: "tenants/tenants.yaml",
    description: "Path of the tenants file, relative to the project root.",
  },
  secretScope: {
    schema: z.enum(SECRET_SCOPES, { error: (iss) => `${JSON.stringify(iss.input)} is not a secret scope; use repository, environment or region` }),
    default: "repository",
    description:
      "Where tenant connection strings go: repository (one Actions secret per tenant, up to ~90 tenants; any workflow run on any branch can read them all), environment (one GitHub environment per tenant, readable only by default-branch jobs that name it; one job per tenant) or region (SSM SecureString parameters in the tenant's backup AWS region under a customer-managed key; GitHub holds nothing per tenant; only the roles of the generated workflows and the applicationRoleArns can read them; batched jobs; use it for large fleets).",
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
    description:
      "Numeric id of the repository owner. Set it, with githubRepositoryId, when the repository's OIDC subjects carry ids (repositories created after 2026-07-15).",
  },
  githubRepositoryId: {
    schema: pattern(/^[0-9]{1,20}$/, "the numeric id of the repository (gh api repos/OWNER/REPO --jq .id)"),
    description: "Numeric id of the application repository; see githubOwnerId.",
  },
  backupEncryption: {
    schema: z.enum(["kms", "s3"], {
      error: (iss) => `${JSON.stringify(iss.input)} is not a backup encryption; use kms (a customer-managed key per vault) or s3 (SSE-S3)`,
    }),
    default: "kms",
    description: "Default encryption of the backup vaults: kms (customer-managed key per region, bucket keys on) or s3 (SSE-S3).",
  },
  backupMaxSkipDays: {
    group: "operations",
    schema: numberSetting(0, 365, "skip an idle tenant's dump for 0 (never skip) to 365 days"),
    default: 7,
    description:
      "Nightly backups leave a tenant asleep (no dump, no compute started) while Neon shows it unchanged since its newest dump (no compute activity, or no WAL written), for at most this many days, after which it is dumped anyway; the restore drill then accepts a dump this much older. 0: every tenant is dumped every night. Needs neonActivityApiKey (docs/backups.md).",
  },
  neonActivityApiKey: {
    group: "operations",
    secretOnly: true,
    schema: z.string().min(1),
    description:
      "Secret: a Neon API key that can list and read the tenants' projects (Neon has no read-only keys: an organisation key), which only the backups' planning job reads, from a GitHub environment restricted to the default branch, to skip idle tenants (pulumi config set --secret). Unset: every tenant is dumped every night.",
  },
  backupObjectLock: {
    schema: z.enum(["off", "governance", "compliance"], {
      error: (iss) => `${JSON.stringify(iss.input)} is not an Object Lock mode; use off, governance or compliance`,
    }),
    default: "off",
    description: "S3 Object Lock on new backup vaults: off, governance or compliance. Irreversible: a bucket can never turn it off.",
  },
  migrationsCommand: {
    group: "migrations",
    schema: commandSetting("a migrations command"),
    description:
      "Command the migrations workflow runs for each tenant, with DATABASE_URL set (e.g. npm run migrate). It may not install or download code: that goes in migrationsSetupCommand. Unset: no migrations workflow.",
  },
  migrationsSetupCommand: {
    group: "migrations",
    schema: commandSetting("a setup command"),
    description:
      "Command the migrations workflow runs before the migrations, in a step that holds no secret: installing dependencies (e.g. npm ci). Unset: nothing is installed.",
  },
  migrationsPaths: {
    group: "migrations",
    schema: stringList.pipe(
      z.array(pathSetting("path filter")).min(1, { error: 'the list is empty; list the paths whose change runs migrations, e.g. ["migrations/**"]' }),
    ),
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
    description:
      "The migration waves, in the order they run; a tenant's rollout names one (unset: the last). Each wave starts only when the one before stayed within migrationFailureBudget.",
  },
  migrationFailureBudget: {
    group: "migrations",
    schema: pattern(/^(?:[0-9]{1,5}|(?:100|[1-9]?[0-9])%)$/, "a count of tenants (e.g. 2) or a percentage of the wave (e.g. 5%)"),
    default: "0",
    description:
      "Failed tenants a wave may have and the rollout still go on to the next wave: a count (2) or a percentage of the wave's tenants (5%, rounded down). Every failure still fails the run and opens the alert.",
  },
  migrationVersionQuery: {
    group: "migrations",
    schema: commandSetting("a version query"),
    description:
      "SQL that returns a tenant's schema version as one value (the migrations record it before and after, and skip a tenant already at the target), e.g. select coalesce(max(created_at), 0) from drizzle.__drizzle_migrations (docs/migrations.md: Drizzle, Prisma, Atlas, plain SQL). Unset: versions are not read.",
  },
  migrationsTargetCommand: {
    group: "migrations",
    schema: commandSetting("a target version command"),
    description:
      "Command that prints the version the migrations bring a tenant to (run in the repository, with no secret), compared with migrationVersionQuery to skip tenants already there. Unset: every tenant runs the migrations command (which must then be idempotent, as migration tools are).",
  },
  catalog: {
    group: "migrations",
    schema: bool,
    default: false,
    description:
      "Create the fleet catalog: a small Neon project (catalogRegion) of metadata only (tenants, migration runs, backups, drills), whose insert-only writer string the stack keeps for the generated jobs like a tenant's (docs/migrations.md).",
  },
  catalogRegion: {
    group: "migrations",
    schema: activeNeonRegion(),
    description:
      "Neon region of the fleet catalog (required with catalog): it holds every tenant's id, name, region and history, so choose a region your auditors accept for that metadata.",
  },
  restoreDrillSchedule: {
    schema: cronSetting(),
    default: "41 4 * * 1",
    description: "Cron (UTC) of the weekly restore drill.",
  },
  snapshotSchedule: {
    schema: z.string().transform((text, ctx) => {
      const read = parseSnapshotText(text);
      if ("value" in read) return read.value;
      ctx.addIssue({ code: "custom", message: read.problem });
      return z.NEVER;
    }),
    default: "off",
    description: `Tenants' Neon snapshots. For tenants whose backup.snapshots is unset: off, or frequency=daily|weekly|monthly hour=H [day=D] retentionDays=N (UTC hour; day 1-7 weekly, 1-28 monthly; a retention is required and Neon keeps at most ${NEON_SNAPSHOT_LIMIT} snapshots per project). Needs a paid Neon plan other than Agent; $0.09/GB-month of snapshot storage (docs/backups.md).`,
  },
  alertLabel: {
    schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,49}$/, {
      error: (iss) =>
        `${JSON.stringify(iss.input)} is not a label this stack writes; use up to 50 letters, digits, spaces and . _ : -, e.g. tenant-fleet-alert`,
    }),
    default: "tenant-fleet-alert",
    description: "Label of the one issue per scheduled workflow (backups, restore drill) that opens when a run fails and closes on the next green run.",
  },
  alertAssignees: {
    unset: ["[]"],
    schema: stringList.pipe(
      z
        .array(
          z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a GitHub login` }),
        )
        .max(10, { error: "GitHub assigns at most 10 people to an issue" }),
    ),
    default: [],
    description: "GitHub logins assigned to a failure issue (they get GitHub's notification); they need access to the application repository.",
  },
  batchSize: {
    schema: numberSetting(1, 100, "a batch holds 1 to 100 tenants"),
    default: 50,
    description:
      "Tenants per backup, restore-drill or migrations job in the repository and region scopes (tenants of one AWS region and Postgres major). Raised automatically, with a warning, when a schedule would need more than 256 jobs. The environment scope runs one tenant per job (a job reads one environment).",
  },
  batchParallelism: {
    schema: numberSetting(1, 16, "run 1 to 16 tenants at once in a job"),
    default: 8,
    description: "How many tenants of a batch one backup or restore-drill job works on at once (migrations run one tenant at a time).",
  },
  applicationRoleArns: {
    unset: ["[]"],
    schema: stringList.pipe(z.array(pattern(IAM_PRINCIPAL_ARN, IAM_PRINCIPAL_RULE))),
    description:
      "With secretScope region: the application's runtime IAM roles, which the credentials keys let decrypt the tenants' pooled connection strings through SSM (attach the stack output applicationCredentialsPolicy to them).",
  },
  repositorySecretHeadroom: {
    schema: numberSetting(0, 99, "keep 0 to 99 repository secrets free"),
    default: 10,
    description:
      "Repository secrets left free for the repository's own use; with secretScope repository the fleet may hold 100 minus this many active tenants.",
  },
  shardResidencies: {
    unset: ["[]"],
    schema: stringList,
    description:
      "Shard by jurisdiction: this stack owns the tenants whose residency is listed (with shardRegions, both must match). Unset: every tenant of the file.",
  },
  shardRegions: {
    unset: ["[]"],
    schema: stringList,
    description: "Shard by Neon region: this stack owns the tenants in these regions (with shardResidencies, both must match).",
  },
  neonProjectLimit: {
    unset: ["0"],
    schema: numberSetting(1, 1_000_000, "the number of projects the Neon plan allows"),
    description:
      "Projects your Neon plan allows in the organisation (tenants of this stack, retired ones included, plus the dev/test project and the fleet catalog). Unset: not checked.",
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
    schema: pattern(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+\.sql$/, "a path of a .sql file in the application repository, e.g. db/seed.sql"),
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
    description:
      "Command run for each pull request against its own Neon branch (DATABASE_URL set, never the Neon API key), e.g. npm test. Installs go in devSetupCommand.",
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
    description:
      "IAM roles or users that administer the vault keys; required with backupEncryption kms: every identity that runs pulumi up for this stack (KMS refuses a key policy that would lock its caller out). They manage the keys (and, without a breakGlassPrincipal, their policies); they cannot use them, disable them or schedule their deletion. List one deploy role per tier: each stack only its own.",
  },
  breakGlassPrincipal: {
    schema: pattern(IAM_PRINCIPAL_ARN, IAM_PRINCIPAL_RULE),
    description:
      "The one IAM role or user that may delete backups, change their tags and disable or schedule the deletion of the vault keys (erasure, decommissioning), and the only one that may change an existing vault's lifecycle, bucket policy, versioning, public access block, Object Lock, ownership, encryption or replication, or rewrite its key policy (docs/deploying.md, vault custody). Unset: nobody can delete or destroy, and the vaults' configuration and key policies stay with the keyAdministrators.",
  },
  runnerLabels: {
    unset: ["[]"],
    group: "operations",
    schema: stringList.pipe(
      z
        .array(
          pattern(
            /^[A-Z]{2}=[A-Za-z0-9._-]{1,100}(,[A-Za-z0-9._-]{1,100}){0,9}$/,
            "RESIDENCY=LABEL[,LABEL...], e.g. EU=self-hosted,linux,eu-central-1 (a residency as tenants declare it, then the runner labels of machines inside it)",
          ),
        )
        .refine((items) => new Set(items.map((i) => i.split("=")[0])).size === items.length, {
          error: "a residency is mapped twice; give each residency one list of labels",
        })
        .transform((items) =>
          Object.freeze(
            Object.fromEntries(items.map((i) => [i.slice(0, 2), Object.freeze(i.slice(3).split(","))])) as Readonly<Record<string, readonly string[]>>,
          ),
        ),
    ),
    description:
      "Where jobs that hold a tenant's data run, per residency: RESIDENCY=LABEL[,LABEL...] (runner labels of self-hosted or larger runners inside that jurisdiction). Backups, drills and migrations of a batch whose tenants share a mapping run there, and so do restores and exports; GitHub-hosted runners are not in any tenant's jurisdiction, so an active tenant without a mapping is a warning and the regions report says where its data is processed.",
  },
  operationsRepository: {
    schema: pattern(
      /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\/[A-Za-z0-9._-]{1,100}$/,
      "OWNER/REPOSITORY of the repository that holds this stack, e.g. example-saas/tenant-fleet",
    ),
    group: "operations",
    description:
      "The repository that holds this stack (OWNER/REPOSITORY): the stack creates the operations role that its tenant-restore and tenant-export workflows assume, trusted only for the jobs of those two files of main in its tenant-operations environment. Unset: no operations role (restores inside the PITR window still work; restores from dumps and exports need the role).",
  },
  exportLinkHours: {
    schema: numberSetting(1, 168, "a link lives 1 to 168 hours (S3 signs for at most 7 days)"),
    default: 24,
    group: "operations",
    description:
      "How long the presigned link to a tenant's export (npm run tenant -- share) works, hours. Whoever holds the link can download the export until then.",
  },
  exportRetentionDays: {
    schema: numberSetting(1, 365, "keep exports 1 to 365 days"),
    default: 7,
    group: "operations",
    description:
      "Days an export stays in the tenant's vault under exports/<id>/ before the lifecycle deletes it (its own rule, apart from the backups' retention classes).",
  },
  moveGraceDays: {
    schema: numberSetting(1, 365, "wait 1 to 365 days after a move's cutover"),
    default: 7,
    group: "operations",
    description:
      "Days a moved tenant's target project serves (counted from the catalog's record of the cutover) before npm run tenant -- move ID --finish may delete the source project; a backup and a restore drill of the target since the cutover are required too.",
  },
  signupsPerHour: {
    schema: numberSetting(0, 10000, "allow 0 (signups off) to 10000 signups an hour"),
    default: 20,
    group: "operations",
    description:
      "Signup pull requests the tenant-signup workflow opens in any hour (counted over the last 60 minutes, open, merged or closed); a request past it is refused and the application retries later. 0 turns self-serve signup off (docs/signup.md).",
  },
  signupsPerDay: {
    schema: numberSetting(0, 100000, "allow 0 (signups off) to 100000 signups a day"),
    default: 200,
    group: "operations",
    description:
      "Signup pull requests the tenant-signup workflow opens in any 24 hours; with signupsPerHour it bounds how fast a burst of signups (or a runaway caller) can grow the fleet and its bill (docs/signup.md).",
  },
  keepVaultRegions: {
    unset: ["[]"],
    schema: stringList.pipe(
      z.array(
        z.enum(VAULT_REGIONS as [string, ...string[]], {
          error: (iss) => `${JSON.stringify(iss.input)} is not an AWS region that holds backup vaults; use one of ${VAULT_REGIONS.join(", ")}`,
        }),
      ),
    ),
    description:
      "AWS regions whose backup vault the stack keeps although no tenant of the tenants file backs up there any more (after erasing a region's last tenant, until its backups have expired).",
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
          return v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
            .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
        }
      },
      z.array(
        z
          .number({ error: (iss) => `${JSON.stringify(iss.input)} is not a whole number of days` })
          .int({ error: (iss) => `${iss.input} is not a whole number of days` })
          .min(1, { error: `a retention is 1 to ${RETENTION_DAYS_MAX} days` })
          .max(RETENTION_DAYS_MAX, { error: `a retention is 1 to ${RETENTION_DAYS_MAX} days` }),
        { error: (iss) => `${JSON.stringify(iss.input)} is not a list of days, e.g. [14, 30]` },
      ),
    ),
    description:
      "Retention classes (days) whose lifecycle rule every vault keeps although no tenant uses them any more, so the backups already in them still expire.",
  },
  usagePricePlan: {
    group: "usage",
    schema: z.enum(PRICE_PLANS, {
      error: (iss) => `${JSON.stringify(iss.input)} is not a plan whose rates Neon publishes; use launch or scale, or give every rate in usagePrices`,
    }),
    description: `The Neon plan whose published per-unit rates npm run fleet -- usage estimates costs with: launch or scale (${PUBLISHED_PRICES_SOURCE}). Unset: only usagePrices; without a rate for every unit the report shows no cost.`,
  },
  usagePrices: {
    group: "usage",
    unset: ["[]"],
    schema: stringList.pipe(
      z
        .array(
          pattern(
            new RegExp(`^(${PRICE_UNITS.join("|")})=(0|[1-9][0-9]{0,2})(\\.[0-9]{1,6})?$`),
            `UNIT=DOLLARS with UNIT one of ${PRICE_UNITS.join(", ")}, e.g. computeCuHour=0.16`,
          ),
        )
        .refine((items) => new Set(items.map((i) => i.split("=")[0])).size === items.length, { error: "a unit is priced twice; give each unit one price" })
        .refine((items) => items.every((i) => Number(i.split("=")[1]) <= PRICE_MAX), {
          error: `a price is above ${PRICE_MAX} dollars a unit; prices are in dollars (0.106, not 10.6 cents)`,
        })
        .transform((items) =>
          Object.freeze(Object.fromEntries(items.map((i) => [i.split("=")[0], Number(i.split("=")[1])])) as Partial<Record<PriceUnit, number>>),
        ),
    ),
    description:
      "Per-unit rates in US dollars for npm run fleet -- usage, over usagePricePlan's: UNIT=DOLLARS with UNIT computeCuHour, storageGbMonth (root and child branches), instantRestoreGbMonth (PITR history), snapshotGbMonth, publicTransferGb or privateTransferGb, e.g. computeCuHour=0.222 for Agent or a negotiated rate.",
  },
  trustPolicyLengthLimit: {
    schema: numberSetting(
      TRUST_POLICY_LIMIT_DEFAULT,
      TRUST_POLICY_LIMIT_MAX,
      `IAM allows ${TRUST_POLICY_LIMIT_DEFAULT} characters by default and up to ${TRUST_POLICY_LIMIT_MAX} after a quota increase (Service Quotas, IAM, "Role trust policy length")`,
    ),
    default: TRUST_POLICY_LIMIT_DEFAULT,
    description:
      "The role trust policy length IAM allows in this AWS account (2048 by default); raise it, up to 8192, only after the Service Quotas increase is granted.",
  },
  oidcProviderArn: {
    schema: pattern(
      OIDC_ARN,
      "the ARN of an IAM OIDC provider for token.actions.githubusercontent.com, e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    ),
    description: "ARN of an existing GitHub OIDC provider in the AWS account to reuse (an account holds one per URL). Empty: the stack creates it.",
  },
} satisfies Record<string, SettingSpec>;

/** Every setting, declared once: key, schema, default, description, group (see SettingSpec). */
export const SETTINGS: Readonly<Record<string, SettingSpec>> = Object.freeze(DECLARED);

export type SettingKey = keyof typeof DECLARED;

/** A setting's declared default, typed as the setting (for code that builds settings by hand). */
export function defaultOf<K extends SettingKey>(key: K): Setting<K> {
  return (DECLARED[key] as SettingSpec).default as Setting<K>;
}

/** A setting's value once parsed: its schema's output, or undefined for an optional setting without a default. */
export type Setting<K extends SettingKey> =
  z.output<(typeof DECLARED)[K]["schema"]> | ((typeof DECLARED)[K] extends { default: unknown } | { required: string } ? never : undefined);
