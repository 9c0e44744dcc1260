import * as pulumi from "@pulumi/pulumi";
/**
 * Project Database. See details: https://neon.tech/docs/manage/databases/
 *
 * Changing `branchId`, `ownerName`, `projectId` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/database:Database <name> <id>`
 */
export declare class Database extends pulumi.CustomResource {
    /** Gets an existing Database resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: DatabaseState, opts?: pulumi.CustomResourceOptions): Database;
    /** True when `obj` is a Database, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is Database;
    /**
     * Branch ID.
     */
    readonly branchId: pulumi.Output<string>;
    readonly databaseId: pulumi.Output<string>;
    /**
     * Database name.
     */
    readonly name: pulumi.Output<string>;
    /**
     * Role name of the database owner.
     */
    readonly ownerName: pulumi.Output<string>;
    /**
     * Project ID.
     */
    readonly projectId: pulumi.Output<string>;
    /** Create a Database resource with the given unique name, arguments, and options. */
    constructor(name: string, args: DatabaseArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering Database resources. */
export interface DatabaseState {
    /**
     * Branch ID.
     */
    branchId?: pulumi.Input<string>;
    databaseId?: pulumi.Input<string>;
    /**
     * Database name.
     */
    name?: pulumi.Input<string>;
    /**
     * Role name of the database owner.
     */
    ownerName?: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId?: pulumi.Input<string>;
}
/** The set of arguments for constructing a Database resource. */
export interface DatabaseArgs {
    /**
     * Branch ID.
     */
    branchId: pulumi.Input<string>;
    databaseId?: pulumi.Input<string>;
    /**
     * Database name.
     */
    name?: pulumi.Input<string>;
    /**
     * Role name of the database owner.
     */
    ownerName: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId: pulumi.Input<string>;
}
