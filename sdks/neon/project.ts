import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

/**
 * A Neon project: its default branch, database, role and compute endpoint.
 *
 * Changing `regionId`, `pgVersion`, `orgId` or the `branch` block replaces the project,
 * deleting its data. Protect projects that hold data.
 *
 * Import: `pulumi import neon:index/project:Project <name> <project_id>`
 */
export class Project extends pulumi.CustomResource {
    /** Gets an existing Project's state by name and Neon project id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ProjectState, opts?: pulumi.CustomResourceOptions): Project {
        return new Project(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = "neon:index/project:Project";

    /** True when `obj` is a Project, even across multiple copies of the SDK. */
    public static isInstance(obj: any): obj is Project {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj["__pulumiType"] === Project.__pulumiType;
    }

    public readonly allowedIps!: pulumi.Output<string[] | undefined>;
    public readonly allowedIpsProtectedBranchesOnly!: pulumi.Output<string | undefined>;
    public readonly blockPublicConnections!: pulumi.Output<string | undefined>;
    public readonly blockVpcConnections!: pulumi.Output<string | undefined>;
    /** Default branch, role and database as read back, with the branch id. */
    public readonly branch!: pulumi.Output<outputs.ProjectBranch>;
    public readonly computeProvisioner!: pulumi.Output<string>;
    /** Direct connection URI of the default role and database. Secret. */
    public readonly connectionUri!: pulumi.Output<string>;
    /** Connection URI through the pooler host. Secret. */
    public readonly connectionUriPooler!: pulumi.Output<string>;
    /** Host of the default endpoint. */
    public readonly databaseHost!: pulumi.Output<string>;
    /** Host of the default endpoint's pooler. */
    public readonly databaseHostPooler!: pulumi.Output<string>;
    public readonly databaseName!: pulumi.Output<string>;
    /** Password of `databaseUser`. Secret. */
    public readonly databasePassword!: pulumi.Output<string>;
    public readonly databaseUser!: pulumi.Output<string>;
    public readonly defaultBranchId!: pulumi.Output<string>;
    public readonly defaultBranchProtected!: pulumi.Output<boolean | undefined>;
    public readonly defaultEndpointId!: pulumi.Output<string>;
    public readonly defaultEndpointSettings!: pulumi.Output<outputs.ProjectDefaultEndpointSettings>;
    public readonly enableLogicalReplication!: pulumi.Output<string | undefined>;
    public readonly hipaa!: pulumi.Output<string | undefined>;
    public readonly historyRetentionSeconds!: pulumi.Output<number>;
    public readonly maintenanceWindow!: pulumi.Output<outputs.ProjectMaintenanceWindow>;
    public readonly name!: pulumi.Output<string>;
    public readonly orgId!: pulumi.Output<string>;
    public readonly pgVersion!: pulumi.Output<number>;
    public readonly quota!: pulumi.Output<outputs.ProjectQuota>;
    public readonly regionId!: pulumi.Output<string>;
    public readonly storePassword!: pulumi.Output<string | undefined>;

    /** Create a Project resource with the given unique name, arguments, and options. */
    constructor(name: string, args?: ProjectArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: ProjectArgs | ProjectState, opts?: pulumi.CustomResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState as ProjectState | undefined;
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
        } else {
            const args = argsOrState as ProjectArgs | undefined;
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

/** Input properties used for looking up and filtering Project resources. */
export interface ProjectState {
    allowedIps?: pulumi.Input<pulumi.Input<string>[]>;
    allowedIpsProtectedBranchesOnly?: pulumi.Input<string>;
    blockPublicConnections?: pulumi.Input<string>;
    blockVpcConnections?: pulumi.Input<string>;
    branch?: pulumi.Input<inputs.ProjectBranch>;
    computeProvisioner?: pulumi.Input<string>;
    connectionUri?: pulumi.Input<string>;
    connectionUriPooler?: pulumi.Input<string>;
    databaseHost?: pulumi.Input<string>;
    databaseHostPooler?: pulumi.Input<string>;
    databaseName?: pulumi.Input<string>;
    databasePassword?: pulumi.Input<string>;
    databaseUser?: pulumi.Input<string>;
    defaultBranchId?: pulumi.Input<string>;
    defaultBranchProtected?: pulumi.Input<boolean>;
    defaultEndpointId?: pulumi.Input<string>;
    defaultEndpointSettings?: pulumi.Input<inputs.ProjectDefaultEndpointSettings>;
    enableLogicalReplication?: pulumi.Input<string>;
    hipaa?: pulumi.Input<string>;
    historyRetentionSeconds?: pulumi.Input<number>;
    maintenanceWindow?: pulumi.Input<inputs.ProjectMaintenanceWindow>;
    name?: pulumi.Input<string>;
    orgId?: pulumi.Input<string>;
    pgVersion?: pulumi.Input<number>;
    quota?: pulumi.Input<inputs.ProjectQuota>;
    regionId?: pulumi.Input<string>;
    storePassword?: pulumi.Input<string>;
}

/** The set of arguments for constructing a Project resource. */
export interface ProjectArgs {
    /** IP allow list (Scale plan). */
    allowedIps?: pulumi.Input<pulumi.Input<string>[]>;
    /** "yes" | "no": apply the allow list to protected branches only. */
    allowedIpsProtectedBranchesOnly?: pulumi.Input<string>;
    /** "yes" | "no": block connections from the public internet. */
    blockPublicConnections?: pulumi.Input<string>;
    /** "yes" | "no": block connections through VPC endpoints. */
    blockVpcConnections?: pulumi.Input<string>;
    /** Default branch, role and database names. Fixed at creation: changing any replaces the project. */
    branch?: pulumi.Input<inputs.ProjectBranch>;
    /** k8s-pod | k8s-neonvm. */
    computeProvisioner?: pulumi.Input<string>;
    /** Protect the default branch (paid plans). */
    defaultBranchProtected?: pulumi.Input<boolean>;
    /** Settings of the default compute endpoint. */
    defaultEndpointSettings?: pulumi.Input<inputs.ProjectDefaultEndpointSettings>;
    /** "yes" | "no": wal_level=logical; cannot be disabled once enabled. */
    enableLogicalReplication?: pulumi.Input<string>;
    /** "yes" | "no": HIPAA compliance; cannot be disabled. */
    hipaa?: pulumi.Input<string>;
    /** Point-in-time restore window, seconds. The provider's default (86400) exceeds the Free plan: always set it. */
    historyRetentionSeconds?: pulumi.Input<number>;
    /** Maintenance window (paid plans). */
    maintenanceWindow?: pulumi.Input<inputs.ProjectMaintenanceWindow>;
    /** Project name; Pulumi autonames it when omitted. */
    name?: pulumi.Input<string>;
    /** Organisation id (org-...). Changing it replaces the project. */
    orgId?: pulumi.Input<string>;
    /** Postgres major version, 14–18. Changing it replaces the project. */
    pgVersion?: pulumi.Input<number>;
    /** Consumption quota per billing period. */
    quota?: pulumi.Input<inputs.ProjectQuota>;
    /** Region id, e.g. aws-eu-central-1. Changing it replaces the project. */
    regionId?: pulumi.Input<string>;
    /** "yes" | "no": store role passwords (needed for connectionUri). */
    storePassword?: pulumi.Input<string>;
}
