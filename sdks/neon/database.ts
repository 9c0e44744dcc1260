import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

/**
 * A database on a Neon branch. Renames update in place; a new owner, branch or project
 * replaces it.
 *
 * Import: `pulumi import neon:index/database:Database <name> <project_id>/<branch_id>/<database_name>`
 */
export class Database extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: DatabaseState, opts?: pulumi.CustomResourceOptions): Database {
        return new Database(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = "neon:index/database:Database";

    public static isInstance(obj: any): obj is Database {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === Database.__pulumiType;
    }

    public readonly branchId!: pulumi.Output<string>;
    public readonly databaseId!: pulumi.Output<string>;
    public readonly name!: pulumi.Output<string>;
    public readonly ownerName!: pulumi.Output<string>;
    public readonly projectId!: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: DatabaseArgs | DatabaseState, opts?: pulumi.CustomResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState as DatabaseState | undefined;
            resourceInputs["branchId"] = state ? state.branchId : undefined;
            resourceInputs["databaseId"] = state ? state.databaseId : undefined;
            resourceInputs["name"] = state ? state.name : undefined;
            resourceInputs["ownerName"] = state ? state.ownerName : undefined;
            resourceInputs["projectId"] = state ? state.projectId : undefined;
        } else {
            const args = argsOrState as DatabaseArgs | undefined;
            if ((!args || args.branchId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'branchId'");
            }
            if ((!args || args.ownerName === undefined) && !opts.urn) {
                throw new Error("Missing required property 'ownerName'");
            }
            if ((!args || args.projectId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'projectId'");
            }
            resourceInputs["branchId"] = args ? args.branchId : undefined;
            resourceInputs["databaseId"] = args ? args.databaseId : undefined;
            resourceInputs["name"] = args ? args.name : undefined;
            resourceInputs["ownerName"] = args ? args.ownerName : undefined;
            resourceInputs["projectId"] = args ? args.projectId : undefined;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Database.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface DatabaseState {
    branchId?: pulumi.Input<string>;
    databaseId?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    ownerName?: pulumi.Input<string>;
    projectId?: pulumi.Input<string>;
}

/** The set of arguments for constructing a Database resource. */
export interface DatabaseArgs {
    /** Branch id. Changing it replaces the database. */
    branchId: pulumi.Input<string>;
    /** Bridge artefact of the Terraform `id`; do not set. */
    databaseId?: pulumi.Input<string>;
    /** Database name; Pulumi autonames it when omitted. Renames in place. */
    name?: pulumi.Input<string>;
    /** Owner role name. Changing it replaces the database. */
    ownerName: pulumi.Input<string>;
    /** Project id. Changing it replaces the database. */
    projectId: pulumi.Input<string>;
}
