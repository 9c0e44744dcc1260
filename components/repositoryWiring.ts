/**
 * RepositoryWiring: what the application repository receives. Tenant connection strings
 * as Actions secrets (repository scope) or one environment per tenant (environment
 * scope), non-secret values as Actions variables, and the generated workflow files.
 */
import * as pulumi from "@pulumi/pulumi";
import * as github from "@pulumi/github";
import { ENVIRONMENT_SECRET_NAME, environmentName, repositorySecretName } from "../tenants/naming";
import { credential, GITHUB_TOKEN } from "./credentials";
import { fleetNames, hostsVariable, type FleetNames, type RenderedWorkflow } from "./workflows";
import type { RolePurpose, SecretScope } from "./workflowAccess";

export interface RepositoryWiringArgs {
  readonly owner: string;
  readonly repository: string;
  readonly branch: string;
  readonly scope: SecretScope;
  /** Active tenants, their direct connection strings (secret) and database hosts. Retired tenants are not wired. */
  readonly tenants: readonly { readonly id: string; readonly connectionUri: pulumi.Output<string>; readonly host: pulumi.Input<string> }[];
  /** The workflow roles, by purpose; a purpose without workflows has none. */
  readonly roleArns: Partial<Record<RolePurpose, pulumi.Input<string>>>;
  readonly vaults: readonly { readonly awsRegion: string; readonly bucket: pulumi.Input<string>; readonly kmsKeyArn?: pulumi.Input<string> }[];
  readonly workflows: readonly RenderedWorkflow[];
  /** Name of the tenants file, for commit messages. */
  readonly source: string;
  /** Variable names (shards sharing a repository get their own); default: an unsharded stack's. */
  readonly names?: FleetNames;
}

export function createGithubProvider(owner: string, name = "github"): github.Provider {
  return new github.Provider(name, { owner, token: credential(GITHUB_TOKEN) });
}

/** The resource name of a workflow file: its file name without the extension. */
export function workflowResourceName(path: string): string {
  return `workflow-${path.split("/").pop()!.replace(/\.ya?ml$/, "")}`;
}

export class RepositoryWiring extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:RepositoryWiring";

  /** Names of the secrets, environments, variables and workflow files, for operators. */
  readonly summary: {
    readonly secrets: string[];
    readonly environments: string[];
    readonly variables: string[];
    readonly workflows: string[];
  };

  constructor(name: string, args: RepositoryWiringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(RepositoryWiring.TYPE, name, {}, opts);
    const child = { parent: this };
    const repository = args.repository;
    const secrets: string[] = [];
    const environments: string[] = [];

    for (const t of args.tenants) {
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

    const vaultMap = pulumi
      .all(args.vaults.map((v) => pulumi.all([v.bucket, v.kmsKeyArn]).apply(([bucket, kmsKeyArn]) => [v.awsRegion, kmsKeyArn ? { bucket, kmsKeyArn } : { bucket }] as const)))
      .apply((entries) => JSON.stringify(Object.fromEntries(entries)));
    const names = args.names ?? fleetNames();
    const variables: string[] = [];
    const roleVariables: [string, string, pulumi.Input<string> | undefined][] = [
      ["var-aws-role-arn", names.roleArnVariable, args.roleArns.backupWriter],
      ["var-drill-role-arn", names.drillRoleArnVariable, args.roleArns.drillReader],
    ];
    for (const [resourceName, variableName, value] of roleVariables) {
      if (value === undefined) continue;
      new github.ActionsVariable(resourceName, { repository, variableName, value }, child);
      variables.push(variableName);
    }
    new github.ActionsVariable("var-backup-vaults", { repository, variableName: names.vaultsVariable, value: vaultMap }, child);
    variables.push(names.vaultsVariable);

    // Each backup file's tenants and the host the stack created for each: a backup whose
    // connection string points anywhere else fails (components/backupScripts.ts).
    const hostOf = new Map(args.tenants.map((t) => [t.id, t.host]));
    for (const w of args.workflows.filter((x) => x.kind === "backup")) {
      const variableName = hostsVariable(w.path);
      const value = pulumi.all(w.tenantIds.map((id) => pulumi.output(hostOf.get(id)!).apply((host) => [id, host] as const))).apply((entries) => JSON.stringify(Object.fromEntries(entries)));
      new github.ActionsVariable(`var-${variableName.toLowerCase().replace(/_/g, "-")}`, { repository, variableName, value }, child);
      variables.push(variableName);
    }

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
    this.summary = { secrets: secrets.sort(), environments: environments.sort(), variables, workflows: args.workflows.map((w) => w.path) };
    this.registerOutputs({});
  }
}
