/**
 * WorkflowRoles: the AWS roles the application repository's generated workflows assume
 * through GitHub's OIDC provider, one per purpose (backup writer, drill reader), each
 * trusted only by the exact workflow files that need it on the default branch. Also sets
 * the repository's OIDC subject template that makes those files visible in the token.
 *
 * The roles and the vaults name each other (key and bucket policies name the roles; the
 * roles' permissions name the buckets and keys), so permissions are attached after the
 * vaults exist: construct this component, then the vaults, then call `grant`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as github from "@pulumi/github";
import { PURPOSE_TAG, STACK_TAG } from "../src/core/tags";
import type { BackupVault } from "./backupVault";
import type { TenantCredentials } from "./tenantCredentials";
import type { RenderedWorkflow } from "../src/plan/workflows/render";
import {
  backupWriterPolicy,
  drillReaderPolicy,
  migratorPolicy,
  rolePurposes,
  type CredentialAccess,
  type SecretScope,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_URL,
  grantScopes,
  OIDC_SUBJECT_CLAIM_KEYS,
  ROLE_PURPOSES,
  workflowSubject,
  workflowTrustPolicy,
  type GithubRepositoryRef,
  type RolePurpose,
  type VaultGrant,
} from "../src/plan/iam/workflowAccess";

export interface WorkflowRolesArgs {
  /** The application repository whose workflow files may assume the roles. */
  readonly repository: GithubRepositoryRef;
  /** The generated workflow files: each role trusts those of its kind. */
  readonly workflows: readonly Pick<RenderedWorkflow, "kind" | "path">[];
  /** Existing GitHub OIDC provider to reuse (an account holds one per URL). @default none: the component creates one */
  readonly existingProviderArn?: string;
  /** Stack name, part of the roles' names. */
  readonly stack: string;
  /** The secret scope: the region scope adds the migrations role (it reads tenants' parameters). */
  readonly scope: SecretScope;
  /** Provider for the application repository (the OIDC subject template). */
  readonly githubProvider: pulumi.ProviderResource;
}

const ROLE_NAMES: Record<RolePurpose, string> = { backupWriter: "backup-writer", drillReader: "drill-reader", migrator: "migrations" };

export class WorkflowRoles extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:WorkflowRoles";

  readonly providerArn: pulumi.Output<string>;
  /** Roles by purpose; a purpose without workflow files gets no role. */
  readonly roles: Partial<Record<RolePurpose, aws.iam.Role>>;
  private granted = false;

  constructor(
    private readonly name: string,
    args: WorkflowRolesArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    // Until this release the stack had one role in a GithubOidcRole component: the alias
    // keeps the OIDC provider's URN, so it is not replaced (an account holds one per URL).
    super(WorkflowRoles.TYPE, name, {}, { ...opts, aliases: [...(opts.aliases ?? []), { type: "tenant-fleet:index:GithubOidcRole" }] });
    const child = { parent: this };
    if (args.existingProviderArn) {
      this.providerArn = pulumi.output(args.existingProviderArn);
    } else {
      // GitHub's OIDC provider needs no thumbprint: AWS trusts its certificate authority.
      const provider = new aws.iam.OpenIdConnectProvider(
        `${name}-provider`,
        { url: GITHUB_OIDC_URL, clientIdLists: [GITHUB_OIDC_AUDIENCE] },
        { parent: this, aliases: [{ parent: pulumi.createUrn(name, "tenant-fleet:index:GithubOidcRole") }] },
      );
      this.providerArn = provider.arn;
    }

    this.roles = {};
    for (const purpose of rolePurposes(args.scope)) {
      const paths = args.workflows.filter((w) => w.kind === ROLE_PURPOSES[purpose].workflowKind).map((w) => w.path);
      if (!paths.length) continue;
      const subjects = paths.map((p) => workflowSubject(args.repository, p));
      this.roles[purpose] = new aws.iam.Role(
        `${name}-${ROLE_NAMES[purpose]}`,
        {
          description: `tenant-fleet ${args.stack}: ${ROLE_PURPOSES[purpose].description}; assumed only by ${paths.length} generated workflow file(s) of ${args.repository.owner}/${args.repository.repository} on ${args.repository.branch}`,
          assumeRolePolicy: this.providerArn.apply((arn) => JSON.stringify(workflowTrustPolicy(arn, subjects))),
          maxSessionDuration: 3600,
          tags: { [STACK_TAG]: args.stack, [PURPOSE_TAG]: purpose },
        },
        child,
      );
    }

    // The subject names the workflow file and its ref; repository-wide, so it is set after
    // the trusts that expect it, and kept if the stack goes (other roles may rely on it).
    new github.ActionsRepositoryOidcSubjectClaimCustomizationTemplate(
      `${name}-oidc-subject`,
      { repository: args.repository.repository, useDefault: false, includeClaimKeys: [...OIDC_SUBJECT_CLAIM_KEYS] },
      { parent: this, provider: args.githubProvider, retainOnDelete: true, dependsOn: Object.values(this.roles) },
    );
    this.registerOutputs({ providerArn: this.providerArn, roleArns: Object.fromEntries(Object.entries(this.roles).map(([k, r]) => [k, r!.arn])) });
  }

  arnOf(purpose: RolePurpose): pulumi.Output<string> | undefined {
    return this.roles[purpose]?.arn;
  }

  /**
   * Attaches each role's permissions: per vault, the prefixes of the tenants it serves
   * there; in the region scope, per region, their parameters. Past IAM's inline size the
   * grant widens to retention classes (and the stack's parameters); the stack's inputs warn (src/plan/grantScopeWarning.ts).
   */
  grant(
    vaults: readonly { readonly vault: BackupVault; readonly tenants: VaultGrant["tenants"] }[],
    credentials?: {
      readonly stack: string;
      readonly regions: readonly { readonly credentials: TenantCredentials; readonly backedUp: readonly string[]; readonly migrated: readonly string[] }[];
    },
  ): void {
    if (this.granted) throw new Error("internal: WorkflowRoles.grant is called once");
    this.granted = true;
    const scopes = grantScopes(
      vaults.map((v) => ({ awsRegion: v.vault.awsRegion, hasKey: v.vault.keyArn !== undefined, tenants: v.tenants })),
      credentials && {
        stack: credentials.stack,
        backedUp: credentials.regions.map((r) => ({ awsRegion: r.credentials.awsRegion, tenants: r.backedUp })),
        migrated: credentials.regions.map((r) => ({ awsRegion: r.credentials.awsRegion, tenants: r.migrated })),
      },
    );
    const grants = pulumi.all(
      vaults.map(({ vault, tenants }) =>
        pulumi.all([vault.bucketArn, vault.keyArn]).apply(([bucketArn, keyArn]): VaultGrant => ({ awsRegion: vault.awsRegion, bucketArn, keyArn, tenants })),
      ),
    );
    const access = (pick: "backedUp" | "migrated"): pulumi.Output<CredentialAccess | undefined> =>
      credentials
        ? pulumi
            .all(credentials.regions.map((r) => r.credentials.keyArn.apply((keyArn) => ({ awsRegion: r.credentials.awsRegion, keyArn, tenants: r[pick] }))))
            .apply((g) => ({ stack: credentials.stack, grants: g }))
        : pulumi.output(undefined);
    const documents: Record<RolePurpose, () => pulumi.Output<object>> = {
      backupWriter: () => pulumi.all([grants, access("backedUp")]).apply(([g, c]) => backupWriterPolicy(g, scopes.backupWriter, c)),
      drillReader: () => grants.apply((g) => drillReaderPolicy(g, scopes.drillReader)),
      migrator: () => access("migrated").apply((c) => migratorPolicy(c!, scopes.migrator)),
    };
    for (const [purpose, role] of Object.entries(this.roles) as [RolePurpose, aws.iam.Role][]) {
      // A role widened to retention classes is warned about at the stack file's shard setting (src/plan/grantScopeWarning.ts), before any resource.
      new aws.iam.RolePolicy(
        `${this.name}-${ROLE_NAMES[purpose]}-permissions`,
        { role: role.id, policy: documents[purpose]().apply((d) => JSON.stringify(d)) },
        { parent: this },
      );
    }
  }
}
