import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

/**
 * A branch of a Neon project. Created without a compute endpoint: add an Endpoint to
 * connect to it. Only `name` and `protected` update in place.
 *
 * Import: `pulumi import neon:index/branch:Branch <name> <branch_id>`
 */
export class Branch extends pulumi.CustomResource {
    /** Gets an existing Branch's state by name and Neon branch id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: BranchState, opts?: pulumi.CustomResourceOptions): Branch {
        return new Branch(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = "neon:index/branch:Branch";

    public static isInstance(obj: any): obj is Branch {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === Branch.__pulumiType;
    }

    /** Logical size of the branch, MB. */
    public readonly logicalSize!: pulumi.Output<number>;
    public readonly name!: pulumi.Output<string>;
    public readonly parentId!: pulumi.Output<string>;
    public readonly parentLsn!: pulumi.Output<string>;
    public readonly parentTimestamp!: pulumi.Output<number>;
    public readonly projectId!: pulumi.Output<string>;
    public readonly protected!: pulumi.Output<string>;

    constructor(name: string, args: BranchArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: BranchArgs | BranchState, opts?: pulumi.CustomResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState as BranchState | undefined;
            resourceInputs["logicalSize"] = state ? state.logicalSize : undefined;
            resourceInputs["name"] = state ? state.name : undefined;
            resourceInputs["parentId"] = state ? state.parentId : undefined;
            resourceInputs["parentLsn"] = state ? state.parentLsn : undefined;
            resourceInputs["parentTimestamp"] = state ? state.parentTimestamp : undefined;
            resourceInputs["projectId"] = state ? state.projectId : undefined;
            resourceInputs["protected"] = state ? state.protected : undefined;
        } else {
            const args = argsOrState as BranchArgs | undefined;
            if ((!args || args.projectId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'projectId'");
            }
            resourceInputs["name"] = args ? args.name : undefined;
            resourceInputs["parentId"] = args ? args.parentId : undefined;
            resourceInputs["parentLsn"] = args ? args.parentLsn : undefined;
            resourceInputs["parentTimestamp"] = args ? args.parentTimestamp : undefined;
            resourceInputs["projectId"] = args ? args.projectId : undefined;
            resourceInputs["protected"] = args ? args.protected : undefined;
            resourceInputs["logicalSize"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Branch.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface BranchState {
    logicalSize?: pulumi.Input<number>;
    name?: pulumi.Input<string>;
    parentId?: pulumi.Input<string>;
    parentLsn?: pulumi.Input<string>;
    parentTimestamp?: pulumi.Input<number>;
    projectId?: pulumi.Input<string>;
    protected?: pulumi.Input<string>;
}

/** The set of arguments for constructing a Branch resource. */
export interface BranchArgs {
    /** Branch name; Pulumi autonames it when omitted. */
    name?: pulumi.Input<string>;
    /** Parent branch id; defaults to the project's default branch. */
    parentId?: pulumi.Input<string>;
    /** LSN horizon of the parent; conflicts with parentTimestamp. Changing it replaces the branch. */
    parentLsn?: pulumi.Input<string>;
    /** Unix timestamp horizon of the parent; conflicts with parentLsn. Changing it replaces the branch. */
    parentTimestamp?: pulumi.Input<number>;
    /** Project id. */
    projectId: pulumi.Input<string>;
    /** "yes" | "no": protected branch (paid plans). */
    protected?: pulumi.Input<string>;
}
