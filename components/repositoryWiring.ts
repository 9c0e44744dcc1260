/**
 * RepositoryWiring: what the application repository receives. Tenant connection strings
 * as Actions secrets (repository scope) or one environment per tenant (environment
 * scope), nothing per tenant in the region scope; non-secret values as Actions variables;
 * the generated workflow files and the fleet manifest they read.
 */
import * as pulumi from "@pulumi/pulumi";
import * as github from "@pulumi/github";
import { type RenderedWorkflow } from "../src/plan/workflows/render";
import type { RolePurpose, SecretScope } from "../src/plan/iam/workflowAccess";
import {
  catalogWriterLocation,
  ENVIRONMENT_SECRET_NAME,
  environmentName,
  repositorySecretName,
  fleetNames,
  NEON_ACTIVITY_SECRET,
  neonActivityEnvironment,
  type FleetNames,
} from "../src/core/repositoryContract";

export interface RepositoryWiringArgs {
  /** Owner (user or organisation) of the application repository. */
  readonly owner: string;
  /** The application repository's name. */
  readonly repository: string;
  /** Its default branch: workflow files are committed there, and only its runs read tenant secrets. */
  readonly branch: string;
  /** Tenant connection strings as repository secrets, one environment per tenant, or none here (region scope: SSM). */
  readonly scope: SecretScope;
  /** Active tenants and their direct connection strings (secret). Retired tenants are not wired; the region scope wires none. */
  readonly tenants: readonly { readonly id: string; readonly connectionUri: pulumi.Output<string> }[];
  /** The fleet manifest the workflows read: its path and its text (written once per deploy). */
  readonly manifest: {
    /** Where in the repository, `.github/tenant-fleet/<prefix>.json`. */
    readonly path: string;
    /** Its text: src/plan/repository/manifest.ts renderManifest, once the hosts are known. */
    readonly content: pulumi.Input<string>;
  };
  /** The workflow roles, by purpose; a purpose without workflows has none. */
  readonly roleArns: Partial<Record<RolePurpose, pulumi.Input<string>>>;
  /** Each vault's region, bucket and key, published as one variable for the workflows. */
  readonly vaults: readonly { readonly awsRegion: string; readonly bucket: pulumi.Input<string>; readonly kmsKeyArn?: pulumi.Input<string> }[];
  /** The generated workflow files to commit. */
  readonly workflows: readonly RenderedWorkflow[];
  /** Name of the tenants file, for commit messages. */
  readonly source: string;
  /** Variable names (shards sharing a repository get their own). @default fleetNames(): an unsharded stack's */
  readonly names?: FleetNames;
  /** The fleet catalog's insert-only writer string (secret), when the stack creates the catalog. @default none */
  readonly catalogWriterUrl?: pulumi.Output<string>;
  /**
   * The Neon key the backup workflows' planning job reads each tenant's last activity with
   * (secret; the neonActivityApiKey setting, given when backupMaxSkipDays is above 0), put in
   * environment neonActivityEnvironment, restricted to the default branch, which no job that
   * holds a tenant's string enters. Without it nothing is created: the planning job names the
   * environment anyway, GitHub creates it empty on the first run (nothing to read), and the
   * deploy that brings the key takes it over with the branch restriction (GitHub's environment
   * API creates or updates). Only then does the GitHub token need the Environments permission.
   * @default none: every tenant is dumped every night
   */
  readonly neonActivityApiKey?: pulumi.Output<string>;
}

/** The resource name of a workflow file: its file name without the extension. */
function workflowResourceName(path: string): string {
  return `workflow-${path
    .split("/")
    .pop()!
    .replace(/\.ya?ml$/, "")}`;
}

/**
 * Children are named from the GitHub object each one writes (`tenant-acme-corp`,
 * `var-backup-vaults`, `workflow-tenant-fleet-backup-…`), which is unique in the repository,
 * and not prefixed with the component's name: renaming them would change the URN of every
 * secret and file of every deployed stack.
 */
/** Where the secrets and environments a wiring creates are listed, for its summary. */
interface Listing {
  readonly secrets: string[];
  readonly environments: string[];
}

/** The resource names of an environment restricted to the default branch and the one secret it holds. */
interface EnvironmentResources {
  readonly environment: string;
  readonly branch: string;
  readonly secret: string;
}

/** An environment only the default branch may enter, holding one secret. */
function restrictedEnvironmentSecret(
  resources: EnvironmentResources,
  repository: string,
  branch: string,
  environment: string,
  secretName: string,
  value: pulumi.Input<string>,
  child: pulumi.CustomResourceOptions,
): void {
  const env = new github.RepositoryEnvironment(
    resources.environment,
    { repository, environment, deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } },
    child,
  );
  new github.RepositoryEnvironmentDeploymentPolicy(resources.branch, { repository, environment: env.environment, branchPattern: branch }, child);
  new github.ActionsEnvironmentSecret(resources.secret, { repository, environment: env.environment, secretName, value }, child);
}

/**
 * The backups' activity key (NEON_ACTIVITY_SECRET) in its environment, restricted to the
 * default branch; nothing without a key.
 */
function neonActivitySecret(name: string, args: RepositoryWiringArgs, names: FleetNames, child: pulumi.CustomResourceOptions, listing: Listing): void {
  const key = args.neonActivityApiKey;
  if (!key) return;
  const environment = neonActivityEnvironment(names);
  const resources = { environment: `${name}-neon-activity-environment`, branch: `${name}-neon-activity-branch`, secret: `${name}-neon-activity-key` };
  restrictedEnvironmentSecret(resources, args.repository, args.branch, environment, NEON_ACTIVITY_SECRET, key, child);
  listing.environments.push(environment);
  listing.secrets.push(`${environment}/${NEON_ACTIVITY_SECRET}`);
}

/** Each tenant's connection string: a repository secret, or a secret of the tenant's environment (none in the region scope). */
function tenantSecrets(args: RepositoryWiringArgs, child: pulumi.CustomResourceOptions, listing: Listing): void {
  const repository = args.repository;
  for (const t of args.scope === "region" ? [] : args.tenants) {
    const value = t.connectionUri; // already a secret (TenantDatabase)
    if (args.scope === "repository") {
      const secretName = repositorySecretName(t.id);
      new github.ActionsSecret(`${t.id}-database-url`, { repository, secretName, value }, child);
      listing.secrets.push(secretName);
    } else {
      const envName = environmentName(t.id);
      restrictedEnvironmentSecret(
        { environment: envName, branch: `${envName}-branch`, secret: `${envName}-database-url` },
        repository,
        args.branch,
        envName,
        ENVIRONMENT_SECRET_NAME,
        value,
        child,
      );
      listing.environments.push(envName);
      listing.secrets.push(`${envName}/${ENVIRONMENT_SECRET_NAME}`);
    }
  }
}

/**
 * The catalog's writer string, held as the scope holds tenants' strings: a repository
 * secret, or (environment and region scopes) an environment restricted to the default
 * branch, which only the generated jobs that record enter. It may only insert history.
 */
function catalogWriterSecret(name: string, args: RepositoryWiringArgs, names: FleetNames, child: pulumi.CustomResourceOptions, listing: Listing): void {
  if (!args.catalogWriterUrl) return;
  const repository = args.repository;
  const where = catalogWriterLocation(args.scope, names);
  if (where.scope === "repository") {
    new github.ActionsSecret(`${name}-catalog-writer`, { repository, secretName: where.secret, value: args.catalogWriterUrl }, child);
    listing.secrets.push(where.secret);
  } else {
    const resources = { environment: `${name}-catalog-environment`, branch: `${name}-catalog-branch`, secret: `${name}-catalog-writer` };
    restrictedEnvironmentSecret(resources, repository, args.branch, where.environment, where.secret, args.catalogWriterUrl, child);
    listing.environments.push(where.environment);
    listing.secrets.push(`${where.environment}/${where.secret}`);
  }
}

/** The repository variables the workflows read: the roles' ARNs and the vaults per AWS region. Returns their names. */
function repositoryVariables(args: RepositoryWiringArgs, names: FleetNames, child: pulumi.CustomResourceOptions): string[] {
  const repository = args.repository;
  const vaultMap = pulumi
    .all(
      args.vaults.map((v) =>
        pulumi.all([v.bucket, v.kmsKeyArn]).apply(([bucket, kmsKeyArn]) => [v.awsRegion, kmsKeyArn ? { bucket, kmsKeyArn } : { bucket }] as const),
      ),
    )
    .apply((entries) => JSON.stringify(Object.fromEntries(entries)));
  const variables: string[] = [];
  const roleVariables: [string, string, pulumi.Input<string> | undefined][] = [
    ["var-aws-role-arn", names.roleArnVariable, args.roleArns.backupWriter],
    ["var-drill-role-arn", names.drillRoleArnVariable, args.roleArns.drillReader],
    ["var-migrations-role-arn", names.migrationsRoleArnVariable, args.roleArns.migrator],
  ];
  for (const [resourceName, variableName, value] of roleVariables) {
    if (value === undefined) continue;
    new github.ActionsVariable(resourceName, { repository, variableName, value }, child);
    variables.push(variableName);
  }
  new github.ActionsVariable("var-backup-vaults", { repository, variableName: names.vaultsVariable, value: vaultMap }, child);
  variables.push(names.vaultsVariable);
  return variables;
}

/** The fleet manifest and the generated workflows, committed to the branch. */
function repositoryFiles(args: RepositoryWiringArgs, child: pulumi.CustomResourceOptions): void {
  // The manifest: what the workflows run over. One file however many tenants, so adding
  // a tenant is one commit.
  const files = [
    { resource: "fleet-manifest", path: args.manifest.path, content: args.manifest.content, verb: "update" },
    ...args.workflows.map((w) => ({ resource: workflowResourceName(w.path), path: w.path, content: w.content, verb: "regenerate" })),
  ];
  for (const f of files) {
    new github.RepositoryFile(
      f.resource,
      {
        repository: args.repository,
        branch: args.branch,
        file: f.path,
        content: f.content,
        commitMessage: `tenant-fleet: ${f.verb} ${f.path} from ${args.source}`,
        overwriteOnCreate: true,
      },
      child,
    );
  }
}

export class RepositoryWiring extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:RepositoryWiring";

  /** Names of the secrets, environments, variables and workflow files, for operators. */
  readonly summary: {
    readonly secrets: string[];
    readonly environments: string[];
    readonly variables: string[];
    readonly workflows: string[];
    readonly manifest: string;
  };

  constructor(name: string, args: RepositoryWiringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(RepositoryWiring.TYPE, name, {}, opts);
    const child = { parent: this };
    const listing: Listing = { secrets: [], environments: [] };
    tenantSecrets(args, child, listing);
    const names = args.names ?? fleetNames();
    catalogWriterSecret(name, args, names, child, listing);
    neonActivitySecret(name, args, names, child, listing);
    const variables = repositoryVariables(args, names, child);
    repositoryFiles(args, child);
    this.summary = {
      secrets: listing.secrets.sort(),
      environments: listing.environments.sort(),
      variables,
      workflows: args.workflows.map((w) => w.path),
      manifest: args.manifest.path,
    };
    this.registerOutputs({});
  }
}
