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
import { catalogWriterLocation, ENVIRONMENT_SECRET_NAME, environmentName, repositorySecretName, fleetNames, type FleetNames } from "../src/core/repositoryContract";

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
}

/** The resource name of a workflow file: its file name without the extension. */
function workflowResourceName(path: string): string {
  return `workflow-${path.split("/").pop()!.replace(/\.ya?ml$/, "")}`;
}

/**
 * Children are named from the GitHub object each one writes (`tenant-acme-corp`,
 * `var-backup-vaults`, `workflow-tenant-fleet-backup-…`), which is unique in the repository,
 * and not prefixed with the component's name: renaming them would change the URN of every
 * secret and file of every deployed stack.
 */
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
    const repository = args.repository;
    const secrets: string[] = [];
    const environments: string[] = [];

    for (const t of args.scope === "region" ? [] : args.tenants) {
      const value = t.connectionUri; // already a secret (TenantDatabase)
      if (args.scope === "repository") {
        const secretName = repositorySecretName(t.id);
        new github.ActionsSecret(`${t.id}-database-url`, { repository, secretName, value }, child);
        secrets.push(secretName);
      } else {
        const envName = environmentName(t.id);
        const env = new github.RepositoryEnvironment(
          envName,
          { repository, environment: envName, deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } },
          child,
        );
        new github.RepositoryEnvironmentDeploymentPolicy(`${envName}-branch`, { repository, environment: env.environment, branchPattern: args.branch }, child);
        new github.ActionsEnvironmentSecret(`${envName}-database-url`, { repository, environment: env.environment, secretName: ENVIRONMENT_SECRET_NAME, value }, child);
        environments.push(envName);
        secrets.push(`${envName}/${ENVIRONMENT_SECRET_NAME}`);
      }
    }

    const names = args.names ?? fleetNames();
    // The catalog's writer string, held as the scope holds tenants' strings: a repository
    // secret, or (environment and region scopes) an environment restricted to the default
    // branch, which only the generated jobs that record enter. It may only insert history.
    if (args.catalogWriterUrl) {
      const where = catalogWriterLocation(args.scope, names);
      if (where.scope === "repository") {
        new github.ActionsSecret(`${name}-catalog-writer`, { repository, secretName: where.secret, value: args.catalogWriterUrl }, child);
        secrets.push(where.secret);
      } else {
        const env = new github.RepositoryEnvironment(
          `${name}-catalog-environment`,
          { repository, environment: where.environment, deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } },
          child,
        );
        new github.RepositoryEnvironmentDeploymentPolicy(`${name}-catalog-branch`, { repository, environment: env.environment, branchPattern: args.branch }, child);
        new github.ActionsEnvironmentSecret(`${name}-catalog-writer`, { repository, environment: env.environment, secretName: where.secret, value: args.catalogWriterUrl }, child);
        environments.push(where.environment);
        secrets.push(`${where.environment}/${where.secret}`);
      }
    }

    const vaultMap = pulumi
      .all(args.vaults.map((v) => pulumi.all([v.bucket, v.kmsKeyArn]).apply(([bucket, kmsKeyArn]) => [v.awsRegion, kmsKeyArn ? { bucket, kmsKeyArn } : { bucket }] as const)))
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

    // The manifest: what the workflows run over. One file however many tenants, so adding
    // a tenant is one commit.
    new github.RepositoryFile(
      "fleet-manifest",
      {
        repository,
        branch: args.branch,
        file: args.manifest.path,
        content: args.manifest.content,
        commitMessage: `tenant-fleet: update ${args.manifest.path} from ${args.source}`,
        overwriteOnCreate: true,
      },
      child,
    );

    for (const w of args.workflows) {
      new github.RepositoryFile(
        workflowResourceName(w.path),
        {
          repository,
          branch: args.branch,
          file: w.path,
          content: w.content,
          commitMessage: `tenant-fleet: regenerate ${w.path} from ${args.source}`,
          overwriteOnCreate: true,
        },
        child,
      );
    }
    this.summary = { secrets: secrets.sort(), environments: environments.sort(), variables, workflows: args.workflows.map((w) => w.path), manifest: args.manifest.path };
    this.registerOutputs({});
  }
}
