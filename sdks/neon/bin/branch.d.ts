import * as pulumi from "@pulumi/pulumi";
/**
 * Project Branch. See details: https://neon.tech/docs/introduction/branching/
 *
 * Changing `parentLsn`, `parentTimestamp` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/branch:Branch <name> <id>`
 */
export declare class Branch extends pulumi.CustomResource {
    /** Gets an existing Branch resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: BranchState, opts?: pulumi.CustomResourceOptions): Branch;
    /** True when `obj` is a Branch, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is Branch;
    /**
     * Branch logical size in MB.
     */
    readonly logicalSize: pulumi.Output<number>;
    /**
     * Branch name.
     */
    readonly name: pulumi.Output<string>;
    /**
     * ID of the branch to check out.
     */
    readonly parentId: pulumi.Output<string>;
    /**
     * Log Sequence Number (LSN) horizon for the data to be present in the new branch.
     * See details: https://neon.tech/docs/reference/glossary/#lsn
     */
    readonly parentLsn: pulumi.Output<string>;
    /**
     * Timestamp horizon for the data to be present in the new branch.
     * **Note**: it's defined as Unix epoch.
     */
    readonly parentTimestamp: pulumi.Output<number>;
    /**
     * Project ID.
     */
    readonly projectId: pulumi.Output<string>;
    readonly protected: pulumi.Output<string | undefined>;
    /** Create a Branch resource with the given unique name, arguments, and options. */
    constructor(name: string, args: BranchArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering Branch resources. */
export interface BranchState {
    /**
     * Branch logical size in MB.
     */
    logicalSize?: pulumi.Input<number>;
    /**
     * Branch name.
     */
    name?: pulumi.Input<string>;
    /**
     * ID of the branch to check out.
     */
    parentId?: pulumi.Input<string>;
    /**
     * Log Sequence Number (LSN) horizon for the data to be present in the new branch.
     * See details: https://neon.tech/docs/reference/glossary/#lsn
     */
    parentLsn?: pulumi.Input<string>;
    /**
     * Timestamp horizon for the data to be present in the new branch.
     * **Note**: it's defined as Unix epoch.
     */
    parentTimestamp?: pulumi.Input<number>;
    /**
     * Project ID.
     */
    projectId?: pulumi.Input<string>;
    protected?: pulumi.Input<string>;
}
/** The set of arguments for constructing a Branch resource. */
export interface BranchArgs {
    /**
     * Branch name.
     */
    name?: pulumi.Input<string>;
    /**
     * ID of the branch to check out.
     */
    parentId?: pulumi.Input<string>;
    /**
     * Log Sequence Number (LSN) horizon for the data to be present in the new branch.
     * See details: https://neon.tech/docs/reference/glossary/#lsn
     */
    parentLsn?: pulumi.Input<string>;
    /**
     * Timestamp horizon for the data to be present in the new branch.
     * **Note**: it's defined as Unix epoch.
     */
    parentTimestamp?: pulumi.Input<number>;
    /**
     * Project ID.
     */
    projectId: pulumi.Input<string>;
    protected?: pulumi.Input<string>;
}
