/**
 * DevTestProject: one non-production Neon project for development and tests. Its main
 * branch holds test data (seeded by a generated workflow); every pull request gets a
 * child branch. It is protected like tenant projects and is never a tenant.
 */
import * as pulumi from "@pulumi/pulumi";
import * as neon from "@pulumi/neon";
import * as github from "@pulumi/github";
import type { DevProjectSettings } from "../config/settings";
import { DEV_DATABASE, DEV_ENVIRONMENT, DEV_PROJECT_VARIABLE } from "./devWorkflows";

export interface DevTestProjectArgs {
  readonly settings: DevProjectSettings;
  readonly stack: string;
  readonly orgId?: string;
  readonly repository: string;
  /** Neon API key scoped to this project, for the preview-branch workflows only. */
  readonly workflowApiKey?: pulumi.Output<string>;
  readonly protect?: boolean;
  readonly neonProvider: neon.Provider;
  readonly githubProvider: github.Provider;
}

/** Plain arguments of the dev/test project (tested without the engine). */
export function devProjectArgs(dev: DevProjectSettings, stack: string, orgId: string | undefined) {
  return {
    name: `tenant-fleet ${stack} dev-test`,
    regionId: dev.region,
    pgVersion: dev.pgVersion,
    ...(orgId ? { orgId } : {}),
    // Six hours of history: enough to undo a bad seed, and within Neon's Free plan.
    historyRetentionSeconds: 6 * 3600,
    defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 1, suspendTimeoutSeconds: 300 },
    branch: { name: DEV_DATABASE.branch, databaseName: DEV_DATABASE.name, roleName: DEV_DATABASE.role },
  };
}

export class DevTestProject extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:DevTestProject";

  readonly project: neon.Project;
  readonly projectId: pulumi.Output<string>;

  constructor(name: string, args: DevTestProjectArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(DevTestProject.TYPE, name, {}, opts);
    const protect = args.protect ?? true;
    this.project = new neon.Project(name, devProjectArgs(args.settings, args.stack, args.orgId), { parent: this, provider: args.neonProvider, protect, retainOnDelete: protect });
    this.projectId = this.project.id;

    const gh = { parent: this, provider: args.githubProvider };
    // Pull requests from any branch of the repository (not forks) may use this environment:
    // its only secret is a key scoped to the dev/test project.
    const env = new github.RepositoryEnvironment(`${name}-environment`, { repository: args.repository, environment: DEV_ENVIRONMENT }, gh);
    if (args.workflowApiKey) {
      new github.ActionsEnvironmentSecret(`${name}-neon-api-key`, { repository: args.repository, environment: env.environment, secretName: "NEON_API_KEY", value: args.workflowApiKey }, gh);
    } else {
      pulumi.log.warn(
        "the dev/test workflows have no Neon API key yet: after the first pulumi up, create an API key scoped to the dev/test project and run pulumi config set --secret tenant-fleet:devNeonApiKey <key>",
        this,
      );
    }
    new github.ActionsVariable(`${name}-project-id`, { repository: args.repository, variableName: DEV_PROJECT_VARIABLE, value: this.projectId }, gh);
    this.registerOutputs({ projectId: this.projectId, region: args.settings.region });
  }
}
