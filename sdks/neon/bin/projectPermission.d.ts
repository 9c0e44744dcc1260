import * as pulumi from "@pulumi/pulumi";
/**
 * Project's access permission.
 *
 * Changing `grantee`, `projectId` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/projectPermission:ProjectPermission <name> <id>`
 */
export declare class ProjectPermission extends pulumi.CustomResource {
    /** Gets an existing ProjectPermission resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ProjectPermissionState, opts?: pulumi.CustomResourceOptions): ProjectPermission;
    /** True when `obj` is a ProjectPermission, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is ProjectPermission;
    /**
     * Email of the user whom to grant project permission.
     */
    readonly grantee: pulumi.Output<string>;
    /**
     * Project ID.
     */
    readonly projectId: pulumi.Output<string>;
    /** Create a ProjectPermission resource with the given unique name, arguments, and options. */
    constructor(name: string, args: ProjectPermissionArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering ProjectPermission resources. */
export interface ProjectPermissionState {
    /**
     * Email of the user whom to grant project permission.
     */
    grantee?: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId?: pulumi.Input<string>;
}
/** The set of arguments for constructing a ProjectPermission resource. */
export interface ProjectPermissionArgs {
    /**
     * Email of the user whom to grant project permission.
     */
    grantee: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId: pulumi.Input<string>;
}
