import * as pulumi from "@pulumi/pulumi";
/**
 * A compute endpoint of a Neon branch. A branch has at most one read_write endpoint;
 * the project's default branch already has one.
 *
 * Import: `pulumi import neon:index/endpoint:Endpoint <name> <endpoint_id>`
 */
export declare class Endpoint extends pulumi.CustomResource {
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: EndpointState, opts?: pulumi.CustomResourceOptions): Endpoint;
    static isInstance(obj: any): obj is Endpoint;
    readonly autoscalingLimitMaxCu: pulumi.Output<number>;
    readonly autoscalingLimitMinCu: pulumi.Output<number>;
    readonly branchId: pulumi.Output<string>;
    readonly computeProvisioner: pulumi.Output<string>;
    readonly disabled: pulumi.Output<boolean>;
    /** Endpoint host (the pooler host when poolerEnabled). */
    readonly host: pulumi.Output<string>;
    readonly pgSettings: pulumi.Output<{
        [key: string]: string;
    } | undefined>;
    readonly poolerEnabled: pulumi.Output<boolean>;
    readonly poolerMode: pulumi.Output<string>;
    readonly projectId: pulumi.Output<string>;
    readonly proxyHost: pulumi.Output<string>;
    readonly regionId: pulumi.Output<string>;
    readonly suspendTimeoutSeconds: pulumi.Output<number>;
    readonly type: pulumi.Output<string>;
    constructor(name: string, args: EndpointArgs, opts?: pulumi.CustomResourceOptions);
}
export interface EndpointState {
    autoscalingLimitMaxCu?: pulumi.Input<number>;
    autoscalingLimitMinCu?: pulumi.Input<number>;
    branchId?: pulumi.Input<string>;
    computeProvisioner?: pulumi.Input<string>;
    disabled?: pulumi.Input<boolean>;
    host?: pulumi.Input<string>;
    pgSettings?: pulumi.Input<{
        [key: string]: pulumi.Input<string>;
    }>;
    poolerEnabled?: pulumi.Input<boolean>;
    poolerMode?: pulumi.Input<string>;
    projectId?: pulumi.Input<string>;
    proxyHost?: pulumi.Input<string>;
    regionId?: pulumi.Input<string>;
    suspendTimeoutSeconds?: pulumi.Input<number>;
    type?: pulumi.Input<string>;
}
/** The set of arguments for constructing an Endpoint resource. */
export interface EndpointArgs {
    /** Maximum compute units (max − min ≤ 8). */
    autoscalingLimitMaxCu?: pulumi.Input<number>;
    /** Minimum compute units (0.25–16). */
    autoscalingLimitMinCu?: pulumi.Input<number>;
    /** Branch id; updatable in place. */
    branchId: pulumi.Input<string>;
    computeProvisioner?: pulumi.Input<string>;
    /** Disable the endpoint. */
    disabled?: pulumi.Input<boolean>;
    /** Postgres settings. */
    pgSettings?: pulumi.Input<{
        [key: string]: pulumi.Input<string>;
    }>;
    /** Connection pooling; `host` becomes the pooler host. */
    poolerEnabled?: pulumi.Input<boolean>;
    poolerMode?: pulumi.Input<string>;
    /** Project id. */
    projectId: pulumi.Input<string>;
    /** Region id (defaults to the project's). Changing it replaces the endpoint. */
    regionId?: pulumi.Input<string>;
    /** -1 never, 0 Neon's default (300 s), up to 604800. */
    suspendTimeoutSeconds?: pulumi.Input<number>;
    /** read_write | read_only. */
    type?: pulumi.Input<string>;
}
