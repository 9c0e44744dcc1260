/**
 * TenantDatabase: one tenant's Neon project. Named from the tenant id, so list order
 * never matters; protected and retained on delete where the stack protects data.
 */
import * as pulumi from "@pulumi/pulumi";
import * as neon from "./neon";
import type { Tenant } from "../tenants/model";
import { projectArgs } from "../src/plan/projects/args";
import { snapshotScheduleName, snapshotSchedules } from "../src/plan/projects/snapshots";

export interface TenantDatabaseArgs {
  /** The tenant, resolved and validated by the loader. */
  readonly tenant: Tenant;
  /** Neon organisation that owns the project; fixed once the project exists. @default none: the API key's organisation */
  readonly orgId?: string;
  /** The stack's explicit Neon provider. */
  readonly provider: neon.Provider;
  /**
   * Protect the project and keep it in Neon if it ever leaves the program. Default true:
   * turning it off is a deliberate, per-stack decision (the dev stack).
   * @default true
   */
  readonly protect?: boolean;
  /**
   * A finished move's source (src/operations/move.ts): unprotected and retained on delete, so
   * that the tenant's line can become the target's (Pulumi then forgets this project without
   * deleting it) and `npm run tenant -- move ID --finish` deletes it in Neon, with its record.
   * @default false
   */
  readonly released?: boolean;
  /**
   * Whether this project serves the tenant (a move's source until the cutover, its target
   * after): only that one takes Neon snapshots, when the tenant asks for them.
   * @default true
   */
  readonly serves?: boolean;
}

export class TenantDatabase extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:TenantDatabase";

  readonly tenantId: string;
  readonly project: neon.Project;
  /** Neon project id, e.g. shiny-cell-31746257. */
  readonly projectId: pulumi.Output<string>;
  /** Host of the default (direct) endpoint. */
  readonly host: pulumi.Output<string>;
  /** Host of the same endpoint through Neon's connection pooler (PgBouncer), for the application. */
  readonly poolerHost: pulumi.Output<string>;
  /** Direct (non-pooler) connection string of the default role and database. Secret. */
  readonly connectionUri: pulumi.Output<string>;
  /** The same through the pooler, for the application (region scope publishes it). Secret. */
  readonly pooledConnectionUri: pulumi.Output<string>;
  /** Neon's scheduled snapshots of the root branch (tenants/snapshots.ts); absent when the tenant takes none here. */
  readonly snapshotSchedule?: neon.BranchBackupSchedule;

  /**
   * @param name the tenant id at the project's generation (projectResourceName: `acme-corp`,
   *   after a move `acme-corp-g2`). The project carries the same name (not `${name}-project`):
   *   a data-bearing resource's URN never changes, and the name is unique in the stack.
   */
  constructor(name: string, args: TenantDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const { tenant } = args;
    super(TenantDatabase.TYPE, name, {}, opts);
    const protect = args.protect ?? true;
    this.tenantId = tenant.id;
    this.project = new neon.Project(name, neon.asSdkArgs(projectArgs(tenant, args.orgId)), {
      parent: this,
      provider: args.provider,
      protect: protect && !args.released,
      retainOnDelete: protect || Boolean(args.released),
      // An adopted tenant (tenants/binding.ts): the first up imports its existing project, whose
      // settings the tenant's line states exactly as Neon reports them (npm run fleet -- adopt).
      ...(tenant.neonProjectId ? { import: tenant.neonProjectId } : {}),
    });
    this.projectId = this.project.id;
    this.host = this.project.databaseHost;
    this.poolerHost = this.project.databaseHostPooler;
    // The engine marks it secret (additionalSecretOutputs); wrapping it again here keeps
    // it secret even where that marking is absent (the mock runtime, a regenerated SDK).
    this.connectionUri = pulumi.secret(this.project.connectionUri);
    this.pooledConnectionUri = pulumi.secret(this.project.connectionUriPooler);
    // Neon's own snapshots, the first backup layer, on the root branch. Updated in place; its
    // delete sends an empty schedule and the snapshots already taken stay until they expire.
    const schedules = snapshotSchedules(tenant, args.serves ?? true);
    if (schedules)
      this.snapshotSchedule = new neon.BranchBackupSchedule(
        snapshotScheduleName(name),
        { projectId: this.project.id, branchId: this.project.defaultBranchId, schedules },
        { parent: this, provider: args.provider },
      );
    // The tenant's declaration travels with its database, so the policy pack can check the
    // project's region against the residency without reading the tenants file.
    // Plain values only: per-tenant Outputs here would cost promises for nothing.
    // A released project says so, for the policy pack's protection rule (a finished move's source).
    this.registerOutputs({ tenantId: tenant.id, residency: tenant.residency, regionId: tenant.region, ...(args.released ? { released: true } : {}) });
  }
}
