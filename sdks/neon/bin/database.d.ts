import * as pulumi from "@pulumi/pulumi";
/**
 * A database on a Neon branch. Renames update in place; a new owner, branch or project
 * replaces it.
 *
 * Import: `pulumi import neon:index/database:Database <name> <project_id>/<branch_id>/<database_name>`
 */
export declare class Database extends pulumi.CustomResource {
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: DatabaseState, opts?: pulumi.CustomResourceOptions): Database;
    static isInstance(obj: any): obj is Database;
    readonly branchId: pulumi.Output<string>;
    readonly databaseId: pulumi.Output<string>;
    readonly name: pulumi.Output<string>;
    readonly ownerName: pulumi.Output<string>;
    readonly projectId: pulumi.Output<string>;
    constructor(name: string, args: DatabaseArgs, opts?: pulumi.CustomResourceOptions);
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
