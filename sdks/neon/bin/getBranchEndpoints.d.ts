import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
/**
 * Fetch Branch Endpoints
 */
export declare function getBranchEndpoints(args: GetBranchEndpointsArgs, opts?: pulumi.InvokeOptions): Promise<GetBranchEndpointsResult>;
/** A collection of arguments for invoking getBranchEndpoints. */
export interface GetBranchEndpointsArgs {
    /**
     * Branch ID.
     */
    branchId: string;
    endpoints?: inputs.GetBranchEndpointsEndpoint[];
    id?: string;
    /**
     * Project ID.
     */
    projectId: string;
}
/** A collection of values returned by getBranchEndpoints. */
export interface GetBranchEndpointsResult {
    /**
     * Branch ID.
     */
    readonly branchId: string;
    readonly endpoints?: outputs.GetBranchEndpointsEndpoint[];
    readonly id: string;
    /**
     * Project ID.
     */
    readonly projectId: string;
}
/**
 * Fetch Branch Endpoints
 */
export declare function getBranchEndpointsOutput(args: GetBranchEndpointsOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetBranchEndpointsResult>;
/** A collection of arguments for invoking getBranchEndpoints. */
export interface GetBranchEndpointsOutputArgs {
    /**
     * Branch ID.
     */
    branchId: pulumi.Input<string>;
    endpoints?: pulumi.Input<pulumi.Input<inputs.GetBranchEndpointsEndpointArgs>[]>;
    id?: pulumi.Input<string>;
    /**
     * Project ID.
     */
    projectId: pulumi.Input<string>;
}
