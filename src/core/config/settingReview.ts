/**
 * How the pull request's review classes a change of each setting (SETTING_REVIEW).
 * (settings.ts re-exports the public names: import them from there.)
 */
import type { AcknowledgedChange } from "../../../tenants/changeKinds";

import type { SettingKey } from "./settingDeclarations";

/**
 * How the pull request's diff classes a change of each setting (src/review/diff.ts): safe,
 * review (shown, does not fail), destructive (fails unless the tenants file acknowledges the
 * kind), or compared by the diff's own rules. Every setting has a line: the type makes a new
 * setting without one a compile error.
 */
export type SettingReview =
  | { readonly class: "safe" | "review"; readonly why: string }
  | {
      readonly class: "destructive";
      readonly kind: AcknowledgedChange;
      readonly why: string;
      /** Destructive only in this direction; otherwise review. */ readonly when?: (before: unknown, after: unknown) => boolean;
    }
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
  snapshotSchedule: { class: "elsewhere", why: "compared per tenant: each tenant's resolved backup.snapshots is in the tenant diff" },
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
  backupMaxSkipDays: { class: "review", why: "idle tenants are dumped more or less often, and the restore drill accepts older or only younger dumps" },
  neonActivityApiKey: { class: "review", why: "the key the backups' planning job reads Neon with changes (its value is never shown)" },
  devNeonApiKey: { class: "review", why: "the dev/test workflows' Neon key changes (its value is never shown)" },
  keyAdministrators: {
    class: "destructive",
    kind: "custody",
    why: "who administers the vault keys (and, without break-glass, their policies and the vaults' configuration) changes",
    // The same principals in another order are the same administrators.
    when: (before, after) => JSON.stringify([before].flat().sort()) !== JSON.stringify([after].flat().sort()),
  },
  breakGlassPrincipal: {
    class: "destructive",
    kind: "custody",
    why: "the one principal that may delete backups and keys, and change the vaults' configuration, changes",
  },
  runnerLabels: { class: "review", why: "tenants' data is processed on other machines" },
  operationsRepository: { class: "review", why: "another repository's tenant-operations environment may read every backup and write exports" },
  exportLinkHours: { class: "review", why: "export links work for longer or shorter" },
  exportRetentionDays: { class: "review", why: "exports are kept longer or deleted sooner" },
  signupsPerHour: { class: "review", why: "how many self-serve signups the tenant-signup workflow accepts an hour" },
  signupsPerDay: { class: "review", why: "how many self-serve signups the tenant-signup workflow accepts a day" },
  moveGraceDays: { class: "review", why: "a moved tenant's source project may be deleted sooner or later after the cutover" },
  keepVaultRegions: { class: "elsewhere", why: "compared by the diff's vault rule" },
  keepRetentionDays: { class: "elsewhere", why: "compared by the diff's retention rule" },
  usagePricePlan: { class: "safe", why: "only the usage report's estimated costs change" },
  usagePrices: { class: "safe", why: "only the usage report's estimated costs change" },
  trustPolicyLengthLimit: { class: "safe", why: "the plan's trust-size check moves" },
  oidcProviderArn: { class: "review", why: "the roles trust another OIDC provider" },
} as const satisfies Record<SettingKey, SettingReview>;
