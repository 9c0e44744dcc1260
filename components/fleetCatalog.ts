/**
 * FleetCatalog: the fleet catalog's Neon project (metadata only: tenants, migration runs,
 * backups, drills; never tenant data). Its owner's string is a secret stack output for the
 * deploy's `npm run catalog -- migrate` and `sync`; the writer's (insert only, its password
 * derived from the owner's, src/plan/projects/catalogWriter.ts) goes to the application repository, where
 * RepositoryWiring keeps it as the secret scope says. Protected like tenant projects.
 */
import * as pulumi from "@pulumi/pulumi";
import * as neon from "./neon";
import { catalogProjectArgs } from "../src/plan/projects/args";
import { catalogWriterUrl } from "../src/plan/projects/catalogWriter";

export interface FleetCatalogArgs {
  /** Neon region of the project (`tenant-fleet:catalogRegion`). */
  readonly region: string;
  /** Stack name, part of the project's name. */
  readonly stack: string;
  /** Neon organisation that owns the project. @default none: the API key's organisation */
  readonly orgId?: string;
  /** Protect the project and retain it on delete. @default true */
  readonly protect?: boolean;
  /** The stack's explicit Neon provider. */
  readonly provider: neon.Provider;
}

export class FleetCatalog extends pulumi.ComponentResource {
  static readonly TYPE = "tenant-fleet:index:FleetCatalog";

  readonly project: neon.Project;
  readonly projectId: pulumi.Output<string>;
  readonly host: pulumi.Output<string>;
  /** The owner's connection string (schema migrations, tenant sync). Secret. */
  readonly ownerUrl: pulumi.Output<string>;
  /** The insert-only writer's connection string, for the generated jobs. Secret. */
  readonly writerUrl: pulumi.Output<string>;

  constructor(name: string, args: FleetCatalogArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(FleetCatalog.TYPE, name, {}, opts);
    const protect = args.protect ?? true;
    this.project = new neon.Project(name, catalogProjectArgs(args.region, args.stack, args.orgId), {
      parent: this,
      provider: args.provider,
      protect,
      retainOnDelete: protect,
    });
    this.projectId = this.project.id;
    this.host = this.project.databaseHost;
    this.ownerUrl = pulumi.secret(this.project.connectionUri);
    this.writerUrl = pulumi.secret(
      pulumi.all([this.project.databaseHost, this.project.databasePassword]).apply(([host, password]) => catalogWriterUrl(host, password)),
    );
    this.registerOutputs({ projectId: this.projectId, region: args.region });
  }
}
