import * as pulumi from "@pulumi/pulumi";
/**
 * Sets or updates a VPC endpoint restriction for a Neon project.
 * When a VPC endpoint restriction is set, the project only accepts connections
 * from the specified VPC.
 * A VPC endpoint can be set as a restriction only after it is assigned to the
 * parent organization of the Neon project.
 *
 * Changing `projectId`, `vpcEndpointId` replaces the resource: the provider deletes it and creates a new one.
 *
 * Import: `pulumi import neon:index/vpcEndpointRestriction:VpcEndpointRestriction <name> <id>`
 */
export declare class VpcEndpointRestriction extends pulumi.CustomResource {
    /** Gets an existing VpcEndpointRestriction resource's state with the given name, ID, and optional extra properties used to qualify the lookup. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: VpcEndpointRestrictionState, opts?: pulumi.CustomResourceOptions): VpcEndpointRestriction;
    /** True when `obj` is a VpcEndpointRestriction, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is VpcEndpointRestriction;
    /**
     * A descriptive label for the VPC endpoint.
     */
    readonly label: pulumi.Output<string>;
    /**
     * The Neon project ID.
     */
    readonly projectId: pulumi.Output<string>;
    /**
     * The VPC endpoint ID.
     */
    readonly vpcEndpointId: pulumi.Output<string>;
    readonly vpcEndpointRestrictionId: pulumi.Output<string>;
    /** Create a VpcEndpointRestriction resource with the given unique name, arguments, and options. */
    constructor(name: string, args: VpcEndpointRestrictionArgs, opts?: pulumi.CustomResourceOptions);
}
/** Input properties used for looking up and filtering VpcEndpointRestriction resources. */
export interface VpcEndpointRestrictionState {
    /**
     * A descriptive label for the VPC endpoint.
     */
    label?: pulumi.Input<string>;
    /**
     * The Neon project ID.
     */
    projectId?: pulumi.Input<string>;
    /**
     * The VPC endpoint ID.
     */
    vpcEndpointId?: pulumi.Input<string>;
    vpcEndpointRestrictionId?: pulumi.Input<string>;
}
/** The set of arguments for constructing a VpcEndpointRestriction resource. */
export interface VpcEndpointRestrictionArgs {
    /**
     * A descriptive label for the VPC endpoint.
     */
    label: pulumi.Input<string>;
    /**
     * The Neon project ID.
     */
    projectId: pulumi.Input<string>;
    /**
     * The VPC endpoint ID.
     */
    vpcEndpointId: pulumi.Input<string>;
    vpcEndpointRestrictionId?: pulumi.Input<string>;
}
