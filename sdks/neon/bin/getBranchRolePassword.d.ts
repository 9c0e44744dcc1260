import * as pulumi from "@pulumi/pulumi";
/**
 * Fetch Role Password.
 */
export declare function getBranchRolePassword(args: GetBranchRolePasswordArgs, opts?: pulumi.InvokeOptions): Promise<GetBranchRolePasswordResult>;
/** A collection of arguments for invoking getBranchRolePassword. */
export interface GetBranchRolePasswordArgs {
    /**
     * Branch ID.
     */
    branchId: string;
    id?: string;
    /**
     * Project ID.
     */
    projectId: string;
    /**
     * Role name.
     */
    roleName: string;
}
/** A collection of values returned by getBranchRolePassword. */
export interface GetBranchRolePasswordResult {
    /**
     * Branch ID.
     */
    readonly branchId: string;
    readonly id: string;
    /**
     * Password.
     */
    readonly password: string;
    /**
     * Project ID.
     */
    readonly projectId: string;
    /**
     * Role name.
     */
    readonly roleName: string;
}
/**
 * Fetch Role Password.
 */
export declare function getBranchRolePasswordOutput(args: GetBranchRolePasswordOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetBranchRolePasswordResult>;
/** A collection of arguments for invoking getBranchRolePassword. */
export interface GetBranchRolePasswordOutputArgs {
    /**
     * Branch ID.
     */
    branchId: pulumi.Input<string>;
    id?: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId: pulumi.Input<string>;
    /**
     * Role name.
     */
    roleName: pulumi.Input<string>;
}
