"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Branch = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");
/**
 * A branch of a Neon project. Created without a compute endpoint: add an Endpoint to
 * connect to it. Only `name` and `protected` update in place.
 *
 * Import: `pulumi import neon:index/branch:Branch <name> <branch_id>`
 */
class Branch extends pulumi.CustomResource {
    /** Gets an existing Branch's state by name and Neon branch id. */
    static get(name, id, state, opts) {
        return new Branch(name, state, { ...opts, id: id });
    }
    static isInstance(obj) {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === Branch.__pulumiType;
    }
    constructor(name, argsOrState, opts) {
        let resourceInputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState;
            resourceInputs["logicalSize"] = state ? state.logicalSize : undefined;
            resourceInputs["name"] = state ? state.name : undefined;
            resourceInputs["parentId"] = state ? state.parentId : undefined;
            resourceInputs["parentLsn"] = state ? state.parentLsn : undefined;
            resourceInputs["parentTimestamp"] = state ? state.parentTimestamp : undefined;
            resourceInputs["projectId"] = state ? state.projectId : undefined;
            resourceInputs["protected"] = state ? state.protected : undefined;
        }
        else {
            const args = argsOrState;
            if ((!args || args.projectId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'projectId'");
            }
            resourceInputs["name"] = args ? args.name : undefined;
            resourceInputs["parentId"] = args ? args.parentId : undefined;
            resourceInputs["parentLsn"] = args ? args.parentLsn : undefined;
            resourceInputs["parentTimestamp"] = args ? args.parentTimestamp : undefined;
            resourceInputs["projectId"] = args ? args.projectId : undefined;
            resourceInputs["protected"] = args ? args.protected : undefined;
            resourceInputs["logicalSize"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(Branch.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}
exports.Branch = Branch;
/** @internal */
Branch.__pulumiType = "neon:index/branch:Branch";
