import * as pulumi from "@pulumi/pulumi";
/**
 * Assigns, or updates existing assignment of a VPC endpoint to a Neon organization.
 * See details: https://neon.tech/docs/guides/neon-private-networking#enable-private-dns
 *
 *
 * Changing `orgId`, `regionId`, `vpcEndpointId` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/vpcEndpointAssignment:VpcEndpointAssignment <name> <id>`
 */
export declare class VpcEndpointAssignment extends pulumi.CustomResource {
    /** Gets an existing VpcEndpointAssignment resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: VpcEndpointAssignmentState, opts?: pulumi.CustomResourceOptions): VpcEndpointAssignment;
    /** True when `obj` is a VpcEndpointAssignment, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is VpcEndpointAssignment;
    /**
     * A descriptive label for the VPC endpoint.
     */
    readonly label: pulumi.Output<string>;
    /**
     * The Neon organization ID.
     */
    readonly orgId: pulumi.Output<string>;
    /**
     * The Neon region ID.
     */
    readonly regionId: pulumi.Output<string>;
    readonly vpcEndpointAssignmentId: pulumi.Output<string>;
    /**
     * The VPC endpoint ID.
     */
    readonly vpcEndpointId: pulumi.Output<string>;
    /** Create a VpcEndpointAssignment resource with the given unique name, arguments, and options. */
    constructor(name: string, args: VpcEndpointAssignmentArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering VpcEndpointAssignment resources. */
export interface VpcEndpointAssignmentState {
    /**
     * A descriptive label for the VPC endpoint.
     */
    label?: pulumi.Input<string>;
    /**
     * The Neon organization ID.
     */
    orgId?: pulumi.Input<string>;
    /**
     * The Neon region ID.
     */
    regionId?: pulumi.Input<string>;
    vpcEndpointAssignmentId?: pulumi.Input<string>;
    /**
     * The VPC endpoint ID.
     */
    vpcEndpointId?: pulumi.Input<string>;
}
/** The set of arguments for constructing a VpcEndpointAssignment resource. */
export interface VpcEndpointAssignmentArgs {
    /**
     * A descriptive label for the VPC endpoint.
     */
    label: pulumi.Input<string>;
    /**
     * The Neon organization ID.
     */
    orgId: pulumi.Input<string>;
    /**
     * The Neon region ID.
     */
    regionId: pulumi.Input<string>;
    vpcEndpointAssignmentId?: pulumi.Input<string>;
    /**
     * The VPC endpoint ID.
     */
    vpcEndpointId: pulumi.Input<string>;
}
