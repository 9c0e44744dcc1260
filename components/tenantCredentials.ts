/**
 * TenantCredentials: the region scope's home for connection strings. In one AWS region
 * (a tenant's backup region), a customer-managed key and, per active tenant there, two
 * SSM SecureString parameters under the stack's path: the pooled string for the
 * application and the direct one for dumps and migrations. GitHub then holds nothing per
 * tenant; the generated workflows' roles and the application's roles read them here.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { CREDENTIALS_PURPOSE, PURPOSE_TAG, STACK_TAG } from "../src/core/tags";
import { credentialsKeyPolicy } from "../src/plan/iam/credentials";
import { credentialParameter } from "../src/core/repositoryContract";

export interface TenantCredentialsArgs {
  /** Stack name: the parameters' path (`/tenant-fleet/<stack>/`) and the key's alias. */
  readonly stack: string;
  /** The AWS region of the key and parameters: the backup region of the tenants here. */
  readonly awsRegion: string;
  /** Active tenants whose backup region this is, with their connection strings (secrets). */
  readonly tenants: readonly {
    readonly id: string;
    readonly residency: string;
    readonly direct: pulumi.Output<string>;
    readonly pooled: pulumi.Output<string>;
  }[];
  /** Who administers the key and writes the parameters: every identity that runs pulumi up. */
  readonly keyAdministrators: readonly string[];
  /** Workflow roles that read direct strings (backup writer, migrations). */
  readonly workflowReaders: readonly pulumi.Input<string>[];
  /** The application's runtime roles, which read pooled strings. @default none */
  readonly applicationReaders?: readonly string[];
  /** The one principal that may disable the key or schedule its deletion. @default none: nobody can */
  readonly breakGlassArn?: string;
  /** Protect and retain the key (the parameters are re-created from Neon by the next up). @default true */
  readonly protect?: boolean;
}

export class TenantCredentials extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:TenantCredentials";

  readonly awsRegion: string;
  readonly keyArn: pulumi.Output<string>;
  /** Parameter names, for operators. */
  readonly parameters: string[];

  constructor(name: string, args: TenantCredentialsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(TenantCredentials.TYPE, name, {}, opts);
    const region = args.awsRegion;
    const protect = args.protect ?? true;
    const tags = { [STACK_TAG]: args.stack, [PURPOSE_TAG]: CREDENTIALS_PURPOSE };
    this.awsRegion = region;
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        region,
        description: `tenant-fleet ${args.stack}: connection strings of tenant databases whose backups are in ${region} (SSM parameters)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.all([...args.workflowReaders]).apply((workflowReaders: string[]) =>
          JSON.stringify(
            credentialsKeyPolicy({
              stack: args.stack,
              awsRegion: region,
              keyAdministrators: args.keyAdministrators,
              workflowReaders: [...new Set(workflowReaders)].sort(),
              applicationReaders: args.applicationReaders ?? [],
              breakGlassArn: args.breakGlassArn,
            }),
          ),
        ),
        tags,
      },
      { parent: this, protect, retainOnDelete: protect },
    );
    // KMS alias names allow letters, digits, "/", "_" and "-" only (stack names may hold ".").
    new aws.kms.Alias(
      `${name}-key-alias`,
      { region, name: `alias/tenant-fleet-${args.stack.replace(/[^A-Za-z0-9/_-]/g, "-")}-credentials`, targetKeyId: key.keyId },
      { parent: this, protect, retainOnDelete: protect },
    );
    this.keyArn = key.arn;
    this.parameters = [];
    for (const t of args.tenants) {
      for (const [kind, value] of [
        ["pooled", t.pooled],
        ["direct", t.direct],
      ] as const) {
        const parameterName = credentialParameter(args.stack, t.id, kind);
        new aws.ssm.Parameter(
          `${name}-${t.id}-${kind}`,
          {
            region,
            name: parameterName,
            type: "SecureString",
            tier: "Standard",
            keyId: key.arn,
            value: pulumi.secret(value),
            description: `tenant-fleet ${args.stack}: ${kind} connection string of tenant ${t.id}`,
            // The policy pack checks the region against the residency (tenant-credentials-jurisdiction).
            tags: { ...tags, "tenant-fleet:tenant": t.id, "tenant-fleet:residency": t.residency },
          },
          { parent: this },
        );
        this.parameters.push(parameterName);
      }
    }
    this.registerOutputs({ keyArn: this.keyArn, region });
  }
}
