import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
/**
 * A Neon project: its default branch, database, role and compute endpoint.
 *
 * Changing `regionId`, `pgVersion`, `orgId` or the `branch` block replaces the project,
 * deleting its data. Protect projects that hold data.
 *
 * Import: `pulumi import neon:index/project:Project <name> <project_id>`
 */
export declare class Project extends pulumi.CustomResource {
    /** Gets an existing Project's state by name and Neon project id. */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ProjectState, opts?: pulumi.CustomResourceOptions): Project;
    /** True when `obj` is a Project, even across multiple copies of the SDK. */
    static isInstance(obj: any): obj is Project;
    readonly allowedIps: pulumi.Output<string[] | undefined>;
    readonly allowedIpsProtectedBranchesOnly: pulumi.Output<string | undefined>;
    readonly blockPublicConnections: pulumi.Output<string | undefined>;
    readonly blockVpcConnections: pulumi.Output<string | undefined>;
    /** Default branch, role and database as read back, with the branch id. */
    readonly branch: pulumi.Output<outputs.ProjectBranch>;
    readonly computeProvisioner: pulumi.Output<string>;
    /** Direct connection URI of the default role and database. Secret. */
    readonly connectionUri: pulumi.Output<string>;
    /** Connection URI through the pooler host. Secret. */
    readonly connectionUriPooler: pulumi.Output<string>;
    /** Host of the default endpoint. */
    readonly databaseHost: pulumi.Output<string>;
    /** Host of the default endpoint's pooler. */
    readonly databaseHostPooler: pulumi.Output<string>;
    readonly databaseName: pulumi.Output<string>;
    /** Password of `databaseUser`. Secret. */
    readonly databasePassword: pulumi.Output<string>;
    readonly databaseUser: pulumi.Output<string>;
    readonly defaultBranchId: pulumi.Output<string>;
    readonly defaultBranchProtected: pulumi.Output<boolean | undefined>;
    readonly defaultEndpointId: pulumi.Output<string>;
    readonly defaultEndpointSettings: pulumi.Output<outputs.ProjectDefaultEndpointSettings>;
    readonly enableLogicalReplication: pulumi.Output<string | undefined>;
    readonly hipaa: pulumi.Output<string | undefined>;
    readonly historyRetentionSeconds: pulumi.Output<number>;
    readonly maintenanceWindow: pulumi.Output<outputs.ProjectMaintenanceWindow>;
    readonly name: pulumi.Output<string>;
    readonly orgId: pulumi.Output<string>;
    readonly pgVersion: pulumi.Output<number>;
    readonly quota: pulumi.Output<outputs.ProjectQuota>;
    readonly regionId: pulumi.Output<string>;
    readonly storePassword: pulumi.Output<string | undefined>;
    /** Create a Project resource with the given unique name, arguments, and options. */
    constructor(name: string, args?: ProjectArgs, opts?: pulumi.CustomResourceOptions);
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
