import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
/**
 * Fetch Branch Roles.
 */
export declare function getBranchRoles(args: GetBranchRolesArgs, opts?: pulumi.InvokeOptions): Promise<GetBranchRolesResult>;
/** A collection of arguments for invoking getBranchRoles. */
export interface GetBranchRolesArgs {
    /**
     * Branch ID.
     */
    branchId: string;
    id?: string;
    /**
     * Project ID.
     */
    projectId: string;
    roles?: inputs.GetBranchRolesRole[];
}
/** A collection of values returned by getBranchRoles. */
export interface GetBranchRolesResult {
    /**
     * Branch ID.
     */
    readonly branchId: string;
    readonly id: string;
    /**
     * Project ID.
     */
    readonly projectId: string;
    readonly roles?: outputs.GetBranchRolesRole[];
}
/**
 * Fetch Branch Roles.
 */
export declare function getBranchRolesOutput(args: GetBranchRolesOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetBranchRolesResult>;
/** A collection of arguments for invoking getBranchRoles. */
export interface GetBranchRolesOutputArgs {
    /**
     * Branch ID.
     */
    branchId: pulumi.Input<string>;
    id?: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId: pulumi.Input<string>;
    roles?: pulumi.Input<pulumi.Input<inputs.GetBranchRolesRoleArgs>[]>;
}
