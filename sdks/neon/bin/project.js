"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Project = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");
/**
 * A Neon project: its default branch, database, role and compute endpoint.
 *
 * Changing `regionId`, `pgVersion`, `orgId` or the `branch` block replaces the project,
 * deleting its data. Protect projects that hold data.
 *
 * Import: `pulumi import neon:index/project:Project <name> <project_id>`
 */
class Project extends pulumi.CustomResource {
    /** Gets an existing Project's state by name and Neon project id. */
    static get(name, id, state, opts) {
        return new Project(name, state, { ...opts, id: id });
    }
    /** True when `obj` is a Project, even across multiple copies of the SDK. */
    static isInstance(obj) {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === Project.__pulumiType;
    }
    constructor(name, argsOrState, opts) {
        let resourceInputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState;
            resourceInputs["allowedIps"] = state ? state.allowedIps : undefined;
            resourceInputs["allowedIpsProtectedBranchesOnly"] = state ? state.allowedIpsProtectedBranchesOnly : undefined;
            resourceInputs["blockPublicConnections"] = state ? state.blockPublicConnections : undefined;
            resourceInputs["blockVpcConnections"] = state ? state.blockVpcConnections : undefined;
            resourceInputs["branch"] = state ? state.branch : undefined;
            resourceInputs["computeProvisioner"] = state ? state.computeProvisioner : undefined;
            resourceInputs["connectionUri"] = state ? state.connectionUri : undefined;
            resourceInputs["connectionUriPooler"] = state ? state.connectionUriPooler : undefined;
            resourceInputs["databaseHost"] = state ? state.databaseHost : undefined;
            resourceInputs["databaseHostPooler"] = state ? state.databaseHostPooler : undefined;
            resourceInputs["databaseName"] = state ? state.databaseName : undefined;
            resourceInputs["databasePassword"] = state ? state.databasePassword : undefined;
            resourceInputs["databaseUser"] = state ? state.databaseUser : undefined;
            resourceInputs["defaultBranchId"] = state ? state.defaultBranchId : undefined;
            resourceInputs["defaultBranchProtected"] = state ? state.defaultBranchProtected : undefined;
            resourceInputs["defaultEndpointId"] = state ? state.defaultEndpointId : undefined;
            resourceInputs["defaultEndpointSettings"] = state ? state.defaultEndpointSettings : undefined;
            resourceInputs["enableLogicalReplication"] = state ? state.enableLogicalReplication : undefined;
            resourceInputs["hipaa"] = state ? state.hipaa : undefined;
            resourceInputs["historyRetentionSeconds"] = state ? state.historyRetentionSeconds : undefined;
            resourceInputs["maintenanceWindow"] = state ? state.maintenanceWindow : undefined;
            resourceInputs["name"] = state ? state.name : undefined;
            resourceInputs["orgId"] = state ? state.orgId : undefined;
            resourceInputs["pgVersion"] = state ? state.pgVersion : undefined;
            resourceInputs["quota"] = state ? state.quota : undefined;
            resourceInputs["regionId"] = state ? state.regionId : undefined;
            resourceInputs["storePassword"] = state ? state.storePassword : undefined;
        }
        else {
            const args = argsOrState;
            resourceInputs["allowedIps"] = args ? args.allowedIps : undefined;
            resourceInputs["allowedIpsProtectedBranchesOnly"] = args ? args.allowedIpsProtectedBranchesOnly : undefined;
            resourceInputs["blockPublicConnections"] = args ? args.blockPublicConnections : undefined;
            resourceInputs["blockVpcConnections"] = args ? args.blockVpcConnections : undefined;
            resourceInputs["branch"] = args ? args.branch : undefined;
            resourceInputs["computeProvisioner"] = args ? args.computeProvisioner : undefined;
            resourceInputs["defaultBranchProtected"] = args ? args.defaultBranchProtected : undefined;
            resourceInputs["defaultEndpointSettings"] = args ? args.defaultEndpointSettings : undefined;
            resourceInputs["enableLogicalReplication"] = args ? args.enableLogicalReplication : undefined;
            resourceInputs["hipaa"] = args ? args.hipaa : undefined;
            resourceInputs["historyRetentionSeconds"] = args ? args.historyRetentionSeconds : undefined;
            resourceInputs["maintenanceWindow"] = args ? args.maintenanceWindow : undefined;
            resourceInputs["name"] = args ? args.name : undefined;
            resourceInputs["orgId"] = args ? args.orgId : undefined;
            resourceInputs["pgVersion"] = args ? args.pgVersion : undefined;
            resourceInputs["quota"] = args ? args.quota : undefined;
            resourceInputs["regionId"] = args ? args.regionId : undefined;
            resourceInputs["storePassword"] = args ? args.storePassword : undefined;
            resourceInputs["connectionUri"] = undefined /*out*/;
            resourceInputs["connectionUriPooler"] = undefined /*out*/;
            resourceInputs["databaseHost"] = undefined /*out*/;
            resourceInputs["databaseHostPooler"] = undefined /*out*/;
            resourceInputs["databaseName"] = undefined /*out*/;
            resourceInputs["databasePassword"] = undefined /*out*/;
            resourceInputs["databaseUser"] = undefined /*out*/;
            resourceInputs["defaultBranchId"] = undefined /*out*/;
            resourceInputs["defaultEndpointId"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        const secretOpts = { additionalSecretOutputs: ["connectionUri", "connectionUriPooler", "databasePassword"] };
        opts = pulumi.mergeOptions(opts, secretOpts);
        super(Project.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}
exports.Project = Project;
/** @internal */
Project.__pulumiType = "neon:index/project:Project";
