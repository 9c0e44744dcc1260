import * as pulumi from "@pulumi/pulumi";
/**
 * Project Role. **Note** that User and Role are synonymous terms in Neon.
 * See details: https://neon.tech/docs/manage/users/
 *
 *
 * Changing `branchId`, `name`, `projectId` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/role:Role <name> <id>`
 */
export declare class Role extends pulumi.CustomResource {
    /** Gets an existing Role resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: RoleState, opts?: pulumi.CustomResourceOptions): Role;
    /** True when `obj` is a Role, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is Role;
    /**
     * Branch ID.
     */
    readonly branchId: pulumi.Output<string>;
    /**
     * Role name.
     */
    readonly name: pulumi.Output<string>;
    /**
     * Database authentication password.
     */
    readonly password: pulumi.Output<string>;
    /**
     * Project ID.
     */
    readonly projectId: pulumi.Output<string>;
    readonly protected: pulumi.Output<boolean>;
    readonly roleId: pulumi.Output<string>;
    /** Create a Role resource with the given unique name, arguments, and options. */
    constructor(name: string, args: RoleArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering Role resources. */
export interface RoleState {
    /**
     * Branch ID.
     */
    branchId?: pulumi.Input<string>;
    /**
     * Role name.
     */
    name?: pulumi.Input<string>;
    /**
     * Database authentication password.
     */
    password?: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId?: pulumi.Input<string>;
    protected?: pulumi.Input<boolean>;
    roleId?: pulumi.Input<string>;
}
/** The set of arguments for constructing a Role resource. */
export interface RoleArgs {
    /**
     * Branch ID.
     */
    branchId: pulumi.Input<string>;
    /**
     * Role name.
     */
    name?: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId: pulumi.Input<string>;
    roleId?: pulumi.Input<string>;
}
