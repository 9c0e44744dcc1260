/**
 * GithubOidcRole: the IAM role the application repository's workflows assume through
 * GitHub's OIDC provider to write and read backups. One per stack.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { backupRolePolicy, canNarrowWrites, GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_URL, trustPolicy, type GithubRepositoryRef, type SecretScope } from "./backupPolicy";
import type { BackupVault } from "./backupVault";

export interface GithubOidcRoleArgs {
  readonly repository: GithubRepositoryRef;
  readonly secretScope: SecretScope;
  /** Existing GitHub OIDC provider to reuse (an account holds one per URL); else one is created. */
  readonly existingProviderArn?: string;
  /** Vaults and, per vault, the tenants that write backups into it. */
  readonly vaults: readonly { readonly vault: BackupVault; readonly writerIds: readonly string[] }[];
  readonly stack: string;
}

export class GithubOidcRole extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:GithubOidcRole";

  readonly providerArn: pulumi.Output<string>;
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: GithubOidcRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(GithubOidcRole.TYPE, name, {}, opts);
    const child = { parent: this };
    if (args.existingProviderArn) {
      this.providerArn = pulumi.output(args.existingProviderArn);
    } else {
      // GitHub's OIDC provider needs no thumbprint: AWS trusts its certificate authority.
      const provider = new aws.iam.OpenIdConnectProvider(`${name}-provider`, { url: GITHUB_OIDC_URL, clientIdLists: [GITHUB_OIDC_AUDIENCE] }, child);
      this.providerArn = provider.arn;
    }
    this.role = new aws.iam.Role(
      name,
      {
        description: `tenant-fleet ${args.stack}: backups and restore drills from ${args.repository.owner}/${args.repository.repository}`,
        assumeRolePolicy: this.providerArn.apply((arn) => JSON.stringify(trustPolicy(arn, args.repository, args.secretScope))),
        maxSessionDuration: 3600,
        tags: { "tenant-fleet:stack": args.stack },
      },
      child,
    );
    this.roleArn = this.role.arn;

    const grants = args.vaults.map(({ vault, writerIds }) =>
      pulumi.all([vault.bucketArn, vault.keyArn]).apply(([bucketArn, keyArn]) => ({ bucketArn, keyArn, writerIds })),
    );
    const policy = pulumi.all(grants).apply((g) => backupRolePolicy(g));
    if (!canNarrowWrites(args.vaults.map((v) => ({ writers: v.writerIds, hasKey: v.vault.keyArn !== undefined })))) {
      pulumi.log.warn(
        `the backup role grants writes on */*.dump in each vault instead of one prefix per tenant: listing ${args.vaults.reduce((n, v) => n + v.writerIds.length, 0)} tenant prefixes would pass IAM's inline policy size; split the fleet into shards to keep per-tenant prefixes`,
        this,
      );
    }
    new aws.iam.RolePolicy(`${name}-backups`, { role: this.role.id, policy: policy.apply((p) => JSON.stringify(p.document)) }, child);
    this.registerOutputs({ roleArn: this.roleArn, providerArn: this.providerArn });
  }
}
