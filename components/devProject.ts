/**
 * DevTestProject: one non-production Neon project for development and tests. Its main
 * branch holds test data (seeded by a generated workflow); every pull request gets a
 * child branch. It is protected like tenant projects and is never a tenant.
 */
import * as pulumi from "@pulumi/pulumi";
import * as neon from "./neon";
import * as github from "@pulumi/github";
import type { DevProjectSettings } from "../src/core/config/settings";
import { DEV_ENVIRONMENT, DEV_PROJECT_VARIABLE, PULL_REQUEST_REF_PATTERN } from "../src/plan/workflows/dev";
import { devProjectArgs } from "../src/plan/projects/args";

export interface DevTestProjectArgs {
  /** Region, Postgres major and seed of the dev/test project (`tenant-fleet:devProject`). */
  readonly settings: DevProjectSettings;
  /** Stack name, part of the Neon project's name. */
  readonly stack: string;
  /** Neon organisation that owns the project. @default none: the API key's organisation */
  readonly orgId?: string;
  /** The application repository (name only) that receives the environment and variable. */
  readonly repository: string;
  /** The repository's default branch: with pull requests' merge refs, the only refs the environment admits. */
  readonly branch: string;
  /** Neon API key scoped to this project, for the preview-branch workflows only. @default none: the environment gets no key and the branch workflows cannot run */
  readonly workflowApiKey?: pulumi.Output<string>;
  /** Protect the project and retain it on delete. @default true */
  readonly protect?: boolean;
  /** The stack's explicit Neon provider. */
  readonly neonProvider: neon.Provider;
  /** The stack's explicit GitHub provider. */
  readonly githubProvider: github.Provider;
}

export class DevTestProject extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:DevTestProject";

  readonly project: neon.Project;
  readonly projectId: pulumi.Output<string>;

  constructor(name: string, args: DevTestProjectArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(DevTestProject.TYPE, name, {}, opts);
    const protect = args.protect ?? true;
    this.project = new neon.Project(name, devProjectArgs(args.settings, args.stack, args.orgId), {
      parent: this,
      provider: args.neonProvider,
      protect,
      retainOnDelete: protect,
    });
    this.projectId = this.project.id;

    const gh = { parent: this, provider: args.githubProvider };
    // Only the default branch (seed, cleanup) and pull requests' merge refs (preview branches)
    // may use this environment: a push or a dispatch on any other branch or tag gets no key.
    // Pull requests from forks get no secrets from GitHub; its only secret is a key scoped to
    // the dev/test project.
    const env = new github.RepositoryEnvironment(
      `${name}-environment`,
      { repository: args.repository, environment: DEV_ENVIRONMENT, deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } },
      gh,
    );
    new github.RepositoryEnvironmentDeploymentPolicy(
      `${name}-environment-default-branch`,
      { repository: args.repository, environment: env.environment, branchPattern: args.branch },
      gh,
    );
    new github.RepositoryEnvironmentDeploymentPolicy(
      `${name}-environment-pull-requests`,
      { repository: args.repository, environment: env.environment, branchPattern: PULL_REQUEST_REF_PATTERN },
      gh,
    );
    if (args.workflowApiKey) {
      new github.ActionsEnvironmentSecret(
        `${name}-neon-api-key`,
        { repository: args.repository, environment: env.environment, secretName: "NEON_API_KEY", value: args.workflowApiKey },
        gh,
      );
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
