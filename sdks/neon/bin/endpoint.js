"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Endpoint = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");
/**
 * A compute endpoint of a Neon branch. A branch has at most one read_write endpoint;
 * the project's default branch already has one.
 *
 * Import: `pulumi import neon:index/endpoint:Endpoint <name> <endpoint_id>`
 */
class Endpoint extends pulumi.CustomResource {
    static get(name, id, state, opts) {
        return new Endpoint(name, state, { ...opts, id: id });
    }
    static isInstance(obj) {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === Endpoint.__pulumiType;
    }
    constructor(name, argsOrState, opts) {
        let resourceInputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState;
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
        }
        else {
            const args = argsOrState;
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
exports.Endpoint = Endpoint;
/** @internal */
Endpoint.__pulumiType = "neon:index/endpoint:Endpoint";
