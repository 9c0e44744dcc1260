"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Role = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");
/**
 * A Postgres role on a Neon branch. Every change replaces it; Neon generates the password.
 *
 * Import: `pulumi import neon:index/role:Role <name> <project_id>/<branch_id>/<role_name>`
 */
class Role extends pulumi.CustomResource {
    static get(name, id, state, opts) {
        return new Role(name, state, { ...opts, id: id });
    }
    static isInstance(obj) {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === Role.__pulumiType;
    }
    constructor(name, argsOrState, opts) {
        let resourceInputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState;
            resourceInputs["branchId"] = state ? state.branchId : undefined;
            resourceInputs["name"] = state ? state.name : undefined;
            resourceInputs["password"] = state ? state.password : undefined;
            resourceInputs["projectId"] = state ? state.projectId : undefined;
            resourceInputs["protected"] = state ? state.protected : undefined;
            resourceInputs["roleId"] = state ? state.roleId : undefined;
        }
        else {
            const args = argsOrState;
            if ((!args || args.branchId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'branchId'");
            }
            if ((!args || args.projectId === undefined) && !opts.urn) {
                throw new Error("Missing required property 'projectId'");
            }
            resourceInputs["branchId"] = args ? args.branchId : undefined;
            resourceInputs["name"] = args ? args.name : undefined;
            resourceInputs["projectId"] = args ? args.projectId : undefined;
            resourceInputs["roleId"] = args ? args.roleId : undefined;
            resourceInputs["password"] = undefined /*out*/;
            resourceInputs["protected"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        const secretOpts = { additionalSecretOutputs: ["password"] };
        opts = pulumi.mergeOptions(opts, secretOpts);
        super(Role.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}
exports.Role = Role;
/** @internal */
Role.__pulumiType = "neon:index/role:Role";
