import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

/**
 * A compute endpoint of a Neon branch. A branch has at most one read_write endpoint;
 * the project's default branch already has one.
 *
 * Import: `pulumi import neon:index/endpoint:Endpoint <name> <endpoint_id>`
 */
export class Endpoint extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: EndpointState, opts?: pulumi.CustomResourceOptions): Endpoint {
        return new Endpoint(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = "neon:index/endpoint:Endpoint";

    public static isInstance(obj: any): obj is Endpoint {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === Endpoint.__pulumiType;
    }

    public readonly autoscalingLimitMaxCu!: pulumi.Output<number>;
    public readonly autoscalingLimitMinCu!: pulumi.Output<number>;
    public readonly branchId!: pulumi.Output<string>;
    public readonly computeProvisioner!: pulumi.Output<string>;
    public readonly disabled!: pulumi.Output<boolean>;
    /** Endpoint host (the pooler host when poolerEnabled). */
    public readonly host!: pulumi.Output<string>;
    public readonly pgSettings!: pulumi.Output<{ [key: string]: string } | undefined>;
    public readonly poolerEnabled!: pulumi.Output<boolean>;
    public readonly poolerMode!: pulumi.Output<string>;
    public readonly projectId!: pulumi.Output<string>;
    public readonly proxyHost!: pulumi.Output<string>;
    public readonly regionId!: pulumi.Output<string>;
    public readonly suspendTimeoutSeconds!: pulumi.Output<number>;
    public readonly type!: pulumi.Output<string>;

    constructor(name: string, args: EndpointArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: EndpointArgs | EndpointState, opts?: pulumi.CustomResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState as EndpointState | undefined;
            resourceInputs["autoscalingLimitMaxCu"] = state ? state.autoscalingLimitMaxCu : undefined;
            resourceInputs["autoscalingLimitMinCu"] = state ? state.autoscalingLimitMinCu : undefined;
            resourceInputs["branchId"] = state ? state.branchId : undefined;
            resourceInputs["computeProvisioner"] = state ? state.computeProvisioner : undefined;
            resourceInputs["disabled"] = state ? state.disabled : undefined;
            resourceInputs["host"] = state ? state.host : undefined;
            resourceInputs["pgSettings"] = state ? state.pgSettings : undefined;
            resourceInputs["poolerEnabled"] = state ? state.poolerEnabled : undefined;
            resourceInputs["poolerMode"] = state ? state.poolerMode : undefined;
            resourceInputs["projectId"] = state ? state.projectId : undefined;
            resourceInputs["proxyHost"] = state ? state.proxyHost : undefined;
            resourceInputs["regionId"] = state ? state.regionId : undefined;
            resourceInputs["suspendTimeoutSeconds"] = state ? state.suspendTimeoutSeconds : undefined;
            resourceInputs["type"] = state ? state.type : undefined;
        } else {
            const args = argsOrState as EndpointArgs | undefined;
            if ((!args || args.branchId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'branchId'");
            }
            if ((!args || args.projectId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'projectId'");
            }
            resourceInputs["autoscalingLimitMaxCu"] = args ? args.autoscalingLimitMaxCu : undefined;
            resourceInputs["autoscalingLimitMinCu"] = args ? args.autoscalingLimitMinCu : undefined;
            resourceInputs["branchId"] = args ? args.branchId : undefined;
            resourceInputs["computeProvisioner"] = args ? args.computeProvisioner : undefined;
            resourceInputs["disabled"] = args ? args.disabled : undefined;
            resourceInputs["pgSettings"] = args ? args.pgSettings : undefined;
            resourceInputs["poolerEnabled"] = args ? args.poolerEnabled : undefined;
            resourceInputs["poolerMode"] = args ? args.poolerMode : undefined;
            resourceInputs["projectId"] = args ? args.projectId : undefined;
            resourceInputs["regionId"] = args ? args.regionId : undefined;
            resourceInputs["suspendTimeoutSeconds"] = args ? args.suspendTimeoutSeconds : undefined;
            resourceInputs["type"] = args ? args.type : undefined;
            resourceInputs["host"] = undefined /*out*/;
            resourceInputs["proxyHost"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Endpoint.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface EndpointState {
    autoscalingLimitMaxCu?: pulumi.Input<number>;
    autoscalingLimitMinCu?: pulumi.Input<number>;
    branchId?: pulumi.Input<string>;
    computeProvisioner?: pulumi.Input<string>;
    disabled?: pulumi.Input<boolean>;
    host?: pulumi.Input<string>;
    pgSettings?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
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
    pgSettings?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
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
