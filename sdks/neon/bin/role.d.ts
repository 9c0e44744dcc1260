import * as pulumi from "@pulumi/pulumi";
/**
 * A Postgres role on a Neon branch. Every change replaces it; Neon generates the password.
 *
 * Import: `pulumi import neon:index/role:Role <name> <project_id>/<branch_id>/<role_name>`
 */
export declare class Role extends pulumi.CustomResource {
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: RoleState, opts?: pulumi.CustomResourceOptions): Role;
    static isInstance(obj: any): obj is Role;
    readonly branchId: pulumi.Output<string>;
    readonly name: pulumi.Output<string>;
    /** Database authentication password. Secret. */
    readonly password: pulumi.Output<string>;
    readonly projectId: pulumi.Output<string>;
    readonly protected: pulumi.Output<boolean>;
    readonly roleId: pulumi.Output<string>;
    constructor(name: string, args: RoleArgs, opts?: pulumi.CustomResourceOptions);
}
export interface RoleState {
    branchId?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    password?: pulumi.Input<string>;
    projectId?: pulumi.Input<string>;
    protected?: pulumi.Input<boolean>;
    roleId?: pulumi.Input<string>;
}
/** The set of arguments for constructing a Role resource. */
export interface RoleArgs {
    /** Branch id. Changing it replaces the role. */
    branchId: pulumi.Input<string>;
    /** Role name (Postgres identifier, ≤ 63 bytes); Pulumi autonames it when omitted. Changing it replaces the role. */
    name?: pulumi.Input<string>;
    /** Project id. Changing it replaces the role. */
    projectId: pulumi.Input<string>;
    /** Bridge artefact of the Terraform `id`; do not set. */
    roleId?: pulumi.Input<string>;
}
