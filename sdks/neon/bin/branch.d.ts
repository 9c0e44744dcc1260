import * as pulumi from "@pulumi/pulumi";
/**
 * A branch of a Neon project. Created without a compute endpoint: add an Endpoint to
 * connect to it. Only `name` and `protected` update in place.
 *
 * Import: `pulumi import neon:index/branch:Branch <name> <branch_id>`
 */
export declare class Branch extends pulumi.CustomResource {
    /** Gets an existing Branch's state by name and Neon branch id. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: BranchState, opts?: pulumi.CustomResourceOptions): Branch;
    static isInstance(obj: any): obj is Branch;
    /** Logical size of the branch, MB. */
    readonly logicalSize: pulumi.Output<number>;
    readonly name: pulumi.Output<string>;
    readonly parentId: pulumi.Output<string>;
    readonly parentLsn: pulumi.Output<string>;
    readonly parentTimestamp: pulumi.Output<number>;
    readonly projectId: pulumi.Output<string>;
    readonly protected: pulumi.Output<string>;
    constructor(name: string, args: BranchArgs, opts?: pulumi.CustomResourceOptions);
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
