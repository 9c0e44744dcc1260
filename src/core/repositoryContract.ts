/**
 * The repository contract: every name the stack writes into the application repository
 * (secrets, environments, variables, workflow files) and that the generated workflows and
 * the application read. Pure and stable, derived from tenant ids and the stack's shard;
 * changing one renames something a deployed repository relies on.
 */

/**
 * Where tenant connection strings live: GitHub (one repository secret per tenant, or one
 * environment per tenant) or the tenant's own AWS region (SSM SecureString parameters).
 */
export const SECRET_SCOPES = ["repository", "environment", "region"] as const;

/** The environment of the stack's repository whose jobs may assume the operations role (restore, export). */
export const OPERATIONS_ENVIRONMENT = "tenant-operations";
/** The environment whose jobs use the break-glass role (erasure), with reviewers of its own. */
export const ERASURE_ENVIRONMENT = "tenant-erasure";
/**
 * The branch the tenant-operation workflows run from: their apply jobs check it, and the
 * operations and break-glass roles trust their jobs of this branch only.
 */
export const OPERATIONS_BRANCH = "main";
/** The AWS roles a tenant operation's apply job may assume, each by the variable of its environment holding the ARN. */
export const OPERATION_ROLES = Object.freeze({
  /** Created by the stack (operationsRepository): restores from dumps and exports. */
  operations: Object.freeze({ variable: "TENANT_FLEET_OPERATIONS_ROLE_ARN", environment: OPERATIONS_ENVIRONMENT }),
  /** The stack's breakGlassPrincipal, created by hand: erasure. */
  breakGlass: Object.freeze({ variable: "TENANT_FLEET_BREAK_GLASS_ROLE_ARN", environment: ERASURE_ENVIRONMENT }),
} as const);
export type OperationRole = keyof typeof OPERATION_ROLES;
/**
 * Each tenant operation's dispatch workflow (`.github/workflows/tenant-<kind>.yml`): the
 * environment its apply job waits for approval in and the role it assumes (none: no AWS).
 * The roles trust exactly the files named here, so a file in the same environment that
 * assumes no role (a move) can never obtain one.
 */
export const OPERATION_WORKFLOW_ACCESS = Object.freeze({
  restore: Object.freeze({ environment: OPERATIONS_ENVIRONMENT, role: "operations" }),
  export: Object.freeze({ environment: OPERATIONS_ENVIRONMENT, role: "operations" }),
  erase: Object.freeze({ environment: ERASURE_ENVIRONMENT, role: "breakGlass" }),
  move: Object.freeze({ environment: OPERATIONS_ENVIRONMENT, role: undefined }),
  "move-finish": Object.freeze({ environment: ERASURE_ENVIRONMENT, role: undefined }),
} as const satisfies Record<string, { environment: string; role: OperationRole | undefined }>);
export type OperationKind = keyof typeof OPERATION_WORKFLOW_ACCESS;

/** `.github/workflows/tenant-<kind>.yml`: a tenant operation's dispatch workflow. */
export function operationWorkflowPath(kind: OperationKind): string {
  return `.github/workflows/tenant-${kind}.yml`;
}

/**
 * The vault custody deploy's workflow (docs/deploying.md, "Vault custody") is written by hand,
 * under a name its owner picks: the break-glass trust names it only when asked
 * (`npm run stacks -- --break-glass-role-trust --custody-workflow PATH`), never by default, so
 * no file name grants break-glass before its owner wrote that file. What the path must be, or
 * undefined: a file directly in .github/workflows (GitHub runs no other:
 * https://docs.github.com/en/actions/writing-workflows/about-workflows), `.yml` or `.yaml`,
 * no `..`, and none of the files this project writes or names (a generated operation
 * workflow would take break-glass for a job that needs no AWS).
 */
export function custodyWorkflowProblem(file: string): string | undefined {
  const shown = JSON.stringify(file.length > 120 ? `${file.slice(0, 120)}…` : file);
  if (!/^\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml$/.test(file) || file.includes(".."))
    return `${shown}: the custody deploy's workflow is one file directly under ${WORKFLOW_DIR}/, named with letters, digits, ".", "_" or "-" (no ".."), ending .yml or .yaml, e.g. ${WORKFLOW_DIR}/vault-custody.yml`;
  const project = [...(Object.keys(OPERATION_WORKFLOW_ACCESS) as OperationKind[]).map(operationWorkflowPath), DEPLOY_WORKFLOW_PATH, DRIFT_WORKFLOW_PATH];
  if (project.includes(file))
    return `${shown}: that file belongs to this project, and a job of it must never hold break-glass; name the hand-written custody workflow`;
  return undefined;
}

/** The environments whose jobs run tenant operations: only the project's operation workflows (and a configured custody deploy) may name them. */
export const OPERATION_ENVIRONMENTS: readonly string[] = Object.freeze([...new Set(Object.values(OPERATION_WORKFLOW_ACCESS).map((a) => a.environment))]);

/** The operation workflow files whose apply job assumes the role, in declaration order. */
export function operationRoleWorkflows(role: OperationRole): string[] {
  return (Object.keys(OPERATION_WORKFLOW_ACCESS) as OperationKind[]).filter((k) => OPERATION_WORKFLOW_ACCESS[k].role === role).map(operationWorkflowPath);
}
/** The environment of the nightly drift workflow (drift.yml): read-only credentials, main only, no reviewers (a schedule cannot wait). */
export const DRIFT_ENVIRONMENT = "tenant-fleet-drift";
/**
 * The prod stacks' second environment (default branch only, no reviewers, the same deploy
 * secrets and role as prod): deploy.yml's up-prod runs in it only when the fast path proved
 * that everything since the last prod deploy adds tenants and nothing else (docs/deploying.md).
 */
export const PROD_ADDITIONS_ENVIRONMENT = "prod-additions";
/** This repository's deploy workflow (hand-written): the deploy roles trust its jobs on the default branch only. */
export const DEPLOY_WORKFLOW_PATH = ".github/workflows/deploy.yml";
/** deploy.yml's up-prod environment: prod, unless its fast-path job said fast=true in this run's first attempt (a re-run reuses that old answer, decided before any later deploy). */
export const PROD_ENVIRONMENT_CHOICE = `\${{ needs.fast-path.outputs.fast == 'true' && github.run_attempt == '1' && '${PROD_ADDITIONS_ENVIRONMENT}' || 'prod' }}`;
/** The commit status a deploy posts on its commit once it created tenants: `<prefix>/<stack>` (docs/signup.md). */
export const READY_STATUS_PREFIX = "tenant-fleet/ready";
/** The commit status a deploy's ready step posts on its own commit as its last act, once every step of it succeeded: `<prefix>/<stack>`; it bounds the next run's range (docs/signup.md). */
export const READY_DONE_PREFIX = `${READY_STATUS_PREFIX}-done`;
/** The repository_dispatch event a deploy sends to the stack's application repository once it created tenants. */
export const READY_DISPATCH_EVENT = "tenant-fleet-ready";
/** The nightly drift workflow's file: the drift role trusts jobs of this file on the default branch only. */
export const DRIFT_WORKFLOW_PATH = ".github/workflows/drift.yml";
/**
 * The drift job's secrets (in DRIFT_ENVIRONMENT), named apart from the deploy's: a secret the
 * environment lacks falls back to a repository or organisation secret of the same name
 * (https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions),
 * so shared names could hand the drift job the deploy's keys. Each maps to the env var its tool reads.
 */
export const DRIFT_SECRETS = Object.freeze({
  NEON_API_KEY: "TENANT_FLEET_DRIFT_NEON_API_KEY",
  PULUMI_ACCESS_TOKEN: "TENANT_FLEET_DRIFT_PULUMI_ACCESS_TOKEN",
  PULUMI_CONFIG_PASSPHRASE: "TENANT_FLEET_DRIFT_PULUMI_CONFIG_PASSPHRASE",
} as const);
export type SecretScope = (typeof SECRET_SCOPES)[number];

/** `acme-corp` → `ACME_CORP_DATABASE_URL` (repository-scoped Actions secret). */
export function repositorySecretName(tenantId: string): string {
  return `${tenantId.toUpperCase().replace(/-/g, "_")}_DATABASE_URL`;
}

/** `acme-corp` → `tenant-acme-corp` (GitHub environment, environment-scoped secrets). */
export function environmentName(tenantId: string): string {
  return `tenant-${tenantId}`;
}

/** Secret name inside a tenant environment. */
export const ENVIRONMENT_SECRET_NAME = "DATABASE_URL";

/** The two connection strings of a tenant in the region scope: pooled for the application, direct for dumps and migrations. */
export const CREDENTIAL_KINDS = ["pooled", "direct"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** The stack's SSM path: every parameter of the stack lives under it (`/tenant-fleet/prod/`). */
export function parameterPath(stack: string): string {
  return `/tenant-fleet/${stack}/`;
}

/** `/tenant-fleet/prod/acme-corp/pooled-url`: a tenant's connection string in the region scope. */
export function credentialParameter(stack: string, tenantId: string, kind: CredentialKind): string {
  return `${parameterPath(stack)}${tenantId}/${kind}-url`;
}

/** Where an active tenant's connection string lives, by secret scope. */
export type CredentialLocation =
  | { readonly scope: "repository"; readonly secret: string }
  | { readonly scope: "environment"; readonly environment: string; readonly secret: string }
  | { readonly scope: "region"; readonly awsRegion: string; readonly parameter: string; readonly directParameter: string };

export function credentialLocation(tenantId: string, scope: SecretScope, where: { readonly stack: string; readonly awsRegion: string }): CredentialLocation {
  switch (scope) {
    case "repository":
      return { scope, secret: repositorySecretName(tenantId) };
    case "environment":
      return { scope, environment: environmentName(tenantId), secret: ENVIRONMENT_SECRET_NAME };
    case "region":
      return {
        scope,
        awsRegion: where.awsRegion,
        parameter: credentialParameter(where.stack, tenantId, "pooled"),
        directParameter: credentialParameter(where.stack, tenantId, "direct"),
      };
  }
}

export const WORKFLOW_DIR = ".github/workflows";
/** Variables the stack sets in the repository (values are not secret). */
export const VARIABLES = Object.freeze({
  /** The backup writer role (the name predates the drill's own role). */
  roleArn: "TENANT_FLEET_AWS_ROLE_ARN",
  drillRoleArn: "TENANT_FLEET_DRILL_ROLE_ARN",
  migrationsRoleArn: "TENANT_FLEET_MIGRATIONS_ROLE_ARN",
  vaults: "TENANT_FLEET_BACKUP_VAULTS",
});

/**
 * The names a stack writes into the application repository. Shards sharing a repository
 * get their own (`tenant-fleet-prod-eu-backup-….yml`, `TENANT_FLEET_AWS_ROLE_ARN_PROD_EU`),
 * so they never overwrite each other's files or variables.
 */
export interface FleetNames {
  /** File and concurrency-group prefix, e.g. `tenant-fleet` or `tenant-fleet-prod-eu`. */
  readonly prefix: string;
  /** The backup writer role's ARN. */
  readonly roleArnVariable: string;
  /** The restore-drill reader role's ARN. */
  readonly drillRoleArnVariable: string;
  /** The migrations role's ARN (region scope: it reads the tenants' parameters). */
  readonly migrationsRoleArnVariable: string;
  readonly vaultsVariable: string;
  /** The fleet catalog's writer string (insert only), which the generated jobs record with. */
  readonly catalogSecret: string;
  /**
   * The environment that holds it in the environment and region scopes (restricted to the
   * default branch). Underscores: no tenant's environment (`tenant-<id>`, ids use hyphens) can take it.
   */
  readonly catalogEnvironment: string;
}

/** The repository secret that holds the fleet catalog's writer string (docs/migrations.md). */
export const CATALOG_SECRET = "TENANT_FLEET_CATALOG_URL";

export function fleetNames(shardKey = ""): FleetNames {
  const suffix = shardKey ? `_${shardKey.toUpperCase().replace(/-/g, "_")}` : "";
  return {
    prefix: shardKey ? `tenant-fleet-${shardKey}` : "tenant-fleet",
    roleArnVariable: `${VARIABLES.roleArn}${suffix}`,
    drillRoleArnVariable: `${VARIABLES.drillRoleArn}${suffix}`,
    migrationsRoleArnVariable: `${VARIABLES.migrationsRoleArn}${suffix}`,
    vaultsVariable: `${VARIABLES.vaults}${suffix}`,
    catalogSecret: `${CATALOG_SECRET}${suffix}`,
    catalogEnvironment: `tenant_fleet_catalog${suffix.toLowerCase()}`,
  };
}
/**
 * Where the fleet catalog's writer string lives when the stack creates the catalog: a
 * repository secret, or in the environment and region scopes a secret of the catalog's
 * environment (one stack-wide, insert-only credential to metadata, not a tenant's).
 */
export function catalogWriterLocation(
  scope: SecretScope,
  names: FleetNames,
): { readonly scope: "repository"; readonly secret: string } | { readonly scope: "environment"; readonly environment: string; readonly secret: string } {
  return scope === "repository"
    ? { scope, secret: names.catalogSecret }
    : { scope: "environment", environment: names.catalogEnvironment, secret: names.catalogSecret };
}

/**
 * The Neon API key the backups' planning job reads each tenant's last activity with (and the
 * drill's snapshot check): one name in every stack, held in the stack's own environment.
 */
export const NEON_ACTIVITY_SECRET = "NEON_ACTIVITY_API_KEY";

/**
 * The environment that holds NEON_ACTIVITY_SECRET: restricted to the default branch, entered
 * only by the jobs that read Neon (never by a job that holds a tenant's string). One per
 * stack or shard (`tenant_fleet_neon_activity`, `…_<shard>`); underscores, like the catalog's.
 */
export function neonActivityEnvironment(names: FleetNames): string {
  return names.catalogEnvironment.replace(/^tenant_fleet_catalog/, "tenant_fleet_neon_activity");
}

/** A workflow file's concurrency group prefix: its file name without the extension. */
export function concurrencyGroup(path: string): string {
  return path
    .split("/")
    .pop()!
    .replace(/\.ya?ml$/, "");
}

/**
 * Problems that would make a tenant id unusable as a GitHub name, or ids whose derived
 * names collide (GitHub compares secret and environment names case-insensitively).
 * Returns, per id that cannot be used, the reason.
 */
export function githubNameProblems(ids: readonly string[]): Map<string, string> {
  const problems = new Map<string, string>();
  const bySecret = new Map<string, string>();
  const byEnvironment = new Map<string, string>();
  for (const id of ids) {
    const secret = repositorySecretName(id);
    if (secret.startsWith("GITHUB_")) {
      problems.set(
        id,
        `the id would become the secret name ${secret}, and GitHub reserves the GITHUB_ prefix; choose an id that does not start with "github-"`,
      );
      continue;
    }
    const env = environmentName(id).toLowerCase();
    const other = bySecret.get(secret.toUpperCase()) ?? byEnvironment.get(env);
    if (other !== undefined && other !== id) {
      problems.set(id, `the id collides with tenant ${other} once turned into the GitHub names ${secret} / ${environmentName(id)}; choose a distinct id`);
      continue;
    }
    bySecret.set(secret.toUpperCase(), id);
    byEnvironment.set(env, id);
  }
  return problems;
}

/** The commit status (context) carrying the signup verdict on a pull request's head commit (docs/signup.md). */
export const AUTO_MERGE_STATUS = "tenant-fleet/auto-merge-eligible";

/**
 * The check run of one stack's tenant diff as GitHub names it (tenant-diff.yml's matrix job
 * `name: tenant diff (${{ matrix.stack }})`): what the ruleset on the default branch must
 * require (docs/signup.md; `npm run doctor` checks it).
 */
export function tenantDiffCheck(stack: string): string {
  return `tenant diff (${stack})`;
}
