/**
 * BackupVault: the S3 bucket (and KMS key) that holds the backups of every tenant whose
 * database is in one AWS region. One per region in use, never one per tenant.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { BACKUP_PURPOSE, KEPT_TAG, PURPOSE_TAG, RESIDENCIES_TAG, STACK_TAG } from "../src/core/tags";
import { bucketPrefix, lifecycleRules, type BackupEncryption, type ObjectLockMode, type VaultPlan } from "../src/plan/vaults/plan";
import { bucketPolicy, keyBypassesLockoutCheck, vaultKeyPolicy } from "../src/plan/vaults/policies";

export interface BackupVaultArgs {
  /** The vault's AWS region, tenants, retention classes and residencies (src/plan/vaults/plan.ts). */
  readonly plan: VaultPlan;
  /** Stack name, part of the bucket's name prefix and the key's alias. */
  readonly stack: string;
  /** A customer-managed key in the vault's region with bucket keys on, or SSE-S3. @default "kms" */
  readonly encryption?: BackupEncryption;
  /** S3 Object Lock on a new bucket; irreversible once a bucket has it. @default "off" */
  readonly objectLock?: ObjectLockMode;
  /** Days tenants' exports stay under exports/ (their own lifecycle rule). @default none: no export rule */
  readonly exportRetentionDays?: number;
  /** Protect and retain the bucket, the key and every resource that hardens them. @default true */
  readonly protect?: boolean;
  /** Who the bucket and key policies name. */
  readonly access: {
    /** The backup writer role, when tenants here back up. @default none: nobody may write */
    readonly writerRoleArn?: pulumi.Input<string>;
    /** The restore-drill reader role, when tenants here are drilled. @default none: nobody may read */
    readonly readerRoleArn?: pulumi.Input<string>;
    /** The operations role (restores from dumps, exports). @default none: the stack has no operations repository */
    readonly operatorRoleArn?: pulumi.Input<string>;
    /** Who administers the key (required with kms: every identity that runs pulumi up). */
    readonly keyAdministrators: readonly string[];
    /**
     * The one principal that may delete backups, disable or delete the key and, once the vault
     * exists, change its configuration (lifecycle, policies, versioning, public access,
     * ownership, encryption, Object Lock). @default none: nobody can delete or destroy, and the
     * configuration stays with the identities IAM allows (the deploy identity)
     */
    readonly breakGlassArn?: string;
  };
}

/** How every resource of a vault is created: protected and retained alike, under the vault. */
interface VaultOptions {
  readonly parent: pulumi.Resource;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
}

/** The vault's customer-managed key and its alias. */
function vaultKey(name: string, args: BackupVaultArgs, tags: Record<string, string>, data: VaultOptions): aws.kms.Key {
  const region = args.plan.awsRegion;
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      region,
      description: `tenant-fleet ${args.stack}: backups of tenant databases in ${region}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // With break-glass, the policy keeps kms:PutKeyPolicy from the key administrators,
      // the very identity that creates the key: KMS refuses that without bypassing its
      // lockout check, and bypassing it is the intent (src/plan/vaults/plan.ts keyBypassesLockoutCheck).
      bypassPolicyLockoutSafetyCheck: keyBypassesLockoutCheck(args.access),
      policy: pulumi
        .all([args.access.writerRoleArn, args.access.readerRoleArn, args.access.operatorRoleArn])
        .apply(([writerRoleArn, readerRoleArn, operatorRoleArn]) =>
          JSON.stringify(
            vaultKeyPolicy(region, {
              writerRoleArn,
              readerRoleArn,
              operatorRoleArn,
              keyAdministrators: args.access.keyAdministrators,
              breakGlassArn: args.access.breakGlassArn,
            }),
          ),
        ),
      tags,
    },
    data,
  );
  // KMS alias names allow letters, digits, "/", "_" and "-" only (stack names may hold ".").
  const alias = `alias/tenant-fleet-${args.stack.replace(/[^A-Za-z0-9/_-]/g, "-")}-backups`;
  new aws.kms.Alias(`${name}-key-alias`, { region, name: alias, targetKeyId: key.keyId }, data);
  return key;
}

/** What hardens the bucket: versioning, encryption, public access block, ownership, lifecycle and Object Lock, in that order. */
function bucketHardening(
  name: string,
  args: BackupVaultArgs,
  bucket: pulumi.Input<string>,
  key: aws.kms.Key | undefined,
  data: VaultOptions,
): pulumi.Resource[] {
  const { plan } = args;
  const region = plan.awsRegion;
  const objectLock = args.objectLock ?? "off";
  const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { region, bucket, versioningConfiguration: { status: "Enabled" } }, data);
  const encryptionConfiguration = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      region,
      bucket,
      rules: [
        key
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    },
    data,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    { region, bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    data,
  );
  const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { region, bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, data);
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    { region, bucket, rules: lifecycleRules(plan.retentions, args.exportRetentionDays).map((r) => ({ ...r })) },
    { ...data, dependsOn: [versioning] },
  );
  const objectLockConfiguration =
    objectLock !== "off" && plan.retentions.length
      ? new aws.s3.BucketObjectLockConfiguration(
          `${name}-object-lock`,
          {
            region,
            bucket,
            objectLockEnabled: "Enabled",
            // Locked for the shortest retention here, so the lifecycle can still expire every backup on time.
            rule: { defaultRetention: { mode: objectLock.toUpperCase(), days: Math.min(...plan.retentions) } },
          },
          { ...data, dependsOn: [versioning] },
        )
      : undefined;
  return [versioning, encryptionConfiguration, publicAccess, ownership, lifecycle, ...(objectLockConfiguration ? [objectLockConfiguration] : [])];
}

export class BackupVault extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:BackupVault";

  readonly awsRegion: string;
  readonly bucket: aws.s3.Bucket;
  readonly key?: aws.kms.Key;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly keyArn?: pulumi.Output<string>;

  constructor(name: string, args: BackupVaultArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(BackupVault.TYPE, name, {}, opts);
    const { plan } = args;
    const region = plan.awsRegion;
    const encryption = args.encryption ?? "kms";
    const objectLock = args.objectLock ?? "off";
    const protect = args.protect ?? true;
    // Every resource of the vault is protected and retained alike: losing the versioning,
    // lifecycle, policy or public access block of a vault exposes or strands backups.
    const data: VaultOptions = { parent: this, protect, retainOnDelete: protect };
    const tags = {
      [STACK_TAG]: args.stack,
      [PURPOSE_TAG]: BACKUP_PURPOSE,
      [RESIDENCIES_TAG]: plan.residencies.join(" "),
      ...(plan.kept ? { [KEPT_TAG]: "true" } : {}),
    };
    this.awsRegion = region;
    if (encryption === "kms") {
      this.key = vaultKey(name, args, tags, data);
      this.keyArn = this.key.arn;
    }
    this.bucket = new aws.s3.Bucket(
      name,
      {
        region,
        bucketPrefix: bucketPrefix(args.stack, region),
        objectLockEnabled: objectLock !== "off" ? true : undefined,
        tags,
      },
      data,
    );
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const bucket = this.bucket.id;
    const hardening = bucketHardening(name, args, bucket, this.key, data);
    // The policy comes last: once it exists, it denies every change to the resources above to
    // all but break-glass, so a fresh `pulumi up` by the deploy identity must have created them
    // first. Later deploys find them unchanged unless the vault's configuration changes, which
    // is a break-glass deploy (docs/deploying.md "Vault custody").
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        region,
        bucket,
        policy: pulumi
          .all([this.bucket.arn, this.key?.arn, args.access.writerRoleArn, args.access.readerRoleArn, args.access.operatorRoleArn])
          .apply(([bucketArn, keyArn, writerRoleArn, readerRoleArn, operatorRoleArn]) =>
            JSON.stringify(
              bucketPolicy(bucketArn, encryption, keyArn, { writerRoleArn, readerRoleArn, operatorRoleArn, breakGlassArn: args.access.breakGlassArn }),
            ),
          ),
      },
      { ...data, dependsOn: hardening },
    );
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, region });
  }
}
